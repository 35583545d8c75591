//! Walks a YAML node against a [`Schema`], the way the API server's strict
//! decoder and OpenAPI validation see the object that kubectl sends.
//!
//! Values are read as kubectl reads them (go-yaml v2 through
//! sigs.k8s.io/yaml): `yes` is a boolean, `8080` a number. So `value: 8080`
//! in an env var is a number where the API wants a string, exactly the
//! error `kubectl apply` reports. `null` is accepted everywhere (the decoder
//! reads it as "unset"); a required field that is `null` is missing.

use super::{Additional, Literal, NodeIx, Schema, Syntax, types};
use crate::model::Quantity;
use kubenorm_source::yaml::{NodeRef, Scalar};

/// What is wrong at a node.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Problem {
    /// A field the schema does not declare; `known` are the declared ones (for a suggestion).
    UnknownField {
        known: Vec<Box<str>>,
    },
    /// The value's type is not among `expected` ([`types`] bits).
    WrongType {
        expected: u8,
    },
    /// A required field is absent (or `null`); reported at its parent.
    MissingRequired {
        field: Box<str>,
    },
    NotInEnum {
        allowed: Vec<Literal>,
    },
    BadQuantity,
    OutOfRange,
    /// No branch of `anyOf`, or not exactly one branch of `oneOf`, holds.
    NoAlternative {
        one_of: bool,
    },
    /// The value holds against a `not` schema.
    Forbidden,
}

/// One problem, at the node a finding should point at.
#[derive(Debug, Clone)]
pub(crate) struct Violation<'d> {
    pub node: NodeRef<'d>,
    pub problem: Problem,
}

/// How a root object is checked besides its own schema.
#[derive(Clone, Copy)]
pub(crate) struct Root<'s> {
    /// Custom resources: `apiVersion`, `kind` are implied and `metadata` is
    /// checked against this ObjectMeta schema.
    pub metadata: Option<(&'s Schema, NodeIx)>,
}

/// Checks `value` against node `ix` of `schema`; problems are appended to `out`.
pub(crate) fn validate<'d>(
    schema: &Schema,
    ix: NodeIx,
    value: NodeRef<'d>,
    root: Root<'_>,
    out: &mut Vec<Violation<'d>>,
) {
    let mut walker = Walker { schema, out };
    match root.metadata {
        None => walker.check(ix, value, 0),
        Some((meta_schema, meta_ix)) => {
            walker.check_skipping(ix, value, &["apiVersion", "kind", "metadata"]);
            if let Some(metadata) = value.get("metadata") {
                Walker { schema: meta_schema, out: walker.out }.check(meta_ix, metadata, 1);
            }
        }
    }
}

/// YAML nesting is limited to 256 by the parser; a schema walk never goes deeper.
const MAX_DEPTH: u32 = 300;

struct Walker<'s, 'o, 'd> {
    schema: &'s Schema,
    out: &'o mut Vec<Violation<'d>>,
}

impl<'d> Walker<'_, '_, 'd> {
    fn push(&mut self, node: NodeRef<'d>, problem: Problem) {
        self.out.push(Violation { node, problem });
    }

    /// A custom resource's root: the implied fields are not the schema's business.
    fn check_skipping(&mut self, ix: NodeIx, value: NodeRef<'d>, implied: &[&str]) {
        if !value.is_map() {
            return self.check(ix, value, 0);
        }
        for (k, v) in value.entries() {
            let key = k.scalar_text().unwrap_or_default();
            if implied.contains(&key) {
                continue;
            }
            self.field(ix, key, v, 1);
        }
        self.required(ix, value, implied);
        self.branches(ix, value, 1);
    }

    fn check(&mut self, ix: NodeIx, value: NodeRef<'d>, depth: u32) {
        if value.is_null() || depth > MAX_DEPTH {
            return;
        }
        let node = self.schema.node(ix);
        if node.types != 0 && node.types & type_of(value) == 0 {
            return self.push(value, Problem::WrongType { expected: node.types });
        }
        match node.syntax {
            Syntax::Quantity if value.as_str().is_some_and(|s| Quantity::parse(s).is_none()) => {
                self.push(value, Problem::BadQuantity)
            }
            Syntax::Int32 if value.as_i64().is_some_and(|i| i32::try_from(i).is_err()) => {
                self.push(value, Problem::OutOfRange)
            }
            _ => {}
        }
        if let Some(allowed) = &node.enumeration
            && !allowed.iter().any(|l| literal_matches(l, value))
        {
            self.push(value, Problem::NotInEnum { allowed: allowed.clone() });
        }
        if value.is_map() {
            for (k, v) in value.entries() {
                self.field(ix, k.scalar_text().unwrap_or_default(), v, depth + 1);
            }
            self.required(ix, value, &[]);
        } else if let Some(items) = node.items {
            for item in value.items() {
                self.check(items, item, depth + 1);
            }
        }
        self.branches(ix, value, depth);
    }

