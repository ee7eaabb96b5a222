//! Writing many whole items in as few round trips as DynamoDB allows.

use aws_sdk_dynamodb::types::{PutRequest, WriteRequest};
use packwise_core::ports::{StoreError, StoreResult};

use super::backoff::{Backoff, RETRIES};
use super::errors::{unavailable, unbuilt};
use super::items::Item;
use super::store::DynamoStore;

/// BatchWriteItem takes at most this many writes per request.
const ITEMS_PER_REQUEST: usize = 25;

impl DynamoStore {
    /// Puts every item, unconditionally, 25 to a request, requests one after another
    /// (a rebuild is not latency bound, and this keeps its write rate gentle).
    pub(crate) async fn batch_put(&self, items: Vec<Item>) -> StoreResult<()> {
        let mut items = items.into_iter().peekable();
        while items.peek().is_some() {
            let chunk = items
                .by_ref()
                .take(ITEMS_PER_REQUEST)
                .map(|item| {
                    let put = PutRequest::builder().set_item(Some(item)).build();
                    put.map(|p| WriteRequest::builder().put_request(p).build())
                })
                .collect::<Result<Vec<_>, _>>()
                .map_err(unbuilt)?;
            self.batch_put_chunk(chunk).await?;
        }
        Ok(())
    }

    async fn batch_put_chunk(&self, mut pending: Vec<WriteRequest>) -> StoreResult<()> {
        let mut backoff = Backoff::new();
        loop {
            let out = self
                .client
                .batch_write_item()
                .request_items(self.table.as_ref(), pending)
                .send()
                .await
                .map_err(|e| unavailable("BatchWriteItem", e))?;
            match out
                .unprocessed_items
                .and_then(|mut left| left.remove(self.table.as_ref()))
            {
                Some(left) if !left.is_empty() => pending = left,
                _ => return Ok(()),
            }
            // Under throttling; when the retries run out, the caller's retry puts them all
            // again.
            if !backoff.wait().await {
                return Err(StoreError::Unavailable(format!(
                    "DynamoDB left writes unprocessed after {RETRIES} retries of BatchWriteItem"
                )));
            }
        }
    }
}
