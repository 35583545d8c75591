//! Images written as OCI layouts and docker archives in Rust, read back:
//! layer application (whiteouts, opaque directories, gzip and zstd), platform
//! selection, and every kind of bad input the reader must refuse cleanly.

mod support;

use kubenorm_image::{Error, Options, PlatformSpec, Source, load};
use kubenorm_linter::model::image::FileKind;
use std::path::Path;
use support::*;

fn read(path: &Path) -> Result<kubenorm_image::Loaded, Error> {
    load(&Source::parse(&path.display().to_string()), &Options::default())
}

fn base_layers() -> Vec<LayerSpec> {
    vec![
        layer(
            Compression::None,
            &[
                Item::Dir("usr/"),
                Item::Dir("usr/bin/"),
                file("usr/bin/curl", "#!curl"),
                file("usr/bin/chmod", "#!chmod"),
                Item::File("usr/bin/passwd", b"#!passwd".to_vec(), 0o4755),
                Item::Symlink("bin", "usr/bin"),
                Item::Dir("var/cache/apt/"),
                file("var/cache/apt/pkgcache.bin", "cache"),
                Item::Dir("etc/"),
                file("etc/passwd", "root:x:0:0:root:/root:/bin/sh\napp:x:1000:1000::/app:/bin/sh\n"),
            ],
        ),
        layer(
            Compression::Gzip,
            &[
                Item::File("usr/bin/.wh.curl", Vec::new(), 0o644),
                Item::File("var/cache/apt/.wh..wh..opq", Vec::new(), 0o644),
                file("var/cache/apt/new.bin", "kept: same layer as the opaque marker"),
                Item::Dir("root/"),
                file("root/.npmrc", "//npm.company.com/:_authToken=npm_abc123\n"),
            ],
        ),
        layer(
            Compression::Zstd,
            &[Item::Dir("app/"), file("app/server", "binary"), Item::HardLink("app/server-link", "app/server")],
        ),
    ]
}

#[test]
fn applies_layers_with_whiteouts_and_opaque_directories() {
    let dir = tempfile::tempdir().unwrap();
    let written = image(dir.path(), &base_layers(), "1000", "amd64");
    index(dir.path(), vec![named(written.descriptor.clone(), "org.opencontainers.image.ref.name", "1.0")]);
    let loaded = read(dir.path()).unwrap();
    let image = &loaded.model;
    assert_eq!(image.layers.len(), 3);
    assert_eq!(image.layers[1].digest, written.layers[1]);
    assert!(image.layers.iter().all(|l| l.size > 0));
    assert!(!image.layers[0].compressed && image.layers[1].compressed);
    assert_eq!(loaded.digest.as_ref().map(|d| d.to_string()), Some(written.manifest.clone()));
    assert_eq!(loaded.platform, "linux/amd64, the image's only platform");
    // A ref name that is only a tag names no registry: the naming rules are skipped.
    assert_eq!(image.reference, None);
    assert!(loaded.notes.iter().any(|n| n.contains("--reference")), "{:?}", loaded.notes);

    assert!(image.file("/usr/bin/curl").is_none(), "whited out by layer 2");
    assert!(image.file("/usr/bin/.wh.curl").is_none(), "whiteout markers are not files");
    assert!(image.file("/var/cache/apt/pkgcache.bin").is_none(), "hidden by the opaque directory");
    assert_eq!(image.file("/var/cache/apt/new.bin").map(|e| e.layer), Some(1));
    assert_eq!(image.file("/usr/bin/passwd").map(|e| e.mode), Some(0o4755));
    assert_eq!(image.resolve("/bin/chmod").map(|e| e.path.as_str()), Some("/usr/bin/chmod"));
    let npmrc = image.file("/root/.npmrc").unwrap();
    assert_eq!(npmrc.layer, 1);
    assert!(npmrc.content.as_deref().unwrap().starts_with(b"//npm.company.com/"));
    assert!(image.file("/usr/bin/chmod").unwrap().content.is_none(), "only files rules read are kept");
    assert_eq!(image.file("/app/server-link").map(|e| e.kind.clone()), Some(FileKind::HardLink("/app/server".into())));
    assert_eq!(image.config.user.as_deref(), Some("1000"));
    assert!(image.removed().is_empty(), "nothing secret-looking was deleted");
}

