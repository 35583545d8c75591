//! From a source (layout, archive, registry) to an [`ImageModel`]: pick the
//! image and platform, read the config, apply the layers.

use crate::apply::{Filesystem, LayerBlob};
use crate::digest::Digest;
use crate::error::Error;
use crate::files::{self, Dir, Files, Tar};
use crate::oci::{self, Config, Descriptor, Document, MAX_DOCUMENT, PlatformSpec};
use crate::registry::{Client, ClientOptions, RegistryRef};
use kubenorm_linter::model::ImageModel;
use kubenorm_linter::model::image::{ImageConfig, Layer};
use std::io::Read;
use std::path::{Path, PathBuf};

/// Where an image comes from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Source {
    /// An OCI image layout folder, and the image's `org.opencontainers.image.ref.name` if several.
    Layout { path: PathBuf, tag: Option<String> },
    /// A tar: `docker save`/`podman save` (`manifest.json`) or an OCI layout in a tar.
    Archive { path: PathBuf, tag: Option<String> },
    /// A registry reference, `host[:port]/repo:tag` or `@sha256:…`.
    Registry { reference: String },
}

impl Source {
    /// Reads the command-line argument. Explicit transports as skopeo writes
    /// them: `oci:PATH[:TAG]`, `oci-archive:PATH[:TAG]`,
    /// `docker-archive:PATH[:TAG]`, `docker://REF`. Otherwise an existing
    /// folder is a layout, an existing file an archive (`PATH:TAG` when PATH
    /// exists), and anything else a registry reference.
    pub fn parse(arg: &str) -> Source {
        let split = |rest: &str| -> (PathBuf, Option<String>) {
            if Path::new(rest).exists() {
                return (PathBuf::from(rest), None);
            }
            match rest.rsplit_once(':') {
                Some((path, tag)) if !tag.contains('/') && Path::new(path).exists() => {
                    (PathBuf::from(path), Some(tag.to_string()))
                }
                _ => (PathBuf::from(rest), None),
            }
        };
        if let Some(rest) = arg.strip_prefix("oci:") {
            let (path, tag) = split(rest);
            return Source::Layout { path, tag };
        }
        for prefix in ["oci-archive:", "docker-archive:"] {
            if let Some(rest) = arg.strip_prefix(prefix) {
                let (path, tag) = split(rest);
                return Source::Archive { path, tag };
            }
        }
        if let Some(rest) = arg.strip_prefix("docker://") {
            return Source::Registry { reference: rest.to_string() };
        }
        let (path, tag) = split(arg);
        // A path that does not exist is still a path when it can only be one
        // (`./x`, `/x`, `x.tar`): then the error says "no such file".
        let looks_like_path = arg.starts_with(['/', '.', '~']) || arg.ends_with(".tar");
        if path.is_dir() {
            Source::Layout { path, tag }
        } else if path.is_file() || (looks_like_path && arg.ends_with(".tar")) {
            Source::Archive { path, tag }
        } else if looks_like_path {
            Source::Layout { path, tag }
        } else {
            Source::Registry { reference: arg.to_string() }
        }
    }
}

/// How to read an image.
#[derive(Clone, Debug, Default)]
pub struct Options {
    pub platform: PlatformSpec,
    /// Whether `platform` was asked for (then a single-platform image of
    /// another platform gets a note).
    pub platform_given: bool,
    pub client: ClientOptions,
    /// The registry reference to judge the naming rules on, overriding what
    /// the source says (`--reference`).
    pub reference: Option<String>,
}

/// An image read into the model, with what the user should know about it.
#[derive(Debug)]
pub struct Loaded {
    pub model: ImageModel,
    /// The manifest's digest.
    pub digest: Option<Digest>,
    /// The platform read and how it was picked.
    pub platform: String,
    /// Things worth saying on stderr (a platform mismatch, naming rules skipped).
    pub notes: Vec<String>,
}

