use super::fields::{capabilities, is_all_keyword, security_field_site};
use crate::context::Context;
use crate::declare_rule;
use crate::model::Container;
use crate::rule::Rule;
use kubenorm_source::yaml::NodeRef;

declare_rule! {
    /// ## What it does
    /// Flags containers whose `securityContext.capabilities.drop` does not
    /// contain `ALL` (in any case: `drop: [all]` drops all). Container
    /// runtimes do not read `CAP_ALL` as the keyword, so it does not count.
    /// Windows pods (`spec.os.name: windows`) are skipped.
    ///
    /// ## Why is this bad?
    /// Without a drop, the process keeps the runtime's default capabilities
    /// (`CHOWN`, `DAC_OVERRIDE`, `NET_RAW`, `SETUID`, ...), more than almost
    /// any service needs. Least privilege means dropping all of them and
    /// adding back only what is required.
    ///
    /// ## Example
    /// ```yaml
    /// containers:
    ///   - name: web
    ///     image: harbor.company.com/shop/web:1.4.2
    ///     securityContext:
    ///       capabilities:
    ///         drop: [NET_RAW]
    /// ```
    /// Use instead:
    /// ```yaml
    /// containers:
    ///   - name: web
    ///     image: harbor.company.com/shop/web:1.4.2
    ///     securityContext:
    ///       capabilities:
    ///         drop: [ALL]
    /// ```
    pub struct CapabilitiesNotDropped;
    name: "capabilities-not-dropped",
    category: Security,
    severity: Warning,
    summary: "Container does not drop all capabilities.",
}

impl Rule for CapabilitiesNotDropped {
    fn check_container(&self, c: &Container<'_>, cx: &mut Context<'_>) {
        if c.workload.is_windows() {
            return;
        }
        let name = c.name();
        let caps = capabilities(c);
        let drop = caps.and_then(|caps| caps.get("drop")).filter(|d| !d.is_null());
        let entries: Vec<&str> = drop.into_iter().flat_map(|d| d.items()).filter_map(NodeRef::as_str).collect();
        if entries.iter().any(|e| is_all_keyword(e)) {
            return;
        }
        let (at, message) = match (drop, caps) {
            (Some(drop), _) => {
                let cap_all = entries.iter().find(|e| e.trim().eq_ignore_ascii_case("CAP_ALL"));
                let message = match cap_all {
                    Some(e) => format!(
                        "container `{name}` drops `{e}`, which container runtimes do not read as ALL: write `ALL`"
                    ),
                    None => format!("container `{name}`: capabilities.drop does not contain ALL"),
                };
                (drop, message)
            }
            (None, Some(caps)) => {
                (caps, format!("container `{name}` does not drop capabilities (no capabilities.drop)"))
            }
            (None, None) => (
                security_field_site(c, "capabilities"),
                format!("container `{name}` does not drop capabilities (no securityContext.capabilities.drop)"),
            ),
        };
        cx.report(self, at, message)
            .help("set securityContext.capabilities.drop: [ALL] and add back only the capabilities the process needs");
    }
}
