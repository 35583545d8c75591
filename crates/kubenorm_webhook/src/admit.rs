//! The admission decision: an AdmissionRequest through the same [`Linter`]
//! as `kubenorm check`, then error findings deny, warnings warn, infos drop.
//!
//! - CREATE and UPDATE are linted; DELETE and CONNECT are allowed.
//! - Ratcheting (`admission.ratchet`, default on): an UPDATE is denied only for
//!   error findings the old object did not already have (same rule, and the
//!   same JSON pointer or the same message); those come back as warnings.
//! - Sub-resources are judged by what they change: `pods/ephemeralcontainers`
//!   by the ephemeral containers it adds, `*/scale` by the replica count (a
//!   warning below 2, never a denial: an HPA is not visible at admission).
//!   Other sub-resources (`status`, …) change nothing the handbook covers.
//! - `namespaces.exempt` and `admission.exempt` are allowed without linting.

use crate::review::{self, AdmissionRequest, AdmissionResponse, Status};
use kubenorm_linter::config::RuleLevel;
use kubenorm_linter::{Config, Door, Finding, Linter, NoSources, Selection, Severity, UnknownRule};
use kubenorm_source::yaml::{self, Document, NodeRef};

/// The API server truncates longer warnings (and keeps about 4 KiB in all).
pub const MAX_WARNING_CHARS: usize = 255;
const MAX_WARNINGS_TOTAL: usize = 4000;
/// Denial lines listed before "… and N more".
const MAX_DENIAL_LINES: usize = 10;

/// The webhook's engine: one [`Linter`] for the admission door, built from
/// one configuration. Replaced as a whole when the configuration changes.
pub struct Admitter {
    linter: Linter,
}

/// What happened to a request, for logs and metrics.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Outcome {
    /// Linted: allowed (maybe with warnings) or denied.
    Linted,
    /// Allowed without linting: an exempt namespace, user or group.
    Exempt,
    /// Allowed without linting: DELETE, CONNECT, or a sub-resource that
    /// changes nothing the handbook covers.
    Skipped,
}

/// The response and why.
#[derive(Debug)]
pub struct Decision {
    pub response: AdmissionResponse,
    pub outcome: Outcome,
    /// Rules of the error findings that denied the request.
    pub denied_rules: Vec<&'static str>,
    /// Rules of the findings returned as warnings.
    pub warned_rules: Vec<&'static str>,
}

impl Decision {
    pub fn result_label(&self) -> &'static str {
        match self.outcome {
            Outcome::Exempt => "exempt",
            Outcome::Skipped => "skipped",
            Outcome::Linted if self.response.allowed => "allowed",
            Outcome::Linted => "denied",
        }
    }
}

impl Admitter {
    pub fn new(config: Config) -> Result<Admitter, UnknownRule> {
        let linter = Linter::new(config, &Selection::default(), Door::Admission)?.keep_source_lines(false);
        Ok(Admitter { linter })
    }

    pub fn config(&self) -> &Config {
        self.linter.config()
    }

    /// Decides one request.
    pub fn review(&self, request: &AdmissionRequest<'_>) -> Decision {
        let allow = |outcome| Decision {
            response: AdmissionResponse {
                uid: request.uid.to_string(),
                allowed: true,
                status: None,
                warnings: Vec::new(),
            },
            outcome,
            denied_rules: Vec::new(),
            warned_rules: Vec::new(),
        };
        if !matches!(request.operation, "CREATE" | "UPDATE") {
            return allow(Outcome::Skipped);
        }
        if self.is_exempt(request) {
            return allow(Outcome::Exempt);
        }
        let Some(object) = request.object else { return allow(Outcome::Skipped) };
        let mut verdict = Verdict::default();
        match request.sub_resource {
            "" => self.judge_object(request, object, &mut verdict),
            "ephemeralcontainers" => self.judge_ephemeral(request, object, &mut verdict),
            "scale" => self.judge_scale(request, object, &mut verdict),
            _ => return allow(Outcome::Skipped),
        }
        verdict.into_decision(request)
    }

