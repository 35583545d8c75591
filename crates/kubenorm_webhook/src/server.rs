//! The HTTPS server: rustls (ring) in front of hyper, HTTP/1.1 and HTTP/2.
//!
//! - `POST /validate`, `GET /healthz`, `GET /readyz` on the TLS address;
//!   `GET /metrics` (and the two probes) in plain HTTP on the metrics address.
//! - Bodies over 3 MiB, non-JSON bodies and reviews without a `request` get
//!   HTTP 400. A client that sends its headers, its TLS handshake or its body
//!   slower than the read timeout is cut off.
//! - Certificate, key and configuration files are polled (content compared,
//!   no inotify): a changed certificate is served to new handshakes, a changed
//!   configuration replaces the linter; a bad new file is logged, counted and
//!   ignored, the old one stays.
//! - Shutdown stops accepting, lets in-flight requests finish (up to a
//!   timeout) and closes idle connections.

use crate::admit::{Admitter, Decision};
use crate::log::{DecisionLine, Logger};
use crate::metrics::{Metrics, ReasonLabels, RequestLabels, RuleLabels};
use crate::review::{self, ReviewError};
use crate::tls::{self, CertStore, TlsError};
use bytes::Bytes;
use http_body_util::{BodyExt, Full, Limited};
use hyper::body::Incoming;
use hyper::header::{CONTENT_LENGTH, CONTENT_TYPE};
use hyper::service::service_fn;
use hyper::{Method, Request, Response, StatusCode};
use hyper_util::rt::{TokioExecutor, TokioIo, TokioTimer};
use hyper_util::server::conn::auto;
use hyper_util::server::graceful::GracefulShutdown;
use kubenorm_linter::Config;
use kubenorm_linter::config::ConfigError;
use serde_json::json;
use std::convert::Infallible;
use std::future::Future;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, RwLock};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};
use tokio::net::TcpListener;
use tokio_rustls::TlsAcceptor;

/// Largest AdmissionReview accepted (the API server's own limit is 3 MiB).
pub const MAX_BODY_BYTES: usize = 3 * 1024 * 1024;
/// Bodies larger than this are linted off the async workers' fast path.
const BLOCKING_BODY_BYTES: usize = 256 * 1024;

/// How `kubenorm serve` runs.
#[derive(Clone, Debug)]
pub struct ServeOptions {
    pub addr: SocketAddr,
    pub metrics_addr: Option<SocketAddr>,
    pub tls_cert: PathBuf,
    pub tls_key: PathBuf,
    /// `.kubenorm.yaml`; `None` runs the handbook's defaults.
    pub config: Option<PathBuf>,
    /// Longest a client may take for its TLS handshake, its request headers
    /// or its body; also how long an idle keep-alive connection stays open.
    pub read_timeout: Duration,
    /// How often the certificate, key and configuration files are checked.
    pub reload_interval: Duration,
    /// Longest in-flight requests may take to finish after a shutdown signal.
    pub shutdown_timeout: Duration,
    /// Also append the JSON log lines to this file.
    pub log_file: Option<PathBuf>,
}

impl ServeOptions {
    pub fn new(tls_cert: PathBuf, tls_key: PathBuf) -> ServeOptions {
        ServeOptions {
            addr: SocketAddr::from(([0, 0, 0, 0], 8443)),
            metrics_addr: Some(SocketAddr::from(([0, 0, 0, 0], 9090))),
            tls_cert,
            tls_key,
            config: None,
            read_timeout: Duration::from_secs(10),
            reload_interval: Duration::from_secs(5),
            shutdown_timeout: Duration::from_secs(25),
            log_file: None,
        }
    }
}

