//! The floor under `kubenorm check`: the same files read, decoded and parsed
//! with the same YAML layer in parallel, and nothing else (no rules, no
//! report). `bench/run.sh` compares `check` against it.
//!
//! ```text
//! cargo run --release --example parse_only -- [-j N] PATH...
//! ```
//!
//! Folders are walked like `check` walks them (`.gitignore` honoured, hidden
//! entries skipped, `*.yaml`, `*.yml`, `*.json`); files named explicitly are
//! read whatever their name. Prints one line of counts and the elapsed time.

use kubenorm_source::yaml::{Limits, parse_stream};

// The allocator of the `kubenorm` binary, so that the floor and `check` compare like for like.
#[global_allocator]
static ALLOCATOR: tikv_jemallocator::Jemalloc = tikv_jemallocator::Jemalloc;
use rayon::prelude::*;
use std::path::PathBuf;
use std::time::Instant;

fn main() {
    let started = Instant::now();
    let mut args = std::env::args().skip(1).peekable();
    let mut threads = std::thread::available_parallelism().map_or(1, |n| n.get());
    let mut paths = Vec::new();
    while let Some(arg) = args.next() {
        if arg == "-j" {
            threads = args.next().and_then(|n| n.parse().ok()).expect("-j takes a number");
        } else {
            paths.push(PathBuf::from(arg));
        }
    }
    let mut files = Vec::new();
    for path in &paths {
        if path.is_dir() {
            let walk = ignore::WalkBuilder::new(path).require_git(false).build();
            files.extend(walk.flatten().map(ignore::DirEntry::into_path).filter(|p| p.is_file() && is_manifest(p)));
        } else {
            files.push(path.clone());
        }
    }
    files.sort();
    files.dedup();

    let pool = rayon::ThreadPoolBuilder::new().num_threads(threads).build().expect("thread pool");
    let counts = pool.install(|| {
        files
            .par_iter()
            .map(|path| {
                let bytes = std::fs::read(path).unwrap_or_default();
                let mut counts = Counts { files: 1, bytes: bytes.len() as u64, ..Counts::default() };
                if let Ok(text) = kubenorm_source::decode(&bytes) {
                    parse_stream(text, Limits::default(), |doc| match doc {
                        Ok(doc) => {
                            counts.documents += 1;
                            counts.nodes += doc.node_count() as u64;
                        }
                        Err(_) => counts.errors += 1,
                    });
                }
                counts
            })
            .reduce(Counts::default, Counts::add)
    });
    let seconds = started.elapsed().as_secs_f64();
    println!(
        "files={} bytes={} documents={} errors={} nodes={} seconds={seconds:.3}",
        counts.files, counts.bytes, counts.documents, counts.errors, counts.nodes
    );
}

#[derive(Default)]
struct Counts {
    files: u64,
    bytes: u64,
    documents: u64,
    errors: u64,
    nodes: u64,
}

impl Counts {
    fn add(self, other: Counts) -> Counts {
        Counts {
            files: self.files + other.files,
            bytes: self.bytes + other.bytes,
            documents: self.documents + other.documents,
            errors: self.errors + other.errors,
            nodes: self.nodes + other.nodes,
        }
    }
}

fn is_manifest(path: &std::path::Path) -> bool {
    let name = path.file_name().and_then(|n| n.to_str()).unwrap_or_default().to_ascii_lowercase();
    name.ends_with(".yaml") || name.ends_with(".yml") || name.ends_with(".json")
}
