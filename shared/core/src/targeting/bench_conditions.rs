//! The conditions of the `decide` bench: ten shapes, each with its own threshold per
//! campaign (a fraction carries the campaign's number where the whole part repeats), so
//! no two of the 100 conditions are the same text (tested). Shared with the
//! differential test so that every condition the bench times is also checked.

pub fn bench_condition(i: usize) -> String {
    match i % 10 {
        0 => format!("customer.first_order && order.item_count >= {i}"),
        1 => format!(
            "customer.orders_before >= {} && customer.lifetime_value >= 100.{i:02}",
            i % 9
        ),
        2 => format!("customer.days_since_last_order >= {}", 30 + i),
        3 => format!("customer.nps >= 9 && order.subtotal > {i}.0"),
        4 => format!(
            r#""parent" in customer.tags && order.subtotal >= {}.0"#,
            i / 2
        ),
        5 => format!(
            r#"order.lines.exists(l, l.category == "coffee" && l.quantity >= {} && l.unit_price >= 0.{i:02})"#,
            i % 4
        ),
        6 => format!(
            r#"order.channel == "web" && order.country == "DE" && order.line_count > {} && order.subtotal > 0.{i:02}"#,
            i % 12
        ),
        7 => format!("customer.is_birthday_month || customer.orders_before == {i}"),
        8 => format!(
            r#"customer.top_category == "tea" && customer.average_order_value > {}.{i:02}"#,
            i % 30
        ),
        _ => format!("order.free_shipping_gap > {}.{i:02}", i % 20),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_hundred_conditions_are_distinct() {
        let texts: std::collections::BTreeSet<String> =
            (0..100).map(super::bench_condition).collect();
        assert_eq!(texts.len(), 100);
    }
}
