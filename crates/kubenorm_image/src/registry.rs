//! A small client of the OCI distribution API: manifests, blobs, tags,
//! the catalog and manifest deletion, with anonymous, basic and bearer-token
//! auth, timeouts and retries. Blocking (ureq, rustls with ring).

use crate::auth::{self, Credentials, Found};
use crate::digest::Digest;
use crate::error::Error;
use crate::oci::{MANIFEST_ACCEPT, MAX_DOCUMENT};
use base64::Engine as _;
use kubenorm_linter::model::ImageRef;
use std::cell::RefCell;
use std::collections::HashMap;
use std::io::Read;
use std::time::Duration;
use ureq::http::Response;

/// How to talk to a registry.
#[derive(Clone, Debug)]
pub struct ClientOptions {
    /// Plain HTTP instead of HTTPS (`--insecure`, for local registries).
    pub insecure: bool,
    /// Limit for connecting, for the response headers, and for each read.
    pub timeout: Duration,
    /// Extra attempts after a network error, a timeout, 429 or a 5xx answer.
    pub retries: u32,
}

impl Default for ClientOptions {
    fn default() -> Self {
        ClientOptions { insecure: false, timeout: Duration::from_secs(30), retries: 2 }
    }
}

/// A repository reference in a registry: `host[:port]/repo/sitory` plus a tag or digest.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RegistryRef {
    /// The registry as written (`docker.io` when implicit).
    pub registry: String,
    /// The repository as the API names it (`library/nginx` on Docker Hub).
    pub repository: String,
    /// Tag or digest (`latest` when none is given).
    pub reference: String,
}

impl RegistryRef {
    /// Parses an image reference the way the container runtime does.
    pub fn parse(text: &str) -> Result<RegistryRef, Error> {
        let parsed = ImageRef::parse(text.trim());
        let registry = parsed.canonical_registry().to_string();
        let mut repository = parsed.repository.to_string();
        if auth::is_docker_hub(&registry) && !repository.contains('/') {
            repository = format!("library/{repository}");
        }
        check_repository(&repository, text)?;
        let reference = match (parsed.digest, parsed.tag) {
            (Some(digest), _) => Digest::parse(digest)
                .ok_or_else(|| Error::Usage(format!("`{text}`: bad digest `{digest}`")))?
                .to_string(),
            (None, Some(tag)) => {
                check_tag(tag, text)?;
                tag.to_string()
            }
            (None, None) => "latest".to_string(),
        };
        if registry.is_empty() || registry.contains(['/', '@', '?', '#', ' ']) {
            return Err(Error::Usage(format!("`{text}`: bad registry `{registry}`")));
        }
        Ok(RegistryRef { registry, repository, reference })
    }
}

/// Repository paths as the distribution spec allows them (and nothing that
/// could bend a URL).
pub fn check_repository(repository: &str, text: &str) -> Result<(), Error> {
    let ok = !repository.is_empty()
        && repository.split('/').all(|part| {
            !part.is_empty()
                && part.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b"._-".contains(&b))
                && part.as_bytes()[0].is_ascii_alphanumeric()
        });
    if ok { Ok(()) } else { Err(Error::Usage(format!("`{text}`: `{repository}` is not a valid repository name"))) }
}

fn check_tag(tag: &str, text: &str) -> Result<(), Error> {
    let ok = !tag.is_empty()
        && tag.len() <= 128
        && (tag.as_bytes()[0].is_ascii_alphanumeric() || tag.starts_with('_'))
        && tag.bytes().all(|b| b.is_ascii_alphanumeric() || b"._-".contains(&b));
    if ok { Ok(()) } else { Err(Error::Usage(format!("`{text}`: `{tag}` is not a valid tag"))) }
}

/// A client for one registry.
pub struct Client {
    agent: ureq::Agent,
    base: String,
    registry: String,
    credentials: Option<Found>,
    /// `Authorization` header values by scope (`*` for basic auth).
    tokens: RefCell<HashMap<String, String>>,
    retries: u32,
}