    fn is_exempt(&self, request: &AdmissionRequest<'_>) -> bool {
        let config = self.config();
        let exempt = &config.admission.exempt;
        let namespace = if request.namespace.is_empty() && request.kind.kind == "Namespace" {
            request.name
        } else {
            request.namespace
        };
        (!namespace.is_empty()
            && (config.namespaces.exempt.iter().any(|n| n == namespace)
                || exempt.namespaces.iter().any(|p| glob_match(p, namespace))))
            || exempt.users.iter().any(|p| glob_match(p, request.user_info.username))
            || request.user_info.groups.iter().any(|g| exempt.groups.iter().any(|p| glob_match(p, g)))
    }

    /// The findings of one object as the API server sends it (`old`: the
    /// request's `oldObject`).
    fn lint(&self, object: NodeRef<'_>, request: &AdmissionRequest<'_>, old: bool) -> Result<Vec<Finding>, String> {
        // The API server fills in the request's namespace; an object that
        // arrives without one is linted as it will be stored (rare: rewritten
        // from its text).
        let namespace = request.namespace;
        if !namespace.is_empty() && object.path(&["metadata", "namespace"]).and_then(|n| n.as_str()).is_none() {
            let text = review::raw_object(request.body, old).ok_or("the object cannot be read again")?;
            let with_namespace = set_namespace(&text, namespace)?;
            let doc = parse_object(&with_namespace, self.config())?;
            return Ok(self.lint_document(&doc));
        }
        let mut results = [self.linter.lint_object_standalone(object)];
        Ok(self.linter.finish(&mut results, &NoSources))
    }

    fn lint_document(&self, doc: &Document) -> Vec<Finding> {
        let mut results = [self.linter.lint_document_standalone(doc)];
        self.linter.finish(&mut results, &NoSources)
    }

    fn judge_object(&self, request: &AdmissionRequest<'_>, object: NodeRef<'_>, verdict: &mut Verdict) {
        let findings = match self.lint(object, request, false) {
            Ok(findings) => findings,
            Err(message) => return verdict.unreadable(message),
        };
        let old = match request.old_object {
            Some(old) if request.operation == "UPDATE" && self.config().admission.ratchet => {
                // An old object we cannot read ratchets nothing.
                self.lint(old, request, true).unwrap_or_default()
            }
            _ => Vec::new(),
        };
        for finding in findings {
            let existing = finding.severity == Severity::Error
                && old.iter().any(|o| {
                    o.rule == finding.rule
                        && o.severity == Severity::Error
                        && (o.pointer == finding.pointer || o.message == finding.message)
                });
            verdict.add(finding, existing);
        }
    }

    /// `pods/ephemeralcontainers`: the Pod with its new ephemeral containers;
    /// only the containers this request adds are judged.
    fn judge_ephemeral(&self, request: &AdmissionRequest<'_>, object: NodeRef<'_>, verdict: &mut Verdict) {
        let names = |pod: NodeRef<'_>| -> Vec<String> {
            let list = pod.path(&["spec", "ephemeralContainers"]);
            list.into_iter().flat_map(|l| l.items()).filter_map(|c| c.get_str("name").map(str::to_string)).collect()
        };
        let old_names = request.old_object.map(names).unwrap_or_default();
        let added: Vec<String> = names(object).into_iter().filter(|n| !old_names.contains(n)).collect();
        let findings = match self.lint(object, request, false) {
            Ok(findings) => findings,
            Err(message) => return verdict.unreadable(message),
        };
        for finding in findings {
            if finding.container.as_ref().is_some_and(|c| added.contains(c)) {
                verdict.add(finding, false);
            }
        }
    }

    /// `*/scale`: a Scale object; only `spec.replicas` changes.
    fn judge_scale(&self, request: &AdmissionRequest<'_>, object: NodeRef<'_>, verdict: &mut Verdict) {
        if !matches!(request.resource.resource, "deployments" | "statefulsets")
            || self.config().rule_level("single-replica") == Some(RuleLevel::Off)
        {
            return;
        }
        // `replicas` is omitted when zero.
        let replicas = object.path(&["spec", "replicas"]).and_then(|r| r.as_i64()).unwrap_or(0);
        if replicas < 2 {
            let what = object_display(request);
            let plural = if replicas == 1 { "" } else { "s" };
            verdict.warn(
                "single-replica",
                format!(
                    "[single-replica] /spec/replicas: {what} scaled to {replicas} replica{plural}; the handbook asks for 2 or more"
                ),
            );
        }
    }
}

