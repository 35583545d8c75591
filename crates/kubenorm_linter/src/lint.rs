//! The linter: runs the enabled rules over every object of a file, then the
//! cross-object rules over the whole run, then applies suppressions.

use crate::config::{Config, RuleLevel};
use crate::context::{ActiveRule, Context, RunContext, SourceText};
use crate::finding::{FileId, Finding, Findings, ObjectInfo, ObjectKey, Severity};
use crate::inventory::{FileFact, Inventory};
use crate::model::{ImageModel, Object, Workload};
use crate::registry::RULES;
use crate::rule::{Category, Rule};
use crate::rules::api::{
    AmbiguousYamlValue, DuplicateKey, ObjectMalformed, SchemaViolation, YamlSyntaxError, schema_violation,
};
use crate::rules::dockerfile::DockerfileSyntaxError;
use crate::rules::meta::UnusedSuppression;
use crate::suppress::{self, Suppression};
use kubenorm_source::yaml::{self, Anomaly, NodeRef};
use kubenorm_source::{LineIndex, Pos, Span};

/// Which rules run: `--select` / `--ignore` (rule names or categories).
#[derive(Clone, Debug, Default)]
pub struct Selection {
    pub select: Vec<String>,
    pub ignore: Vec<String>,
}

/// A `--select`/`--ignore` entry that names no rule or category.
#[derive(Debug, Clone, thiserror::Error)]
#[error("unknown rule or category `{0}`")]
pub struct UnknownRule(pub String);

/// Where the input comes from: some rules only make sense for files in Git.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Door {
    Files,
    Admission,
    /// `kubenorm image`: only the rules that judge built images run.
    Image,
}

/// What linting one file produced.
#[derive(Debug, Default)]
pub struct FileResult {
    pub findings: Vec<Finding>,
    pub objects: Vec<ObjectInfo>,
    pub documents: u32,
    pub inventory: Inventory,
    pub suppressions: Vec<Suppression>,
    /// Why the file was skipped, if it was (shown with `--verbose`).
    pub skipped: Option<String>,
    /// Notes about parts of the file that were skipped (shown with `--verbose`).
    pub notes: Vec<String>,
    /// Custom resources and CRDs of the file: [`Linter::finish`] validates
    /// the former once every file's CRDs are known.
    pub deferred: crate::schema::Deferred,
}

/// The texts of a run's files, by [`FileId`], for [`Linter::finish`] to
/// read again (the linter keeps no file's text between the two phases).
pub trait Sources: Sync {
    /// The text of `file` as it was linted, or why it cannot be read again.
    fn text(&self, file: FileId) -> Result<std::borrow::Cow<'_, str>, String>;
}

/// Texts held in memory, the file id being the index.
pub struct Texts<'a, T>(pub &'a [T]);

impl<T: AsRef<str> + Sync> Sources for Texts<'_, T> {
    fn text(&self, file: FileId) -> Result<std::borrow::Cow<'_, str>, String> {
        let text = self.0.get(file as usize).ok_or_else(|| format!("no text for file {file}"))?;
        Ok(std::borrow::Cow::Borrowed(text.as_ref()))
    }
}

/// For runs without YAML files (built images, admission): nothing to read again.
pub struct NoSources;

impl Sources for NoSources {
    fn text(&self, file: FileId) -> Result<std::borrow::Cow<'_, str>, String> {
        Err(format!("file {file} cannot be read again"))
    }
}

