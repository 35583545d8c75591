//! Admission decisions without the server: what the admission door judges
//! differently from `kubenorm check`.

use kubenorm_linter::Config;
use kubenorm_webhook::{Admitter, Outcome, review};
use serde_json::{Value, json};

fn review_of(operation: &str, object: Value, old: Value, user: &str) -> Vec<u8> {
    serde_json::to_vec(&json!({
        "apiVersion": "admission.k8s.io/v1", "kind": "AdmissionReview",
        "request": {
            "uid": "u-1", "kind": {"group": "apps", "version": "v1", "kind": "Deployment"},
            "resource": {"group": "apps", "version": "v1", "resource": "deployments"},
            "name": "web", "namespace": "app-shop", "operation": operation,
            "userInfo": {"username": user, "groups": ["system:authenticated"]},
            "object": object, "oldObject": old, "dryRun": false
        }
    }))
    .unwrap()
}

fn shop_web() -> Value {
    let text = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../examples/admission/deployment-create.json"
    ))
    .unwrap();
    let review: Value = serde_json::from_str(&text).unwrap();
    review["request"]["object"].clone()
}

fn decide(admitter: &Admitter, body: &[u8]) -> kubenorm_webhook::Decision {
    let review = review::parse(body).unwrap();
    admitter.review(&review.request().unwrap())
}

#[test]
fn service_account_token_is_judged_by_the_pod_field_alone() {
    let admitter = Admitter::new(Config::default()).unwrap();
    let mut web = shop_web();
    let spec = web["spec"]["template"]["spec"].as_object_mut().unwrap();
    spec.remove("automountServiceAccountToken");
    // Unset: the ServiceAccount (not visible at admission) may disable it.
    let d = decide(&admitter, &review_of("CREATE", web.clone(), Value::Null, "alice"));
    assert!(d.response.allowed);
    assert!(!d.warned_rules.contains(&"service-account-token-automounted"), "{:?}", d.response.warnings);
    // Explicitly on: flagged.
    web["spec"]["template"]["spec"]["automountServiceAccountToken"] = json!(true);
    let d = decide(&admitter, &review_of("CREATE", web, Value::Null, "alice"));
    assert!(d.warned_rules.contains(&"service-account-token-automounted"), "{:?}", d.response.warnings);
}

#[test]
fn namespace_is_filled_in_from_the_request() {
    let admitter = Admitter::new(Config::default()).unwrap();
    let mut web = shop_web();
    web["metadata"].as_object_mut().unwrap().remove("namespace");
    let d = decide(&admitter, &review_of("CREATE", web, Value::Null, "alice"));
    assert!(d.response.allowed);
    assert!(d.response.warnings.is_empty(), "{:?}", d.response.warnings);
}

#[test]
fn ratchet_matches_by_rule_and_pointer_or_message() {
    let admitter = Admitter::new(Config::default()).unwrap();
    let mut old = shop_web();
    old["spec"]["template"]["spec"]["containers"][0]["image"] = json!("harbor.company.com/shop/web:latest");
    // The same error, moved: the container is now second, after a new sidecar
    // (pointer differs, message is the same): still existing.
    let mut new = old.clone();
    let sidecar = json!({"name": "proxy", "image": "harbor.company.com/shop/proxy:2.0.1"});
    new["spec"]["template"]["spec"]["containers"].as_array_mut().unwrap().insert(0, sidecar);
    let d = decide(&admitter, &review_of("UPDATE", new.clone(), old.clone(), "alice"));
    assert!(!d.denied_rules.contains(&"image-tag-floating"), "{:?}", d.response.status);
    assert!(d.response.warnings.iter().any(|w| w.starts_with("[image-tag-floating, existing]")));
    // ... but the new sidecar's own errors deny.
    assert!(d.denied_rules.contains(&"resource-limits-missing"), "{:?}", d.denied_rules);
    // Without ratcheting, the old error denies too.
    let config = Config::from_yaml("c.yaml", "admission:\n  ratchet: false\n").unwrap();
    let strict = Admitter::new(config).unwrap();
    let d = decide(&strict, &review_of("UPDATE", new, old, "alice"));
    assert!(d.denied_rules.contains(&"image-tag-floating"));
}

#[test]
fn exempt_users_and_groups() {
    let admitter = Admitter::new(Config::default()).unwrap();
    let mut bad = shop_web();
    bad["spec"]["template"]["spec"]["hostNetwork"] = json!(true);
    let by = |user: &str| decide(&admitter, &review_of("CREATE", bad.clone(), Value::Null, user));
    assert!(!by("alice").response.allowed);
    let controller = by("system:serviceaccount:kube-system:replicaset-controller");
    assert!(controller.response.allowed);
    assert_eq!(controller.outcome, Outcome::Exempt);
    assert!(!by("system:serviceaccount:app-shop:deployer").response.allowed);
    let config = Config::from_yaml("c.yaml", "admission:\n  exempt:\n    groups: ['break-glass*']\n").unwrap();
    let admitter = Admitter::new(config).unwrap();
    let mut body: Value = serde_json::from_slice(&review_of("CREATE", bad, Value::Null, "bob")).unwrap();
    body["request"]["userInfo"]["groups"] = json!(["break-glass-oncall"]);
    let d = decide(&admitter, &serde_json::to_vec(&body).unwrap());
    assert_eq!(d.outcome, Outcome::Exempt);
}
