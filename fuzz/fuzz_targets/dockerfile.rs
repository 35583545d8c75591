//! Arbitrary bytes → `decode` → `dockerfile::parse` (instructions, heredocs,
//! shell commands with positions) → the default `Linter` → `lint_dockerfile`
//! → `finish`, the way `kubenorm check` runs one Dockerfile.
#![no_main]

mod shared;

use kubenorm_linter::NoSources;
use libfuzzer_sys::fuzz_target;
use shared::linter;

fuzz_target!(|bytes: &[u8]| {
    let Ok(text) = kubenorm_source::decode(bytes) else { return };
    let parsed = kubenorm_source::dockerfile::parse(text);
    for instruction in &parsed.instructions {
        assert!(instruction.span.start <= instruction.span.end, "{instruction:?}");
        assert!(instruction.end_line >= instruction.span.start.line, "{instruction:?}");
    }
    let linter = linter();
    let mut results = [linter.lint_dockerfile(0, text)];
    for finding in linter.finish(&mut results, &NoSources) {
        assert!(finding.span.start <= finding.span.end, "{finding:?}");
        assert!(finding.span.start.line >= 1 && finding.span.start.col >= 1, "{finding:?}");
    }
});