/// Runs rules. Build one per run and share it across threads.
pub struct Linter {
    config: Config,
    active: Vec<(&'static dyn Rule, ActiveRule)>,
    keep_source_lines: bool,
    door: Door,
}

impl Linter {
    pub fn new(config: Config, selection: &Selection, door: Door) -> Result<Linter, UnknownRule> {
        let matches = |entry: &str, rule: &dyn Rule| {
            let meta = rule.meta();
            entry == meta.name || Category::parse(entry) == Some(meta.category)
        };
        for entry in selection.select.iter().chain(&selection.ignore) {
            if !RULES.iter().any(|r| matches(entry, *r)) {
                return Err(UnknownRule(entry.clone()));
            }
        }
        let active = RULES
            .iter()
            .copied()
            .filter(|rule| door == Door::Files || !rule.meta().files_only())
            .filter(|rule| (door == Door::Image) == rule.meta().judges_images() || rule.meta().judges_references())
            .filter(|rule| {
                let name = rule.meta().name;
                let selected = selection.select.is_empty()
                    || selection.select.iter().any(|e| matches(e, *rule))
                    || name == YamlSyntaxError::META.name
                    || name == DockerfileSyntaxError::META.name;
                selected && !selection.ignore.iter().any(|e| matches(e, *rule))
            })
            .filter_map(|rule| {
                let meta = rule.meta();
                match config.rule_level(meta.name) {
                    Some(RuleLevel::Off) => None,
                    Some(RuleLevel::On(severity)) => Some((rule, ActiveRule { meta, severity, configured: true })),
                    None => Some((rule, ActiveRule { meta, severity: meta.severity, configured: false })),
                }
            })
            .collect();
        Ok(Linter { config, active, keep_source_lines: true, door })
    }

    /// Whether findings keep their source line (human output needs it).
    pub fn keep_source_lines(mut self, keep: bool) -> Self {
        self.keep_source_lines = keep;
        self
    }

    pub fn config(&self) -> &Config {
        &self.config
    }

