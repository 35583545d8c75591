//! Structured logs: one JSON object per line on stderr, and optionally
//! appended to a file too (the handbook wants logs to leave the pod: mount a
//! NAS volume there). The file is rotated once it passes a size: the old one
//! becomes `<file>.1`.

use serde::Serialize;
use std::fs::{File, OpenOptions};
use std::io::Write;
use std::path::PathBuf;
use std::sync::Mutex;
use std::time::{SystemTime, UNIX_EPOCH};

/// Size at which the log file is rotated.
const ROTATE_BYTES: u64 = 64 * 1024 * 1024;

/// Writes log lines. Cheap to share: one lock per line, for the file only.
pub struct Logger {
    file: Option<Mutex<LogFile>>,
    stderr: bool,
}

struct LogFile {
    path: PathBuf,
    file: File,
    written: u64,
}

/// One decision of the webhook, as logged.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct DecisionLine<'a> {
    pub uid: &'a str,
    pub kind: &'a str,
    pub namespace: &'a str,
    pub name: &'a str,
    pub operation: &'a str,
    #[serde(skip_serializing_if = "str::is_empty")]
    pub sub_resource: &'a str,
    pub user: &'a str,
    pub dry_run: bool,
    pub allowed: bool,
    pub result: &'a str,
    pub denied: &'a [&'static str],
    pub warned: &'a [&'static str],
    pub duration_ms: f64,
}

impl Logger {
    /// Logs to stderr, and to `file` too when given.
    pub fn new(file: Option<PathBuf>) -> std::io::Result<Logger> {
        let file = match file {
            Some(path) => {
                let file = OpenOptions::new().create(true).append(true).open(&path)?;
                let written = file.metadata().map(|m| m.len()).unwrap_or(0);
                Some(Mutex::new(LogFile { path, file, written }))
            }
            None => None,
        };
        Ok(Logger { file, stderr: true })
    }

    /// A logger that writes nothing (tests, benchmarks of the library).
    pub fn silent() -> Logger {
        Logger { file: None, stderr: false }
    }

    pub fn info(&self, msg: &str, fields: impl Serialize) {
        self.write("info", msg, fields);
    }

    pub fn warn(&self, msg: &str, fields: impl Serialize) {
        self.write("warn", msg, fields);
    }

    pub fn error(&self, msg: &str, fields: impl Serialize) {
        self.write("error", msg, fields);
    }

    pub fn decision(&self, line: &DecisionLine<'_>) {
        self.write("info", "admission", line);
    }

    fn write(&self, level: &str, msg: &str, fields: impl Serialize) {
        if !self.stderr && self.file.is_none() {
            return;
        }
        #[derive(Serialize)]
        struct Line<'a, F> {
            ts: String,
            level: &'a str,
            msg: &'a str,
            #[serde(flatten)]
            fields: F,
        }
        let mut buf = Vec::with_capacity(256);
        let line = Line { ts: rfc3339_now(), level, msg, fields };
        if serde_json::to_writer(&mut buf, &line).is_err() {
            return;
        }
        buf.push(b'\n');
        if self.stderr {
            // One write per line keeps concurrent lines whole; a failing
            // stderr must not take the webhook down.
            let _ = std::io::stderr().lock().write_all(&buf);
        }
        if let Some(file) = &self.file {
            let mut f = file.lock().unwrap_or_else(|e| e.into_inner());
            f.append(&buf);
        }
    }
}

impl LogFile {
    fn append(&mut self, line: &[u8]) {
        if self.written + line.len() as u64 > ROTATE_BYTES {
            let mut old = self.path.clone().into_os_string();
            old.push(".1");
            let reopened = std::fs::rename(&self.path, &old)
                .and_then(|_| OpenOptions::new().create(true).append(true).open(&self.path));
            if let Ok(file) = reopened {
                self.file = file;
                self.written = 0;
            }
        }
        if self.file.write_all(line).is_ok() {
            self.written += line.len() as u64;
        }
    }
}

/// Now as `2025-01-31T12:34:56.789Z`.
pub fn rfc3339_now() -> String {
    let now = SystemTime::now().duration_since(UNIX_EPOCH).unwrap_or_default();
    rfc3339(now.as_secs() as i64, now.subsec_millis())
}

fn rfc3339(secs: i64, millis: u32) -> String {
    let (y, m, d) = civil_from_days(secs.div_euclid(86_400));
    let rem = secs.rem_euclid(86_400);
    format!("{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}.{millis:03}Z", rem / 3600, rem / 60 % 60, rem % 60)
}

/// Days since 1970-01-01 to (year, month, day), proleptic Gregorian
/// (Howard Hinnant's algorithm).
pub(crate) fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (if m <= 2 { y + 1 } else { y }, m, d)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timestamps() {
        assert_eq!(rfc3339(0, 0), "1970-01-01T00:00:00.000Z");
        assert_eq!(rfc3339(951_782_400 + 3661, 5), "2000-02-29T01:01:01.005Z");
        assert_eq!(rfc3339(1_767_225_599, 999), "2025-12-31T23:59:59.999Z");
    }

    #[test]
    fn file_lines() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("webhook.log");
        let log = Logger { stderr: false, ..Logger::new(Some(path.clone())).unwrap() };
        log.info("hello", serde_json::json!({"n": 1}));
        let text = std::fs::read_to_string(&path).unwrap();
        let line: serde_json::Value = serde_json::from_str(text.trim()).unwrap();
        assert_eq!(line["msg"], "hello");
        assert_eq!(line["n"], 1);
        assert_eq!(line["level"], "info");
    }
}
