//! The checked-in JSON Schemas must match the types. Regenerate after a deliberate change:
//! `PACKWISE_UPDATE_SCHEMAS=1 cargo test -p packwise-core --test schemas`.

use std::path::PathBuf;

#[test]
fn checked_in_schemas_match_the_types() {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../schemas");
    let update = std::env::var_os("PACKWISE_UPDATE_SCHEMAS").is_some();
    let mut drifted = Vec::new();
    for (name, schema) in packwise_core::schema::all() {
        let path = dir.join(name);
        let fresh = packwise_core::schema::render(&schema);
        if update {
            std::fs::write(&path, &fresh).unwrap();
            continue;
        }
        let stored = std::fs::read_to_string(&path).unwrap_or_default();
        if stored != fresh {
            drifted.push(name);
        }
    }
    assert!(
        drifted.is_empty(),
        "schemas drifted from the types: {drifted:?}; regenerate with PACKWISE_UPDATE_SCHEMAS=1 cargo test -p packwise-core --test schemas"
    );
}

#[test]
fn the_instruction_schema_names_its_version() {
    let all = packwise_core::schema::all();
    let (_, schema) = all
        .iter()
        .find(|(n, _)| *n == "pickpack-v1.schema.json")
        .unwrap();
    assert_eq!(schema["title"], "PickPackInstruction");
    assert!(
        schema["required"]
            .as_array()
            .unwrap()
            .iter()
            .any(|f| f == "schema")
    );
}
