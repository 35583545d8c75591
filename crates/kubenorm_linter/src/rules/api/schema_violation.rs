use super::api_versions;
use crate::config::Config;
use crate::context::{ActiveRule, Context, SourceText};
use crate::declare_rule;
use crate::finding::Finding;
use crate::lint::FileResult;
use crate::lint::Sources;
use crate::model::Object;
use crate::rule::Rule;
use crate::schema::crd::{CrdPlan, CrdSite, DeferredObject, Gkv, compile_versions, document_text};
use crate::schema::validate::{self, Problem, Root, Violation, describe_types, describe_value};
use crate::schema::{CompiledSchema, CrdLookup, CrdTable, Deferred, NodeIx, Schema, embedded, types};
use kubenorm_source::LineIndex;
use kubenorm_source::yaml::{self, Document, NodeRef, Scalar};
use rayon::prelude::*;
use std::collections::{HashMap, HashSet};
use std::sync::Arc;

declare_rule! {
    /// ## What it does
    /// Validates every object against the Kubernetes API schema of its kind
    /// for `kubernetesVersion`, as the API server does with strict field
    /// validation (`kubectl apply --validate=strict`): unknown fields, values
    /// of the wrong type (`replicas: "3"`, `value: 8080` in an env var, a
    /// number as a label value), missing required fields, values outside an
    /// enum, quantities that do not parse. The finding points at the field.
    ///
    /// Built-in kinds are checked against the schemas embedded in kubenorm
    /// (the four newest Kubernetes minor versions; an older or newer target
    /// uses the nearest). Custom resources are checked against the
    /// `openAPIV3Schema` of their CustomResourceDefinition when the CRD is in
    /// the same run (any file), else against a JSON schema under
    /// `--schema-location DIR` (kubeconform's layout:
    /// `DIR/{group}/{kind}_{version}.json` or `DIR/{kind}_{version}.json`,
    /// kind in lowercase). A kind with no schema is skipped with a note
    /// (`--verbose`), or reported with `--strict-kinds`. A kind that does not
    /// exist in a built-in API group (`apps/v1` `Deploymnet`) is reported.
    ///
    /// ## Why is this bad?
    /// The API server rejects the object (or, without strict validation,
    /// silently drops the misspelt field: an `imagePullPolcy` or a
    /// `readinessProbe` one level too deep is never applied). Catching it in
    /// review is cheaper than a failed rollout.
    ///
    /// ## Example
    /// ```yaml
    /// spec:
    ///   replicas: "3"
    ///   template:
    ///     spec:
    ///       containers:
    ///         - name: web
    ///           image: harbor.company.com/shop/web:1.4.2
    ///           imagePullPolcy: IfNotPresent
    ///           env:
    ///             - name: PORT
    ///               value: 8080
    /// ```
    /// Use instead:
    /// ```yaml
    /// spec:
    ///   replicas: 3
    ///   template:
    ///     spec:
    ///       containers:
    ///         - name: web
    ///           image: harbor.company.com/shop/web:1.4.2
    ///           imagePullPolicy: IfNotPresent
    ///           env:
    ///             - name: PORT
    ///               value: "8080"
    /// ```
    pub struct SchemaViolation;
    name: "schema-violation",
    category: Api,
    severity: Error,
    summary: "An object does not match the Kubernetes API schema of its kind.",
}

impl Rule for SchemaViolation {
    fn check_object(&self, object: &Object<'_>, cx: &mut Context<'_>) {
        let catalog = embedded::catalog_for(api_versions::target(cx.config()));
        match catalog.kind(object.api_version, object.kind) {
            Some(ix) => {
                check(self, &catalog.schema, ix, object, None, cx);
                // The end of the run needs the CRDs of all files.
                if is_crd(object)
                    && let Some(spec) = object.spec()
                    && spec.get_str("group").is_some()
                {
                    cx.keep_crd();
                }
            }
            // Its CRD may be in a later file: decided at the end of the run.
            None => cx.defer_object(),
        }
    }
}

fn is_crd(object: &Object<'_>) -> bool {
    object.group() == "apiextensions.k8s.io" && object.kind == "CustomResourceDefinition"
}

