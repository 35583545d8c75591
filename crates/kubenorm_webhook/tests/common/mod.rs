//! A webhook on 127.0.0.1:0 with fresh certificates, and a real TLS client.
#![allow(dead_code)]

use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::{Request, StatusCode};
use hyper_util::rt::TokioIo;
use kubenorm_webhook::certs::{self, CertBundle, CertRequest};
use kubenorm_webhook::log::Logger;
use kubenorm_webhook::{ServeOptions, Server};
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, ServerName};
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;
use tokio::net::TcpStream;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;
use tokio_rustls::TlsConnector;
use tokio_rustls::client::TlsStream;

pub const SERVER_NAME: &str = "kubenorm.tools-kubenorm.svc";

pub struct Webhook {
    pub dir: tempfile::TempDir,
    pub addr: SocketAddr,
    pub metrics_addr: SocketAddr,
    pub certs: CertBundle,
    stop: Option<oneshot::Sender<()>>,
    task: Option<JoinHandle<()>>,
}

pub fn issue() -> CertBundle {
    certs::generate(&CertRequest {
        service: "kubenorm".into(),
        namespace: "tools-kubenorm".into(),
        hosts: vec![],
        days: 1,
    })
    .unwrap()
}

pub fn examples() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/admission")
}

pub fn fixture(name: &str) -> Vec<u8> {
    std::fs::read(examples().join(name)).unwrap()
}

impl Webhook {
    /// Starts a webhook; `config` is written to `.kubenorm.yaml` when given.
    pub async fn start(config: Option<&str>, read_timeout: Duration) -> Webhook {
        let dir = tempfile::tempdir().unwrap();
        let certs = issue();
        certs.write(dir.path(), true).unwrap();
        let config_path = config.map(|text| {
            let path = dir.path().join(".kubenorm.yaml");
            std::fs::write(&path, text).unwrap();
            path
        });
        let options = ServeOptions {
            addr: "127.0.0.1:0".parse().unwrap(),
            metrics_addr: Some("127.0.0.1:0".parse().unwrap()),
            config: config_path,
            read_timeout,
            reload_interval: Duration::from_millis(100),
            shutdown_timeout: Duration::from_secs(5),
            ..ServeOptions::new(dir.path().join("tls.crt"), dir.path().join("tls.key"))
        };
        let server = Server::bind_with_logger(options, Some(Logger::silent())).await.unwrap();
        let addr = server.local_addr();
        let metrics_addr = server.metrics_addr().unwrap();
        let (stop, stopped) = oneshot::channel::<()>();
        let task = tokio::spawn(server.run(async {
            let _ = stopped.await;
        }));
        Webhook { dir, addr, metrics_addr, certs, stop: Some(stop), task: Some(task) }
    }

    pub async fn stop(mut self) {
        let _ = self.stop.take().unwrap().send(());
        self.task.take().unwrap().await.unwrap();
    }

    pub fn client(&self) -> Client {
        Client::new(self.addr, &[self.certs.ca_pem.as_bytes()])
    }

    pub async fn metrics(&self) -> String {
        let tcp = TcpStream::connect(self.metrics_addr).await.unwrap();
        let (mut sender, conn) = hyper::client::conn::http1::handshake(TokioIo::new(tcp)).await.unwrap();
        tokio::spawn(conn);
        let req = Request::get("/metrics").header("host", "metrics").body(Full::new(Bytes::new())).unwrap();
        let resp = sender.send_request(req).await.unwrap();
        String::from_utf8(resp.into_body().collect().await.unwrap().to_bytes().to_vec()).unwrap()
    }
}

/// A TLS client that trusts the given CAs and checks the Service's DNS name.
#[derive(Clone)]
pub struct Client {
    pub addr: SocketAddr,
    roots: Arc<rustls::RootCertStore>,
}

pub enum Conn {
    H1(hyper::client::conn::http1::SendRequest<Full<Bytes>>),
    H2(hyper::client::conn::http2::SendRequest<Full<Bytes>>),
}

