use crate::context::Context;
use crate::declare_rule;
use crate::model::Object;
use crate::rule::Rule;

declare_rule! {
    /// ## What it does
    /// Flags an Ingress without `tls`, and each rule `host` that no
    /// `tls.hosts` entry covers. A wildcard entry `*.company.com` covers
    /// exactly one label (`api.company.com`, not `v2.api.company.com` nor
    /// `company.com`); a rule without a host is covered by any `tls` entry.
    /// Host names compare ignoring case.
    ///
    /// ## Why is this bad?
    /// The handbook demands encryption in transit end to end (全链路传输加密).
    /// A host without a certificate is served over plain HTTP, or with the
    /// controller's default certificate that clients reject.
    ///
    /// ## Example
    /// ```yaml
    /// kind: Ingress
    /// spec:
    ///   rules:
    ///     - host: shop.company.com
    /// ```
    /// Use instead:
    /// ```yaml
    /// kind: Ingress
    /// spec:
    ///   tls:
    ///     - hosts: [shop.company.com]
    ///       secretName: shop-tls
    ///   rules:
    ///     - host: shop.company.com
    /// ```
    pub struct IngressTlsMissing;
    name: "ingress-tls-missing",
    category: Network,
    severity: Error,
    summary: "Ingress serves a host without TLS.",
}

impl Rule for IngressTlsMissing {
    fn check_object(&self, object: &Object<'_>, cx: &mut Context<'_>) {
        if object.kind != "Ingress" || !matches!(object.group(), "networking.k8s.io" | "extensions") {
            return;
        }
        let spec = object.root.get("spec").filter(|s| !s.is_null());
        if spec.is_some_and(|s| !s.is_map()) {
            return;
        }
        let tls = spec.and_then(|s| s.get("tls")).filter(|t| !t.is_null());
        if tls.is_some_and(|t| !t.is_seq()) {
            return;
        }
        let Some(tls) = tls.filter(|t| !t.is_empty()) else {
            let at = tls.or(spec).unwrap_or(object.anchor());
            cx.report(self, at, format!("{} has no tls section", object.display_name()))
                .help("add `tls` with the rule hosts and the Secret of their certificate");
            return;
        };
        let covered: Vec<&str> = tls
            .items()
            .flat_map(|entry| entry.get("hosts").into_iter().flat_map(|h| h.items()))
            .filter_map(|h| h.as_str())
            .collect();
        for rule in spec.and_then(|s| s.get("rules")).into_iter().flat_map(|r| r.items()) {
            let Some(node) = rule.get("host") else { continue };
            let Some(host) = node.as_str().filter(|h| !h.is_empty()) else { continue };
            if covered.iter().any(|pattern| covers(pattern, host)) {
                continue;
            }
            cx.report(
                self,
                node,
                format!("host `{host}` of {} is not covered by any tls.hosts entry", object.display_name()),
            )
            .help(format!("list `{host}` (or a wildcard of its parent domain) in a tls entry with its certificate"));
        }
    }
}

/// Whether the TLS host `pattern` covers the rule host `host`: equal, or a
/// wildcard `*.suffix` and `host` is one more label on `suffix`.
fn covers(pattern: &str, host: &str) -> bool {
    if pattern.eq_ignore_ascii_case(host) {
        return true;
    }
    let Some(suffix) = pattern.strip_prefix("*.") else { return false };
    host.split_once('.')
        .is_some_and(|(label, rest)| !label.is_empty() && label != "*" && rest.eq_ignore_ascii_case(suffix))
}

#[cfg(test)]
mod tests {
    use super::covers;

    #[test]
    fn wildcards_cover_one_label() {
        assert!(covers("shop.company.com", "shop.company.com"));
        assert!(covers("shop.company.com", "Shop.Company.com"));
        assert!(covers("*.company.com", "api.company.com"));
        assert!(covers("*.company.com", "*.company.com"));
        assert!(!covers("*.company.com", "v2.api.company.com"));
        assert!(!covers("*.company.com", "company.com"));
        assert!(!covers("*.company.com", "*.api.company.com"));
        assert!(!covers("*.company.com", ".company.com"));
        assert!(!covers("api.company.com", "*.company.com"));
        assert!(!covers("*.com", "*.company.com"));
    }
}
