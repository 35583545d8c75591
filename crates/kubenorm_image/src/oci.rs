//! The OCI image spec's documents (index, manifest, config) and their
//! Docker v2 counterparts, media types, and platform selection.

use crate::digest::Digest;
use crate::error::Error;
use serde::Deserialize;
use std::collections::BTreeMap;
use std::io::Read;

pub(crate) const OCI_INDEX: &str = "application/vnd.oci.image.index.v1+json";
pub(crate) const OCI_MANIFEST: &str = "application/vnd.oci.image.manifest.v1+json";
pub(crate) const DOCKER_LIST: &str = "application/vnd.docker.distribution.manifest.list.v2+json";
pub(crate) const DOCKER_MANIFEST: &str = "application/vnd.docker.distribution.manifest.v2+json";
const OCI_CONFIG: &str = "application/vnd.oci.image.config.v1+json";
const DOCKER_CONFIG: &str = "application/vnd.docker.container.image.v1+json";

/// What a registry is asked for: every manifest kind kubenorm reads.
pub(crate) const MANIFEST_ACCEPT: &str = "application/vnd.oci.image.index.v1+json, \
     application/vnd.oci.image.manifest.v1+json, \
     application/vnd.docker.distribution.manifest.list.v2+json, \
     application/vnd.docker.distribution.manifest.v2+json";

/// Largest index, manifest or config kubenorm reads (the distribution spec caps manifests at 4 MiB).
pub(crate) const MAX_DOCUMENT: u64 = 8 * 1024 * 1024;

#[derive(Clone, Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct Descriptor {
    #[serde(default)]
    pub media_type: Option<String>,
    pub digest: String,
    #[serde(default)]
    pub size: Option<u64>,
    #[serde(default)]
    pub platform: Option<Platform>,
    #[serde(default)]
    pub annotations: BTreeMap<String, String>,
}

#[derive(Clone, Debug, Deserialize, PartialEq, Eq)]
pub(crate) struct Platform {
    #[serde(default)]
    pub os: String,
    #[serde(default)]
    pub architecture: String,
    #[serde(default)]
    pub variant: Option<String>,
}

impl std::fmt::Display for Platform {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}/{}", self.os, self.architecture)?;
        match &self.variant {
            Some(v) if !v.is_empty() => write!(f, "/{v}"),
            _ => Ok(()),
        }
    }
}

#[derive(Debug, Deserialize)]
pub(crate) struct Index {
    pub manifests: Vec<Descriptor>,
}

#[derive(Debug, Deserialize)]
pub(crate) struct Manifest {
    pub config: Descriptor,
    pub layers: Vec<Descriptor>,
}

/// The image config fields kubenorm reads.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(crate) struct Config {
    pub created: Option<String>,
    pub os: Option<String>,
    pub architecture: Option<String>,
    pub variant: Option<String>,
    pub config: Option<RunConfig>,
    pub rootfs: Option<RootFs>,
}

#[derive(Debug, Default, Deserialize)]
pub(crate) struct RunConfig {
    #[serde(rename = "User", default)]
    pub user: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
pub(crate) struct RootFs {
    #[serde(default)]
    pub diff_ids: Vec<String>,
}

impl Config {
    /// Reads a config blob: at most [`MAX_DOCUMENT`] bytes, checked against
    /// its digest, then parsed.
    pub(crate) fn read(reader: impl Read, digest: &Digest, what: &str) -> Result<Config, Error> {
        let mut bytes = Vec::new();
        reader
            .take(MAX_DOCUMENT + 1)
            .read_to_end(&mut bytes)
            .map_err(|e| Error::format(what, format_args!("cannot be read: {e}")))?;
        if bytes.len() as u64 > MAX_DOCUMENT {
            return Err(Error::format(what, format_args!("is larger than {MAX_DOCUMENT} bytes")));
        }
        digest.verify(&bytes, what)?;
        Config::parse(&bytes, what)
    }