    /// The rules that run, with the severity each reports at.
    pub fn active_rules(&self) -> impl Iterator<Item = (&'static crate::rule::RuleMeta, Severity)> + '_ {
        self.active.iter().map(|(_, a)| (a.meta, a.severity))
    }

    pub fn is_enabled(&self, rule: &str) -> bool {
        self.active.iter().any(|(_, a)| a.meta.name == rule)
    }

    /// A `yaml-syntax-error` finding for a file that cannot be read at all
    /// (not UTF-8, over the size limit, unreadable), if that rule is on.
    pub fn file_error(&self, file: FileId, span: Span, message: String) -> Option<Finding> {
        let mut cx = Context::new(&self.config, file, None);
        self.report_engine(
            &mut cx,
            &YamlSyntaxError::META,
            span,
            message,
            "make the file valid UTF-8 YAML within the limits",
        );
        cx.findings.pop()
    }

    /// Lints the YAML or JSON text of one file.
    pub fn lint_yaml(&self, file: FileId, text: &str) -> FileResult {
        self.lint_yaml_at(file, None, text)
    }

    /// Lints one file whose path is known: `path` as findings show it
    /// (relative, `/` separators). The layout rule judges file names and folders.
    pub fn lint_yaml_file(&self, file: FileId, path: &str, text: &str) -> FileResult {
        self.lint_yaml_at(file, Some(path), text)
    }

    fn lint_yaml_at(&self, file: FileId, path: Option<&str>, text: &str) -> FileResult {
        let mut result = FileResult::default();
        if let Some(line) = helm_template_line(text) {
            result.skipped = Some(format!(
                "Helm template syntax `{{{{` on line {line}: render it first (helm template … | kubenorm check -)"
            ));
            return result;
        }
        let lines = self.keep_source_lines.then(|| LineIndex::new(text));
        let source = lines.as_ref().map(|lines| SourceText { text, lines });
        let mut objects_in_file = 0u32;
        yaml::parse_stream(text, self.config.yaml_limits(), |doc| {
            result.documents += 1;
            match doc {
                Err(e) => {
                    let mut cx = Context::new(&self.config, file, source);
                    let span = Span::new(e.pos, Pos::new(e.pos.line, e.pos.col + 1));
                    let message = format!("YAML does not parse: {}", e.message);
                    self.report_engine(
                        &mut cx,
                        &YamlSyntaxError::META,
                        span,
                        message,
                        "fix the YAML syntax at this position",
                    );
                    result.findings.append(&mut cx.findings);
                }
                Ok(doc) => {
                    let mut cx = Context::new(&self.config, file, source);
                    self.lint_document(&doc, &mut cx, &mut result, &mut objects_in_file);
                    result.findings.append(&mut cx.findings);
                    if !cx.deferred.is_empty() || !cx.crds.is_empty() {
                        let index = result.documents - 1;
                        result.deferred.record(file, index, &doc, &cx.deferred, &cx.crds);
                    }
                }
            }
        });
        result.suppressions.extend(suppress::from_comments(file, text));
        if let Some(path) = path {
            let first_line = source.and_then(|s| s.lines.line(s.text, 1)).map(str::to_string);
            result.inventory.files.push(FileFact { file, path: path.to_string(), first_line });
        }
        // Sorted here, on the worker threads: `finish` then merges presorted runs.
        result.findings.sort_by(report_order);
        result
    }

    /// Lints the text of one Dockerfile. Findings belong to no object;
    /// `dockerfile-syntax-error` reports what BuildKit would reject, and the
    /// other rules still run when the file has a stage.
    pub fn lint_dockerfile(&self, file: FileId, text: &str) -> FileResult {
        let mut result = FileResult::default();
        let lines = LineIndex::new(text);
        let source = self.keep_source_lines.then_some(SourceText { text, lines: &lines });
        let parsed = kubenorm_source::dockerfile::parse(text);
        let mut cx = Context::new(&self.config, file, source);
        for error in &parsed.errors {
            let message = format!("Dockerfile does not parse: {}", error.message);
            self.report_engine(
                &mut cx,
                &DockerfileSyntaxError::META,
                error.span,
                message,
                "fix this instruction: BuildKit refuses the file",
            );
        }
        let dockerfile = crate::model::Dockerfile::new(&parsed);
        if !dockerfile.stages.is_empty() {
            for (rule, active) in &self.active {
                cx.rule = *active;
                rule.check_dockerfile(&dockerfile, &mut cx);
            }
        }
        result.findings.append(&mut cx.findings);
        result.suppressions = suppress::from_comments(file, text);
        // A comment above an instruction covers all of its lines.
        for s in &mut result.suppressions {
            if let suppress::Scope::Line(line) = s.scope
                && let Some(i) = parsed.instructions.iter().find(|i| i.span.start.line == line)
            {
                s.scope = suppress::Scope::Lines(line, i.end_line.max(line));
            }
        }
        result
    }

    /// A `dockerfile-syntax-error` finding for a Dockerfile that cannot be
    /// read at all (not UTF-8), if that rule is on.
    pub fn dockerfile_error(&self, file: FileId, span: Span, message: String) -> Option<Finding> {
        let mut cx = Context::new(&self.config, file, None);
        self.report_engine(&mut cx, &DockerfileSyntaxError::META, span, message, "save the Dockerfile as UTF-8 text");
        cx.findings.pop()
    }

    /// Lints one JSON/YAML document that came without a file (admission):
    /// findings carry JSON pointers; spans are those of the document.
    pub fn lint_document_standalone(&self, doc: &yaml::Document) -> FileResult {
        let mut result = FileResult { documents: 1, ..FileResult::default() };
        let mut cx = Context::new(&self.config, 0, None);
        let mut count = 0;
        self.lint_document(doc, &mut cx, &mut result, &mut count);
        result.findings.append(&mut cx.findings);
        result
    }

    /// Lints one object found inside a larger JSON/YAML document (admission:
    /// the `object` of an AdmissionReview, parsed with the review in one
    /// pass). Pointers are relative to `root`; the enclosing document's own
    /// anomalies (duplicate keys, ambiguous values) are not reported.
    pub fn lint_object_standalone(&self, root: NodeRef<'_>) -> FileResult {
        let mut result = FileResult { documents: 1, ..FileResult::default() };
        let mut cx = Context::new(&self.config, 0, None);
        let mut count = 0;
        match Object::new(root) {
            Some(object) => self.lint_object(&object, &mut cx, &mut result, &mut count),
            None if looks_like_object(root) => self.report_malformed_header(root, &mut cx),
            None => {}
        }
        result.findings.append(&mut cx.findings);
        result
    }

    /// Lints a built image (`kubenorm image`): findings sit at line 1 of
    /// `file`, the image reference.
    pub fn lint_image(&self, file: FileId, image: &ImageModel) -> FileResult {
        let mut cx = Context::new(&self.config, file, None);
        for (rule, active) in &self.active {
            cx.rule = *active;
            rule.check_image(image, &mut cx);
        }
        let mut findings = cx.findings;
        findings.sort_by(report_order);
        FileResult { findings, documents: 1, ..FileResult::default() }
    }

    fn lint_document<'d>(
        &self,
        doc: &'d yaml::Document,
        cx: &mut Context<'d>,
        result: &mut FileResult,
        count: &mut u32,
    ) {
        let root = doc.root();
        if !looks_like_object(root) {
            if !root.is_map() {
                result.notes.push(format!("document at line {} is not a mapping: skipped", doc.span.start.line));
            }
            return;
        }
        let Some(object) = Object::new(root) else {
            self.report_malformed_header(root, cx);
            return;
        };
        if is_list(&object) {
            self.add_object(&object, cx, result, count);
            self.lint_anomalies(doc, cx);
            for item in root.get("items").into_iter().flat_map(|i| i.items()) {
                match Object::new(item) {
                    Some(item_object) => self.lint_object(&item_object, cx, result, count),
                    None if looks_like_object(item) => self.report_malformed_header(item, cx),
                    None => {}
                }
            }
            return;
        }
        self.lint_object(&object, cx, result, count);
        self.lint_anomalies(doc, cx);
    }