#[test]
fn remembers_secret_files_that_later_layers_delete() {
    let dir = tempfile::tempdir().unwrap();
    let layers = vec![
        layer(
            Compression::Gzip,
            &[Item::Dir("root/"), file("root/.npmrc", "//r/:_authToken=npm_x\n"), file("root/notes", "x")],
        ),
        layer(
            Compression::Gzip,
            &[Item::File("root/.wh..npmrc", Vec::new(), 0o644), Item::File("root/.wh.notes", Vec::new(), 0o644)],
        ),
    ];
    let written = layout(dir.path(), &layers);
    let image = read(dir.path()).unwrap().model;
    assert!(image.file("/root/.npmrc").is_none());
    let removed: Vec<(&str, usize, usize)> =
        image.removed().iter().map(|r| (r.entry.path.as_str(), r.entry.layer, r.by_layer)).collect();
    assert_eq!(removed, [("/root/.npmrc", 0, 1)], "only secret-looking files are remembered");
    assert!(image.removed()[0].entry.content.is_some());
    assert_eq!(image.layers[0].digest, written.layers[0]);
}

#[test]
fn picks_a_platform_from_an_index() {
    let dir = tempfile::tempdir().unwrap();
    let amd = image(dir.path(), &base_layers()[..1], "0", "amd64");
    let arm = image(dir.path(), &[layer(Compression::Gzip, &[file("arm", "x")])], "0", "arm64");
    let index_doc = serde_json::json!({
        "schemaVersion": 2, "mediaType": "application/vnd.oci.image.index.v1+json",
        "manifests": [arm.descriptor, amd.descriptor,
            {"mediaType": "application/vnd.oci.image.manifest.v1+json", "digest": amd.manifest, "size": 1,
             "platform": {"os": "unknown", "architecture": "unknown"},
             "annotations": {"vnd.docker.reference.type": "attestation-manifest"}}],
    });
    let bytes = serde_json::to_vec(&index_doc).unwrap();
    let index_digest = blob(dir.path(), &bytes);
    index(
        dir.path(),
        vec![named(
            serde_json::json!({"mediaType": "application/vnd.oci.image.index.v1+json", "digest": index_digest, "size": bytes.len()}),
            "io.containerd.image.name",
            "harbor.company.com/shop/web:1.0",
        )],
    );
    let loaded = read(dir.path()).unwrap();
    assert_eq!(loaded.platform, "linux/amd64, picked from an index of linux/arm64, linux/amd64");
    assert_eq!(loaded.digest.map(|d| d.to_string()), Some(amd.manifest.clone()));
    assert_eq!(loaded.model.reference.as_deref(), Some("harbor.company.com/shop/web:1.0"));

    let arm64 = Options { platform: PlatformSpec::parse("linux/arm64").unwrap(), ..Options::default() };
    let loaded = load(&Source::parse(&dir.path().display().to_string()), &arm64).unwrap();
    assert!(loaded.model.file("/arm").is_some());

    let s390x = Options { platform: PlatformSpec::parse("linux/s390x").unwrap(), ..Options::default() };
    let err = load(&Source::parse(&dir.path().display().to_string()), &s390x).unwrap_err();
    assert!(matches!(err, Error::Platform { .. }), "{err}");
    assert!(
        err.to_string().contains("has no image for platform linux/s390x (it has: linux/arm64, linux/amd64)"),
        "{err}"
    );
}

#[test]
fn several_images_need_a_name() {
    let dir = tempfile::tempdir().unwrap();
    let a = image(dir.path(), &base_layers()[..1], "0", "amd64");
    let b = image(dir.path(), &[layer(Compression::None, &[file("b", "b")])], "1000", "amd64");
    let a = named(a.descriptor, "org.opencontainers.image.ref.name", "a");
    let mut b = named(b.descriptor, "org.opencontainers.image.ref.name", "b");
    b.as_object_mut().unwrap().remove("platform");
    index(dir.path(), vec![a, b]);
    let err = read(dir.path()).unwrap_err();
    assert!(matches!(err, Error::Ambiguous { .. }), "{err}");
    let loaded = read(Path::new(&format!("{}:b", dir.path().display()))).unwrap();
    assert!(loaded.model.file("/b").is_some());
    let err = read(Path::new(&format!("{}:c", dir.path().display()))).unwrap_err().to_string();
    assert!(err.ends_with("has no image named `c` (it has: a, b)"), "{err}");
}

