//! `--format json`: the shape documented in `cli.md`.
//!
//! Serialized straight from the findings into the output stream: a run over
//! a large tree has hundreds of thousands of findings, and an intermediate
//! `serde_json::Value` tree (or the whole text in memory) would cost more
//! than the linting.

use super::Report;
use kubenorm_linter::Finding;
use serde::Serialize;
use serde::ser::Serializer;
use std::io::Write;

pub fn render(report: &Report<'_>, out: &mut dyn Write) -> std::io::Result<()> {
    let s = &report.summary;
    let doc = JsonReport {
        version: 1,
        findings: Findings(report),
        summary: JsonSummary {
            files: s.files,
            documents: s.documents,
            objects: s.objects,
            findings: s.findings,
            errors: s.errors,
            warnings: s.warnings,
            infos: s.infos,
            elapsed_ms: s.elapsed.as_millis() as u64,
        },
    };
    super::write_json(&doc, out)
}

#[derive(Serialize)]
struct JsonReport<'a> {
    version: u32,
    findings: Findings<'a>,
    summary: JsonSummary,
}

/// The findings array, serialized one finding at a time.
struct Findings<'a>(&'a Report<'a>);

impl Serialize for Findings<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let report = self.0;
        serializer.collect_seq(report.findings.iter().map(|f| JsonFinding::new(report, f)))
    }
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct JsonFinding<'a> {
    rule: &'a str,
    severity: &'a str,
    message: &'a str,
    help: &'a str,
    file: &'a str,
    line: u32,
    column: u32,
    end_line: u32,
    end_column: u32,
    object: Option<JsonObject<'a>>,
    path: Option<&'a str>,
}

impl<'a> JsonFinding<'a> {
    fn new(report: &'a Report<'a>, f: &'a Finding) -> Self {
        JsonFinding {
            rule: f.rule,
            severity: f.severity.as_str(),
            message: &f.message,
            help: &f.help,
            file: report.file(f),
            line: f.span.start.line,
            column: f.span.start.col,
            end_line: f.span.end.line,
            end_column: f.span.end.col,
            object: report.object(f).map(|o| JsonObject {
                api_version: &o.api_version,
                kind: &o.kind,
                namespace: o.namespace.as_deref(),
                name: o.name.as_deref(),
            }),
            path: f.object.and(f.pointer.as_deref()),
        }
    }
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct JsonObject<'a> {
    api_version: &'a str,
    kind: &'a str,
    namespace: Option<&'a str>,
    name: Option<&'a str>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct JsonSummary {
    files: usize,
    documents: usize,
    objects: usize,
    findings: usize,
    errors: usize,
    warnings: usize,
    infos: usize,
    elapsed_ms: u64,
}