    fn add_object<'d>(
        &self,
        object: &Object<'d>,
        cx: &mut Context<'d>,
        result: &mut FileResult,
        count: &mut u32,
    ) -> ObjectKey {
        let key = ObjectKey { file: cx.file_id(), index: *count };
        *count += 1;
        result.objects.push(ObjectInfo {
            api_version: object.api_version.to_string(),
            kind: object.kind.to_string(),
            namespace: object.namespace().map(str::to_string),
            name: object.name().map(str::to_string),
        });
        cx.set_object(Some((key, object.root)));
        key
    }

    fn lint_object<'d>(&self, object: &Object<'d>, cx: &mut Context<'d>, result: &mut FileResult, count: &mut u32) {
        let key = self.add_object(object, cx, result, count);
        let workload = self.workload_of(object);
        let mut annotation_maps: Vec<NodeRef<'_>> = Vec::with_capacity(2);
        annotation_maps.extend(object.metadata().and_then(|m| m.get("annotations")));
        if let Some(w) = &workload
            && w.template != object.root
        {
            annotation_maps.extend(w.pod_metadata().and_then(|m| m.get("annotations")));
        }
        suppress::from_annotations(key, &annotation_maps, &mut result.suppressions);

        for (rule, active) in &self.active {
            cx.rule = *active;
            rule.check_object(object, cx);
        }
        if let Some(w) = &workload {
            for (rule, active) in &self.active {
                cx.rule = *active;
                rule.check_workload(w, cx);
            }
            for container in w.containers() {
                let first = cx.findings.len();
                cx.set_scope(Some(container.node));
                for (rule, active) in &self.active {
                    cx.rule = *active;
                    rule.check_container(&container, cx);
                }
                cx.set_scope(None);
                for finding in &mut cx.findings[first..] {
                    finding.container.get_or_insert_with(|| container.name().to_string());
                }
            }
        }
        result.inventory.collect(object, workload.as_ref(), cx);
    }

    fn workload_of<'d>(&self, object: &Object<'d>) -> Option<Workload<'d>> {
        if let Some(path) = Workload::builtin_pod_spec_path(object.group(), object.kind) {
            return Workload::at(*object, path);
        }
        let group_kind = if object.group().is_empty() {
            object.kind.to_string()
        } else {
            format!("{}/{}", object.group(), object.kind)
        };
        let (_, path) = self.config.pod_spec_paths.iter().find(|(gk, _)| *gk == group_kind)?;
        let keys: Vec<&str> = path.iter().map(String::as_str).collect();
        Workload::at(*object, &keys)
    }

    fn lint_anomalies<'d>(&self, doc: &'d yaml::Document, cx: &mut Context<'d>) {
        // Ambiguous scalars are recorded in parse order, as nodes are made:
        // one walk finds each one's node, for its pointer.
        let mut scalars = doc.nodes().filter(|n| n.is_scalar());
        // The value of every key by where the key starts, for repeated keys' pointers.
        let mut values_by_key: Option<std::collections::HashMap<Pos, yaml::NodeId>> = None;
        for anomaly in &doc.anomalies {
            match anomaly {
                Anomaly::DuplicateKey { key, span, first } => {
                    let message = format!(
                        "key `{key}` is repeated (first at line {} column {})",
                        first.start.line, first.start.col
                    );
                    let values = values_by_key.get_or_insert_with(|| {
                        let maps = doc.nodes().filter(|n| n.is_map());
                        maps.flat_map(|m| m.entries()).map(|(k, v)| (k.span().start, v.id())).collect()
                    });
                    let value = values.get(&span.start).map(|&v| doc.node(v));
                    let pointer = value.and_then(|v| cx.pointer_within_object(v));
                    let help = "remove one of the keys; kubectl rejects repeated keys";
                    if let Some(finding) = self.report_engine(cx, &DuplicateKey::META, *span, message, help) {
                        finding.pointer = pointer;
                    }
                }
                Anomaly::Ambiguous { text, span, kubectl } => {
                    let reading = match kubectl {
                        yaml::Scalar::Bool(b) => format!("the boolean {b}"),
                        yaml::Scalar::Int(i) => format!("the integer {i}"),
                        yaml::Scalar::Float(f) => format!("the number {f}"),
                        yaml::Scalar::Null => "null".to_string(),
                        yaml::Scalar::Str => "a string".to_string(),
                    };
                    let message =
                        format!("`{text}` is read by kubectl as {reading}, but differently by YAML 1.2 readers");
                    let help = format!("quote it (\"{text}\") if you mean a string, or write it unambiguously");
                    let pointer = scalars.find(|n| n.span() == *span).and_then(|n| cx.pointer_within_object(n));
                    if let Some(finding) = self.report_engine(cx, &AmbiguousYamlValue::META, *span, message, help) {
                        finding.pointer = pointer;
                    }
                }
            }
        }
    }

    /// Reports a finding of an engine rule (one without hooks) if it is enabled.
    fn report_engine<'c>(
        &self,
        cx: &'c mut Context<'_>,
        meta: &'static crate::rule::RuleMeta,
        span: Span,
        message: String,
        help: impl Into<std::borrow::Cow<'static, str>>,
    ) -> Option<&'c mut Finding> {
        let (_, active) = self.active.iter().find(|(_, a)| a.meta.name == meta.name)?;
        cx.rule = *active;
        Some(cx.report_at(meta, span, message).help(help))
    }

    fn report_malformed_header(&self, root: NodeRef<'_>, cx: &mut Context<'_>) {
        let meta = &crate::rules::api::ObjectMalformed::META;
        for key in ["apiVersion", "kind"] {
            if let Some((k, v)) = root.entry(key)
                && v.as_str().is_none()
            {
                let span = k.span().to(v.span());
                let message = format!("`{key}` must be a string, found {v:?}");
                self.report_engine(
                    cx,
                    meta,
                    span,
                    message,
                    "write apiVersion and kind as strings, e.g. `kind: Deployment`",
                );
            }
        }
    }

    /// Runs the cross-object rules over all files' inventories, applies
    /// suppressions and returns every finding, sorted. Custom resources are
    /// validated here against the run's CRDs: `sources` gives the text of
    /// the files that hold them, read again. Call it inside the caller's
    /// rayon pool: that work runs in parallel.
    pub fn finish(&self, results: &mut [FileResult], sources: &dyn Sources) -> Vec<Finding> {
        self.finish_by_file(results, sources).into_vec()
    }

    /// [`Linter::finish`], with the findings kept per file (a big run's
    /// report is rendered from them without copying them into one vector).
    pub fn finish_by_file(&self, results: &mut [FileResult], sources: &dyn Sources) -> Findings {
        let mut inventory = Inventory { partial: self.door == Door::Admission, ..Inventory::default() };
        let mut suppressions = Vec::new();
        for result in results.iter_mut() {
            inventory.extend(std::mem::take(&mut result.inventory));
            suppressions.append(&mut result.suppressions);
        }
        // Findings of the whole run, apart from the files' own: the
        // cross-object rules, and custom resources against the run's CRDs
        // beside them (not at admission: one object, no schema rule, and no
        // thread hand-off per review).
        let cross_object = || {
            let mut findings = Vec::new();
            for (rule, active) in &self.active {
                let mut cx = RunContext::new(&self.config, *active);
                rule.check_inventory(&inventory, &mut cx);
                findings.append(&mut cx.findings);
            }
            findings
        };
        let schema = self.active.iter().find(|(_, a)| a.meta.name == SchemaViolation::META.name);
        let (mut run_findings, mut cross_object) = match schema {
            Some((_, active)) => rayon::join(
                || {
                    let mut findings = Vec::new();
                    let (config, quote_lines) = (&self.config, self.keep_source_lines);
                    schema_violation::finish(config, *active, quote_lines, results, sources, &mut findings);
                    findings
                },
                cross_object,
            ),
            None => (Vec::new(), cross_object()),
        };
        run_findings.append(&mut cross_object);
        let mut by_file = by_file(results, run_findings);
        self.apply_suppressions(&mut by_file, suppressions);
        Findings::new(by_file)
    }

    /// Drops the findings that suppressions cover, file by file, and reports
    /// the suppressions that cover nothing.
    fn apply_suppressions(&self, by_file: &mut Vec<Vec<Finding>>, mut suppressions: Vec<Suppression>) {
        suppressions.sort_by_key(|s| s.file);
        let unused_rule = self.active.iter().find(|(_, a)| a.meta.name == UnusedSuppression::META.name);
        for of_file in suppressions.chunk_by_mut(|a, b| a.file == b.file) {
            let findings = file_slot(by_file, of_file[0].file);
            findings.retain(|finding| {
                let mut silenced = false;
                for s in of_file.iter_mut().filter(|s| s.covers(finding)) {
                    s.used = true;
                    silenced = true;
                }
                !silenced
            });
            let Some((_, active)) = unused_rule else { continue };
            let before = findings.len();
            for s in of_file.iter().filter(|s| !s.used) {
                let known = RULES.iter().any(|r| r.meta().name == s.rule);
                if known && !self.is_enabled(&s.rule) {
                    continue;
                }
                let message = if known {
                    format!("suppression of `{}` silences nothing", s.rule)
                } else {
                    format!("suppression names unknown rule `{}`", s.rule)
                };
                findings.push(Finding {
                    rule: active.meta.name,
                    severity: active.severity,
                    message,
                    help: "remove it, or fix the rule name".into(),
                    file: s.file,
                    span: s.span,
                    object: s.object,
                    pointer: None,
                    container: None,
                    source_line: None,
                    severity_configured: active.configured,
                });
            }
            if findings.len() > before {
                findings.sort_by(report_order);
            }
        }
    }
}