/// Reads an image.
pub fn load(source: &Source, options: &Options) -> Result<Loaded, Error> {
    let mut loaded = match source {
        Source::Layout { path, tag } => {
            if let Err(source) = std::fs::metadata(path) {
                return Err(Error::Io { path: path.clone(), source });
            }
            let files = Dir { root: path.clone() };
            if !files.exists("index.json") {
                return Err(Error::format(
                    format!("`{}`", path.display()),
                    "is not an OCI image layout (no index.json)",
                ));
            }
            load_layout(&files, tag.as_deref(), &format!("`{}`", path.display()), options)?
        }
        Source::Archive { path, tag } => {
            let files = Tar::index(path)?;
            let what = format!("`{}`", path.display());
            if files.exists("manifest.json") {
                load_docker_archive(&files, tag.as_deref(), &what, options)?
            } else if files.exists("index.json") {
                load_layout(&files, tag.as_deref(), &what, options)?
            } else if !files.complete {
                return Err(Error::format(
                    what,
                    "is truncated: it ends between members, without the end-of-archive blocks \
                     (and without manifest.json or index.json)",
                ));
            } else {
                return Err(Error::format(
                    what,
                    "is neither a docker archive (no manifest.json) nor an OCI layout archive (no index.json)",
                ));
            }
        }
        Source::Registry { reference } => load_registry(reference, options)?,
    };
    if let Some(reference) = &options.reference {
        loaded.model.reference = Some(reference.clone());
    }
    if loaded.model.reference.is_none() {
        loaded.notes.push(
            "the image names no registry reference: the naming rules are skipped (give one with --reference)"
                .to_string(),
        );
    }
    Ok(loaded)
}

/// Access to manifests and blobs, wherever they live.
trait Store {
    /// A manifest or index by digest, verified, with the media type the store declared.
    fn manifest(&self, digest: &Digest, what: &str) -> Result<(Vec<u8>, Option<String>), Error>;
    /// A blob for streaming (checked by the caller), with its stored size.
    fn blob(&self, digest: &Digest, what: &str) -> Result<(Box<dyn Read + '_>, Option<u64>), Error>;
}

struct LayoutStore<'a> {
    files: &'a dyn Files,
}

impl LayoutStore<'_> {
    fn path(digest: &Digest) -> String {
        format!("blobs/{}/{}", digest.algorithm(), digest.hex())
    }
}

impl Store for LayoutStore<'_> {
    fn manifest(&self, digest: &Digest, what: &str) -> Result<(Vec<u8>, Option<String>), Error> {
        let path = Self::path(digest);
        if !self.files.exists(&path) {
            return Err(Error::format(what, format_args!("blob {} is missing", self.files.describe(&path))));
        }
        let bytes = files::read_small(self.files, &path, MAX_DOCUMENT)?;
        digest.verify(&bytes, what)?;
        Ok((bytes, None))
    }

    fn blob(&self, digest: &Digest, what: &str) -> Result<(Box<dyn Read + '_>, Option<u64>), Error> {
        let path = Self::path(digest);
        if !self.files.exists(&path) {
            return Err(Error::format(what, format_args!("blob {} is missing", self.files.describe(&path))));
        }
        let (reader, size) = self.files.open(&path)?;
        Ok((reader, Some(size)))
    }
}

struct RegistryStore<'a> {
    client: &'a Client,
    repository: &'a str,
}

impl Store for RegistryStore<'_> {
    fn manifest(&self, digest: &Digest, _what: &str) -> Result<(Vec<u8>, Option<String>), Error> {
        let (bytes, media_type, _) = self.client.manifest(self.repository, digest.as_str())?;
        Ok((bytes, media_type))
    }

    fn blob(&self, digest: &Digest, _what: &str) -> Result<(Box<dyn Read + '_>, Option<u64>), Error> {
        self.client.blob(self.repository, digest)
    }
}

fn load_registry(text: &str, options: &Options) -> Result<Loaded, Error> {
    let reference = RegistryRef::parse(text)?;
    let client = Client::new(&reference.registry, &options.client)?;
    let (bytes, media_type, digest) = client.manifest(&reference.repository, &reference.reference)?;
    let store = RegistryStore { client: &client, repository: &reference.repository };
    let what = format!("manifest of `{text}`");
    read_image(&store, bytes, media_type, what, Some(digest), options, Some(text.to_string()))
}

/// Names an image of a layout's index.json carries.
fn ref_names(d: &Descriptor) -> Vec<&str> {
    ["io.containerd.image.name", "org.opencontainers.image.ref.name"]
        .iter()
        .filter_map(|k| d.annotations.get(*k).map(String::as_str))
        .collect()
}

/// Whether `name` (an annotation) names `tag`: the tag itself, or a full reference ending in it.
fn names_tag(name: &str, tag: &str) -> bool {
    name == tag || name.strip_suffix(tag).is_some_and(|rest| rest.ends_with(':'))
}

