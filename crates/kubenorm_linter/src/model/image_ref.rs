//! Container image references, split the way the container runtime does
//! (github.com/distribution/reference): the first path segment is a registry
//! only if it has a `.` or `:`, is `localhost`, or has an uppercase letter
//! (repository paths are lowercase, so the runtime takes it for a host);
//! `@sha256:` pins a digest; a `:` after the last `/` starts the tag.

/// A parsed image reference, borrowing the text.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ImageRef<'a> {
    /// Registry host (and port) as written, `None` for implicit Docker Hub.
    pub registry: Option<&'a str>,
    /// The repository path after the registry, as written.
    pub repository: &'a str,
    pub tag: Option<&'a str>,
    pub digest: Option<&'a str>,
}

/// Registries of public images (used when no allowed list is configured).
pub const PUBLIC_REGISTRIES: &[&str] = &[
    "docker.io",
    "index.docker.io",
    "registry-1.docker.io",
    "quay.io",
    "ghcr.io",
    "gcr.io",
    "registry.k8s.io",
    "k8s.gcr.io",
    "public.ecr.aws",
    "mcr.microsoft.com",
];

impl<'a> ImageRef<'a> {
    pub fn parse(reference: &'a str) -> ImageRef<'a> {
        let (name, digest) = match reference.split_once('@') {
            Some((name, digest)) => (name, Some(digest)),
            None => (reference, None),
        };
        let last_slash = name.rfind('/');
        let (name, tag) = match name.rfind(':') {
            Some(colon) if last_slash.is_none_or(|slash| colon > slash) => (&name[..colon], Some(&name[colon + 1..])),
            _ => (name, None),
        };
        let (registry, repository) = match name.split_once('/') {
            Some((first, rest))
                if first.contains(['.', ':'])
                    || first == "localhost"
                    || first.bytes().any(|b| b.is_ascii_uppercase()) =>
            {
                (Some(first), rest)
            }
            _ => (None, name),
        };
        ImageRef { registry, repository, tag, digest }
    }

    /// Whether the image comes from Docker Hub (implicitly or by name).
    pub fn is_docker_hub(&self) -> bool {
        matches!(self.registry, None | Some("docker.io" | "index.docker.io" | "registry-1.docker.io"))
    }

    /// Whether the registry is a well-known public one (Docker Hub included).
    pub fn is_public_registry(&self) -> bool {
        self.registry.is_none_or(|r| PUBLIC_REGISTRIES.contains(&r))
    }

    /// The registry the runtime pulls from, normalized as
    /// `splitDockerDomain` does: implicit Docker Hub and the legacy
    /// `index.docker.io` are `docker.io`; any other host is kept as written.
    pub fn canonical_registry(&self) -> &'a str {
        match self.registry {
            None | Some("index.docker.io") => "docker.io",
            Some(registry) => registry,
        }
    }

    /// The name of the registry for messages.
    pub fn registry_display(&self) -> &'a str {
        self.registry.unwrap_or("docker.io (implicit)")
    }

    /// No digest, and no tag or a floating one.
    pub fn is_floating(&self, floating_tags: &[String]) -> bool {
        self.digest.is_none() && self.tag.is_none_or(|t| floating_tags.iter().any(|f| f == t))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_like_the_runtime() {
        let r = ImageRef::parse("harbor.company.com:8443/shop/web:1.2@sha256:abc");
        assert_eq!(r.registry, Some("harbor.company.com:8443"));
        assert_eq!((r.repository, r.tag, r.digest), ("shop/web", Some("1.2"), Some("sha256:abc")));
        let r = ImageRef::parse("nginx");
        assert_eq!((r.registry, r.repository, r.tag), (None, "nginx", None));
        let r = ImageRef::parse("library/nginx:1.25");
        assert_eq!((r.registry, r.repository, r.tag), (None, "library/nginx", Some("1.25")));
        let r = ImageRef::parse("localhost/app");
        assert_eq!(r.registry, Some("localhost"));
        let r = ImageRef::parse("localhost:5000/app:v1");
        assert_eq!((r.registry, r.repository, r.tag), (Some("localhost:5000"), "app", Some("v1")));
        // An uppercase first segment cannot be a repository path: the runtime takes it for a host.
        let r = ImageRef::parse("Harbor/shop/web:1");
        assert_eq!((r.registry, r.repository), (Some("Harbor"), "shop/web"));
        assert_eq!(ImageRef::parse("nginx").canonical_registry(), "docker.io");
        assert_eq!(ImageRef::parse("index.docker.io/a/b").canonical_registry(), "docker.io");
        assert_eq!(ImageRef::parse("quay.io/a/b").canonical_registry(), "quay.io");
        assert!(ImageRef::parse("nginx").is_floating(&["latest".into()]));
        assert!(ImageRef::parse("nginx:latest").is_floating(&["latest".into()]));
        assert!(!ImageRef::parse("nginx@sha256:ab").is_floating(&["latest".into()]));
    }
}
