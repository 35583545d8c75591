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
fn quoted_scalars_on_one_long_line() {
    // One-line JSON, as the API server sends objects; non-ASCII before the
    // scalars so char and byte offsets differ.
    let mut text = String::from("{\"note\": \"héllo ✓\"");
    for i in 0..300 {
        text.push_str(&format!(", \"k{i}\": \"v{i}\""));
    }
    text.push('}');
    let docs = parse_all(&text);
    let root = docs[0].as_ref().unwrap().root();
    assert_eq!(root.get("note").unwrap().span(), crate::Span::new(Pos::new(1, 10), Pos::new(1, 19)));
    let last = root.get("k299").unwrap();
    assert_eq!(last.as_str(), Some("v299"));
    let start = last.span().start.col as usize;
    let chars: Vec<char> = text.chars().collect();
    assert_eq!(chars[start - 1], '"');
    assert_eq!(last.span().end.col as usize - start, "\"v299\"".len());
}

/// The JSON fast path must build exactly what the YAML parser builds.
fn assert_json_path_is_yaml_path(text: &str) {
    let mut fast = Vec::new();
    parse_stream(text, Limits::default(), |d| fast.push(d));
    assert!(super::json::events(text).is_some(), "not taken for {text:?}");
    let mut slow = Vec::new();
    let _ = super::builder::build(text, Limits::default(), 0, &mut |d| slow.push(d));
    assert_eq!(fast.len(), slow.len(), "{text:?}");
    for (f, s) in fast.iter().zip(&slow) {
        let (f, s) = (f.as_ref().unwrap(), s.as_ref().unwrap());
        assert_eq!(f.node_count(), s.node_count(), "{text:?}");
        for i in 0..f.node_count() {
            let (a, b) = (f.node(tree::NodeId(i as u32)), s.node(tree::NodeId(i as u32)));
            assert_eq!(format!("{a:?}"), format!("{b:?}"), "node {i} of {text:?}");
            assert_eq!(a.span(), b.span(), "span of node {i} ({:?}) of {text:?}", a.scalar_text());
            assert_eq!(a.scalar(), b.scalar(), "node {i} of {text:?}");
            assert_eq!(a.is_plain(), b.is_plain(), "node {i} of {text:?}");
        }
        assert_eq!(f.anomalies.len(), s.anomalies.len(), "{text:?}");
        assert_eq!(f.span, s.span, "{text:?}");
    }
}

#[test]
fn json_fast_path_matches_the_yaml_parser() {
    for text in [
        "{}",
        "[]",
        " {\"a\": 1}\n",
        "{\"a\":{\"b\":[1,2,{\"c\":null}],\"d\":true,\"e\":false},\"f\":-0.5e3,\"g\":\"x\"}",
        "{\n  \"apiVersion\": \"v1\",\n  \"kind\": \"Pod\",\n  \"metadata\": {\n    \"name\": \"p\",\n    \"labels\": {}\n  },\n  \"spec\": {\"containers\": []}\n}\n",
        "{\"esc\": \"a\\\"b\\\\c\\n\\u00e9\\u2028/\", \"k\": \"v\"}",
        "{\"é\": \"ü✓\", \"next\": [\"x\", \"y\"], \"n\": 10}",
        "{\r\n\"crlf\": [1,\r\n 2]\r\n}\r\n",
        "{\"dup\": 1, \"dup\": 2}",
        "{\"yes\": \"on\", \"octal\": 0, \"big\": 123456789012345678901234567890}",
        "[[[]], [{}], \"\"]",
    ] {
        assert_json_path_is_yaml_path(text);
    }
    // Not strict JSON: left to the YAML parser.
    for text in [
        "{a: 1}",
        "{\"a\": 1,}",
        "{\"a\": 1} {\"b\": 2}",
        "{\"a\": 'x'}",
        "{\"a\": 01}",
        "{\"a\": .5}",
        "{\"a\": \"\\x\"}",
        "{\"a\": 1} # c",
        "{\"a\"}",
    ] {
        assert!(super::json::events(text).is_none(), "{text:?}");
    }
}

#[test]
fn json_surrogate_pairs_are_decoded() {
    // Valid JSON that saphyr's YAML reader refuses.
    let docs = parse_all("{\"smile\": \"\\ud83d\\ude00\"}");
    assert_eq!(docs[0].as_ref().unwrap().root().get_str("smile"), Some("\u{1F600}"));
}