fn load_layout(files: &dyn Files, tag: Option<&str>, what: &str, options: &Options) -> Result<Loaded, Error> {
    let index_bytes = files::read_small(files, "index.json", MAX_DOCUMENT)?;
    let index_what = files.describe("index.json");
    let Document::Index(index) = oci::parse_document(&index_bytes, None, &index_what)? else {
        return Err(Error::format(index_what, "is a manifest, not an image index"));
    };
    let candidates: Vec<&Descriptor> = match tag {
        Some(tag) => index.manifests.iter().filter(|d| ref_names(d).iter().any(|n| names_tag(n, tag))).collect(),
        None => index.manifests.iter().collect(),
    };
    let names = || {
        let mut names: Vec<&str> = index.manifests.iter().flat_map(ref_names).collect();
        names.dedup();
        if names.is_empty() { "no names".to_string() } else { names.join(", ") }
    };
    let store = LayoutStore { files };
    let root = match candidates.as_slice() {
        [] if tag.is_some() => {
            return Err(Error::format(
                what,
                format_args!("has no image named `{}` (it has: {})", tag.unwrap_or(""), names()),
            ));
        }
        [] => return Err(Error::format(index_what, "lists no image")),
        [one] => *one,
        several if several.iter().all(|d| d.platform.is_some()) => {
            // One image for several platforms, listed in index.json itself.
            let sub = oci::Index { manifests: several.iter().map(|d| (*d).clone()).collect() };
            let (picked, note) = oci::select(&sub, &options.platform, what)?;
            let mut loaded = read_descriptor(&store, picked, options, what)?;
            loaded.platform = note;
            return Ok(loaded);
        }
        _ => {
            return Err(Error::Ambiguous {
                what: what.to_string(),
                available: names(),
                how: "PATH:NAME (the org.opencontainers.image.ref.name)".into(),
            });
        }
    };
    read_descriptor(&store, root, options, what)
}

/// Reads the image a layout's index.json entry points at.
fn read_descriptor(store: &LayoutStore<'_>, d: &Descriptor, options: &Options, what: &str) -> Result<Loaded, Error> {
    let digest = Digest::parse_in(&d.digest, what)?;
    let manifest_what = format!("manifest {digest} of {what}");
    let (bytes, _) = store.manifest(&digest, &manifest_what)?;
    check_size(d, bytes.len(), &manifest_what)?;
    let reference = ref_names(d).into_iter().find(|n| looks_like_reference(n)).map(str::to_string);
    read_image(store, bytes, d.media_type.clone(), manifest_what, Some(digest), options, reference)
}

/// `harbor.company.com/shop/web:1.0` rather than just `1.0`.
fn looks_like_reference(name: &str) -> bool {
    name.contains('/')
}

fn check_size(d: &Descriptor, actual: usize, what: &str) -> Result<(), Error> {
    match d.size {
        Some(size) if size != actual as u64 => {
            Err(Error::SizeMismatch { what: what.to_string(), expected: size, actual: actual as u64 })
        }
        _ => Ok(()),
    }
}

/// From an index or manifest document to the model.
fn read_image(
    store: &dyn Store,
    mut bytes: Vec<u8>,
    mut declared: Option<String>,
    mut what: String,
    mut digest: Option<Digest>,
    options: &Options,
    reference: Option<String>,
) -> Result<Loaded, Error> {
    let mut picked = None;
    for _ in 0..4 {
        match oci::parse_document(&bytes, declared.as_deref(), &what)? {
            Document::Index(index) => {
                let (d, note) = oci::select(&index, &options.platform, &what)?;
                let child = Digest::parse_in(&d.digest, &what)?;
                let child_what = format!("manifest {child} (from {what})");
                let (child_bytes, child_type) = store.manifest(&child, &child_what)?;
                check_size(d, child_bytes.len(), &child_what)?;
                picked = Some(note);
                bytes = child_bytes;
                declared = d.media_type.clone().or(child_type);
                what = child_what;
                digest = Some(child);
            }
            Document::Manifest(manifest) => {
                return read_manifest(store, &manifest, &what, digest, picked, options, reference);
            }
        }
    }
    Err(Error::format(what, "image indexes nested too deep"))
}

