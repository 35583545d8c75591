//! A compact YAML tree with a span on every node.
//!
//! All nodes of a document live in one `Vec`, the children of every
//! collection in one contiguous range of another, and all scalar text in one
//! `String`: building a document costs a handful of allocations however big
//! it is. Aliases point at the anchored node instead of copying it, so the
//! tree is a DAG and an alias bomb stays small (its expanded size is still
//! limited, see [`crate::yaml::Limits`]).

use super::scalar::Scalar;
use crate::Span;

/// Index of a node in its [`Document`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct NodeId(pub(crate) u32);

impl NodeId {
    /// The node's index in its document (`0..Document::node_count()`).
    pub fn index(self) -> usize {
        self.0 as usize
    }
}

#[derive(Clone, Copy, Debug)]
pub(crate) struct TextRef {
    pub start: u32,
    pub len: u32,
}

#[derive(Clone, Copy, Debug)]
pub(crate) enum NodeKind {
    Scalar {
        text: TextRef,
        value: Scalar,
        plain: bool,
    },
    /// `children[first..first + len]` are the items.
    Seq {
        first: u32,
        len: u32,
    },
    /// `children[first..first + 2 * len]` are key, value, key, value, ...
    Map {
        first: u32,
        len: u32,
    },
}

#[derive(Clone, Copy, Debug)]
pub(crate) struct Node {
    pub span: Span,
    pub kind: NodeKind,
}

/// A problem in an otherwise readable document, such as a repeated key.
#[derive(Clone, Debug, PartialEq)]
pub enum Anomaly {
    /// A mapping repeats `key`; `first` is the earlier occurrence.
    DuplicateKey { key: String, span: Span, first: Span },
    /// An unquoted scalar that kubectl and a YAML 1.2 reader resolve differently.
    Ambiguous { text: String, span: Span, kubectl: Scalar },
}

/// One parsed YAML document.
#[derive(Debug, Clone)]
pub struct Document {
    pub(crate) nodes: Vec<Node>,
    pub(crate) children: Vec<NodeId>,
    pub(crate) text: String,
    pub(crate) root: NodeId,
    /// Position of the document start (`---` or its first token).
    pub span: Span,
    pub anomalies: Vec<Anomaly>,
}

impl Document {
    pub fn root(&self) -> NodeRef<'_> {
        NodeRef { doc: self, id: self.root }
    }

    pub fn node(&self, id: NodeId) -> NodeRef<'_> {
        NodeRef { doc: self, id }
    }

    /// The node `id`, if the document has that many nodes (an id kept from
    /// an earlier parse of a text that may have changed since).
    pub fn get_node(&self, id: NodeId) -> Option<NodeRef<'_>> {
        (id.index() < self.nodes.len()).then_some(NodeRef { doc: self, id })
    }

    /// Number of distinct nodes (aliases not expanded).
    pub fn node_count(&self) -> usize {
        self.nodes.len()
    }

    /// Every distinct node in parse order, including those no longer reachable
    /// from the root (the `<<` entries that merge keys replaced).
    pub fn nodes(&self) -> impl ExactSizeIterator<Item = NodeRef<'_>> + '_ {
        (0..self.nodes.len() as u32).map(move |i| NodeRef { doc: self, id: NodeId(i) })
    }

    fn text_of(&self, r: TextRef) -> &str {
        &self.text[r.start as usize..(r.start + r.len) as usize]
    }
}

/// A node of a document, cheap to copy.
#[derive(Clone, Copy)]
pub struct NodeRef<'d> {
    doc: &'d Document,
    id: NodeId,
}

impl std::fmt::Debug for NodeRef<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.kind() {
            NodeKind::Scalar { .. } => write!(f, "{:?}", self.scalar_text().unwrap_or("")),
            NodeKind::Seq { len, .. } => write!(f, "[{len} items]"),
            NodeKind::Map { len, .. } => write!(f, "{{{len} entries}}"),
        }
    }
}

impl PartialEq for NodeRef<'_> {
    fn eq(&self, other: &Self) -> bool {
        std::ptr::eq(self.doc, other.doc) && self.id == other.id
    }
}

impl<'d> NodeRef<'d> {
    pub fn id(self) -> NodeId {
        self.id
    }