/// A layout with one image of `layers`, returning the written digests.
fn layout(dir: &Path, layers: &[LayerSpec]) -> Written {
    let written = image(dir, layers, "1000", "amd64");
    index(dir, vec![written.descriptor.clone()]);
    written
}

#[test]
fn a_changed_layer_is_a_digest_mismatch_naming_the_layer() {
    let dir = tempfile::tempdir().unwrap();
    let written = layout(dir.path(), &base_layers());
    let path = blob_path(dir.path(), &written.layers[0]);
    let mut bytes = std::fs::read(&path).unwrap();
    // Same length, one byte of file content changed: the tar still parses.
    let at = bytes.windows(6).position(|w| w == b"#!curl").unwrap();
    bytes[at + 2] = b'C';
    std::fs::write(&path, bytes).unwrap();
    let err = read(dir.path()).unwrap_err();
    assert!(matches!(err, Error::DigestMismatch { .. }), "{err}");
    assert!(err.to_string().starts_with(&format!("layer 1 of 3 ({}): digest mismatch", written.layers[0])), "{err}");
}

#[test]
fn a_truncated_layer_is_an_error_naming_the_layer() {
    for (n, compression) in [(0, Compression::None), (1, Compression::Gzip), (2, Compression::Zstd)] {
        let dir = tempfile::tempdir().unwrap();
        let mut layers = base_layers();
        layers[n].compression = compression;
        let written = layout(dir.path(), &layers);
        let path = blob_path(dir.path(), &written.layers[n]);
        let bytes = std::fs::read(&path).unwrap();
        std::fs::write(&path, &bytes[..bytes.len() / 2]).unwrap();
        let err = read(dir.path()).unwrap_err().to_string();
        assert!(err.starts_with(&format!("layer {} of 3 ({})", n + 1, written.layers[n])), "{err}");
        assert!(err.contains("truncated"), "{err}");
    }
}

#[test]
fn a_wrong_diff_id_is_reported() {
    let dir = tempfile::tempdir().unwrap();
    let written = layout(dir.path(), &base_layers());
    // Rewrite the config with another diff_id, and the manifest and index to match.
    let config_path = blob_path(dir.path(), &written.config);
    let mut config: serde_json::Value = serde_json::from_slice(&std::fs::read(&config_path).unwrap()).unwrap();
    config["rootfs"]["diff_ids"][2] = serde_json::json!(sha256(b"other"));
    let config_bytes = serde_json::to_vec(&config).unwrap();
    let config_digest = blob(dir.path(), &config_bytes);
    let manifest_path = blob_path(dir.path(), &written.manifest);
    let mut manifest: serde_json::Value = serde_json::from_slice(&std::fs::read(&manifest_path).unwrap()).unwrap();
    manifest["config"]["digest"] = serde_json::json!(config_digest);
    manifest["config"]["size"] = serde_json::json!(config_bytes.len());
    let manifest_bytes = serde_json::to_vec(&manifest).unwrap();
    let manifest_digest = blob(dir.path(), &manifest_bytes);
    index(dir.path(), vec![serde_json::json!({"digest": manifest_digest, "size": manifest_bytes.len()})]);
    let err = read(dir.path()).unwrap_err().to_string();
    assert!(
        err.starts_with(&format!(
            "layer 3 of 3 ({}) (uncompressed, rootfs.diff_ids): digest mismatch",
            written.layers[2]
        )),
        "{err}"
    );
}

