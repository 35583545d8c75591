//! The explicit list of every rule. A rule is on when it is listed in its
//! category's `RULES`; nothing registers itself by side effect.

use crate::rule::Rule;
use crate::rules;
use std::sync::LazyLock;

/// Every rule, in the order of the handbook's sections.
pub static RULES: LazyLock<Vec<&'static dyn Rule>> = LazyLock::new(|| {
    [
        rules::security::RULES,
        rules::resources::RULES,
        rules::images::RULES,
        rules::network::RULES,
        rules::namespaces::RULES,
        rules::storage::RULES,
        rules::rbac::RULES,
        rules::secrets::RULES,
        rules::api::RULES,
        rules::dockerfile::RULES,
        rules::layout::RULES,
        rules::image::RULES,
        rules::meta::RULES,
    ]
    .concat()
});

/// The rule named `name`.
pub fn find(name: &str) -> Option<&'static dyn Rule> {
    RULES.iter().copied().find(|r| r.meta().name == name)
}

/// The page of one rule (`kubenorm explain`, `docs/rules/<name>.md`).
pub fn rule_page(meta: &crate::RuleMeta) -> String {
    format!(
        "# {}\n\n{}\n\n| category | default severity |\n|---|---|\n| {} ({}) | {} |\n\n{}",
        meta.name,
        meta.summary,
        meta.category.title(),
        meta.category.as_str(),
        meta.severity,
        meta.docs_markdown().trim_start()
    )
}

/// The index of all rules (`kubenorm rules --format markdown`, `docs/rules/README.md`).
pub fn rules_index() -> String {
    let mut out = String::from("# Rules\n\nGenerated from the rules' doc comments; do not edit.\n");
    for category in crate::Category::ALL {
        let in_category: Vec<_> = RULES.iter().filter(|r| r.meta().category == category).collect();
        if in_category.is_empty() {
            continue;
        }
        out.push_str(&format!("\n## {}\n\n| rule | severity | summary |\n|---|---|---|\n", category.title()));
        for rule in in_category {
            let m = rule.meta();
            out.push_str(&format!("| [`{}`]({}.md) | {} | {} |\n", m.name, m.name, m.severity, m.summary));
        }
    }
    out
}
