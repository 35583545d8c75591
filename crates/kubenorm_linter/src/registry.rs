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
        rules::meta::RULES,
    ]
    .concat()
});

/// The rule named `name`.
pub fn find(name: &str) -> Option<&'static dyn Rule> {
    RULES.iter().copied().find(|r| r.meta().name == name)
}