/// What deleting a manifest did.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Deleted {
    Deleted,
    /// The registry no longer had it (404).
    AlreadyGone,
}

impl Client {
    /// A client for `registry` (`host[:port]`), with credentials from the auth file.
    pub fn new(registry: &str, options: &ClientOptions) -> Result<Client, Error> {
        let credentials = auth::lookup(registry)?;
        Ok(Client::with_credentials(registry, options, credentials))
    }

    pub fn with_credentials(registry: &str, options: &ClientOptions, credentials: Option<Found>) -> Client {
        let config = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .timeout_connect(Some(options.timeout))
            .timeout_recv_response(Some(options.timeout))
            .timeout_per_read(Some(options.timeout))
            .timeout_send_request(Some(options.timeout))
            .max_redirects(5)
            .user_agent(concat!("kubenorm/", env!("CARGO_PKG_VERSION")))
            .build();
        let host = if auth::is_docker_hub(registry) { "registry-1.docker.io" } else { registry };
        let scheme = if options.insecure { "http" } else { "https" };
        Client {
            agent: config.into(),
            base: format!("{scheme}://{host}"),
            registry: registry.to_string(),
            credentials,
            tokens: RefCell::new(HashMap::new()),
            retries: options.retries,
        }
    }

    /// The registry this client talks to, as named.
    pub fn registry(&self) -> &str {
        &self.registry
    }

    /// Fetches a manifest or index by tag or digest: its bytes, the media
    /// type the registry declared, and its digest (checked when asked by digest).
    pub fn manifest(&self, repository: &str, reference: &str) -> Result<(Vec<u8>, Option<String>, Digest), Error> {
        let path = format!("/v2/{repository}/manifests/{reference}");
        let response = self.send("GET", &path, &pull_scope(repository), Some(MANIFEST_ACCEPT))?;
        let response = self.expect_ok("GET", &path, response, &[200])?;
        let content_type =
            header(&response, "content-type").map(|t| t.split(';').next().unwrap_or("").trim().to_string());
        let declared = header(&response, "docker-content-digest");
        let bytes = self.read_small("GET", &path, response)?;
        let what = format!("manifest {}/{repository}:{reference}", self.registry);
        let digest = match Digest::parse(reference) {
            Some(wanted) => {
                wanted.verify(&bytes, &what)?;
                wanted
            }
            None => {
                let actual = Digest::sha256_of(&bytes);
                if let Some(declared) = declared.as_deref().and_then(Digest::parse)
                    && declared.algorithm() == "sha256"
                    && declared != actual
                {
                    return Err(Error::DigestMismatch {
                        what: format!("{what} (Docker-Content-Digest)"),
                        expected: declared.to_string(),
                        actual: actual.to_string(),
                    });
                }
                actual
            }
        };
        Ok((bytes, content_type, digest))
    }

    /// Opens a blob for streaming, with its length when the registry says it.
    pub fn blob(&self, repository: &str, digest: &Digest) -> Result<(Box<dyn Read>, Option<u64>), Error> {
        let path = format!("/v2/{repository}/blobs/{digest}");
        let response = self.send("GET", &path, &pull_scope(repository), None)?;
        let response = self.expect_ok("GET", &path, response, &[200])?;
        let length = header(&response, "content-length").and_then(|l| l.parse().ok());
        Ok((Box::new(response.into_body().into_reader()), length))
    }

    /// Every repository the registry lists (`/v2/_catalog`, paginated).
    pub fn catalog(&self) -> Result<Vec<String>, Error> {
        self.paginated("/v2/_catalog?n=1000", "registry:catalog:*", "repositories")
    }

    /// Every tag of a repository (`/v2/<name>/tags/list`, paginated).
    pub fn tags(&self, repository: &str) -> Result<Vec<String>, Error> {
        self.paginated(&format!("/v2/{repository}/tags/list?n=1000"), &pull_scope(repository), "tags")
    }