impl crate::rule::RuleMeta {
    /// Rules that only make sense for files kept in Git (off at admission).
    pub fn files_only(&self) -> bool {
        matches!(self.category, Category::Layout | Category::Dockerfile)
            || matches!(
                self.name,
                "secret-in-manifest"
                    | "yaml-syntax-error"
                    | "duplicate-key"
                    | "ambiguous-yaml-value"
                    | "unused-suppression"
                    | "schema-violation"
            )
            || crate::rules::CROSS_OBJECT.contains(&self.name)
    }
}

impl crate::rule::RuleMeta {
    /// Rules that judge built images only (`kubenorm image`).
    pub fn judges_images(&self) -> bool {
        self.category == Category::Image
    }

    /// Rules that judge an image reference, in a manifest and of a built image alike.
    pub fn judges_references(&self) -> bool {
        crate::rules::IMAGE_REFERENCE.contains(&self.name)
    }
}

/// The findings of the run by file, each file's sorted and without
/// duplicates. A file's own findings were sorted on the workers and are
/// moved, not copied; only files that get findings of the whole run (schema
/// of custom resources, cross-object rules) are sorted again.
fn by_file(results: &mut [FileResult], run_findings: Vec<Finding>) -> Vec<Vec<Finding>> {
    let mut by_file: Vec<Vec<Finding>> = Vec::new();
    let mut resorted = Vec::new();
    for result in results.iter_mut() {
        let findings = std::mem::take(&mut result.findings);
        let Some(file) = findings.first().map(|f| f.file) else { continue };
        let slot = file_slot(&mut by_file, file);
        if slot.is_empty() && findings.iter().all(|f| f.file == file) {
            if !findings.is_sorted_by(|a, b| report_order(a, b).is_le()) {
                resorted.push(file);
            }
            *slot = findings;
        } else {
            for finding in findings {
                resorted.push(finding.file);
                file_slot(&mut by_file, finding.file).push(finding);
            }
        }
    }
    for finding in run_findings {
        resorted.push(finding.file);
        file_slot(&mut by_file, finding.file).push(finding);
    }
    resorted.sort_unstable();
    resorted.dedup();
    for file in resorted {
        file_slot(&mut by_file, file).sort_by(report_order);
    }
    for findings in &mut by_file {
        findings.dedup_by(|a, b| a.span == b.span && a.rule == b.rule && a.message == b.message);
        drop_redundant(findings);
    }
    by_file
}

