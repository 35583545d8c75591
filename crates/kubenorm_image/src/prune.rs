//! `kubenorm registry prune`: the handbook's forced periodic cleanup. Plans
//! which tags to delete from a registry and deletes them by digest.
//!
//! Per repository, a tag is kept when its image is one of the `keep_last`
//! newest (by the config blob's `created`), younger than `keep_days`, tagged
//! to match `keep_tags`, or referenced by a manifest under `--protect-from`
//! (deployed). Deleting is by digest, and a digest goes with all its tags, so
//! a tag that shares its digest with a kept tag is kept too. An image whose
//! creation time cannot be read is kept.

use crate::digest::Digest;
use crate::error::Error;
use crate::oci::{self, Config, Document, PlatformSpec};
use crate::registry::{Client, Deleted, check_repository};
use kubenorm_linter::model::ImageRef;
use regex::Regex;
use std::collections::{BTreeMap, HashMap, HashSet};

/// What to prune: a registry, or one repository in it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Target {
    /// `host[:port]`.
    pub registry: String,
    pub repository: Option<String>,
}

impl Target {
    /// `REGISTRY[/REPO]`, e.g. `harbor.company.com/shop/web` or `localhost:5000`.
    pub fn parse(text: &str) -> Result<Target, Error> {
        let text = text.trim().trim_start_matches("https://").trim_start_matches("http://").trim_end_matches('/');
        let (registry, repository) = match text.split_once('/') {
            Some((registry, repository)) => (registry, Some(repository.to_string())),
            None => (text, None),
        };
        if registry.is_empty() || registry.contains(['@', '?', '#', ' ']) {
            return Err(Error::Usage(format!("`{text}` does not start with a registry host")));
        }
        if let Some(repository) = &repository {
            check_repository(repository, text)?;
        }
        Ok(Target { registry: registry.to_string(), repository })
    }
}

/// What to keep.
#[derive(Clone, Debug, Default)]
pub struct Policy {
    pub keep_last: usize,
    pub keep_days: u64,
    pub keep_tags: Option<Regex>,
    /// Image references in deployed manifests, with the file each came from.
    pub protected: Vec<(String, String)>,
}

/// A tag as the registry has it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TagInfo {
    pub repository: String,
    pub tag: String,
    pub digest: Digest,
    /// Creation time (Unix seconds) from the image config, if it has one.
    pub created: Option<i64>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Action {
    Keep,
    Delete,
}

impl Action {
    pub fn as_str(self) -> &'static str {
        match self {
            Action::Keep => "keep",
            Action::Delete => "delete",
        }
    }
}

/// The plan for one tag, with every reason it is kept.
#[derive(Clone, Debug)]
pub struct Decision {
    pub tag: TagInfo,
    pub action: Action,
    pub reasons: Vec<String>,
}

