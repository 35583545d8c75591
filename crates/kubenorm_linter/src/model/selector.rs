//! Label selectors with the API server's semantics
//! (k8s.io/apimachinery/pkg/labels, `LabelSelectorAsSelector`).

use kubenorm_source::yaml::NodeRef;

/// One `matchExpressions` requirement.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Requirement {
    In(String, Vec<String>),
    NotIn(String, Vec<String>),
    Exists(String),
    DoesNotExist(String),
}

/// A `metav1.LabelSelector` (or a Service's plain map selector).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct LabelSelector {
    pub match_labels: Vec<(String, String)>,
    pub expressions: Vec<Requirement>,
    /// A selector the API server would reject (unknown operator, missing
    /// values): it matches nothing, and rules should not guess.
    pub invalid: bool,
}

impl LabelSelector {
    /// Reads `{matchLabels, matchExpressions}`.
    pub fn from_label_selector(node: NodeRef<'_>) -> LabelSelector {
        let mut selector = LabelSelector::from_map(node.get("matchLabels"));
        for expr in node.get("matchExpressions").into_iter().flat_map(|e| e.items()) {
            let key = expr.get_str("key").unwrap_or_default().to_string();
            let values: Vec<String> = expr
                .get("values")
                .into_iter()
                .flat_map(|v| v.items())
                .filter_map(|v| v.scalar_text().map(str::to_string))
                .collect();
            let requirement = match expr.get_str("operator") {
                Some("In") if !values.is_empty() => Requirement::In(key, values),
                Some("NotIn") if !values.is_empty() => Requirement::NotIn(key, values),
                Some("Exists") if values.is_empty() => Requirement::Exists(key),
                Some("DoesNotExist") if values.is_empty() => Requirement::DoesNotExist(key),
                _ => {
                    selector.invalid = true;
                    continue;
                }
            };
            selector.expressions.push(requirement);
        }
        selector
    }

    /// Reads a plain `key: value` map (a Service's or ReplicationController's selector).
    pub fn from_map(node: Option<NodeRef<'_>>) -> LabelSelector {
        let match_labels = node
            .into_iter()
            .flat_map(|m| m.entries())
            .filter_map(|(k, v)| Some((k.scalar_text()?.to_string(), v.scalar_text()?.to_string())))
            .collect();
        LabelSelector { match_labels, expressions: Vec::new(), invalid: false }
    }

    /// Whether the selector has no requirement (a `LabelSelector` like that matches everything).
    pub fn is_empty(&self) -> bool {
        self.match_labels.is_empty() && self.expressions.is_empty() && !self.invalid
    }

    /// Whether pods with `labels` are selected.
    pub fn matches(&self, labels: &[(String, String)]) -> bool {
        if self.invalid {
            return false;
        }
        let get = |key: &str| labels.iter().find(|(k, _)| k == key).map(|(_, v)| v.as_str());
        self.match_labels.iter().all(|(k, v)| get(k) == Some(v))
            && self.expressions.iter().all(|req| match req {
                Requirement::In(k, vs) => get(k).is_some_and(|v| vs.iter().any(|x| x == v)),
                Requirement::NotIn(k, vs) => get(k).is_none_or(|v| !vs.iter().any(|x| x == v)),
                Requirement::Exists(k) => get(k).is_some(),
                Requirement::DoesNotExist(k) => get(k).is_none(),
            })
    }
}

/// The `key: value` pairs of a labels mapping (values read as text, as kubectl would
/// reject non-strings anyway).
pub fn labels_of(node: Option<NodeRef<'_>>) -> Vec<(String, String)> {
    LabelSelector::from_map(node).match_labels
}