    /// Deletes a manifest by digest (all tags pointing at it go with it).
    /// A registry that refuses (405) is an error that says so.
    pub fn delete_manifest(&self, repository: &str, digest: &Digest) -> Result<Deleted, Error> {
        let path = format!("/v2/{repository}/manifests/{digest}");
        let response = self.send("DELETE", &path, &format!("repository:{repository}:delete"), None)?;
        match response.status().as_u16() {
            200 | 202 | 204 => Ok(Deleted::Deleted),
            404 => Ok(Deleted::AlreadyGone),
            405 => Err(Error::Http {
                method: "DELETE".into(),
                url: self.url(&path),
                status: 405,
                detail: " Method Not Allowed: deleting is disabled; enable it \
                         (distribution: storage.delete.enabled: true; REGISTRY_STORAGE_DELETE_ENABLED=true)"
                    .into(),
            }),
            _ => Err(self.status_error("DELETE", &path, response)),
        }
    }

    fn paginated(&self, first: &str, scope: &str, key: &str) -> Result<Vec<String>, Error> {
        let mut out = Vec::new();
        let mut next = Some(first.to_string());
        let mut pages = 0;
        while let Some(path) = next.take() {
            pages += 1;
            if pages > 10_000 {
                return Err(Error::format(self.url(first), "pagination does not end"));
            }
            let response = self.send("GET", &path, scope, None)?;
            let response = self.expect_ok("GET", &path, response, &[200])?;
            next = header(&response, "link").and_then(|link| next_link(&link));
            let bytes = self.read_small("GET", &path, response)?;
            let page: serde_json::Value = serde_json::from_slice(&bytes)
                .map_err(|e| Error::format(self.url(&path), format_args!("not valid JSON: {e}")))?;
            let items = page.get(key).and_then(|v| v.as_array()).map(Vec::as_slice).unwrap_or_default();
            out.extend(items.iter().filter_map(|v| v.as_str()).map(str::to_string));
        }
        Ok(out)
    }

    fn url(&self, path: &str) -> String {
        if path.starts_with("http://") || path.starts_with("https://") {
            path.to_string()
        } else {
            format!("{}{path}", self.base)
        }
    }

    /// Sends a request, authenticating on a 401 challenge and retrying
    /// transient failures. Answers other than 401 are returned as they are.
    fn send(&self, method: &str, path: &str, scope: &str, accept: Option<&str>) -> Result<Response<ureq::Body>, Error> {
        let url = self.url(path);
        let mut challenged = false;
        let mut attempt = 0;
        loop {
            let authorization = self.cached_authorization(scope);
            let result = self.once(method, &url, authorization.as_deref(), accept);
            match result {
                Ok(response) if response.status().as_u16() == 401 && !challenged => {
                    challenged = true;
                    let challenge = header(&response, "www-authenticate").unwrap_or_default();
                    self.authenticate(&challenge, scope, &url)?;
                }
                Ok(response) if matches!(response.status().as_u16(), 401 | 403) => {
                    let status = response.status().as_u16();
                    let reason = match &self.credentials {
                        Some(found) => format!("the registry refused the credentials from {} ({status})", found.source),
                        None => format!(
                            "the registry wants credentials ({status}); none found for `{}` in {}",
                            self.registry,
                            auth_file_name()
                        ),
                    };
                    return Err(Error::Auth { url, reason });
                }
                Ok(response) if retryable(response.status().as_u16()) && attempt < self.retries => {
                    std::thread::sleep(backoff(attempt, header(&response, "retry-after").as_deref()));
                    attempt += 1;
                }
                Ok(response) => return Ok(response),
                Err(e) if transient(&e) && attempt < self.retries => {
                    std::thread::sleep(backoff(attempt, None));
                    attempt += 1;
                }
                Err(e) => {
                    let tries = if attempt > 0 { format!(" (after {} attempts)", attempt + 1) } else { String::new() };
                    return Err(Error::Network {
                        method: method.into(),
                        url,
                        reason: format!("{}{tries}", describe(&e)),
                    });
                }
            }
        }
    }

