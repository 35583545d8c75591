//! Builds OCI image layouts and docker archives in Rust for the tests:
//! layer tars (plain, gzip, zstd) with whatever entries a test needs,
//! including ones no well-behaved tool would write.

#![allow(dead_code)]

use sha2::{Digest as _, Sha256};
use std::io::Write;
use std::path::Path;

pub fn sha256(bytes: &[u8]) -> String {
    let hash = Sha256::digest(bytes);
    format!("sha256:{}", hash.iter().map(|b| format!("{b:02x}")).collect::<String>())
}

/// One tar entry.
pub enum Item {
    File(&'static str, Vec<u8>, u32),
    Dir(&'static str),
    Symlink(&'static str, &'static str),
    HardLink(&'static str, &'static str),
    /// A name written into the header as is, bypassing the tar crate's checks.
    RawName(&'static str, Vec<u8>),
}

pub fn file(path: &'static str, content: &str) -> Item {
    Item::File(path, content.as_bytes().to_vec(), 0o755)
}

pub fn tar(items: &[Item]) -> Vec<u8> {
    let mut builder = tar::Builder::new(Vec::new());
    for item in items {
        let mut header = tar::Header::new_gnu();
        header.set_mtime(0);
        match item {
            Item::File(path, data, mode) => {
                header.set_entry_type(tar::EntryType::Regular);
                header.set_mode(*mode);
                header.set_size(data.len() as u64);
                builder.append_data(&mut header, path, &data[..]).unwrap();
            }
            Item::Dir(path) => {
                header.set_entry_type(tar::EntryType::Directory);
                header.set_mode(0o755);
                header.set_size(0);
                builder.append_data(&mut header, path, &[][..]).unwrap();
            }
            Item::Symlink(path, target) => {
                header.set_entry_type(tar::EntryType::Symlink);
                header.set_mode(0o777);
                header.set_size(0);
                builder.append_link(&mut header, path, target).unwrap();
            }
            Item::HardLink(path, target) => {
                header.set_entry_type(tar::EntryType::Link);
                header.set_mode(0o755);
                header.set_size(0);
                let name = &mut header.as_gnu_mut().unwrap().name;
                name[..path.len()].copy_from_slice(path.as_bytes());
                let link = &mut header.as_gnu_mut().unwrap().linkname;
                link[..target.len()].copy_from_slice(target.as_bytes());
                header.set_cksum();
                builder.append(&header, &[][..]).unwrap();
            }
            Item::RawName(path, data) => {
                header.set_entry_type(tar::EntryType::Regular);
                header.set_mode(0o644);
                header.set_size(data.len() as u64);
                let name = &mut header.as_gnu_mut().unwrap().name;
                name[..path.len()].copy_from_slice(path.as_bytes());
                header.set_cksum();
                builder.append(&header, &data[..]).unwrap();
            }
        }
    }
    builder.into_inner().unwrap()
}

pub fn gzip(bytes: &[u8]) -> Vec<u8> {
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    encoder.write_all(bytes).unwrap();
    encoder.finish().unwrap()
}

pub fn zstd(bytes: &[u8]) -> Vec<u8> {
    zstd::stream::encode_all(bytes, 1).unwrap()
}

#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Compression {
    None,
    Gzip,
    Zstd,
}

/// A layer: its tar and how it is stored.
pub struct LayerSpec {
    pub tar: Vec<u8>,
    pub compression: Compression,
}

pub fn layer(compression: Compression, items: &[Item]) -> LayerSpec {
    LayerSpec { tar: tar(items), compression }
}

/// A written image: digests of its parts, for tests that tamper with them.
pub struct Written {
    pub manifest: String,
    pub config: String,
    pub layers: Vec<String>,
    pub descriptor: serde_json::Value,
}

/// Writes a blob into `layout/blobs/sha256/`.
pub fn blob(layout: &Path, bytes: &[u8]) -> String {
    let digest = sha256(bytes);
    let dir = layout.join("blobs/sha256");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join(&digest[7..]), bytes).unwrap();
    digest
}

/// Writes the blobs of one image (config and layers and manifest) and returns
/// the manifest's descriptor; `user` goes into the config.
pub fn image(layout: &Path, layers: &[LayerSpec], user: &str, arch: &str) -> Written {
    let mut layer_descriptors = Vec::new();
    let mut diff_ids = Vec::new();
    let mut digests = Vec::new();
    for l in layers {
        diff_ids.push(sha256(&l.tar));
        let (bytes, media_type) = match l.compression {
            Compression::None => (l.tar.clone(), "application/vnd.oci.image.layer.v1.tar"),
            Compression::Gzip => (gzip(&l.tar), "application/vnd.oci.image.layer.v1.tar+gzip"),
            Compression::Zstd => (zstd(&l.tar), "application/vnd.oci.image.layer.v1.tar+zstd"),
        };
        let digest = blob(layout, &bytes);
        digests.push(digest.clone());
        layer_descriptors.push(serde_json::json!({"mediaType": media_type, "digest": digest, "size": bytes.len()}));
    }
    let config = serde_json::json!({
        "created": "2024-05-01T12:00:00Z",
        "architecture": arch, "os": "linux",
        "config": {"User": user},
        "rootfs": {"type": "layers", "diff_ids": diff_ids},
    });
    let config_bytes = serde_json::to_vec(&config).unwrap();
    let config_digest = blob(layout, &config_bytes);
    let manifest = serde_json::json!({
        "schemaVersion": 2,
        "mediaType": "application/vnd.oci.image.manifest.v1+json",
        "config": {"mediaType": "application/vnd.oci.image.config.v1+json", "digest": config_digest, "size": config_bytes.len()},
        "layers": layer_descriptors,
    });
    let manifest_bytes = serde_json::to_vec(&manifest).unwrap();
    let manifest_digest = blob(layout, &manifest_bytes);
    let descriptor = serde_json::json!({
        "mediaType": "application/vnd.oci.image.manifest.v1+json",
        "digest": manifest_digest, "size": manifest_bytes.len(),
        "platform": {"os": "linux", "architecture": arch},
    });
    Written { manifest: manifest_digest, config: config_digest, layers: digests, descriptor }
}

/// Writes `oci-layout` and an `index.json` listing `manifests`.
pub fn index(layout: &Path, manifests: Vec<serde_json::Value>) {
    std::fs::write(layout.join("oci-layout"), r#"{"imageLayoutVersion":"1.0.0"}"#).unwrap();
    let index = serde_json::json!({"schemaVersion": 2, "mediaType": "application/vnd.oci.image.index.v1+json", "manifests": manifests});
    std::fs::write(layout.join("index.json"), serde_json::to_vec(&index).unwrap()).unwrap();
}

/// Adds an annotation to a descriptor.
pub fn named(mut descriptor: serde_json::Value, key: &str, name: &str) -> serde_json::Value {
    descriptor["annotations"] = serde_json::json!({ key: name });
    descriptor
}

pub fn blob_path(layout: &Path, digest: &str) -> std::path::PathBuf {
    layout.join("blobs/sha256").join(&digest[7..])
}
