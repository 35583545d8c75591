//! What the targets share: the linter `kubenorm check` would build by default.

use kubenorm_linter::{Config, Door, Linter, Selection};
use std::sync::OnceLock;

/// Every rule at its default severity, for files: built once per process.
pub fn linter() -> &'static Linter {
    static LINTER: OnceLock<Linter> = OnceLock::new();
    LINTER.get_or_init(|| {
        Linter::new(Config::default(), &Selection::default(), Door::Files).expect("the default selection is valid")
    })
}
