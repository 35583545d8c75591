//! CustomResourceDefinitions of a run, and the objects that wait for them.
//!
//! Objects of kinds without a built-in schema are *deferred*: their documents
//! are kept (moved, not copied) in the file's [`Deferred`] until
//! `Linter::finish`. Of a CRD only the text of its document is kept. At the
//! end, the CRDs that deferred objects need are parsed again and only the
//! versions those objects use are compiled ([`CrdTable`]).

use super::{CompiledSchema, Schema, compile};
use crate::finding::{FileId, ObjectKey};
use crate::model::Object;
use kubenorm_source::yaml::{self, Document, Limits, NodeId, NodeRef};
use std::collections::{HashMap, HashSet};
use std::sync::Arc;

/// Byte offsets of the starts of lines.
fn line_starts(text: &str) -> Vec<usize> {
    std::iter::once(0).chain(memchr::memchr_iter(b'\n', text.as_bytes()).map(|i| i + 1)).collect()
}

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

impl CrdTable {
    /// Reads the kept CRD documents and compiles the versions in `needed`
    /// (group, kind, version). Several CRDs may define one kind (copies,
    /// other releases): the first that defines a version wins.
    pub(crate) fn build<'a>(
        texts: impl Iterator<Item = (&'a str, &'a str, &'a str)>,
        needed: &HashSet<(String, String, String)>,
        limits: Limits,
    ) -> CrdTable {
        let mut table = CrdTable::default();
        // Needed versions no CRD read so far defines: copies of a CRD (the same
        // operator in many repositories) are parsed only until one defines them.
        let mut missing: HashSet<(String, String, String)> = needed.clone();
        for (group, kind, text) in texts {
            if !missing.iter().any(|(g, k, _)| g == group && k == kind) {
                continue;
            }
            yaml::parse_stream(text, limits, |doc| {
                let Ok(doc) = doc else { return };
                let Some(object) = Object::new(doc.root()) else { return };
                let Some(crd) = CrdDef::from_object(&object) else { return };
                let key = (crd.group.to_string(), crd.kind.to_string());
                let versions = table.crds.entry(key.clone()).or_default();
                for (name, root) in &crd.versions {
                    if versions.iter().any(|(v, _)| v == name) {
                        continue;
                    }
                    let wanted = missing.remove(&(key.0.clone(), key.1.clone(), name.to_string()));
                    let schema = root.filter(|_| wanted).map(|root| {
                        let mut schema = Schema::default();
                        let root = compile::from_yaml(root, crd.prune, &mut schema);
                        Arc::new(CompiledSchema { schema, root })
                    });
                    versions.push((name.to_string(), schema));
                }
            });
        }
        table
    }

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

/// Objects of one file whose validation waits for the end of the run
/// (custom resources) or that the end of the run needs (CRDs): their
/// documents, kept until `Linter::finish`.
#[derive(Debug, Default)]
pub struct Deferred {
    pub(crate) documents: Vec<DeferredDocument>,
    /// The file's text, for findings that quote their source line.
    pub(crate) text: Option<String>,
    pub(crate) file: FileId,
    /// First line, group and kind of the documents that hold CRDs, while the file is read.
    pub(crate) crd_lines: Vec<(u32, String, String)>,
    /// Group, kind and text of each document that holds a CRD: parsed again
    /// at the end of the run only if an object needs that kind (the text is
    /// cheaper to keep than the tree).
    pub(crate) crd_texts: Vec<(String, String, String)>,
}

#[derive(Debug)]
pub(crate) struct DeferredDocument {
    pub document: Document,
    pub objects: Vec<(ObjectKey, NodeId)>,
}

impl Deferred {
    pub fn is_empty(&self) -> bool {
        self.documents.is_empty() && self.crd_texts.is_empty()
    }

    /// After a file is read: cuts out the texts of its CRD documents, and
    /// keeps the whole text when deferred objects will quote their lines.
    pub(crate) fn keep_texts(&mut self, text: &str, quote_lines: bool) {
        if !self.crd_lines.is_empty() {
            let starts = line_starts(text);
            for (line, group, kind) in std::mem::take(&mut self.crd_lines) {
                let first = (line as usize).saturating_sub(1);
                let start = starts.get(first).copied().unwrap_or(text.len());
                // The document runs to the next `---` (or `...`) line: a marker
                // at the start of a line always ends a YAML document.
                let end = starts
                    .get(first + 1..)
                    .unwrap_or_default()
                    .iter()
                    .copied()
                    .find(|&s| text[s..].starts_with("---") || text[s..].starts_with("..."))
                    .unwrap_or(text.len());
                self.crd_texts.push((group, kind, text[start..end].to_string()));
            }
        }
        if !self.documents.is_empty() && quote_lines {
            self.text = Some(text.to_string());
        }
    }

    pub(crate) fn push(&mut self, file: FileId, document: Document, objects: Vec<(ObjectKey, NodeId)>) {
        self.file = file;
        self.documents.push(DeferredDocument { document, objects });
    }
}
