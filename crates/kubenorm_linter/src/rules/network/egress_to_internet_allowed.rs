use crate::context::Context;
use crate::declare_rule;
use crate::inventory::effective_policy_types;
use crate::model::Object;
use crate::rule::Rule;
use kubenorm_source::yaml::NodeRef;

declare_rule! {
    /// ## What it does
    /// Flags NetworkPolicy egress rules that allow the internet, in a
    /// namespace outside `network.internetEgressNamespaces` (empty by
    /// default): a peer `ipBlock.cidr` covering the whole address space
    /// (`0.0.0.0/0`, `::/0`, any `/0`), or a rule with no `to` or an empty
    /// `to`, which allows every destination.
    ///
    /// An `except` list does not make `0.0.0.0/0` pass: carving out private
    /// ranges still leaves the whole internet reachable, which is what the
    /// rule is about. Egress rules of a policy whose explicit `policyTypes`
    /// leave out `Egress` have no effect and are not checked.
    ///
    /// ## Why is this bad?
    /// The handbook: pods that need no internet get no egress. Open egress is
    /// how a compromised pod downloads tools and sends data out; the few
    /// workloads that need the internet belong in planned namespaces.
    ///
    /// ## Example
    /// ```yaml
    /// kind: NetworkPolicy
    /// spec:
    ///   podSelector: {}
    ///   policyTypes: [Egress]
    ///   egress:
    ///     - to:
    ///         - ipBlock:
    ///             cidr: 0.0.0.0/0
    /// ```
    /// Use instead:
    /// ```yaml
    /// kind: NetworkPolicy
    /// spec:
    ///   podSelector: {}
    ///   policyTypes: [Egress]
    ///   egress:
    ///     - to:
    ///         - namespaceSelector:
    ///             matchLabels:
    ///               kubernetes.io/metadata.name: store-payments
    /// ```
    pub struct EgressToInternetAllowed;
    name: "egress-to-internet-allowed",
    category: Network,
    severity: Warning,
    summary: "NetworkPolicy allows egress to the internet.",
}

impl Rule for EgressToInternetAllowed {
    fn check_object(&self, object: &Object<'_>, cx: &mut Context<'_>) {
        if (object.group(), object.kind) != ("networking.k8s.io", "NetworkPolicy") {
            return;
        }
        let Some(spec) = object.spec() else { return };
        if !effective_policy_types(spec).1 {
            return;
        }
        let namespace = object.namespace().unwrap_or_default();
        if !namespace.is_empty() && cx.config().network.internet_egress_namespaces.iter().any(|n| n == namespace) {
            return;
        }
        let help =
            "allow only the destinations the pods need, or add the namespace to network.internetEgressNamespaces";
        let Some(rules) = spec.get("egress") else { return };
        for (index, rule) in rules.items().enumerate() {
            // A `null` item decodes to an empty rule: it allows everything.
            if !(rule.is_map() || rule.is_null()) {
                continue;
            }
            let to = rule.get("to").filter(|t| !t.is_null());
            if to.is_none_or(|t| t.is_seq() && t.is_empty()) {
                let why = if to.is_some() { "empty `to`" } else { "no `to`" };
                let message =
                    format!("egress rule {} of {} allows every destination ({why})", index + 1, object.display_name());
                cx.report(self, to.unwrap_or(rule), message).help(help);
                continue;
            }
            for peer in to.into_iter().flat_map(|t| t.items()) {
                let Some(block) = peer.get("ipBlock") else { continue };
                let Some(cidr) = block.get("cidr").filter(|c| c.as_str().is_some_and(whole_address_space)) else {
                    continue;
                };
                let except = block.get("except").map_or(0, NodeRef::len);
                let carve_out =
                    if except > 0 { format!(" (`except` removes only {except} range(s))") } else { String::new() };
                let message = format!(
                    "{} allows egress to {}, the whole internet{carve_out}",
                    object.display_name(),
                    cidr.as_str().unwrap_or_default()
                );
                cx.report(self, cidr, message).help(help);
            }
        }
    }
}

/// Whether a CIDR covers every address of its family: a prefix length of 0
/// (`0.0.0.0/0`, `::/0`, or a non-canonical `10.0.0.0/0`).
fn whole_address_space(cidr: &str) -> bool {
    let Some((address, prefix)) = cidr.trim().split_once('/') else { return false };
    !address.is_empty()
        && address.bytes().all(|b| b.is_ascii_hexdigit() || b == b'.' || b == b':')
        && !prefix.is_empty()
        && prefix.bytes().all(|b| b == b'0')
}

#[cfg(test)]
mod tests {
    use super::whole_address_space;

    #[test]
    fn prefix_zero_is_everything() {
        for cidr in ["0.0.0.0/0", "::/0", "10.0.0.0/0", "0.0.0.0/00"] {
            assert!(whole_address_space(cidr), "{cidr}");
        }
        for cidr in ["0.0.0.0/1", "10.0.0.0/8", "::/64", "0.0.0.0", "/0", "0.0.0.0/", "a-b/0"] {
            assert!(!whole_address_space(cidr), "{cidr}");
        }
    }
}
