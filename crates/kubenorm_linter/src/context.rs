//! What a rule reports through: [`Context`] while one object is linted,
//! [`RunContext`] when cross-object rules run at the end.

use crate::config::Config;
use crate::finding::{FileId, Finding, ObjectKey, Severity};
use crate::rule::{Described, RuleMeta};
use kubenorm_source::yaml::{NodeId, NodeRef};
use kubenorm_source::{LineIndex, Span};
use std::borrow::Cow;
use std::fmt::Write as _;

/// A place in an object that a finding can point at later, kept by the
/// inventory for cross-object rules.
#[derive(Clone, Debug)]
pub struct Site {
    pub file: FileId,
    pub object: ObjectKey,
    pub span: Span,
    pub pointer: String,
    pub source_line: Option<String>,
}

/// The source text of the file being linted, for findings that quote it.
#[derive(Clone, Copy)]
pub(crate) struct SourceText<'a> {
    pub text: &'a str,
    pub lines: &'a LineIndex,
}

/// The rule being run and the severity it reports at.
#[derive(Clone, Copy)]
pub(crate) struct ActiveRule {
    pub meta: &'static RuleMeta,
    pub severity: Severity,
    pub configured: bool,
}

/// Reporting while one object (or one document) is linted.
pub struct Context<'a> {
    config: &'a Config,
    file: FileId,
    object: Option<(ObjectKey, NodeRef<'a>)>,
    /// How each node of the current object was reached: built on first use.
    parents: Option<Vec<Option<(NodeId, Step)>>>,
    /// The container being checked, for pointers through shared aliases.
    scope: Option<NodeRef<'a>>,
    pub(crate) rule: ActiveRule,
    pub(crate) findings: Vec<Finding>,
    source: Option<SourceText<'a>>,
    /// Objects whose validation waits for the end of the run (custom
    /// resources: their CRD may be in another file).
    pub(crate) deferred: Vec<(ObjectKey, NodeId)>,
    /// CRDs of the current document that the end of the run may need: their roots.
    pub(crate) crds: Vec<NodeId>,
}

#[derive(Clone, Copy, Debug)]
enum Step {
    Key(NodeId),
    Index(u32),
}

impl<'a> Context<'a> {
    pub(crate) fn new(config: &'a Config, file: FileId, source: Option<SourceText<'a>>) -> Self {
        Context {
            config,
            file,
            object: None,
            parents: None,
            scope: None,
            rule: ActiveRule {
                meta: &crate::rules::api::YamlSyntaxError::META,
                severity: Severity::Error,
                configured: false,
            },
            findings: Vec::new(),
            source,
            deferred: Vec::new(),
            crds: Vec::new(),
        }
    }

