//! The registry client against a scripted HTTP server: bearer-token and
//! basic auth, 401/404/500 answers, a registry that hangs, pagination and
//! deletes refused with 405. (The real registry is exercised end to end by
//! the CLI tests.)

mod support;

use kubenorm_image::registry::{Client, ClientOptions, Deleted};
use kubenorm_image::{Credentials, Digest, Error, Found, Options, Source, load};
use std::collections::HashMap;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use support::*;

struct Request {
    method: String,
    path: String,
    headers: HashMap<String, String>,
}

enum Reply {
    Answer(u16, Vec<(&'static str, String)>, Vec<u8>),
    Hang,
}

fn answer(status: u16, body: impl Into<Vec<u8>>) -> Reply {
    Reply::Answer(status, Vec::new(), body.into())
}

struct Mock {
    port: u16,
    log: Arc<Mutex<Vec<String>>>,
}

impl Mock {
    fn requests(&self) -> Vec<String> {
        self.log.lock().unwrap().clone()
    }

    fn registry(&self) -> String {
        format!("127.0.0.1:{}", self.port)
    }
}

fn serve(handler: impl Fn(&Request, u16) -> Reply + Send + Sync + 'static) -> Mock {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let log = Arc::new(Mutex::new(Vec::new()));
    let handler = Arc::new(handler);
    let shared = log.clone();
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            let handler = handler.clone();
            let log = shared.clone();
            std::thread::spawn(move || handle(stream, &*handler, &log, port));
        }
    });
    Mock { port, log }
}

fn handle(stream: TcpStream, handler: &dyn Fn(&Request, u16) -> Reply, log: &Mutex<Vec<String>>, port: u16) {
    let mut reader = BufReader::new(stream.try_clone().unwrap());
    let mut line = String::new();
    if reader.read_line(&mut line).unwrap_or(0) == 0 {
        return;
    }
    let mut parts = line.split_whitespace();
    let method = parts.next().unwrap_or_default().to_string();
    let path = parts.next().unwrap_or_default().to_string();
    let mut headers = HashMap::new();
    loop {
        let mut header = String::new();
        if reader.read_line(&mut header).unwrap_or(0) == 0 || header.trim().is_empty() {
            break;
        }
        if let Some((k, v)) = header.split_once(':') {
            headers.insert(k.trim().to_ascii_lowercase(), v.trim().to_string());
        }
    }
    let length: usize = headers.get("content-length").and_then(|l| l.parse().ok()).unwrap_or(0);
    let mut body = vec![0; length];
    let _ = reader.read_exact(&mut body);
    log.lock().unwrap().push(format!("{method} {path}"));
    let request = Request { method, path, headers };
    let mut stream = stream;
    match handler(&request, port) {
        Reply::Hang => std::thread::sleep(Duration::from_secs(30)),
        Reply::Answer(status, extra, body) => {
            let mut head = format!(
                "HTTP/1.1 {status} X\r\nContent-Length: {}\r\nConnection: close\r\nContent-Type: application/json\r\n",
                body.len()
            );
            for (k, v) in extra {
                head.push_str(&format!("{k}: {v}\r\n"));
            }
            head.push_str("\r\n");
            let _ = stream.write_all(head.as_bytes());
            let _ = stream.write_all(&body);
        }
    }
}

fn options(timeout: u64, retries: u32) -> ClientOptions {
    ClientOptions { insecure: true, timeout: Duration::from_secs(timeout), retries }
}