/// Validates the objects that waited for the run's CRDs (see `crate::schema`):
/// compiles the CRD versions they use, then reads their files again and
/// validates them, both in parallel.
pub(crate) fn finish(
    config: &Config,
    active: ActiveRule,
    quote_lines: bool,
    results: &mut [FileResult],
    sources: &dyn Sources,
    findings: &mut Vec<Finding>,
) {
    let files: Vec<(usize, Deferred)> = results
        .iter_mut()
        .enumerate()
        .filter(|(_, r)| !r.deferred.is_empty())
        .map(|(i, r)| (i, std::mem::take(&mut r.deferred)))
        .collect();
    // The (group, kind, version) of every deferred object a CRD could define
    // (CRD groups have a dot).
    let needed: HashSet<Gkv<'_>> = files
        .iter()
        .flat_map(|(_, file)| &file.objects)
        .filter(|o| o.group().contains('.'))
        .map(|o| (o.group(), &*o.kind, o.version()))
        .collect();
    let plan = CrdPlan::new(files.iter().map(|(_, file)| file), &needed);
    let compiled: HashMap<(CrdSite, String), Arc<CompiledSchema>> = plan
        .sites_by_file()
        .par_iter()
        .flat_map_iter(|(file, sites)| {
            let mut compiled = Vec::new();
            // Unreadable now: its kinds count as defined without a schema.
            let Ok(text) = sources.text(*file) else { return compiled };
            for (site, versions) in sites {
                let mut first = true;
                yaml::parse_stream(document_text(&text, site.line), config.yaml_limits(), |document| {
                    if let (Ok(document), true) = (document, std::mem::take(&mut first)) {
                        for (version, schema) in compile_versions(&document, site.root, versions) {
                            compiled.push(((*site, version), schema));
                        }
                    }
                });
            }
            compiled
        })
        .collect();
    let crds = plan.into_table(&compiled);
    let catalog = embedded::catalog_for(api_versions::target(config));
    let validated: Vec<(usize, Vec<Finding>, Vec<String>)> = files
        .par_iter()
        .filter(|(_, file)| !file.objects.is_empty())
        .map(|(i, file)| {
            let (found, notes) = validate_file(config, active, quote_lines, catalog, &crds, sources, file);
            (*i, found, notes)
        })
        .collect();
    for (i, mut found, notes) in validated {
        findings.append(&mut found);
        results[i].notes.extend(notes);
    }
}

/// Calls `f` with the index and tree of every document of `text` that parses,
/// counting as `Linter::lint_yaml` counts.
fn for_each_document(text: &str, config: &Config, mut f: impl FnMut(u32, &Document)) {
    let mut index = 0;
    yaml::parse_stream(text, config.yaml_limits(), |document| {
        if let Ok(document) = document {
            f(index, &document);
        }
        index += 1;
    });
}

/// Validates the deferred objects of one file, read again: its findings and notes.
fn validate_file(
    config: &Config,
    active: ActiveRule,
    quote_lines: bool,
    catalog: &embedded::Catalog,
    crds: &CrdTable,
    sources: &dyn Sources,
    file: &Deferred,
) -> (Vec<Finding>, Vec<String>) {
    let (mut findings, mut notes) = (Vec::new(), Vec::new());
    // Most custom resources of a big run have no schema anywhere: all that
    // comes of them is a note, and their file need not be read again.
    let options = &config.schemas;
    let needs_document = |o: &DeferredObject| {
        options.external.is_some()
            || options.strict_kinds
            || catalog.kinds_of(&o.api_version).is_some()
            || !matches!(crds.lookup(o.group(), &o.kind, o.version()), CrdLookup::Undefined)
    };
    for o in file.objects.iter().filter(|o| !needs_document(o)) {
        notes.push(no_schema_note(&o.display_name, &o.api_version, options.external.is_some()));
    }
    if file.objects.iter().all(|o| !needs_document(o)) {
        return (findings, notes);
    }
    let text = match sources.text(file.file) {
        Ok(text) => text,
        Err(e) => {
            notes.push(format!("custom resources not validated: cannot read the file again: {e}"));
            return (findings, notes);
        }
    };
    let lines = quote_lines.then(|| LineIndex::new(&text));
    let source = lines.as_ref().map(|lines| SourceText { text: &text, lines });
    // Deferred objects are in document order.
    let mut pending = file.objects.as_slice();
    for_each_document(&text, config, |index, document| {
        let here = pending.iter().take_while(|o| o.document <= index).count();
        let (objects, rest) = pending.split_at(here);
        pending = rest;
        let mut cx = Context::new(config, file.file, source);
        cx.rule = active;
        for deferred in objects.iter().filter(|o| o.document == index && needs_document(o)) {
            // The file may have changed since it was linted: the node must still hold that kind.
            let Some(root) = document.get_node(deferred.root) else { continue };
            let Some(object) = Object::new(root).filter(|o| o.kind == &*deferred.kind) else { continue };
            cx.set_object(Some((deferred.key, root)));
            if let Some(note) = check_custom(&object, catalog, crds, &mut cx) {
                notes.push(note);
            }
        }
        findings.append(&mut cx.findings);
    });
    (findings, notes)
}