    pub(crate) fn parse(bytes: &[u8], what: &str) -> Result<Config, Error> {
        serde_json::from_slice(bytes).map_err(|e| Error::format(what, format_args!("not a valid image config: {e}")))
    }

    pub(crate) fn platform(&self) -> Option<String> {
        let os = self.os.as_deref().filter(|s| !s.is_empty())?;
        let arch = self.architecture.as_deref().filter(|s| !s.is_empty())?;
        Some(match self.variant.as_deref().filter(|v| !v.is_empty()) {
            Some(v) => format!("{os}/{arch}/{v}"),
            None => format!("{os}/{arch}"),
        })
    }

    /// The layers' uncompressed digests, one per layer.
    pub(crate) fn diff_ids(&self, layers: usize, what: &str) -> Result<Vec<Option<Digest>>, Error> {
        let ids = self.rootfs.as_ref().map(|r| r.diff_ids.as_slice()).unwrap_or_default();
        if ids.is_empty() {
            return Ok(vec![None; layers]);
        }
        if ids.len() != layers {
            return Err(Error::format(
                what,
                format_args!("rootfs.diff_ids lists {} layers, the manifest {layers}", ids.len()),
            ));
        }
        ids.iter().map(|id| Digest::parse_in(id, what).map(Some)).collect()
    }
}

/// A manifest or an index, told apart by media type (or by shape when the
/// document has none).
pub(crate) enum Document {
    Index(Index),
    Manifest(Manifest),
}

pub(crate) fn parse_document(bytes: &[u8], declared: Option<&str>, what: &str) -> Result<Document, Error> {
    let value: serde_json::Value =
        serde_json::from_slice(bytes).map_err(|e| Error::format(what, format_args!("not valid JSON: {e}")))?;
    if value.get("schemaVersion").and_then(|v| v.as_u64()) == Some(1) {
        return Err(Error::MediaType {
            what: what.to_string(),
            media_type: "application/vnd.docker.distribution.manifest.v1+json".into(),
            hint: " (Docker schema 1, deprecated: push the image again with a current tool)".into(),
        });
    }
    let media_type = value.get("mediaType").and_then(|v| v.as_str()).or(declared.filter(|d| !is_generic(d)));
    let is_index = match media_type {
        Some(OCI_INDEX | DOCKER_LIST) => true,
        Some(OCI_MANIFEST | DOCKER_MANIFEST) => false,
        Some(other) => {
            return Err(Error::MediaType {
                what: what.to_string(),
                media_type: other.to_string(),
                hint: String::new(),
            });
        }
        None if value.get("manifests").is_some() => true,
        None if value.get("layers").is_some() && value.get("config").is_some() => false,
        None => return Err(Error::format(what, "neither an image index nor an image manifest")),
    };
    let parsed = if is_index {
        serde_json::from_value(value).map(Document::Index)
    } else {
        serde_json::from_value(value).map(Document::Manifest)
    };
    let document = parsed.map_err(|e| Error::format(what, format_args!("malformed: {e}")))?;
    if let Document::Manifest(m) = &document {
        check_config_type(m.config.media_type.as_deref(), what)?;
    }
    Ok(document)
}

/// `application/json`, `text/plain`: a server that does not know better.
fn is_generic(media_type: &str) -> bool {
    matches!(media_type, "application/json" | "text/plain" | "application/octet-stream" | "")
}

fn check_config_type(media_type: Option<&str>, what: &str) -> Result<(), Error> {
    match media_type {
        None | Some(OCI_CONFIG | DOCKER_CONFIG) => Ok(()),
        Some(other) => Err(Error::MediaType {
            what: format!("the config of {what}"),
            media_type: other.to_string(),
            hint: " (an OCI artifact, not a container image)".into(),
        }),
    }
}

/// Layer media types kubenorm unpacks. The compression itself is sniffed
/// from the stream (some tools label uncompressed layers `.tar.gzip`).
pub(crate) fn check_layer_type(media_type: Option<&str>, what: &str) -> Result<(), Error> {
    match media_type {
        None
        | Some(
            "application/vnd.oci.image.layer.v1.tar"
            | "application/vnd.oci.image.layer.v1.tar+gzip"
            | "application/vnd.oci.image.layer.v1.tar+zstd"
            | "application/vnd.oci.image.layer.nondistributable.v1.tar"
            | "application/vnd.oci.image.layer.nondistributable.v1.tar+gzip"
            | "application/vnd.oci.image.layer.nondistributable.v1.tar+zstd"
            | "application/vnd.docker.image.rootfs.diff.tar"
            | "application/vnd.docker.image.rootfs.diff.tar.gzip",
        ) => Ok(()),
        Some(other) => {
            let hint = if other.contains("foreign") { " (a foreign layer, served from elsewhere)" } else { "" };
            Err(Error::MediaType { what: what.to_string(), media_type: other.to_string(), hint: hint.to_string() })
        }
    }
}

/// A platform asked for with `--platform os/arch[/variant]`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PlatformSpec {
    pub os: String,
    pub architecture: String,
    pub variant: Option<String>,
}

