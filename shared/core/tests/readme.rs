//! The README's table of condition variables must list exactly the variables the engine has.

#[test]
fn the_readme_documents_every_condition_variable() {
    let readme =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../../README.md")).unwrap();
    let documented: Vec<&str> = readme
        .lines()
        .filter_map(|l| l.strip_prefix("| `"))
        .filter_map(|l| l.split_once("` |").map(|(path, _)| path))
        .filter(|p| {
            p.starts_with("order.") || p.starts_with("customer.") || p.starts_with("today.")
        })
        .collect();
    let known: Vec<&str> = packwise_core::targeting::VARIABLES
        .iter()
        .map(|v| v.path)
        .collect();
    assert_eq!(documented, known, "update the README's variable table");
    for v in packwise_core::targeting::VARIABLES {
        let row = format!("| `{}` | {} | {} |", v.path, v.cel_type, v.meaning);
        assert!(readme.contains(&row), "README row out of date: {row}");
    }
}
