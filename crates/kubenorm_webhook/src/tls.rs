//! The serving certificate: loaded from PEM files, swapped in place when the
//! files change. New handshakes get the new certificate; connections already
//! open keep theirs.

use rustls::crypto::CryptoProvider;
use rustls::server::{ClientHello, ResolvesServerCert};
use rustls::sign::CertifiedKey;
use rustls_pki_types::pem::PemObject;
use rustls_pki_types::{CertificateDer, PrivateKeyDer};
use std::sync::{Arc, RwLock};

/// A certificate/key pair that cannot be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TlsError {
    #[error("no certificate in the certificate file")]
    NoCertificate,
    #[error("certificate file: {0}")]
    BadCertificate(String),
    #[error("key file: {0}")]
    BadKey(String),
    #[error("the key does not belong to the certificate, or is unusable: {0}")]
    Mismatch(String),
    #[error("TLS setup: {0}")]
    Setup(String),
}

/// The one crypto backend of the binary: rustls with ring.
pub fn provider() -> Arc<CryptoProvider> {
    Arc::new(rustls::crypto::ring::default_provider())
}

/// A loaded certificate chain and key, and the leaf's notAfter.
pub struct LoadedCert {
    pub key: Arc<CertifiedKey>,
    /// notAfter of the leaf certificate, in Unix seconds, if it could be read.
    pub not_after: Option<i64>,
}

/// Parses PEM certificate chain and private key and checks they belong together.
pub fn load(cert_pem: &[u8], key_pem: &[u8], provider: &CryptoProvider) -> Result<LoadedCert, TlsError> {
    let chain: Vec<CertificateDer<'static>> = CertificateDer::pem_slice_iter(cert_pem)
        .collect::<Result<_, _>>()
        .map_err(|e| TlsError::BadCertificate(e.to_string()))?;
    let Some(leaf) = chain.first() else { return Err(TlsError::NoCertificate) };
    let not_after = not_after(leaf);
    let key = PrivateKeyDer::from_pem_slice(key_pem).map_err(|e| TlsError::BadKey(e.to_string()))?;
    let certified = CertifiedKey::from_der(chain, key, provider).map_err(|e| TlsError::Mismatch(e.to_string()))?;
    Ok(LoadedCert { key: Arc::new(certified), not_after })
}

/// The certificate new handshakes get.
#[derive(Debug)]
pub struct CertStore {
    current: RwLock<Arc<CertifiedKey>>,
}

impl CertStore {
    pub fn new(key: Arc<CertifiedKey>) -> CertStore {
        CertStore { current: RwLock::new(key) }
    }

    pub fn replace(&self, key: Arc<CertifiedKey>) {
        *self.current.write().unwrap_or_else(|e| e.into_inner()) = key;
    }
}

impl ResolvesServerCert for CertStore {
    fn resolve(&self, _hello: ClientHello<'_>) -> Option<Arc<CertifiedKey>> {
        Some(self.current.read().unwrap_or_else(|e| e.into_inner()).clone())
    }
}

/// A rustls server configuration that takes its certificate from `store`
/// and offers HTTP/2 and HTTP/1.1.
pub fn server_config(store: Arc<CertStore>, provider: Arc<CryptoProvider>) -> Result<rustls::ServerConfig, TlsError> {
    let mut config = rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| TlsError::Setup(e.to_string()))?
        .with_no_client_auth()
        .with_cert_resolver(store);
    config.alpn_protocols = vec![b"h2".to_vec(), b"http/1.1".to_vec()];
    Ok(config)
}

/// notAfter of an X.509 certificate (DER), in Unix seconds. A small DER walk:
/// Certificate → tbsCertificate → skip version, serial, signature, issuer →
/// validity → notAfter.
pub fn not_after(cert: &[u8]) -> Option<i64> {
    let (_, cert_body, _) = der_item(cert)?;
    let (_, mut tbs, _) = der_item(cert_body)?;
    let (tag, _, rest) = der_item(tbs)?;
    if tag == 0xA0 {
        tbs = rest; // explicit version
    }
    for _ in 0..3 {
        let (_, _, rest) = der_item(tbs)?; // serial, signature, issuer
        tbs = rest;
    }
    let (tag, validity, _) = der_item(tbs)?;
    if tag != 0x30 {
        return None;
    }
    let (_, _, rest) = der_item(validity)?; // notBefore
    let (tag, time, _) = der_item(rest)?;
    let text = std::str::from_utf8(time).ok()?;
    let (year, rest) = match tag {
        0x17 => {
            let yy: i64 = text.get(0..2)?.parse().ok()?;
            (if yy >= 50 { 1900 + yy } else { 2000 + yy }, text.get(2..)?)
        }
        0x18 => (text.get(0..4)?.parse().ok()?, text.get(4..)?),
        _ => return None,
    };
    let num = |r: std::ops::Range<usize>| -> Option<i64> { rest.get(r)?.parse().ok() };
    let (month, day, hour, minute, second) = (num(0..2)?, num(2..4)?, num(4..6)?, num(6..8)?, num(8..10)?);
    Some(days_from_civil(year, month, day) * 86_400 + hour * 3600 + minute * 60 + second)
}

/// (tag, content, rest) of the first DER item of `input`.
fn der_item(input: &[u8]) -> Option<(u8, &[u8], &[u8])> {
    let tag = *input.first()?;
    let first = *input.get(1)? as usize;
    let (len, header) = if first < 0x80 {
        (first, 2)
    } else {
        let n = first & 0x7f;
        if n == 0 || n > 4 {
            return None;
        }
        let mut len = 0usize;
        for i in 0..n {
            len = (len << 8) | *input.get(2 + i)? as usize;
        }
        (len, 2 + n)
    };
    let end = header.checked_add(len)?;
    Some((tag, input.get(header..end)?, input.get(end..)?))
}

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y.rem_euclid(400);
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_not_after_of_generated_certs() {
        let bundle = crate::certs::generate(&crate::certs::CertRequest {
            service: "kubenorm".into(),
            namespace: "tools-kubenorm".into(),
            hosts: vec![],
            days: 30,
        })
        .unwrap();
        let loaded = load(bundle.cert_pem.as_bytes(), bundle.key_pem.as_bytes(), &provider()).unwrap();
        let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_secs() as i64;
        let expiry = loaded.not_after.unwrap();
        assert!((expiry - (now + 30 * 86_400)).abs() < 120, "{expiry} vs {now}");
        // The CA's key does not belong to the serving certificate.
        let err = load(bundle.cert_pem.as_bytes(), bundle.ca_key_pem.as_bytes(), &provider()).err().unwrap();
        assert!(matches!(err, TlsError::Mismatch(_)), "{err}");
        assert!(matches!(load(b"", bundle.key_pem.as_bytes(), &provider()), Err(TlsError::NoCertificate)));
    }

    #[test]
    fn civil_round_trip() {
        for days in [-1000, 0, 1, 59, 365, 11_016, 20_000, 50_000] {
            let (y, m, d) = crate::log::civil_from_days(days);
            assert_eq!(days_from_civil(y, m as i64, d as i64), days);
        }
        assert!(not_after(b"\x30\x03\x02\x01").is_none());
    }
}