    fn once(
        &self,
        method: &str,
        url: &str,
        authorization: Option<&str>,
        accept: Option<&str>,
    ) -> Result<Response<ureq::Body>, ureq::Error> {
        macro_rules! with_headers {
            ($builder:expr) => {{
                let mut builder = $builder;
                if let Some(value) = authorization {
                    builder = builder.header("Authorization", value);
                }
                if let Some(value) = accept {
                    builder = builder.header("Accept", value);
                }
                builder.call()
            }};
        }
        match method {
            "DELETE" => with_headers!(self.agent.delete(url)),
            "HEAD" => with_headers!(self.agent.head(url)),
            _ => with_headers!(self.agent.get(url)),
        }
    }

    fn cached_authorization(&self, scope: &str) -> Option<String> {
        let tokens = self.tokens.borrow();
        tokens.get(scope).or_else(|| tokens.get("*")).cloned()
    }

    /// Answers a `WWW-Authenticate` challenge: basic credentials, or a
    /// bearer token from the realm (anonymous, basic or refresh-token).
    fn authenticate(&self, challenge: &str, scope: &str, url: &str) -> Result<(), Error> {
        let (scheme, params) = parse_challenge(challenge);
        if scheme.eq_ignore_ascii_case("basic") {
            let Some(Found { credentials: Credentials::Basic { username, password }, .. }) = &self.credentials else {
                return Err(Error::Auth {
                    url: url.to_string(),
                    reason: format!(
                        "the registry wants a user name and password; none found for `{}` in {}",
                        self.registry,
                        auth_file_name()
                    ),
                });
            };
            self.tokens.borrow_mut().insert("*".into(), basic(username, password));
            return Ok(());
        }
        if !scheme.eq_ignore_ascii_case("bearer") {
            return Err(Error::Auth {
                url: url.to_string(),
                reason: format!("unsupported authentication challenge `{challenge}`"),
            });
        }
        let realm = params.get("realm").cloned().ok_or_else(|| Error::Auth {
            url: url.to_string(),
            reason: format!("bearer challenge without a realm: `{challenge}`"),
        })?;
        // The challenge's scope is what the registry wants for this request.
        let wanted_scope = params.get("scope").cloned().unwrap_or_else(|| scope.to_string());
        let service = params.get("service").cloned().unwrap_or_default();
        let token = self.fetch_token(&realm, &service, &wanted_scope)?;
        self.tokens.borrow_mut().insert(scope.to_string(), format!("Bearer {token}"));
        Ok(())
    }

    fn fetch_token(&self, realm: &str, service: &str, scope: &str) -> Result<String, Error> {
        let failed = |reason: String| Error::Auth { url: realm.to_string(), reason };
        let mut attempt = 0;
        let response = loop {
            let result = match &self.credentials {
                Some(Found { credentials: Credentials::IdentityToken(token), .. }) => {
                    self.agent.post(realm).send_form([
                        ("grant_type", "refresh_token"),
                        ("service", service),
                        ("scope", scope),
                        ("client_id", "kubenorm"),
                        ("refresh_token", token.as_str()),
                    ])
                }
                credentials => {
                    let query = format!("{realm}?service={}&scope={}", encode(service), encode(scope));
                    let mut request = self.agent.get(&query);
                    if let Some(Found { credentials: Credentials::Basic { username, password }, .. }) = credentials {
                        request = request.header("Authorization", basic(username, password));
                    }
                    request.call()
                }
            };
            match result {
                Ok(r) if retryable(r.status().as_u16()) && attempt < self.retries => {}
                Ok(r) => break r,
                Err(e) if transient(&e) && attempt < self.retries => {}
                Err(e) => return Err(failed(format!("token request failed: {}", describe(&e)))),
            }
            std::thread::sleep(backoff(attempt, None));
            attempt += 1;
        };
        let status = response.status().as_u16();
        if status != 200 {
            let reason = match (&self.credentials, status) {
                (Some(found), 401 | 403) => {
                    format!("the token service refused the credentials from {} ({status})", found.source)
                }
                _ => format!("the token service answered {status}"),
            };
            return Err(failed(reason));
        }
        let bytes = response
            .into_body()
            .into_with_config()
            .limit(MAX_DOCUMENT)
            .read_to_vec()
            .map_err(|e| failed(format!("reading the token: {}", describe(&e))))?;
        let reply: serde_json::Value =
            serde_json::from_slice(&bytes).map_err(|e| failed(format!("the token answer is not JSON: {e}")))?;
        reply
            .get("token")
            .or_else(|| reply.get("access_token"))
            .and_then(|t| t.as_str())
            .filter(|t| !t.is_empty())
            .map(str::to_string)
            .ok_or_else(|| failed("the token answer holds no token".into()))
    }

