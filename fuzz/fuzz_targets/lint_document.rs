//! Arbitrary bytes → `decode` → the default `Linter` (door: files, every rule)
//! → `lint_yaml` → `finish`, the way `kubenorm check` runs one file.
#![no_main]

use kubenorm_linter::{Config, Door, Linter, Selection};
use libfuzzer_sys::fuzz_target;
use std::sync::OnceLock;

fn linter() -> &'static Linter {
    static LINTER: OnceLock<Linter> = OnceLock::new();
    LINTER.get_or_init(|| {
        Linter::new(Config::default(), &Selection::default(), Door::Files).expect("the default selection is valid")
    })
}

fuzz_target!(|bytes: &[u8]| {
    let Ok(text) = kubenorm_source::decode(bytes) else { return };
    let linter = linter();
    let mut results = [linter.lint_yaml(0, text)];
    for finding in linter.finish(&mut results, &kubenorm_linter::Texts(&[text])) {
        assert!(finding.span.start <= finding.span.end, "{finding:?}");
        assert!(finding.span.start.line >= 1 && finding.span.start.col >= 1, "{finding:?}");
    }
});
