use crate::declare_rule;
use crate::rule::Rule;

declare_rule! {
    /// ## What it does
    /// Reports a document that cannot be read: a YAML syntax error, bytes that
    /// are not UTF-8, or input over a limit (nesting depth, alias expansion,
    /// file size). The finding carries the parser's line and column; the rest
    /// of the file is read from the next `---` on.
    ///
    /// ## Why is this bad?
    /// kubectl and the API server reject the whole file, and every other rule
    /// is blind to what it holds.
    ///
    /// ## Example
    /// ```yaml
    /// spec:
    ///   containers: [
    ///     name: web
    /// ```
    /// Use instead:
    /// ```yaml
    /// spec:
    ///   containers:
    ///     - name: web
    /// ```
    pub struct YamlSyntaxError;
    name: "yaml-syntax-error",
    category: Api,
    severity: Error,
    summary: "A document does not parse.",
}

/// Reported by the engine while parsing.
impl Rule for YamlSyntaxError {}