/// Why the webhook cannot start.
#[derive(Debug, thiserror::Error)]
pub enum ServeError {
    #[error("cannot read `{path}`: {error}")]
    Read { path: String, error: std::io::Error },
    #[error("invalid configuration: {0}")]
    Config(#[from] ConfigError),
    #[error("invalid configuration: {0}")]
    Rules(#[from] kubenorm_linter::UnknownRule),
    #[error("TLS certificate `{cert}` and key `{key}`: {error}")]
    Tls { cert: String, key: String, error: TlsError },
    #[error("cannot listen on {addr}: {error}")]
    Bind { addr: SocketAddr, error: std::io::Error },
    #[error("cannot open log file `{path}`: {error}")]
    Log { path: String, error: std::io::Error },
    #[error("cannot start the async runtime: {0}")]
    Runtime(std::io::Error),
}

/// What every connection shares.
struct Shared {
    admitter: RwLock<Arc<Admitter>>,
    certs: Arc<CertStore>,
    metrics: Metrics,
    log: Logger,
    ready: AtomicBool,
    read_timeout: Duration,
}

/// A bound, not yet running webhook.
pub struct Server {
    listener: TcpListener,
    metrics_listener: Option<TcpListener>,
    acceptor: TlsAcceptor,
    shared: Arc<Shared>,
    options: ServeOptions,
    watched: Watched,
}

/// The files polled for changes, with the contents last seen.
struct Watched {
    cert: Vec<u8>,
    key: Vec<u8>,
    config: Option<Vec<u8>>,
}

impl Server {
    /// Loads configuration and certificate and binds both addresses.
    pub async fn bind(options: ServeOptions) -> Result<Server, ServeError> {
        Server::bind_with_logger(options.clone(), None).await
    }

    /// As [`Server::bind`], with a given logger (tests pass a silent one).
    pub async fn bind_with_logger(options: ServeOptions, log: Option<Logger>) -> Result<Server, ServeError> {
        let log = match log {
            Some(log) => log,
            None => Logger::new(options.log_file.clone()).map_err(|error| ServeError::Log {
                path: options.log_file.as_deref().map(display).unwrap_or_default(),
                error,
            })?,
        };
        let metrics = Metrics::new();
        let (config, config_text) = match &options.config {
            Some(path) => {
                let text = read(path)?;
                (parse_config(path, &text)?, Some(text))
            }
            None => (Config::default(), None),
        };
        let admitter = Admitter::new(config)?;
        metrics.config_last_reload.set(unix_now());
        let cert = read(&options.tls_cert)?;
        let key = read(&options.tls_key)?;
        let provider = tls::provider();
        let loaded = tls::load(&cert, &key, &provider).map_err(|error| ServeError::Tls {
            cert: display(&options.tls_cert),
            key: display(&options.tls_key),
            error,
        })?;
        if let Some(expiry) = loaded.not_after {
            metrics.cert_expiry.set(expiry as f64);
        }
        let certs = Arc::new(CertStore::new(loaded.key));
        let tls_config = tls::server_config(certs.clone(), provider).map_err(|error| ServeError::Tls {
            cert: display(&options.tls_cert),
            key: display(&options.tls_key),
            error,
        })?;
        let listener =
            TcpListener::bind(options.addr).await.map_err(|error| ServeError::Bind { addr: options.addr, error })?;
        let metrics_listener = match options.metrics_addr {
            Some(addr) => Some(TcpListener::bind(addr).await.map_err(|error| ServeError::Bind { addr, error })?),
            None => None,
        };
        let shared = Arc::new(Shared {
            admitter: RwLock::new(Arc::new(admitter)),
            certs,
            metrics,
            log,
            ready: AtomicBool::new(false),
            read_timeout: options.read_timeout,
        });
        Ok(Server {
            listener,
            metrics_listener,
            acceptor: TlsAcceptor::from(Arc::new(tls_config)),
            shared,
            options,
            watched: Watched { cert, key, config: config_text },
        })
    }

    /// The HTTPS address actually bound (port 0 picks one).
    pub fn local_addr(&self) -> SocketAddr {
        self.listener.local_addr().expect("a bound listener has an address")
    }

    pub fn metrics_addr(&self) -> Option<SocketAddr> {
        self.metrics_listener.as_ref().and_then(|l| l.local_addr().ok())
    }

    /// Serves until `shutdown` completes, then drains.
    pub async fn run(self, shutdown: impl Future<Output = ()>) {
        let Server { listener, metrics_listener, acceptor, shared, options, watched } = self;
        let mut builder = auto::Builder::new(TokioExecutor::new());
        builder.http1().timer(TokioTimer::new()).header_read_timeout(options.read_timeout).keep_alive(true);
        builder
            .http2()
            .timer(TokioTimer::new())
            .max_concurrent_streams(256)
            .keep_alive_interval(Some(Duration::from_secs(30)));
        let graceful = GracefulShutdown::new();
        let reloader = tokio::spawn(reload_loop(shared.clone(), options.clone(), watched));
        let metrics_task = metrics_listener.map(|l| tokio::spawn(serve_metrics(l, shared.clone())));
        shared.ready.store(true, Ordering::SeqCst);
        let addr = listener.local_addr().map(|a| a.to_string()).unwrap_or_default();
        shared.log.info(
            "listening",
            json!({"addr": addr, "metricsAddr": options.metrics_addr.map(|a| a.to_string()),
                   "config": options.config.as_deref().map(display), "version": env!("CARGO_PKG_VERSION")}),
        );

        tokio::pin!(shutdown);
        loop {
            let (tcp, _peer) = tokio::select! {
                accepted = listener.accept() => match accepted {
                    Ok(conn) => conn,
                    Err(e) => {
                        // Out of file descriptors and the like: back off, go on.
                        shared.log.warn("accept failed", json!({"error": e.to_string()}));
                        tokio::time::sleep(Duration::from_millis(50)).await;
                        continue;
                    }
                },
                () = &mut shutdown => break,
            };
            let _ = tcp.set_nodelay(true);
            let acceptor = acceptor.clone();
            let shared = shared.clone();
            let builder = builder.clone();
            let watcher = graceful.watcher();
            tokio::spawn(async move {
                let tls = match tokio::time::timeout(shared.read_timeout, acceptor.accept(tcp)).await {
                    Ok(Ok(tls)) => tls,
                    // Failed or too slow handshakes: nothing to answer.
                    _ => return,
                };
                let service = service_fn(move |req| handle(shared.clone(), req));
                let conn = builder.serve_connection(TokioIo::new(tls), service).into_owned();
                let _ = watcher.watch(conn).await;
            });
        }

        drop(listener);
        shared.ready.store(false, Ordering::SeqCst);
        shared.log.info("shutting down", json!({"connections": graceful.count()}));
        let drained = tokio::time::timeout(options.shutdown_timeout, graceful.shutdown()).await.is_ok();
        reloader.abort();
        if let Some(task) = metrics_task {
            task.abort();
        }
        shared.log.info("stopped", json!({"drained": drained}));
    }
}

/// Runs the webhook on its own runtime until SIGTERM or SIGINT.
pub fn run_until_signal(options: ServeOptions, threads: Option<usize>) -> Result<(), ServeError> {
    let mut runtime = tokio::runtime::Builder::new_multi_thread();
    if let Some(n) = threads {
        runtime.worker_threads(n.max(1));
    }
    let runtime = runtime.enable_all().build().map_err(ServeError::Runtime)?;
    runtime.block_on(async move {
        let server = Server::bind(options).await?;
        server.run(shutdown_signal()).await;
        Ok(())
    })
}

/// SIGTERM (the kubelet) or SIGINT (a terminal).
async fn shutdown_signal() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        match (signal(SignalKind::terminate()), signal(SignalKind::interrupt())) {
            (Ok(mut term), Ok(mut int)) => {
                tokio::select! {
                    _ = term.recv() => {}
                    _ = int.recv() => {}
                }
            }
            _ => std::future::pending::<()>().await,
        }
    }
    #[cfg(not(unix))]
    {
        let _ = tokio::signal::ctrl_c().await;
    }
}

