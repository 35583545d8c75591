//! Decoding bytes to text and finding lines again for diagnostics.

use std::fmt;

/// Why a file's bytes could not be read as text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DecodeError {
    /// 0-based offset of the first bad byte.
    pub offset: usize,
    pub byte: u8,
    /// Position of the bad byte (the column counts the valid characters before it).
    pub line: u32,
    pub col: u32,
}

impl fmt::Display for DecodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "invalid UTF-8: byte 0x{:02x} at offset {} (line {}, column {})",
            self.byte, self.offset, self.line, self.col
        )
    }
}

/// Reads bytes as UTF-8 text and drops a leading byte-order mark.
pub fn decode(bytes: &[u8]) -> Result<&str, DecodeError> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    std::str::from_utf8(bytes).map_err(|e| {
        let offset = e.valid_up_to();
        // SAFETY-free: the prefix is valid by definition of `valid_up_to`.
        let valid = std::str::from_utf8(&bytes[..offset]).unwrap_or_default();
        let line = valid.matches('\n').count() as u32 + 1;
        let line_start = valid.rfind('\n').map_or(0, |i| i + 1);
        let col = valid[line_start..].chars().count() as u32 + 1;
        DecodeError { offset, byte: bytes[offset], line, col }
    })
}

/// Byte offsets of line starts, for turning a line number back into its text.
#[derive(Debug, Clone)]
pub struct LineIndex {
    starts: Vec<usize>,
}

impl LineIndex {
    pub fn new(text: &str) -> Self {
        let mut starts = Vec::with_capacity(text.len() / 32 + 1);
        starts.push(0);
        starts.extend(memchr::memchr_iter(b'\n', text.as_bytes()).map(|i| i + 1));
        LineIndex { starts }
    }

    /// The text of 1-based `line`, without its line break (`\n` or `\r\n`).
    pub fn line<'t>(&self, text: &'t str, line: u32) -> Option<&'t str> {
        let i = (line as usize).checked_sub(1)?;
        let start = *self.starts.get(i)?;
        if start > text.len() {
            return None;
        }
        let end = self.starts.get(i + 1).map_or(text.len(), |&e| e - 1);
        let s = &text[start..end.max(start)];
        Some(s.strip_suffix('\r').unwrap_or(s))
    }

    /// Byte offset where 1-based `line` starts.
    pub fn line_start(&self, line: u32) -> Option<usize> {
        self.starts.get((line as usize).checked_sub(1)?).copied()
    }

    pub fn line_count(&self) -> u32 {
        self.starts.len() as u32
    }
}

/// Percent-encodes `value` for a URI: RFC 3986's unreserved characters and
/// the bytes in `keep` (such as `/` in a path) stay; every other byte becomes `%XX`.
pub fn percent_encode(value: &str, keep: &[u8]) -> String {
    let mut out = String::with_capacity(value.len());
    for b in value.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~".contains(&b) || keep.contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decode_strips_bom_and_names_bad_byte() {
        assert_eq!(decode(b"\xEF\xBB\xBFa: 1").unwrap(), "a: 1");
        let err = decode(b"a: 1\nb: \xff").unwrap_err();
        assert_eq!((err.offset, err.byte, err.line, err.col), (8, 0xff, 2, 4));
        assert!(err.to_string().contains("0xff"));
    }

    #[test]
    fn line_index_handles_crlf() {
        let text = "a\r\nbb\r\n\nc";
        let idx = LineIndex::new(text);
        assert_eq!(idx.line(text, 1), Some("a"));
        assert_eq!(idx.line(text, 2), Some("bb"));
        assert_eq!(idx.line(text, 3), Some(""));
        assert_eq!(idx.line(text, 4), Some("c"));
        assert_eq!(idx.line(text, 5), None);
    }

    #[test]
    fn percent_encode_keeps_unreserved_and_requested_bytes() {
        assert_eq!(super::percent_encode("a b/c:d~é", b"/"), "a%20b/c%3Ad~%C3%A9");
        assert_eq!(super::percent_encode("repository:a/b:pull", b""), "repository%3Aa%2Fb%3Apull");
    }
}
