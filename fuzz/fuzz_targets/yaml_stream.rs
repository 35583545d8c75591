//! Arbitrary bytes → `decode` → `parse_stream`, then every accessor of
//! every node of every document. Nothing may panic, hang or blow up memory.
#![no_main]

use kubenorm_source::yaml::{Document, Limits, NodeRef, parse_stream};
use kubenorm_source::{LineIndex, decode};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|bytes: &[u8]| {
    let Ok(text) = decode(bytes) else { return };
    let lines = LineIndex::new(text);
    parse_stream(text, Limits::default(), |doc| match doc {
        Ok(doc) => exercise(&doc, text, &lines),
        Err(err) => {
            let _ = err.to_string();
            let _ = lines.line(text, err.pos.line);
        }
    });
});

fn exercise(doc: &Document, text: &str, lines: &LineIndex) {
    let _ = doc.root();
    assert_eq!(doc.nodes().len(), doc.node_count());
    for node in doc.nodes() {
        assert!(doc.node(node.id()) == node);
        let span = node.span();
        assert!(span.start <= span.end, "span {span:?} of {node:?} ends before it starts");
        let _ = lines.line(text, span.start.line);
        let _ = lines.line(text, span.end.line);
        let _ = format!("{node:?}");
        let _ = (node.is_map(), node.is_seq(), node.is_scalar(), node.is_null(), node.is_plain());
        let _ = (node.scalar(), node.scalar_text(), node.as_str(), node.as_bool(), node.as_i64(), node.as_f64());
        assert_eq!(node.is_empty(), node.len() == 0);
        assert_eq!(node.items().count(), if node.is_seq() { node.len() } else { 0 });
        assert_eq!(node.entries().count(), if node.is_map() { node.len() } else { 0 });
        let _ = node.item(0);
        let _ = node.item(node.len());
        for (key, value) in node.entries() {
            if let Some(k) = key.scalar_text() {
                let found = node.get(k);
                assert!(found.is_some(), "key {k:?} of {node:?} not found by get");
                let _ = (node.entry(k), node.get_str(k), node.get_bool(k), node.path(&[k, k]));
            }
            visit_value(value);
        }
        let _ = node.get("apiVersion");
        let _ = node.path(&["spec", "template", "spec", "containers"]);
    }
    for anomaly in &doc.anomalies {
        let _ = format!("{anomaly:?}");
    }
}

fn visit_value(value: NodeRef<'_>) {
    let _ = (value.id().index(), value.document().node_count(), value.len());
}