/// Decides, for every tag, whether it stays; sorted by repository, then newest first.
pub fn plan(registry: &str, tags: &[TagInfo], policy: &Policy, now: i64) -> Vec<Decision> {
    let mut by_repository: BTreeMap<&str, Vec<&TagInfo>> = BTreeMap::new();
    for tag in tags {
        by_repository.entry(tag.repository.as_str()).or_default().push(tag);
    }
    let cutoff = now.saturating_sub((policy.keep_days as i64).saturating_mul(86_400));
    let protected: Vec<(ImageRef<'_>, &str)> =
        policy.protected.iter().map(|(reference, file)| (ImageRef::parse(reference), file.as_str())).collect();
    let mut out = Vec::new();
    for (repository, mut tags) in by_repository {
        tags.sort_by(|a, b| b.created.cmp(&a.created).then_with(|| a.tag.cmp(&b.tag)));
        // The newest images (digests), counted once however many tags they have.
        let mut newest: Vec<&Digest> = Vec::new();
        for tag in tags.iter().filter(|t| t.created.is_some()) {
            if newest.len() >= policy.keep_last {
                break;
            }
            if !newest.contains(&&tag.digest) {
                newest.push(&tag.digest);
            }
        }
        let mut decisions: Vec<Decision> = tags
            .iter()
            .map(|tag| {
                let mut reasons = Vec::new();
                if newest.contains(&&tag.digest) {
                    reasons.push(format!("one of the {} newest", policy.keep_last));
                }
                match tag.created {
                    Some(created) if created > cutoff && policy.keep_days > 0 => {
                        reasons.push(format!("younger than {} days", policy.keep_days));
                    }
                    None => reasons.push("creation time unknown".to_string()),
                    _ => {}
                }
                if policy.keep_tags.as_ref().is_some_and(|re| re.is_match(&tag.tag)) {
                    reasons.push("tag matches --keep-tags".to_string());
                }
                for (reference, file) in &protected {
                    let same_repository = reference.canonical_registry().eq_ignore_ascii_case(registry)
                        && reference.repository == repository;
                    let same_image = reference.digest == Some(tag.digest.as_str())
                        || (reference.digest.is_none() && reference.tag.unwrap_or("latest") == tag.tag);
                    if same_repository && same_image {
                        reasons.push(format!("deployed: {file}"));
                    }
                }
                let action = if reasons.is_empty() { Action::Delete } else { Action::Keep };
                Decision { tag: (*tag).clone(), action, reasons }
            })
            .collect();
        // A delete by digest takes every tag of that digest: keep them together.
        let kept: HashMap<&Digest, &str> = decisions
            .iter()
            .filter(|d| d.action == Action::Keep)
            .map(|d| (&d.tag.digest, d.tag.tag.as_str()))
            .collect();
        let shared: Vec<(usize, String)> = decisions
            .iter()
            .enumerate()
            .filter(|(_, d)| d.action == Action::Delete)
            .filter_map(|(i, d)| kept.get(&d.tag.digest).map(|t| (i, format!("shares its digest with kept tag `{t}`"))))
            .collect();
        for (i, reason) in shared {
            decisions[i].action = Action::Keep;
            decisions[i].reasons.push(reason);
        }
        out.extend(decisions);
    }
    out
}

/// Lists the target's tags with their digests and creation times. For a
/// multi-platform index the creation time is that of `platform`'s image
/// (else the first image listed). `progress` hears each repository.
pub fn collect(
    client: &Client,
    target: &Target,
    platform: &PlatformSpec,
    mut progress: impl FnMut(&str),
) -> Result<Vec<TagInfo>, Error> {
    let repositories = match &target.repository {
        Some(repository) => vec![repository.clone()],
        None => client.catalog()?,
    };
    let mut out = Vec::new();
    for repository in repositories {
        progress(&repository);
        let mut created_of: HashMap<Digest, Option<i64>> = HashMap::new();
        for tag in client.tags(&repository)? {
            let (bytes, media_type, digest) = client.manifest(&repository, &tag)?;
            let created = match created_of.get(&digest) {
                Some(created) => *created,
                None => {
                    let what = format!("manifest {}/{repository}:{tag}", client.registry());
                    let created = creation_time(client, &repository, bytes, media_type, platform, &what)?;
                    created_of.insert(digest.clone(), created);
                    created
                }
            };
            out.push(TagInfo { repository: repository.clone(), tag, digest, created });
        }
    }
    Ok(out)
}

fn creation_time(
    client: &Client,
    repository: &str,
    mut bytes: Vec<u8>,
    mut media_type: Option<String>,
    platform: &PlatformSpec,
    what: &str,
) -> Result<Option<i64>, Error> {
    for _ in 0..4 {
        match oci::parse_document(&bytes, media_type.as_deref(), what)? {
            Document::Index(index) => {
                let child = match oci::select(&index, platform, what) {
                    Ok((d, _)) => d.clone(),
                    Err(_) => match index.manifests.first() {
                        Some(d) => d.clone(),
                        None => return Ok(None),
                    },
                };
                let (child_bytes, child_type, _) = client.manifest(repository, &child.digest)?;
                bytes = child_bytes;
                media_type = child.media_type.or(child_type);
            }
            Document::Manifest(manifest) => {
                let digest = Digest::parse_in(&manifest.config.digest, what)?;
                let (reader, _) = client.blob(repository, &digest)?;
                let config = Config::read(reader, &digest, &format!("config {digest} of {what}"))?;
                return Ok(config.created.as_deref().and_then(crate::time::parse_rfc3339));
            }
        }
    }
    Ok(None)
}

/// What one delete did.
#[derive(Debug)]
pub struct Deletion {
    pub repository: String,
    pub digest: Digest,
    /// The tags that went with it.
    pub tags: Vec<String>,
    pub result: Result<Deleted, Error>,
}

/// Deletes the planned images by digest, once per digest. Stops at the
/// first refusal (405: the registry does not allow deletes; the rest would
/// fail the same way); other failures are recorded and the rest go on.
pub fn execute(client: &Client, decisions: &[Decision]) -> Vec<Deletion> {
    let mut order: Vec<(String, Digest)> = Vec::new();
    let mut tags: HashMap<(String, Digest), Vec<String>> = HashMap::new();
    for d in decisions.iter().filter(|d| d.action == Action::Delete) {
        let key = (d.tag.repository.clone(), d.tag.digest.clone());
        if !tags.contains_key(&key) {
            order.push(key.clone());
        }
        tags.entry(key).or_default().push(d.tag.tag.clone());
    }
    let mut out = Vec::new();
    for key in order {
        let result = client.delete_manifest(&key.0, &key.1);
        let refused = matches!(result, Err(Error::Http { status: 405, .. }));
        let tags = tags.remove(&key).unwrap_or_default();
        out.push(Deletion { repository: key.0, digest: key.1, tags, result });
        if refused {
            break;
        }
    }
    out
}

/// Every `image:` string in a YAML or JSON stream (manifests, rendered
/// charts, kustomize output): what is deployed. Any `image` key counts, so
/// custom resources protect their images too; documents that do not parse
/// are skipped.
pub fn image_references(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    kubenorm_source::yaml::parse_stream(text, kubenorm_source::yaml::Limits::default(), |doc| {
        let Ok(doc) = doc else { return };
        let mut seen = HashSet::new();
        let mut stack = vec![doc.root()];
        while let Some(node) = stack.pop() {
            if !seen.insert(node.id()) {
                continue;
            }
            for (key, value) in node.entries() {
                if key.as_str() == Some("image")
                    && let Some(image) = value.as_str().map(str::trim).filter(|s| !s.is_empty())
                {
                    out.push(image.to_string());
                }
                stack.push(value);
            }
            stack.extend(node.items());
        }
    });
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const DAY: i64 = 86_400;
    const NOW: i64 = 1_000 * DAY;

    fn digest(n: u8) -> Digest {
        Digest::parse(&format!("sha256:{:064x}", n)).unwrap()
    }

    fn tag(repository: &str, tag: &str, n: u8, age_days: Option<i64>) -> TagInfo {
        TagInfo {
            repository: repository.into(),
            tag: tag.into(),
            digest: digest(n),
            created: age_days.map(|d| NOW - d * DAY),
        }
    }

    fn actions(decisions: &[Decision]) -> Vec<(String, &'static str, String)> {
        decisions.iter().map(|d| (d.tag.tag.clone(), d.action.as_str(), d.reasons.join("; "))).collect()
    }

    #[test]
    fn keeps_newest_young_matching_and_deployed_tags() {
        let tags = vec![
            tag("shop/web", "1.0", 1, Some(100)),
            tag("shop/web", "1.1", 2, Some(90)),
            tag("shop/web", "1.2", 3, Some(80)),
            tag("shop/web", "1.3", 4, Some(5)),
            tag("shop/web", "stable-1.3", 4, Some(5)),
            tag("shop/web", "release-0.9", 5, Some(200)),
            tag("shop/web", "old", 6, None),
            tag("shop/web", "alias-of-1.1", 2, Some(90)),
        ];
        let policy = Policy {
            keep_last: 1,
            keep_days: 30,
            keep_tags: Some(Regex::new("^release-").unwrap()),
            protected: vec![
                ("localhost:5000/shop/web:1.1".into(), "deploy/05-deployment.yaml".into()),
                ("harbor.company.com/shop/web:1.0".into(), "elsewhere.yaml".into()),
            ],
        };
        let decisions = plan("localhost:5000", &tags, &policy, NOW);
        let got = actions(&decisions);
        let expect = |t: &str, a: &str, r: &str| (t.to_string(), a.to_string(), r.to_string());
        let got: Vec<(String, String, String)> = got.into_iter().map(|(t, a, r)| (t, a.to_string(), r)).collect();
        assert_eq!(
            got,
            vec![
                expect("1.3", "keep", "one of the 1 newest; younger than 30 days"),
                expect("stable-1.3", "keep", "one of the 1 newest; younger than 30 days"),
                expect("1.2", "delete", ""),
                expect("1.1", "keep", "deployed: deploy/05-deployment.yaml"),
                expect("alias-of-1.1", "keep", "shares its digest with kept tag `1.1`"),
                expect("1.0", "delete", ""),
                expect("release-0.9", "keep", "tag matches --keep-tags"),
                expect("old", "keep", "creation time unknown"),
            ]
        );
    }

    #[test]
    fn counts_images_not_tags_and_works_per_repository() {
        let tags = vec![
            tag("a", "x1", 1, Some(50)),
            tag("a", "x2", 1, Some(50)),
            tag("a", "y", 2, Some(60)),
            tag("a", "z", 3, Some(70)),
            tag("b", "only", 9, Some(400)),
        ];
        let policy = Policy { keep_last: 2, ..Policy::default() };
        let decisions = plan("r", &tags, &policy, NOW);
        let deleted: Vec<(&str, &str)> = decisions
            .iter()
            .filter(|d| d.action == Action::Delete)
            .map(|d| (d.tag.repository.as_str(), d.tag.tag.as_str()))
            .collect();
        assert_eq!(deleted, vec![("a", "z")]);
    }

    #[test]
    fn a_digest_reference_protects_every_tag_of_it() {
        let tags = vec![tag("shop/web", "1.0", 1, Some(100)), tag("shop/web", "1.0-b", 1, Some(100))];
        let reference = format!("localhost:5000/shop/web@{}", digest(1));
        let policy = Policy { protected: vec![(reference, "x.yaml".into())], ..Policy::default() };
        let decisions = plan("localhost:5000", &tags, &policy, NOW);
        assert!(decisions.iter().all(|d| d.action == Action::Keep && d.reasons == ["deployed: x.yaml"]));
    }

    #[test]
    fn finds_image_references_in_manifests() {
        let text = "apiVersion: apps/v1\nkind: Deployment\nspec:\n  template:\n    spec:\n      containers:\n        - name: a\n          image: localhost:5000/shop/web:1.1\n      initContainers:\n        - {name: b, image: \"busybox:1.36\"}\n---\n{\"kind\": \"Custom\", \"spec\": {\"image\": \"r/x:2\"}}\n---\n: bad: [\n";
        let mut found = image_references(text);
        found.sort();
        assert_eq!(found, vec!["busybox:1.36", "localhost:5000/shop/web:1.1", "r/x:2"]);
    }

    #[test]
    fn parses_targets() {
        assert_eq!(
            Target::parse("localhost:5000/shop/web").unwrap(),
            Target { registry: "localhost:5000".into(), repository: Some("shop/web".into()) }
        );
        assert_eq!(Target::parse("https://harbor.company.com/").unwrap().repository, None);
        assert!(Target::parse("localhost:5000/Shop").is_err());
    }
}
