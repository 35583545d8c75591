//! Report renderers: one module per `--format`.

mod github;
mod gitlab;
mod human;
mod json;
mod junit;
mod sarif;

use crate::cli::Format;
use kubenorm_linter::{Finding, Findings, Linter, ObjectInfo, Severity};
use std::io::Write;
use std::time::Duration;

/// Everything a renderer needs.
pub struct Report<'a> {
    /// Display path of each input, indexed by `FileId`.
    pub files: &'a [String],
    /// Sorted by file, line, column, rule.
    pub findings: &'a Findings,
    /// Objects of each file, indexed by `FileId` then object index.
    pub objects: &'a [Vec<ObjectInfo>],
    pub summary: Summary,
    pub rules: &'a Linter,
}

impl Report<'_> {
    pub fn file(&self, finding: &Finding) -> &str {
        self.files.get(finding.file as usize).map_or("<unknown>", String::as_str)
    }

    pub fn object(&self, finding: &Finding) -> Option<&ObjectInfo> {
        let key = finding.object?;
        self.objects.get(key.file as usize)?.get(key.index as usize)
    }
}

#[derive(Clone, Copy, Debug)]
pub struct Summary {
    pub files: usize,
    pub documents: usize,
    pub objects: usize,
    pub findings: usize,
    pub errors: usize,
    pub warnings: usize,
    pub infos: usize,
    pub elapsed: Duration,
    /// The layers of the built image judged (`kubenorm image`), instead of files.
    pub image_layers: Option<usize>,
}

impl Summary {
    pub fn new(files: usize, documents: usize, objects: usize, findings: &Findings, elapsed: Duration) -> Self {
        let count = |s| findings.iter().filter(|f| f.severity == s).count();
        Summary {
            files,
            documents,
            objects,
            findings: findings.len(),
            errors: count(Severity::Error),
            warnings: count(Severity::Warning),
            infos: count(Severity::Info),
            elapsed,
            image_layers: None,
        }
    }
}

pub fn render(
    format: Format,
    report: &Report<'_>,
    color: bool,
    quiet: bool,
    out: &mut dyn Write,
) -> std::io::Result<()> {
    match format {
        Format::Human => human::render(report, color, quiet, out),
        Format::Json => json::render(report, out),
        Format::Sarif => sarif::render(report, out),
        Format::Junit => junit::render(report, out),
        Format::Gitlab => gitlab::render(report, out),
        Format::Github => github::render(report, out),
    }
}

/// "Deployment app-shop/web" for messages and test names.
pub fn object_label(object: &ObjectInfo) -> String {
    let name = object.name.as_deref().unwrap_or("<unnamed>");
    match &object.namespace {
        Some(ns) => format!("{} {ns}/{name}", object.kind),
        None => format!("{} {name}", object.kind),
    }
}

/// Pretty JSON and a final newline. Reports serialize their findings one at
/// a time (a `Serialize` over the slice), never as one `Value` tree: a big
/// run has hundreds of thousands. The concrete buffer in front of `dyn
/// Write` saves a dynamic call per small write.
fn write_json(value: &impl serde::Serialize, out: &mut dyn Write) -> std::io::Result<()> {
    let mut out = std::io::BufWriter::with_capacity(64 * 1024, out);
    serde_json::to_writer_pretty(&mut out, value)?;
    out.write_all(b"\n")?;
    out.flush()
}
