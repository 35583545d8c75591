//! Registry credentials, found the way Docker and Podman find them:
//! `REGISTRY_AUTH_FILE` if set, else `$DOCKER_CONFIG/config.json`, else
//! `~/.docker/config.json`; inline `auth` (base64 `user:password`),
//! `username`/`password`, `identitytoken`, or a credential helper
//! (`credHelpers`, `credsStore`: `docker-credential-<name> get`).

use crate::error::Error;
use base64::Engine as _;
use std::io::Write;
use std::path::PathBuf;
use std::process::{Command, Stdio};

/// What kubenorm presents to a registry.
#[derive(Clone, PartialEq, Eq)]
pub enum Credentials {
    Basic {
        username: String,
        password: String,
    },
    /// An OAuth2 refresh token (`identitytoken`), exchanged at the token endpoint.
    IdentityToken(String),
}

impl std::fmt::Debug for Credentials {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Credentials::Basic { username, .. } => write!(f, "Basic({username}, ***)"),
            Credentials::IdentityToken(_) => f.write_str("IdentityToken(***)"),
        }
    }
}

/// Where credentials came from, for messages.
#[derive(Clone, Debug)]
pub struct Found {
    pub credentials: Credentials,
    pub source: String,
}

/// The auth file kubenorm reads, if any.
pub fn auth_file() -> Option<PathBuf> {
    if let Some(file) = std::env::var_os("REGISTRY_AUTH_FILE").filter(|f| !f.is_empty()) {
        return Some(PathBuf::from(file));
    }
    let dir = match std::env::var_os("DOCKER_CONFIG").filter(|d| !d.is_empty()) {
        Some(dir) => PathBuf::from(dir),
        None => PathBuf::from(std::env::var_os("HOME")?).join(".docker"),
    };
    Some(dir.join("config.json"))
}

/// Credentials for `registry` (`host[:port]` as written in the reference).
/// A missing file means none; a malformed one is an error naming it.
pub fn lookup(registry: &str) -> Result<Option<Found>, Error> {
    let Some(path) = auth_file() else { return Ok(None) };
    let text = match std::fs::read(&path) {
        Ok(text) => text,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(source) => return Err(Error::Io { path, source }),
    };
    let shown = path.display().to_string();
    let config: serde_json::Value = serde_json::from_slice(&text)
        .map_err(|e| Error::format(format!("auth file `{shown}`"), format_args!("not valid JSON: {e}")))?;
    lookup_in(&config, registry, &shown)
}

/// The keys a registry may be filed under.
fn keys_for(registry: &str) -> Vec<String> {
    let hosts: Vec<&str> = if is_docker_hub(registry) {
        vec!["docker.io", "index.docker.io", "registry-1.docker.io", "https://index.docker.io/v1/"]
    } else {
        vec![registry]
    };
    let mut keys = Vec::new();
    for host in hosts {
        keys.push(host.to_string());
        for scheme in ["https://", "http://"] {
            for suffix in ["", "/", "/v1/", "/v2/"] {
                keys.push(format!("{scheme}{host}{suffix}"));
            }
        }
    }
    keys
}

pub(crate) fn is_docker_hub(registry: &str) -> bool {
    matches!(registry, "docker.io" | "index.docker.io" | "registry-1.docker.io")
}

fn lookup_in(config: &serde_json::Value, registry: &str, file: &str) -> Result<Option<Found>, Error> {
    let keys = keys_for(registry);
    let helper = keys
        .iter()
        .find_map(|k| config.get("credHelpers").and_then(|h| h.get(k)).and_then(|v| v.as_str()))
        .or_else(|| config.get("credsStore").and_then(|v| v.as_str()));
    let entry = keys.iter().find_map(|k| config.get("auths").and_then(|a| a.get(k)));
    if let Some(entry) = entry {
        let what = format!("auth file `{file}`, entry for {registry}");
        if let Some(token) = entry.get("identitytoken").and_then(|v| v.as_str()).filter(|t| !t.is_empty()) {
            return Ok(Some(Found { credentials: Credentials::IdentityToken(token.to_string()), source: what }));
        }
        if let Some(auth) = entry.get("auth").and_then(|v| v.as_str()).filter(|a| !a.is_empty()) {
            let decoded = base64::engine::general_purpose::STANDARD
                .decode(auth.trim())
                .ok()
                .and_then(|d| String::from_utf8(d).ok())
                .ok_or_else(|| Error::format(&what, "`auth` is not base64 of `user:password`"))?;
            let (username, password) =
                decoded.split_once(':').ok_or_else(|| Error::format(&what, "`auth` is not `user:password`"))?;
            let credentials = Credentials::Basic { username: username.into(), password: password.into() };
            return Ok(Some(Found { credentials, source: what }));
        }
        let field = |k: &str| entry.get(k).and_then(|v| v.as_str()).unwrap_or_default().to_string();
        if !field("username").is_empty() {
            let credentials = Credentials::Basic { username: field("username"), password: field("password") };
            return Ok(Some(Found { credentials, source: what }));
        }
    }
    match helper {
        Some(helper) => helper_get(helper, registry),
        None => Ok(None),
    }
}

