//! Builds [`Document`]s from saphyr's events.

use super::scalar::{self, Scalar};
use super::tree::{Anomaly, Document, Node, NodeId, NodeKind, TextRef};
use super::{Limits, YamlError, pos, span};
use crate::{Pos, Span};
use saphyr_parser::{Event, Parser, ScalarStyle};

/// Parses `text` and hands each finished document to `on_document`.
/// Returns the first syntax or limit error; documents before it were delivered.
pub(super) fn build(
    text: &str,
    limits: Limits,
    line_shift: u32,
    on_document: &mut impl FnMut(Result<Document, YamlError>),
) -> Result<(), YamlError> {
    let mut builder = Builder::new(limits, line_shift, text);
    for event in Parser::new_from_str(text) {
        let (event, event_span) =
            event.map_err(|e| YamlError { pos: pos(e.marker(), line_shift), message: e.info().to_string() })?;
        if let Some(doc) = builder.push(event, event_span)? {
            on_document(Ok(doc));
        }
    }
    Ok(())
}

/// Builds the document of already tokenized events (the JSON fast path).
pub(super) fn build_events<'t>(
    text: &'t str,
    limits: Limits,
    events: Vec<(Event<'t>, saphyr_parser::Span)>,
    on_document: &mut impl FnMut(Result<Document, YamlError>),
) {
    let mut builder = Builder::new(limits, 0, text);
    // The tokenizer's scalar spans already end at the closing quote.
    builder.exact_spans = true;
    let count = events.len();
    for (event, event_span) in events {
        let start = matches!(event, Event::DocumentStart(_));
        let pushed = builder.push(event, event_span);
        if start {
            // One document of known size: grow its buffers once.
            builder.doc.text.reserve(text.len());
            builder.doc.nodes.reserve(count);
            builder.doc.children.reserve(count);
            builder.sizes.reserve(count);
        }
        match pushed {
            Ok(Some(doc)) => on_document(Ok(doc)),
            Ok(None) => {}
            Err(e) => return on_document(Err(e)),
        }
    }
}

struct Frame {
    node: NodeId,
    is_map: bool,
    /// Where this collection's children start in `Builder::scratch`.
    scratch_start: usize,
    anchor: usize,
}

struct Builder<'t> {
    text: &'t str,
    /// The last (char index, byte offset) pair looked up in `text`: scalars
    /// arrive in text order, so lookups walk forward from it.
    cursor: (usize, usize),
    /// Whether `text` is ASCII (then char index = byte offset), once known.
    ascii: Option<bool>,
    /// Whether quoted scalars' event spans already end at the closing quote.
    exact_spans: bool,
    limits: Limits,
    line_shift: u32,
    doc: Document,
    /// Expanded size of every node (aliases counted in full), for the alias limit.
    sizes: Vec<u64>,
    stack: Vec<Frame>,
    scratch: Vec<NodeId>,
    anchors: Vec<Option<NodeId>>,
    alias_expansion: u64,
    in_document: bool,
}

impl<'t> Builder<'t> {
    fn new(limits: Limits, line_shift: u32, text: &'t str) -> Self {
        Builder {
            text,
            cursor: (0, 0),
            ascii: None,
            exact_spans: false,
            limits,
            line_shift,
            doc: empty_document(),
            sizes: Vec::new(),
            stack: Vec::new(),
            scratch: Vec::new(),
            anchors: Vec::new(),
            alias_expansion: 0,
            in_document: false,
        }
    }