fn read_manifest(
    store: &dyn Store,
    manifest: &oci::Manifest,
    what: &str,
    digest: Option<Digest>,
    picked: Option<String>,
    options: &Options,
    reference: Option<String>,
) -> Result<Loaded, Error> {
    let config_digest = Digest::parse_in(&manifest.config.digest, what)?;
    let config_what = format!("config {config_digest} of {what}");
    let (reader, _) = store.blob(&config_digest, &config_what)?;
    let config = Config::read(reader, &config_digest, &config_what)?;
    let diff_ids = config.diff_ids(manifest.layers.len(), &config_what)?;

    let count = manifest.layers.len();
    let mut fs = Filesystem::default();
    let mut layers = Vec::with_capacity(count);
    for (i, d) in manifest.layers.iter().enumerate() {
        let layer_digest = Digest::parse_in(&d.digest, what)?;
        let label = format!("layer {} of {count} ({layer_digest})", i + 1);
        oci::check_layer_type(d.media_type.as_deref(), &label)?;
        let (raw, stored_size) = store.blob(&layer_digest, &label)?;
        let size = d.size.or(stored_size);
        let blob =
            LayerBlob { index: i, label: &label, digest: Some(&layer_digest), size, diff_id: diff_ids[i].as_ref() };
        fs.apply(&blob, raw)?;
        let compressed = !d.media_type.as_deref().is_some_and(|m| m.ends_with(".tar"));
        layers.push(Layer { digest: layer_digest.to_string(), size: size.unwrap_or(0), compressed });
    }
    finish(config, layers, fs, digest, picked, options, reference)
}

fn finish(
    config: Config,
    layers: Vec<Layer>,
    fs: Filesystem,
    digest: Option<Digest>,
    picked: Option<String>,
    options: &Options,
    reference: Option<String>,
) -> Result<Loaded, Error> {
    let mut notes = Vec::new();
    let actual = config.platform();
    let platform = match (picked, &actual) {
        (Some(note), _) => note,
        (None, Some(actual)) => {
            let matches = PlatformSpec::parse(actual).is_ok_and(|p| {
                p.os == options.platform.os
                    && p.architecture == options.platform.architecture
                    && (options.platform.variant.is_none() || p.variant == options.platform.variant)
            });
            if options.platform_given && !matches {
                notes.push(format!(
                    "the image is {actual}, not {} (it has no index of platforms to choose from)",
                    options.platform
                ));
            }
            format!("{actual}, the image's only platform")
        }
        (None, None) => "unknown (the config names no platform)".to_string(),
    };
    let image_config = ImageConfig {
        user: config.config.as_ref().and_then(|c| c.user.clone()),
        os: config.os.clone(),
        architecture: config.architecture.clone(),
        created: config.created.clone(),
    };
    let (files, removed) = fs.finish();
    let model = ImageModel::from_files(reference, image_config, layers, files).with_removed(removed);
    Ok(Loaded { model, digest, platform, notes })
}