/// Matches exactly, or by prefix when `pattern` ends in `*`.
pub fn glob_match(pattern: &str, value: &str) -> bool {
    match pattern.strip_suffix('*') {
        Some(prefix) => value.starts_with(prefix),
        None => pattern == value,
    }
}

fn parse_object(text: &str, config: &Config) -> Result<Document, String> {
    let mut first = None;
    yaml::parse_stream(text, config.yaml_limits(), |doc| {
        first.get_or_insert(doc);
    });
    match first {
        Some(Ok(doc)) => Ok(doc),
        Some(Err(e)) => Err(e.message),
        None => Err("the object is empty".to_string()),
    }
}

fn set_namespace(text: &str, namespace: &str) -> Result<String, String> {
    let mut value: serde_json::Value = serde_json::from_str(text).map_err(|e| e.to_string())?;
    let Some(object) = value.as_object_mut() else { return Err("the object is not a JSON object".into()) };
    let metadata = object.entry("metadata").or_insert_with(|| serde_json::json!({}));
    if let Some(metadata) = metadata.as_object_mut() {
        metadata.insert("namespace".into(), namespace.into());
    }
    Ok(value.to_string())
}

/// "Deployment app-shop/web" for messages.
fn object_display(request: &AdmissionRequest<'_>) -> String {
    // A sub-resource request names its parent: "Deployment app-shop/web", not "Scale …".
    let kind = match (request.sub_resource, request.resource.resource) {
        ("scale", "deployments") => "Deployment",
        ("scale", "statefulsets") => "StatefulSet",
        _ if request.kind.kind.is_empty() => "object",
        _ => request.kind.kind,
    };
    let name = if request.name.is_empty() { "(generated name)" } else { request.name };
    if request.namespace.is_empty() { format!("{kind} {name}") } else { format!("{kind} {}/{name}", request.namespace) }
}

/// Findings sorted into what denies and what warns.
#[derive(Default)]
struct Verdict {
    errors: Vec<Finding>,
    /// Existing errors (ratchet): listed before plain warnings, so the
    /// warning budget keeps them.
    existing: Vec<String>,
    warnings: Vec<String>,
    warned_rules: Vec<&'static str>,
    unreadable: Option<String>,
}

impl Verdict {
    fn add(&mut self, finding: Finding, existing: bool) {
        match finding.severity {
            Severity::Error if !existing => self.errors.push(finding),
            Severity::Error => {
                let text = warning_text(&finding, true);
                self.warn(finding.rule, text);
                let text = self.warnings.pop().expect("just pushed");
                self.existing.push(text);
            }
            Severity::Warning => {
                let text = warning_text(&finding, false);
                self.warn(finding.rule, text);
            }
            Severity::Info => {}
        }
    }

    fn warn(&mut self, rule: &'static str, text: String) {
        if !self.warned_rules.contains(&rule) {
            self.warned_rules.push(rule);
        }
        self.warnings.push(text);
    }

    fn unreadable(&mut self, message: String) {
        self.unreadable = Some(message);
    }

    fn into_decision(mut self, request: &AdmissionRequest<'_>) -> Decision {
        let mut denied_rules: Vec<&'static str> = Vec::new();
        for f in &self.errors {
            if !denied_rules.contains(&f.rule) {
                denied_rules.push(f.rule);
            }
        }
        let message = if let Some(reason) = &self.unreadable {
            Some(format!("kubenorm could not read {}: {reason}", object_display(request)))
        } else if self.errors.is_empty() {
            None
        } else {
            Some(denial_message(request, &self.errors))
        };
        let allowed = message.is_none();
        self.existing.append(&mut self.warnings);
        let mut warnings = self.existing;
        limit_warnings(&mut warnings);
        Decision {
            response: AdmissionResponse {
                uid: request.uid.to_string(),
                allowed,
                status: message.map(|message| Status { status: "Failure", message, reason: "Forbidden", code: 403 }),
                warnings,
            },
            outcome: Outcome::Linted,
            denied_rules,
            warned_rules: self.warned_rules,
        }
    }
}

