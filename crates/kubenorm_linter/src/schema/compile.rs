//! Compiling OpenAPI v3 / JSON Schemas into [`Schema`] nodes: a CRD's
//! `openAPIV3Schema` straight from the YAML tree, and `--schema-location`
//! files from JSON.
//!
//! A CRD's schema is read with the API server's structural-schema semantics:
//! an object's fields that the schema does not declare are pruned, so with
//! strict field validation they are errors, unless
//! `x-kubernetes-preserve-unknown-fields` (or `additionalProperties`) says
//! otherwise, or the CRD turns pruning off (`preserveUnknownFields: true`,
//! v1beta1). JSON Schema files are read as JSON Schema: an object without
//! `additionalProperties` is open (kubeconform's generator writes
//! `additionalProperties: false` where the CRD prunes).

use super::{Additional, Literal, Node, NodeIx, Schema, Syntax, types};
use kubenorm_source::yaml::{NodeRef, Scalar};
use std::collections::HashMap;

/// Compiles a CRD's `openAPIV3Schema`; `prune` is false when the CRD
/// preserves unknown fields everywhere.
pub(crate) fn from_yaml(root: NodeRef<'_>, prune: bool, schema: &mut Schema) -> NodeIx {
    let mut compiler = Compiler { schema, closed_by_default: prune, refs: HashMap::new(), root: Yaml(root) };
    compiler.compile(Yaml(root), false, 0)
}

/// Compiles a JSON Schema document (local `$ref`s into `definitions`/`$defs` resolved).
pub(crate) fn from_json(root: &serde_json::Value, schema: &mut Schema) -> NodeIx {
    let mut compiler = Compiler { schema, closed_by_default: false, refs: HashMap::new(), root: Json(root) };
    compiler.compile(Json(root), false, 0)
}

/// A JSON value as an enum literal.
pub(crate) fn literal_of_json(value: &serde_json::Value) -> Literal {
    match value {
        serde_json::Value::Bool(b) => Literal::Bool(*b),
        serde_json::Value::Number(n) => Literal::Number(n.as_f64().unwrap_or(f64::NAN)),
        serde_json::Value::String(s) => Literal::Str(s.as_str().into()),
        _ => Literal::Null,
    }
}

/// Deeper than any sensible schema; guards recursion on hostile input.
const MAX_DEPTH: u32 = 64;

/// What the compiler needs of a schema document, YAML or JSON.
trait SchemaDoc: Copy {
    fn get(self, key: &str) -> Option<Self>;
    fn text(self) -> Option<String>;
    fn flag(self, key: &str) -> bool;
    fn is_map(self) -> bool;
    fn entries(self) -> Vec<(String, Self)>;
    fn items(self) -> Vec<Self>;
    fn literal(self) -> Literal;
}

#[derive(Clone, Copy)]
struct Yaml<'d>(NodeRef<'d>);

#[derive(Clone, Copy)]
struct Json<'v>(&'v serde_json::Value);

impl SchemaDoc for Yaml<'_> {
    fn get(self, key: &str) -> Option<Self> {
        self.0.get(key).filter(|v| !v.is_null()).map(Yaml)
    }
    fn text(self) -> Option<String> {
        self.0.as_str().map(str::to_string)
    }
    fn flag(self, key: &str) -> bool {
        self.0.get_bool(key) == Some(true)
    }
    fn is_map(self) -> bool {
        self.0.is_map()
    }
    fn entries(self) -> Vec<(String, Self)> {
        self.0.entries().map(|(k, v)| (k.scalar_text().unwrap_or_default().to_string(), Yaml(v))).collect()
    }
    fn items(self) -> Vec<Self> {
        self.0.items().map(Yaml).collect()
    }
    fn literal(self) -> Literal {
        match self.0.scalar() {
            Some(Scalar::Bool(b)) => Literal::Bool(b),
            Some(Scalar::Int(i)) => Literal::Number(i as f64),
            Some(Scalar::Float(f)) => Literal::Number(f),
            Some(Scalar::Str) => Literal::Str(self.0.scalar_text().unwrap_or_default().into()),
            _ => Literal::Null,
        }
    }
}

impl SchemaDoc for Json<'_> {
    fn get(self, key: &str) -> Option<Self> {
        self.0.get(key).filter(|v| !v.is_null()).map(Json)
    }
    fn text(self) -> Option<String> {
        self.0.as_str().map(str::to_string)
    }
    fn flag(self, key: &str) -> bool {
        self.0.get(key).and_then(serde_json::Value::as_bool) == Some(true)
    }
    fn is_map(self) -> bool {
        self.0.is_object()
    }
    fn entries(self) -> Vec<(String, Self)> {
        self.0.as_object().map(|m| m.iter().map(|(k, v)| (k.clone(), Json(v))).collect()).unwrap_or_default()
    }
    fn items(self) -> Vec<Self> {
        self.0.as_array().map(|a| a.iter().map(Json).collect()).unwrap_or_default()
    }
    fn literal(self) -> Literal {
        literal_of_json(self.0)
    }
}