/// Pairs of rules where a finding of the first makes the second's at the same
/// place redundant: `object-malformed` already says that `containers: "oops"`
/// is not a list, in words about what the rules need.
const REDUNDANT_AT_SAME_PLACE: &[(&str, &str)] = &[(ObjectMalformed::META.name, SchemaViolation::META.name)];

fn drop_redundant(findings: &mut Vec<Finding>) {
    for (kept, dropped) in REDUNDANT_AT_SAME_PLACE {
        let places: Vec<Span> = findings.iter().filter(|f| f.rule == *kept).map(|f| f.span).collect();
        if !places.is_empty() {
            findings.retain(|f| f.rule != *dropped || !places.contains(&f.span));
        }
    }
}

/// The findings of `file`, the vector grown to hold it.
fn file_slot(by_file: &mut Vec<Vec<Finding>>, file: FileId) -> &mut Vec<Finding> {
    let at = file as usize;
    if by_file.len() <= at {
        by_file.resize_with(at + 1, Vec::new);
    }
    &mut by_file[at]
}

/// The order of the report: file, position, rule, message.
fn report_order(a: &Finding, b: &Finding) -> std::cmp::Ordering {
    (a.file, a.span.start, a.rule, &a.message).cmp(&(b.file, b.span.start, b.rule, &b.message))
}