#[test]
fn json_fast_path_keeps_the_limits() {
    let deep = format!("{}{}", "[".repeat(300), "]".repeat(300));
    let docs = parse_all(&deep);
    assert!(docs[0].as_ref().unwrap_err().message.contains("nesting deeper"), "{:?}", docs[0]);
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

// libyaml, and so kubectl, has no indentation rule inside a flow collection
// nor for a quoted scalar's continuation lines; saphyr upstream has both
// (vendor/saphyr-parser/VENDORED.md). Each case was checked against PyYAML.

#[test]
fn flow_collection_closed_at_or_left_of_its_key() {
    let text = "spec:\n  params:\n    - name: x\n      value: [\n        \"a\", \"b\"\n      ]\n  args: [\n    \"--x\"\n  ]\n  after: 1\n";
    let docs = parse_all(text);
    let spec = docs[0].as_ref().unwrap().root().get("spec").unwrap();
    let value = spec.path(&["params"]).unwrap().item(0).unwrap().get("value").unwrap();
    assert_eq!(value.items().map(|n| n.as_str().unwrap()).collect::<Vec<_>>(), ["a", "b"]);
    assert_eq!(value.span().start, Pos::new(4, 14));
    assert_eq!(value.item(1).unwrap().span(), Span::new(Pos::new(5, 14), Pos::new(5, 17)));
    let args = spec.get("args").unwrap();
    assert_eq!(args.item(0).unwrap().as_str(), Some("--x"));
    assert_eq!(args.item(0).unwrap().span().start, Pos::new(8, 5));
    assert_eq!(spec.entry("after").unwrap().0.span().start, Pos::new(10, 3));
    assert_eq!(spec.len(), 3);
}

#[test]
fn flow_collection_content_at_column_one() {
    let docs = parse_all("a:\n  b: [\nx, \"y\",\n{k: v}\n]\n  c: {\nm: [1,\n2]}\n- z\n");
    assert!(docs[0].is_err(), "a block entry below the mapping is still an error");
    let docs = parse_all("a:\n  b: [\nx, \"y\",\n{k: v}\n]\n  c: {\nm: [1,\n2]}\n");
    let a = docs[0].as_ref().unwrap().root().get("a").unwrap();
    let b = a.get("b").unwrap();
    assert_eq!(b.len(), 3);
    assert_eq!(b.item(0).unwrap().span().start, Pos::new(3, 1));
    assert_eq!(b.item(1).unwrap().as_str(), Some("y"));
    assert_eq!(b.item(2).unwrap().get_str("k"), Some("v"));
    let m = a.path(&["c", "m"]).unwrap();
    assert_eq!(m.item(1).unwrap().as_i64(), Some(2));
    assert_eq!(m.item(1).unwrap().span().start, Pos::new(8, 1));
}

#[test]
fn quoted_scalar_continued_at_or_left_of_its_key() {
    let text = "metadata:\n  annotations:\n    description: \"first line\n    continues here at the key's indentation\"\n    single: 'one\n  two\n\n three'\n    tab: \"x\n\ty\"\n  name: n\n";
    let docs = parse_all(text);
    let meta = docs[0].as_ref().unwrap().root().get("metadata").unwrap();
    let notes = meta.get("annotations").unwrap();
    let description = notes.get("description").unwrap();
    assert_eq!(description.as_str(), Some("first line continues here at the key's indentation"));
    assert_eq!(description.span(), Span::new(Pos::new(3, 18), Pos::new(4, 45)));
    let single = notes.get("single").unwrap();
    assert_eq!(single.as_str(), Some("one two\nthree"));
    assert_eq!(single.span(), Span::new(Pos::new(5, 13), Pos::new(8, 8)));
    assert_eq!(notes.get_str("tab"), Some("x y"));
    assert_eq!(meta.entry("name").unwrap().0.span().start, Pos::new(11, 3));
    // A quoted scalar may go back to column 1 anywhere, as in libyaml.
    let docs = parse_all("a:\n  - b: \"x\ny\"\n  - c\n");
    let a = docs[0].as_ref().unwrap().root().get("a").unwrap();
    assert_eq!(a.item(0).unwrap().get_str("b"), Some("x y"));
    assert_eq!(a.item(1).unwrap().as_str(), Some("c"));
}

#[test]
fn what_libyaml_rejects_is_still_an_error() {
    for (text, line) in [
        // a block mapping key less indented than its siblings
        ("a:\n    b: 1\n  c: 2\n", 3),
        // the same after a flow collection closed at column 1
        ("a:\n  b: [\n  x\n]\n c: 1\n", 5),
        // the same after a quoted scalar continued at column 1
        ("a:\n  b: \"x\ny\"\n c: 1\n", 4),
        // content after a quoted scalar that went back to column 1
        ("a:\n  b: \"x\ny\" z\n", 3),
        // a quoted key cannot span lines
        ("a:\n  \"b\nc\": 1\n", 3),
        // a document marker inside a quoted scalar or a flow collection
        ("a: \"x\n---\ny\"\n", 1),
        ("a: [x,\n---\n]\n", 2),
        // a tab that makes up a plain scalar's indentation inside a flow collection
        ("a:\n  b: [ x\n\ty ]\n", 2),
        // a plain scalar continued at column 1 in block context
        ("a:\n  b: x\ny\n", 4),
    ] {
        let docs = parse_all(text);
        let err = docs[0].as_ref().expect_err(text);
        assert_eq!(err.pos.line, line, "{text:?}: {err}");
    }
}
