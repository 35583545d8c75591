//! Helpers shared by the end-to-end tests: run the built binary, read its output.
// Each test crate uses a different part of this module.
#![allow(dead_code)]

use serde_json::Value;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

/// The `kubenorm` binary, without the caller's `NO_COLOR`.
pub fn kubenorm() -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_kubenorm"));
    cmd.env_remove("NO_COLOR");
    cmd
}

/// Runs `kubenorm ARGS` in `dir` and waits for it.
pub fn run(args: &[&str], dir: &Path) -> Output {
    kubenorm().args(args).current_dir(dir).output().expect("kubenorm runs")
}

/// Runs `kubenorm ARGS` in `dir` with `input` on its stdin; stderr is the test's.
pub fn run_with_stdin(args: &[&str], dir: &Path, input: &[u8]) -> Output {
    let mut child = kubenorm()
        .args(args)
        .current_dir(dir)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("kubenorm starts");
    child.stdin.take().expect("piped").write_all(input).expect("stdin written");
    child.wait_with_output().expect("kubenorm runs")
}

pub fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

pub fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// Stdout as JSON; on failure the panic shows stdout and stderr.
pub fn json(output: &Output) -> Value {
    serde_json::from_slice(&output.stdout)
        .unwrap_or_else(|e| panic!("not JSON ({e}): {}\n{}", stdout(output), stderr(output)))
}

/// Writes `text` to `dir/name`, creating folders; returns the path.
pub fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
    let path = dir.join(name);
    std::fs::create_dir_all(path.parent().expect("a file in a folder")).expect("folder created");
    std::fs::write(&path, text).expect("file written");
    path
}
