//! `kubenorm image` and `kubenorm registry prune` end to end, with real
//! components: images built by `umoci` (no Docker daemon), copied by
//! `skopeo` into a docker archive and into a real registry (Debian's
//! `docker-registry`, the CNCF distribution), which each test starts on a
//! free port of 127.0.0.1 and stops. `.ci/run` installs the three tools.

mod common;

use common::{json, stderr};
use serde_json::Value;
use std::collections::BTreeSet;
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

fn kubenorm(args: &[&str], dir: &Path) -> Output {
    kubenorm_with_env(args, dir, &[])
}

fn kubenorm_with_env(args: &[&str], dir: &Path, env: &[(&str, &Path)]) -> Output {
    let mut cmd = common::kubenorm();
    // No auth file unless a test gives one: the machine's must not leak in.
    cmd.args(args).current_dir(dir).env("REGISTRY_AUTH_FILE", dir.join("no-auth.json"));
    for (k, v) in env {
        cmd.env(k, v);
    }
    cmd.output().expect("kubenorm runs")
}

/// The rules that fired, from `--format json`.
fn rules(out: &Output) -> BTreeSet<String> {
    json(out)["findings"].as_array().unwrap().iter().map(|f| f["rule"].as_str().unwrap().to_string()).collect()
}

/// Runs a tool the tests need; it must be installed (see `.ci/run`).
fn tool(name: &str, args: &[&str], dir: &Path) -> Output {
    let out = Command::new(name).args(args).current_dir(dir).output().unwrap_or_else(|e| {
        panic!(
            "`{name}` is needed by the image tests ({e}): apt-get install skopeo umoci docker-registry (.ci/run does)"
        )
    });
    assert!(out.status.success(), "{name} {args:?} failed: {}", stderr(&out));
    out
}

/// A real registry on a free port, stopped when dropped.
struct Registry {
    child: Child,
    port: u16,
    _storage: tempfile::TempDir,
}

impl Registry {
    /// `delete`: whether deletes are enabled; `htpasswd`: a `user:bcrypt` line for basic auth.
    fn start(delete: bool, htpasswd: Option<&str>) -> Registry {
        let storage = tempfile::tempdir().unwrap();
        let port = TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
        let mut config = format!(
            "version: 0.1\nlog:\n  level: error\nstorage:\n  filesystem:\n    rootdirectory: {}\n  delete:\n    enabled: {delete}\nhttp:\n  addr: 127.0.0.1:{port}\n",
            storage.path().join("data").display()
        );
        if let Some(line) = htpasswd {
            let file = storage.path().join("htpasswd");
            std::fs::write(&file, format!("{line}\n")).unwrap();
            config.push_str(&format!("auth:\n  htpasswd:\n    realm: kubenorm-test\n    path: {}\n", file.display()));
        }
        let config_path = storage.path().join("config.yml");
        std::fs::write(&config_path, config).unwrap();
        let child = Command::new("docker-registry")
            .arg("serve")
            .arg(&config_path)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap_or_else(|e| panic!("`docker-registry` is needed by the image tests ({e}): see .ci/run"));
        let registry = Registry { child, port, _storage: storage };
        let started = Instant::now();
        while TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(started.elapsed() < Duration::from_secs(20), "the registry did not start on port {port}");
            std::thread::sleep(Duration::from_millis(50));
        }
        registry
    }

    fn host(&self) -> String {
        format!("127.0.0.1:{}", self.port)
    }
}

impl Drop for Registry {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Builds images with umoci in `root/oci`: one `umoci unpack`/`repack`
/// round per layer, so deletions become whiteouts.
struct Builder {
    root: PathBuf,
}

impl Builder {
    fn new(root: &Path) -> Builder {
        tool("umoci", &["init", "--layout", "oci"], root);
        Builder { root: root.to_path_buf() }
    }

    fn layout(&self) -> PathBuf {
        self.root.join("oci")
    }