    fn push(&mut self, event: Event<'_>, event_span: saphyr_parser::Span) -> Result<Option<Document>, YamlError> {
        let at = span(&event_span, self.line_shift);
        match event {
            Event::DocumentStart(_) => {
                self.doc = empty_document();
                self.doc.span = at;
                self.sizes.clear();
                self.anchors.clear();
                self.alias_expansion = 0;
                self.in_document = true;
            }
            Event::DocumentEnd => {
                if !self.in_document {
                    return Ok(None);
                }
                self.in_document = false;
                let doc = std::mem::replace(&mut self.doc, empty_document());
                // A document with nothing in it (comments only) is no document.
                let empty = doc.nodes.is_empty() || (doc.nodes.len() == 1 && doc.root().is_null());
                return Ok((!empty).then_some(doc));
            }
            Event::Scalar(value, style, anchor, tag) => {
                let at = match style {
                    ScalarStyle::SingleQuoted | ScalarStyle::DoubleQuoted if !self.exact_spans => {
                        self.quoted_span(at, event_span.start.index())
                    }
                    _ => at,
                };
                let kind = self.scalar(&value, style, tag.as_deref(), at);
                let id = self.add(Node { span: at, kind }, 1);
                self.remember_anchor(anchor, id);
                self.attach(id);
            }
            Event::Alias(anchor) => {
                let target = self
                    .anchors
                    .get(anchor)
                    .copied()
                    .flatten()
                    .ok_or_else(|| YamlError { pos: at.start, message: "alias to an unknown anchor".into() })?;
                self.alias_expansion = self.alias_expansion.saturating_add(self.sizes[target.0 as usize]);
                if self.alias_expansion > self.limits.max_alias_expansion {
                    return Err(YamlError {
                        pos: at.start,
                        message: format!(
                            "aliases expand to more than {} nodes (alias bomb?)",
                            self.limits.max_alias_expansion
                        ),
                    });
                }
                self.attach(target);
            }
            Event::SequenceStart(anchor, _) | Event::MappingStart(anchor, _) => {
                if self.stack.len() >= self.limits.max_depth {
                    return Err(YamlError {
                        pos: at.start,
                        message: format!("nesting deeper than {} levels", self.limits.max_depth),
                    });
                }
                let is_map = matches!(event, Event::MappingStart(..));
                let kind = if is_map { NodeKind::Map { first: 0, len: 0 } } else { NodeKind::Seq { first: 0, len: 0 } };
                let id = self.add(Node { span: at, kind }, 1);
                self.stack.push(Frame { node: id, is_map, scratch_start: self.scratch.len(), anchor });
            }
            Event::SequenceEnd | Event::MappingEnd => self.close(at),
            Event::StreamStart | Event::StreamEnd | Event::Nothing => {}
        }
        Ok(None)
    }

    fn scalar(&mut self, value: &str, style: ScalarStyle, tag: Option<&saphyr_parser::Tag>, at: Span) -> NodeKind {
        let start = self.doc.text.len() as u32;
        self.doc.text.push_str(value);
        let text = TextRef { start, len: value.len() as u32 };
        let plain = style == ScalarStyle::Plain;
        let value = match tag {
            Some(tag) if tag.is_yaml_core_schema() || tag.handle == "!!" => scalar::resolve_tagged(&tag.suffix, value),
            // A non-specific `!` tag or an application tag: kubectl keeps the text.
            Some(_) => Scalar::Str,
            None if plain => {
                let (resolved, ambiguous) = scalar::resolve_plain(value);
                if ambiguous {
                    self.doc.anomalies.push(Anomaly::Ambiguous {
                        text: value.to_string(),
                        span: at,
                        kubectl: resolved,
                    });
                }
                resolved
            }
            None => Scalar::Str,
        };
        NodeKind::Scalar { text, value, plain }
    }

    /// saphyr ends a quoted scalar's span at the next token, past trailing
    /// spaces and comments; end it at the closing quote instead.
    fn quoted_span(&mut self, at: Span, char_index: usize) -> Span {
        // Found through the char index saphyr gives, not by walking from the
        // line start: a one-line JSON object would make that quadratic.
        let Some(open_at) = self.byte_offset(char_index) else { return at };
        let rest = &self.text[open_at..];
        let Some(quote) = rest.chars().next() else { return at };
        if quote != '"' && quote != '\'' {
            return at;
        }
        let (mut end_line, mut end_col) = (at.start.line, at.start.col + 1);
        let mut chars = rest[quote.len_utf8()..].chars();
        while let Some(c) = chars.next() {
            end_col += 1;
            match c {
                '\\' if quote == '"' => {
                    if chars.next() == Some('\n') {
                        end_line += 1;
                        end_col = 1;
                    } else {
                        end_col += 1;
                    }
                }
                '\'' if quote == '\'' && chars.clone().next() == Some('\'') => {
                    chars.next();
                    end_col += 1;
                }
                c if c == quote => return Span::new(at.start, Pos::new(end_line, end_col)),
                '\n' => {
                    end_line += 1;
                    end_col = 1;
                }
                _ => {}
            }
        }
        at
    }

    /// Byte offset in `text` of the character at `char_index`.
    fn byte_offset(&mut self, char_index: usize) -> Option<usize> {
        let ascii = *self.ascii.get_or_insert_with(|| self.text.is_ascii());
        if ascii {
            return (char_index < self.text.len()).then_some(char_index);
        }
        let (mut chars, mut bytes) = if char_index >= self.cursor.0 { self.cursor } else { (0, 0) };
        let mut iter = self.text[bytes..].chars();
        while chars < char_index {
            bytes += iter.next()?.len_utf8();
            chars += 1;
        }
        self.cursor = (chars, bytes);
        (bytes < self.text.len()).then_some(bytes)
    }

    fn add(&mut self, node: Node, size: u64) -> NodeId {
        let id = NodeId(self.doc.nodes.len() as u32);
        self.doc.nodes.push(node);
        self.sizes.push(size);
        id
    }