    pub fn config(&self) -> &'a Config {
        self.config
    }

    pub(crate) fn set_object(&mut self, object: Option<(ObjectKey, NodeRef<'a>)>) {
        self.object = object;
        self.parents = None;
    }

    pub(crate) fn file_id(&self) -> FileId {
        self.file
    }

    pub(crate) fn object_key(&self) -> Option<ObjectKey> {
        self.object.map(|(key, _)| key)
    }

    /// Reports a finding of `rule` at `node`. The message names the thing;
    /// set the fix with [`Finding::help`].
    pub fn report<R: Described + ?Sized>(
        &mut self,
        rule: &R,
        node: NodeRef<'_>,
        message: impl Into<String>,
    ) -> &mut Finding {
        let span = self.span_of(node);
        let pointer = self.object.map(|_| self.pointer_of(node));
        self.push(rule.meta(), span, pointer, message.into())
    }

    /// Reports a finding about a built image (`kubenorm image`). An image has
    /// no lines: the finding sits at line 1, column 1 of the image reference,
    /// and the message names the path inside the image and its layer.
    pub fn report_image<R: Described + ?Sized>(&mut self, rule: &R, message: impl Into<String>) -> &mut Finding {
        let span = Span::new(kubenorm_source::Pos::new(1, 1), kubenorm_source::Pos::new(1, 2));
        self.push(rule.meta(), span, None, message.into())
    }

    /// Reports at a span of a file that has no YAML nodes (a Dockerfile's
    /// instruction or argument).
    pub fn report_span<R: Described + ?Sized>(
        &mut self,
        rule: &R,
        span: Span,
        message: impl Into<String>,
    ) -> &mut Finding {
        self.push(rule.meta(), span, None, message.into())
    }

    /// Reports at a raw span that belongs to no node (syntax errors, comments).
    pub(crate) fn report_at(&mut self, meta: &'static RuleMeta, span: Span, message: String) -> &mut Finding {
        self.push(meta, span, None, message)
    }

    fn push(&mut self, meta: &'static RuleMeta, span: Span, pointer: Option<String>, message: String) -> &mut Finding {
        let (severity, configured) = if meta.name == self.rule.meta.name {
            (self.rule.severity, self.rule.configured)
        } else {
            (meta.severity, false)
        };
        let source_line = self.source.and_then(|s| s.lines.line(s.text, span.start.line)).map(str::to_string);
        self.findings.push(Finding {
            rule: meta.name,
            severity,
            message,
            help: Cow::Borrowed(""),
            file: self.file,
            span,
            object: self.object_key(),
            pointer,
            container: None,
            source_line,
            severity_configured: configured,
        });
        self.findings.last_mut().expect("just pushed")
    }

    /// A place a cross-object rule may report at later.
    pub fn site(&mut self, node: NodeRef<'_>) -> Option<Site> {
        let (object, _) = self.object?;
        let span = self.span_of(node);
        Some(Site {
            file: self.file,
            object,
            span,
            pointer: self.pointer_of(node),
            source_line: self.source.and_then(|s| s.lines.line(s.text, span.start.line)).map(str::to_string),
        })
    }

    /// Marks the current object for validation at the end of the run, when
    /// `Linter::finish` knows every CRD (see `crate::schema`).
    pub(crate) fn defer_object(&mut self) {
        if let Some((key, root)) = self.object {
            self.deferred.push((key, root.id()));
        }
    }

    /// Notes that the current object is a CRD the end of the run may need.
    pub(crate) fn keep_crd(&mut self) {
        if let Some((_, root)) = self.object {
            self.crds.push(root.id());
        }
    }

    /// The site of the current object itself: its `kind:` entry, pointer ``.
    /// Cheaper than [`Context::site`] (no parent table), for facts kept about
    /// every object.
    pub(crate) fn object_site(&self) -> Option<Site> {
        let (object, root) = self.object?;
        let span = match root.entry("kind") {
            Some((k, v)) => k.span().to(v.span()),
            None => root.span(),
        };
        Some(Site {
            file: self.file,
            object,
            span,
            pointer: String::new(),
            source_line: self.source_line(span.start.line),
        })
    }

    /// The text of source line `line`, when findings keep their source line.
    pub(crate) fn source_line(&self, line: u32) -> Option<String> {
        self.source.and_then(|s| s.lines.line(s.text, line)).map(str::to_string)
    }

    /// The span a finding at `node` underlines: a whole `key: value` line for
    /// scalars, the key for collections, the `name` entry for list items, the
    /// `kind` entry for the object itself.
    pub fn span_of(&mut self, node: NodeRef<'_>) -> Span {
        let doc = node.document();
        if self.object.is_some_and(|(_, root)| root.id() == node.id())
            && let Some((k, v)) = node.entry("kind")
        {
            return k.span().to(v.span());
        }
        match self.step_to(node) {
            Some(Step::Key(key)) => {
                let key = doc.node(key).span();
                if node.is_scalar() { key.to(node.span()) } else { key }
            }
            Some(Step::Index(_)) if node.is_map() => match node.entry("name") {
                Some((k, v)) => k.span().to(v.span()),
                None => node.entries().next().map_or(node.span(), |(k, _)| k.span()),
            },
            _ => node.span(),
        }
    }

    fn step_to(&mut self, node: NodeRef<'_>) -> Option<Step> {
        self.parents().get(node.id().index()).copied().flatten().map(|(_, step)| step)
    }

    /// The JSON pointer of `node` inside the current object. Inside a
    /// container's checks, a node the container reaches (also through an
    /// alias shared with another container) gets a pointer under that container.
    pub fn pointer_of(&mut self, node: NodeRef<'_>) -> String {
        if let Some(scope) = self.scope
            && let Some(relative) = path_within(scope, node)
        {
            let mut pointer = self.pointer_of_shortest(scope);
            for step in relative {
                push_step(&mut pointer, node.document(), step);
            }
            return pointer;
        }
        self.pointer_of_shortest(node)
    }

    /// The pointer of `node` if the current object holds it (a key, or a node
    /// outside the object, has none).
    pub(crate) fn pointer_within_object(&mut self, node: NodeRef<'_>) -> Option<String> {
        let (_, root) = self.object?;
        let reached = node.id() == root.id() || self.parents().get(node.id().index()).copied().flatten().is_some();
        reached.then(|| self.pointer_of(node))
    }

    /// The pointer of the first path (breadth first, in document order) that reaches `node`.
    fn pointer_of_shortest(&mut self, node: NodeRef<'_>) -> String {
        let Some((_, root)) = self.object else { return String::new() };
        let doc = node.document();
        let parents = self.parents();
        let mut steps = Vec::new();
        let mut current = node.id();
        while current != root.id() {
            match parents.get(current.index()).copied().flatten() {
                Some((parent, step)) => {
                    steps.push(step);
                    current = parent;
                }
                None => break,
            }
        }
        let mut pointer = String::new();
        for step in steps.into_iter().rev() {
            push_step(&mut pointer, doc, step);
        }
        pointer
    }

    /// Limits pointers of the next reports to paths under `scope` when possible.
    pub(crate) fn set_scope(&mut self, scope: Option<NodeRef<'a>>) {
        self.scope = scope;
    }

    fn parents(&mut self) -> &[Option<(NodeId, Step)>] {
        if self.parents.is_none() {
            let mut table = Vec::new();
            if let Some((_, root)) = self.object {
                table = vec![None; root.document().node_count()];
                let mut seen = vec![false; table.len()];
                // Breadth first, in document order: the shortest, earliest path wins.
                let mut stack = std::collections::VecDeque::from([root]);
                seen[root.id().index()] = true;
                while let Some(node) = stack.pop_front() {
                    let mut visit =
                        |child: NodeRef<'_>, step: Step, stack: &mut std::collections::VecDeque<NodeRef<'a>>| {
                            let i = child.id().index();
                            if !seen[i] {
                                seen[i] = true;
                                table[i] = Some((node.id(), step));
                                stack.push_back(root.document().node(child.id()));
                            }
                        };
                    for (i, item) in node.items().enumerate() {
                        visit(item, Step::Index(i as u32), &mut stack);
                    }
                    for (k, v) in node.entries() {
                        visit(v, Step::Key(k.id()), &mut stack);
                    }
                }
            }
            self.parents = Some(table);
        }
        self.parents.as_deref().unwrap_or_default()
    }
}

