//! Content digests (`sha256:<hex>`, `sha512:<hex>`) and readers that check
//! them while the bytes stream through.

use crate::error::Error;
use sha2::{Digest as _, Sha256, Sha512};
use std::cell::RefCell;
use std::io::{self, Read};
use std::rc::Rc;
use std::sync::mpsc::{SyncSender, sync_channel};
use std::thread::JoinHandle;

/// A validated content digest. The hex part is checked, so a digest can
/// name a file (`blobs/sha256/<hex>`) without escaping its folder.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Digest(String);

impl Digest {
    pub fn parse(text: &str) -> Option<Digest> {
        let (algorithm, hex) = text.split_once(':')?;
        let len = match algorithm {
            "sha256" => 64,
            "sha512" => 128,
            _ => return None,
        };
        let lower_hex = hex.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b));
        (hex.len() == len && lower_hex).then(|| Digest(text.to_string()))
    }

    /// Parses a digest found in an image document, naming where it was on failure.
    pub(crate) fn parse_in(text: &str, what: &str) -> Result<Digest, Error> {
        Digest::parse(text)
            .ok_or_else(|| Error::Format { what: what.to_string(), reason: format!("bad digest `{text}`") })
    }

    pub fn sha256_of(bytes: &[u8]) -> Digest {
        Digest(format!("sha256:{}", hex(&Sha256::digest(bytes))))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn algorithm(&self) -> &str {
        self.0.split_once(':').map_or("", |(a, _)| a)
    }

    pub fn hex(&self) -> &str {
        self.0.split_once(':').map_or("", |(_, h)| h)
    }

    /// Checks `bytes` against this digest.
    pub(crate) fn verify(&self, bytes: &[u8], what: &str) -> Result<(), Error> {
        let mut hasher = Hasher::new(self.algorithm());
        hasher.update(bytes);
        let actual = hasher.finish();
        if actual == self.0 {
            Ok(())
        } else {
            Err(Error::DigestMismatch { what: what.to_string(), expected: self.0.clone(), actual })
        }
    }
}

impl std::fmt::Display for Digest {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

enum Hasher {
    Sha256(Sha256),
    Sha512(Sha512),
}

impl Hasher {
    fn new(algorithm: &str) -> Hasher {
        if algorithm == "sha512" { Hasher::Sha512(Sha512::new()) } else { Hasher::Sha256(Sha256::new()) }
    }

    fn update(&mut self, bytes: &[u8]) {
        match self {
            Hasher::Sha256(h) => h.update(bytes),
            Hasher::Sha512(h) => h.update(bytes),
        }
    }

    fn finish(self) -> String {
        match self {
            Hasher::Sha256(h) => format!("sha256:{}", hex(&h.finalize())),
            Hasher::Sha512(h) => format!("sha512:{}", hex(&h.finalize())),
        }
    }
}

fn hex(bytes: &[u8]) -> String {
    use std::fmt::Write;
    bytes.iter().fold(String::with_capacity(bytes.len() * 2), |mut s, b| {
        let _ = write!(s, "{b:02x}");
        s
    })
}

/// What a [`Tally`] saw: bytes and their digest, once the stream ended.
struct TallyState {
    bytes: u64,
    digest: Option<String>,
}

/// Hashing happens on a helper thread, fed in chunks of this size, so that a
/// layer's two digests (compressed and uncompressed) and its decompression
/// run side by side.
const CHUNK: usize = 256 * 1024;

struct Worker {
    sender: Option<SyncSender<Vec<u8>>>,
    pending: Vec<u8>,
    handle: Option<JoinHandle<Hasher>>,
}

impl Worker {
    fn start(algorithm: &str) -> Worker {
        let (sender, receiver) = sync_channel::<Vec<u8>>(4);
        let mut hasher = Hasher::new(algorithm);
        let handle = std::thread::spawn(move || {
            for chunk in receiver {
                hasher.update(&chunk);
            }
            hasher
        });
        Worker { sender: Some(sender), pending: Vec::with_capacity(CHUNK), handle: Some(handle) }
    }

