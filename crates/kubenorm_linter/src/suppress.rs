//! Suppressions: `kubenorm.io/ignore` annotations on objects and pod
//! templates, `container.kubenorm.io/<name>` annotations on containers, and
//! `# kubenorm-ignore` comments. Each names the rules it silences; one that
//! silences nothing is itself reported (`unused-suppression`).

use crate::finding::{FileId, Finding, ObjectKey};
use kubenorm_source::yaml::NodeRef;
use kubenorm_source::{Pos, Span};

pub const OBJECT_ANNOTATION: &str = "kubenorm.io/ignore";
pub const CONTAINER_ANNOTATION_PREFIX: &str = "container.kubenorm.io/";

/// Where a suppression applies.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Scope {
    /// Findings whose span starts on this line.
    Line(u32),
    /// Findings whose span starts on one of these lines (a Dockerfile
    /// instruction with its continuation lines).
    Lines(u32, u32),
    /// The whole file.
    File,
    /// Findings of an object.
    Object(ObjectKey),
    /// Findings of one container of an object.
    Container(ObjectKey, String),
}

/// One rule named by one suppression.
#[derive(Clone, Debug)]
pub struct Suppression {
    pub rule: String,
    pub scope: Scope,
    /// Where the suppression is written (for `unused-suppression`).
    pub file: FileId,
    pub span: Span,
    pub object: Option<ObjectKey>,
    pub used: bool,
}

impl Suppression {
    pub fn covers(&self, finding: &Finding) -> bool {
        if self.rule != finding.rule {
            return false;
        }
        match &self.scope {
            Scope::Line(line) => finding.span.start.line == *line,
            Scope::Lines(first, last) => (*first..=*last).contains(&finding.span.start.line),
            Scope::File => true,
            Scope::Object(key) => finding.object == Some(*key),
            Scope::Container(key, name) => finding.object == Some(*key) && finding.container.as_deref() == Some(name),
        }
    }
}

/// Splits `rule-a, rule-b -- reason` into rule names.
fn rule_list(text: &str) -> impl Iterator<Item = &str> {
    let rules = text.split_once("--").map_or(text, |(rules, _reason)| rules);
    rules.split([',', ' ', '\t']).map(str::trim).filter(|r| !r.is_empty())
}

/// `# kubenorm-ignore[-file]: ...` comments of a YAML or Dockerfile text.
pub fn from_comments(file: FileId, text: &str) -> Vec<Suppression> {
    let mut out = Vec::new();
    // Almost no file has a directive: one fast scan spares the line-by-line search.
    if memchr::memmem::find(text.as_bytes(), DIRECTIVE.as_bytes()).is_none() {
        return out;
    }
    let mut in_header = true;
    for (index, line) in text.lines().enumerate() {
        let number = index as u32 + 1;
        let trimmed = line.trim_start();
        let is_comment_line = trimmed.starts_with('#');
        if !(is_comment_line || trimmed.is_empty() || trimmed.trim_end() == "---") {
            in_header = false;
        }
        let Some(hash) = find_directive(line) else { continue };
        let directive = &line[hash..];
        let col = line[..hash].chars().count() as u32 + 1;
        let span = Span::new(Pos::new(number, col), Pos::new(number, line.chars().count() as u32 + 1));
        let (scope, rest) = if let Some(rest) = directive.strip_prefix("# kubenorm-ignore-file:") {
            if !in_header {
                continue;
            }
            (Scope::File, rest)
        } else if let Some(rest) = directive.strip_prefix("# kubenorm-ignore:") {
            // On its own line it covers the next line; at the end of a line, that line.
            (Scope::Line(if is_comment_line { number + 1 } else { number }), rest)
        } else {
            continue;
        };
        for rule in rule_list(rest) {
            out.push(Suppression {
                rule: rule.to_string(),
                scope: scope.clone(),
                file,
                span,
                object: None,
                used: false,
            });
        }
    }
    out
}

const DIRECTIVE: &str = "# kubenorm-ignore";

/// Byte offset of a `# kubenorm-ignore` directive that starts a comment.
fn find_directive(line: &str) -> Option<usize> {
    let at = line.find(DIRECTIVE)?;
    (at == 0 || line[..at].ends_with([' ', '\t'])).then_some(at)
}

/// Annotation suppressions of an object: on the object, on its pod template,
/// and per container.
pub fn from_annotations(key: ObjectKey, annotation_maps: &[NodeRef<'_>], out: &mut Vec<Suppression>) {
    for annotations in annotation_maps {
        for (k, v) in annotations.entries() {
            let (Some(name), Some(value)) = (k.scalar_text(), v.scalar_text()) else { continue };
            let scope = if name == OBJECT_ANNOTATION {
                Scope::Object(key)
            } else if let Some(container) = name.strip_prefix(CONTAINER_ANNOTATION_PREFIX) {
                Scope::Container(key, container.to_string())
            } else {
                continue;
            };
            for rule in rule_list(value) {
                out.push(Suppression {
                    rule: rule.to_string(),
                    scope: scope.clone(),
                    file: key.file,
                    span: k.span().to(v.span()),
                    object: Some(key),
                    used: false,
                });
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn comments_cover_next_or_same_line() {
        let text = "# kubenorm-ignore-file: rule-a -- legacy\nkind: Pod # kubenorm-ignore: rule-b, rule-c\n  # kubenorm-ignore: rule-d -- why\nx: 1\n# kubenorm-ignore-file: late\n";
        let s = from_comments(0, text);
        let got: Vec<(&str, &Scope)> = s.iter().map(|s| (s.rule.as_str(), &s.scope)).collect();
        assert_eq!(
            got,
            vec![
                ("rule-a", &Scope::File),
                ("rule-b", &Scope::Line(2)),
                ("rule-c", &Scope::Line(2)),
                ("rule-d", &Scope::Line(4)),
            ]
        );
    }

    #[test]
    fn hash_inside_a_value_is_not_a_directive() {
        assert!(from_comments(0, "a: x# kubenorm-ignore: r\n").is_empty());
    }
}
