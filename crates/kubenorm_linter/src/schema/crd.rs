//! CustomResourceDefinitions of a run, and the objects that wait for them.

use super::{CompiledSchema, Schema, compile};
use crate::finding::{FileId, ObjectKey};
use crate::model::Object;
use kubenorm_source::yaml::{Document, NodeId, NodeRef};
use std::sync::Arc;

/// What a CRD of the run defines: a kind of a group, and a schema per version.
#[derive(Debug, Clone)]
pub struct CrdFact {
    pub group: String,
    pub kind: String,
    pub versions: Vec<CrdVersion>,
}

#[derive(Debug, Clone)]
pub struct CrdVersion {
    pub name: String,
    /// `None` when the CRD gives this version no schema (anything goes).
    pub schema: Option<Arc<CompiledSchema>>,
}

impl CrdFact {
    /// Reads a CustomResourceDefinition (`apiextensions.k8s.io/v1`, or the
    /// old `v1beta1` with its shared `spec.validation`).
    pub(crate) fn from_object(object: &Object<'_>) -> Option<CrdFact> {
        let spec = object.spec()?;
        let group = spec.get_str("group")?.to_string();
        let kind = spec.get("names")?.get_str("kind")?.to_string();
        // v1 requires `preserveUnknownFields: false`; v1beta1 defaulted to true (no pruning).
        let prune = match spec.get_bool("preserveUnknownFields") {
            Some(preserve) => !preserve,
            None => object.api_version != "apiextensions.k8s.io/v1beta1",
        };
        let shared = spec.path(&["validation", "openAPIV3Schema"]);
        let compile = |node: Option<NodeRef<'_>>| {
            node.filter(|n| n.is_map()).map(|root| {
                let mut schema = Schema::default();
                let root = compile::from_yaml(root, prune, &mut schema);
                Arc::new(CompiledSchema { schema, root })
            })
        };
        let shared_schema = compile(shared);
        let mut versions: Vec<CrdVersion> = spec
            .get("versions")
            .into_iter()
            .flat_map(|v| v.items())
            .filter_map(|v| {
                let name = v.get_str("name")?.to_string();
                let own = compile(v.path(&["schema", "openAPIV3Schema"]));
                Some(CrdVersion { name, schema: own.or_else(|| shared_schema.clone()) })
            })
            .collect();
        if let Some(name) = spec.get_str("version")
            && !versions.iter().any(|v| v.name == name)
        {
            versions.push(CrdVersion { name: name.to_string(), schema: shared_schema.clone() });
        }
        Some(CrdFact { group, kind, versions })
    }
}

/// Objects of one file whose schema is only known at the end of the run:
/// their documents, kept until `Linter::finish`.
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
