//! The exec form's JSON array, read as BuildKit reads it (Go's
//! `json.Decoder.Decode`: the first JSON value counts, text after it is
//! ignored), keeping each string's byte range.

use std::ops::Range;

/// What the text after an instruction's keyword is, as JSON.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum JsonArgs {
    /// An array of strings: each unescaped, with its byte range (quotes included).
    Strings(Vec<(String, Range<usize>)>),
    /// Valid JSON array, but an element is not a string (BuildKit rejects it).
    NotStrings,
    /// Not a JSON array: the arguments are in shell form.
    Invalid,
}

pub(crate) fn parse_array(text: &str) -> JsonArgs {
    let mut p = Parser { b: text.as_bytes(), text, i: 0 };
    p.ws();
    if p.peek() != Some(b'[') {
        return JsonArgs::Invalid;
    }
    p.i += 1;
    let mut out = Vec::new();
    let mut all_strings = true;
    p.ws();
    if p.peek() == Some(b']') {
        return JsonArgs::Strings(out);
    }
    loop {
        p.ws();
        if p.peek() == Some(b'"') {
            let start = p.i;
            match p.string() {
                Some(s) => out.push((s, start..p.i)),
                None => return JsonArgs::Invalid,
            }
        } else {
            all_strings = false;
            if !p.value() {
                return JsonArgs::Invalid;
            }
        }
        p.ws();
        match p.peek() {
            Some(b',') => p.i += 1,
            Some(b']') => break,
            _ => return JsonArgs::Invalid,
        }
    }
    if all_strings { JsonArgs::Strings(out) } else { JsonArgs::NotStrings }
}

struct Parser<'a> {
    b: &'a [u8],
    text: &'a str,
    i: usize,
}

impl Parser<'_> {
    fn peek(&self) -> Option<u8> {
        self.b.get(self.i).copied()
    }

    fn ws(&mut self) {
        while matches!(self.peek(), Some(b' ' | b'\t' | b'\n' | b'\r')) {
            self.i += 1;
        }
    }

    /// A string starting at `"`; `None` if it is not valid JSON.
    fn string(&mut self) -> Option<String> {
        self.i += 1;
        let mut out = String::new();
        loop {
            let c = self.text[self.i..].chars().next()?;
            self.i += c.len_utf8();
            match c {
                '"' => return Some(out),
                '\\' => {
                    let e = self.peek()?;
                    self.i += 1;
                    match e {
                        b'"' => out.push('"'),
                        b'\\' => out.push('\\'),
                        b'/' => out.push('/'),
                        b'b' => out.push('\u{8}'),
                        b'f' => out.push('\u{c}'),
                        b'n' => out.push('\n'),
                        b'r' => out.push('\r'),
                        b't' => out.push('\t'),
                        b'u' => {
                            let unit = self.hex4()?;
                            let c = if (0xD800..0xDC00).contains(&unit)
                                && self.b.get(self.i..self.i + 2) == Some(b"\\u")
                            {
                                self.i += 2;
                                let low = self.hex4()?;
                                char::from_u32(0x10000 + ((unit - 0xD800) << 10) + (low.wrapping_sub(0xDC00) & 0x3FF))
                            } else {
                                char::from_u32(unit)
                            };
                            out.push(c.unwrap_or('\u{FFFD}'));
                        }
                        _ => return None,
                    }
                }
                c if (c as u32) < 0x20 => return None,
                c => out.push(c),
            }
        }
    }

    fn hex4(&mut self) -> Option<u32> {
        let digits = self.text.get(self.i..self.i + 4)?;
        let v = u32::from_str_radix(digits, 16).ok()?;
        self.i += 4;
        Some(v)
    }

    /// Skips any JSON value; whether it was valid.
    fn value(&mut self) -> bool {
        self.ws();
        match self.peek() {
            Some(b'"') => self.string().is_some(),
            Some(b'[') | Some(b'{') => {
                let close = if self.peek() == Some(b'[') { b']' } else { b'}' };
                self.i += 1;
                self.ws();
                if self.peek() == Some(close) {
                    self.i += 1;
                    return true;
                }
                loop {
                    if close == b'}' {
                        self.ws();
                        if self.peek() != Some(b'"') || self.string().is_none() {
                            return false;
                        }
                        self.ws();
                        if self.peek() != Some(b':') {
                            return false;
                        }
                        self.i += 1;
                    }
                    if !self.value() {
                        return false;
                    }
                    self.ws();
                    match self.peek() {
                        Some(b',') => self.i += 1,
                        Some(c) if c == close => {
                            self.i += 1;
                            return true;
                        }
                        _ => return false,
                    }
                }
            }
            Some(_) => {
                let start = self.i;
                while matches!(self.peek(), Some(b'-' | b'+' | b'.' | b'0'..=b'9' | b'a'..=b'z' | b'E')) {
                    self.i += 1;
                }
                let token = &self.text[start..self.i];
                matches!(token, "true" | "false" | "null") || (!token.is_empty() && token.parse::<f64>().is_ok())
            }
            None => false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exec_form() {
        let JsonArgs::Strings(s) = parse_array(r#"["a", "b\"c", "\u00e9"] trailing"#) else { panic!() };
        let texts: Vec<&str> = s.iter().map(|(t, _)| t.as_str()).collect();
        assert_eq!(texts, ["a", "b\"c", "é"]);
        assert_eq!(s[0].1, 1..4);
        assert_eq!(parse_array("[]"), JsonArgs::Strings(vec![]));
        assert_eq!(parse_array("[1, \"a\"]"), JsonArgs::NotStrings);
        assert_eq!(parse_array("[[\"a\"]]"), JsonArgs::NotStrings);
        assert_eq!(parse_array("['a']"), JsonArgs::Invalid);
        assert_eq!(parse_array("[\"a\""), JsonArgs::Invalid);
        assert_eq!(parse_array("echo [a]"), JsonArgs::Invalid);
        assert_eq!(parse_array("[\"\\ud83d"), JsonArgs::Invalid);
    }
}