/// "kubenorm: Deployment app-shop/web breaks 2 handbook rules:" then one line
/// per error finding: rule, field path, message, fix.
fn denial_message(request: &AdmissionRequest<'_>, errors: &[Finding]) -> String {
    let n = errors.len();
    let plural = if n == 1 { "" } else { "s" };
    let mut message = format!("kubenorm: {} has {n} handbook error{plural}:", object_display(request));
    for f in errors.iter().take(MAX_DENIAL_LINES) {
        let at = f.pointer.as_deref().filter(|p| !p.is_empty()).unwrap_or("/");
        message.push_str(&format!("\n- [{}] {at}: {}", f.rule, f.message));
        if !f.help.is_empty() {
            message.push_str(&format!(" (fix: {})", f.help));
        }
    }
    if n > MAX_DENIAL_LINES {
        let mut rest: Vec<&str> = Vec::new();
        for f in &errors[MAX_DENIAL_LINES..] {
            if !rest.contains(&f.rule) {
                rest.push(f.rule);
            }
        }
        message.push_str(&format!(
            "\n- … and {} more: [{}] (run `kubenorm check` on the manifest)",
            n - MAX_DENIAL_LINES,
            rest.join("], [")
        ));
    }
    message
}

/// "[rule] /pointer: message (fix: help)", cut to the API server's limit.
fn warning_text(f: &Finding, existing: bool) -> String {
    let at = f.pointer.as_deref().filter(|p| !p.is_empty()).unwrap_or("/");
    let tag = if existing { ", existing" } else { "" };
    let mut text = format!("[{}{tag}] {at}: {}", f.rule, f.message);
    let fix = format!(" (fix: {})", f.help);
    if !f.help.is_empty() && text.chars().count() + fix.chars().count() <= MAX_WARNING_CHARS {
        text.push_str(&fix);
    }
    truncate(text, MAX_WARNING_CHARS)
}

fn truncate(mut text: String, max_chars: usize) -> String {
    if text.chars().count() > max_chars {
        let cut = text.char_indices().nth(max_chars - 3).map_or(text.len(), |(i, _)| i);
        text.truncate(cut);
        text.push_str("...");
    }
    text
}

/// Keeps the warnings within what the API server passes on.
fn limit_warnings(warnings: &mut Vec<String>) {
    let mut total = 0;
    let keep = warnings
        .iter()
        .position(|w| {
            total += w.len();
            total > MAX_WARNINGS_TOTAL - 64
        })
        .unwrap_or(warnings.len());
    if keep < warnings.len() {
        let more = warnings.len() - keep;
        warnings.truncate(keep);
        warnings.push(format!("kubenorm: {more} more warnings not shown (run `kubenorm check` on the manifest)"));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn globs() {
        assert!(glob_match("system:serviceaccount:kube-system:*", "system:serviceaccount:kube-system:x"));
        assert!(!glob_match("system:serviceaccount:kube-system:*", "system:serviceaccount:app-shop:x"));
        assert!(glob_match("alice", "alice"));
        assert!(!glob_match("alice", "alice2"));
        assert!(glob_match("*", ""));
    }

    #[test]
    fn truncates_on_char_boundaries() {
        let long = "é".repeat(300);
        let t = truncate(long, MAX_WARNING_CHARS);
        assert_eq!(t.chars().count(), MAX_WARNING_CHARS);
        assert!(t.ends_with("..."));
    }

    #[test]
    fn warning_budget() {
        let mut w: Vec<String> = (0..100).map(|i| format!("{i:0>200}")).collect();
        limit_warnings(&mut w);
        assert!(w.iter().map(String::len).sum::<usize>() < MAX_WARNINGS_TOTAL);
        assert!(w.last().unwrap().contains("more warnings"));
    }
}
