//! Findings: what a rule reports, and where.

use kubenorm_source::Span;
use std::borrow::Cow;

/// How serious a finding is. Ordered: `Info < Warning < Error`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Severity {
    Info,
    Warning,
    Error,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }

    pub fn parse(s: &str) -> Option<Severity> {
        match s {
            "info" => Some(Severity::Info),
            "warning" => Some(Severity::Warning),
            "error" => Some(Severity::Error),
            _ => None,
        }
    }
}

impl std::fmt::Display for Severity {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Index of an input file in a run.
pub type FileId = u32;

/// An object of a run: the file it came from and its index among that file's objects.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ObjectKey {
    pub file: FileId,
    pub index: u32,
}

/// Identity of a Kubernetes object, as findings show it.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct ObjectInfo {
    pub api_version: String,
    pub kind: String,
    pub namespace: Option<String>,
    pub name: Option<String>,
}

/// One problem found.
#[derive(Clone, Debug)]
pub struct Finding {
    pub rule: &'static str,
    pub severity: Severity,
    pub message: String,
    pub help: Cow<'static, str>,
    pub file: FileId,
    pub span: Span,
    pub object: Option<ObjectKey>,
    /// JSON pointer of the field inside the object.
    pub pointer: Option<String>,
    /// The container the finding is about, for container-level suppressions.
    pub container: Option<String>,
    /// The source line at `span.start`, kept for renderers that show it.
    pub source_line: Option<String>,
    /// Whether the rule's severity was set in the configuration (then
    /// [`Finding::soften`] does not apply).
    pub(crate) severity_configured: bool,
}

impl Finding {
    pub fn help(&mut self, help: impl Into<Cow<'static, str>>) -> &mut Self {
        self.help = help.into();
        self
    }

    /// Lowers the severity to `severity` unless the user configured this rule's
    /// severity: for rules whose handbook default depends on the case (a
    /// heuristic variant of an error rule is a warning).
    pub fn soften(&mut self, severity: Severity) -> &mut Self {
        if !self.severity_configured {
            self.severity = self.severity.min(severity);
        }
        self
    }

    pub fn container(&mut self, name: &str) -> &mut Self {
        self.container = Some(name.to_string());
        self
    }
}

/// A run's findings in report order, held per file as the workers produced
/// them: a big run's findings (hundreds of thousands) are never copied into
/// one vector, which would hold them twice at the peak.
#[derive(Debug, Default)]
pub struct Findings {
    /// Indexed by [`FileId`]; each sorted in report order.
    by_file: Vec<Vec<Finding>>,
}

impl Findings {
    pub(crate) fn new(by_file: Vec<Vec<Finding>>) -> Self {
        Findings { by_file }
    }

    /// Every finding, in report order (file, position, rule, message).
    pub fn iter(&self) -> impl Iterator<Item = &Finding> + '_ {
        self.by_file.iter().flatten()
    }

    /// The findings of one file, in report order.
    pub fn of_file(&self, file: FileId) -> &[Finding] {
        self.by_file.get(file as usize).map_or(&[], Vec::as_slice)
    }

    pub fn len(&self) -> usize {
        self.by_file.iter().map(Vec::len).sum()
    }

    pub fn is_empty(&self) -> bool {
        self.by_file.iter().all(Vec::is_empty)
    }

    pub fn into_vec(self) -> Vec<Finding> {
        self.by_file.into_iter().flatten().collect()
    }
}