/// An object of a kind without a built-in schema: its CRD in the run, a
/// `--schema-location` file, or nothing (a note, or a finding with `--strict-kinds`).
fn check_custom(
    object: &Object<'_>,
    catalog: &embedded::Catalog,
    crds: &CrdTable,
    cx: &mut Context<'_>,
) -> Option<String> {
    let rule = &SchemaViolation;
    let group = object.group();
    let version = object.api_version.rsplit('/').next().unwrap_or_default();
    let metadata = Some((&catalog.schema, catalog.object_meta));
    match crds.lookup(group, object.kind, version) {
        CrdLookup::Schema(compiled) => {
            if let Some(compiled) = compiled {
                check(rule, &compiled.schema, compiled.root, object, metadata, cx);
            }
            return None;
        }
        CrdLookup::VersionMissing(versions) => {
            let at = object.root.get("apiVersion").unwrap_or(object.anchor());
            cx.report(
                rule,
                at,
                format!(
                    "the CustomResourceDefinition of `{}` in this run does not define version `{version}`",
                    object.kind
                ),
            )
            .help(format!("use one of its versions: {}", versions.join(", ")));
            return None;
        }
        CrdLookup::Undefined => {}
    }
    let options = &cx.config().schemas;
    let external = options.external.as_ref().map(|e| e.get(group, version, object.kind));
    match external {
        Some(Ok(Some(compiled))) => {
            let compiled: &CompiledSchema = &compiled;
            check(rule, &compiled.schema, compiled.root, object, metadata, cx);
            return None;
        }
        Some(Err(e)) => return Some(format!("{}: cannot read its schema: {e}", object.display_name())),
        Some(Ok(None)) | None => {}
    }
    // A built-in API group that the version serves, but no such kind in it: a typo.
    {
        if let Some(known) = catalog.kinds_of(object.api_version) {
            let suggestion = closest(object.kind, known.into_iter());
            let elsewhere = catalog.api_versions_of(object.kind);
            let at = object.root.get("kind").unwrap_or(object.anchor());
            let help = match (suggestion, elsewhere.as_slice()) {
                (_, [_, ..]) if !matches!(object.kind, "DeleteOptions" | "WatchEvent") => {
                    format!("`{}` is served as apiVersion {}", object.kind, elsewhere.join(", "))
                }
                (Some(s), _) => format!("did you mean `{s}`?"),
                _ => "check the kind and the apiVersion".to_string(),
            };
            cx.report(rule, at, format!("`{}` has no kind `{}`", object.api_version, object.kind)).help(help);
            return None;
        }
    }
    if options.strict_kinds {
        let why = no_schema_reason(group, options.external.is_some());
        let at = object.root.get("kind").unwrap_or(object.anchor());
        cx.report(rule, at, format!("no schema for `{}` `{}` ({why})", object.api_version, object.kind))
            .help("add its CustomResourceDefinition to the run, or its JSON schema under --schema-location");
        return None;
    }
    Some(no_schema_note(&object.display_name(), object.api_version, options.external.is_some()))
}

/// Why an object has no schema: no CRD of the run, no `--schema-location`
/// file and no built-in group knows its kind.
fn no_schema_reason(group: &str, external: bool) -> &'static str {
    if group.contains('.') && external {
        "no CustomResourceDefinition in this run, none under --schema-location"
    } else if group.contains('.') {
        "no CustomResourceDefinition in this run; --schema-location adds schemas"
    } else {
        "the API version is not served by this Kubernetes version"
    }
}

/// The `--verbose` note about an object that is not validated.
fn no_schema_note(display_name: &str, api_version: &str, external: bool) -> String {
    let group = api_version.rsplit_once('/').map_or("", |(group, _)| group);
    let why = no_schema_reason(group, external);
    format!("{display_name} ({api_version}): no schema ({why}), not validated")
}

