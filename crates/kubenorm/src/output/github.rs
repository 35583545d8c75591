//! `--format github`: GitHub Actions workflow commands, which annotate the
//! pull request diff.

use super::Report;
use kubenorm_linter::Severity;
use std::io::Write;

pub fn render(report: &Report<'_>, out: &mut dyn Write) -> std::io::Result<()> {
    for f in report.findings.iter() {
        let command = match f.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Info => "notice",
        };
        let message = if f.help.is_empty() { f.message.clone() } else { format!("{}\nhelp: {}", f.message, f.help) };
        writeln!(
            out,
            "::{command} file={},line={},col={},endLine={},endColumn={},title={}::{}",
            escape_property(report.file(f)),
            f.span.start.line,
            f.span.start.col,
            f.span.end.line,
            f.span.end.col,
            escape_property(&format!("kubenorm {}", f.rule)),
            escape_data(&message)
        )?;
    }
    Ok(())
}

/// Escaping of the message part (actions/toolkit `escapeData`).
fn escape_data(text: &str) -> String {
    text.replace('%', "%25").replace('\r', "%0D").replace('\n', "%0A")
}

/// Escaping of property values (actions/toolkit `escapeProperty`).
fn escape_property(text: &str) -> String {
    escape_data(text).replace(':', "%3A").replace(',', "%2C")
}
