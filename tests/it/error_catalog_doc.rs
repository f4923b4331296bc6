//! docs/ERRORS.md must list exactly the catalog's codes, statuses, categories and messages.

use std::collections::BTreeMap;

use investment_system::error_catalog::ErrorCode;

type Row = (u16, String, String);

fn documented() -> BTreeMap<String, Row> {
    let text = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/docs/ERRORS.md"))
        .expect("docs/ERRORS.md");
    text.lines()
        .filter(|line| line.starts_with("| `"))
        .map(|line| {
            let cells: Vec<&str> = line.trim_matches('|').split(" | ").map(str::trim).collect();
            assert_eq!(cells.len(), 4, "malformed row: {line}");
            let code = cells[0].trim_matches('`').to_string();
            let status = cells[1]
                .parse()
                .unwrap_or_else(|_| panic!("bad status: {line}"));
            (code, (status, cells[2].to_string(), cells[3].to_string()))
        })
        .collect()
}

fn catalog() -> BTreeMap<String, Row> {
    ErrorCode::ALL
        .iter()
        .map(|code| {
            (
                code.as_str().to_string(),
                (
                    code.http_status(),
                    code.category().as_str().to_string(),
                    code.message().to_string(),
                ),
            )
        })
        .collect()
}

#[test]
fn errors_doc_matches_the_catalog() {
    let documented = documented();
    let catalog = catalog();
    for (code, row) in &catalog {
        assert_eq!(
            documented.get(code),
            Some(row),
            "{code} differs or is missing in docs/ERRORS.md"
        );
    }
    for code in documented.keys() {
        assert!(
            catalog.contains_key(code),
            "{code} is documented but not in the catalog"
        );
    }
}
