//! Arbitrary bytes → `decode` → the default `Linter` (door: files, every rule)
//! → `lint_yaml` → `finish`, the way `kubenorm check` runs one file.
#![no_main]

mod shared;

use libfuzzer_sys::fuzz_target;
use shared::linter;

fuzz_target!(|bytes: &[u8]| {
    let Ok(text) = kubenorm_source::decode(bytes) else { return };
    let linter = linter();
    let mut results = [linter.lint_yaml(0, text)];
    for finding in linter.finish(&mut results, &kubenorm_linter::Texts(&[text])) {
        assert!(finding.span.start <= finding.span.end, "{finding:?}");
        assert!(finding.span.start.line >= 1 && finding.span.start.col >= 1, "{finding:?}");
    }
});
