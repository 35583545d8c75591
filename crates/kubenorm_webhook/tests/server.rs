//! The webhook over real TLS on 127.0.0.1: AdmissionReviews as the API
//! server sends them (examples/admission/), bad requests, slow clients,
//! certificate rotation and configuration reload.

mod common;

use bytes::Bytes;
use common::{Client, Webhook, eventually, fixture, replace};
use hyper::StatusCode;
use serde_json::Value;
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

const TIMEOUT: Duration = Duration::from_secs(10);

fn uid_of(review: &[u8]) -> String {
    let v: Value = serde_json::from_slice(review).unwrap();
    v["request"]["uid"].as_str().unwrap().to_string()
}

fn message(response: &Value) -> String {
    response["status"]["message"].as_str().unwrap_or_default().to_string()
}

fn warnings(response: &Value) -> Vec<String> {
    response["warnings"]
        .as_array()
        .map_or_else(Vec::new, |w| w.iter().map(|w| w.as_str().unwrap().to_string()).collect())
}

/// Every example review: the same uid back, and the decision the handbook asks for.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn example_reviews_over_http1_and_http2() {
    let webhook = Webhook::start(None, TIMEOUT).await;
    let client = webhook.client();
    let (mut h1, _) = client.h1().await;
    let mut h2 = client.h2().await;
    // (fixture, allowed, rules that must deny, rules that must warn)
    let rbac_denies = kubenorm_linter::registry::find("cluster-admin-bound").is_some();
    let cases: &[(&str, bool, &[&str], &[&str])] = &[
        ("deployment-create.json", true, &[], &[]),
        (
            "deployment-create-denied.json",
            false,
            &["container-runs-as-root", "privileged-container", "host-path-volume", "secret-in-env-literal"],
            &["liveness-probe-missing"],
        ),
        (
            "deployment-update-ratchet.json",
            true,
            &[],
            &["[container-runs-as-root, existing]", "[host-port-bound, existing]"],
        ),
        (
            "deployment-update-new-violation.json",
            false,
            &["host-namespace-shared"],
            &["[privileged-container, existing]"],
        ),
        ("deployment-delete.json", true, &[], &[]),
        ("deployment-scale.json", true, &[], &["[single-replica] /spec/replicas: Deployment app-shop/web scaled to 1"]),
        ("pod-create.json", false, &["container-runs-as-root", "image-tag-floating", "resource-limits-missing"], &[]),
        ("pod-create-dryrun.json", false, &["container-runs-as-root"], &[]),
        ("pod-create-exempt-namespace.json", true, &[], &[]),
        ("pod-create-suppressed.json", true, &[], &[]),
        ("pod-ephemeralcontainers.json", false, &["privileged-container"], &["capabilities-not-dropped"]),
        (
            "cronjob-create.json",
            false,
            &["image-tag-floating", "resource-limits-missing"],
            &["resource-requests-missing"],
        ),
        ("service-create.json", false, &["node-port-set"], &["service-type-exposed"]),
        ("rolebinding-create.json", !rbac_denies, if rbac_denies { &["cluster-admin-bound"] } else { &[] }, &[]),
    ];
    for (i, (name, allowed, denies, warns)) in cases.iter().enumerate() {
        let body = fixture(name);
        let conn = if i % 2 == 0 { &mut h1 } else { &mut h2 };
        let reply = conn.validate(body.clone()).await;
        assert_eq!(reply.status, StatusCode::OK, "{name}: {}", reply.text());
        let review = reply.json();
        assert_eq!(review["apiVersion"], "admission.k8s.io/v1");
        assert_eq!(review["kind"], "AdmissionReview");
        let response = &review["response"];
        assert_eq!(response["uid"].as_str().unwrap(), uid_of(&body), "{name}");
        assert_eq!(response["allowed"], *allowed, "{name}: {response:#}");
        let message = message(response);
        if !allowed {
            assert_eq!(response["status"]["code"], 403, "{name}");
        }
        for rule in *denies {
            assert!(message.contains(&format!("[{rule}]")), "{name}: {rule} should deny: {message}");
        }
        let warnings = warnings(response);
        for w in &warnings {
            assert!(w.chars().count() <= 255, "{name}: warning too long: {w}");
        }
        for want in *warns {
            assert!(warnings.iter().any(|w| w.contains(want)), "{name}: no warning with {want}: {warnings:#?}");
        }
        if *allowed && denies.is_empty() && warns.is_empty() {
            assert!(warnings.is_empty(), "{name}: {warnings:#?}");
        }
    }
    // What each fixture must not say.
    let ephemeral = client.post(fixture("pod-ephemeralcontainers.json")).await.json();
    let text = format!("{}{:?}", message(&ephemeral["response"]), warnings(&ephemeral["response"]));
    assert!(!text.contains("`tool`"), "the pod's own container is not judged again: {text}");
    let ratchet = client.post(fixture("deployment-update-new-violation.json")).await.json();
    assert!(!message(&ratchet["response"]).contains("container-runs-as-root"), "existing errors do not deny");
    // Findings carry JSON pointers, not file positions.
    let denied = client.post(fixture("pod-create.json")).await.json();
    assert!(message(&denied["response"]).contains("/spec/containers/0/image"), "{denied:#}");

    let metrics = webhook.metrics().await;
    for line in [
        r#"kubenorm_admission_requests_total{operation="CREATE",kind="Pod",result="denied",dry_run="true"} 1"#,
        r#"kubenorm_admission_requests_total{operation="CREATE",kind="Pod",result="exempt",dry_run="false"} 1"#,
        r#"kubenorm_admission_requests_total{operation="DELETE",kind="Deployment",result="skipped",dry_run="false"} 1"#,
        r#"kubenorm_admission_denials_total{rule="node-port-set"} 1"#,
        r#"kubenorm_admission_warnings_total{rule="single-replica"} 1"#,
        "kubenorm_admission_request_duration_seconds_count",
        "kubenorm_certificate_expiry_timestamp_seconds",
        "kubenorm_build_info",
    ] {
        assert!(metrics.contains(line), "metrics lack {line}:\n{metrics}");
    }
    webhook.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn probes_and_routes() {
    let webhook = Webhook::start(None, TIMEOUT).await;
    let (mut conn, _) = webhook.client().h1().await;
    assert_eq!(conn.send("GET", "/healthz", Bytes::new()).await.status, StatusCode::OK);
    assert_eq!(conn.send("GET", "/readyz", Bytes::new()).await.status, StatusCode::OK);
    assert_eq!(conn.send("GET", "/validate", Bytes::new()).await.status, StatusCode::METHOD_NOT_ALLOWED);
    assert_eq!(conn.send("GET", "/nope", Bytes::new()).await.status, StatusCode::NOT_FOUND);
    webhook.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn malformed_and_oversized_bodies_get_400() {
    let webhook = Webhook::start(None, TIMEOUT).await;
    let client = webhook.client();
    let (mut conn, _) = client.h1().await;
    let cases: &[(&[u8], &str)] = &[
        (b"", "not JSON"),
        (b"{\"apiVersion\": ", "not JSON"),
        (b"<xml/>", "not JSON"),
        (b"[1,2,3]", "not JSON"),
        (br#"{"apiVersion":"admission.k8s.io/v1beta1","kind":"AdmissionReview","request":{"uid":"x"}}"#, "apiVersion"),
        (br#"{"apiVersion":"admission.k8s.io/v1","kind":"Pod"}"#, "kind must be"),
        (br#"{"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview"}"#, "no `request`"),
        (br#"{"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview","request":{"operation":"CREATE"}}"#, "no `uid`"),
        (
            br#"{"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview","request":{"uid":"u","operation":"CREATE","object":null}}"#,
            "no `object`",
        ),
        (br#"{"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview","request":{"uid":7}}"#, "`request.uid` has the wrong type"),
        (br#"{"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview","request":[]}"#, "`request` has the wrong type"),
        (b"\xff\xfe{}", "not UTF-8"),
    ];
    for (body, want) in cases {
        let reply = conn.validate(Bytes::from_static(body)).await;
        assert_eq!(reply.status, StatusCode::BAD_REQUEST, "{}", String::from_utf8_lossy(body));
        assert!(reply.text().contains(want), "{}: {}", String::from_utf8_lossy(body), reply.text());
    }
    // Over 3 MiB: refused by Content-Length, and by counting when streamed.
    let mut big = fixture("deployment-create.json");
    let padding = format!(",\"padding\":\"{}\"}}", "x".repeat(3 * 1024 * 1024));
    big.truncate(big.iter().rposition(|b| *b == b'}').unwrap());
    big.extend_from_slice(padding.as_bytes());
    let length = format!("content-length: {}\r\n\r\n", big.len());
    let response =
        raw_exchange(&client, &[b"POST /validate HTTP/1.1\r\nhost: kubenorm\r\n", length.as_bytes()], &big).await;
    assert!(response.starts_with("HTTP/1.1 400"), "{response}");
    assert!(response.contains("larger than 3 MiB"), "{response}");

    let mut chunked = Vec::new();
    for chunk in big.chunks(64 * 1024) {
        chunked.extend_from_slice(format!("{:x}\r\n", chunk.len()).as_bytes());
        chunked.extend_from_slice(chunk);
        chunked.extend_from_slice(b"\r\n");
    }
    chunked.extend_from_slice(b"0\r\n\r\n");
    let head: &[&[u8]] = &[b"POST /validate HTTP/1.1\r\nhost: kubenorm\r\ntransfer-encoding: chunked\r\n\r\n"];
    let response = raw_exchange(&client, head, &chunked).await;
    assert!(response.starts_with("HTTP/1.1 400"), "{response}");

    // A body just under the limit is read and judged.
    let reply = client.post(fixture("deployment-create.json")).await;
    assert_eq!(reply.status, StatusCode::OK);
    let metrics = webhook.metrics().await;
    assert!(metrics.contains(r#"kubenorm_admission_invalid_requests_total{reason="too_large"} 2"#), "{metrics}");
    assert!(metrics.contains(r#"kubenorm_admission_invalid_requests_total{reason="not_json"}"#), "{metrics}");
    webhook.stop().await;
}

/// Writes a request by hand (the server may answer and stop reading before
/// the body is through) and reads the whole answer.
async fn raw_exchange(client: &Client, head: &[&[u8]], body: &[u8]) -> String {
    let mut tls = client.tls(&[b"http/1.1"]).await;
    for part in head {
        tls.write_all(part).await.unwrap();
    }
    for chunk in body.chunks(64 * 1024) {
        if tls.write_all(chunk).await.is_err() {
            break;
        }
    }
    let mut response = Vec::new();
    let _ = tokio::time::timeout(TIMEOUT, tls.read_to_end(&mut response)).await;
    String::from_utf8_lossy(&response).into_owned()
}

/// A client that sends its headers (or its body) slowly is cut off by the
/// read timeout; other clients are served meanwhile.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn slow_clients_are_cut_off() {
    let webhook = Webhook::start(None, Duration::from_secs(1)).await;
    let client = webhook.client();

    // Headers, one byte at a time, never finished.
    let mut slow = client.tls(&[b"http/1.1"]).await;
    slow.write_all(b"POST /validate HTTP/1.1\r\n").await.unwrap();
    let trickle = async {
        for b in b"host: kubenorm\r\nx-slow: ".iter().cycle() {
            if slow.write_all(&[*b]).await.is_err() || slow.flush().await.is_err() {
                return;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    };
    // A well-behaved client is served while the slow one trickles.
    let served = async { client.post(fixture("deployment-create.json")).await.status };
    let (cut, status) = tokio::join!(tokio::time::timeout(TIMEOUT, trickle), served);
    assert!(cut.is_ok(), "the slow client was never cut off");
    assert_eq!(status, StatusCode::OK);

    // Headers in time, body never completed: 408 and the connection closes.
    let mut slow = client.tls(&[b"http/1.1"]).await;
    slow.write_all(b"POST /validate HTTP/1.1\r\nhost: kubenorm\r\ncontent-length: 1000\r\n\r\n{\"apiVersion\"")
        .await
        .unwrap();
    let mut response = Vec::new();
    let read = tokio::time::timeout(TIMEOUT, slow.read_to_end(&mut response)).await;
    assert!(read.is_ok(), "the connection stayed open");
    assert!(String::from_utf8_lossy(&response).starts_with("HTTP/1.1 408"), "{}", String::from_utf8_lossy(&response));

    // A TLS handshake that never starts is dropped too.
    let mut idle = tokio::net::TcpStream::connect(webhook.addr).await.unwrap();
    let mut buf = [0u8; 16];
    let read = tokio::time::timeout(TIMEOUT, idle.read(&mut buf)).await;
    assert!(matches!(read, Ok(Ok(0)) | Ok(Err(_))), "{read:?}");
    webhook.stop().await;
}

/// New certificate files: new handshakes get the new certificate while an
/// open connection goes on with the old one, and no request fails.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn certificate_rotation_mid_traffic() {
    let webhook = Webhook::start(None, TIMEOUT).await;
    let next = common::issue();
    // The API server's caBundle holds both CAs during a rotation.
    let client = Client::new(webhook.addr, &[webhook.certs.ca_pem.as_bytes(), next.ca_pem.as_bytes()]);
    let (mut open, old_cert) = client.h1().await;
    assert_eq!(open.validate(fixture("deployment-create.json")).await.status, StatusCode::OK);

    let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let traffic = {
        let client = client.clone();
        let stop = stop.clone();
        tokio::spawn(async move {
            let mut served = 0;
            while !stop.load(std::sync::atomic::Ordering::SeqCst) {
                let reply = client.post(fixture("pod-create.json")).await;
                assert_eq!(reply.status, StatusCode::OK);
                assert_eq!(reply.json()["response"]["allowed"], false);
                served += 1;
            }
            served
        })
    };
    // Key first, then certificate, as a careless rotation might: the
    // mismatched moment is rejected and the old pair kept.
    replace(&webhook.dir.path().join("tls.key"), &next.key_pem);
    eventually("the mismatched pair is refused", || async {
        webhook.metrics().await.contains(r#"kubenorm_certificate_reloads_total{result="failure"} 1"#)
    })
    .await;
    assert_eq!(client.peer_cert().await, old_cert, "the old pair is still served");
    replace(&webhook.dir.path().join("tls.crt"), &next.cert_pem);
    let new_cert = rustls::pki_types::CertificateDer::from_pem_slice(next.cert_pem.as_bytes()).unwrap().to_vec();
    eventually("new handshakes get the new certificate", || {
        let client = client.clone();
        let new_cert = new_cert.clone();
        async move { client.peer_cert().await == new_cert }
    })
    .await;
    assert_ne!(old_cert, new_cert);
    // The connection opened before the rotation keeps working.
    for _ in 0..3 {
        assert_eq!(open.validate(fixture("deployment-create.json")).await.status, StatusCode::OK);
    }
    stop.store(true, std::sync::atomic::Ordering::SeqCst);
    let served = traffic.await.unwrap();
    assert!(served > 0);
    let metrics = webhook.metrics().await;
    assert!(metrics.contains(r#"kubenorm_certificate_reloads_total{result="success"} 1"#), "{metrics}");
    assert!(metrics.contains(r#"kubenorm_certificate_reloads_total{result="failure"} 1"#), "{metrics}");
    webhook.stop().await;
}

use rustls::pki_types::pem::PemObject;

/// A changed configuration replaces the linter; a bad one is refused and the
/// previous one kept.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn configuration_reload_good_and_bad() {
    let webhook = Webhook::start(Some("admission:\n  ratchet: false\n"), TIMEOUT).await;
    let client = webhook.client();
    // Ratchet off: the scaled legacy Deployment is denied for its old errors.
    let reply = client.post(fixture("deployment-update-ratchet.json")).await.json();
    assert_eq!(reply["response"]["allowed"], false);
    let config = webhook.dir.path().join(".kubenorm.yaml");

    replace(&config, "admission:\n  ratchet: true\n  exempt:\n    namespaces: [app-shop]\n");
    eventually("the new configuration is used", || {
        let client = client.clone();
        async move {
            let pod = client.post(fixture("pod-create.json")).await.json();
            pod["response"]["allowed"] == true
        }
    })
    .await;
    let reply = client.post(fixture("deployment-update-ratchet.json")).await.json();
    assert_eq!(reply["response"]["allowed"], true, "ratchet is on again");

    replace(&config, "admission:\n  ratchet: true\n  exmpt:\n    namespaces: []\n");
    eventually("the bad configuration is counted", || async {
        webhook.metrics().await.contains(r#"kubenorm_config_reloads_total{result="failure"} 1"#)
    })
    .await;
    // Still the previous (good) configuration.
    let pod = client.post(fixture("pod-create.json")).await.json();
    assert_eq!(pod["response"]["allowed"], true);
    let metrics = webhook.metrics().await;
    assert!(metrics.contains(r#"kubenorm_config_reloads_total{result="success"} 1"#), "{metrics}");
    webhook.stop().await;
}
