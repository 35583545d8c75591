//! The `admission.k8s.io/v1` AdmissionReview: what the API server sends and
//! what it expects back. The body is parsed once, with positions, by the
//! YAML layer's JSON road; the request's fields are read from that document
//! and its `object` is linted in place (pointers relative to the object).

use kubenorm_source::yaml::{self, Document, Limits, NodeRef};
use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;

pub const API_VERSION: &str = "admission.k8s.io/v1";
pub const KIND: &str = "AdmissionReview";

/// A request body that is not a usable AdmissionReview (HTTP 400).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ReviewError {
    #[error("request body is not JSON: {0}")]
    NotJson(String),
    #[error("apiVersion must be `admission.k8s.io/v1`, found {0}")]
    WrongApiVersion(String),
    #[error("kind must be `AdmissionReview`, found {0}")]
    WrongKind(String),
    #[error("AdmissionReview has no `request`")]
    MissingRequest,
    #[error("AdmissionReview request has no `uid`")]
    MissingUid,
    #[error("{operation} request has no `object`")]
    MissingObject { operation: String },
    #[error("`{0}` has the wrong type")]
    BadField(String),
}

/// A parsed AdmissionReview body.
pub struct Review<'b> {
    doc: Document,
    body: &'b [u8],
}

/// `request` of an AdmissionReview, read from the parsed body.
#[derive(Debug)]
pub struct AdmissionRequest<'a> {
    pub uid: &'a str,
    pub kind: GroupVersionKind<'a>,
    pub resource: GroupVersionResource<'a>,
    pub sub_resource: &'a str,
    pub name: &'a str,
    pub namespace: &'a str,
    pub operation: &'a str,
    pub user_info: UserInfo<'a>,
    /// `None` when absent or `null` (DELETE sends `object: null`).
    pub object: Option<NodeRef<'a>>,
    pub old_object: Option<NodeRef<'a>>,
    pub dry_run: Option<bool>,
    /// The body as received, for the rare path that needs an object's text.
    pub body: &'a [u8],
}

#[derive(Debug, Default)]
pub struct GroupVersionKind<'a> {
    pub group: &'a str,
    pub version: &'a str,
    pub kind: &'a str,
}

#[derive(Debug, Default)]
pub struct GroupVersionResource<'a> {
    pub group: &'a str,
    pub version: &'a str,
    pub resource: &'a str,
}

#[derive(Debug, Default)]
pub struct UserInfo<'a> {
    pub username: &'a str,
    pub groups: Vec<&'a str>,
}

impl AdmissionRequest<'_> {
    pub fn is_dry_run(&self) -> bool {
        self.dry_run == Some(true)
    }
}

/// Parses an AdmissionReview body; [`Review::request`] checks and reads it.
pub fn parse(body: &[u8]) -> Result<Review<'_>, ReviewError> {
    let text = std::str::from_utf8(body).map_err(|e| ReviewError::NotJson(format!("not UTF-8: {e}")))?;
    // Nesting: the review's own two levels on top of an object's limit.
    let limits = Limits { max_depth: Limits::default().max_depth + 2, ..Limits::default() };
    let doc = match yaml::parse_json(text, limits) {
        Some(Ok(doc)) => doc,
        Some(Err(e)) => return Err(ReviewError::NotJson(e.to_string())),
        None => {
            // Not strict JSON to the fast road: serde names the problem, or
            // (valid JSON the fast road does not take) the YAML road reads it.
            serde_json::from_slice::<serde::de::IgnoredAny>(body).map_err(|e| ReviewError::NotJson(e.to_string()))?;
            let mut first = None;
            yaml::parse_stream(text, limits, |d| {
                first.get_or_insert(d);
            });
            match first {
                Some(Ok(doc)) => doc,
                Some(Err(e)) => return Err(ReviewError::NotJson(e.to_string())),
                None => return Err(ReviewError::NotJson("empty body".into())),
            }
        }
    };
    if !doc.root().is_map() {
        return Err(ReviewError::NotJson("expected a JSON object".into()));
    }
    Ok(Review { doc, body })
}

