//! Reading a merchant's history from a time on, several segments at once, page by page:
//! how stats and the stock report go over the orders without holding them all.

use chrono::{DateTime, Utc};

use crate::ports::{CustomerOrder, OrderStore, StoreResult};

/// Segments walked at once: enough to overlap DynamoDB's round trips, few enough to
/// stay polite to the table.
const SEGMENTS: u32 = 4;

/// Gives every order placed since `since` (all of them without it) to `add`, a page at a
/// time, from concurrent segments: `add` must not hold a lock across calls.
pub async fn walk<S: OrderStore>(
    store: &S,
    merchant: &str,
    since: Option<DateTime<Utc>>,
    add: &(dyn Fn(&[CustomerOrder]) + Sync),
) -> StoreResult<()> {
    let segments = (0..SEGMENTS).map(|segment| async move {
        let mut cursor: Option<String> = None;
        loop {
            let page = store
                .history_page(merchant, segment, SEGMENTS, since, cursor.as_deref())
                .await?;
            add(&page.orders);
            match page.next {
                Some(next) => cursor = Some(next),
                None => return StoreResult::Ok(()),
            }
        }
    });
    futures_util::future::try_join_all(segments).await?;
    Ok(())
}