pub struct Reply {
    pub status: StatusCode,
    pub body: Bytes,
}

impl Reply {
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_slice(&self.body).unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&self.body)))
    }

    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }
}

impl Client {
    pub fn new(addr: SocketAddr, ca_pems: &[&[u8]]) -> Client {
        let mut roots = rustls::RootCertStore::empty();
        for pem in ca_pems {
            for cert in CertificateDer::pem_slice_iter(pem) {
                roots.add(cert.unwrap()).unwrap();
            }
        }
        Client { addr, roots: Arc::new(roots) }
    }

    pub async fn tls(&self, alpn: &[&[u8]]) -> TlsStream<TcpStream> {
        let mut config =
            rustls::ClientConfig::builder_with_provider(Arc::new(rustls::crypto::ring::default_provider()))
                .with_safe_default_protocol_versions()
                .unwrap()
                .with_root_certificates(self.roots.clone())
                .with_no_client_auth();
        config.alpn_protocols = alpn.iter().map(|p| p.to_vec()).collect();
        let tcp = TcpStream::connect(self.addr).await.unwrap();
        TlsConnector::from(Arc::new(config)).connect(ServerName::try_from(SERVER_NAME).unwrap(), tcp).await.unwrap()
    }

    /// The serving certificate a new handshake gets.
    pub async fn peer_cert(&self) -> Vec<u8> {
        let tls = self.tls(&[b"http/1.1"]).await;
        tls.get_ref().1.peer_certificates().unwrap()[0].to_vec()
    }

    pub async fn h1(&self) -> (Conn, Vec<u8>) {
        let tls = self.tls(&[b"http/1.1"]).await;
        let cert = tls.get_ref().1.peer_certificates().unwrap()[0].to_vec();
        let (sender, conn) = hyper::client::conn::http1::handshake(TokioIo::new(tls)).await.unwrap();
        tokio::spawn(conn);
        (Conn::H1(sender), cert)
    }

    pub async fn h2(&self) -> Conn {
        let tls = self.tls(&[b"h2"]).await;
        assert_eq!(tls.get_ref().1.alpn_protocol(), Some(&b"h2"[..]));
        let (sender, conn) =
            hyper::client::conn::http2::handshake(hyper_util::rt::TokioExecutor::new(), TokioIo::new(tls))
                .await
                .unwrap();
        tokio::spawn(conn);
        Conn::H2(sender)
    }

    /// One request on a new HTTP/1.1 connection.
    pub async fn post(&self, body: impl Into<Bytes>) -> Reply {
        let (mut conn, _) = self.h1().await;
        conn.send("POST", "/validate", body.into()).await
    }
}

impl Conn {
    pub async fn send(&mut self, method: &str, path: &str, body: Bytes) -> Reply {
        let req = Request::builder()
            .method(method)
            .uri(format!("https://{SERVER_NAME}{path}"))
            .header("content-type", "application/json")
            .body(Full::new(body))
            .unwrap();
        let resp = match self {
            Conn::H1(s) => {
                s.ready().await.unwrap();
                s.send_request(req).await.unwrap()
            }
            Conn::H2(s) => s.send_request(req).await.unwrap(),
        };
        let status = resp.status();
        let body = resp.into_body().collect().await.unwrap().to_bytes();
        Reply { status, body }
    }

    pub async fn validate(&mut self, body: impl Into<Bytes>) -> Reply {
        self.send("POST", "/validate", body.into()).await
    }
}

/// Polls `check` until it holds (the server reloads files on its own clock).
pub async fn eventually<F, Fut>(what: &str, mut check: F)
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = bool>,
{
    for _ in 0..200 {
        if check().await {
            return;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("never happened: {what}");
}

/// Replaces a file the way a Secret volume update does: write aside, rename.
pub fn replace(path: &Path, text: &str) {
    let tmp = path.with_extension("new");
    std::fs::write(&tmp, text).unwrap();
    std::fs::rename(&tmp, path).unwrap();
}
