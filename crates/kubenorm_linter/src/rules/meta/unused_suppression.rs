use crate::declare_rule;
use crate::rule::Rule;

declare_rule! {
    /// ## What it does
    /// Reports a suppression (a `kubenorm.io/ignore` or
    /// `container.kubenorm.io/<name>` annotation, or a `# kubenorm-ignore`
    /// comment) that silences nothing, or names a rule that does not exist.
    ///
    /// ## Why is this bad?
    /// A stale suppression will silently hide the next real problem of that
    /// rule at that place, and a misspelt one never worked.
    ///
    /// ## Example
    /// ```yaml
    /// # kubenorm-ignore: image-tag-floating -- pinned below
    /// image: harbor.company.com/shop/web:1.4.2
    /// ```
    /// Use instead:
    /// ```yaml
    /// image: harbor.company.com/shop/web:1.4.2
    /// ```
    pub struct UnusedSuppression;
    name: "unused-suppression",
    category: Meta,
    severity: Info,
    summary: "A suppression silences nothing.",
}

/// Reported by the engine after suppressions are applied.
impl Rule for UnusedSuppression {}
