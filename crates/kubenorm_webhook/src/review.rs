//! The `admission.k8s.io/v1` AdmissionReview: what the API server sends and
//! what it expects back. Only the fields kubenorm reads are modelled; the
//! objects stay raw JSON text, parsed later with positions by the YAML layer.

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
}

#[derive(Deserialize)]
struct Envelope<'a> {
    #[serde(rename = "apiVersion")]
    api_version: Option<String>,
    kind: Option<String>,
    #[serde(borrow)]
    request: Option<AdmissionRequest<'a>>,
}

/// `request` of an AdmissionReview. Objects borrow the body's text.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AdmissionRequest<'a> {
    #[serde(default)]
    pub uid: String,
    #[serde(default)]
    pub kind: GroupVersionKind,
    #[serde(default)]
    pub resource: GroupVersionResource,
    #[serde(default)]
    pub sub_resource: String,
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub namespace: String,
    #[serde(default)]
    pub operation: String,
    #[serde(default)]
    pub user_info: UserInfo,
    #[serde(borrow, default)]
    pub object: Option<&'a RawValue>,
    #[serde(borrow, default)]
    pub old_object: Option<&'a RawValue>,
    #[serde(default)]
    pub dry_run: Option<bool>,
}

#[derive(Debug, Default, Deserialize)]
pub struct GroupVersionKind {
    #[serde(default)]
    pub group: String,
    #[serde(default)]
    pub version: String,
    #[serde(default)]
    pub kind: String,
}

#[derive(Debug, Default, Deserialize)]
pub struct GroupVersionResource {
    #[serde(default)]
    pub group: String,
    #[serde(default)]
    pub version: String,
    #[serde(default)]
    pub resource: String,
}

#[derive(Debug, Default, Deserialize)]
pub struct UserInfo {
    #[serde(default)]
    pub username: String,
    #[serde(default)]
    pub groups: Vec<String>,
}

impl AdmissionRequest<'_> {
    /// `null` objects (DELETE sends `object: null`) count as absent.
    pub fn object_text(&self) -> Option<&str> {
        self.object.map(RawValue::get).filter(|t| *t != "null")
    }

    pub fn old_object_text(&self) -> Option<&str> {
        self.old_object.map(RawValue::get).filter(|t| *t != "null")
    }

    pub fn is_dry_run(&self) -> bool {
        self.dry_run == Some(true)
    }
}

/// Parses and checks an AdmissionReview body.
pub fn parse(body: &[u8]) -> Result<AdmissionRequest<'_>, ReviewError> {
    let envelope: Envelope<'_> = serde_json::from_slice(body).map_err(|e| ReviewError::NotJson(e.to_string()))?;
    let shown = |v: Option<String>| v.map_or_else(|| "none".to_string(), |v| format!("`{v}`"));
    if envelope.api_version.as_deref() != Some(API_VERSION) {
        return Err(ReviewError::WrongApiVersion(shown(envelope.api_version)));
    }
    if envelope.kind.as_deref() != Some(KIND) {
        return Err(ReviewError::WrongKind(shown(envelope.kind)));
    }
    let request = envelope.request.ok_or(ReviewError::MissingRequest)?;
    if request.uid.is_empty() {
        return Err(ReviewError::MissingUid);
    }
    if matches!(request.operation.as_str(), "CREATE" | "UPDATE") && request.object_text().is_none() {
        return Err(ReviewError::MissingObject { operation: request.operation.clone() });
    }
    Ok(request)
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
        let r = parse(ok).unwrap();
        assert_eq!(r.uid, "u1");
        assert!(r.object_text().is_none());
        assert_eq!(r.old_object_text(), Some(r#"{"kind":"Pod"}"#));
        assert_eq!(r.user_info.groups, vec!["g"]);
        assert!(matches!(parse(b"nope"), Err(ReviewError::NotJson(_))));
        assert!(matches!(
            parse(br#"{"apiVersion":"admission.k8s.io/v1beta1","kind":"AdmissionReview"}"#),
            Err(ReviewError::WrongApiVersion(_))
        ));
        assert!(matches!(
            parse(br#"{"apiVersion":"admission.k8s.io/v1","kind":"Pod"}"#),
            Err(ReviewError::WrongKind(_))
        ));
        assert_eq!(
            parse(br#"{"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview"}"#).unwrap_err(),
            ReviewError::MissingRequest
        );
        assert_eq!(
            parse(br#"{"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview","request":{"uid":"x","operation":"CREATE"}}"#)
                .unwrap_err(),
            ReviewError::MissingObject { operation: "CREATE".into() }
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
