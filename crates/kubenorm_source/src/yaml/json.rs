//! A fast path for strict JSON (the admission webhook's objects, `*.json`
//! manifests): a byte-level tokenizer that emits the same events, with the
//! same positions, as saphyr's YAML parser would, fed to the same builder.
//! saphyr scans character by character and is several times slower on JSON.
//!
//! Anything that is not strict JSON (comments, single quotes, unquoted keys,
//! trailing commas, several documents, invalid escapes) returns `None`, and
//! the caller parses the text as YAML, which reports errors properly.

use saphyr_parser::{Event, Marker, ScalarStyle, Span};
use std::borrow::Cow;

type Events<'t> = Vec<(Event<'t>, Span)>;

/// The events of one JSON document, or `None` if `text` is not strict JSON.
pub(super) fn events(text: &str) -> Option<Events<'_>> {
    let mut t = Tokenizer { text, bytes: text.as_bytes(), at: 0, chars: 0, line: 1, col: 0, ascii: text.is_ascii() };
    let mut out: Events<'_> = Vec::with_capacity(text.len() / 8);
    t.skip_ws();
    let start = t.marker();
    out.push((Event::StreamStart, Span::new(start, start)));
    // saphyr spans an implicit document start over the first token's first character.
    let first = Marker::new(start.index() + 1, start.line(), start.col() + 1);
    out.push((Event::DocumentStart(false), Span::new(start, first)));
    // Open collections: `true` for a mapping.
    let mut stack: Vec<bool> = Vec::new();
    loop {
        // One value (a mapping's key is read just before its value).
        t.skip_ws();
        let begin = t.marker();
        match *t.bytes.get(t.at)? {
            b'{' | b'[' => {
                let is_map = t.bytes[t.at] == b'{';
                t.advance(1);
                let span = Span::new(begin, t.marker());
                out.push((if is_map { Event::MappingStart(0, None) } else { Event::SequenceStart(0, None) }, span));
                stack.push(is_map);
                t.skip_ws();
                let close = if is_map { b'}' } else { b']' };
                if t.bytes.get(t.at) == Some(&close) {
                    let at = t.marker();
                    t.advance(1);
                    stack.pop();
                    out.push((if is_map { Event::MappingEnd } else { Event::SequenceEnd }, Span::new(at, t.marker())));
                } else {
                    if is_map {
                        t.key(&mut out)?;
                    }
                    continue;
                }
            }
            b'"' => {
                let value = t.string()?;
                out.push((Event::Scalar(value, ScalarStyle::DoubleQuoted, 0, None), Span::new(begin, t.marker())));
            }
            _ => {
                let len = t.literal()?;
                let value = &text[t.at..t.at + len];
                t.advance(len);
                out.push((
                    Event::Scalar(Cow::Borrowed(value), ScalarStyle::Plain, 0, None),
                    Span::new(begin, t.marker()),
                ));
            }
        }
        // After a value: `,` and the next entry, or the end of collections.
        loop {
            t.skip_ws();
            let Some(&is_map) = stack.last() else {
                // The top-level value is done: only whitespace may follow.
                if t.at != t.bytes.len() {
                    return None;
                }
                let end = t.marker();
                out.push((Event::DocumentEnd, Span::new(end, end)));
                out.push((Event::StreamEnd, Span::new(end, end)));
                return Some(out);
            };
            let at = t.marker();
            match *t.bytes.get(t.at)? {
                b',' => {
                    t.advance(1);
                    if is_map {
                        t.key(&mut out)?;
                    }
                    break;
                }
                b'}' if is_map => {
                    t.advance(1);
                    stack.pop();
                    out.push((Event::MappingEnd, Span::new(at, t.marker())));
                }
                b']' if !is_map => {
                    t.advance(1);
                    stack.pop();
                    out.push((Event::SequenceEnd, Span::new(at, t.marker())));
                }
                _ => return None,
            }
        }
    }
}

struct Tokenizer<'t> {
    text: &'t str,
    bytes: &'t [u8],
    /// Byte offset.
    at: usize,
    /// Character offset (saphyr's marker index).
    chars: usize,
    /// 1-based line, 0-based column in characters (as saphyr counts them).
    line: usize,
    col: usize,
    ascii: bool,
}

impl<'t> Tokenizer<'t> {
    fn marker(&self) -> Marker {
        Marker::new(self.chars, self.line, self.col)
    }

    /// Moves over `n` bytes of one line.
    fn advance(&mut self, n: usize) {
        let chars = if self.ascii {
            n
        } else {
            self.bytes[self.at..self.at + n].iter().filter(|b| (**b & 0xC0) != 0x80).count()
        };
        self.at += n;
        self.chars += chars;
        self.col += chars;
    }

