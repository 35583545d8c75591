//! `--format junit`: one testsuite per file, one testcase per object, a
//! failure per finding. Findings that belong to no object (syntax errors)
//! are a testcase named after the file.

use super::{Report, object_label};
use kubenorm_linter::Finding;
use std::io::Write;

pub fn render(report: &Report<'_>, out: &mut dyn Write) -> std::io::Result<()> {
    let s = &report.summary;
    writeln!(out, r#"<?xml version="1.0" encoding="UTF-8"?>"#)?;
    writeln!(
        out,
        r#"<testsuites name="kubenorm" tests="{}" failures="{}" time="{:.3}">"#,
        count_cases(report),
        s.findings,
        s.elapsed.as_secs_f64()
    )?;
    for (file_id, file) in report.files.iter().enumerate() {
        let findings = report.findings.of_file(file_id as u32);
        let objects = report.objects.get(file_id).map_or(&[][..], Vec::as_slice);
        let mut by_object: Vec<Vec<&Finding>> = vec![Vec::new(); objects.len()];
        let mut loose = Vec::new();
        for finding in findings {
            match finding.object.and_then(|key| by_object.get_mut(key.index as usize)) {
                Some(of_object) => of_object.push(finding),
                None => loose.push(finding),
            }
        }
        let cases = objects.len() + usize::from(!loose.is_empty());
        writeln!(out, r#"  <testsuite name="{}" tests="{cases}" failures="{}">"#, escape(file), findings.len())?;
        for (object, of_object) in objects.iter().zip(&by_object) {
            write_case(out, file, &object_label(object), of_object)?;
        }
        if !loose.is_empty() {
            write_case(out, file, file, &loose)?;
        }
        writeln!(out, "  </testsuite>")?;
    }
    writeln!(out, "</testsuites>")
}

fn count_cases(report: &Report<'_>) -> usize {
    let objects: usize = report.objects.iter().map(Vec::len).sum();
    let mut loose_files: Vec<u32> = report.findings.iter().filter(|f| f.object.is_none()).map(|f| f.file).collect();
    loose_files.dedup();
    objects + loose_files.len()
}

fn write_case(out: &mut dyn Write, file: &str, name: &str, findings: &[&Finding]) -> std::io::Result<()> {
    if findings.is_empty() {
        return writeln!(out, r#"    <testcase name="{}" classname="{}"/>"#, escape(name), escape(file));
    }
    writeln!(out, r#"    <testcase name="{}" classname="{}">"#, escape(name), escape(file))?;
    for f in findings {
        let body = format!(
            "{}:{}:{}: {}\nhelp: {}\nat: {}",
            file,
            f.span.start.line,
            f.span.start.col,
            f.message,
            f.help,
            f.pointer.as_deref().unwrap_or("")
        );
        writeln!(
            out,
            r#"      <failure type="{}" message="{}: {}">{}</failure>"#,
            f.severity.as_str(),
            f.rule,
            escape(&f.message),
            escape(&body)
        )?;
    }
    writeln!(out, "    </testcase>")
}

/// XML-escapes text and attribute values, dropping characters XML 1.0 forbids.
fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\t' | '\n' | '\r' => out.push(c),
            c if (c as u32) < 0x20 => {}
            c => out.push(c),
        }
    }
    out
}