/// Validates `object` against node `ix` and reports every problem.
fn check(
    rule: &SchemaViolation,
    schema: &Schema,
    ix: NodeIx,
    object: &Object<'_>,
    metadata: Option<(&Schema, NodeIx)>,
    cx: &mut Context<'_>,
) {
    let mut violations = Vec::new();
    validate::validate(schema, ix, object.root, Root { metadata }, &mut violations);
    for violation in violations {
        report(rule, violation, cx);
    }
}

fn report(rule: &SchemaViolation, violation: Violation<'_>, cx: &mut Context<'_>) {
    let node = violation.node;
    let path = dotted(&cx.pointer_of(node));
    let shown = if path.is_empty() { "the object".to_string() } else { format!("`{path}`") };
    let (message, help) = match violation.problem {
        Problem::UnknownField { known } => {
            let field = path.rsplit(['.', '[']).next().unwrap_or_default().to_string();
            let help = match closest(&field, known.iter().map(|k| &**k)) {
                Some(s) => format!("did you mean `{s}`? Unknown fields are rejected by strict validation (or silently dropped)"),
                None => "remove it, or check its indentation and the apiVersion: unknown fields are rejected by strict validation (or silently dropped)".to_string(),
            };
            (format!("unknown field {shown}"), help)
        }
        Problem::WrongType { expected } => {
            let message = format!("{shown} must be {}, not {}", describe_types(expected), describe_value(node));
            (message, type_help(expected, node))
        }
        Problem::MissingRequired { field } => {
            let message = if path.is_empty() {
                format!("missing required field `{field}`")
            } else {
                format!("missing required field `{field}` in {shown}")
            };
            (message, format!("add `{field}`"))
        }
        Problem::NotInEnum { allowed } => {
            let list: Vec<String> = allowed.iter().map(|l| format!("`{l}`")).collect();
            let value = node.scalar_text().unwrap_or_default();
            (
                format!("{shown} is `{value}`, not one of {}", list.join(", ")),
                "use one of the allowed values".to_string(),
            )
        }
        Problem::BadQuantity => (
            format!("{shown} is not a valid quantity: `{}`", node.scalar_text().unwrap_or_default()),
            "write a quantity such as 500m, 2, 128Mi or 1Gi (no spaces)".to_string(),
        ),
        Problem::OutOfRange => (
            format!("{shown} is out of range for a 32-bit integer"),
            "use a value between -2147483648 and 2147483647".to_string(),
        ),
        Problem::Forbidden => (
            format!("{shown} has a shape its schema forbids (`not`)"),
            "see the CRD's schema for the allowed shapes".to_string(),
        ),
        Problem::NoAlternative { one_of } => {
            let which = if one_of { "any of the `oneOf`" } else { "any of the `anyOf`" };
            (
                format!("{shown} does not match {which} alternatives of its schema"),
                "see the CRD's schema for the allowed shapes".to_string(),
            )
        }
    };
    cx.report(rule, node, message).help(help);
}

fn type_help(expected: u8, node: NodeRef<'_>) -> String {
    let text = node.scalar_text().unwrap_or_default();
    match node.scalar() {
        Some(Scalar::Int(_) | Scalar::Float(_) | Scalar::Bool(_)) if expected & types::STRING != 0 => {
            format!("quote it: \"{text}\"")
        }
        Some(Scalar::Str) if expected & (types::INTEGER | types::NUMBER) != 0 && text.trim().parse::<f64>().is_ok() => {
            format!("remove the quotes: {text}")
        }
        Some(Scalar::Str) if expected & types::BOOLEAN != 0 && matches!(text, "true" | "false") => {
            format!("remove the quotes: {text}")
        }
        _ => format!("write {} here", describe_types(expected)),
    }
}

/// `/spec/containers/0/image` → `spec.containers[0].image`.
fn dotted(pointer: &str) -> String {
    let mut out = String::new();
    for segment in pointer.split('/').skip(1) {
        let segment = segment.replace("~1", "/").replace("~0", "~");
        if !segment.is_empty() && segment.bytes().all(|b| b.is_ascii_digit()) {
            out.push_str(&format!("[{segment}]"));
        } else {
            if !out.is_empty() {
                out.push('.');
            }
            out.push_str(&segment);
        }
    }
    out
}