    /// A new image `tag` with one layer per step (each step edits the rootfs).
    fn image(&self, tag: &str, steps: &[&dyn Fn(&Path)]) {
        let image = format!("oci:{tag}");
        tool("umoci", &["new", "--image", &image], &self.root);
        for (i, step) in steps.iter().enumerate() {
            let bundle = format!("bundle-{tag}-{i}");
            tool("umoci", &["unpack", "--rootless", "--image", &image, &bundle], &self.root);
            step(&self.root.join(&bundle).join("rootfs"));
            tool("umoci", &["repack", "--image", &image, &bundle], &self.root);
            std::fs::remove_dir_all(self.root.join(&bundle)).unwrap();
        }
    }

    fn config(&self, tag: &str, args: &[&str]) {
        let image = format!("oci:{tag}");
        let mut all = vec!["config", "--image", &image];
        all.extend_from_slice(args);
        tool("umoci", &all, &self.root);
    }

    /// skopeo copy from this layout to `dest` (`docker://…`, `docker-archive:…`).
    fn copy(&self, tag: &str, dest: &str, extra: &[&str]) {
        let source = format!("oci:{}:{tag}", self.layout().display());
        let mut args = vec!["--insecure-policy", "copy", "--quiet"];
        args.extend_from_slice(extra);
        args.extend_from_slice(&[source.as_str(), dest]);
        tool("skopeo", &args, &self.root);
    }
}

fn write(path: &Path, text: &str, mode: u32) {
    use std::os::unix::fs::PermissionsExt;
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode)).unwrap();
}

/// The handbook's bad image: a Debian-like base with a package manager,
/// network and attribute tools, a setuid file; then an app layer that
/// removes curl, the apt cache and AWS credentials (which its first layer
/// still ships) but leaves an npm token; no USER.
fn bad_image(builder: &Builder, tag: &str) {
    let base = |rootfs: &Path| {
        for tool in ["curl", "wget", "chmod", "chown", "apt-get", "dpkg"] {
            write(&rootfs.join("usr/bin").join(tool), "#!/bin/sh\n", 0o755);
        }
        write(&rootfs.join("usr/bin/passwd"), "#!/bin/sh\n", 0o4755);
        std::os::unix::fs::symlink("usr/bin", rootfs.join("bin")).unwrap();
        write(&rootfs.join("etc/passwd"), "root:x:0:0:root:/root:/bin/sh\n", 0o644);
        write(&rootfs.join("var/cache/apt/pkgcache.bin"), "cache", 0o644);
        write(&rootfs.join("root/.aws/credentials"), "[default]\naws_secret_access_key=abc\n", 0o600);
    };
    let app = |rootfs: &Path| {
        std::fs::remove_file(rootfs.join("usr/bin/curl")).unwrap();
        std::fs::remove_dir_all(rootfs.join("var/cache/apt")).unwrap();
        std::fs::remove_dir_all(rootfs.join("root/.aws")).unwrap();
        write(&rootfs.join("root/.npmrc"), "//npm.company.com/:_authToken=npm_0123456789\n", 0o600);
        write(&rootfs.join("app/server"), "#!/bin/sh\nexec sleep 1\n", 0o755);
    };
    builder.image(tag, &[&base, &app]);
    builder.config(tag, &["--created", "2024-05-01T12:00:00Z"]);
}

const BAD_IMAGE_RULES: &[&str] = &[
    "image-attribute-tools-present",
    "image-network-tools-present",
    "image-package-manager-present",
    "image-secret-file",
    "image-setuid-file",
    "image-user-root",
];

fn expected(extra: &[&str]) -> BTreeSet<String> {
    BAD_IMAGE_RULES.iter().chain(extra).map(|s| s.to_string()).collect()
}

