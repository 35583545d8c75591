use crate::context::Context;
use crate::declare_rule;
use crate::model::ImageModel;
use crate::model::image::{FileEntry, FileKind, is_ssh_private_key_name};
use crate::rule::Rule;
use memchr::memmem;

declare_rule! {
    /// ## What it does
    /// Flags private keys and credential files in the final filesystem:
    /// - `*.pem` and `*.key` files holding a private key (`-----BEGIN … PRIVATE KEY-----`;
    ///   certificates are fine),
    /// - SSH private keys (`id_rsa`, `id_dsa`, `id_ecdsa`, `id_ed25519`; not `*.pub`),
    /// - `.env` and `.env.*` files (not `.env.example`, `.env.sample`, `.env.template`, `.env.dist`, `.env.defaults`),
    /// - `.git-credentials`, `.aws/credentials`,
    /// - `.npmrc` with a literal `_authToken`, `_auth` or `_password` (a `${NPM_TOKEN}` reference is fine),
    /// - `.docker/config.json` with an `auth`, `identitytoken` or `password` (a `credsStore` alone is fine).
    ///
    /// Empty files are not flagged. Each finding names the file and the
    /// layer that added it. A file that a later layer deletes (or replaces)
    /// is flagged too: it is gone from the final filesystem, but the layer
    /// that added it still ships it to everyone who pulls the image.
    ///
    /// ## Why is this bad?
    /// Anyone who can pull the image can read the secret, and it stays in
    /// the registry, in every node's cache and in every copy, long after it
    /// is rotated. Deleting it in a later layer does not help: the earlier
    /// layer still ships it.
    ///
    /// ## Example
    /// ```dockerfile
    /// COPY .npmrc /root/.npmrc
    /// RUN npm ci
    /// ```
    /// Use instead:
    /// ```dockerfile
    /// RUN --mount=type=secret,id=npmrc,target=/root/.npmrc npm ci
    /// ```
    pub struct ImageSecretFile;
    name: "image-secret-file",
    category: Image,
    severity: Error,
    summary: "The image holds a private key or a credential file.",
}

impl Rule for ImageSecretFile {
    fn check_image(&self, image: &ImageModel, cx: &mut Context<'_>) {
        for entry in image.files().iter().filter(|e| e.kind == FileKind::Regular && e.size > 0) {
            if let Some(what) = secret_in(entry) {
                cx.report_image(self, format!("{} holds {what}", image.describe(entry))).help(HELP);
            }
        }
        for removed in image.removed().iter().filter(|r| r.entry.kind == FileKind::Regular && r.entry.size > 0) {
            if let Some(what) = secret_in(&removed.entry) {
                let how = if removed.replaced { "replaces" } else { "deletes" };
                let message = format!(
                    "{} holds {what}; layer {} {how} it, but layer {} still ships it",
                    image.describe(&removed.entry),
                    removed.by_layer + 1,
                    removed.entry.layer + 1
                );
                cx.report_image(self, message).help(HELP);
            }
        }
    }
}

const HELP: &str = "rebuild without it (a later `rm` does not remove it from the layer); mount secrets at build time \
                    (`RUN --mount=type=secret`) and at run time from a Secret";

/// What secret `entry` holds, if any.
fn secret_in(entry: &FileEntry) -> Option<&'static str> {
    let name = entry.path.rsplit('/').next().unwrap_or_default();
    let content = entry.content.as_deref().unwrap_or_default();
    if is_ssh_private_key_name(name) {
        return Some("an SSH private key");
    }
    if (name.ends_with(".pem") || name.ends_with(".key")) && has_private_key(content) {
        return Some("a private key");
    }
    if name == ".env"
        || name
            .strip_prefix(".env.")
            .is_some_and(|suffix| !matches!(suffix, "example" | "sample" | "template" | "dist" | "defaults"))
    {
        return Some("environment variables (a .env file)");
    }
    if name == ".git-credentials" {
        return Some("Git credentials");
    }
    if entry.path.ends_with("/.aws/credentials") {
        return Some("AWS credentials");
    }
    if name == ".npmrc" && npmrc_has_token(content) {
        return Some("an npm registry token");
    }
    if entry.path.ends_with("/.docker/config.json") && docker_config_has_auth(content) {
        return Some("container registry credentials");
    }
    None
}

fn has_private_key(content: &[u8]) -> bool {
    memmem::find(content, b"-----BEGIN ").is_some()
        && (memmem::find(content, b"PRIVATE KEY-----").is_some()
            || memmem::find(content, b"PRIVATE KEY BLOCK-----").is_some())
}