/// An image in a layout folder, served by digest and by tag `1.0`.
fn image_server(layout: &std::path::Path, written: &Written, bearer: bool) -> Mock {
    let root = layout.to_path_buf();
    let manifest = written.manifest.clone();
    serve(move |req, port| {
        if bearer && req.path.starts_with("/token") {
            assert!(req.path.contains("scope=repository%3Ashop%2Fweb%3Apull"), "{}", req.path);
            return answer(200, r#"{"token":"t0ken"}"#);
        }
        if bearer && req.headers.get("authorization").map(String::as_str) != Some("Bearer t0ken") {
            let challenge = format!(
                r#"Bearer realm="http://127.0.0.1:{port}/token",service="mock",scope="repository:shop/web:pull""#
            );
            return Reply::Answer(401, vec![("WWW-Authenticate", challenge)], b"{}".to_vec());
        }
        let name = |digest: &str| root.join("blobs/sha256").join(&digest[7..]);
        match req.path.as_str() {
            "/v2/shop/web/manifests/1.0" => {
                let bytes = std::fs::read(name(&manifest)).unwrap();
                Reply::Answer(200, vec![("Docker-Content-Digest", manifest.clone())], bytes)
            }
            p if p.starts_with("/v2/shop/web/manifests/sha256:") || p.starts_with("/v2/shop/web/blobs/sha256:") => {
                let digest = p.rsplit('/').next().unwrap();
                match std::fs::read(name(digest)) {
                    Ok(bytes) => answer(200, bytes),
                    Err(_) => {
                        answer(404, r#"{"errors":[{"code":"BLOB_UNKNOWN","message":"blob unknown to registry"}]}"#)
                    }
                }
            }
            _ => answer(404, r#"{"errors":[{"code":"MANIFEST_UNKNOWN","message":"manifest unknown"}]}"#),
        }
    })
}

fn registry_options() -> Options {
    Options { client: options(5, 0), ..Options::default() }
}

#[test]
fn reads_an_image_through_a_bearer_token() {
    let dir = tempfile::tempdir().unwrap();
    let written = image(
        dir.path(),
        &[layer(Compression::Gzip, &[Item::Dir("usr/"), Item::Dir("usr/bin/"), file("usr/bin/curl", "c")])],
        "1000",
        "amd64",
    );
    let mock = image_server(dir.path(), &written, true);
    let reference = format!("{}/shop/web:1.0", mock.registry());
    let loaded = load(&Source::Registry { reference: reference.clone() }, &registry_options()).unwrap();
    assert_eq!(loaded.model.reference.as_deref(), Some(reference.as_str()));
    assert!(loaded.model.file("/usr/bin/curl").is_some());
    assert_eq!(loaded.digest.map(|d| d.to_string()), Some(written.manifest.clone()));
    let requests = mock.requests();
    assert_eq!(requests[0], "GET /v2/shop/web/manifests/1.0");
    assert!(requests[1].starts_with("GET /token?service=mock&scope="), "{requests:?}");
    // One token serves every later request of the same scope.
    assert_eq!(requests.iter().filter(|r| r.starts_with("GET /token")).count(), 1, "{requests:?}");
}

#[test]
fn a_missing_tag_is_a_404_with_the_registry_code() {
    let dir = tempfile::tempdir().unwrap();
    let written = image(dir.path(), &[layer(Compression::None, &[file("a", "a")])], "1000", "amd64");
    let mock = image_server(dir.path(), &written, false);
    let reference = format!("{}/shop/web:2.0", mock.registry());
    let err = load(&Source::Registry { reference }, &registry_options()).unwrap_err();
    assert!(matches!(err, Error::Http { status: 404, .. }), "{err}");
    assert_eq!(
        err.to_string(),
        format!(
            "GET http://{}/v2/shop/web/manifests/2.0: the registry answered 404 Not Found: MANIFEST_UNKNOWN manifest unknown",
            mock.registry()
        )
    );
}

#[test]
fn a_missing_blob_names_the_blob() {
    let dir = tempfile::tempdir().unwrap();
    let written = image(dir.path(), &[layer(Compression::None, &[file("a", "a")])], "1000", "amd64");
    std::fs::remove_file(blob_path(dir.path(), &written.layers[0])).unwrap();
    let mock = image_server(dir.path(), &written, false);
    let reference = format!("{}/shop/web:1.0", mock.registry());
    let err = load(&Source::Registry { reference }, &registry_options()).unwrap_err().to_string();
    assert!(err.contains(&format!("/v2/shop/web/blobs/{}: the registry answered 404", written.layers[0])), "{err}");
    assert!(err.ends_with("BLOB_UNKNOWN blob unknown to registry"), "{err}");
}

#[test]
fn server_errors_are_retried_then_reported() {
    let mock = serve(|_, _| answer(500, "oops"));
    let client = Client::with_credentials(&mock.registry(), &options(5, 2), None);
    let err = client.tags("shop/web").unwrap_err();
    assert!(matches!(err, Error::Http { status: 500, .. }), "{err}");
    assert!(err.to_string().contains("the registry answered 500 Internal Server Error"), "{err}");
    assert_eq!(mock.requests().len(), 3, "one try and two retries");
}

#[test]
fn a_hanging_registry_times_out() {
    let mock = serve(|_, _| Reply::Hang);
    let started = std::time::Instant::now();
    let reference = format!("{}/shop/web:1.0", mock.registry());
    let options = Options { client: options(1, 0), ..Options::default() };
    let err = load(&Source::Registry { reference }, &options).unwrap_err();
    assert!(matches!(err, Error::Network { .. }), "{err}");
    assert!(err.to_string().contains("timed out"), "{err}");
    assert!(started.elapsed() < Duration::from_secs(10));
}

#[test]
fn credentials_are_asked_for_and_checked() {
    let mock = serve(|req, _| match req.headers.get("authorization").map(String::as_str) {
        // "u:p"
        Some("Basic dTpw") => answer(200, r#"{"repositories":["shop/web"]}"#),
        _ => Reply::Answer(401, vec![("WWW-Authenticate", r#"Basic realm="basic-realm""#.into())], Vec::new()),
    });
    let anonymous = Client::with_credentials(&mock.registry(), &options(5, 0), None);
    let err = anonymous.catalog().unwrap_err();
    assert!(matches!(err, Error::Auth { .. }), "{err}");
    assert!(err.to_string().contains("wants a user name and password; none found"), "{err}");

    let basic = |password: &str| {
        Some(Found {
            credentials: Credentials::Basic { username: "u".into(), password: password.into() },
            source: "test credentials".into(),
        })
    };
    let good = Client::with_credentials(&mock.registry(), &options(5, 0), basic("p"));
    assert_eq!(good.catalog().unwrap(), vec!["shop/web".to_string()]);
    let wrong = Client::with_credentials(&mock.registry(), &options(5, 0), basic("x"));
    let err = wrong.catalog().unwrap_err().to_string();
    assert!(err.contains("the registry refused the credentials from test credentials (401)"), "{err}");
}

#[test]
fn tags_follow_pagination() {
    let mock = serve(|req, _| match req.path.as_str() {
        "/v2/shop/web/tags/list?n=1000" => Reply::Answer(
            200,
            vec![("Link", r#"</v2/shop/web/tags/list?last=b&n=1000>; rel="next""#.into())],
            br#"{"name":"shop/web","tags":["a","b"]}"#.to_vec(),
        ),
        "/v2/shop/web/tags/list?last=b&n=1000" => answer(200, r#"{"name":"shop/web","tags":["c"]}"#),
        _ => answer(404, "{}"),
    });
    let client = Client::with_credentials(&mock.registry(), &options(5, 0), None);
    assert_eq!(client.tags("shop/web").unwrap(), vec!["a", "b", "c"]);
}

#[test]
fn deletes_refused_with_405_are_errors() {
    let mock = serve(|req, _| {
        assert_eq!(req.method, "DELETE");
        if req.path.ends_with(&"a".repeat(64)) {
            answer(202, "")
        } else if req.path.ends_with(&"b".repeat(64)) {
            answer(404, "")
        } else {
            answer(405, r#"{"errors":[{"code":"UNSUPPORTED","message":"The operation is unsupported."}]}"#)
        }
    });
    let client = Client::with_credentials(&mock.registry(), &options(5, 0), None);
    let digest = |c: &str| Digest::parse(&format!("sha256:{}", c.repeat(64))).unwrap();
    assert_eq!(client.delete_manifest("shop/web", &digest("a")).unwrap(), Deleted::Deleted);
    assert_eq!(client.delete_manifest("shop/web", &digest("b")).unwrap(), Deleted::AlreadyGone);
    let err = client.delete_manifest("shop/web", &digest("c")).unwrap_err().to_string();
    assert!(err.contains("the registry answered 405 Method Not Allowed: deleting is disabled"), "{err}");
}