#[test]
fn a_path_traversal_entry_is_refused() {
    for items in [
        vec![Item::RawName("../../etc/passwd", b"root::0:0::/:/bin/sh\n".to_vec())],
        vec![Item::RawName("app/../../../etc/shadow", b"x".to_vec())],
        vec![Item::HardLink("app/link", "../../etc/passwd")],
    ] {
        let dir = tempfile::tempdir().unwrap();
        let written = layout(dir.path(), &[layer(Compression::Gzip, &items)]);
        let err = read(dir.path()).unwrap_err();
        assert!(matches!(err, Error::PathTraversal { .. }), "{err}");
        let text = err.to_string();
        assert!(text.starts_with(&format!("layer 1 of 1 ({}): entry `", written.layers[0])), "{text}");
        assert!(text.contains("escapes the image root"), "{text}");
    }
    // Nothing was written anywhere near the layout's parent.
    assert!(!Path::new("/etc/shadow-kubenorm-test").exists());
}

#[test]
fn unknown_media_types_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let artifact = br#"{"schemaVersion":2,"mediaType":"application/vnd.oci.artifact.manifest.v1+json","blobs":[]}"#;
    let digest = blob(dir.path(), artifact);
    index(dir.path(), vec![serde_json::json!({"digest": digest, "size": artifact.len()})]);
    let err = read(dir.path()).unwrap_err();
    assert!(matches!(err, Error::MediaType { .. }), "{err}");
    assert!(err.to_string().contains("`application/vnd.oci.artifact.manifest.v1+json`"), "{err}");

    let dir = tempfile::tempdir().unwrap();
    let written = layout(dir.path(), &base_layers()[..1]);
    let manifest_path = blob_path(dir.path(), &written.manifest);
    let mut manifest: serde_json::Value = serde_json::from_slice(&std::fs::read(&manifest_path).unwrap()).unwrap();
    manifest["layers"][0]["mediaType"] = serde_json::json!("application/vnd.oci.image.layer.v1.tar+lz4");
    let bytes = serde_json::to_vec(&manifest).unwrap();
    let digest = blob(dir.path(), &bytes);
    index(dir.path(), vec![serde_json::json!({"digest": digest, "size": bytes.len()})]);
    let err = read(dir.path()).unwrap_err().to_string();
    assert_eq!(
        err,
        format!(
            "layer 1 of 1 ({}) has the unsupported media type `application/vnd.oci.image.layer.v1.tar+lz4`",
            written.layers[0]
        )
    );
}

#[test]
fn missing_and_garbage_inputs_are_clear_errors() {
    let dir = tempfile::tempdir().unwrap();
    let err = read(dir.path()).unwrap_err().to_string();
    assert!(err.ends_with("is not an OCI image layout (no index.json)"), "{err}");
    std::fs::write(dir.path().join("index.json"), "{not json").unwrap();
    let err = read(dir.path()).unwrap_err().to_string();
    assert!(err.contains("index.json") && err.contains("not valid JSON"), "{err}");

    let written = layout(dir.path(), &base_layers()[..1]);
    std::fs::remove_file(blob_path(dir.path(), &written.layers[0])).unwrap();
    let err = read(dir.path()).unwrap_err().to_string();
    assert!(err.contains("is missing"), "{err}");

    let garbage = dir.path().join("garbage.tar");
    std::fs::write(&garbage, vec![0x55; 3000]).unwrap();
    let err = read(&garbage).unwrap_err().to_string();
    assert!(err.contains("garbage.tar"), "{err}");
    let gz = dir.path().join("image.tar.gz");
    std::fs::write(&gz, gzip(b"x")).unwrap();
    let err = read(&gz).unwrap_err().to_string();
    assert!(err.contains("is compressed: decompress it first"), "{err}");
}