#[test]
fn inspects_an_oci_layout_built_by_umoci() {
    let dir = tempfile::tempdir().unwrap();
    let builder = Builder::new(dir.path());
    bad_image(&builder, "web");
    let layout = format!("{}:web", builder.layout().display());

    let out = kubenorm(&["image", &layout, "--format", "json"], dir.path());
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert_eq!(rules(&out), expected(&[]));
    let report = json(&out);
    let findings = report["findings"].as_array().unwrap();
    let messages: Vec<&str> = findings.iter().map(|f| f["message"].as_str().unwrap()).collect();
    // curl was deleted by the second layer (a whiteout): only wget is a network tool.
    assert!(
        messages
            .iter()
            .any(|m| m
                .starts_with("network tool `wget` is in the image: `/usr/bin/wget` (added by layer 1 of 2, sha256:")),
        "{messages:#?}"
    );
    assert!(!messages.iter().any(|m| m.contains("curl")), "{messages:#?}");
    assert!(
        messages.iter().any(|m| m.starts_with("`/root/.npmrc` (added by layer 2 of 2, sha256:")
            && m.ends_with("holds an npm registry token")),
        "{messages:#?}"
    );
    for f in findings {
        assert_eq!(
            (f["file"].as_str(), f["line"].as_u64(), f["column"].as_u64()),
            (Some(layout.as_str()), Some(1), Some(1))
        );
        assert!(f["object"].is_null());
    }
    // The platform and what was read are said on stderr.
    let err = stderr(&out);
    assert!(err.contains("platform linux/amd64, the image's only platform; 2 layers"), "{err}");
    assert!(err.contains("naming rules are skipped"), "{err}");

    // With a reference, the naming rules judge it.
    let out =
        kubenorm(&["image", &layout, "--reference", "harbor.company.com/web:latest", "--format", "json"], dir.path());
    assert_eq!(rules(&out), expected(&["image-name-nonconforming", "image-tag-floating"]));

    // Configuration and selection work as for `check`.
    std::fs::write(dir.path().join(".kubenorm.yaml"), "rules:\n  image-user-root: off\n  image-secret-file: warning\n")
        .unwrap();
    let out = kubenorm(&["image", &layout, "--format", "json", "--ignore", "image-setuid-file"], dir.path());
    assert_eq!(out.status.code(), Some(0), "no error left: {}", stderr(&out));
    let got = rules(&out);
    assert!(
        !got.contains("image-user-root") && !got.contains("image-setuid-file") && got.contains("image-secret-file")
    );
    let out = kubenorm(&["image", &layout, "--select", "image-user-root", "--fail-on", "warning"], dir.path());
    assert_eq!(out.status.code(), Some(0), "the rule is off in the config: {}", stderr(&out));
}

#[test]
fn every_output_format_works_for_images() {
    let dir = tempfile::tempdir().unwrap();
    let builder = Builder::new(dir.path());
    bad_image(&builder, "web");
    let layout = format!("{}:web", builder.layout().display());

    let out = kubenorm(&["image", &layout, "--format", "sarif", "--color", "never"], dir.path());
    assert_eq!(out.status.code(), Some(1));
    let sarif = json(&out);
    let schema_path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/sarif-schema-2.1.0.json");
    let schema: Value = serde_json::from_str(&std::fs::read_to_string(schema_path).unwrap()).unwrap();
    let validator = jsonschema::draft4::new(&schema).expect("schema compiles");
    let errors: Vec<String> = validator.iter_errors(&sarif).map(|e| format!("{e} at {}", e.instance_path())).collect();
    assert!(errors.is_empty(), "{errors:#?}");
    let driver_rules: Vec<&str> = sarif["runs"][0]["tool"]["driver"]["rules"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["id"].as_str().unwrap())
        .collect();
    assert!(driver_rules.contains(&"image-secret-file") && driver_rules.contains(&"image-tag-floating"));
    assert!(!driver_rules.contains(&"container-runs-as-root"), "only the rules that judge images: {driver_rules:?}");
    let json_report = kubenorm(&["image", &layout, "--format", "json"], dir.path());
    let results = sarif["runs"][0]["results"].as_array().unwrap();
    assert_eq!(results.len(), json(&json_report)["findings"].as_array().unwrap().len());
    assert_eq!(results[0]["locations"][0]["physicalLocation"]["region"]["startLine"], 1);

    let human = kubenorm(&["image", &layout, "--color", "never"], dir.path());
    let text = String::from_utf8_lossy(&human.stdout);
    assert!(text.contains("error[image-user-root]: the image config sets no `User`: containers run as root"), "{text}");
    assert!(text.contains(&format!("--> {layout}:1:1")), "{text}");
    assert!(text.contains(") in the image (2 layers) in "), "{text}");

    let github = kubenorm(&["image", &layout, "--format", "github"], dir.path());
    assert!(String::from_utf8_lossy(&github.stdout).contains("::error file="), "github");
    for format in ["gitlab", "junit"] {
        let out = kubenorm(&["image", &layout, "--format", format, "-o", "report.out"], dir.path());
        assert_eq!(out.status.code(), Some(1), "{format}: {}", stderr(&out));
        let report = std::fs::read_to_string(dir.path().join("report.out")).unwrap();
        assert!(report.contains("image-secret-file"), "{format}: {report}");
    }
}