type Resp = Response<Full<Bytes>>;

async fn handle(shared: Arc<Shared>, req: Request<Incoming>) -> Result<Resp, Infallible> {
    let response = match (req.method(), req.uri().path()) {
        (&Method::POST, "/validate") => validate(&shared, req).await,
        (_, "/validate") => text(StatusCode::METHOD_NOT_ALLOWED, "use POST with an AdmissionReview\n"),
        (&Method::GET, "/healthz") => text(StatusCode::OK, "ok\n"),
        (&Method::GET, "/readyz") => readyz(&shared),
        _ => text(StatusCode::NOT_FOUND, "not found: POST /validate, GET /healthz, GET /readyz\n"),
    };
    Ok(response)
}

fn readyz(shared: &Shared) -> Resp {
    if shared.ready.load(Ordering::SeqCst) {
        text(StatusCode::OK, "ready\n")
    } else {
        text(StatusCode::SERVICE_UNAVAILABLE, "not ready\n")
    }
}

async fn validate(shared: &Shared, req: Request<Incoming>) -> Resp {
    let start = Instant::now();
    let declared = req.headers().get(CONTENT_LENGTH).and_then(|v| v.to_str().ok()).and_then(|v| v.parse::<u64>().ok());
    if declared.is_some_and(|n| n > MAX_BODY_BYTES as u64) {
        return bad_request(shared, "too_large", "request body is larger than 3 MiB");
    }
    let body = Limited::new(req.into_body(), MAX_BODY_BYTES).collect();
    let body = match tokio::time::timeout(shared.read_timeout, body).await {
        Ok(Ok(collected)) => collected.to_bytes(),
        Ok(Err(e)) if e.is::<http_body_util::LengthLimitError>() => {
            return bad_request(shared, "too_large", "request body is larger than 3 MiB");
        }
        Ok(Err(e)) => return bad_request(shared, "unreadable", &format!("cannot read the request body: {e}")),
        Err(_) => {
            shared.metrics.invalid.get_or_create(&ReasonLabels { reason: "timeout" }).inc();
            let mut resp = text(StatusCode::REQUEST_TIMEOUT, "request body not received in time\n");
            resp.headers_mut().insert(hyper::header::CONNECTION, hyper::header::HeaderValue::from_static("close"));
            return resp;
        }
    };
    let parsed = review::parse(&body);
    let request = match parsed.as_ref().map_err(Clone::clone).and_then(|review| review.request()) {
        Ok(request) => request,
        Err(e) => {
            let reason = match e {
                ReviewError::NotJson(_) => "not_json",
                ReviewError::WrongApiVersion(_) | ReviewError::WrongKind(_) => "not_admission_review",
                ReviewError::MissingRequest
                | ReviewError::MissingUid
                | ReviewError::MissingObject { .. }
                | ReviewError::BadField(_) => "missing_request",
            };
            return bad_request(shared, reason, &e.to_string());
        }
    };
    let admitter = shared.admitter.read().unwrap_or_else(|e| e.into_inner()).clone();
    let multi_thread = tokio::runtime::Handle::current().runtime_flavor() == tokio::runtime::RuntimeFlavor::MultiThread;
    let decision = if body.len() > BLOCKING_BODY_BYTES && multi_thread {
        tokio::task::block_in_place(|| admitter.review(&request))
    } else {
        admitter.review(&request)
    };
    let out = decision.response.to_review_json();
    let elapsed = start.elapsed();
    record(shared, &request, &decision, elapsed);
    let mut resp = Response::new(Full::new(Bytes::from(out)));
    resp.headers_mut().insert(CONTENT_TYPE, hyper::header::HeaderValue::from_static("application/json"));
    resp
}