/// Asks `docker-credential-<helper>` for the registry's credentials.
fn helper_get(helper: &str, registry: &str) -> Result<Option<Found>, Error> {
    let program = format!("docker-credential-{helper}");
    let server = if is_docker_hub(registry) { "https://index.docker.io/v1/".to_string() } else { registry.to_string() };
    let child =
        Command::new(&program).arg("get").stdin(Stdio::piped()).stdout(Stdio::piped()).stderr(Stdio::piped()).spawn();
    let mut child = match child {
        Ok(child) => child,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            return Err(Error::Usage(format!(
                "the auth file names the credential helper `{helper}`, but `{program}` is not on PATH"
            )));
        }
        Err(e) => return Err(Error::Usage(format!("cannot run `{program}`: {e}"))),
    };
    if let Some(mut stdin) = child.stdin.take() {
        let _ = stdin.write_all(server.as_bytes());
    }
    let output = child.wait_with_output().map_err(|e| Error::Usage(format!("`{program} get` failed: {e}")))?;
    if !output.status.success() {
        // "credentials not found in native keychain": anonymous access.
        return Ok(None);
    }
    let reply: serde_json::Value = serde_json::from_slice(&output.stdout)
        .map_err(|e| Error::Usage(format!("`{program} get` printed no JSON: {e}")))?;
    let username = reply.get("Username").and_then(|v| v.as_str()).unwrap_or_default();
    let secret = reply.get("Secret").and_then(|v| v.as_str()).unwrap_or_default();
    let source = format!("credential helper `{program}`");
    let credentials = if username == "<token>" {
        Credentials::IdentityToken(secret.to_string())
    } else {
        Credentials::Basic { username: username.to_string(), password: secret.to_string() }
    };
    Ok(Some(Found { credentials, source }))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn find(config: &str, registry: &str) -> Option<Credentials> {
        let config: serde_json::Value = serde_json::from_str(config).unwrap();
        lookup_in(&config, registry, "test.json").unwrap().map(|f| f.credentials)
    }

    #[test]
    fn reads_inline_credentials_under_any_usual_key() {
        // "dTpw" is base64 of "u:p".
        let config = r#"{"auths": {"https://harbor.company.com/v2/": {"auth": "dTpw"},
            "https://index.docker.io/v1/": {"username": "hub", "password": "pw"},
            "localhost:5000": {"identitytoken": "refresh"}}}"#;
        let basic = |u: &str, p: &str| Some(Credentials::Basic { username: u.into(), password: p.into() });
        assert_eq!(find(config, "harbor.company.com"), basic("u", "p"));
        assert_eq!(find(config, "docker.io"), basic("hub", "pw"));
        assert_eq!(find(config, "localhost:5000"), Some(Credentials::IdentityToken("refresh".into())));
        assert_eq!(find(config, "quay.io"), None);
    }

    #[test]
    fn a_malformed_entry_is_an_error_naming_the_file() {
        let config: serde_json::Value = serde_json::from_str(r#"{"auths": {"r.io": {"auth": "!!"}}}"#).unwrap();
        let err = lookup_in(&config, "r.io", "/home/u/.docker/config.json").unwrap_err().to_string();
        assert!(err.starts_with("auth file `/home/u/.docker/config.json`, entry for r.io"), "{err}");
    }

    #[test]
    fn debug_hides_secrets() {
        let c = Credentials::Basic { username: "u".into(), password: "secret".into() };
        assert!(!format!("{c:?}").contains("secret"));
    }
}
