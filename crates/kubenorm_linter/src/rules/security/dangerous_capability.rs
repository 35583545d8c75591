use super::fields::{capabilities, capability_name};
use crate::context::Context;
use crate::declare_rule;
use crate::model::Container;
use crate::rule::Rule;

declare_rule! {
    /// ## What it does
    /// Flags each entry of `securityContext.capabilities.add` that is not in
    /// `capabilities.allowed` of `.kubenorm.yaml` (default
    /// `[NET_BIND_SERVICE]`). Names compare case-insensitively, with or
    /// without the `CAP_` prefix; `ALL` is flagged unless allowed itself.
    /// Windows pods (`spec.os.name: windows`) are skipped.
    ///
    /// ## Why is this bad?
    /// Capabilities such as `SYS_ADMIN`, `NET_ADMIN`, `SYS_PTRACE` or
    /// `SYS_MODULE` hand parts of root's power to the container and open
    /// well-known escapes to the node.
    ///
    /// ## Example
    /// ```yaml
    /// securityContext:
    ///   capabilities:
    ///     drop: [ALL]
    ///     add: [SYS_ADMIN]
    /// ```
    /// Use instead:
    /// ```yaml
    /// securityContext:
    ///   capabilities:
    ///     drop: [ALL]
    ///     add: [NET_BIND_SERVICE]
    /// ```
    pub struct DangerousCapability;
    name: "dangerous-capability",
    category: Security,
    severity: Error,
    summary: "Container adds a capability outside the allowed list.",
}

impl Rule for DangerousCapability {
    fn check_container(&self, c: &Container<'_>, cx: &mut Context<'_>) {
        if c.workload.is_windows() {
            return;
        }
        let Some(add) = capabilities(c).and_then(|caps| caps.get("add")) else { return };
        let allowed: Vec<String> = cx.config().capabilities.allowed.iter().map(|a| capability_name(a)).collect();
        for item in add.items() {
            let Some(raw) = item.as_str() else { continue };
            let cap = capability_name(raw);
            if cap.is_empty() || allowed.contains(&cap) {
                continue;
            }
            let message = if cap == "ALL" {
                format!("container `{}` adds ALL capabilities", c.name())
            } else {
                format!("container `{}` adds capability `{raw}`, which is not allowed", c.name())
            };
            let help = if allowed.is_empty() {
                "remove it from capabilities.add".to_string()
            } else {
                format!("remove it from capabilities.add (allowed: {})", allowed.join(", "))
            };
            cx.report(self, item, message).help(help);
        }
    }
}
