use crate::declare_rule;
use crate::rule::Rule;

declare_rule! {
    /// ## What it does
    /// Flags a mapping that repeats a key.
    ///
    /// ## Why is this bad?
    /// kubectl rejects the file (sigs.k8s.io/yaml is strict about duplicates),
    /// and other tools silently keep either the first or the last value, so
    /// what is reviewed is not what runs.
    ///
    /// ## Example
    /// ```yaml
    /// resources:
    ///   limits: {cpu: 500m}
    ///   limits: {memory: 256Mi}
    /// ```
    /// Use instead:
    /// ```yaml
    /// resources:
    ///   limits: {cpu: 500m, memory: 256Mi}
    /// ```
    pub struct DuplicateKey;
    name: "duplicate-key",
    category: Api,
    severity: Error,
    summary: "A mapping repeats a key.",
}

/// Reported by the engine from the YAML layer's anomalies.
impl Rule for DuplicateKey {}