/// A mapping with `apiVersion` and `kind` keys (of any type).
fn looks_like_object(root: NodeRef<'_>) -> bool {
    root.is_map() && root.get("apiVersion").is_some() && root.get("kind").is_some()
}

/// `kind: List` or `kind: <Something>List` with `items`.
fn is_list(object: &Object<'_>) -> bool {
    object.kind.ends_with("List") && object.root.get("items").is_some_and(|i| i.is_seq())
}

/// The first line with Helm template syntax, if any. `{{` alone is not
/// enough: Prometheus alert and Grafana templates (`{{ $labels.pod }}`) are
/// ordinary strings in ordinary manifests.
fn helm_template_line(text: &str) -> Option<usize> {
    const HELM_MARKERS: &[&str] = &[
        ".Values",
        ".Release.",
        ".Chart.",
        ".Capabilities.",
        "{{-",
        "-}}",
        "{{ if ",
        "{{ range ",
        "{{ define ",
        "{{ include ",
        "{{ template ",
        "{{ end",
        "{{ with ",
        "{{ toYaml",
        "{{ .",
    ];
    // Only the lines around each `{{` are looked at: most files have none, and
    // those that have some (alert rules, dashboards) can be megabytes long.
    let bytes = text.as_bytes();
    let mut looked_up_to = 0;
    for at in memchr::memmem::find_iter(bytes, b"{{") {
        if at < looked_up_to {
            continue;
        }
        let start = memchr::memrchr(b'\n', &bytes[..at]).map_or(0, |i| i + 1);
        let end = memchr::memchr(b'\n', &bytes[at..]).map_or(bytes.len(), |i| at + i);
        if HELM_MARKERS.iter().any(|m| text[start..end].contains(m)) {
            return Some(memchr::memchr_iter(b'\n', &bytes[..start]).count() + 1);
        }
        looked_up_to = end;
    }
    None
}