/// `//registry.npmjs.org/:_authToken=npm_…`, `_auth=…`, `_password=…` with a literal value.
fn npmrc_has_token(content: &[u8]) -> bool {
    String::from_utf8_lossy(content).lines().any(|line| {
        let Some((key, value)) = line.split_once('=') else { return false };
        let key = key.trim();
        let value = value.trim().trim_matches(['"', '\'']);
        (key.ends_with("_authToken") || key.ends_with("_auth") || key.ends_with("_password"))
            && !value.is_empty()
            && !value.starts_with("${")
            && !line.trim_start().starts_with([';', '#'])
    })
}

/// A Docker/Podman auth file with credentials (not only a `credsStore`).
fn docker_config_has_auth(content: &[u8]) -> bool {
    let Ok(config) = serde_json::from_slice::<serde_json::Value>(content) else { return false };
    let Some(auths) = config.get("auths").and_then(|a| a.as_object()) else { return false };
    auths.values().any(|entry| {
        ["auth", "identitytoken", "registrytoken", "password"]
            .iter()
            .any(|key| entry.get(key).and_then(|v| v.as_str()).is_some_and(|v| !v.is_empty()))
    })
}

#[cfg(test)]
mod tests {
    use super::super::testing::*;

    const RULE: &str = "image-secret-file";
    const KEY: &str = "-----BEGIN RSA PRIVATE KEY-----\nMIIEow\n-----END RSA PRIVATE KEY-----\n";
    const CERT: &str = "-----BEGIN CERTIFICATE-----\nMIIDdz\n-----END CERTIFICATE-----\n";

    #[test]
    fn fires_for_keys_and_credential_files() {
        let image = image(vec![
            with_content("/etc/ssl/private/server.pem", KEY, 1),
            with_content("/app/tls.key", "-----BEGIN PRIVATE KEY-----\nx\n", 1),
            with_content("/root/.ssh/id_ed25519", "-----BEGIN OPENSSH PRIVATE KEY-----\n", 1),
            with_content("/app/.env", "DB_PASSWORD=hunter2\n", 1),
            with_content("/app/.env.production", "X=1\n", 1),
            with_content("/root/.git-credentials", "https://u:p@git.company.com\n", 1),
            with_content("/root/.aws/credentials", "[default]\naws_secret_access_key=x\n", 1),
            with_content(
                "/root/.npmrc",
                "registry=https://npm.company.com/\n//npm.company.com/:_authToken=npm_abc\n",
                1,
            ),
            with_content("/root/.docker/config.json", r#"{"auths":{"harbor.company.com":{"auth":"dTpw"}}}"#, 1),
        ]);
        let found = messages(RULE, &image);
        assert_eq!(found.len(), 9, "{found:#?}");
        assert!(found.contains(&"`/root/.npmrc` (added by layer 2 of 2, sha256:0000000000000000000000000000000000000000000000000000000000000002) holds an npm registry token".to_string()), "{found:#?}");
    }

    #[test]
    fn fires_for_secrets_a_later_layer_deleted() {
        use crate::model::image::Removed;
        let mut built = image(vec![]);
        built.layers = layers(3);
        let removed = vec![
            Removed { entry: with_content("/root/.npmrc", "//r/:_authToken=npm_x\n", 1), by_layer: 2, replaced: false },
            Removed { entry: with_content("/app/.env", "A=1\n", 0), by_layer: 1, replaced: true },
            Removed { entry: with_content("/root/.npmrc.bak", "", 0), by_layer: 1, replaced: false },
        ];
        let built = built.with_removed(removed);
        let found = messages(RULE, &built);
        assert_eq!(found.len(), 2, "{found:#?}");
        assert!(
            found.iter().any(|m| m.starts_with("`/root/.npmrc` (added by layer 2 of 3")
                && m.ends_with("holds an npm registry token; layer 3 deletes it, but layer 2 still ships it")),
            "{found:#?}"
        );
        assert!(
            found.iter().any(|m| m.ends_with(
                "holds environment variables (a .env file); layer 2 replaces it, but layer 1 still ships it"
            )),
            "{found:#?}"
        );
    }

    #[test]
    fn clean_for_certificates_references_and_examples() {
        let image = image(vec![
            with_content("/etc/ssl/certs/ca.pem", CERT, 0),
            with_content("/root/.ssh/id_ed25519.pub", "ssh-ed25519 AAAA\n", 1),
            with_content("/app/.env.example", "DB_PASSWORD=\n", 1),
            with_content("/app/.env", "", 1),
            with_content("/root/.npmrc", "//npm.company.com/:_authToken=${NPM_TOKEN}\n; _auth=commented\n", 1),
            with_content("/root/.docker/config.json", r#"{"credsStore":"pass","auths":{"harbor.company.com":{}}}"#, 1),
            with_content("/usr/share/doc/README.key", "not a key", 0),
        ]);
        assert!(messages(RULE, &image).is_empty(), "{:#?}", messages(RULE, &image));
    }
}
