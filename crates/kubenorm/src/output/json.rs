//! `--format json`: the shape documented in `cli.md`.
//!
//! A run over a large tree has hundreds of thousands of findings: they are
//! pretty-printed in batches on the worker threads (each batch one buffer)
//! and written in order, never held as a `serde_json::Value` tree or as the
//! whole text. The bytes are those `serde_json::to_writer_pretty` gives.

use super::Report;
use kubenorm_linter::Finding;
use rayon::prelude::*;
use serde::Serialize;
use serde_json::ser::{Formatter, PrettyFormatter};
use std::io::Write;

/// Findings pretty-printed per task, and per batch written before the next.
const TASK: usize = 1024;
const BATCH: usize = 16 * TASK;

pub fn render(report: &Report<'_>, out: &mut dyn Write) -> std::io::Result<()> {
    let s = &report.summary;
    let summary = JsonSummary {
        files: s.files,
        documents: s.documents,
        objects: s.objects,
        findings: s.findings,
        errors: s.errors,
        warnings: s.warnings,
        infos: s.infos,
        elapsed_ms: s.elapsed.as_millis() as u64,
    };
    let mut out = std::io::BufWriter::with_capacity(64 * 1024, out);
    out.write_all(b"{\n  \"version\": 1,\n  \"findings\": [")?;
    let findings: Vec<&Finding> = report.findings.iter().collect();
    for (batch_index, batch) in findings.chunks(BATCH).enumerate() {
        let buffers: Vec<Vec<u8>> = batch
            .par_chunks(TASK)
            .enumerate()
            .map(|(task_index, task)| {
                let mut buffer = Vec::with_capacity(task.len() * 768);
                for (i, finding) in task.iter().enumerate() {
                    let first = batch_index == 0 && task_index == 0 && i == 0;
                    buffer.extend_from_slice(if first { b"\n    " } else { b",\n    " });
                    pretty_at(&JsonFinding::new(report, finding), 2, &mut buffer);
                }
                buffer
            })
            .collect();
        for buffer in buffers {
            out.write_all(&buffer)?;
        }
    }
    out.write_all(if findings.is_empty() { b"]" } else { b"\n  ]" })?;
    let mut tail = b",\n  \"summary\": ".to_vec();
    pretty_at(&summary, 1, &mut tail);
    tail.extend_from_slice(b"\n}\n");
    out.write_all(&tail)?;
    out.flush()
}

/// `value` as `serde_json::to_writer_pretty` prints it `level` levels deep
/// inside a document (two spaces per level).
fn pretty_at(value: &impl Serialize, level: usize, out: &mut Vec<u8>) {
    let mut formatter = PrettyFormatter::new();
    // The printer knows its depth only from the arrays it opened: open
    // `level` of them on a scratch buffer.
    let mut scratch = Vec::new();
    for _ in 0..level {
        formatter.begin_array(&mut scratch).expect("writing to memory cannot fail");
    }
    let mut serializer = serde_json::Serializer::with_formatter(out, formatter);
    value.serialize(&mut serializer).expect("serializing to memory cannot fail");
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