impl<'b> Review<'b> {
    /// The request, checked: apiVersion, kind, uid, and an object for CREATE and UPDATE.
    pub fn request(&self) -> Result<AdmissionRequest<'_>, ReviewError> {
        let s = string;
        let root = self.doc.root();
        let shown = |v: Option<NodeRef<'_>>| {
            v.and_then(|v| v.scalar_text()).map_or_else(|| "none".to_string(), |v| format!("`{v}`"))
        };
        if root.get("apiVersion").and_then(NodeRef::as_str) != Some(API_VERSION) {
            return Err(ReviewError::WrongApiVersion(shown(root.get("apiVersion"))));
        }
        if root.get("kind").and_then(NodeRef::as_str) != Some(KIND) {
            return Err(ReviewError::WrongKind(shown(root.get("kind"))));
        }
        let request = match root.get("request") {
            None => return Err(ReviewError::MissingRequest),
            Some(r) if r.is_null() => return Err(ReviewError::MissingRequest),
            Some(r) if !r.is_map() => return Err(ReviewError::BadField("request".into())),
            Some(r) => r,
        };
        let section = |key: &str| -> Result<Option<NodeRef<'_>>, ReviewError> {
            match request.get(key) {
                Some(v) if v.is_map() => Ok(Some(v)),
                Some(v) if v.is_null() => Ok(None),
                None => Ok(None),
                Some(_) => Err(ReviewError::BadField(format!("request.{key}"))),
            }
        };
        let object = |key: &str| -> Result<Option<NodeRef<'_>>, ReviewError> {
            match request.get(key) {
                Some(v) if v.is_null() => Ok(None),
                Some(v) if v.is_map() => Ok(Some(v)),
                None => Ok(None),
                Some(_) => Err(ReviewError::BadField(format!("request.{key}"))),
            }
        };
        let kind = match section("kind")? {
            Some(k) => GroupVersionKind {
                group: s(k, "group", "request.kind")?,
                version: s(k, "version", "request.kind")?,
                kind: s(k, "kind", "request.kind")?,
            },
            None => GroupVersionKind::default(),
        };
        let resource = match section("resource")? {
            Some(r) => GroupVersionResource {
                group: s(r, "group", "request.resource")?,
                version: s(r, "version", "request.resource")?,
                resource: s(r, "resource", "request.resource")?,
            },
            None => GroupVersionResource::default(),
        };
        let user_info = match section("userInfo")? {
            Some(u) => UserInfo {
                username: s(u, "username", "request.userInfo")?,
                groups: match u.get("groups") {
                    Some(g) if g.is_seq() => g
                        .items()
                        .map(|i| i.as_str().ok_or_else(|| ReviewError::BadField("request.userInfo.groups".into())))
                        .collect::<Result<_, _>>()?,
                    Some(g) if !g.is_null() => return Err(ReviewError::BadField("request.userInfo.groups".into())),
                    _ => Vec::new(),
                },
            },
            None => UserInfo::default(),
        };
        let dry_run = match request.get("dryRun") {
            Some(v) if v.is_null() => None,
            Some(v) => Some(v.as_bool().ok_or_else(|| ReviewError::BadField("request.dryRun".into()))?),
            None => None,
        };
        let parsed = AdmissionRequest {
            uid: s(request, "uid", "request")?,
            kind,
            resource,
            sub_resource: s(request, "subResource", "request")?,
            name: s(request, "name", "request")?,
            namespace: s(request, "namespace", "request")?,
            operation: s(request, "operation", "request")?,
            user_info,
            object: object("object")?,
            old_object: object("oldObject")?,
            dry_run,
            body: self.body,
        };
        if parsed.uid.is_empty() {
            return Err(ReviewError::MissingUid);
        }
        if matches!(parsed.operation, "CREATE" | "UPDATE") && parsed.object.is_none() {
            return Err(ReviewError::MissingObject { operation: parsed.operation.to_string() });
        }
        Ok(parsed)
    }
}

