//! Read and write units as DynamoDB bills them, from the items a request names and an
//! answer returns, for the two operations where DynamoDB Local's own figure is wrong.
//! It prices a multi-item transaction as if it were one item (six 100-byte puts: 2 units
//! reported, 12 billed) and leaves keys a BatchGetItem did not find out of its count.
//! The rules are AWS's ("Item sizes and formats", "Read and write operations"); no
//! maintained crate computes them, so they are here, small and tested.

use std::collections::HashMap;

use aws_sdk_dynamodb::types::{AttributeValue, TransactWriteItem};

type Item = HashMap<String, AttributeValue>;

const WRITE_UNIT_BYTES: usize = 1024;
const READ_UNIT_BYTES: usize = 4096;

/// An item's size as DynamoDB counts it: every attribute's name and value.
pub fn item_size(item: &Item) -> usize {
    item.iter()
        .map(|(name, value)| name.len() + value_size(value))
        .sum()
}

fn value_size(value: &AttributeValue) -> usize {
    match value {
        AttributeValue::S(s) => s.len(),
        AttributeValue::N(n) => number_size(n),
        AttributeValue::B(b) => b.as_ref().len(),
        AttributeValue::Bool(_) | AttributeValue::Null(_) => 1,
        AttributeValue::Ss(set) => set.iter().map(String::len).sum(),
        AttributeValue::Ns(set) => set.iter().map(|n| number_size(n)).sum(),
        AttributeValue::Bs(set) => set.iter().map(|b| b.as_ref().len()).sum(),
        // Three bytes for the container, one more for each element.
        AttributeValue::L(list) => 3 + list.iter().map(|v| 1 + value_size(v)).sum::<usize>(),
        AttributeValue::M(map) => {
            3 + map
                .iter()
                .map(|(k, v)| 1 + k.len() + value_size(v))
                .sum::<usize>()
        }
        _ => 0,
    }
}

/// One byte per two significant digits, plus one.
fn number_size(text: &str) -> usize {
    let digits: String = text
        .split(['e', 'E'])
        .next()
        .unwrap_or("")
        .chars()
        .filter(char::is_ascii_digit)
        .collect();
    let significant = digits.trim_start_matches('0').trim_end_matches('0').len();
    significant.div_ceil(2) + 1
}

/// Write units of a TransactWriteItems: two per started kilobyte of each item. A put's
/// size is the item it writes. An update, delete or condition check is billed on the
/// stored item, which the request does not carry: counted at the one-kilobyte minimum,
/// which the items packwise updates in a commit (counter shards, an insert's stock, a
/// coupon being redeemed) stay under.
pub fn transaction_write_units(items: &[TransactWriteItem]) -> f64 {
    items
        .iter()
        .map(|action| {
            let bytes = action.put().map_or(1, |put| item_size(put.item()));
            2.0 * bytes.max(1).div_ceil(WRITE_UNIT_BYTES) as f64
        })
        .sum()
}

/// Read units of a BatchGetItem answer: each item found rounded up to 4 KB on its own,
/// and each key not found at the minimum, as a GetItem of it would be; half for
/// eventually consistent reads.
pub fn batch_get_read_units(found: &[Item], not_found: usize, consistent: bool) -> f64 {
    let units: usize = found
        .iter()
        .map(|item| item_size(item).max(1).div_ceil(READ_UNIT_BYTES))
        .sum::<usize>()
        + not_found;
    if consistent {
        units as f64
    } else {
        units as f64 / 2.0
    }
}

#[cfg(test)]
mod tests {
    use aws_sdk_dynamodb::primitives::Blob;
    use aws_sdk_dynamodb::types::{Put, Update};

    use super::*;

    fn s(v: &str) -> AttributeValue {
        AttributeValue::S(v.into())
    }

    #[test]
    fn sizes_follow_the_documented_rules() {
        let item: Item = [
            ("pk".to_string(), s("M#demo")),                              // 2 + 6
            ("n".to_string(), AttributeValue::N("12345".into())),         // 1 + 3 + 1
            ("z".to_string(), AttributeValue::N("0.00100".into())),       // 1 + 1 + 1
            ("b".to_string(), AttributeValue::B(Blob::new(vec![0; 10]))), // 1 + 10
            ("t".to_string(), AttributeValue::Bool(true)),                // 1 + 1
            ("l".to_string(), AttributeValue::L(vec![s("ab"), s("c")])),  // 1 + 3 + 3 + 2
            (
                "m".to_string(),
                AttributeValue::M([("k".to_string(), s("vv"))].into()),
            ), // 1 + 3 + 1 + 1 + 2
        ]
        .into();
        assert_eq!(item_size(&item), 8 + 5 + 3 + 11 + 2 + 9 + 8);
        assert_eq!(item_size(&Item::new()), 0);
    }

    #[test]
    fn every_item_of_a_transaction_pays_two_units_per_started_kilobyte() {
        let put = |bytes: usize| {
            TransactWriteItem::builder()
                .put(
                    Put::builder()
                        .table_name("t")
                        .item("pk", s(&"x".repeat(bytes - 2)))
                        .build()
                        .unwrap(),
                )
                .build()
        };
        let update = TransactWriteItem::builder()
            .update(
                Update::builder()
                    .table_name("t")
                    .key("pk", s("a"))
                    .update_expression("ADD c :one")
                    .build()
                    .unwrap(),
            )
            .build();
        // Six small puts: twelve units, where DynamoDB Local reports two.
        assert_eq!(transaction_write_units(&vec![put(100); 6]), 12.0);
        assert_eq!(transaction_write_units(&[put(1024)]), 2.0);
        assert_eq!(transaction_write_units(&[put(1025)]), 4.0);
        assert_eq!(transaction_write_units(&[put(3000), update]), 6.0 + 2.0);
    }

    #[test]
    fn a_batch_read_pays_for_every_key_found_or_not() {
        let item =
            |bytes: usize| -> Item { [("pk".to_string(), s(&"x".repeat(bytes - 2)))].into() };
        assert_eq!(
            batch_get_read_units(&[item(100), item(4097)], 3, true),
            1.0 + 2.0 + 3.0
        );
        assert_eq!(batch_get_read_units(&[item(100)], 1, false), 1.0);
    }
}
