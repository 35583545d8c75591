use crate::context::Context;
use crate::declare_rule;
use crate::finding::Severity;
use crate::model::Object;
use crate::rule::Rule;
use kubenorm_source::yaml::NodeRef;

declare_rule! {
    /// ## What it does
    /// Reads an `EncryptionConfiguration` (`apiserver.config.k8s.io/v1`) the
    /// way the API server does and flags it when Secrets are stored in plain
    /// text: no `resources` entry covers `secrets`, or the first provider that
    /// applies to them is `identity`. The API server picks the providers of
    /// the exact resource (`secrets` or `secrets.`), else of the core-group
    /// wildcard `*.`, else of `*.*`; entries naming the same resource add
    /// their providers in order, and the first provider encrypts new writes.
    /// A `kms` provider of `apiVersion: v1` (the default when `apiVersion` is
    /// missing) is a warning: KMS v1 is deprecated, use KMS v2.
    ///
    /// ## Why is this bad?
    /// The handbook requires encryption at rest with DEK/KEK key management:
    /// without it every Secret lies readable in etcd and in its backups.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: apiserver.config.k8s.io/v1
    /// kind: EncryptionConfiguration
    /// resources:
    ///   - resources: ["secrets"]
    ///     providers:
    ///       - identity: {}
    ///       - aesgcm:
    ///           keys: [{name: key1, secret: "…"}]
    /// ```
    /// Use instead:
    /// ```yaml
    /// apiVersion: apiserver.config.k8s.io/v1
    /// kind: EncryptionConfiguration
    /// resources:
    ///   - resources: ["secrets"]
    ///     providers:
    ///       - kms:
    ///           apiVersion: v2
    ///           name: vault
    ///           endpoint: unix:///var/run/kms/vault.sock
    ///       - identity: {}
    /// ```
    pub struct EncryptionAtRestDisabled;
    name: "encryption-at-rest-disabled",
    category: Secrets,
    severity: Error,
    summary: "Secrets are not encrypted at rest.",
}

impl Rule for EncryptionAtRestDisabled {
    fn check_object(&self, object: &Object<'_>, cx: &mut Context<'_>) {
        if object.group() != "apiserver.config.k8s.io" || object.kind != "EncryptionConfiguration" {
            return;
        }
        let list = object.root.get("resources").filter(|r| !r.is_null());
        let entries: Vec<NodeRef<'_>> = list.into_iter().flat_map(|l| l.items()).filter(|e| e.is_map()).collect();

        match secrets_providers(&entries) {
            None => {
                cx.report(
                    self,
                    list.unwrap_or(object.anchor()),
                    "no `resources` entry covers secrets: they are stored in plain text",
                )
                .help("add an entry for `secrets` whose first provider encrypts (kms v2, aesgcm or secretbox)");
            }
            Some((covering, providers)) => match providers.first() {
                None => {
                    cx.report(self, covering, "the entry covering secrets has no providers")
                        .help("list an encrypting provider (kms v2, aesgcm or secretbox) first");
                }
                Some(first) if provider_type(*first) == Some("identity") => {
                    cx.report(self, *first, "the first provider for secrets is `identity`: new Secrets are written in plain text")
                        .help("put an encrypting provider (kms v2, aesgcm or secretbox) first; keep identity last, for reading old data");
                }
                Some(_) => {}
            },
        }

        for provider in entries.iter().flat_map(|e| providers_of(*e)) {
            let Some(kms) = provider.get("kms").filter(|k| k.is_map()) else { continue };
            let version = kms.get("apiVersion");
            if version.is_some_and(|v| v.as_str() != Some("v1")) {
                continue;
            }
            let name = kms.get_str("name").unwrap_or("?");
            let at = version.unwrap_or(kms);
            cx.report(self, at, format!("KMS provider `{name}` uses the deprecated KMS v1 API"))
                .help("set `apiVersion: v2` and run a KMS v2 plugin")
                .soften(Severity::Warning);
        }
    }
}

/// How a `resources` item names a resource, after `schema.ParseGroupResource`:
/// the part before the first `.` is the resource, the rest the group.
fn names(entry: NodeRef<'_>, resource: &str, group: &str) -> bool {
    let list = entry.get("resources");
    list.into_iter().flat_map(|l| l.items()).filter_map(|i| i.as_str()).any(|r| {
        let (res, grp) = r.split_once('.').unwrap_or((r, ""));
        res == resource && grp == group
    })
}

/// The entry that decides for secrets (the first of those that apply) and
/// the providers that apply to secrets, in order; `None` when nothing
/// covers secrets.
fn secrets_providers<'d>(entries: &[NodeRef<'d>]) -> Option<(NodeRef<'d>, Vec<NodeRef<'d>>)> {
    // The exact resource wins over `*.`, which wins over `*.*`.
    for (resource, group) in [("secrets", ""), ("*", ""), ("*", "*")] {
        let covering: Vec<NodeRef<'d>> = entries.iter().copied().filter(|e| names(*e, resource, group)).collect();
        if let Some(first) = covering.first() {
            let providers = covering.iter().flat_map(|e| providers_of(*e)).collect();
            return Some((*first, providers));
        }
    }
    None
}

fn providers_of(entry: NodeRef<'_>) -> impl Iterator<Item = NodeRef<'_>> {
    entry.get("providers").into_iter().flat_map(|p| p.items()).filter(|p| p.is_map())
}

/// `identity`, `aesgcm`, `kms`, ...: the provider item's key.
fn provider_type(provider: NodeRef<'_>) -> Option<&str> {
    provider.entries().next().and_then(|(k, _)| k.as_str())
}
