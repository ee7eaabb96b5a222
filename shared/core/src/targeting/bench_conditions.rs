//! The conditions of the `decide` bench: ten shapes, each with its own threshold per
//! campaign, so no two of the 100 conditions are the same text. Shared with the
//! differential test so that every condition the bench times is also checked.

pub fn bench_condition(i: usize) -> String {
    match i % 10 {
        0 => format!("customer.first_order && order.item_count >= {i}"),
        1 => format!(
            "customer.orders_before >= {} && customer.lifetime_value >= 100.0",
            i % 9
        ),
        2 => format!("customer.days_since_last_order >= {}", 30 + i),
        3 => format!("customer.nps >= 9 && order.subtotal > {i}.0"),
        4 => format!(
            r#""parent" in customer.tags && order.subtotal >= {}.0"#,
            i / 2
        ),
        5 => format!(
            r#"order.lines.exists(l, l.category == "coffee" && l.quantity >= {})"#,
            i % 4
        ),
        6 => format!(
            r#"order.channel == "web" && order.country == "DE" && order.line_count > {}"#,
            i % 12
        ),
        7 => format!("customer.is_birthday_month || customer.orders_before == {i}"),
        8 => format!(
            r#"customer.top_category == "tea" && customer.average_order_value > {}.0"#,
            i % 30
        ),
        _ => format!("order.free_shipping_gap > {}.0", i % 20),
    }
}