#[test]
fn inspects_a_docker_archive_written_by_skopeo() {
    let dir = tempfile::tempdir().unwrap();
    let builder = Builder::new(dir.path());
    bad_image(&builder, "web");
    let archive = dir.path().join("web.tar");
    builder.copy("web", &format!("docker-archive:{}:web:latest", archive.display()), &[]);

    let out = kubenorm(&["image", archive.to_str().unwrap(), "--format", "json"], dir.path());
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    // skopeo names it docker.io/library/web:latest: a public registry and a floating tag.
    assert_eq!(rules(&out), expected(&["image-registry-not-allowed", "image-tag-floating"]));
    let messages = json(&out)["findings"].to_string();
    assert!(
        messages.contains("image `docker.io/library/web:latest` comes from the public registry `docker.io`"),
        "{messages}"
    );
    assert!(stderr(&out).contains("2 layers"), "{}", stderr(&out));

    // A cut archive is an error naming it, not a panic.
    let bytes = std::fs::read(&archive).unwrap();
    std::fs::write(&archive, &bytes[..bytes.len() / 2]).unwrap();
    let out = kubenorm(&["image", archive.to_str().unwrap()], dir.path());
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    let err = stderr(&out);
    assert!(err.contains(&format!("cannot inspect `{}`", archive.display())) && err.contains("is truncated"), "{err}");
    assert!(!err.contains("panicked"), "{err}");
}