struct Compiler<'s, D> {
    schema: &'s mut Schema,
    /// Structural semantics: an object's undeclared fields are unknown.
    closed_by_default: bool,
    refs: HashMap<String, NodeIx>,
    root: D,
}

impl<D: SchemaDoc> Compiler<'_, D> {
    /// Compiles `doc` into a new node. In a branch of `allOf`/`anyOf`/`oneOf`
    /// an object stays open: branches only add value validations.
    fn compile(&mut self, doc: D, branch: bool, depth: u32) -> NodeIx {
        let ix = self.schema.nodes.len() as NodeIx;
        self.schema.nodes.push(Node::default());
        if depth > MAX_DEPTH || !doc.is_map() {
            return ix;
        }
        if let Some(reference) = doc.get("$ref").and_then(SchemaDoc::text) {
            return self.reference(&reference, ix, depth);
        }
        let mut node = Node {
            types: match doc.get("type") {
                Some(t) => match t.text() {
                    Some(name) => type_bit(&name),
                    None => t.items().into_iter().filter_map(|i| i.text()).map(|n| type_bit(&n)).fold(0, |a, b| a | b),
                },
                None => 0,
            },
            ..Node::default()
        };
        if doc.flag("x-kubernetes-int-or-string") {
            node.types = types::INTEGER | types::STRING;
        }
        let preserve = doc.flag("x-kubernetes-preserve-unknown-fields");
        node.embedded_resource = doc.flag("x-kubernetes-embedded-resource");
        let mut props = Vec::new();
        if let Some(properties) = doc.get("properties") {
            for (name, sub) in properties.entries() {
                let child = self.compile(sub, branch, depth + 1);
                props.push((name.into_boxed_str(), child));
            }
        }
        props.sort_by(|a, b| a.0.cmp(&b.0));
        props.dedup_by(|a, b| a.0 == b.0);
        let declares_object = !props.is_empty() || node.types == types::OBJECT;
        node.additional = match doc.get("additionalProperties") {
            Some(extra) if extra.is_map() => Additional::Schema(self.compile(extra, branch, depth + 1)),
            Some(extra) if extra.literal() == Literal::Bool(false) && !preserve => Additional::Closed,
            Some(_) => Additional::Open,
            None if preserve || branch || !self.closed_by_default || !declares_object => Additional::Open,
            None => Additional::Closed,
        };
        node.props = props;
        if let Some(required) = doc.get("required") {
            node.required = required.items().into_iter().filter_map(|r| r.text()).map(String::into_boxed_str).collect();
        }
        if let Some(items) = doc.get("items").filter(|i| i.is_map()) {
            node.items = Some(self.compile(items, branch, depth + 1));
        }
        if let Some(values) = doc.get("enum") {
            node.enumeration = Some(values.items().into_iter().map(SchemaDoc::literal).collect());
        }
        if doc.get("format").and_then(|f| f.text()).as_deref() == Some("int32") {
            node.syntax = Syntax::Int32;
        }
        for (key, list) in [("allOf", 0), ("anyOf", 1), ("oneOf", 2)] {
            let Some(branches) = doc.get(key) else { continue };
            let compiled: Vec<NodeIx> =
                branches.items().into_iter().map(|b| self.compile(b, true, depth + 1)).collect();
            match list {
                0 => node.all_of = compiled,
                1 => node.any_of = compiled,
                _ => node.one_of = compiled,
            }
        }
        if let Some(not) = doc.get("not").filter(|n| n.is_map()) {
            node.not = Some(self.compile(not, true, depth + 1));
        }
        self.schema.nodes[ix as usize] = node;
        ix
    }

    /// A local reference (`#/definitions/X`, `#/$defs/X`): compiled once, so
    /// recursive definitions terminate. Other references accept anything.
    fn reference(&mut self, reference: &str, ix: NodeIx, depth: u32) -> NodeIx {
        if let Some(&target) = self.refs.get(reference) {
            self.schema.nodes[ix as usize] = self.schema.nodes[target as usize].clone();
            return target;
        }
        let path: Vec<&str> = match reference.strip_prefix("#/") {
            Some(path) => path.split('/').collect(),
            None => return ix,
        };
        let mut target = Some(self.root);
        for segment in path {
            target = target.and_then(|t| t.get(&segment.replace("~1", "/").replace("~0", "~")));
        }
        let Some(target) = target else { return ix };
        self.refs.insert(reference.to_string(), ix);
        let compiled = self.compile(target, false, depth + 1);
        self.schema.nodes[ix as usize] = self.schema.nodes[compiled as usize].clone();
        ix
    }
}

fn type_bit(name: &str) -> u8 {
    match name {
        "object" => types::OBJECT,
        "array" => types::ARRAY,
        "string" => types::STRING,
        "integer" => types::INTEGER,
        "number" => types::NUMBER,
        "boolean" => types::BOOLEAN,
        _ => 0,
    }
}