/// A `docker save` archive: manifest.json, `<hex>.json` config, `<id>/layer.tar`
/// layers, and a repeated layer stored once and symlinked (as Docker does).
fn docker_archive(path: &Path, tamper: bool) -> Vec<String> {
    let layers = [
        tar(&[Item::Dir("usr/"), Item::Dir("usr/bin/"), file("usr/bin/wget", "w")]),
        tar(&[Item::Dir("app/"), file("app/.env", "DB_PASSWORD=x\n")]),
    ];
    let diff_ids: Vec<String> = layers.iter().map(|l| sha256(l)).collect();
    let config = serde_json::json!({"os": "linux", "architecture": "amd64", "config": {"User": ""},
        "rootfs": {"type": "layers", "diff_ids": [diff_ids[0], diff_ids[1], diff_ids[0]]}});
    let config_bytes = serde_json::to_vec(&config).unwrap();
    let config_name = format!("{}.json", &sha256(&config_bytes)[7..]);
    let manifest = serde_json::json!([{"Config": config_name, "RepoTags": ["harbor.company.com/shop/web:1.0"],
        "Layers": ["a/layer.tar", "b/layer.tar", "c/layer.tar"]}]);
    let mut builder = tar::Builder::new(Vec::new());
    let mut add = |name: &str, data: &[u8]| {
        let mut header = tar::Header::new_ustar();
        header.set_size(data.len() as u64);
        header.set_mode(0o644);
        builder.append_data(&mut header, name, data).unwrap();
    };
    add("manifest.json", &serde_json::to_vec(&manifest).unwrap());
    add(&config_name, &config_bytes);
    add("a/layer.tar", &layers[0]);
    let mut second = layers[1].clone();
    if tamper {
        let at = second.windows(8).position(|w| w == b"PASSWORD").unwrap();
        second[at] = b'p';
    }
    add("b/layer.tar", &second);
    let mut header = tar::Header::new_ustar();
    header.set_entry_type(tar::EntryType::Symlink);
    header.set_size(0);
    builder.append_link(&mut header, "c/layer.tar", "../a/layer.tar").unwrap();
    std::fs::write(path, builder.into_inner().unwrap()).unwrap();
    diff_ids
}

#[test]
fn reads_a_docker_archive() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("web.tar");
    let diff_ids = docker_archive(&path, false);
    let loaded = read(&path).unwrap();
    let image = &loaded.model;
    assert_eq!(image.reference.as_deref(), Some("harbor.company.com/shop/web:1.0"));
    assert_eq!(image.layers.len(), 3);
    assert_eq!(image.layers[1].digest, diff_ids[1]);
    assert!(!image.layers[0].compressed);
    assert_eq!(image.file("/usr/bin/wget").map(|e| e.layer), Some(2), "the repeated layer added it last");
    assert_eq!(image.file("/app/.env").map(|e| e.size), Some(14));
    assert_eq!(loaded.platform, "linux/amd64, the image's only platform");
    assert!(loaded.notes.is_empty(), "{:?}", loaded.notes);

    let named = read(Path::new(&format!("{}:1.0", path.display()))).unwrap();
    assert_eq!(named.model.layers.len(), 3);
}

#[test]
fn a_tampered_docker_archive_layer_is_reported() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("web.tar");
    let diff_ids = docker_archive(&path, true);
    let err = read(&path).unwrap_err().to_string();
    assert!(err.starts_with(&format!("layer 2 of 3 ({})", diff_ids[1])) && err.contains("digest mismatch"), "{err}");

    // Cut the archive inside the second layer: the reader says which member is short.
    docker_archive(&path, false);
    let bytes = std::fs::read(&path).unwrap();
    let cut = bytes.windows(8).position(|w| w == b"PASSWORD").unwrap();
    std::fs::write(&path, &bytes[..cut]).unwrap();
    let err = read(&path).unwrap_err().to_string();
    assert!(err.contains("is truncated: member `b/layer.tar` needs"), "{err}");

    // Cut between two members: no member is short, but the end-of-archive blocks are missing.
    docker_archive(&path, false);
    let bytes = std::fs::read(&path).unwrap();
    let second_header = (0..bytes.len()).step_by(512).find(|&at| bytes[at..].starts_with(b"b/layer.tar")).unwrap();
    std::fs::write(&path, &bytes[..second_header]).unwrap();
    let err = read(&path).unwrap_err().to_string();
    assert!(err.ends_with("has no `b/layer.tar` (it is truncated: it ends between members)"), "{err}");
    std::fs::write(&path, b"").unwrap();
    let err = read(&path).unwrap_err().to_string();
    assert!(err.contains("is truncated: it ends between members, without the end-of-archive blocks"), "{err}");
}