/// The most similar name, if one is close enough to be a likely typo.
fn closest<'a>(wanted: &str, candidates: impl Iterator<Item = &'a str>) -> Option<&'a str> {
    let lower = wanted.to_ascii_lowercase();
    candidates
        .map(|c| (strsim::jaro_winkler(&lower, &c.to_ascii_lowercase()), c))
        .filter(|(score, _)| *score >= 0.85)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, c)| c)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::schema::{ExternalSchemas, SchemaSource};
    use crate::{Door, Linter, Selection};
    use std::sync::Arc;

    /// Lints `files` as one run; returns (file, line, message) of every finding, and the notes.
    fn run(files: &[&str], config: Config) -> (Vec<(usize, u32, String)>, Vec<String>) {
        let selection = Selection { select: vec!["schema-violation".into()], ignore: vec![] };
        let linter = Linter::new(config, &selection, Door::Files).unwrap();
        let mut results: Vec<_> = files.iter().enumerate().map(|(i, text)| linter.lint_yaml(i as u32, text)).collect();
        let findings = linter.finish(&mut results, &crate::Texts(files));
        let notes = results.iter().flat_map(|r| r.notes.clone()).collect();
        (findings.into_iter().map(|f| (f.file as usize, f.span.start.line, f.message)).collect(), notes)
    }

    fn version(v: (u32, u32)) -> Config {
        Config { kubernetes_version: Some(v), ..Config::default() }
    }

    const CR: &str = "apiVersion: shop.example.com/v1\nkind: Backup\nmetadata:\n  name: b\nspec:\n  retention: seven\n";
    const CRD: &str = "apiVersion: apiextensions.k8s.io/v1\nkind: CustomResourceDefinition\nmetadata:\n  name: backups.shop.example.com\nspec:\n  group: shop.example.com\n  names: {kind: Backup, plural: backups}\n  scope: Namespaced\n  versions:\n    - name: v1\n      served: true\n      storage: true\n      schema:\n        openAPIV3Schema:\n          type: object\n          properties:\n            spec:\n              type: object\n              properties:\n                retention: {type: integer}\n";

    #[test]
    fn a_crd_inside_a_list_defines_its_kind() {
        let indented: String = CRD.lines().map(|l| format!("    {l}\n")).collect();
        let list = format!("apiVersion: v1\nkind: List\nitems:\n  -\n{indented}");
        let (found, notes) = run(&[CR, &list], Config::default());
        assert_eq!(found, [(0, 6, "`spec.retention` must be an integer, not the string \"seven\"".to_string())]);
        assert!(notes.is_empty(), "{notes:?}");
    }

    #[test]
    fn a_file_that_changed_before_the_end_of_the_run_is_skipped_safely() {
        let selection = Selection { select: vec!["schema-violation".into()], ignore: vec![] };
        let linter = Linter::new(Config::default(), &selection, Door::Files).unwrap();
        let mut results = vec![linter.lint_yaml(0, CR), linter.lint_yaml(1, CRD)];
        // Both files now hold something else: no panic, no stale finding.
        let now = ["kind: Backup\n", "apiVersion: v1\nkind: ConfigMap\n"];
        assert!(linter.finish(&mut results, &crate::Texts(&now)).is_empty());
        let mut results = vec![linter.lint_yaml(0, CR), linter.lint_yaml(1, CRD)];
        assert!(linter.finish(&mut results, &crate::NoSources).is_empty());
        assert!(results[0].notes[0].contains("cannot read the file again"), "{:?}", results[0].notes);
        // Without a CRD there is nothing to validate: the note needs no second read.
        let mut results = vec![linter.lint_yaml(0, CR)];
        assert!(linter.finish(&mut results, &crate::NoSources).is_empty());
        assert_eq!(
            results[0].notes,
            [
                "Backup b (shop.example.com/v1): no schema (no CustomResourceDefinition in this run; --schema-location adds schemas), not validated"
            ]
        );
    }

    #[test]
    fn a_crd_in_a_later_file_validates_earlier_objects() {
        // The CRD between other documents: only its own text is kept.
        let bundle = format!(
            "apiVersion: v1\nkind: Namespace\nmetadata: {{name: a}}\n---\n{CRD}...\n---\n# next\napiVersion: v1\nkind: Namespace\nmetadata: {{name: b}}\n"
        );
        let (found, notes) = run(&[CR, &bundle], Config::default());
        assert_eq!(found, [(0, 6, "`spec.retention` must be an integer, not the string \"seven\"".to_string())]);
        assert!(notes.is_empty(), "{notes:?}");
        let (found, notes) = run(&[CR, CRD], Config::default());
        assert_eq!(found, [(0, 6, "`spec.retention` must be an integer, not the string \"seven\"".to_string())]);
        assert!(notes.is_empty(), "{notes:?}");
    }

    #[test]
    fn kinds_without_schema_are_noted_or_reported_with_strict_kinds() {
        let (found, notes) = run(&[CR], Config::default());
        assert!(found.is_empty(), "{found:?}");
        assert_eq!(notes.len(), 1, "{notes:?}");
        let mut strict = Config::default();
        strict.schemas.strict_kinds = true;
        let (found, _) = run(&[CR], strict);
        assert_eq!(found.len(), 1);
        assert!(found[0].2.starts_with("no schema for `shop.example.com/v1` `Backup`"), "{found:?}");
    }

    struct OneSchema;

    impl SchemaSource for OneSchema {
        fn schema_text(&self, group: &str, version: &str, kind: &str) -> Option<Result<String, String>> {
            ((group, version, kind) == ("shop.example.com", "v1", "Backup")).then(|| {
                Ok(r#"{"type":"object","properties":{"spec":{"type":"object","additionalProperties":false,"properties":{"retention":{"type":"string"}}}}}"#.to_string())
            })
        }
    }

    #[test]
    fn schema_location_schemas_are_used_when_no_crd_is_in_the_run() {
        let mut config = Config::default();
        config.schemas.external = Some(Arc::new(ExternalSchemas::new(Box::new(OneSchema))));
        let other = CR.replace("retention: seven", "keep: 3");
        let (found, _) = run(&[&other], config.clone());
        assert_eq!(found, [(0, 6, "unknown field `spec.keep`".to_string())]);
        // A CRD in the run wins over the folder.
        let (found, _) = run(&[CR, CRD], config);
        assert_eq!(found.len(), 1);
        assert!(found[0].2.contains("must be an integer"));
    }

    /// Each embedded version knows the API of its release: an object is
    /// validated where its apiVersion and kind are served, not where they are not.
    #[test]
    fn each_embedded_version_has_its_own_api() {
        let cases = [
            // served in 1.34 only (storage.k8s.io/v1alpha1 VolumeAttributesClass)
            (
                (1, 34),
                "apiVersion: storage.k8s.io/v1alpha1\nkind: VolumeAttributesClass\nmetadata: {name: a}\ndriverName: x\ncolour: red\n",
                (1, 35),
            ),
            // new in 1.35 (certificates.k8s.io/v1beta1 PodCertificateRequest)
            (
                (1, 35),
                "apiVersion: certificates.k8s.io/v1beta1\nkind: PodCertificateRequest\nmetadata: {name: a}\nspec: {}\ncolour: red\n",
                (1, 34),
            ),
            // new in 1.36 (admissionregistration.k8s.io/v1 MutatingAdmissionPolicy)
            (
                (1, 36),
                "apiVersion: admissionregistration.k8s.io/v1\nkind: MutatingAdmissionPolicy\nmetadata: {name: a}\ncolour: red\n",
                (1, 35),
            ),
            // new in 1.37 (storagemigration.k8s.io/v1 StorageVersionMigration)
            (
                (1, 37),
                "apiVersion: storagemigration.k8s.io/v1\nkind: StorageVersionMigration\nmetadata: {name: a}\ncolour: red\n",
                (1, 36),
            ),
        ];
        for (served, text, not_served) in cases {
            let (found, _) = run(&[text], version(served));
            assert!(found.iter().any(|(_, _, m)| m == "unknown field `colour`"), "{served:?}: {found:?}");
            // Not served: a note, or (the group version is served without
            // this kind) a finding that says so; never the schema's findings.
            let (found, notes) = run(&[text], version(not_served));
            match found.as_slice() {
                [] => assert_eq!(notes.len(), 1, "{not_served:?}: {notes:?}"),
                [(_, 2, message)] => assert!(message.contains("has no kind"), "{not_served:?}: {message}"),
                _ => panic!("{not_served:?}: {found:?}"),
            }
        }
    }

    #[test]
    fn pointers_read_as_kubectl_paths() {
        assert_eq!(
            dotted("/spec/template/spec/containers/0/imagePullPolcy"),
            "spec.template.spec.containers[0].imagePullPolcy"
        );
        assert_eq!(dotted("/metadata/labels/app.kubernetes.io~1name"), "metadata.labels.app.kubernetes.io/name");
        assert_eq!(dotted(""), "");
    }

    #[test]
    fn suggestions_are_close_names() {
        let known = ["imagePullPolicy", "image", "name"];
        assert_eq!(closest("imagePullPolcy", known.into_iter()), Some("imagePullPolicy"));
        assert_eq!(closest("replicas", known.into_iter()), None);
    }
}
