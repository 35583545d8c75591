use super::*;

fn parse_all(text: &str) -> Vec<Result<Document, YamlError>> {
    let mut docs = Vec::new();
    parse_stream(text, Limits::default(), |d| docs.push(d));
    docs
}

#[test]
fn multi_document_with_positions() {
    let docs = parse_all("a: 1\n---\nkind: Pod\nspec:\n  containers:\n  - name: web\n    image: x\n");
    assert_eq!(docs.len(), 2);
    let doc = docs[1].as_ref().unwrap();
    let c = doc.root().path(&["spec", "containers"]).unwrap().item(0).unwrap();
    let image = c.get("image").unwrap();
    assert_eq!(image.as_str(), Some("x"));
    assert_eq!(image.span().start, Pos::new(7, 12));
    let name_key = c.entry("name").unwrap().0;
    assert_eq!(name_key.span().start, Pos::new(6, 5));
}

#[test]
fn crlf_and_json() {
    let docs = parse_all("{\r\n  \"kind\": \"Pod\",\r\n  \"spec\": {\"a\": [1, 2]}\r\n}\r\n");
    let doc = docs[0].as_ref().unwrap();
    assert_eq!(doc.root().get_str("kind"), Some("Pod"));
    let a = doc.root().path(&["spec", "a"]).unwrap();
    assert_eq!(a.item(1).unwrap().as_i64(), Some(2));
    assert_eq!(a.item(1).unwrap().span().start, Pos::new(3, 21));
}

#[test]
fn merge_keys_and_aliases() {
    let docs = parse_all("base: &b {x: 1, y: 2}\nderived:\n  <<: *b\n  y: 3\n");
    let root = docs[0].as_ref().unwrap().root();
    let d = root.get("derived").unwrap();
    assert_eq!(d.get("x").unwrap().as_i64(), Some(1));
    assert_eq!(d.get("y").unwrap().as_i64(), Some(3));
    assert_eq!(d.len(), 2);
}

#[test]
fn duplicate_keys_and_ambiguous_values_are_recorded() {
    let docs = parse_all("a: 1\nb: yes\na: 2\nmode: 0644\nq: 'yes'\n");
    let doc = docs[0].as_ref().unwrap();
    assert_eq!(doc.root().get("mode").unwrap().as_i64(), Some(420));
    assert_eq!(doc.root().get("b").unwrap().as_bool(), Some(true));
    assert_eq!(doc.root().get_str("q"), Some("yes"));
    let dups: Vec<_> = doc.anomalies.iter().filter(|a| matches!(a, Anomaly::DuplicateKey { .. })).collect();
    assert_eq!(dups.len(), 1);
    let ambiguous = doc.anomalies.iter().filter(|a| matches!(a, Anomaly::Ambiguous { .. })).count();
    assert_eq!(ambiguous, 2);
}

#[test]
fn syntax_error_resumes_at_next_document() {
    let docs = parse_all("a: 1\n---\nb: [1, 2\nc: 3\n---\nd: 4\n");
    assert_eq!(docs.len(), 3);
    assert!(docs[0].is_ok());
    let err = docs[1].as_ref().unwrap_err();
    assert!(err.pos.line >= 3, "{err:?}");
    let last = docs[2].as_ref().unwrap();
    assert_eq!(last.root().get("d").unwrap().as_i64(), Some(4));
    assert_eq!(last.root().get("d").unwrap().span().start.line, 6);
}

#[test]
fn alias_bomb_is_stopped() {
    let mut text = String::from("a: &a [x, x, x, x, x, x, x, x, x, x]\n");
    for i in 1..10 {
        let prev = (b'a' + i - 1) as char;
        let cur = (b'a' + i) as char;
        text.push_str(&format!(
            "{cur}: &{cur} [*{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}]\n"
        ));
    }
    let docs = parse_all(&text);
    let err = docs[0].as_ref().unwrap_err();
    assert!(err.message.contains("alias"), "{err:?}");
}

#[test]
fn deep_nesting_is_stopped() {
    let text = format!("{}1{}", "[".repeat(300), "]".repeat(300));
    let docs = parse_all(&text);
    assert!(docs[0].is_err());
    let fifty = format!("{}1{}", "[".repeat(50), "]".repeat(50));
    assert!(parse_all(&fifty)[0].is_ok());
}

#[test]
fn empty_and_comment_only_documents_are_skipped() {
    assert!(parse_all("").is_empty());
    assert!(parse_all("# just a comment\n---\n---\n").is_empty());
}

#[test]
fn quoted_scalars_end_at_their_closing_quote() {
    let docs = parse_all("a: \"x\" # comment\nb: 'it''s'   \nc: \"a\\\"b\"  # y\n");
    let root = docs[0].as_ref().unwrap().root();
    let end = |k: &str| root.get(k).unwrap().span().end;
    assert_eq!(end("a"), Pos::new(1, 7));
    assert_eq!(end("b"), Pos::new(2, 11));
    assert_eq!(end("c"), Pos::new(3, 10));
}

#[test]
fn nodes_lists_every_node_once_in_parse_order() {
    let docs = parse_all("a: &x [1, 2]\nb: *x\n");
    let doc = docs[0].as_ref().unwrap();
    let texts: Vec<_> = doc.nodes().map(|n| n.scalar_text().unwrap_or("<collection>")).collect();
    assert_eq!(texts, ["<collection>", "a", "<collection>", "1", "2", "b"]);
    assert_eq!(doc.nodes().len(), doc.node_count());
    assert!(doc.nodes().all(|n| doc.node(n.id()) == n));
}