    fn skip_ws(&mut self) {
        while let Some(&b) = self.bytes.get(self.at) {
            match b {
                b' ' | b'\t' => {
                    self.at += 1;
                    self.chars += 1;
                    self.col += 1;
                }
                b'\n' => {
                    self.at += 1;
                    self.chars += 1;
                    self.line += 1;
                    self.col = 0;
                }
                // CRLF is one line break to saphyr (two characters).
                b'\r' => {
                    self.at += 1;
                    self.chars += 1;
                    if self.bytes.get(self.at) == Some(&b'\n') {
                        self.at += 1;
                        self.chars += 1;
                    }
                    self.line += 1;
                    self.col = 0;
                }
                _ => return,
            }
        }
    }

    /// A mapping key (a string) and its `:`.
    fn key(&mut self, out: &mut Events<'t>) -> Option<()> {
        self.skip_ws();
        if self.bytes.get(self.at) != Some(&b'"') {
            return None;
        }
        let begin = self.marker();
        let key = self.string()?;
        out.push((Event::Scalar(key, ScalarStyle::DoubleQuoted, 0, None), Span::new(begin, self.marker())));
        self.skip_ws();
        if self.bytes.get(self.at) != Some(&b':') {
            return None;
        }
        self.advance(1);
        Some(())
    }

    /// A string at the current `"`: borrowed when it has no escapes.
    fn string(&mut self) -> Option<Cow<'t, str>> {
        let start = self.at + 1;
        let mut i = start;
        let mut owned: Option<String> = None;
        let mut run = start;
        loop {
            // Jump to the next quote or backslash; what lies between must
            // hold no control characters (JSON requires them escaped).
            let next = i + memchr::memchr2(b'"', b'\\', self.bytes.get(i..)?)?;
            if self.bytes[i..next].iter().any(|b| *b < 0x20) {
                return None;
            }
            i = next;
            if self.bytes[i] == b'"' {
                break;
            }
            let buf = owned.get_or_insert_with(String::new);
            buf.push_str(&self.text[run..i]);
            let (c, len) = escape(&self.bytes[i..])?;
            buf.push(c);
            i += len;
            run = i;
        }
        let value = match owned {
            Some(mut buf) => {
                buf.push_str(&self.text[run..i]);
                Cow::Owned(buf)
            }
            None => Cow::Borrowed(&self.text[start..i]),
        };
        self.advance(i + 1 - self.at);
        Some(value)
    }

    /// Length of a number, `true`, `false` or `null` at the current position.
    fn literal(&self) -> Option<usize> {
        let rest = &self.bytes[self.at..];
        for word in [&b"true"[..], b"false", b"null"] {
            if rest.starts_with(word) {
                return Some(word.len());
            }
        }
        // -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?
        let mut i = usize::from(rest.first() == Some(&b'-'));
        let digits = |i: &mut usize| {
            let from = *i;
            while rest.get(*i).is_some_and(u8::is_ascii_digit) {
                *i += 1;
            }
            *i > from
        };
        match rest.get(i) {
            Some(b'0') => i += 1,
            Some(b'1'..=b'9') => {
                digits(&mut i);
            }
            _ => return None,
        }
        if rest.get(i) == Some(&b'.') {
            i += 1;
            if !digits(&mut i) {
                return None;
            }
        }
        if matches!(rest.get(i), Some(b'e' | b'E')) {
            i += 1;
            if matches!(rest.get(i), Some(b'+' | b'-')) {
                i += 1;
            }
            if !digits(&mut i) {
                return None;
            }
        }
        Some(i)
    }
}

/// The character of the escape at the start of `bytes` (`\n`, `\u00e9`, a
/// surrogate pair) and the escape's length in bytes.
fn escape(bytes: &[u8]) -> Option<(char, usize)> {
    let c = match *bytes.get(1)? {
        b'"' => '"',
        b'\\' => '\\',
        b'/' => '/',
        b'b' => '\u{8}',
        b'f' => '\u{c}',
        b'n' => '\n',
        b'r' => '\r',
        b't' => '\t',
        b'u' => {
            let hex = |from: usize| -> Option<u32> {
                let s = std::str::from_utf8(bytes.get(from..from + 4)?).ok()?;
                u32::from_str_radix(s, 16).ok()
            };
            let high = hex(2)?;
            if (0xD800..0xDC00).contains(&high) {
                if bytes.get(6..8)? != b"\\u" {
                    return None;
                }
                let low = hex(8)?;
                if !(0xDC00..0xE000).contains(&low) {
                    return None;
                }
                let c = char::from_u32(0x10000 + ((high - 0xD800) << 10) + (low - 0xDC00))?;
                return Some((c, 12));
            }
            return Some((char::from_u32(high)?, 6));
        }
        _ => return None,
    };
    Some((c, 2))
}
