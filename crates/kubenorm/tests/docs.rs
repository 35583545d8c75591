//! `docs/rules/` is generated from the rules' doc comments and committed;
//! this test fails when it drifts. Regenerate with
//! `KUBENORM_UPDATE_DOCS=1 cargo test -p kubenorm --test docs`.

use kubenorm_linter::registry::{RULES, rule_page, rules_index};
use std::collections::BTreeMap;
use std::path::PathBuf;

#[test]
fn rule_pages_are_current() {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../docs/rules");
    let mut expected: BTreeMap<String, String> =
        RULES.iter().map(|r| (format!("{}.md", r.meta().name), rule_page(r.meta()))).collect();
    expected.insert("README.md".to_string(), rules_index());

    if std::env::var_os("KUBENORM_UPDATE_DOCS").is_some() {
        std::fs::create_dir_all(&dir).unwrap();
        for entry in std::fs::read_dir(&dir).unwrap() {
            std::fs::remove_file(entry.unwrap().path()).unwrap();
        }
        for (name, text) in &expected {
            std::fs::write(dir.join(name), text).unwrap();
        }
        return;
    }
    let mut actual = BTreeMap::new();
    for entry in std::fs::read_dir(&dir).expect("docs/rules exists (KUBENORM_UPDATE_DOCS=1 creates it)") {
        let path = entry.unwrap().path();
        actual
            .insert(path.file_name().unwrap().to_string_lossy().into_owned(), std::fs::read_to_string(&path).unwrap());
    }
    let stale: Vec<&String> = actual.keys().filter(|k| !expected.contains_key(*k)).collect();
    let drifted: Vec<&String> = expected.keys().filter(|k| actual.get(*k) != expected.get(*k)).collect();
    assert!(
        stale.is_empty() && drifted.is_empty(),
        "docs/rules is out of date (stale: {stale:?}, changed or missing: {drifted:?}); run KUBENORM_UPDATE_DOCS=1 cargo test -p kubenorm --test docs"
    );
}
