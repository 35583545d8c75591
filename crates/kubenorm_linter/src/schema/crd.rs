//! CustomResourceDefinitions of a run, and the objects that wait for them.
//!
//! Objects of kinds without a built-in schema are *deferred*: while a file is
//! linted only small facts are kept about them and about the file's CRDs
//! ([`Deferred`]: document index, node, group, kind, versions), never their
//! documents or text, so memory does not grow with the corpus. At the end of
//! the run `Linter::finish` reads again only the files it needs: the one CRD
//! document that first defines each version a deferred object uses (compiled
//! into a [`CrdTable`]), then the files of the deferred objects.

use super::{CompiledSchema, Schema, compile};
use crate::finding::{FileId, ObjectKey};
use crate::model::Object;
use kubenorm_source::yaml::{Document, NodeId, NodeRef};
use std::collections::{HashMap, HashSet};
use std::sync::Arc;

/// What a CRD of the run defines: a kind of a group, and a schema per version.
pub(crate) struct CrdDef<'d> {
    pub group: &'d str,
    pub kind: &'d str,
    /// Version name → its `openAPIV3Schema` (`None`: the CRD gives none).
    pub versions: Vec<(&'d str, Option<NodeRef<'d>>)>,
    /// Structural pruning (`preserveUnknownFields` is not `true`).
    prune: bool,
}
impl<'d> CrdDef<'d> {
    /// Reads a CustomResourceDefinition (`apiextensions.k8s.io/v1`, or the
    /// old `v1beta1` with its shared `spec.validation`).
    pub(crate) fn from_object(object: &Object<'d>) -> Option<CrdDef<'d>> {
        let spec = object.spec()?;
        let group = spec.get_str("group")?;
        let kind = spec.get("names")?.get_str("kind")?;
        // v1 requires `preserveUnknownFields: false`; v1beta1 defaulted to true (no pruning).
        let prune = match spec.get_bool("preserveUnknownFields") {
            Some(preserve) => !preserve,
            None => object.api_version != "apiextensions.k8s.io/v1beta1",
        };
        let shared = spec.path(&["validation", "openAPIV3Schema"]).filter(|s| s.is_map());
        let mut versions: Vec<(&'d str, Option<NodeRef<'d>>)> = spec
            .get("versions")
            .into_iter()
            .flat_map(|v| v.items())
            .filter_map(|v| {
                let own = v.path(&["schema", "openAPIV3Schema"]).filter(|s| s.is_map());
                Some((v.get_str("name")?, own.or(shared)))
            })
            .collect();
        if let Some(name) = spec.get_str("version")
            && !versions.iter().any(|(v, _)| *v == name)
        {
            versions.push((name, shared));
        }
        Some(CrdDef { group, kind, versions, prune })
    }
}

/// (group, kind, version)
pub(crate) type Gkv<'a> = (&'a str, &'a str, &'a str);

/// The run's CRDs that deferred objects need, each needed version compiled.
#[derive(Default)]
pub(crate) struct CrdTable {
    /// (group, kind) → versions the CRDs define, with the schema of each
    /// needed one (`None`: no schema, or a version no object uses).
    crds: HashMap<(String, String), Vec<CrdVersion>>,
}

/// A version a CRD defines, and its compiled schema.
type CrdVersion = (String, Option<Arc<CompiledSchema>>);

/// What the run's CRDs say about an object's group, kind and version.
pub(crate) enum CrdLookup<'t> {
    /// No CRD of the run defines the kind.
    Undefined,
    /// A CRD defines the kind but not this version; its versions.
    VersionMissing(Vec<&'t str>),
    /// Defined; `None` when that version has no schema.
    Schema(Option<Arc<CompiledSchema>>),
}

/// Where the schema of a needed version is: the CRD that first defines it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub(crate) struct CrdSite {
    pub file: FileId,
    /// The line its document starts on.
    pub line: u32,
    pub root: NodeId,
}

