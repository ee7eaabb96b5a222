//! Reading many items by key in one round trip.

use std::collections::{HashMap, HashSet};

use aws_sdk_dynamodb::types::KeysAndAttributes;
use packwise_core::ports::{StoreError, StoreResult};

use super::backoff::{Backoff, RETRIES};
use super::errors::{unavailable, unbuilt};
use super::items::Item;
use super::keys::Key;
use super::store::DynamoStore;

/// BatchGetItem takes at most this many keys per request.
const KEYS_PER_REQUEST: usize = 100;

impl DynamoStore {
    /// The items of `keys` that exist, strongly consistent. Duplicate keys are read once.
    /// Up to 100 keys take one request; more are split into requests sent concurrently,
    /// so the latency is still one round trip. Keys DynamoDB leaves unprocessed are
    /// asked for again after a backoff, never dropped.
    pub(crate) async fn batch_get(&self, keys: &[Key]) -> StoreResult<HashMap<Key, Item>> {
        let mut seen = HashSet::new();
        let unique: Vec<&Key> = keys.iter().filter(|k| seen.insert(*k)).collect();
        let requests = unique
            .chunks(KEYS_PER_REQUEST)
            .map(|chunk| self.batch_get_chunk(chunk));
        let mut found = HashMap::new();
        for items in futures_util::future::try_join_all(requests).await? {
            for item in items {
                if let Some(key) = Key::of_item(&item) {
                    found.insert(key, item);
                }
            }
        }
        Ok(found)
    }

    async fn batch_get_chunk(&self, keys: &[&Key]) -> StoreResult<Vec<Item>> {
        // Consistent, because the processor's next wave reads what this one just
        // committed (a customer's next order, a budget's count): a stale read would only
        // fail the commit's conditions and cost a second round, but every time. One
        // request cannot mix consistent and eventual reads of a table.
        let mut pending = KeysAndAttributes::builder()
            .set_keys(Some(keys.iter().map(|k| k.to_item()).collect()))
            .consistent_read(true)
            .build()
            .map_err(unbuilt)?;
        let mut items = Vec::new();
        let mut backoff = Backoff::new();
        loop {
            let out = self
                .client
                .batch_get_item()
                .request_items(self.table.as_ref(), pending)
                .send()
                .await
                .map_err(|e| unavailable("BatchGetItem", e))?;
            if let Some(mut responses) = out.responses
                && let Some(found) = responses.remove(self.table.as_ref())
            {
                items.extend(found);
            }
            match out
                .unprocessed_keys
                .and_then(|mut u| u.remove(self.table.as_ref()))
            {
                Some(left) if !left.keys().is_empty() => pending = left,
                _ => return Ok(items),
            }
            // DynamoDB leaves keys unprocessed under throttling.
            if !backoff.wait().await {
                return Err(StoreError::Unavailable(format!(
                    "DynamoDB left keys unprocessed after {RETRIES} retries of BatchGetItem"
                )));
            }
        }
    }
}