fn record(shared: &Shared, request: &review::AdmissionRequest<'_>, decision: &Decision, elapsed: Duration) {
    let m = &shared.metrics;
    let result = decision.result_label();
    m.requests
        .get_or_create(&RequestLabels {
            operation: request.operation.to_string(),
            kind: request.kind.kind.to_string(),
            result,
            dry_run: if request.is_dry_run() { "true" } else { "false" },
        })
        .inc();
    m.duration.observe(elapsed.as_secs_f64());
    for rule in &decision.denied_rules {
        m.denials.get_or_create(&RuleLabels { rule }).inc();
    }
    for rule in &decision.warned_rules {
        m.warnings.get_or_create(&RuleLabels { rule }).inc();
    }
    shared.log.decision(&DecisionLine {
        uid: request.uid,
        kind: request.kind.kind,
        namespace: request.namespace,
        name: request.name,
        operation: request.operation,
        sub_resource: request.sub_resource,
        user: request.user_info.username,
        dry_run: request.is_dry_run(),
        allowed: decision.response.allowed,
        result,
        denied: &decision.denied_rules,
        warned: &decision.warned_rules,
        duration_ms: (elapsed.as_secs_f64() * 1e6).round() / 1e3,
    });
}

fn bad_request(shared: &Shared, reason: &'static str, message: &str) -> Resp {
    shared.metrics.invalid.get_or_create(&ReasonLabels { reason }).inc();
    shared.log.warn("bad request", json!({"reason": reason, "error": message}));
    let mut resp = text(StatusCode::BAD_REQUEST, &format!("{message}\n"));
    if reason == "too_large" {
        // The rest of the body was not read: end the connection rather than drain it.
        resp.headers_mut().insert(hyper::header::CONNECTION, hyper::header::HeaderValue::from_static("close"));
    }
    resp
}

fn text(status: StatusCode, body: &str) -> Resp {
    let mut resp = Response::new(Full::new(Bytes::copy_from_slice(body.as_bytes())));
    *resp.status_mut() = status;
    resp.headers_mut().insert(CONTENT_TYPE, hyper::header::HeaderValue::from_static("text/plain; charset=utf-8"));
    resp
}

