use super::fields::looks_secret;
use crate::context::Context;
use crate::declare_rule;
use crate::model::Container;
use crate::rule::Rule;

declare_rule! {
    /// ## What it does
    /// Flags env vars whose name looks secret (it contains `PASSWORD`,
    /// `PASSWD`, `SECRET`, `TOKEN`, `API_KEY`, `PRIVATE_KEY` or `CREDENTIAL`,
    /// in any case) and that carry a literal, non-empty `value`. `valueFrom`
    /// is fine. Not flagged: a value made only of `$(VAR)` references (the
    /// kubelet fills it from other variables), and a `*_FILE`, `*_PATH` or
    /// `*_DIR` variable whose value is an absolute path (it says where the
    /// secret is mounted, not what it is).
    ///
    /// ## Why is this bad?
    /// The manifest is kept in Git and shown by `kubectl get -o yaml` to
    /// anyone who can read the workload: the secret is no longer secret.
    /// Secrets belong in Secret objects, referenced with `secretKeyRef`.
    ///
    /// ## Example
    /// ```yaml
    /// env:
    ///   - name: DB_PASSWORD
    ///     value: s3cr3t
    /// ```
    /// Use instead:
    /// ```yaml
    /// env:
    ///   - name: DB_PASSWORD
    ///     valueFrom:
    ///       secretKeyRef:
    ///         name: shop-db
    ///         key: password
    /// ```
    pub struct SecretInEnvLiteral;
    name: "secret-in-env-literal",
    category: Security,
    severity: Error,
    summary: "Env var with a secret-looking name holds a literal value.",
}

impl Rule for SecretInEnvLiteral {
    fn check_container(&self, c: &Container<'_>, cx: &mut Context<'_>) {
        let Some(env) = c.get("env") else { return };
        for var in env.items() {
            let Some(name) = var.get_str("name").filter(|n| looks_secret(n)) else { continue };
            // EnvVar.value is a string; another type is malformed, not this rule's to judge.
            let Some(value_node) = var.get("value") else { continue };
            let Some(value) = value_node.as_str().filter(|v| !v.is_empty()) else { continue };
            if only_references(value) || names_a_path(name, value) {
                continue;
            }
            cx.report(self, value_node, format!("container `{}` sets `{name}` to a literal value", c.name()))
                .help("store the value in a Secret and read it with valueFrom.secretKeyRef");
        }
    }
}

/// Whether `value` is made only of `$(VAR)` references, which the kubelet
/// replaces with other variables' values. `$$(VAR)` is an escaped literal.
fn only_references(value: &str) -> bool {
    let mut rest = value;
    while !rest.is_empty() {
        let Some(after) = rest.strip_prefix("$(") else { return false };
        let Some(end) = after.find(')') else { return false };
        if end == 0 {
            return false;
        }
        rest = &after[end + 1..];
    }
    true
}

/// A `*_FILE`/`*_PATH`/`*_DIR` variable (`POSTGRES_PASSWORD_FILE`) holding an
/// absolute path points at a mounted secret: the recommended pattern.
pub(crate) fn names_a_path(name: &str, value: &str) -> bool {
    let upper = name.to_ascii_uppercase();
    ["_FILE", "_PATH", "_DIR"].iter().any(|suffix| upper.ends_with(suffix)) && value.starts_with('/')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn references_are_not_literals() {
        assert!(only_references("$(DB_PASSWORD)"));
        assert!(only_references("$(A)$(B)"));
        assert!(!only_references("$$(DB_PASSWORD)"));
        assert!(!only_references("pre-$(A)"));
        assert!(!only_references("$()"));
        assert!(!only_references("$(A"));
        assert!(!only_references("hunter2"));
    }

    #[test]
    fn file_variables_hold_paths() {
        assert!(names_a_path("POSTGRES_PASSWORD_FILE", "/run/secrets/pw"));
        assert!(!names_a_path("POSTGRES_PASSWORD_FILE", "hunter2"));
        assert!(!names_a_path("POSTGRES_PASSWORD", "/run/secrets/pw"));
    }
}
