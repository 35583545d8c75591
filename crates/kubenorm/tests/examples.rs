//! The shipped examples: `shop` is the handbook done right (zero findings),
//! `legacy` is the first demo (its findings cover every section).

use serde_json::Value;
use std::collections::BTreeSet;
use std::path::Path;
use std::process::Command;

fn check(folder: &str) -> (i32, Value) {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let out = Command::new(env!("CARGO_BIN_EXE_kubenorm"))
        .args(["check", folder, "--format", "json"])
        .current_dir(&root)
        .output()
        .unwrap();
    (out.status.code().unwrap(), serde_json::from_slice(&out.stdout).unwrap())
}

#[test]
fn shop_passes_every_rule() {
    let (code, report) = check("examples/shop");
    assert_eq!(report["findings"], Value::Array(vec![]), "{report:#}");
    assert_eq!(code, 0);
    assert_eq!(report["summary"]["files"], 8, "seven manifests and the Dockerfile");
}

#[test]
fn legacy_shows_the_handbook_violations() {
    let (code, report) = check("examples/legacy");
    assert_eq!(code, 1);
    let rules: BTreeSet<&str> =
        report["findings"].as_array().unwrap().iter().map(|f| f["rule"].as_str().unwrap()).collect();
    for expected in [
        "container-runs-as-root",
        "resource-limits-missing",
        "node-port-set",
        "image-tag-floating",
        "image-registry-not-allowed",
        "privileged-container",
        "host-path-volume",
        "secret-in-env-literal",
        "ingress-tls-missing",
        "default-namespace-used",
        "rbac-wildcard",
        "cluster-admin-bound",
        "secret-in-manifest",
        "api-version-removed",
        "log-volume-missing",
        // examples/legacy/Dockerfile is the handbook's own example Dockerfile.
        "dockerfile-user-root",
        "dockerfile-base-image-untrusted",
        "dockerfile-package-manager-in-final-stage",
        "dockerfile-package-db-deleted",
        "dockerfile-package-cache-kept",
    ] {
        assert!(rules.contains(expected), "legacy should show {expected}: {rules:?}");
    }
}
