use crate::context::RunContext;
use crate::declare_rule;
use crate::inventory::Inventory;
use crate::rule::Rule;

declare_rule! {
    /// ## What it does
    /// For every Namespace defined in the input, looks for a default deny in
    /// the input: a NetworkPolicy in that namespace with an empty
    /// `podSelector` (`{}`, or left out: both select every pod) whose
    /// effective `policyTypes` include `Ingress`, and one (the same or
    /// another) whose effective `policyTypes` include `Egress`. Effective
    /// `policyTypes` are defaulted as the API server does: when unset,
    /// `[Ingress]`, plus `Egress` only if `egress` holds rules. So
    /// `egress: []` denies egress only with an explicit `policyTypes: [Egress]`.
    ///
    /// Namespaces whose Namespace object is not in the input are not
    /// evaluated, so a lone Deployment file is not flagged. Not run at
    /// admission (it needs the whole project).
    ///
    /// ## Why is this bad?
    /// The handbook demands zero trust in the pod network: only a service's
    /// consumers may reach it, and pods that need no internet get no egress.
    /// Without a default deny every pod accepts connections from, and opens
    /// them to, anything; policies that allow traffic only mean something on
    /// top of one.
    ///
    /// ## Example
    /// ```yaml
    /// kind: Namespace
    /// metadata:
    ///   name: app-shop
    /// ```
    /// Use instead:
    /// ```yaml
    /// kind: Namespace
    /// metadata:
    ///   name: app-shop
    /// ---
    /// kind: NetworkPolicy
    /// metadata:
    ///   name: default-deny
    ///   namespace: app-shop
    /// spec:
    ///   podSelector: {}
    ///   policyTypes: [Ingress, Egress]
    /// ```
    pub struct NetworkPolicyMissing;
    name: "network-policy-missing",
    category: Network,
    severity: Error,
    summary: "Namespace has no default-deny NetworkPolicy for ingress or egress.",
}

impl Rule for NetworkPolicyMissing {
    fn check_inventory(&self, inventory: &Inventory, cx: &mut RunContext<'_>) {
        for namespace in inventory.namespaces.iter().filter(|n| !n.name.is_empty()) {
            let deny_all =
                inventory.network_policies.iter().filter(|p| p.namespace == namespace.name && p.selects_all_pods);
            let (mut ingress, mut egress) = (false, false);
            for policy in deny_all {
                ingress |= policy.ingress;
                egress |= policy.egress;
            }
            let missing = match (ingress, egress) {
                (true, true) => continue,
                (false, true) => "ingress",
                (true, false) => "egress",
                (false, false) => "ingress and egress",
            };
            let types = match (ingress, egress) {
                (false, true) => "[Ingress]",
                (true, false) => "[Egress]",
                _ => "[Ingress, Egress]",
            };
            cx.report(
                self,
                &namespace.site,
                format!("namespace `{}` has no default-deny NetworkPolicy for {missing}", namespace.name),
            )
            .help(format!(
                "add a NetworkPolicy in namespace `{}` with `podSelector: {{}}` and `policyTypes: {types}`, then allow what the pods need",
                namespace.name
            ));
        }
    }
}
