use crate::declare_rule;
use crate::rule::Rule;

declare_rule! {
    /// ## What it does
    /// Flags an unquoted value that kubectl's YAML reader (go-yaml v2 through
    /// sigs.k8s.io/yaml, YAML 1.1 style) and a YAML 1.2 reader resolve
    /// differently: `yes`/`no`/`on`/`off`/`y`/`n` in their usual spellings
    /// (booleans to kubectl), `0755`-style octals (493 to kubectl, 755 to YAML
    /// 1.2), `0b101` binaries and `1_000` numbers. kubenorm itself reads them
    /// as kubectl does.
    ///
    /// ## Why is this bad?
    /// The cluster and your other tools (editors, Python, CI templating) see
    /// different values: a country code `NO` becomes `false`, a file mode
    /// `0644` becomes 420.
    ///
    /// ## Example
    /// ```yaml
    /// env:
    ///   - name: FEATURE
    ///     value: on
    /// volumes:
    ///   - secret: {secretName: tls, defaultMode: 0644}
    /// ```
    /// Use instead:
    /// ```yaml
    /// env:
    ///   - name: FEATURE
    ///     value: "on"
    /// volumes:
    ///   - secret: {secretName: tls, defaultMode: 0o644}
    /// ```
    pub struct AmbiguousYamlValue;
    name: "ambiguous-yaml-value",
    category: Api,
    severity: Warning,
    summary: "An unquoted value means different things to kubectl and to YAML 1.2.",
}

/// Reported by the engine from the YAML layer's anomalies.
impl Rule for AmbiguousYamlValue {}
