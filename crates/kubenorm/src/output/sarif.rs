//! `--format sarif`: SARIF 2.1.0, valid against the official schema.

use super::{Report, object_label, write_json};
use kubenorm_linter::{Finding, Severity};
use serde::{Serialize, Serializer};
use serde_json::{Value, json};
use std::collections::HashMap;
use std::io::Write;

pub fn render(report: &Report<'_>, out: &mut dyn Write) -> std::io::Result<()> {
    let rules: Vec<Value> = report
        .rules
        .active_rules()
        .map(|(meta, severity)| {
            json!({
                "id": meta.name,
                "shortDescription": {"text": meta.summary},
                "fullDescription": {"text": meta.summary},
                "help": {"text": meta.docs_markdown(), "markdown": meta.docs_markdown()},
                "defaultConfiguration": {"level": level(severity)},
                "properties": {"tags": [meta.category.as_str()]},
            })
        })
        .collect();
    let rule_index = report.rules.active_rules().enumerate().map(|(i, (meta, _))| (meta.name, i)).collect();
    let log = SarifLog {
        schema: "https://json.schemastore.org/sarif-2.1.0.json",
        version: "2.1.0",
        runs: [SarifRun {
            tool: json!({"driver": {
                "name": "kubenorm",
                "version": env!("CARGO_PKG_VERSION"),
                "semanticVersion": env!("CARGO_PKG_VERSION"),
                "rules": rules,
            }}),
            column_kind: "unicodeCodePoints",
            results: Results { report, rule_index },
        }],
    };
    write_json(&log, out)
}

#[derive(Serialize)]
struct SarifLog<'a> {
    #[serde(rename = "$schema")]
    schema: &'static str,
    version: &'static str,
    runs: [SarifRun<'a>; 1],
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SarifRun<'a> {
    tool: Value,
    column_kind: &'static str,
    results: Results<'a>,
}

/// The results array, one finding at a time.
struct Results<'a> {
    report: &'a Report<'a>,
    rule_index: HashMap<&'static str, usize>,
}

impl Serialize for Results<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_seq(self.report.findings.iter().map(|f| self.result(f)))
    }
}

impl Results<'_> {
    fn result(&self, f: &Finding) -> Value {
        let report = self.report;
        let end_col = if f.span.end.line == f.span.start.line {
            f.span.end.col.max(f.span.start.col + 1)
        } else {
            f.span.end.col.max(1)
        };
        let mut location = json!({
            "physicalLocation": {
                "artifactLocation": {"uri": uri(report.file(f))},
                "region": {
                    "startLine": f.span.start.line,
                    "startColumn": f.span.start.col,
                    "endLine": f.span.end.line.max(f.span.start.line),
                    "endColumn": end_col,
                },
            },
        });
        if let Some(object) = report.object(f) {
            location["logicalLocations"] = json!([{
                "name": object_label(object),
                "fullyQualifiedName": format!("{}{}", object_label(object), f.pointer.as_deref().unwrap_or("")),
                "kind": "object",
            }]);
        }
        let message = if f.help.is_empty() { f.message.clone() } else { format!("{} (help: {})", f.message, f.help) };
        let mut result = json!({
            "ruleId": f.rule,
            "level": level(f.severity),
            "message": {"text": message},
            "locations": [location],
        });
        if let Some(index) = self.rule_index.get(f.rule) {
            result["ruleIndex"] = json!(index);
        }
        result
    }
}

fn level(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "note",
    }
}

/// A relative URI reference for a path: characters outside RFC 3986's
/// unreserved set and `/` are percent-encoded.
fn uri(path: &str) -> String {
    kubenorm_source::percent_encode(path, b"/")
}

#[cfg(test)]
mod tests {
    #[test]
    fn uri_encodes_spaces_and_reserved_characters() {
        assert_eq!(super::uri("a b/c#d.yaml"), "a%20b/c%23d.yaml");
        assert_eq!(super::uri("<stdin>"), "%3Cstdin%3E");
    }
}
