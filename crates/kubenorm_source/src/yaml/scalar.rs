//! Scalar resolution the way kubectl reads YAML.
//!
//! kubectl converts YAML to JSON with sigs.k8s.io/yaml, which decodes with
//! go-yaml v2: YAML 1.1-style booleans (`yes`, `on`, `y`, ...), Go's
//! `strconv.ParseInt(s, 0, 64)` for integers (so `0755` is octal 493 and `_`
//! separators are dropped) and `0b` binary. A YAML 1.2 reader resolves some of
//! these differently; [`resolve`] reports both readings so that the linter can
//! flag the ambiguous ones.

/// A resolved scalar value.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Scalar {
    Null,
    Bool(bool),
    Int(i64),
    Float(f64),
    Str,
}

impl Scalar {
    fn same_as(self, other: Scalar) -> bool {
        match (self, other) {
            (Scalar::Int(a), Scalar::Float(b)) | (Scalar::Float(b), Scalar::Int(a)) => a as f64 == b,
            (Scalar::Float(a), Scalar::Float(b)) => a == b || (a.is_nan() && b.is_nan()),
            (a, b) => a == b,
        }
    }
}

/// How kubectl reads a plain (unquoted, untagged) scalar, and whether a YAML
/// 1.2 core-schema reader would read it differently.
pub fn resolve_plain(text: &str) -> (Scalar, bool) {
    let kubectl = resolve_go_yaml_v2(text);
    let ambiguous = !kubectl.same_as(resolve_yaml_1_2(text));
    (kubectl, ambiguous)
}

/// Resolution under an explicit core-schema tag such as `!!str` or `!!int`.
pub fn resolve_tagged(suffix: &str, text: &str) -> Scalar {
    match suffix {
        "str" | "binary" | "timestamp" => Scalar::Str,
        "null" => Scalar::Null,
        _ => match resolve_go_yaml_v2(text) {
            Scalar::Str => Scalar::Str,
            other => other,
        },
    }
}

fn resolve_go_yaml_v2(text: &str) -> Scalar {
    match text {
        "" | "~" | "null" | "Null" | "NULL" => return Scalar::Null,
        "y" | "Y" | "yes" | "Yes" | "YES" | "on" | "On" | "ON" | "true" | "True" | "TRUE" => {
            return Scalar::Bool(true);
        }
        "n" | "N" | "no" | "No" | "NO" | "off" | "Off" | "OFF" | "false" | "False" | "FALSE" => {
            return Scalar::Bool(false);
        }
        ".inf" | ".Inf" | ".INF" | "+.inf" | "+.Inf" | "+.INF" => return Scalar::Float(f64::INFINITY),
        "-.inf" | "-.Inf" | "-.INF" => return Scalar::Float(f64::NEG_INFINITY),
        ".nan" | ".NaN" | ".NAN" => return Scalar::Float(f64::NAN),
        _ => {}
    }
    let first = text.as_bytes()[0];
    if !(first.is_ascii_digit() || first == b'+' || first == b'-' || first == b'.') {
        return Scalar::Str;
    }
    let plain: std::borrow::Cow<'_, str> = if text.contains('_') { text.replace('_', "").into() } else { text.into() };
    if let Some(v) = go_parse_int(&plain) {
        return Scalar::Int(v);
    }
    if is_yaml_style_float(&plain)
        && let Ok(f) = plain.parse::<f64>()
    {
        return Scalar::Float(f);
    }
    let (negative, digits) = split_sign(&plain);
    if let Some(bin) = digits.strip_prefix("0b")
        && let Ok(v) = i64::from_str_radix(bin, 2)
    {
        return Scalar::Int(if negative { -v } else { v });
    }
    Scalar::Str
}

/// Go's `strconv.ParseInt(s, 0, 64)`: sign, then `0x`, `0o`, `0b` or a
/// leading `0` (octal) prefix, else decimal.
fn go_parse_int(s: &str) -> Option<i64> {
    let (negative, digits) = split_sign(s);
    let (radix, body) = if let Some(b) = digits.strip_prefix("0x").or_else(|| digits.strip_prefix("0X")) {
        (16, b)
    } else if let Some(b) = digits.strip_prefix("0o").or_else(|| digits.strip_prefix("0O")) {
        (8, b)
    } else if let Some(b) = digits.strip_prefix("0b").or_else(|| digits.strip_prefix("0B")) {
        (2, b)
    } else if digits.len() > 1 && digits.starts_with('0') {
        (8, &digits[1..])
    } else {
        (10, digits)
    };
    if body.is_empty() || !body.bytes().all(|b| (b as char).is_digit(radix)) {
        return None;
    }
    let magnitude = u64::from_str_radix(body, radix).ok()?;
    if negative { 0i64.checked_sub_unsigned(magnitude) } else { i64::try_from(magnitude).ok() }
}

