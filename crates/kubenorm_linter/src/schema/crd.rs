//! CustomResourceDefinitions of a run, and the objects that wait for them.
//!
//! CRDs and custom resources are both *deferred*: their documents are kept
//! (moved, not copied) in the file's [`Deferred`] until `Linter::finish`.
//! There the CRDs of all files form one table ([`CrdDef`], borrowing from
//! the kept documents), and a CRD version's schema is compiled only when an
//! object of that version needs it.

use super::{CompiledSchema, Schema, compile};
use crate::finding::{FileId, ObjectKey};
use crate::model::Object;
use kubenorm_source::yaml::{Document, NodeId, NodeRef};
use std::collections::HashMap;
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

/// The run's CRDs, with each version's schema compiled on first use.
#[derive(Default)]
pub(crate) struct CrdTable<'d> {
    crds: Vec<CrdDef<'d>>,
    compiled: HashMap<(usize, usize), Option<Arc<CompiledSchema>>>,
}

/// What the run's CRDs say about an object's group, kind and version.
pub(crate) enum CrdLookup<'t> {
    /// No CRD of the run defines the kind.
    Undefined,
    /// A CRD defines the kind but not this version; its versions.
    VersionMissing(Vec<&'t str>),
    /// Defined; `None` when that version has no schema.
    Schema(Option<Arc<CompiledSchema>>),
}

impl<'d> CrdTable<'d> {
    pub(crate) fn add(&mut self, crd: CrdDef<'d>) {
        self.crds.push(crd);
    }

    /// The schema for an object. Several CRDs of the run may define the
    /// same kind (copies, other releases): the first that defines the version wins.
    pub(crate) fn lookup(&mut self, group: &str, kind: &str, version: &str) -> CrdLookup<'_> {
        let defines = |c: &CrdDef<'_>| c.group == group && c.kind == kind;
        let found = self
            .crds
            .iter()
            .enumerate()
            .filter(|(_, c)| defines(c))
            .find_map(|(i, c)| c.versions.iter().position(|(name, _)| *name == version).map(|v| (i, v)));
        let Some((i, v)) = found else {
            let mut versions: Vec<&str> = self
                .crds
                .iter()
                .filter(|c| defines(c))
                .flat_map(|c| c.versions.iter().map(|(name, _)| *name))
                .collect();
            if versions.is_empty() {
                return CrdLookup::Undefined;
            }
            versions.sort_unstable();
            versions.dedup();
            return CrdLookup::VersionMissing(versions);
        };
        let crd = &self.crds[i];
        let compiled = self.compiled.entry((i, v)).or_insert_with(|| {
            crd.versions[v].1.map(|root| {
                let mut schema = Schema::default();
                let root = compile::from_yaml(root, crd.prune, &mut schema);
                Arc::new(CompiledSchema { schema, root })
            })
        });
        CrdLookup::Schema(compiled.clone())
    }
}

/// Objects of one file whose validation waits for the end of the run
/// (custom resources) or that the end of the run needs (CRDs): their
/// documents, kept until `Linter::finish`.
#[derive(Debug, Default)]
pub struct Deferred {
    pub(crate) documents: Vec<DeferredDocument>,
    /// The file's text, for findings that quote their source line.
    pub(crate) text: Option<String>,
    pub(crate) file: FileId,
}

#[derive(Debug)]
pub(crate) struct DeferredDocument {
    pub document: Document,
    pub objects: Vec<(ObjectKey, NodeId)>,
}

impl Deferred {
    pub fn is_empty(&self) -> bool {
        self.documents.is_empty()
    }

    pub(crate) fn push(&mut self, file: FileId, document: Document, objects: Vec<(ObjectKey, NodeId)>) {
        self.file = file;
        self.documents.push(DeferredDocument { document, objects });
    }
}