    fn feed(&mut self, bytes: &[u8]) {
        self.pending.extend_from_slice(bytes);
        if self.pending.len() >= CHUNK {
            self.flush();
        }
    }

    fn flush(&mut self) {
        if let Some(sender) = &self.sender {
            let chunk = std::mem::replace(&mut self.pending, Vec::with_capacity(CHUNK));
            // A closed channel means the hasher thread died: `finish` reports it.
            let _ = sender.send(chunk);
        }
    }

    fn finish(&mut self) -> Option<String> {
        self.flush();
        self.sender = None;
        self.handle.take()?.join().ok().map(Hasher::finish)
    }
}

/// A reader that hashes and counts what passes through; the result is read
/// through the [`Tally`] handle after the stream is consumed (the reader
/// itself is usually buried inside a decompressor and a tar parser).
pub(crate) struct Counting<R> {
    inner: R,
    worker: Worker,
    state: Rc<RefCell<TallyState>>,
}

/// The handle on a [`Counting`] reader's result.
pub(crate) struct Tally {
    state: Rc<RefCell<TallyState>>,
    expected: Option<Digest>,
}

pub(crate) fn counting<R: Read>(inner: R, expected: Option<&Digest>) -> (Counting<R>, Tally) {
    let algorithm = expected.map_or("sha256", Digest::algorithm);
    let state = Rc::new(RefCell::new(TallyState { bytes: 0, digest: None }));
    let worker = Worker::start(algorithm);
    (Counting { inner, worker, state: state.clone() }, Tally { state, expected: expected.cloned() })
}

impl<R: Read> Read for Counting<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        let mut state = self.state.borrow_mut();
        state.bytes += n as u64;
        if n == 0 {
            if state.digest.is_none() {
                state.digest = self.worker.finish();
            }
        } else {
            self.worker.feed(&buf[..n]);
        }
        Ok(n)
    }
}

impl Tally {
    pub(crate) fn bytes(&self) -> u64 {
        self.state.borrow().bytes
    }

    /// Checks the digest (and `size`, if known) once the stream was read to its end.
    pub(crate) fn check(&self, size: Option<u64>, what: &str) -> Result<(), Error> {
        let state = self.state.borrow();
        if let Some(size) = size
            && state.bytes != size
        {
            return Err(Error::SizeMismatch { what: what.to_string(), expected: size, actual: state.bytes });
        }
        let Some(expected) = &self.expected else { return Ok(()) };
        match &state.digest {
            Some(actual) if actual == expected.as_str() => Ok(()),
            Some(actual) => Err(Error::DigestMismatch {
                what: what.to_string(),
                expected: expected.to_string(),
                actual: actual.clone(),
            }),
            None => Err(Error::Format { what: what.to_string(), reason: "the stream was not read to its end".into() }),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_only_well_formed_digests() {
        let empty = "sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
        assert_eq!(Digest::parse(empty).map(|d| d.hex().len()), Some(64));
        assert!(Digest::parse("sha256:../../etc/passwd").is_none());
        assert!(Digest::parse("sha256:E3B0C44298FC1C149AFBF4C8996FB92427AE41E4649B934CA495991B7852B855").is_none());
        assert!(Digest::parse("md5:d41d8cd98f00b204e9800998ecf8427e").is_none());
        assert_eq!(Digest::sha256_of(b"").as_str(), empty);
    }

    #[test]
    fn counting_reader_checks_digest_and_size() {
        let expected = Digest::sha256_of(b"hello");
        let (mut reader, tally) = counting(&b"hello"[..], Some(&expected));
        io::copy(&mut reader, &mut io::sink()).unwrap();
        tally.check(Some(5), "blob").unwrap();
        assert!(matches!(tally.check(Some(6), "blob"), Err(Error::SizeMismatch { .. })));
        let (mut reader, tally) = counting(&b"hellO"[..], Some(&expected));
        io::copy(&mut reader, &mut io::sink()).unwrap();
        assert!(matches!(tally.check(None, "blob"), Err(Error::DigestMismatch { .. })));
    }
}