    fn expect_ok(
        &self,
        method: &str,
        path: &str,
        response: Response<ureq::Body>,
        ok: &[u16],
    ) -> Result<Response<ureq::Body>, Error> {
        if ok.contains(&response.status().as_u16()) {
            Ok(response)
        } else {
            Err(self.status_error(method, path, response))
        }
    }

    /// An error for an unexpected status, with the registry's own error codes.
    fn status_error(&self, method: &str, path: &str, response: Response<ureq::Body>) -> Error {
        let status = response.status();
        let reason = status.canonical_reason().map(|r| format!(" {r}")).unwrap_or_default();
        let body = response.into_body().into_with_config().limit(64 * 1024).read_to_vec().unwrap_or_default();
        let codes: Vec<String> = serde_json::from_slice::<serde_json::Value>(&body)
            .ok()
            .and_then(|v| v.get("errors").and_then(|e| e.as_array()).cloned())
            .unwrap_or_default()
            .iter()
            .map(|e| {
                let code = e.get("code").and_then(|c| c.as_str()).unwrap_or("");
                let message = e.get("message").and_then(|c| c.as_str()).unwrap_or("");
                format!("{code} {message}").trim().to_string()
            })
            .filter(|s| !s.is_empty())
            .collect();
        let detail = if codes.is_empty() { String::new() } else { format!(": {}", codes.join("; ")) };
        Error::Http {
            method: method.to_string(),
            url: self.url(path),
            status: status.as_u16(),
            detail: format!("{reason}{detail}"),
        }
    }

    fn read_small(&self, method: &str, path: &str, response: Response<ureq::Body>) -> Result<Vec<u8>, Error> {
        response.into_body().into_with_config().limit(MAX_DOCUMENT).read_to_vec().map_err(|e| Error::Network {
            method: method.to_string(),
            url: self.url(path),
            reason: describe(&e),
        })
    }
}

fn pull_scope(repository: &str) -> String {
    format!("repository:{repository}:pull")
}

fn header(response: &Response<ureq::Body>, name: &str) -> Option<String> {
    response.headers().get(name).and_then(|v| v.to_str().ok()).map(str::to_string)
}

fn auth_file_name() -> String {
    auth::auth_file().map_or("no auth file (HOME unset)".to_string(), |p| format!("`{}`", p.display()))
}

fn basic(username: &str, password: &str) -> String {
    format!("Basic {}", base64::engine::general_purpose::STANDARD.encode(format!("{username}:{password}")))
}

/// 429 and the 5xx answers that a second try may fix.
fn retryable(status: u16) -> bool {
    matches!(status, 429 | 500 | 502 | 503 | 504)
}

fn transient(error: &ureq::Error) -> bool {
    matches!(error, ureq::Error::Timeout(_) | ureq::Error::Io(_) | ureq::Error::ConnectionFailed)
}

fn backoff(attempt: u32, retry_after: Option<&str>) -> Duration {
    if let Some(seconds) = retry_after.and_then(|s| s.trim().parse::<u64>().ok()) {
        return Duration::from_secs(seconds.min(10));
    }
    Duration::from_millis((200u64 << attempt.min(4)).min(3000))
}

