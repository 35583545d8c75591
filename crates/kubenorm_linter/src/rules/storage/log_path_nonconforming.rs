use super::logs::nas_log_mount;
use crate::context::Context;
use crate::declare_rule;
use crate::model::{Container, ContainerKind};
use crate::rule::Rule;
use kubenorm_source::yaml::NodeRef;

declare_rule! {
    /// ## What it does
    /// For a container (regular or init) whose log mount is on a PVC or NFS
    /// volume, flags a mount that does not set `subPathExpr` to
    /// `logs.subPathExpr` (default `$(NODE_NAME)_$(POD_NAME)`), and each
    /// variable the expression names that the container does not define from
    /// the downward API: `NODE_NAME` from `fieldRef: spec.nodeName`,
    /// `POD_NAME` from `fieldRef: metadata.name` (other names just need to be
    /// defined in `env`).
    ///
    /// ## Why is this bad?
    /// The handbook's layout is `/naspath/log/<namespace>/<NodeName>_<PodName>/`:
    /// without a per-pod sub-path all replicas write into the same folder and
    /// their files collide; without the downward API variables the kubelet
    /// expands the expression to an empty or wrong folder.
    ///
    /// ## Example
    /// ```yaml
    /// containers:
    ///   - name: web
    ///     volumeMounts:
    ///       - name: logs
    ///         mountPath: /app/logs
    /// ```
    /// Use instead:
    /// ```yaml
    /// containers:
    ///   - name: web
    ///     env:
    ///       - name: NODE_NAME
    ///         valueFrom:
    ///           fieldRef:
    ///             fieldPath: spec.nodeName
    ///       - name: POD_NAME
    ///         valueFrom:
    ///           fieldRef:
    ///             fieldPath: metadata.name
    ///     volumeMounts:
    ///       - name: logs
    ///         mountPath: /app/logs
    ///         subPathExpr: $(NODE_NAME)_$(POD_NAME)
    /// ```
    pub struct LogPathNonconforming;
    name: "log-path-nonconforming",
    category: Storage,
    severity: Error,
    summary: "Log mount does not use the per-pod NAS folder.",
}

impl Rule for LogPathNonconforming {
    fn check_container(&self, c: &Container<'_>, cx: &mut Context<'_>) {
        // Ephemeral containers may not set subPathExpr; they never own the log folder.
        if c.kind == ContainerKind::Ephemeral {
            return;
        }
        let Some(mount) = nas_log_mount(c, cx.config()) else { return };
        let expected = cx.config().logs.sub_path_expr.clone();

        match mount.node.get("subPathExpr") {
            Some(value) if value.as_str() == Some(expected.as_str()) => {}
            Some(value) => {
                let found = value.scalar_text().unwrap_or("?");
                cx.report(
                    self,
                    value,
                    format!("log mount `{}` of container `{}` uses subPathExpr `{found}`", mount.path, c.name()),
                )
                .help(format!("set `subPathExpr: {expected}`"));
            }
            None => {
                let (at, how) = match mount.node.get("subPath") {
                    Some(sub) => (sub, format!("the fixed subPath `{}`", sub.scalar_text().unwrap_or("?"))),
                    None => (mount.node, "no subPathExpr".to_string()),
                };
                cx.report(self, at, format!("log mount `{}` of container `{}` has {how}", mount.path, c.name()))
                    .help(format!("set `subPathExpr: {expected}` so each pod writes to its own folder"));
            }
        }

        for var in referenced_vars(&expected) {
            check_env(self, c, var, cx);
        }
    }
}

/// The variables `$(NAME)` an expression references (`$$(NAME)` is an escape).
fn referenced_vars(expr: &str) -> Vec<&str> {
    let mut vars: Vec<&str> = Vec::new();
    let mut rest = expr;
    while let Some(start) = rest.find("$(") {
        let escaped = start > 0 && rest.as_bytes()[start - 1] == b'$';
        let after = &rest[start + 2..];
        let Some(end) = after.find(')') else { break };
        let name = &after[..end];
        if !escaped && !name.is_empty() && !vars.contains(&name) {
            vars.push(name);
        }
        rest = &after[end + 1..];
    }
    vars
}

/// The downward API field a handbook variable must come from.
fn expected_field(var: &str) -> Option<&'static str> {
    match var {
        "NODE_NAME" => Some("spec.nodeName"),
        "POD_NAME" => Some("metadata.name"),
        _ => None,
    }
}

fn check_env(rule: &LogPathNonconforming, c: &Container<'_>, var: &str, cx: &mut Context<'_>) {
    let env = c.get("env");
    // A repeated name: the last definition wins, as in the kubelet.
    let item: Option<NodeRef<'_>> =
        env.into_iter().flat_map(|e| e.items()).filter(|e| e.get_str("name") == Some(var)).last();
    let field = expected_field(var);
    let Some(item) = item else {
        let how = field.map_or(String::new(), |f| format!(" from the downward API (fieldRef {f})"));
        let at = env.filter(|e| !e.is_null()).unwrap_or(c.anchor());
        cx.report(rule, at, format!("container `{}` does not define `{var}` for its log sub-path", c.name()))
            .help(format!("add env `{var}`{how}"));
        return;
    };
    let Some(field) = field else { return };
    let actual = item.path(&["valueFrom", "fieldRef", "fieldPath"]).and_then(NodeRef::as_str);
    if actual != Some(field) {
        let source = match actual {
            Some(other) => format!("from fieldRef `{other}`"),
            None => "without the downward API".to_string(),
        };
        cx.report(rule, item, format!("container `{}` defines `{var}` {source}", c.name()))
            .help(format!("set `valueFrom.fieldRef.fieldPath: {field}`"));
    }
}

#[cfg(test)]
mod tests {
    use super::referenced_vars;

    #[test]
    fn finds_variables() {
        assert_eq!(referenced_vars("$(NODE_NAME)_$(POD_NAME)"), vec!["NODE_NAME", "POD_NAME"]);
        assert_eq!(referenced_vars("$$(NOT)/$(POD_NAME)"), vec!["POD_NAME"]);
        assert_eq!(referenced_vars("$(OPEN"), Vec::<&str>::new());
        assert_eq!(referenced_vars("plain"), Vec::<&str>::new());
    }
}
