//! What the image rules share (and `dockerfile-base-image-untrusted`, which
//! applies the same registry policy to `FROM` lines).

use crate::model::{Container, ImageRef};
use kubenorm_source::yaml::NodeRef;

/// A container's `image` value node and its parsed reference. `None` when the
/// field is missing, empty or not a string (object-malformed territory).
pub(crate) fn container_image<'d>(c: &Container<'d>) -> Option<(NodeRef<'d>, ImageRef<'d>)> {
    let node = c.get("image")?;
    let text = node.as_str().filter(|s| !s.trim().is_empty())?;
    Some((node, ImageRef::parse(text)))
}

/// Why an image's registry breaks the handbook's "one company registry".
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum RegistryProblem {
    /// `images.registries` is set and does not list the registry (an error).
    NotAllowed,
    /// No list is configured and the image comes from Docker Hub or another
    /// public registry (a warning: without the list, this is a heuristic).
    Public,
}

/// Checks `image` against `images.registries` (`allowed`; empty means unset).
///
/// The registry is the runtime's: implicit Docker Hub and `index.docker.io`
/// count as `docker.io`. Hosts compare ignoring ASCII case (DNS names do),
/// ports exactly: `harbor.company.com` does not admit `harbor.company.com:8443`.
pub(crate) fn registry_problem(image: &ImageRef<'_>, allowed: &[String]) -> Option<RegistryProblem> {
    if allowed.is_empty() {
        return image.is_public_registry().then_some(RegistryProblem::Public);
    }
    let registry = image.canonical_registry();
    let listed = allowed.iter().any(|entry| {
        let entry = entry.trim_end_matches('/');
        let entry = if entry == "index.docker.io" { "docker.io" } else { entry };
        entry.eq_ignore_ascii_case(registry)
    });
    (!listed).then_some(RegistryProblem::NotAllowed)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(image: &str, allowed: &[&str]) -> Option<RegistryProblem> {
        let allowed: Vec<String> = allowed.iter().map(|s| s.to_string()).collect();
        registry_problem(&ImageRef::parse(image), &allowed)
    }

    #[test]
    fn registry_policy() {
        use RegistryProblem::*;
        let company = &["harbor.company.com"];
        assert_eq!(check("harbor.company.com/shop/web:1", company), None);
        assert_eq!(check("HARBOR.company.com/shop/web:1", company), None);
        assert_eq!(check("harbor.company.com:8443/shop/web:1", company), Some(NotAllowed));
        assert_eq!(check("nginx:1.25", company), Some(NotAllowed));
        assert_eq!(check("nginx:1.25", &["docker.io"]), None);
        assert_eq!(check("index.docker.io/library/nginx:1.25", &["docker.io"]), None);
        assert_eq!(check("registry.company.com:5000/a/b", &["registry.company.com:5000"]), None);
        assert_eq!(check("nginx", &[]), Some(Public));
        assert_eq!(check("library/nginx", &[]), Some(Public));
        assert_eq!(check("quay.io/prometheus/node-exporter:v1.8.0", &[]), Some(Public));
        assert_eq!(check("harbor.company.com/shop/web:1", &[]), None);
        assert_eq!(check("localhost:5000/web:1", &[]), None);
    }
}
