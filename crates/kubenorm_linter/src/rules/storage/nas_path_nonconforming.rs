use crate::context::Context;
use crate::declare_rule;
use crate::model::Object;
use crate::rule::Rule;

declare_rule! {
    /// ## What it does
    /// Flags a PersistentVolume whose `spec.nfs.path` is not
    /// `<storage.nasRoot>/{data,log,config,sharedata}/<namespace>[/…]`
    /// (default root `/naspath`). The namespace is `spec.claimRef.namespace`
    /// when the volume is pre-bound; otherwise any namespace-shaped segment
    /// (a DNS label) passes. A trailing `/` is fine; `.` and `..` segments and
    /// empty segments are not.
    ///
    /// ## Why is this bad?
    /// The handbook plans the NAS as one tree: `/naspath/log/<namespace>/`
    /// holds a namespace's logs, and the same for `data`, `config` and
    /// `sharedata`. A volume outside the tree escapes quotas, backups and the
    /// log shippers, and one in another namespace's folder mixes tenants.
    ///
    /// ## Example
    /// ```yaml
    /// kind: PersistentVolume
    /// spec:
    ///   nfs:
    ///     server: nas.company.com
    ///     path: /export/shop
    /// ```
    /// Use instead:
    /// ```yaml
    /// kind: PersistentVolume
    /// spec:
    ///   nfs:
    ///     server: nas.company.com
    ///     path: /naspath/log/app-shop
    /// ```
    pub struct NasPathNonconforming;
    name: "nas-path-nonconforming",
    category: Storage,
    severity: Error,
    summary: "NFS PersistentVolume path is outside the NAS layout.",
}

const CATEGORIES: [&str; 4] = ["data", "log", "config", "sharedata"];

impl Rule for NasPathNonconforming {
    fn check_object(&self, object: &Object<'_>, cx: &mut Context<'_>) {
        if object.group() != "" || object.kind != "PersistentVolume" {
            return;
        }
        let Some(spec) = object.spec() else { return };
        let Some(path_node) = spec.get("nfs").and_then(|n| n.get("path")) else { return };
        let Some(path) = path_node.as_str() else { return };
        let claim_namespace = spec.get("claimRef").and_then(|c| c.get_str("namespace")).filter(|ns| !ns.is_empty());
        let root = cx.config().storage.nas_root.clone();
        if let Err(problem) = check_path(path, &root, claim_namespace) {
            let namespace = claim_namespace.unwrap_or("<namespace>");
            cx.report(self, path_node, format!("NFS path `{path}` {problem}"))
                .help(format!("use `{root}/{{data,log,config,sharedata}}/{namespace}/…`"));
        }
    }
}

/// Checks `path` against `<root>/<category>/<namespace>[/…]`.
fn check_path(path: &str, root: &str, namespace: Option<&str>) -> Result<(), String> {
    let under_root = path.strip_prefix(root).filter(|rest| rest.starts_with('/'));
    let Some(rest) = under_root else {
        return Err(format!("is not under the NAS root `{}`", if root.is_empty() { "/" } else { root }));
    };
    let rest = rest[1..].strip_suffix('/').unwrap_or(&rest[1..]);
    let mut segments = rest.split('/');
    let category = segments.next().unwrap_or("");
    if !CATEGORIES.contains(&category) {
        return Err(format!("has `{category}` where one of data, log, config, sharedata belongs"));
    }
    let Some(segment) = segments.next() else {
        return Err(format!("stops at `{category}`: the namespace folder is missing"));
    };
    match namespace {
        Some(ns) if segment != ns => {
            return Err(format!("is in the folder of `{segment}`, but the volume is claimed from namespace `{ns}`"));
        }
        None if !is_dns_label(segment) => return Err(format!("has `{segment}` where a namespace belongs")),
        _ => {}
    }
    if let Some(bad) = segments.find(|s| s.is_empty() || *s == "." || *s == "..") {
        return Err(format!("has a `{bad}` segment below the namespace folder"));
    }
    Ok(())
}

/// A namespace-shaped name: an RFC 1123 label.
fn is_dns_label(s: &str) -> bool {
    let bytes = s.as_bytes();
    !bytes.is_empty()
        && bytes.len() <= 63
        && bytes.iter().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || *b == b'-')
        && bytes[0] != b'-'
        && bytes[bytes.len() - 1] != b'-'
}

#[cfg(test)]
mod tests {
    use super::check_path;

    #[test]
    fn layout() {
        assert!(check_path("/naspath/log/app-shop", "/naspath", None).is_ok());
        assert!(check_path("/naspath/log/app-shop/", "/naspath", None).is_ok());
        assert!(check_path("/naspath/sharedata/app-shop/a/b", "/naspath", Some("app-shop")).is_ok());
        assert!(check_path("/data/app-shop", "", None).is_ok());
        assert!(check_path("/naspathx/log/app-shop", "/naspath", None).is_err());
        assert!(check_path("/naspath/logs/app-shop", "/naspath", None).is_err());
        assert!(check_path("/naspath/log", "/naspath", None).is_err());
        assert!(check_path("/naspath/log/", "/naspath", None).is_err());
        assert!(check_path("/naspath/log/App_Shop", "/naspath", None).is_err());
        assert!(check_path("/naspath/log/app-shop", "/naspath", Some("app-pay")).is_err());
        assert!(check_path("/naspath/log/app-shop/../../etc", "/naspath", None).is_err());
        assert!(check_path("/naspath//log/app-shop", "/naspath", None).is_err());
    }
}
