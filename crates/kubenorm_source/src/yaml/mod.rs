//! YAML streams with positions, read the way kubectl reads them.
//!
//! [`parse_stream`] drives saphyr's event parser and builds one compact
//! [`Document`] per YAML document, handing each to a callback as soon as it
//! is complete so that memory holds one document at a time. A syntax error
//! ends its document; reading resumes at the next `---` line, so one broken
//! document does not hide the others.

mod builder;
mod json;
pub mod scalar;
mod tree;

pub use scalar::Scalar;
pub use tree::{Anomaly, Document, NodeId, NodeRef};

use crate::{Pos, Span};

/// Limits that keep untrusted input from taking the process down.
#[derive(Clone, Copy, Debug)]
pub struct Limits {
    /// Deepest allowed nesting of collections.
    pub max_depth: usize,
    /// Most nodes that aliases may add to one document when expanded.
    pub max_alias_expansion: u64,
}

impl Default for Limits {
    fn default() -> Self {
        Limits { max_depth: 256, max_alias_expansion: 100_000 }
    }
}

/// Why a document could not be read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct YamlError {
    pub pos: Pos,
    pub message: String,
}

impl std::fmt::Display for YamlError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} at line {} column {}", self.message, self.pos.line, self.pos.col)
    }
}

/// Parses every document of `text`, calling `on_document` for each in order.
/// Empty documents (only comments or nothing) are not reported.
pub fn parse_stream(text: &str, limits: Limits, mut on_document: impl FnMut(Result<Document, YamlError>)) {
    // Strict JSON takes a faster road to the same events.
    if text.trim_start_matches([' ', '\t', '\r', '\n']).starts_with(['{', '['])
        && let Some(events) = json::events(text)
    {
        builder::build_events(text, limits, events, &mut on_document);
        return;
    }
    let mut offset = 0usize;
    let mut line_shift = 0u32;
    while offset < text.len() {
        let rest = &text[offset..];
        match builder::build(rest, limits, line_shift, &mut on_document) {
            Ok(()) => return,
            Err(err) => {
                let resume = next_document_line(rest, err.pos.line - line_shift);
                on_document(Err(err));
                match resume {
                    Some((bytes, lines)) => {
                        offset += bytes;
                        line_shift += lines;
                    }
                    None => return,
                }
            }
        }
    }
}

/// Parses `text` if it is one strict JSON value, by the fast road; `None`
/// when it is not strict JSON (then [`parse_stream`] reads it as YAML).
pub fn parse_json(text: &str, limits: Limits) -> Option<Result<Document, YamlError>> {
    let events = json::events(text)?;
    let mut out = None;
    builder::build_events(text, limits, events, &mut |d| {
        out.get_or_insert(d);
    });
    // `{}` or `null`-like empty documents are still a value.
    Some(out.unwrap_or_else(|| Err(YamlError { pos: crate::Pos::new(1, 1), message: "empty document".into() })))
}

/// Byte offset and line count of the first `---` line at or after 1-based
/// `error_line` of `text` (a parser often notices an unclosed collection only
/// at the next `---`), where reading can start again. Never offset 0, so that
/// reading always moves forward.
fn next_document_line(text: &str, error_line: u32) -> Option<(usize, u32)> {
    let mut start = 0usize;
    for (line, chunk) in (1u32..).zip(text.split_inclusive('\n')) {
        if line >= error_line && start > 0 && is_document_marker(chunk) {
            return Some((start, line - 1));
        }
        start += chunk.len();
    }
    None
}

fn is_document_marker(line: &str) -> bool {
    line.strip_prefix("---").is_some_and(|rest| rest.is_empty() || rest.starts_with([' ', '\t', '\r', '\n']))
}

/// Converts saphyr's marker (1-based line, 0-based column) to a [`Pos`].
fn pos(marker: &saphyr_parser::Marker, line_shift: u32) -> Pos {
    Pos::new(marker.line() as u32 + line_shift, marker.col() as u32 + 1)
}

fn span(s: &saphyr_parser::Span, line_shift: u32) -> Span {
    Span::new(pos(&s.start, line_shift), pos(&s.end, line_shift))
}

#[cfg(test)]
mod tests;