#[test]
fn inspects_images_in_a_real_registry() {
    let dir = tempfile::tempdir().unwrap();
    let registry = Registry::start(true, None);
    let host = registry.host();
    let builder = Builder::new(dir.path());
    bad_image(&builder, "web");
    builder.copy("web", &format!("docker://{host}/shop/web:1.0"), &["--dest-tls-verify=false"]);

    let reference = format!("{host}/shop/web:1.0");
    let out = kubenorm(&["image", &reference, "--insecure", "--format", "json"], dir.path());
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert_eq!(rules(&out), expected(&[]));
    assert!(stderr(&out).contains(&format!("kubenorm: {reference} sha256:")), "{}", stderr(&out));

    let config = dir.path().join("strict.yaml");
    std::fs::write(&config, "images:\n  registries: [harbor.company.com]\n").unwrap();
    let out = kubenorm(&["image", &reference, "--insecure", "--format", "json", "--config", "strict.yaml"], dir.path());
    assert_eq!(rules(&out), expected(&["image-registry-not-allowed"]));

    // A missing tag: the registry's 404 and its code.
    let out = kubenorm(&["image", &format!("{host}/shop/web:9.9"), "--insecure"], dir.path());
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("the registry answered 404 Not Found: MANIFEST_UNKNOWN"), "{}", stderr(&out));

    // Without --insecure kubenorm speaks TLS, which this registry does not.
    let out = kubenorm(&["image", &reference, "--retries", "0"], dir.path());
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains(&format!("GET https://{host}/v2/shop/web/manifests/1.0")), "{}", stderr(&out));

    // A stopped registry: a clear error, quickly.
    drop(registry);
    let out = kubenorm(&["image", &reference, "--insecure", "--retries", "1", "--timeout", "2"], dir.path());
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("connection failed") || stderr(&out).contains("onnection refused"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn picks_a_platform_from_a_multi_arch_image_in_a_registry() {
    let dir = tempfile::tempdir().unwrap();
    let registry = Registry::start(true, None);
    let builder = Builder::new(dir.path());
    let amd = |rootfs: &Path| write(&rootfs.join("usr/bin/curl"), "amd64", 0o755);
    let arm = |rootfs: &Path| write(&rootfs.join("usr/bin/wget"), "arm64", 0o755);
    builder.image("amd64", &[&amd]);
    builder.config("amd64", &["--config.user", "1000"]);
    builder.image("arm64", &[&arm]);
    builder.config("arm64", &["--config.user", "1000", "--architecture", "arm64"]);
    // One index.json entry listing both manifests with their platforms.
    let index_path = builder.layout().join("index.json");
    let index: Value = serde_json::from_str(&std::fs::read_to_string(&index_path).unwrap()).unwrap();
    let manifest = |tag: &str, arch: &str| {
        let mut d = index["manifests"]
            .as_array()
            .unwrap()
            .iter()
            .find(|d| d["annotations"]["org.opencontainers.image.ref.name"] == tag)
            .unwrap()
            .clone();
        d.as_object_mut().unwrap().remove("annotations");
        d["platform"] = serde_json::json!({"os": "linux", "architecture": arch});
        d
    };
    let list = serde_json::json!({"schemaVersion": 2, "mediaType": "application/vnd.oci.image.index.v1+json",
        "manifests": [manifest("arm64", "arm64"), manifest("amd64", "amd64")]});
    let bytes = serde_json::to_vec(&list).unwrap();
    let digest = sha256_hex(&bytes);
    std::fs::write(builder.layout().join("blobs/sha256").join(&digest), &bytes).unwrap();
    let mut index = index;
    index["manifests"].as_array_mut().unwrap().push(serde_json::json!({
        "mediaType": "application/vnd.oci.image.index.v1+json", "digest": format!("sha256:{digest}"), "size": bytes.len(),
        "annotations": {"org.opencontainers.image.ref.name": "multi"}}));
    std::fs::write(&index_path, serde_json::to_vec(&index).unwrap()).unwrap();
    builder.copy(
        "multi",
        &format!("docker://{}/shop/multi:1.0", registry.host()),
        &["--all", "--dest-tls-verify=false"],
    );

    let reference = format!("{}/shop/multi:1.0", registry.host());
    let out = kubenorm(&["image", &reference, "--insecure", "--format", "json"], dir.path());
    assert_eq!(rules(&out), BTreeSet::from(["image-network-tools-present".to_string()]));
    assert!(json(&out)["findings"][0]["message"].as_str().unwrap().contains("`curl`"));
    assert!(
        stderr(&out).contains("platform linux/amd64, picked from an index of linux/arm64, linux/amd64"),
        "{}",
        stderr(&out)
    );
    let out =
        kubenorm(&["image", &reference, "--insecure", "--format", "json", "--platform", "linux/arm64"], dir.path());
    assert!(json(&out)["findings"][0]["message"].as_str().unwrap().contains("`wget`"));
    let out = kubenorm(&["image", &reference, "--insecure", "--platform", "linux/s390x"], dir.path());
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("has no image for platform linux/s390x (it has: linux/arm64, linux/amd64)"),
        "{}",
        stderr(&out)
    );
}

fn sha256_hex(bytes: &[u8]) -> String {
    let out = Command::new("sha256sum")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .and_then(|mut child| {
            use std::io::Write;
            child.stdin.take().unwrap().write_all(bytes)?;
            child.wait_with_output()
        })
        .unwrap();
    String::from_utf8_lossy(&out.stdout).split_whitespace().next().unwrap().to_string()
}

/// `s3cret` for user `kubenorm`, bcrypt cost 4 (the registry checks it on every request).
const HTPASSWD: &str = "kubenorm:$2b$04$7ylcOOX4Y2BeGjbUhCNnS.oPUQlKkCasKpKeuPY2g2bCNzm/FYqsW";

