//! deploy/ (kubenorm's own cluster manifests) follows the handbook it
//! enforces: `kubenorm check deploy/` finds nothing.

use serde_json::Value;
use std::path::Path;
use std::process::Command;

fn root() -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

#[test]
fn deploy_passes_kubenorm_check() {
    let out = Command::new(env!("CARGO_BIN_EXE_kubenorm"))
        .args(["check", "deploy", "--format", "json", "--fail-on", "info"])
        .current_dir(root())
        .output()
        .unwrap();
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(report["findings"], Value::Array(vec![]), "{report:#}");
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    // Every manifest was read (a skipped file would pass trivially).
    assert!(report["summary"]["objects"].as_u64().unwrap() >= 20, "{report:#}");
}

#[test]
fn the_webhook_dockerfile_passes_kubenorm_check() {
    let out = Command::new(env!("CARGO_BIN_EXE_kubenorm"))
        .args(["check", "Dockerfile", "--format", "json", "--fail-on", "info"])
        .current_dir(root())
        .output()
        .unwrap();
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(report["findings"], Value::Array(vec![]), "{report:#}");
    assert_eq!(report["summary"]["files"], 1);
}

#[test]
fn deploy_has_what_the_webhook_needs() {
    let read = |p: &str| std::fs::read_to_string(root().join("deploy").join(p)).unwrap();
    let webhook = read("webhook/validating-webhook.yaml");
    for needle in [
        "admissionReviewVersions: [v1]",
        "sideEffects: None",
        "failurePolicy: Fail",
        "timeoutSeconds: 5",
        "values: [kube-system, tools-kubenorm]",
        "path: /validate",
        "pods/ephemeralcontainers",
        "deployments/scale",
    ] {
        assert!(webhook.contains(needle), "validating-webhook.yaml lacks {needle}");
    }
    let cert_manager = read("cert-manager/validating-webhook.yaml");
    assert!(cert_manager.contains("cert-manager.io/inject-ca-from: tools-kubenorm/kubenorm-serving"));
    assert_eq!(
        cert_manager[cert_manager.find("webhooks:").unwrap()..],
        webhook[webhook.find("webhooks:").unwrap()..],
        "the two webhook registrations differ only in how caBundle is set"
    );
    let deployment = read("05-deployment.yaml");
    for needle in [
        "replicas: 2",
        "podAntiAffinity",
        "path: /healthz",
        "path: /readyz",
        "readOnlyRootFilesystem: true",
        "runAsNonRoot: true",
        "type: RuntimeDefault",
        "secretName: kubenorm-tls",
        "name: kubenorm-config",
        "kind: PodDisruptionBudget",
    ] {
        assert!(deployment.contains(needle), "05-deployment.yaml lacks {needle}");
    }
    // The ConfigMap carries the same configuration as deploy/.kubenorm.yaml, and it is valid.
    let config = read(".kubenorm.yaml");
    let configmap = read("04-configmap.yaml");
    let embedded: String = configmap[configmap.find(".kubenorm.yaml: |\n").unwrap() + 18..]
        .lines()
        .map(|l| format!("{}\n", l.strip_prefix("    ").unwrap_or(l)))
        .collect();
    let config_body: String = config.lines().skip_while(|l| l.starts_with('#')).map(|l| format!("{l}\n")).collect();
    assert_eq!(embedded, config_body);
    kubenorm_linter::Config::from_yaml("04-configmap.yaml", &embedded).unwrap();
    let dashboard: Value = serde_json::from_str(&read("monitoring/grafana-dashboard.json")).unwrap();
    assert!(dashboard["panels"].as_array().unwrap().len() >= 10);
}