impl Default for PlatformSpec {
    fn default() -> Self {
        PlatformSpec { os: "linux".into(), architecture: "amd64".into(), variant: None }
    }
}

impl PlatformSpec {
    pub fn parse(text: &str) -> Result<PlatformSpec, Error> {
        let parts: Vec<&str> = text.split('/').collect();
        match parts.as_slice() {
            [os, arch] if !os.is_empty() && !arch.is_empty() => {
                Ok(PlatformSpec { os: os.to_string(), architecture: arch.to_string(), variant: None })
            }
            [os, arch, variant] if !os.is_empty() && !arch.is_empty() && !variant.is_empty() => Ok(PlatformSpec {
                os: os.to_string(),
                architecture: arch.to_string(),
                variant: Some(variant.to_string()),
            }),
            _ => Err(Error::Usage(format!("--platform must look like linux/amd64 or linux/arm64/v8, not `{text}`"))),
        }
    }

    /// Whether `platform` is this one. Without a wanted variant any variant
    /// matches; `arm64` without a variant is `arm64/v8`, as containerd reads it.
    fn matches(&self, platform: &Platform) -> bool {
        let normalize = |arch: &str, variant: Option<&str>| -> Option<String> {
            match (arch, variant) {
                ("arm64", None | Some("")) => Some("v8".into()),
                (_, Some("")) => None,
                (_, v) => v.map(str::to_string),
            }
        };
        platform.os == self.os
            && platform.architecture == self.architecture
            && (self.variant.is_none()
                || normalize(&self.architecture, self.variant.as_deref())
                    == normalize(&platform.architecture, platform.variant.as_deref()))
    }
}

impl std::fmt::Display for PlatformSpec {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}/{}", self.os, self.architecture)?;
        if let Some(v) = &self.variant {
            write!(f, "/{v}")?;
        }
        Ok(())
    }
}

