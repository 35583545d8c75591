//! `kubenorm new`: the generated project (a committed snapshot), that it
//! passes `kubenorm check`, that kubectl reads it, and its refusals.
//! Regenerate the snapshot with `KUBENORM_UPDATE_SNAPSHOTS=1 cargo test -p kubenorm --test new`.

mod common;

use common::run;
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn data() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/new")
}

/// `kubenorm new shop …` into `dir`, with the snapshot's configuration.
fn new_shop(dir: &Path, extra: &[&str]) -> Output {
    let config = data().join("kubenorm.yaml");
    let properties = data().join("application.properties");
    let mut args = vec![
        "new",
        "shop",
        "--image",
        "harbor.company.com/shop/web:1.4.2",
        "--port",
        "8080",
        "--replicas",
        "3",
        "--host",
        "shop.company.com",
        "--config-file",
        properties.to_str().unwrap(),
        "--config",
        config.to_str().unwrap(),
        "--out",
        ".",
    ];
    args.extend_from_slice(extra);
    run(&args, dir)
}

fn files_of(dir: &Path) -> Vec<(String, String)> {
    let mut files: Vec<(String, String)> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .map(|p| (p.file_name().unwrap().to_string_lossy().into_owned(), std::fs::read_to_string(&p).unwrap()))
        .collect();
    files.sort();
    files
}

#[test]
fn generated_project_matches_the_snapshot() {
    let dir = tempfile::tempdir().unwrap();
    let out = new_shop(dir.path(), &[]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let generated = files_of(&dir.path().join("shop"));
    let snapshot = data().join("shop");
    if std::env::var_os("KUBENORM_UPDATE_SNAPSHOTS").is_some() {
        let _ = std::fs::remove_dir_all(&snapshot);
        std::fs::create_dir_all(&snapshot).unwrap();
        for (name, text) in &generated {
            std::fs::write(snapshot.join(name), text).unwrap();
        }
        return;
    }
    assert_eq!(
        generated,
        files_of(&snapshot),
        "kubenorm new changed its output; review and run KUBENORM_UPDATE_SNAPSHOTS=1 cargo test -p kubenorm --test new"
    );
}

#[test]
fn generated_project_passes_check() {
    let dir = tempfile::tempdir().unwrap();
    assert!(new_shop(dir.path(), &[]).status.success());
    let config = data().join("kubenorm.yaml");
    let out = run(&["check", "shop", "--format", "json", "--config", config.to_str().unwrap()], dir.path());
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(report["findings"], Value::Array(vec![]), "{report:#}");
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(report["summary"]["files"], 7);

    // Without a configuration file: the handbook's defaults.
    let dir = tempfile::tempdir().unwrap();
    let out = run(&["new", "cart", "--image", "registry.bank.local/cart/api:2.0.1", "--port", "9000"], dir.path());
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let out = run(&["check", "cart", "--format", "json"], dir.path());
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(report["findings"], Value::Array(vec![]), "{report:#}");
}

/// `kubectl create --dry-run=client` needs an API server for discovery even
/// with `--validate=false`; `kubectl label --local` decodes every object
/// offline, so it is what this test can run.
#[test]
fn kubectl_reads_the_generated_project() {
    if Command::new("kubectl").arg("version").arg("--client").output().is_err() {
        eprintln!("kubectl is not installed: skipped");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    assert!(new_shop(dir.path(), &[]).status.success());
    let out = Command::new("kubectl")
        .args(["label", "--local", "-f", "shop", "-o", "json", "kubenorm.io/parsed=yes"])
        .current_dir(dir.path())
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    // One JSON object per manifest object, or a `List` of them.
    let mut kinds = Vec::new();
    for value in serde_json::Deserializer::from_slice(&out.stdout).into_iter::<Value>() {
        let value = value.unwrap();
        match value["items"].as_array() {
            Some(items) => kinds.extend(items.iter().map(|i| i["kind"].as_str().unwrap().to_string())),
            None => kinds.push(value["kind"].as_str().unwrap().to_string()),
        }
    }
    assert_eq!(kinds.len(), 15, "{kinds:?}");
}

#[test]
fn refuses_to_overwrite_and_validates_before_writing() {
    let dir = tempfile::tempdir().unwrap();
    assert!(new_shop(dir.path(), &[]).status.success());
    let again = new_shop(dir.path(), &[]);
    assert_eq!(again.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&again.stderr).contains("already exists (use --force"));
    assert!(new_shop(dir.path(), &["--force"]).status.success());

    for (args, message) in [
        (vec!["new", "My_Shop", "--image", "harbor.company.com/shop/web:1", "--port", "80"], "not a DNS label"),
        (vec!["new", "shop2", "--image", "docker.io/library/nginx:1.27", "--port", "80"], "public registry"),
        (vec!["new", "shop2", "--image", "harbor.company.com/shop/web:1", "--port", "70000"], "--port must be"),
        (vec!["new", "shop2", "--image", "harbor.company.com/shop/web:latest", "--port", "80"], "fixed version tag"),
    ] {
        let out = run(&args, dir.path());
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        assert!(
            String::from_utf8_lossy(&out.stderr).contains(message),
            "{args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(!dir.path().join(args[1]).exists(), "nothing is written for {args:?}");
    }
}