/// Plain HTTP: `/metrics`, `/healthz`, `/readyz`.
async fn serve_metrics(listener: TcpListener, shared: Arc<Shared>) {
    let mut builder = hyper::server::conn::http1::Builder::new();
    builder.timer(TokioTimer::new()).header_read_timeout(shared.read_timeout);
    loop {
        let Ok((tcp, _)) = listener.accept().await else {
            tokio::time::sleep(Duration::from_millis(50)).await;
            continue;
        };
        let shared = shared.clone();
        let builder = builder.clone();
        tokio::spawn(async move {
            let service = service_fn(move |req: Request<Incoming>| {
                let shared = shared.clone();
                async move {
                    Ok::<_, Infallible>(match (req.method(), req.uri().path()) {
                        (&Method::GET, "/metrics") => {
                            let mut resp = text(StatusCode::OK, &shared.metrics.render());
                            resp.headers_mut().insert(
                                CONTENT_TYPE,
                                hyper::header::HeaderValue::from_static(
                                    "application/openmetrics-text; version=1.0.0; charset=utf-8",
                                ),
                            );
                            resp
                        }
                        (&Method::GET, "/healthz") => text(StatusCode::OK, "ok\n"),
                        (&Method::GET, "/readyz") => readyz(&shared),
                        _ => text(StatusCode::NOT_FOUND, "not found: GET /metrics\n"),
                    })
                }
            });
            let _ = builder.serve_connection(TokioIo::new(tcp), service).await;
        });
    }
}

/// Polls the certificate, key and configuration files.
async fn reload_loop(shared: Arc<Shared>, options: ServeOptions, mut watched: Watched) {
    let provider = tls::provider();
    let mut interval = tokio::time::interval(options.reload_interval);
    interval.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    interval.tick().await;
    loop {
        interval.tick().await;
        reload_certificate(&shared, &options, &mut watched, &provider);
        if let Some(path) = &options.config {
            reload_config(&shared, path, &mut watched);
        }
    }
}

fn reload_certificate(
    shared: &Shared,
    options: &ServeOptions,
    watched: &mut Watched,
    provider: &rustls::crypto::CryptoProvider,
) {
    // Unreadable for a moment (a Secret being swapped): try next time.
    let (Ok(cert), Ok(key)) = (std::fs::read(&options.tls_cert), std::fs::read(&options.tls_key)) else { return };
    if cert == watched.cert && key == watched.key {
        return;
    }
    let fields = json!({"cert": display(&options.tls_cert), "key": display(&options.tls_key)});
    match tls::load(&cert, &key, provider) {
        Ok(loaded) => {
            shared.certs.replace(loaded.key);
            if let Some(expiry) = loaded.not_after {
                shared.metrics.cert_expiry.set(expiry as f64);
            }
            Metrics::reload(&shared.metrics.cert_reloads, true);
            shared.log.info("certificate reloaded", fields);
        }
        Err(e) => {
            Metrics::reload(&shared.metrics.cert_reloads, false);
            shared.log.error(
                "certificate reload failed; serving the previous one",
                json!({"cert": fields["cert"], "key": fields["key"], "error": e.to_string()}),
            );
        }
    }
    // Remember what was seen either way: a bad pair is reported once, and
    // retried when either file changes again.
    watched.cert = cert;
    watched.key = key;
}

fn reload_config(shared: &Shared, path: &Path, watched: &mut Watched) {
    let Ok(text) = std::fs::read(path) else { return };
    if watched.config.as_deref() == Some(&text[..]) {
        return;
    }
    let loaded = parse_config(path, &text)
        .map_err(|e| e.to_string())
        .and_then(|config| Admitter::new(config).map_err(|e| e.to_string()));
    match loaded {
        Ok(admitter) => {
            *shared.admitter.write().unwrap_or_else(|e| e.into_inner()) = Arc::new(admitter);
            Metrics::reload(&shared.metrics.config_reloads, true);
            shared.metrics.config_last_reload.set(unix_now());
            shared.log.info("configuration reloaded", json!({"config": display(path)}));
        }
        Err(error) => {
            Metrics::reload(&shared.metrics.config_reloads, false);
            shared.log.error(
                "configuration reload failed; keeping the previous one",
                json!({"config": display(path), "error": error}),
            );
        }
    }
    watched.config = Some(text);
}

fn parse_config(path: &Path, bytes: &[u8]) -> Result<Config, ServeError> {
    let text = std::str::from_utf8(bytes).map_err(|e| ServeError::Read {
        path: display(path),
        error: std::io::Error::new(std::io::ErrorKind::InvalidData, e),
    })?;
    Ok(Config::from_yaml(&display(path), text)?)
}

fn read(path: &Path) -> Result<Vec<u8>, ServeError> {
    std::fs::read(path).map_err(|error| ServeError::Read { path: display(path), error })
}

fn display(path: &Path) -> String {
    path.display().to_string()
}

fn unix_now() -> f64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_secs_f64()).unwrap_or(0.0)
}
