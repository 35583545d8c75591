//! `kubenorm certs` and `kubenorm serve` as a user runs them: the binary as a
//! child process, a real TLS client, and SIGTERM with a request in flight.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::process::{Command, Stdio};
use std::sync::Arc;
use std::sync::mpsc;
use std::time::Duration;

fn kubenorm() -> Command {
    Command::new(env!("CARGO_BIN_EXE_kubenorm"))
}

fn tls_client(ca_pem: &[u8], addr: std::net::SocketAddr) -> rustls::StreamOwned<rustls::ClientConnection, TcpStream> {
    use rustls::pki_types::pem::PemObject;
    let mut roots = rustls::RootCertStore::empty();
    roots.add(rustls::pki_types::CertificateDer::from_pem_slice(ca_pem).unwrap()).unwrap();
    let config = rustls::ClientConfig::builder_with_provider(Arc::new(rustls::crypto::ring::default_provider()))
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_root_certificates(roots)
        .with_no_client_auth();
    let name = rustls::pki_types::ServerName::try_from("kubenorm.tools-kubenorm.svc").unwrap();
    let conn = rustls::ClientConnection::new(Arc::new(config), name).unwrap();
    let tcp = TcpStream::connect(addr).unwrap();
    tcp.set_read_timeout(Some(Duration::from_secs(20))).unwrap();
    rustls::StreamOwned::new(conn, tcp)
}

#[test]
fn certs_writes_the_files_and_prints_the_ca_bundle() {
    let dir = tempfile::tempdir().unwrap();
    let out = kubenorm().args(["certs", "--out"]).arg(dir.path()).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let ca = std::fs::read(dir.path().join("ca.crt")).unwrap();
    let bundle = String::from_utf8(out.stdout).unwrap();
    assert_eq!(bundle.trim(), kubenorm_webhook::certs::base64(&ca));
    for f in ["ca.key", "tls.crt", "tls.key"] {
        assert!(dir.path().join(f).exists(), "{f}");
    }
    // Not overwritten without --force.
    let again = kubenorm().args(["certs", "--out"]).arg(dir.path()).output().unwrap();
    assert_eq!(again.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&again.stderr).contains("--force"));
}

#[test]
fn sigterm_finishes_in_flight_requests_then_exits() {
    let dir = tempfile::tempdir().unwrap();
    let certs = kubenorm().args(["certs", "--out"]).arg(dir.path()).output().unwrap();
    assert!(certs.status.success());
    let mut child = kubenorm()
        .args(["serve", "--addr", "127.0.0.1:0", "--metrics-addr", "off", "--shutdown-timeout", "20s"])
        .arg("--tls-cert")
        .arg(dir.path().join("tls.crt"))
        .arg("--tls-key")
        .arg(dir.path().join("tls.key"))
        .current_dir(dir.path())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let (lines_tx, lines) = mpsc::channel::<serde_json::Value>();
    let stderr = child.stderr.take().unwrap();
    std::thread::spawn(move || {
        for line in BufReader::new(stderr).lines() {
            let line = line.unwrap();
            let value = serde_json::from_str(&line).unwrap_or_else(|e| panic!("not a JSON log line ({e}): {line}"));
            if lines_tx.send(value).is_err() {
                return;
            }
        }
    });
    let next = |msg: &str| loop {
        let line = lines.recv_timeout(Duration::from_secs(20)).unwrap_or_else(|_| panic!("no `{msg}` log line"));
        if line["msg"] == msg {
            return line;
        }
    };
    let listening = next("listening");
    let addr: std::net::SocketAddr = listening["addr"].as_str().unwrap().parse().unwrap();
    let ca = std::fs::read(dir.path().join("ca.crt")).unwrap();

    // Headers and half of the body, then SIGTERM.
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/admission");
    let body = std::fs::read(root.join("pod-create.json")).unwrap();
    let mut client = tls_client(&ca, addr);
    let head = format!(
        "POST /validate HTTP/1.1\r\nhost: kubenorm\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\r\n",
        body.len()
    );
    client.write_all(head.as_bytes()).unwrap();
    let (first, rest) = body.split_at(body.len() / 2);
    client.write_all(first).unwrap();
    client.flush().unwrap();
    std::thread::sleep(Duration::from_millis(300));
    assert_eq!(unsafe { libc::kill(child.id() as i32, libc::SIGTERM) }, 0);
    next("shutting down");

    // No new connections are accepted...
    assert!(TcpStream::connect(addr).is_err(), "still accepting after SIGTERM");
    // ... but the request in flight is finished and answered.
    client.write_all(rest).unwrap();
    client.flush().unwrap();
    let mut response = Vec::new();
    let _ = client.read_to_end(&mut response);
    let response = String::from_utf8_lossy(&response);
    assert!(response.starts_with("HTTP/1.1 200"), "{response}");
    let json = &response[response.find("\r\n\r\n").unwrap() + 4..];
    let review: serde_json::Value = serde_json::from_str(json).unwrap();
    assert_eq!(review["response"]["uid"], "5c6d7e8f-9012-4b34-c5d6-e7f8a9b0c1d2");
    assert_eq!(review["response"]["allowed"], false);

    let stopped = next("stopped");
    assert_eq!(stopped["drained"], true);
    let status = child.wait().unwrap();
    assert!(status.success(), "{status:?}");
}