#[test]
fn authenticates_with_the_auth_file() {
    let dir = tempfile::tempdir().unwrap();
    let registry = Registry::start(true, Some(HTPASSWD));
    let host = registry.host();
    let builder = Builder::new(dir.path());
    let step = |rootfs: &Path| write(&rootfs.join("app/server"), "x", 0o755);
    builder.image("web", &[&step]);
    builder.config("web", &["--config.user", "10001"]);
    builder.copy(
        "web",
        &format!("docker://{host}/shop/web:1.0"),
        &["--dest-tls-verify=false", "--dest-creds", "kubenorm:s3cret"],
    );
    let reference = format!("{host}/shop/web:1.0");

    let out = kubenorm(&["image", &reference, "--insecure"], dir.path());
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("the registry wants a user name and password; none found for"), "{}", stderr(&out));

    let auth = dir.path().join("auth.json");
    // base64("kubenorm:s3cret")
    std::fs::write(&auth, format!(r#"{{"auths": {{"{host}": {{"auth": "a3ViZW5vcm06czNjcmV0"}}}}}}"#)).unwrap();
    let out = kubenorm_with_env(&["image", &reference, "--insecure"], dir.path(), &[("REGISTRY_AUTH_FILE", &auth)]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));

    // A Docker config.json in DOCKER_CONFIG works the same when no REGISTRY_AUTH_FILE is set.
    let docker = dir.path().join("docker");
    std::fs::create_dir_all(&docker).unwrap();
    std::fs::write(
        docker.join("config.json"),
        format!(r#"{{"auths": {{"http://{host}": {{"username": "kubenorm", "password": "wrong"}}}}}}"#),
    )
    .unwrap();
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_kubenorm"));
    let out = cmd
        .args(["image", &reference, "--insecure"])
        .current_dir(dir.path())
        .env_remove("REGISTRY_AUTH_FILE")
        .env("DOCKER_CONFIG", &docker)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("the registry refused the credentials from auth file"), "{}", stderr(&out));
}

/// Unix seconds → RFC 3339, for `umoci config --created`.
fn days_ago(days: u64) -> String {
    let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_secs();
    kubenorm_image_time(now - days * 86_400)
}

fn kubenorm_image_time(seconds: u64) -> String {
    let out = Command::new("date").args(["-u", "-d", &format!("@{seconds}"), "+%Y-%m-%dT%H:%M:%SZ"]).output().unwrap();
    String::from_utf8_lossy(&out.stdout).trim().to_string()
}

/// Pushes five images with different creation times to `shop/web`, one of them under two tags.
fn push_history(builder: &Builder, host: &str) {
    let step = |rootfs: &Path| write(&rootfs.join("app/server"), "x", 0o755);
    for (tag, created) in [
        ("release-0.9", days_ago(400)),
        ("1.0", days_ago(300)),
        ("1.1", days_ago(200)),
        ("1.2", days_ago(100)),
        ("1.3", days_ago(2)),
    ] {
        builder.image(tag, &[&step]);
        builder.config(tag, &["--config.user", "10001", "--created", &created]);
        builder.copy(tag, &format!("docker://{host}/shop/web:{tag}"), &["--dest-tls-verify=false"]);
    }
    builder.copy("1.1", &format!("docker://{host}/shop/web:1.1-hotfix"), &["--dest-tls-verify=false"]);
    builder.copy("1.3", &format!("docker://{host}/shop/api:2.0"), &["--dest-tls-verify=false"]);
}

fn plan(out: &Output) -> Vec<(String, String, String)> {
    json(out)["tags"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| {
            (
                format!("{}:{}", t["repository"].as_str().unwrap(), t["tag"].as_str().unwrap()),
                t["action"].as_str().unwrap().to_string(),
                t["reasons"].as_array().unwrap().iter().map(|r| r.as_str().unwrap()).collect::<Vec<_>>().join("; "),
            )
        })
        .collect()
}

