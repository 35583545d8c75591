use crate::context::Context;
use crate::declare_rule;
use crate::model::Container;
use crate::rule::Rule;

declare_rule! {
    /// ## What it does
    /// Flags containers with `securityContext.privileged: true`.
    ///
    /// ## Why is this bad?
    /// A privileged container gets every capability, every device of the
    /// node and no seccomp or AppArmor confinement: it is root on the node.
    /// The handbook's least-privilege rule forbids it.
    ///
    /// ## Example
    /// ```yaml
    /// containers:
    ///   - name: web
    ///     image: harbor.company.com/shop/web:1.4.2
    ///     securityContext:
    ///       privileged: true
    /// ```
    /// Use instead:
    /// ```yaml
    /// containers:
    ///   - name: web
    ///     image: harbor.company.com/shop/web:1.4.2
    ///     securityContext:
    ///       privileged: false
    ///       capabilities:
    ///         drop: [ALL]
    /// ```
    pub struct PrivilegedContainer;
    name: "privileged-container",
    category: Security,
    severity: Error,
    summary: "Container runs privileged.",
}

impl Rule for PrivilegedContainer {
    fn check_container(&self, c: &Container<'_>, cx: &mut Context<'_>) {
        // `privileged` exists only on the container's securityContext.
        if let Some(field) = c.own_security("privileged").filter(|v| v.as_bool() == Some(true)) {
            cx.report(self, field, format!("container `{}` runs privileged (privileged: true)", c.name()))
                .help("remove `privileged: true`; add only the capabilities the process needs");
        }
    }
}
