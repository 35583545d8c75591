//! `--format human`: rustc-style diagnostics with the source line and a caret.

use super::{Report, object_label};
use kubenorm_linter::{Finding, Severity};
use std::io::Write;

struct Paint {
    color: bool,
}

impl Paint {
    fn paint(&self, code: &str, text: &str) -> String {
        if self.color { format!("\x1b[{code}m{text}\x1b[0m") } else { text.to_string() }
    }

    fn severity(&self, severity: Severity) -> String {
        let code = match severity {
            Severity::Error => "1;31",
            Severity::Warning => "1;33",
            Severity::Info => "1;36",
        };
        self.paint(code, severity.as_str())
    }

    fn gutter(&self, text: &str) -> String {
        self.paint("1;34", text)
    }
}

pub fn render(report: &Report<'_>, color: bool, quiet: bool, out: &mut dyn Write) -> std::io::Result<()> {
    let paint = Paint { color };
    for finding in report.findings.iter() {
        render_finding(report, finding, &paint, out)?;
    }
    if !quiet {
        let s = &report.summary;
        let plural = |n: usize, word: &str| format!("{n} {word}{}", if n == 1 { "" } else { "s" });
        let headline = if s.findings == 0 {
            paint.paint("1;32", "No problems found")
        } else {
            paint.paint("1", &format!("Found {}", plural(s.findings, "problem")))
        };
        let counts =
            format!("{}, {}, {}", plural(s.errors, "error"), plural(s.warnings, "warning"), plural(s.infos, "info"));
        let judged = match s.image_layers {
            Some(layers) => format!("the image ({})", plural(layers, "layer")),
            None => format!(
                "{} ({}, {})",
                plural(s.files, "file"),
                plural(s.documents, "document"),
                plural(s.objects, "object")
            ),
        };
        writeln!(out, "{headline} ({counts}) in {judged} in {} ms.", s.elapsed.as_millis())?;
    }
    Ok(())
}

fn render_finding(report: &Report<'_>, f: &Finding, paint: &Paint, out: &mut dyn Write) -> std::io::Result<()> {
    let line_no = f.span.start.line.to_string();
    let pad = " ".repeat(line_no.len());
    writeln!(
        out,
        "{}{}: {}",
        paint.severity(f.severity),
        paint.paint("1", &format!("[{}]", f.rule)),
        paint.paint("1", &f.message)
    )?;
    writeln!(out, "{pad}{} {}:{}:{}", paint.gutter("-->"), report.file(f), f.span.start.line, f.span.start.col)?;
    if let Some(source) = &f.source_line {
        writeln!(out, "{pad} {}", paint.gutter("|"))?;
        writeln!(out, "{} {} {}", paint.gutter(&line_no), paint.gutter("|"), source)?;
        writeln!(out, "{pad} {} {}", paint.gutter("|"), paint.paint(caret_color(f.severity), &caret_line(source, f)))?;
    }
    if let Some(object) = report.object(f) {
        let at = f.pointer.as_deref().filter(|p| !p.is_empty()).map(|p| format!(" at {p}")).unwrap_or_default();
        writeln!(out, "{pad} {} object: {}{at}", paint.gutter("="), object_label(object))?;
    }
    if !f.help.is_empty() {
        writeln!(out, "{pad} {} {}: {}", paint.gutter("="), paint.paint("1", "help"), f.help)?;
    }
    writeln!(out)
}

fn caret_color(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "1;31",
        Severity::Warning => "1;33",
        Severity::Info => "1;36",
    }
}

/// Spaces (tabs kept, so the caret lines up) up to the start column, then `^`
/// under the span on its first line.
fn caret_line(source: &str, f: &Finding) -> String {
    let start = f.span.start.col.saturating_sub(1) as usize;
    let chars: Vec<char> = source.chars().collect();
    let end =
        if f.span.end.line == f.span.start.line { f.span.end.col.saturating_sub(1) as usize } else { chars.len() };
    let mut line: String = chars.iter().take(start).map(|&c| if c == '\t' { '\t' } else { ' ' }).collect();
    let width = end.min(chars.len()).saturating_sub(start).max(1);
    line.push_str(&"^".repeat(width));
    line
}
