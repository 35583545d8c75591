//! `--format json`: the shape documented in `cli.md`.

use super::{Report, write_json};
use serde_json::{Value, json};

pub fn render(report: &Report<'_>, out: &mut Vec<u8>) -> std::io::Result<()> {
    let findings: Vec<Value> = report
        .findings
        .iter()
        .map(|f| {
            let object = report.object(f).map_or(
                Value::Null,
                |o| json!({"apiVersion": o.api_version, "kind": o.kind, "namespace": o.namespace, "name": o.name}),
            );
            json!({
                "rule": f.rule,
                "severity": f.severity.as_str(),
                "message": f.message,
                "help": f.help,
                "file": report.file(f),
                "line": f.span.start.line,
                "column": f.span.start.col,
                "endLine": f.span.end.line,
                "endColumn": f.span.end.col,
                "object": object,
                "path": if f.object.is_some() { json!(f.pointer) } else { Value::Null },
            })
        })
        .collect();
    let s = &report.summary;
    let doc = json!({
        "version": 1,
        "findings": findings,
        "summary": {
            "files": s.files, "documents": s.documents, "objects": s.objects, "findings": s.findings,
            "errors": s.errors, "warnings": s.warnings, "infos": s.infos,
            "elapsedMs": s.elapsed.as_millis() as u64,
        },
    });
    write_json(&doc, out)
}
