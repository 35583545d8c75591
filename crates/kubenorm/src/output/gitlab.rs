//! `--format gitlab`: GitLab Code Quality JSON. The fingerprint is built from
//! what identifies a problem (rule, file, object, field, message), never from
//! line numbers, so it stays the same when unrelated lines move.

use super::{Report, write_json};
use kubenorm_linter::Severity;
use serde::{Serialize, Serializer};
use serde_json::json;
use std::collections::HashMap;
use std::io::Write;

pub fn render(report: &Report<'_>, out: &mut dyn Write) -> std::io::Result<()> {
    write_json(&Issues(report), out)
}

/// The issues array, one finding at a time.
struct Issues<'a>(&'a Report<'a>);

impl Serialize for Issues<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let report = self.0;
        // How often each identity was seen so far, by its hash.
        let mut seen: HashMap<u128, u32> = HashMap::new();
        serializer.collect_seq(report.findings.iter().map(|f| {
            let object = report.object(f).map_or(String::new(), |o| {
                format!(
                    "{}/{}/{}/{}",
                    o.api_version,
                    o.kind,
                    o.namespace.as_deref().unwrap_or(""),
                    o.name.as_deref().unwrap_or("")
                )
            });
            // Findings without an object are identified by the text of their line.
            let anchor = match &f.pointer {
                Some(p) if f.object.is_some() => p.as_str(),
                _ => f.source_line.as_deref().unwrap_or("").trim(),
            };
            let identity = format!("{}\u{0}{}\u{0}{object}\u{0}{anchor}\u{0}{}", f.rule, report.file(f), f.message);
            // Identical problems in one file stay distinct by their order.
            let occurrence = seen.entry(fnv1a(&identity)).or_insert(0);
            *occurrence += 1;
            let fingerprint = format!("{:032x}", fnv1a(&format!("{identity}\u{0}{occurrence}")));
            json!({
                "description": format!("{} ({})", f.message, f.help),
                "check_name": f.rule,
                "fingerprint": fingerprint,
                "severity": match f.severity {
                    Severity::Error => "major",
                    Severity::Warning => "minor",
                    Severity::Info => "info",
                },
                "location": {"path": report.file(f), "lines": {"begin": f.span.start.line, "end": f.span.end.line}},
            })
        }))
    }
}

/// 128-bit FNV-1a: stable across runs, platforms and versions.
fn fnv1a(text: &str) -> u128 {
    const OFFSET: u128 = 0x6c62272e07bb014262b821756295c58d;
    const PRIME: u128 = 0x0000000001000000000000000000013B;
    text.bytes().fold(OFFSET, |h, b| (h ^ u128::from(b)).wrapping_mul(PRIME))
}
