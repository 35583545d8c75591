use crate::context::RunContext;
use crate::declare_rule;
use crate::inventory::{Inventory, ServiceAccountFact, WorkloadFact};
use crate::rule::Rule;
use std::collections::HashMap;

declare_rule! {
    /// ## What it does
    /// Flags workloads whose pods get the ServiceAccount token mounted: the
    /// effective `automountServiceAccountToken` is not `false`. The pod's own
    /// field wins; when the pod leaves it unset, the field of its
    /// ServiceAccount (`serviceAccountName`, default `default`, in the same
    /// namespace) counts when that ServiceAccount is in the input. At
    /// admission, where the ServiceAccount is never seen, only a pod that
    /// sets the field to `true` is flagged.
    ///
    /// ## Why is this bad?
    /// Most services never call the Kubernetes API, yet every pod gets a
    /// token for it by default. Whoever takes over the container takes the
    /// token and with it every permission bound to the ServiceAccount.
    ///
    /// ## Example
    /// ```yaml
    /// spec:
    ///   containers:
    ///     - name: web
    ///       image: harbor.company.com/shop/web:1.4.2
    /// ```
    /// Use instead:
    /// ```yaml
    /// spec:
    ///   automountServiceAccountToken: false
    ///   containers:
    ///     - name: web
    ///       image: harbor.company.com/shop/web:1.4.2
    /// ```
    pub struct ServiceAccountTokenAutomounted;
    name: "service-account-token-automounted",
    category: Security,
    severity: Warning,
    summary: "Pod gets a ServiceAccount token mounted.",
}

impl Rule for ServiceAccountTokenAutomounted {
    fn check_inventory(&self, inventory: &Inventory, cx: &mut RunContext<'_>) {
        // (namespace, name) -> the first ServiceAccount of that name, looked up once per workload.
        let mut accounts: HashMap<(&str, &str), &ServiceAccountFact> = HashMap::new();
        for sa in &inventory.service_accounts {
            accounts.entry((&sa.namespace, &sa.name)).or_insert(sa);
        }
        for w in &inventory.workloads {
            let Some(site) = &w.automount_site else { continue };
            // An empty serviceAccountName is defaulted to `default` by the API server.
            let account = if w.service_account.is_empty() { "default" } else { w.service_account.as_str() };
            let workload = display(w);
            let message = match w.automount {
                Some(false) => continue,
                Some(true) => format!("{workload} sets automountServiceAccountToken: true"),
                None => {
                    let service_account = accounts.get(&(w.namespace.as_str(), account));
                    match service_account.map(|sa| sa.automount) {
                        Some(Some(false)) => continue,
                        Some(Some(true)) => format!(
                            "{workload} mounts the token of ServiceAccount `{account}`, which sets automountServiceAccountToken: true"
                        ),
                        Some(None) => format!(
                            "{workload} mounts the token of ServiceAccount `{account}`: neither the pod nor the ServiceAccount disables it"
                        ),
                        // Admission sees one object: the ServiceAccount may well
                        // disable the token, so an unset pod field is not judged.
                        None if inventory.partial => continue,
                        None => format!(
                            "{workload} mounts the token of ServiceAccount `{account}`: the pod does not set automountServiceAccountToken: false"
                        ),
                    }
                }
            };
            cx.report(self, site, message).help(
                "set automountServiceAccountToken: false in the pod spec (or on its ServiceAccount) unless the pod calls the API",
            );
        }
    }
}

/// "Kind namespace/name" of a workload, for messages.
fn display(w: &WorkloadFact) -> String {
    match (w.namespace.is_empty(), w.name.is_empty()) {
        (_, true) => w.kind.clone(),
        (true, false) => format!("{} {}", w.kind, w.name),
        (false, false) => format!("{} {}/{}", w.kind, w.namespace, w.name),
    }
}
