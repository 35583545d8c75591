//! `kubenorm certs`: a private CA and a serving certificate for the webhook's
//! Service, so the API server can verify it (`caBundle`).

use rcgen::{BasicConstraints, CertificateParams, DnType, ExtendedKeyUsagePurpose, IsCa, KeyPair, KeyUsagePurpose};
use std::path::Path;
use time::{Duration, OffsetDateTime};

/// What to issue the serving certificate for.
#[derive(Clone, Debug)]
pub struct CertRequest {
    pub service: String,
    pub namespace: String,
    /// Extra DNS names or IP addresses (e.g. `localhost`, `127.0.0.1`).
    pub hosts: Vec<String>,
    /// Validity of the serving certificate; the CA lives ten times longer.
    pub days: u32,
}

/// PEM texts of the CA and the serving certificate.
pub struct CertBundle {
    pub ca_pem: String,
    pub ca_key_pem: String,
    pub cert_pem: String,
    pub key_pem: String,
}

#[derive(Debug, thiserror::Error)]
pub enum CertsError {
    #[error("cannot generate certificates: {0}")]
    Generate(#[from] rcgen::Error),
    #[error("`{0}` already exists (use --force to overwrite)")]
    Exists(String),
    #[error("cannot write `{path}`: {error}")]
    Write { path: String, error: std::io::Error },
}

impl CertRequest {
    /// The Service's DNS names, as the API server may dial them, then the extra hosts.
    pub fn dns_names(&self) -> Vec<String> {
        let (s, n) = (&self.service, &self.namespace);
        let mut names =
            vec![s.clone(), format!("{s}.{n}"), format!("{s}.{n}.svc"), format!("{s}.{n}.svc.cluster.local")];
        names.extend(self.hosts.iter().cloned());
        names
    }
}

/// Issues a CA (ECDSA P-256) and a serving certificate signed by it.
pub fn generate(request: &CertRequest) -> Result<CertBundle, CertsError> {
    let now = OffsetDateTime::now_utc();
    let days = i64::from(request.days.max(1));

    let ca_key = KeyPair::generate()?;
    let mut ca = CertificateParams::new(Vec::<String>::new())?;
    ca.distinguished_name.push(DnType::CommonName, format!("kubenorm webhook CA ({})", request.namespace));
    ca.is_ca = IsCa::Ca(BasicConstraints::Constrained(0));
    ca.key_usages = vec![KeyUsagePurpose::KeyCertSign, KeyUsagePurpose::CrlSign, KeyUsagePurpose::DigitalSignature];
    ca.not_before = now - Duration::minutes(5);
    ca.not_after = now + Duration::days(days * 10);
    let ca_cert = ca.self_signed(&ca_key)?;

    let key = KeyPair::generate()?;
    let mut params = CertificateParams::new(request.dns_names())?;
    params.distinguished_name.push(DnType::CommonName, format!("{}.{}.svc", request.service, request.namespace));
    params.key_usages = vec![KeyUsagePurpose::DigitalSignature, KeyUsagePurpose::KeyEncipherment];
    params.extended_key_usages = vec![ExtendedKeyUsagePurpose::ServerAuth];
    params.not_before = now - Duration::minutes(5);
    params.not_after = now + Duration::days(days);
    let cert = params.signed_by(&key, &ca_cert, &ca_key)?;

    Ok(CertBundle {
        ca_pem: ca_cert.pem(),
        ca_key_pem: ca_key.serialize_pem(),
        cert_pem: cert.pem(),
        key_pem: key.serialize_pem(),
    })
}

impl CertBundle {
    /// Writes `ca.crt`, `ca.key`, `tls.crt` and `tls.key` (the names of a
    /// `kubernetes.io/tls` Secret) into `dir`; keys are readable by the owner only.
    pub fn write(&self, dir: &Path, force: bool) -> Result<(), CertsError> {
        let files = [
            ("ca.crt", &self.ca_pem, false),
            ("ca.key", &self.ca_key_pem, true),
            ("tls.crt", &self.cert_pem, false),
            ("tls.key", &self.key_pem, true),
        ];
        std::fs::create_dir_all(dir).map_err(|error| CertsError::Write { path: dir.display().to_string(), error })?;
        if !force {
            for (name, _, _) in &files {
                let path = dir.join(name);
                if path.exists() {
                    return Err(CertsError::Exists(path.display().to_string()));
                }
            }
        }
        for (name, text, secret) in files {
            let path = dir.join(name);
            write_file(&path, text.as_bytes(), secret)
                .map_err(|error| CertsError::Write { path: path.display().to_string(), error })?;
        }
        Ok(())
    }

    /// The `caBundle` of a webhook configuration: the CA's PEM, base64-encoded.
    pub fn ca_bundle(&self) -> String {
        base64(self.ca_pem.as_bytes())
    }
}

/// Writes through a temporary file and a rename, so a server reloading the
/// files never reads half of one.
fn write_file(path: &Path, bytes: &[u8], secret: bool) -> std::io::Result<()> {
    use std::io::Write;
    let tmp = path.with_extension("tmp");
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(if secret { 0o600 } else { 0o644 });
    }
    #[cfg(not(unix))]
    let _ = secret;
    let mut file = options.open(&tmp)?;
    file.write_all(bytes)?;
    file.sync_all()?;
    std::fs::rename(&tmp, path)
}

/// Standard base64 with padding.
pub fn base64(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let n = (u32::from(chunk[0]) << 16)
            | (u32::from(*chunk.get(1).unwrap_or(&0)) << 8)
            | u32::from(*chunk.get(2).unwrap_or(&0));
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(ALPHABET[(n >> (18 - 6 * i) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64_vectors() {
        for (input, expected) in
            [("", ""), ("f", "Zg=="), ("fo", "Zm8="), ("foo", "Zm9v"), ("foob", "Zm9vYg=="), ("foobar", "Zm9vYmFy")]
        {
            assert_eq!(base64(input.as_bytes()), expected);
        }
    }

    #[test]
    fn names_and_files() {
        let request = CertRequest {
            service: "kubenorm".into(),
            namespace: "tools-kubenorm".into(),
            hosts: vec!["127.0.0.1".into()],
            days: 1,
        };
        assert_eq!(
            request.dns_names(),
            [
                "kubenorm",
                "kubenorm.tools-kubenorm",
                "kubenorm.tools-kubenorm.svc",
                "kubenorm.tools-kubenorm.svc.cluster.local",
                "127.0.0.1"
            ]
        );
        let bundle = generate(&request).unwrap();
        let dir = tempfile::tempdir().unwrap();
        bundle.write(dir.path(), false).unwrap();
        assert!(matches!(bundle.write(dir.path(), false), Err(CertsError::Exists(_))));
        bundle.write(dir.path(), true).unwrap();
        assert_eq!(std::fs::read_to_string(dir.path().join("tls.crt")).unwrap(), bundle.cert_pem);
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(dir.path().join("tls.key")).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o600);
        }
    }
}