/// A string field; absent or `null` is empty.
fn string<'a>(map: NodeRef<'a>, key: &str, at: &str) -> Result<&'a str, ReviewError> {
    match map.get(key) {
        None => Ok(""),
        Some(v) if v.is_null() => Ok(""),
        Some(v) => v.as_str().ok_or_else(|| ReviewError::BadField(format!("{at}.{key}"))),
    }
}

/// The raw JSON text of `request.object` (or `oldObject`), read again with
/// serde: only for the rare object that must be rewritten before linting.
pub fn raw_object(body: &[u8], old: bool) -> Option<String> {
    #[derive(Deserialize)]
    struct Envelope<'a> {
        #[serde(borrow)]
        request: Request<'a>,
    }
    #[derive(Deserialize)]
    struct Request<'a> {
        #[serde(borrow, default)]
        object: Option<&'a RawValue>,
        #[serde(borrow, default, rename = "oldObject")]
        old_object: Option<&'a RawValue>,
    }
    let envelope: Envelope<'_> = serde_json::from_slice(body).ok()?;
    let raw = if old { envelope.request.old_object } else { envelope.request.object };
    raw.map(|r| r.get().to_string())
}

/// `response` of an AdmissionReview.
#[derive(Debug, Clone, Serialize)]
pub struct AdmissionResponse {
    pub uid: String,
    pub allowed: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status: Option<Status>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub warnings: Vec<String>,
}

/// A `meta/v1` Status, as a denial carries it.
#[derive(Debug, Clone, Serialize)]
pub struct Status {
    pub status: &'static str,
    pub message: String,
    pub reason: &'static str,
    pub code: u16,
}

impl AdmissionResponse {
    /// The response body: an AdmissionReview with only `response` set.
    pub fn to_review_json(&self) -> Vec<u8> {
        #[derive(Serialize)]
        struct Out<'a> {
            #[serde(rename = "apiVersion")]
            api_version: &'static str,
            kind: &'static str,
            response: &'a AdmissionResponse,
        }
        serde_json::to_vec(&Out { api_version: API_VERSION, kind: KIND, response: self })
            .expect("plain structs serialize")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_rejects() {
        let ok = br#"{"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview","request":{"uid":"u1","operation":"DELETE","object":null,"oldObject":{"kind":"Pod"},"userInfo":{"username":"alice","groups":["g"]}}}"#;
        let review = parse(ok).unwrap();
        let r = review.request().unwrap();
        assert_eq!(r.uid, "u1");
        assert!(r.object.is_none());
        assert_eq!(r.old_object.unwrap().get_str("kind"), Some("Pod"));
        assert_eq!(r.user_info.groups, vec!["g"]);
        assert_eq!(raw_object(ok, true).as_deref(), Some(r#"{"kind":"Pod"}"#));
        let err = |body: &[u8]| match parse(body) {
            Ok(review) => review.request().err().unwrap(),
            Err(e) => e,
        };
        assert!(matches!(err(b"nope"), ReviewError::NotJson(_)));
        assert!(matches!(err(b"[1]"), ReviewError::NotJson(_)));
        assert!(matches!(
            err(br#"{"apiVersion":"admission.k8s.io/v1beta1","kind":"AdmissionReview"}"#),
            ReviewError::WrongApiVersion(_)
        ));
        assert!(matches!(err(br#"{"apiVersion":"admission.k8s.io/v1","kind":"Pod"}"#), ReviewError::WrongKind(_)));
        assert_eq!(
            err(br#"{"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview"}"#),
            ReviewError::MissingRequest
        );
        assert_eq!(
            err(br#"{"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview","request":{"uid":"x","operation":"CREATE"}}"#),
            ReviewError::MissingObject { operation: "CREATE".into() }
        );
        assert_eq!(
            err(br#"{"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview","request":{"uid":7}}"#),
            ReviewError::BadField("request.uid".into())
        );
    }

    #[test]
    fn response_shape() {
        let r = AdmissionResponse { uid: "u".into(), allowed: true, status: None, warnings: vec![] };
        assert_eq!(
            String::from_utf8(r.to_review_json()).unwrap(),
            r#"{"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview","response":{"uid":"u","allowed":true}}"#
        );
    }
}
