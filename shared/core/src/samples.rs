//! Sample documents used to check conditions and templates when a campaign is saved.

pub const ORDER_JSON: &str = r#"{
  "merchant": "sample",
  "order_id": "SAMPLE-1",
  "customer": {"id": "sample-customer", "first_name": "Sam", "locale": "en"},
  "placed_at": "2026-01-15T12:00:00Z",
  "channel": "web",
  "currency": "EUR",
  "fulfillment_centre": "SAMPLE",
  "ship_to": {"name": "Sam", "line1": "1 Sample St", "city": "Sampleton",
              "postal_code": "00000", "country": "DE"},
  "lines": [{"sku": "TEA-1", "title": "Mint Tea", "category": "tea",
             "quantity": 2, "unit_price": "4.50"}],
  "totals": {"subtotal": "9.00", "shipping": "3.90", "total": "12.90"}
}"#;