#[test]
fn prunes_a_real_registry() {
    let dir = tempfile::tempdir().unwrap();
    let registry = Registry::start(true, None);
    let host = registry.host();
    let builder = Builder::new(dir.path());
    push_history(&builder, &host);
    let deploy = dir.path().join("deploy");
    std::fs::create_dir_all(&deploy).unwrap();
    std::fs::write(
        deploy.join("05-deployment.yaml"),
        format!("apiVersion: apps/v1\nkind: Deployment\nmetadata: {{name: web}}\nspec:\n  template:\n    spec:\n      containers:\n        - name: web\n          image: {host}/shop/web:1.0\n"),
    )
    .unwrap();
    let args = |extra: &[&str]| {
        let mut all = vec![
            "registry",
            "prune",
            host.as_str(),
            "--insecure",
            "--keep-last",
            "1",
            "--keep-days",
            "30",
            "--keep-tags",
            "^release-",
            "--protect-from",
            "deploy",
        ];
        all.extend_from_slice(extra);
        all.iter().map(|s| s.to_string()).collect::<Vec<_>>()
    };
    let run = |extra: &[&str]| {
        let all = args(extra);
        kubenorm(&all.iter().map(String::as_str).collect::<Vec<_>>(), dir.path())
    };

    let out = run(&["--format", "json"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let expected = |r: &str, a: &str, why: &str| (r.to_string(), a.to_string(), why.to_string());
    assert_eq!(
        plan(&out),
        vec![
            expected("shop/api:2.0", "keep", "one of the 1 newest; younger than 30 days"),
            expected("shop/web:1.3", "keep", "one of the 1 newest; younger than 30 days"),
            expected("shop/web:1.2", "delete", ""),
            expected("shop/web:1.1", "delete", ""),
            expected("shop/web:1.1-hotfix", "delete", ""),
            expected("shop/web:1.0", "keep", "deployed: deploy/05-deployment.yaml"),
            expected("shop/web:release-0.9", "keep", "tag matches --keep-tags"),
        ]
    );
    assert_eq!(json(&out)["dryRun"], true);

    let out = run(&[]);
    let table = String::from_utf8_lossy(&out.stdout);
    assert!(table.starts_with("REPOSITORY  TAG "), "{table}");
    assert!(
        table.contains("Plan: delete 3 tags (2 images) of 7 tags in 2 repositories; dry run, nothing deleted"),
        "{table}"
    );

    // Only one repository: the same decisions for it.
    let web = format!("{host}/shop/web");
    let out = kubenorm(
        &["registry", "prune", &web, "--insecure", "--keep-last", "2", "--keep-days", "0", "--format", "json"],
        dir.path(),
    );
    let deleted: Vec<String> = plan(&out).into_iter().filter(|(_, a, _)| a == "delete").map(|(t, _, _)| t).collect();
    assert_eq!(deleted, ["shop/web:1.1", "shop/web:1.1-hotfix", "shop/web:1.0", "shop/web:release-0.9"]);

    // Now delete: by digest, so 1.1 and 1.1-hotfix go together.
    let out = run(&["--execute", "--format", "json"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let results: Vec<String> = json(&out)["tags"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|t| t["result"].as_str().map(|r| format!("{}:{r}", t["tag"].as_str().unwrap())))
        .collect();
    assert_eq!(results, ["1.2:deleted", "1.1:deleted", "1.1-hotfix:deleted"]);
    let tags = tool("skopeo", &["list-tags", "--tls-verify=false", &format!("docker://{host}/shop/web")], dir.path());
    let tags: Value = serde_json::from_slice(&tags.stdout).unwrap();
    let mut left: Vec<&str> = tags["Tags"].as_array().unwrap().iter().map(|t| t.as_str().unwrap()).collect();
    left.sort();
    assert_eq!(left, ["1.0", "1.3", "release-0.9"]);

    // A second run has nothing left to delete.
    let out = run(&["--execute"]);
    assert_eq!(out.status.code(), Some(0));
    assert!(
        String::from_utf8_lossy(&out.stdout).contains("Plan: delete 0 tags (0 images) of 4 tags"),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
}

#[test]
fn prune_reports_a_registry_that_refuses_deletes_and_bad_arguments() {
    let dir = tempfile::tempdir().unwrap();
    let registry = Registry::start(false, None);
    let host = registry.host();
    let builder = Builder::new(dir.path());
    push_history(&builder, &host);
    let prune = |extra: &[&str]| {
        let mut all = vec!["registry", "prune", host.as_str(), "--insecure", "--keep-last", "1", "--keep-days", "30"];
        all.extend_from_slice(extra);
        kubenorm(&all, dir.path())
    };
    let out = prune(&["--execute"]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    let err = stderr(&out);
    assert!(err.contains("405 Method Not Allowed: deleting is disabled"), "{err}");
    assert!(err.contains("more not tried"), "{err}");
    assert!(String::from_utf8_lossy(&out.stdout).contains("failed"), "the table still shows what happened");

    assert_eq!(prune(&["--keep-tags", "("]).status.code(), Some(2));
    std::fs::create_dir_all(dir.path().join("empty")).unwrap();
    let out = prune(&["--protect-from", "empty"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("found no image references"), "{}", stderr(&out));
    let out = kubenorm(&["registry", "prune", &host, "--keep-last", "1"], dir.path());
    assert_eq!(out.status.code(), Some(2), "--keep-days is required");
}