    fn field(&mut self, ix: NodeIx, key: &str, value: NodeRef<'d>, depth: u32) {
        let node = self.schema.node(ix);
        match node.prop(key) {
            Some(child) => self.check(child, value, depth),
            None => match node.additional {
                Additional::Open => {}
                Additional::Schema(child) => self.check(child, value, depth),
                Additional::Closed => {
                    if !(node.embedded_resource && matches!(key, "apiVersion" | "kind" | "metadata")) {
                        let known = node.props.iter().map(|(k, _)| k.clone()).collect();
                        self.push(value, Problem::UnknownField { known });
                    }
                }
            },
        }
    }

    fn required(&mut self, ix: NodeIx, value: NodeRef<'d>, implied: &[&str]) {
        let node = self.schema.node(ix);
        for field in &node.required {
            if implied.contains(&&**field) {
                continue;
            }
            if value.get(field).is_none_or(|v| v.is_null()) {
                self.push(value, Problem::MissingRequired { field: field.clone() });
            }
        }
    }

    fn branches(&mut self, ix: NodeIx, value: NodeRef<'d>, depth: u32) {
        let node = self.schema.node(ix);
        if node.all_of.is_empty() && node.any_of.is_empty() && node.one_of.is_empty() && node.not.is_none() {
            return;
        }
        for &branch in &node.all_of {
            self.check(branch, value, depth + 1);
        }
        let holds = |branch: NodeIx, schema: &Schema| {
            let mut scratch = Vec::new();
            Walker { schema, out: &mut scratch }.check(branch, value, depth + 1);
            scratch.is_empty()
        };
        if !node.any_of.is_empty() && !node.any_of.iter().any(|&b| holds(b, self.schema)) {
            self.push(value, Problem::NoAlternative { one_of: false });
        }
        // `oneOf` is only reported when no branch holds: kubenorm does not
        // evaluate formats, patterns, bounds or defaults, so two branches
        // that seem to hold may be told apart by the API server.
        if !node.one_of.is_empty() && !node.one_of.iter().any(|&b| holds(b, self.schema)) {
            self.push(value, Problem::NoAlternative { one_of: true });
        }
        if let Some(not) = node.not
            && holds(not, self.schema)
        {
            self.push(value, Problem::Forbidden);
        }
    }
}

/// The JSON types a YAML node decodes to.
fn type_of(value: NodeRef<'_>) -> u8 {
    if value.is_map() {
        return types::OBJECT;
    }
    if value.is_seq() {
        return types::ARRAY;
    }
    match value.scalar() {
        Some(Scalar::Str) => types::STRING,
        Some(Scalar::Bool(_)) => types::BOOLEAN,
        Some(Scalar::Int(_)) => types::INTEGER | types::NUMBER,
        // sigs.k8s.io/yaml writes an integral float (`1.0`, `1e3`) as a JSON integer.
        Some(Scalar::Float(f)) if f.fract() == 0.0 && f.is_finite() => types::INTEGER | types::NUMBER,
        Some(Scalar::Float(_)) => types::NUMBER,
        Some(Scalar::Null) | None => 0,
    }
}

fn literal_matches(literal: &Literal, value: NodeRef<'_>) -> bool {
    match (literal, value.scalar()) {
        (Literal::Null, Some(Scalar::Null)) => true,
        (Literal::Bool(b), Some(Scalar::Bool(v))) => *b == v,
        (Literal::Number(n), _) => value.as_f64() == Some(*n),
        (Literal::Str(s), Some(Scalar::Str)) => value.scalar_text() == Some(&**s),
        _ => false,
    }
}

/// "an integer or a string" for a set of type bits.
pub(crate) fn describe_types(bits: u8) -> String {
    let names: Vec<&str> = [
        (types::OBJECT, "a mapping"),
        (types::ARRAY, "a list"),
        (types::STRING, "a string"),
        (types::INTEGER, "an integer"),
        (types::NUMBER, "a number"),
        (types::BOOLEAN, "a boolean"),
    ]
    .iter()
    .filter(|(bit, _)| bits & bit != 0)
    // "an integer or a number" says no more than "a number".
    .filter(|(bit, _)| !(*bit == types::INTEGER && bits & types::NUMBER != 0))
    .map(|(_, name)| *name)
    .collect();
    match names.as_slice() {
        [] => "any value".to_string(),
        [one] => one.to_string(),
        [init @ .., last] => format!("{} or {last}", init.join(", ")),
    }
}

/// "the string \"3\"" for a value found where another type was expected.
pub(crate) fn describe_value(value: NodeRef<'_>) -> String {
    if value.is_map() {
        return "a mapping".to_string();
    }
    if value.is_seq() {
        return "a list".to_string();
    }
    let text = value.scalar_text().unwrap_or_default();
    let shown: String = text.chars().take(40).collect();
    let ellipsis = if text.chars().count() > 40 { "…" } else { "" };
    match value.scalar() {
        Some(Scalar::Str) => format!("the string \"{shown}{ellipsis}\""),
        Some(Scalar::Bool(b)) => format!("the boolean `{shown}` ({b})"),
        _ => format!("the number `{shown}`"),
    }
}
