use crate::context::RunContext;
use crate::declare_rule;
use crate::inventory::Inventory;
use crate::rule::Rule;

declare_rule! {
    /// ## What it does
    /// Flags a Namespace defined in the input when the input holds no
    /// ResourceQuota, or no LimitRange, in that namespace. Namespaces whose
    /// Namespace object is not in the input are not judged, so a lone
    /// Deployment file is not flagged.
    ///
    /// ## Why is this bad?
    /// The handbook plans namespaces by pod count: a ResourceQuota caps what
    /// the namespace may take from the cluster, and a LimitRange gives
    /// defaults and bounds to containers that forget their own. Without them
    /// one project can starve the others.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: v1
    /// kind: Namespace
    /// metadata:
    ///   name: app-shop
    /// ```
    /// Use instead:
    /// ```yaml
    /// apiVersion: v1
    /// kind: Namespace
    /// metadata:
    ///   name: app-shop
    /// ---
    /// apiVersion: v1
    /// kind: ResourceQuota
    /// metadata:
    ///   name: quota
    ///   namespace: app-shop
    /// spec:
    ///   hard:
    ///     pods: "50"
    ///     limits.cpu: "40"
    ///     limits.memory: 80Gi
    /// ---
    /// apiVersion: v1
    /// kind: LimitRange
    /// metadata:
    ///   name: limits
    ///   namespace: app-shop
    /// spec:
    ///   limits:
    ///     - type: Container
    ///       default:
    ///         cpu: 500m
    ///         memory: 512Mi
    /// ```
    pub struct NamespaceQuotaMissing;
    name: "namespace-quota-missing",
    category: Namespaces,
    severity: Warning,
    summary: "Namespace has no ResourceQuota or no LimitRange.",
}

impl Rule for NamespaceQuotaMissing {
    fn check_inventory(&self, inventory: &Inventory, cx: &mut RunContext<'_>) {
        // A Namespace without a usable name is object-malformed's business.
        for namespace in inventory.namespaces.iter().filter(|n| !n.name.is_empty()) {
            let has = |list: &[String]| list.contains(&namespace.name);
            let (missing, add) = match (has(&inventory.quotas), has(&inventory.limit_ranges)) {
                (true, true) => continue,
                (false, true) => ("no ResourceQuota", "a ResourceQuota"),
                (true, false) => ("no LimitRange", "a LimitRange"),
                (false, false) => ("no ResourceQuota and no LimitRange", "a ResourceQuota and a LimitRange"),
            };
            cx.report(self, &namespace.site, format!("namespace `{}` has {missing} in the input", namespace.name))
                .help(format!("add {add} with `metadata.namespace: {}` (beside the Namespace)", namespace.name));
        }
    }
}