/// `docker save` / `podman save`: `manifest.json` lists the config and the
/// layer tars (uncompressed, checked against the config's `rootfs.diff_ids`).
fn load_docker_archive(files: &Tar, tag: Option<&str>, what: &str, options: &Options) -> Result<Loaded, Error> {
    #[derive(serde::Deserialize)]
    #[serde(rename_all = "PascalCase")]
    struct Entry {
        config: String,
        #[serde(default)]
        repo_tags: Option<Vec<String>>,
        layers: Vec<String>,
    }
    let manifest_what = files.describe("manifest.json");
    let bytes = files::read_small(files, "manifest.json", MAX_DOCUMENT)?;
    let entries: Vec<Entry> = serde_json::from_slice(&bytes)
        .map_err(|e| Error::format(&manifest_what, format_args!("not a docker archive manifest: {e}")))?;
    let tags = |e: &Entry| e.repo_tags.clone().unwrap_or_default();
    let chosen: Vec<&Entry> = match tag {
        Some(tag) => entries.iter().filter(|e| tags(e).iter().any(|t| names_tag(t, tag))).collect(),
        None => entries.iter().collect(),
    };
    let all_tags = || {
        let names: Vec<String> = entries.iter().flat_map(tags).collect();
        if names.is_empty() { "no tags".to_string() } else { names.join(", ") }
    };
    let entry = match chosen.as_slice() {
        [one] => *one,
        [] => {
            return Err(Error::format(
                what,
                format_args!("has no image tagged `{}` (it has: {})", tag.unwrap_or(""), all_tags()),
            ));
        }
        _ => {
            return Err(Error::Ambiguous { what: what.to_string(), available: all_tags(), how: "PATH:TAG".into() });
        }
    };
    let config_what = files.describe(&entry.config);
    let config_bytes = files::read_small(files, &entry.config, MAX_DOCUMENT)?;
    if let Some(digest) = digest_in_name(&entry.config) {
        digest.verify(&config_bytes, &config_what)?;
    }
    let config = Config::parse(&config_bytes, &config_what)?;
    let diff_ids = config.diff_ids(entry.layers.len(), &config_what)?;

    let count = entry.layers.len();
    let mut fs = Filesystem::default();
    let mut layers = Vec::with_capacity(count);
    for (i, path) in entry.layers.iter().enumerate() {
        let diff_id = diff_ids[i].as_ref();
        let shown = diff_id.map_or_else(|| path.clone(), Digest::to_string);
        let label = format!("layer {} of {count} ({shown})", i + 1);
        let (raw, size) = files.open(path)?;
        let blob_digest = digest_in_name(path);
        let blob = LayerBlob { index: i, label: &label, digest: blob_digest.as_ref(), size: Some(size), diff_id };
        fs.apply(&blob, raw)?;
        layers.push(Layer { digest: shown, size, compressed: false });
    }
    let reference =
        tag.and_then(|t| tags(entry).into_iter().find(|n| names_tag(n, t))).or_else(|| tags(entry).into_iter().next());
    finish(config, layers, fs, None, None, options, reference)
}

/// The digest a blob's file name carries: `blobs/sha256/<hex>`, `<hex>.json`, `<hex>.tar`.
fn digest_in_name(path: &str) -> Option<Digest> {
    let mut parts = path.rsplit('/');
    let name = parts.next()?;
    if let Some(algorithm) = parts.next()
        && let Some(d) = Digest::parse(&format!("{algorithm}:{name}"))
    {
        return Some(d);
    }
    let stem = name.strip_suffix(".json").or_else(|| name.strip_suffix(".tar"))?;
    Digest::parse(&format!("sha256:{stem}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_tags() {
        assert!(names_tag("1.0", "1.0"));
        assert!(names_tag("harbor.company.com/shop/web:1.0", "1.0"));
        assert!(!names_tag("harbor.company.com/shop/web:11.0", "1.0"));
        assert!(names_tag("localhost:5000/shop/web:1.0", "localhost:5000/shop/web:1.0"));
    }

    #[test]
    fn finds_digests_in_file_names() {
        let hex = "a".repeat(64);
        assert_eq!(
            digest_in_name(&format!("blobs/sha256/{hex}")).map(|d| d.to_string()),
            Some(format!("sha256:{hex}"))
        );
        assert!(digest_in_name(&format!("{hex}.json")).is_some());
        assert!(digest_in_name(&format!("{hex}/layer.tar")).is_none());
    }

    #[test]
    fn reads_source_arguments() {
        let dir = std::env::temp_dir();
        let d = dir.display().to_string();
        assert_eq!(Source::parse(&d), Source::Layout { path: dir.clone(), tag: None });
        assert_eq!(Source::parse(&format!("{d}:v1")), Source::Layout { path: dir.clone(), tag: Some("v1".into()) });
        assert_eq!(Source::parse(&format!("oci:{d}:v1")), Source::Layout { path: dir.clone(), tag: Some("v1".into()) });
        assert_eq!(
            Source::parse("docker-archive:/nonexistent/x.tar"),
            Source::Archive { path: "/nonexistent/x.tar".into(), tag: None }
        );
        assert_eq!(
            Source::parse("localhost:5000/shop/web:1.0"),
            Source::Registry { reference: "localhost:5000/shop/web:1.0".into() }
        );
        assert_eq!(Source::parse("docker://nginx"), Source::Registry { reference: "nginx".into() });
        assert_eq!(Source::parse("./no-such-layout"), Source::Layout { path: "./no-such-layout".into(), tag: None });
        assert_eq!(Source::parse("web.tar"), Source::Archive { path: "web.tar".into(), tag: None });
        let err = load(&Source::parse("./no-such-layout"), &Options::default()).unwrap_err().to_string();
        assert!(err.starts_with("cannot read `./no-such-layout`: No such file"), "{err}");
    }
}