/// Which versions each kind's CRDs define, in run order, and which CRD
/// document to compile for each version in `needed`: several CRDs may define
/// one kind (copies of an operator in many folders, other releases), and the
/// first that defines a version wins.
pub(crate) struct CrdPlan<'a> {
    /// (group, kind) → each version defined, with the CRD to compile it from
    /// when an object needs it.
    defined: HashMap<(&'a str, &'a str), Vec<PlannedVersion<'a>>>,
}

type PlannedVersion<'a> = (&'a str, Option<CrdSite>);

/// The CRD documents of one file to compile, each with the versions wanted.
pub(crate) type FileSites<'a> = (FileId, Vec<(CrdSite, Vec<&'a str>)>);

impl<'a> CrdPlan<'a> {
    pub(crate) fn new(files: impl Iterator<Item = &'a Deferred>, needed: &HashSet<Gkv<'_>>) -> CrdPlan<'a> {
        let mut defined: HashMap<(&str, &str), Vec<PlannedVersion<'_>>> = HashMap::new();
        for file in files {
            for crd in &file.crds {
                let versions = defined.entry((&*crd.group, &*crd.kind)).or_default();
                for version in &crd.versions {
                    if versions.iter().any(|(v, _)| v == &&**version) {
                        continue;
                    }
                    let site = CrdSite { file: file.file, line: crd.line, root: crd.root };
                    let wanted = needed.contains(&(&*crd.group, &*crd.kind, &**version));
                    versions.push((version, wanted.then_some(site)));
                }
            }
        }
        CrdPlan { defined }
    }

    /// The CRD documents to compile, by file: (site, versions of it to compile).
    pub(crate) fn sites_by_file(&self) -> Vec<FileSites<'a>> {
        let mut by_site: HashMap<CrdSite, Vec<&str>> = HashMap::new();
        for versions in self.defined.values() {
            for (version, site) in versions {
                if let Some(site) = site {
                    by_site.entry(*site).or_default().push(version);
                }
            }
        }
        let mut by_file: HashMap<FileId, Vec<(CrdSite, Vec<&str>)>> = HashMap::new();
        for (site, versions) in by_site {
            by_file.entry(site.file).or_default().push((site, versions));
        }
        let mut files: Vec<_> = by_file.into_iter().collect();
        files.sort_unstable_by_key(|(file, _)| *file);
        files
    }

    /// The table, given the compiled schema of each (site, version).
    pub(crate) fn into_table(self, compiled: &HashMap<(CrdSite, String), Arc<CompiledSchema>>) -> CrdTable {
        let crds = self
            .defined
            .into_iter()
            .map(|((group, kind), versions)| {
                let versions = versions
                    .into_iter()
                    .map(|(version, site)| {
                        let schema = site.and_then(|site| compiled.get(&(site, version.to_string())).cloned());
                        (version.to_string(), schema)
                    })
                    .collect();
                ((group.to_string(), kind.to_string()), versions)
            })
            .collect();
        CrdTable { crds }
    }
}

/// The text of the YAML document that starts on `line` (1-based): up to the
/// next line that starts with a document marker, which always ends a
/// document. Parsed alone it gives the same tree, node for node.
pub(crate) fn document_text(text: &str, line: u32) -> &str {
    let mut starts = std::iter::once(0).chain(memchr::memchr_iter(b'\n', text.as_bytes()).map(|i| i + 1));
    let Some(start) = starts.nth((line as usize).saturating_sub(1)) else { return "" };
    let end = starts.find(|&s| text[s..].starts_with("---") || text[s..].starts_with("...")).unwrap_or(text.len());
    &text[start..end]
}