fn split_sign(s: &str) -> (bool, &str) {
    match s.as_bytes().first() {
        Some(b'-') => (true, &s[1..]),
        Some(b'+') => (false, &s[1..]),
        _ => (false, s),
    }
}

/// go-yaml's `^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$`, which
/// is also YAML 1.2's core-schema float.
fn is_yaml_style_float(s: &str) -> bool {
    let b = s.as_bytes();
    let mut i = usize::from(matches!(b.first(), Some(b'-' | b'+')));
    let digits = |i: &mut usize| {
        let start = *i;
        while *i < b.len() && b[*i].is_ascii_digit() {
            *i += 1;
        }
        *i - start
    };
    if b.get(i) == Some(&b'.') {
        i += 1;
        if digits(&mut i) == 0 {
            return false;
        }
    } else {
        if digits(&mut i) == 0 {
            return false;
        }
        if b.get(i) == Some(&b'.') {
            i += 1;
            digits(&mut i);
        }
    }
    if matches!(b.get(i), Some(b'e' | b'E')) {
        i += 1;
        if matches!(b.get(i), Some(b'-' | b'+')) {
            i += 1;
        }
        if digits(&mut i) == 0 {
            return false;
        }
    }
    i == b.len()
}

/// The YAML 1.2 core schema (what saphyr, PyYAML's 1.2 mode and most modern
/// readers use).
fn resolve_yaml_1_2(text: &str) -> Scalar {
    match text {
        "" | "~" | "null" | "Null" | "NULL" => return Scalar::Null,
        "true" | "True" | "TRUE" => return Scalar::Bool(true),
        "false" | "False" | "FALSE" => return Scalar::Bool(false),
        ".inf" | ".Inf" | ".INF" | "+.inf" | "+.Inf" | "+.INF" => return Scalar::Float(f64::INFINITY),
        "-.inf" | "-.Inf" | "-.INF" => return Scalar::Float(f64::NEG_INFINITY),
        ".nan" | ".NaN" | ".NAN" => return Scalar::Float(f64::NAN),
        _ => {}
    }
    let (negative, digits) = split_sign(text);
    if !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit()) {
        return match digits.parse::<i64>() {
            Ok(v) => Scalar::Int(if negative { -v } else { v }),
            Err(_) => text.parse::<f64>().map_or(Scalar::Str, Scalar::Float),
        };
    }
    if text.as_bytes()[0] != b'-' && text.as_bytes()[0] != b'+' {
        if let Some(oct) = text.strip_prefix("0o")
            && let Ok(v) = i64::from_str_radix(oct, 8)
        {
            return Scalar::Int(v);
        }
        if let Some(hex) = text.strip_prefix("0x")
            && let Ok(v) = i64::from_str_radix(hex, 16)
        {
            return Scalar::Int(v);
        }
    }
    if is_yaml_style_float(text)
        && let Ok(f) = text.parse::<f64>()
    {
        return Scalar::Float(f);
    }
    Scalar::Str
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kubectl_reads_yaml_1_1_booleans_and_octals() {
        assert_eq!(resolve_plain("yes"), (Scalar::Bool(true), true));
        assert_eq!(resolve_plain("Off"), (Scalar::Bool(false), true));
        assert_eq!(resolve_plain("y"), (Scalar::Bool(true), true));
        assert_eq!(resolve_plain("true"), (Scalar::Bool(true), false));
        assert_eq!(resolve_plain("0644"), (Scalar::Int(420), true));
        assert_eq!(resolve_plain("0o644"), (Scalar::Int(420), false));
        assert_eq!(resolve_plain("0x1F"), (Scalar::Int(31), false));
        assert_eq!(resolve_plain("1_000"), (Scalar::Int(1000), true));
        assert_eq!(resolve_plain("0b101"), (Scalar::Int(5), true));
        assert_eq!(resolve_plain("-12"), (Scalar::Int(-12), false));
        assert_eq!(resolve_plain("0"), (Scalar::Int(0), false));
        assert_eq!(resolve_plain("08"), (Scalar::Float(8.0), false));
        assert_eq!(resolve_plain("1.5"), (Scalar::Float(1.5), false));
        assert_eq!(resolve_plain("1e3"), (Scalar::Float(1000.0), false));
        assert_eq!(resolve_plain("500m"), (Scalar::Str, false));
        assert_eq!(resolve_plain("yEs"), (Scalar::Str, false));
        assert_eq!(resolve_plain("~"), (Scalar::Null, false));
        assert_eq!(resolve_plain("-"), (Scalar::Str, false));
        assert_eq!(resolve_plain("99999999999999999999"), (Scalar::Float(1e20), false));
    }

    #[test]
    fn explicit_tags_win() {
        assert_eq!(resolve_tagged("str", "yes"), Scalar::Str);
        assert_eq!(resolve_tagged("int", "0644"), Scalar::Int(420));
    }
}
