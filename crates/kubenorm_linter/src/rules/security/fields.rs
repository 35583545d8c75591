//! Helpers shared by the security rules: where a finding about a container's
//! security field points, how capability names compare, which env var names
//! look secret.

use crate::model::Container;
use kubenorm_source::yaml::NodeRef;

/// The node a finding about the container-only security field `key` points
/// at: the field itself, else the container's `securityContext` key, else the
/// container's `name:` entry.
pub(crate) fn security_field_site<'d>(c: &Container<'d>, key: &str) -> NodeRef<'d> {
    c.own_security(key).or_else(|| c.security_context()).unwrap_or_else(|| c.anchor())
}

/// The container's own `securityContext.capabilities` mapping (there is no
/// pod-level `capabilities`).
pub(crate) fn capabilities<'d>(c: &Container<'d>) -> Option<NodeRef<'d>> {
    c.own_security("capabilities").filter(|caps| caps.is_map())
}

/// A capability name as the runtime reads it: upper case, without the `CAP_`
/// prefix (containerd and CRI-O upper-case the name and prepend `CAP_`).
pub(crate) fn capability_name(raw: &str) -> String {
    let upper = raw.trim().to_ascii_uppercase();
    match upper.strip_prefix("CAP_") {
        Some(bare) => bare.to_string(),
        None => upper,
    }
}

/// Whether a `drop` entry drops every capability. Runtimes compare the
/// keyword `ALL` case-insensitively but do not strip a `CAP_` prefix from it
/// (containerd turns `CAP_ALL` into the unknown capability `CAP_CAP_ALL`).
pub(crate) fn is_all_keyword(raw: &str) -> bool {
    raw.trim().eq_ignore_ascii_case("ALL")
}

/// Whether the container's `capabilities.add` holds `name` (a bare upper-case
/// name such as `SYS_ADMIN`; entries compare as [`capability_name`]).
pub(crate) fn adds_capability(c: &Container<'_>, name: &str) -> bool {
    capabilities(c)
        .and_then(|caps| caps.get("add"))
        .is_some_and(|add| add.items().filter_map(NodeRef::as_str).any(|cap| capability_name(cap) == name))
}

/// Fragments that make an env var name look like it holds a secret.
const SECRET_NAME_FRAGMENTS: [&str; 7] =
    ["PASSWORD", "PASSWD", "SECRET", "TOKEN", "API_KEY", "PRIVATE_KEY", "CREDENTIAL"];

/// Whether an env var (or Dockerfile `ENV`/`ARG`) name looks like it holds a
/// secret: it contains one of the handbook's fragments, in any case.
pub(crate) fn looks_secret(name: &str) -> bool {
    let upper = name.to_ascii_uppercase();
    SECRET_NAME_FRAGMENTS.iter().any(|fragment| upper.contains(fragment))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn capability_names_compare_like_the_runtime() {
        assert_eq!(capability_name("cap_net_bind_service"), "NET_BIND_SERVICE");
        assert_eq!(capability_name("Sys_Admin"), "SYS_ADMIN");
        assert_eq!(capability_name("CAP_SYS_ADMIN"), "SYS_ADMIN");
        assert!(is_all_keyword("all"));
        assert!(is_all_keyword("ALL"));
        assert!(!is_all_keyword("CAP_ALL"));
    }

    #[test]
    fn secret_looking_names() {
        for name in ["DB_PASSWORD", "passwd", "client_secret", "GITHUB_TOKEN", "stripe_api_key", "Private_Key_Pem"] {
            assert!(looks_secret(name), "{name}");
        }
        assert!(looks_secret("AWS_CREDENTIALS"));
        for name in ["LOG_LEVEL", "APIKEY_HEADER", "PORT", ""] {
            assert!(!looks_secret(name), "{name}");
        }
    }
}