/// Reporting from cross-object rules, at sites the inventory kept.
pub struct RunContext<'a> {
    config: &'a Config,
    pub(crate) rule: ActiveRule,
    pub(crate) findings: Vec<Finding>,
}

impl<'a> RunContext<'a> {
    pub(crate) fn new(config: &'a Config, rule: ActiveRule) -> Self {
        RunContext { config, rule, findings: Vec::new() }
    }

    pub fn config(&self) -> &'a Config {
        self.config
    }

    /// Reports at a place in a file that belongs to no object (a layout
    /// problem of the whole file).
    pub fn report_file<R: Described + ?Sized>(
        &mut self,
        rule: &R,
        file: FileId,
        span: Span,
        source_line: Option<String>,
        message: impl Into<String>,
    ) -> &mut Finding {
        debug_assert_eq!(rule.meta().name, self.rule.meta.name);
        self.findings.push(Finding {
            rule: rule.meta().name,
            severity: self.rule.severity,
            message: message.into(),
            help: Cow::Borrowed(""),
            file,
            span,
            object: None,
            pointer: None,
            container: None,
            source_line,
            severity_configured: self.rule.configured,
        });
        self.findings.last_mut().expect("just pushed")
    }

    pub fn report<R: Described + ?Sized>(&mut self, rule: &R, site: &Site, message: impl Into<String>) -> &mut Finding {
        debug_assert_eq!(rule.meta().name, self.rule.meta.name);
        self.findings.push(Finding {
            rule: rule.meta().name,
            severity: self.rule.severity,
            message: message.into(),
            help: Cow::Borrowed(""),
            file: site.file,
            span: site.span,
            object: Some(site.object),
            pointer: Some(site.pointer.clone()),
            container: None,
            source_line: site.source_line.clone(),
            severity_configured: self.rule.configured,
        });
        self.findings.last_mut().expect("just pushed")
    }
}

fn push_step(pointer: &mut String, doc: &kubenorm_source::yaml::Document, step: Step) {
    pointer.push('/');
    match step {
        Step::Key(key) => {
            let text = doc.node(key).scalar_text().unwrap_or_default();
            // RFC 6901 escapes; most keys need none.
            if text.contains(['~', '/']) {
                pointer.push_str(&text.replace('~', "~0").replace('/', "~1"));
            } else {
                pointer.push_str(text);
            }
        }
        Step::Index(i) => {
            let _ = write!(pointer, "{i}");
        }
    }
}

/// The steps from `from` down to `to` (depth first, document order), if `to` is under `from`.
fn path_within(from: NodeRef<'_>, to: NodeRef<'_>) -> Option<Vec<Step>> {
    fn walk(node: NodeRef<'_>, to: NodeId, path: &mut Vec<Step>, depth: usize) -> bool {
        if node.id() == to {
            return true;
        }
        // Containers are shallow; the bound keeps aliased DAGs from exploding.
        if depth > 32 {
            return false;
        }
        for (i, item) in node.items().enumerate() {
            path.push(Step::Index(i as u32));
            if walk(item, to, path, depth + 1) {
                return true;
            }
            path.pop();
        }
        for (k, v) in node.entries() {
            path.push(Step::Key(k.id()));
            if walk(v, to, path, depth + 1) {
                return true;
            }
            path.pop();
        }
        false
    }
    let mut path = Vec::new();
    walk(from, to.id(), &mut path, 0).then_some(path)
}