    pub fn document(self) -> &'d Document {
        self.doc
    }

    pub fn span(self) -> Span {
        self.doc.nodes[self.id.0 as usize].span
    }

    fn kind(self) -> NodeKind {
        self.doc.nodes[self.id.0 as usize].kind
    }

    pub fn is_map(self) -> bool {
        matches!(self.kind(), NodeKind::Map { .. })
    }

    pub fn is_seq(self) -> bool {
        matches!(self.kind(), NodeKind::Seq { .. })
    }

    pub fn is_scalar(self) -> bool {
        matches!(self.kind(), NodeKind::Scalar { .. })
    }

    pub fn is_null(self) -> bool {
        matches!(self.kind(), NodeKind::Scalar { value: Scalar::Null, .. })
    }

    /// The resolved scalar value, `None` for collections.
    pub fn scalar(self) -> Option<Scalar> {
        match self.kind() {
            NodeKind::Scalar { value, .. } => Some(value),
            _ => None,
        }
    }

    /// The scalar's text as written (after YAML unescaping), whatever its type.
    pub fn scalar_text(self) -> Option<&'d str> {
        match self.kind() {
            NodeKind::Scalar { text, .. } => Some(self.doc.text_of(text)),
            _ => None,
        }
    }

    /// Whether the scalar was written without quotes or block style.
    pub fn is_plain(self) -> bool {
        matches!(self.kind(), NodeKind::Scalar { plain: true, .. })
    }

    /// The value if it is a string (as kubectl reads it: `yes` is not a string).
    pub fn as_str(self) -> Option<&'d str> {
        match self.kind() {
            NodeKind::Scalar { text, value: Scalar::Str, .. } => Some(self.doc.text_of(text)),
            _ => None,
        }
    }

    pub fn as_bool(self) -> Option<bool> {
        match self.kind() {
            NodeKind::Scalar { value: Scalar::Bool(b), .. } => Some(b),
            _ => None,
        }
    }

    pub fn as_i64(self) -> Option<i64> {
        match self.kind() {
            NodeKind::Scalar { value: Scalar::Int(i), .. } => Some(i),
            NodeKind::Scalar { value: Scalar::Float(f), .. } if f.fract() == 0.0 && f.abs() < 9.0e15 => Some(f as i64),
            _ => None,
        }
    }

    pub fn as_f64(self) -> Option<f64> {
        match self.kind() {
            NodeKind::Scalar { value: Scalar::Int(i), .. } => Some(i as f64),
            NodeKind::Scalar { value: Scalar::Float(f), .. } => Some(f),
            _ => None,
        }
    }

    /// Number of items or entries; 0 for scalars.
    pub fn len(self) -> usize {
        match self.kind() {
            NodeKind::Seq { len, .. } | NodeKind::Map { len, .. } => len as usize,
            NodeKind::Scalar { .. } => 0,
        }
    }

    pub fn is_empty(self) -> bool {
        self.len() == 0
    }

    /// The items of a sequence; empty for anything else.
    pub fn items(self) -> impl ExactSizeIterator<Item = NodeRef<'d>> + 'd {
        let ids: &'d [NodeId] = match self.kind() {
            NodeKind::Seq { first, len } => &self.doc.children[first as usize..(first + len) as usize],
            _ => &[],
        };
        let doc = self.doc;
        ids.iter().map(move |&id| NodeRef { doc, id })
    }

    /// The key/value pairs of a mapping, merge keys applied; empty for anything else.
    pub fn entries(self) -> impl ExactSizeIterator<Item = (NodeRef<'d>, NodeRef<'d>)> + 'd {
        let ids: &'d [NodeId] = match self.kind() {
            NodeKind::Map { first, len } => &self.doc.children[first as usize..(first + 2 * len) as usize],
            _ => &[],
        };
        let doc = self.doc;
        ids.chunks_exact(2).map(move |kv| (NodeRef { doc, id: kv[0] }, NodeRef { doc, id: kv[1] }))
    }

    /// The value under a string key of a mapping.
    pub fn get(self, key: &str) -> Option<NodeRef<'d>> {
        self.entry(key).map(|(_, v)| v)
    }

    /// The key node and value under a string key of a mapping.
    pub fn entry(self, key: &str) -> Option<(NodeRef<'d>, NodeRef<'d>)> {
        self.entries().find(|(k, _)| k.scalar_text() == Some(key))
    }

    /// Follows a path of keys; `None` as soon as one is missing.
    pub fn path(self, keys: &[&str]) -> Option<NodeRef<'d>> {
        keys.iter().try_fold(self, |node, key| node.get(key))
    }

    /// A string under `key`, if present and a string.
    pub fn get_str(self, key: &str) -> Option<&'d str> {
        self.get(key).and_then(NodeRef::as_str)
    }

    /// A boolean under `key`, if present and a boolean.
    pub fn get_bool(self, key: &str) -> Option<bool> {
        self.get(key).and_then(NodeRef::as_bool)
    }

    /// The item at `index` of a sequence.
    pub fn item(self, index: usize) -> Option<NodeRef<'d>> {
        self.items().nth(index)
    }
}
