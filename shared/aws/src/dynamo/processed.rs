//! The processed-order record as an item. Most of it is the instruction's exact bytes,
//! kept so a redelivery writes the very same object; the record is written in the
//! order's transaction, which DynamoDB bills at two write units per started kilobyte.
//! Stored deflated, a typical record fits in one kilobyte instead of three. Records
//! written before, with the instruction as plain text, still read.

use std::io::{Read, Write};

use aws_sdk_dynamodb::primitives::Blob;
use aws_sdk_dynamodb::types::AttributeValue;
use flate2::Compression;
use flate2::read::DeflateDecoder;
use flate2::write::DeflateEncoder;
use packwise_core::ports::{ProcessedOrder, StoreResult};

use super::errors::corrupt;
use super::items::{Item, document, document_item, item_name};
use super::keys::Key;
use super::store::DynamoStore;

/// The document's field, as plain text.
const INSTRUCTION: &str = "instruction";
/// The same bytes, deflated (RFC 1951), as a binary attribute.
const INSTRUCTION_DEFLATED: &str = "instruction_deflated";

/// An instruction is a few kilobytes; anything inflating past this is not one.
const MOST_INSTRUCTION_BYTES: u64 = 4 * 1024 * 1024;

impl DynamoStore {
    /// The record of an order already processed, read strongly consistent.
    pub(crate) async fn processed_order(
        &self,
        merchant: &str,
        order_id: &str,
    ) -> StoreResult<Option<ProcessedOrder>> {
        let item = self.get(&Key::processed(merchant, order_id)).await?;
        item.map(processed_record).transpose()
    }
}

pub(crate) fn processed_item(key: &Key, record: &ProcessedOrder) -> StoreResult<Item> {
    let mut item = document_item(key, record)?;
    item.remove(INSTRUCTION);
    item.insert(
        INSTRUCTION_DEFLATED.into(),
        AttributeValue::B(Blob::new(deflate(record.instruction.as_bytes()))),
    );
    Ok(item)
}

pub(crate) fn processed_record(mut item: Item) -> StoreResult<ProcessedOrder> {
    if let Some(deflated) = item.remove(INSTRUCTION_DEFLATED) {
        let name = item_name(&item);
        let AttributeValue::B(blob) = deflated else {
            return Err(corrupt(name, "instruction_deflated is not binary"));
        };
        let text = inflate(blob.as_ref())
            .map_err(|reason| corrupt(name, format!("instruction_deflated: {reason}")))?;
        item.insert(INSTRUCTION.into(), AttributeValue::S(text));
    }
    document(item)
}

fn deflate(bytes: &[u8]) -> Vec<u8> {
    let mut encoder = DeflateEncoder::new(Vec::with_capacity(bytes.len() / 3), Compression::best());
    encoder
        .write_all(bytes)
        .and_then(|()| encoder.finish())
        .expect("deflating into memory cannot fail")
}

fn inflate(bytes: &[u8]) -> Result<String, String> {
    let mut text = String::new();
    DeflateDecoder::new(bytes)
        .take(MOST_INSTRUCTION_BYTES + 1)
        .read_to_string(&mut text)
        .map_err(|e| format!("does not inflate to UTF-8 text: {e}"))?;
    if text.len() as u64 > MOST_INSTRUCTION_BYTES {
        return Err(format!(
            "inflates past {MOST_INSTRUCTION_BYTES} bytes, not an instruction"
        ));
    }
    Ok(text)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record() -> ProcessedOrder {
        let instruction = serde_json::to_string_pretty(&serde_json::json!({
            "schema": "packwise.pickpack/v1",
            "order_id": "D20261123-00012",
            "pick": [{"sku": "COF-HOUSE", "title": "House Blend Coffee Beans 1 kg", "quantity": 2}],
            "message": {"text": "Jonas, es tut uns leid, dass wir dich zuletzt enttäuscht haben.", "locale": "de"},
            "campaigns": [
                {"campaign": "nps-detractor-apology", "outcome": {"status": "applied"}},
                {"campaign": "review-request", "outcome": {"status": "suppressed"}},
                {"campaign": "first-order-welcome", "outcome": {"status": "held_out"}}
            ]
        }))
        .unwrap();
        ProcessedOrder {
            order_id: "D20261123-00012".into(),
            customer_id: "C-1".into(),
            instruction_key: "pickpack/demo-shop/BER1/2026-11-23/D20261123-00012.json".into(),
            instruction,
            coupon_code: Some("SORRY-CAZ4R-FAW82".into()),
        }
    }

    fn key() -> Key {
        Key::processed("demo-shop", "D20261123-00012")
    }

    #[test]
    fn a_record_reads_back_byte_for_byte_from_a_smaller_item() {
        let record = record();
        let item = processed_item(&key(), &record).unwrap();
        assert!(!item.contains_key(INSTRUCTION));
        let Some(AttributeValue::B(deflated)) = item.get(INSTRUCTION_DEFLATED) else {
            panic!("no deflated instruction in {item:?}");
        };
        assert!(
            deflated.as_ref().len() * 2 < record.instruction.len(),
            "{} deflated bytes of {}",
            deflated.as_ref().len(),
            record.instruction.len()
        );
        assert_eq!(processed_record(item).unwrap(), record);
    }

    #[test]
    fn a_record_stored_with_its_instruction_as_text_still_reads() {
        let record = record();
        let item = document_item(&key(), &record).unwrap();
        assert_eq!(processed_record(item).unwrap(), record);
    }

    #[test]
    fn an_instruction_that_does_not_inflate_is_corrupt_and_named() {
        let mut item = processed_item(&key(), &record()).unwrap();
        item.insert(
            INSTRUCTION_DEFLATED.into(),
            AttributeValue::B(Blob::new(b"not deflate".to_vec())),
        );
        let error = processed_record(item).unwrap_err().to_string();
        assert!(error.contains("M#demo-shop#O#D20261123-00012"), "{error}");
        assert!(error.contains("instruction_deflated"), "{error}");

        let mut item = processed_item(&key(), &record()).unwrap();
        item.insert(
            INSTRUCTION_DEFLATED.into(),
            AttributeValue::S("text".into()),
        );
        let error = processed_record(item).unwrap_err().to_string();
        assert!(error.contains("is not binary"), "{error}");
    }
}