/// Compiles `versions` of the CRD at `root` of `document`, if it still is one.
pub(crate) fn compile_versions(
    document: &Document,
    root: NodeId,
    versions: &[&str],
) -> Vec<(String, Arc<CompiledSchema>)> {
    let Some(object) = document.get_node(root).and_then(Object::new) else { return Vec::new() };
    let Some(crd) = CrdDef::from_object(&object) else { return Vec::new() };
    crd.versions
        .iter()
        .filter(|(name, _)| versions.contains(name))
        .filter_map(|(name, root)| {
            let mut schema = Schema::default();
            let root = compile::from_yaml((*root)?, crd.prune, &mut schema);
            Some((name.to_string(), Arc::new(CompiledSchema { schema, root })))
        })
        .collect()
}

impl CrdTable {
    pub(crate) fn lookup(&self, group: &str, kind: &str, version: &str) -> CrdLookup<'_> {
        let Some(versions) = self.crds.get(&(group.to_string(), kind.to_string())) else {
            return CrdLookup::Undefined;
        };
        match versions.iter().find(|(v, _)| v == version) {
            Some((_, schema)) => CrdLookup::Schema(schema.clone()),
            None => {
                let mut names: Vec<&str> = versions.iter().map(|(v, _)| v.as_str()).collect();
                names.sort_unstable();
                CrdLookup::VersionMissing(names)
            }
        }
    }
}

/// What the end of the run needs to know about one file for schema
/// validation: its custom resources and its CRDs, as small facts.
#[derive(Debug, Default)]
pub struct Deferred {
    pub(crate) file: FileId,
    /// Custom resources waiting for the run's CRDs.
    pub(crate) objects: Vec<DeferredObject>,
    /// The file's CustomResourceDefinitions.
    pub(crate) crds: Vec<CrdFact>,
}

/// A custom resource to validate once every CRD of the run is known.
#[derive(Debug)]
pub(crate) struct DeferredObject {
    /// Index of its document in the file's stream (documents that do not parse count).
    pub document: u32,
    pub key: ObjectKey,
    pub root: NodeId,
    pub api_version: Box<str>,
    pub kind: Box<str>,
    /// `Kind namespace/name`, for the note when it has no schema.
    pub display_name: Box<str>,
}

impl DeferredObject {
    pub(crate) fn group(&self) -> &str {
        self.api_version.rsplit_once('/').map_or("", |(group, _)| group)
    }

    pub(crate) fn version(&self) -> &str {
        self.api_version.rsplit('/').next().unwrap_or_default()
    }
}

/// A CustomResourceDefinition of the file: where it is and what it defines.
#[derive(Debug)]
pub(crate) struct CrdFact {
    /// The line its document starts on: the end of the run parses that
    /// document alone (CRD bundles run to megabytes).
    pub line: u32,
    pub root: NodeId,
    pub group: Box<str>,
    pub kind: Box<str>,
    /// The versions it defines, in its order.
    pub versions: Vec<Box<str>>,
}

impl Deferred {
    pub fn is_empty(&self) -> bool {
        self.objects.is_empty() && self.crds.is_empty()
    }

    /// Records what document `index` of `file` holds: the objects the rule
    /// deferred and the CRDs it kept (`Context::defer_object`, `Context::keep_crd`).
    pub(crate) fn record(
        &mut self,
        file: FileId,
        index: u32,
        document: &Document,
        objects: &[(ObjectKey, NodeId)],
        crds: &[NodeId],
    ) {
        self.file = file;
        for &(key, root) in objects {
            let Some(object) = Object::new(document.node(root)) else { continue };
            self.objects.push(DeferredObject {
                document: index,
                key,
                root,
                api_version: object.api_version.into(),
                kind: object.kind.into(),
                display_name: object.display_name().into(),
            });
        }
        for &root in crds {
            let Some(object) = Object::new(document.node(root)) else { continue };
            let Some(crd) = CrdDef::from_object(&object) else { continue };
            self.crds.push(CrdFact {
                line: document.span.start.line,
                root,
                group: crd.group.into(),
                kind: crd.kind.into(),
                versions: crd.versions.iter().map(|(name, _)| (*name).into()).collect(),
            });
        }
    }
}