fn describe(error: &ureq::Error) -> String {
    match error {
        ureq::Error::Timeout(which) => format!("timed out ({which})"),
        ureq::Error::ConnectionFailed => "connection failed".to_string(),
        ureq::Error::HostNotFound => "host not found".to_string(),
        other => other.to_string(),
    }
}

/// `Bearer realm="https://auth",service="registry",scope="repository:a:pull"`.
fn parse_challenge(challenge: &str) -> (String, HashMap<String, String>) {
    let challenge = challenge.trim();
    let (scheme, rest) = challenge.split_once(' ').unwrap_or((challenge, ""));
    let mut params = HashMap::new();
    let mut rest = rest.trim();
    while !rest.is_empty() {
        let Some((key, after)) = rest.split_once('=') else { break };
        let key = key.trim().trim_start_matches(',').trim().to_ascii_lowercase();
        let after = after.trim_start();
        let (value, remainder) = if let Some(quoted) = after.strip_prefix('"') {
            match quoted.find('"') {
                Some(end) => (&quoted[..end], &quoted[end + 1..]),
                None => (quoted, ""),
            }
        } else {
            match after.find(',') {
                Some(end) => (&after[..end], &after[end..]),
                None => (after, ""),
            }
        };
        params.insert(key, value.to_string());
        rest = remainder.trim_start().trim_start_matches(',').trim_start();
    }
    (scheme.to_string(), params)
}

/// `<https://r/v2/_catalog?last=b&n=2>; rel="next"` → the next page's URL or path.
fn next_link(link: &str) -> Option<String> {
    link.split(',').find(|part| part.contains("rel=\"next\"") || part.contains("rel=next")).and_then(|part| {
        let start = part.find('<')? + 1;
        let end = part[start..].find('>')? + start;
        Some(part[start..end].to_string())
    })
}

/// Percent-encodes a query value.
fn encode(value: &str) -> String {
    kubenorm_source::percent_encode(value, b"")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_references_like_the_runtime() {
        let r = RegistryRef::parse("nginx").unwrap();
        assert_eq!(
            (r.registry.as_str(), r.repository.as_str(), r.reference.as_str()),
            ("docker.io", "library/nginx", "latest")
        );
        let r = RegistryRef::parse("localhost:5000/shop/web:1.0").unwrap();
        assert_eq!(
            (r.registry.as_str(), r.repository.as_str(), r.reference.as_str()),
            ("localhost:5000", "shop/web", "1.0")
        );
        let digest = format!("sha256:{}", "a".repeat(64));
        let r = RegistryRef::parse(&format!("harbor.company.com/shop/web:1.0@{digest}")).unwrap();
        assert_eq!(r.reference, digest);
        assert!(RegistryRef::parse("localhost:5000/Shop/web:1").is_err());
        assert!(RegistryRef::parse("localhost:5000/shop/web:../x").is_err());
        assert!(RegistryRef::parse("localhost:5000/shop/web@sha256:zz").is_err());
    }

    #[test]
    fn parses_challenges_and_links() {
        let (scheme, params) = parse_challenge(
            r#"Bearer realm="https://auth.io/token",service="registry.io",scope="repository:a/b:pull,push""#,
        );
        assert_eq!(scheme, "Bearer");
        assert_eq!(params["realm"], "https://auth.io/token");
        assert_eq!(params["scope"], "repository:a/b:pull,push");
        let (scheme, params) = parse_challenge(r#"Basic realm="basic-realm""#);
        assert_eq!((scheme.as_str(), params["realm"].as_str()), ("Basic", "basic-realm"));
        assert_eq!(next_link(r#"</v2/_catalog?last=b&n=2>; rel="next""#).as_deref(), Some("/v2/_catalog?last=b&n=2"));
        assert_eq!(next_link(""), None);
        assert_eq!(encode("repository:a/b:pull"), "repository%3Aa%2Fb%3Apull");
    }
}