#[cfg(test)]
mod tests {
    use super::helm_template_line;
    use crate::{Config, Door, Linter, Selection, Texts};

    /// The findings of `rules` over one file.
    fn findings(rules: &[&str], text: &str) -> Vec<crate::Finding> {
        let select = rules.iter().map(|r| r.to_string()).collect();
        let linter = Linter::new(Config::default(), &Selection { select, ignore: vec![] }, Door::Files).unwrap();
        let mut results = vec![linter.lint_yaml(0, text)];
        linter.finish(&mut results, &Texts(&[text]))
    }

    #[test]
    fn ambiguous_values_carry_their_pointer() {
        let text = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n  labels: {on: a}\ndata:\n  list: [yes, 'no', off]\n";
        let found: Vec<(u32, Option<String>)> =
            findings(&["ambiguous-yaml-value"], text).into_iter().map(|f| (f.span.start.col, f.pointer)).collect();
        // A key has no pointer of its own; values do.
        assert_eq!(found, [(12, None), (10, Some("/data/list/0".into())), (21, Some("/data/list/2".into()))]);
    }

    #[test]
    fn repeated_keys_carry_the_pointer_of_their_value() {
        let text = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n  labels:\n    app: a\n    app: b\n";
        let found: Vec<(u32, Option<String>)> =
            findings(&["duplicate-key"], text).into_iter().map(|f| (f.span.start.line, f.pointer)).collect();
        assert_eq!(found, [(7, Some("/metadata/labels/app".into()))]);
    }

    #[test]
    fn object_malformed_makes_schema_violation_at_the_same_place_redundant() {
        let text = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  containers: oops\n  restartPolicy: 7\n";
        let found: Vec<(&str, u32)> = findings(&["object-malformed", "schema-violation"], text)
            .into_iter()
            .map(|f| (f.rule, f.span.start.line))
            .collect();
        assert_eq!(found, [("object-malformed", 6), ("schema-violation", 7)]);
    }

    #[test]
    fn helm_template_line_names_the_first_line_with_helm_syntax() {
        assert_eq!(helm_template_line("kind: Pod\n"), None);
        // Prometheus and Grafana templates are not Helm.
        assert_eq!(helm_template_line("summary: '{{ $labels.pod }}'\nx: {{ $value }}\n"), None);
        let text = "a: '{{ $labels.pod }}'\r\nb: 1\nname: {{ .Values.name }}\nc: {{- x }}\n";
        assert_eq!(helm_template_line(text), Some(3));
        assert_eq!(helm_template_line("{{ include \"x\" . }}"), Some(1));
    }
}