    fn remember_anchor(&mut self, anchor: usize, id: NodeId) {
        if anchor > 0 {
            if self.anchors.len() <= anchor {
                self.anchors.resize(anchor + 1, None);
            }
            self.anchors[anchor] = Some(id);
        }
    }

    fn attach(&mut self, id: NodeId) {
        if self.stack.is_empty() {
            self.doc.root = id;
        } else {
            self.scratch.push(id);
        }
    }

    fn close(&mut self, at: Span) {
        let Some(frame) = self.stack.pop() else { return };
        let mut children: Vec<NodeId> = self.scratch.drain(frame.scratch_start..).collect();
        if frame.is_map {
            if children.len() % 2 == 1 {
                // A key without value cannot come from the parser; be safe anyway.
                children.pop();
            }
            children = self.resolve_map(children);
        }
        let size = 1 + children.iter().map(|c| self.sizes[c.0 as usize]).fold(0u64, u64::saturating_add);
        let first = self.doc.children.len() as u32;
        self.doc.children.extend_from_slice(&children);
        let node = &mut self.doc.nodes[frame.node.0 as usize];
        let count = if frame.is_map { children.len() / 2 } else { children.len() } as u32;
        node.kind =
            if frame.is_map { NodeKind::Map { first, len: count } } else { NodeKind::Seq { first, len: count } };
        // Block collections end where their last child ends, not at the next token.
        // (An empty collection can only be flow style, whose end event is its `}` or `]`.)
        let end = children.last().map_or(at.end, |c| self.doc.nodes[c.0 as usize].span.end);
        self.doc.nodes[frame.node.0 as usize].span.end = end.max(self.doc.nodes[frame.node.0 as usize].span.start);
        self.sizes[frame.node.0 as usize] = size;
        self.remember_anchor(frame.anchor, frame.node);
        self.attach(frame.node);
    }

    /// Applies `<<` merge keys and records repeated keys.
    fn resolve_map(&mut self, pairs: Vec<NodeId>) -> Vec<NodeId> {
        let doc = &self.doc;
        let is_merge = |id: NodeId| {
            let key = doc.node(id);
            key.is_plain() && key.scalar_text() == Some("<<")
        };
        let has_merge = pairs.chunks_exact(2).any(|kv| is_merge(kv[0]));
        let mut explicit: Vec<NodeId> = Vec::with_capacity(pairs.len());
        let mut merged_sources: Vec<NodeId> = Vec::new();
        for kv in pairs.chunks_exact(2) {
            if has_merge && is_merge(kv[0]) {
                let value = doc.node(kv[1]);
                if value.is_map() {
                    merged_sources.push(kv[1]);
                } else {
                    merged_sources.extend(value.items().filter(|i| i.is_map()).map(|i| i.id()));
                }
            } else {
                explicit.extend_from_slice(kv);
            }
        }
        let duplicates = find_duplicates(doc, &explicit);
        for (dup, first) in duplicates {
            self.doc.anomalies.push(Anomaly::DuplicateKey {
                key: self.doc.node(dup).scalar_text().unwrap_or_default().to_string(),
                span: self.doc.node(dup).span(),
                first: self.doc.node(first).span(),
            });
        }
        let doc = &self.doc;
        let key_text = |id: NodeId| doc.node(id).scalar_text();
        for source in merged_sources {
            for (k, v) in doc.node(source).entries() {
                let Some(text) = k.scalar_text() else { continue };
                let present = explicit.chunks_exact(2).any(|kv| key_text(kv[0]) == Some(text));
                if !present {
                    explicit.push(k.id());
                    explicit.push(v.id());
                }
            }
        }
        explicit
    }
}

/// Pairs of (repeated key, first occurrence) among scalar keys.
fn find_duplicates(doc: &Document, pairs: &[NodeId]) -> Vec<(NodeId, NodeId)> {
    let mut keys: Vec<(&str, NodeId)> =
        pairs.chunks_exact(2).filter_map(|kv| doc.node(kv[0]).scalar_text().map(|t| (t, kv[0]))).collect();
    if keys.len() < 2 {
        return Vec::new();
    }
    // Stable sort keeps document order among equal keys.
    keys.sort_by(|a, b| a.0.cmp(b.0));
    keys.windows(2)
        .filter(|w| w[0].0 == w[1].0)
        .map(|w| {
            let first = keys.iter().find(|k| k.0 == w[0].0).map_or(w[0].1, |k| k.1);
            (w[1].1, first)
        })
        .collect()
}

fn empty_document() -> Document {
    Document {
        nodes: Vec::new(),
        children: Vec::new(),
        text: String::new(),
        root: NodeId(0),
        span: Span::default(),
        anomalies: Vec::new(),
    }
}