/// Picks the manifest for `wanted` from an index; says what was picked.
pub(crate) fn select<'a>(
    index: &'a Index,
    wanted: &PlatformSpec,
    what: &str,
) -> Result<(&'a Descriptor, String), Error> {
    // Build attestations (`unknown/unknown`) are not images.
    let images: Vec<&Descriptor> = index
        .manifests
        .iter()
        .filter(|d| d.annotations.get("vnd.docker.reference.type").is_none_or(|t| t != "attestation-manifest"))
        .filter(|d| d.platform.as_ref().is_none_or(|p| p.os != "unknown"))
        .collect();
    let listed = |images: &[&Descriptor]| {
        images
            .iter()
            .map(|d| d.platform.as_ref().map_or("unspecified".to_string(), |p| p.to_string()))
            .collect::<Vec<_>>()
    };
    let available = listed(&images);
    if let [only] = images.as_slice()
        && only.platform.is_none()
    {
        return Ok((only, "the index's only image (no platform given)".to_string()));
    }
    let found = images.iter().find(|d| d.platform.as_ref().is_some_and(|p| wanted.matches(p)));
    match found {
        Some(d) => {
            let picked = d.platform.as_ref().map_or_else(|| wanted.to_string(), |p| p.to_string());
            Ok((d, format!("{picked}, picked from an index of {}", available.join(", "))))
        }
        None => Err(Error::Platform {
            what: what.to_string(),
            wanted: wanted.to_string(),
            available: if available.is_empty() { "nothing".into() } else { available.join(", ") },
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn index(platforms: &[(&str, &str, Option<&str>)]) -> Index {
        Index {
            manifests: platforms
                .iter()
                .enumerate()
                .map(|(i, (os, arch, variant))| Descriptor {
                    media_type: Some(OCI_MANIFEST.into()),
                    digest: format!("sha256:{i:064x}"),
                    size: Some(1),
                    platform: Some(Platform {
                        os: os.to_string(),
                        architecture: arch.to_string(),
                        variant: variant.map(str::to_string),
                    }),
                    annotations: BTreeMap::new(),
                })
                .collect(),
        }
    }

    #[test]
    fn picks_the_platform_and_says_so() {
        let idx = index(&[("linux", "arm64", Some("v8")), ("linux", "amd64", None), ("unknown", "unknown", None)]);
        let (d, note) = select(&idx, &PlatformSpec::default(), "index").unwrap();
        assert_eq!(d.digest, format!("sha256:{:064x}", 1));
        assert_eq!(note, "linux/amd64, picked from an index of linux/arm64/v8, linux/amd64");
        let arm = PlatformSpec::parse("linux/arm64/v8").unwrap();
        assert_eq!(select(&idx, &arm, "index").unwrap().0.digest, format!("sha256:{:064x}", 0));
        let idx = index(&[("linux", "arm64", None)]);
        assert!(select(&idx, &arm, "index").is_ok(), "arm64 without variant is v8");
        let err = select(&idx, &PlatformSpec::default(), "index `x`").unwrap_err().to_string();
        assert_eq!(
            err,
            "index `x` has no image for platform linux/amd64 (it has: linux/arm64); pick one with --platform"
        );
        assert!(PlatformSpec::parse("amd64").is_err());
    }

    #[test]
    fn tells_documents_apart_and_rejects_unknown_types() {
        let manifest = br#"{"schemaVersion":2,"config":{"digest":"sha256:00","size":1},"layers":[]}"#;
        assert!(matches!(parse_document(manifest, None, "m"), Ok(Document::Manifest(_))));
        let index = br#"{"schemaVersion":2,"manifests":[]}"#;
        assert!(matches!(parse_document(index, Some("application/json"), "m"), Ok(Document::Index(_))));
        let artifact = br#"{"schemaVersion":2,"mediaType":"application/vnd.oci.artifact.manifest.v1+json"}"#;
        let err = parse_document(artifact, None, "manifest of x").err().unwrap().to_string();
        assert_eq!(err, "manifest of x has the unsupported media type `application/vnd.oci.artifact.manifest.v1+json`");
        let helm = br#"{"schemaVersion":2,"config":{"mediaType":"application/vnd.cncf.helm.config.v1+json","digest":"sha256:00"},"layers":[]}"#;
        assert!(parse_document(helm, None, "m").err().unwrap().to_string().contains("not a container image"));
        let schema1 = br#"{"schemaVersion":1,"name":"x"}"#;
        assert!(parse_document(schema1, None, "m").err().unwrap().to_string().contains("schema 1"));
        assert!(matches!(parse_document(b"{", None, "m"), Err(Error::Format { .. })));
        assert!(check_layer_type(Some("application/vnd.oci.image.layer.v1.tar+zstd"), "l").is_ok());
        assert!(check_layer_type(Some("application/x-tar+lz4"), "l").is_err());
    }
}
