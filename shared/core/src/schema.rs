//! JSON Schemas of the documents merchants and warehouses exchange with packwise,
//! generated from the types so they cannot drift from the code.

use schemars::schema_for;

/// (file name, schema) for every published document.
pub fn all() -> Vec<(&'static str, serde_json::Value)> {
    vec![
        (
            "order.schema.json",
            serde_json::to_value(schema_for!(crate::order::Order)).expect("schema"),
        ),
        (
            "campaign.schema.json",
            serde_json::to_value(schema_for!(crate::campaign::Campaign)).expect("schema"),
        ),
        (
            "insert.schema.json",
            serde_json::to_value(schema_for!(crate::insert::Insert)).expect("schema"),
        ),
        (
            "settings.schema.json",
            serde_json::to_value(schema_for!(crate::settings::MerchantSettings)).expect("schema"),
        ),
        (
            "pickpack-v1.schema.json",
            serde_json::to_value(schema_for!(crate::instruction::PickPackInstruction))
                .expect("schema"),
        ),
    ]
}

pub fn render(schema: &serde_json::Value) -> String {
    let mut s = serde_json::to_string_pretty(schema).expect("schema serializes");
    s.push('\n');
    s
}
