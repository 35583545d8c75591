use crate::context::Context;
use crate::declare_rule;
use crate::model::Dockerfile;
use crate::rule::Rule;
use regex::Regex;
use std::sync::LazyLock;

declare_rule! {
    /// ## What it does
    /// Reports what BuildKit refuses to build: an unknown instruction, an
    /// instruction other than `ARG` before the first `FROM`, a file without
    /// `FROM`, `FROM` with other than one image (plus `AS name`), a repeated
    /// or invalid stage name, an unterminated heredoc, `ENV`/`LABEL` without
    /// `=` or value, a JSON array holding something other than strings, a
    /// bad `escape` directive, an instruction without its arguments, a
    /// file that is not UTF-8, and a `FROM` image that is not a valid image
    /// reference once `ARG` defaults are substituted (the grammar of
    /// `distribution/reference`: lowercase repository path, tag of at most
    /// 128 word characters, `algorithm:hex` digest). The other Dockerfile
    /// rules still run on what could be read.
    ///
    /// ## Why is this bad?
    /// The build fails, and every other rule is blind to what the broken
    /// part means.
    ///
    /// ## Example
    /// ```dockerfile
    /// RUN apt-get update
    /// FROM harbor.company.com/base/debian:12-slim
    /// ```
    /// Use instead:
    /// ```dockerfile
    /// FROM harbor.company.com/base/debian:12-slim
    /// RUN apt-get update
    /// ```
    pub struct DockerfileSyntaxError;
    name: "dockerfile-syntax-error",
    category: Dockerfile,
    severity: Error,
    summary: "A Dockerfile does not parse.",
}

/// Parse errors are reported by the engine; image references are checked here.
impl Rule for DockerfileSyntaxError {
    fn check_dockerfile(&self, df: &Dockerfile<'_>, cx: &mut Context<'_>) {
        for stage in &df.stages {
            let Some(base) = stage.base_image() else { continue };
            let (expanded, word) = (base.expanded, base.written);
            if expanded.complete && !REFERENCE.is_match(&expanded.text) {
                let shown = base.shown();
                cx.report_span(self, word.span, format!("{shown} is not a valid image reference"))
                    .help("write registry/repository:tag or @sha256:digest, with a lowercase repository");
            }
        }
    }
}

/// `distribution/reference`'s grammar (reference/regexp.go), anchored.
static REFERENCE: LazyLock<Regex> = LazyLock::new(|| {
    let domain_component = r"(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])";
    let domain = format!(r"(?:{domain_component}(?:\.{domain_component})*|\[[a-fA-F0-9:]+\])(?::[0-9]+)?");
    let component = r"[a-z0-9]+(?:(?:[._]|__|[-]+)[a-z0-9]+)*";
    let name = format!("(?:{domain}/)?{component}(?:/{component})*");
    // Go's `\w` is ASCII; Rust's is Unicode, and 128 copies of it cost 40 ms to compile.
    let tag = r"[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}";
    let digest = r"[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,}";
    Regex::new(&format!("^{name}(?::{tag})?(?:@{digest})?$")).expect("valid reference grammar")
});

#[cfg(test)]
mod tests {
    use super::REFERENCE;

    #[test]
    fn reference_grammar() {
        let digest = "@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";
        for ok in ["alpine", "alpine:3.19", "harbor.company.com:8443/a/b-c__d.e:1.0", "localhost/x", "[::1]:5000/x:y"] {
            assert!(REFERENCE.is_match(ok), "{ok}");
        }
        assert!(REFERENCE.is_match(&format!("a:1{digest}")));
        // Tags are ASCII word characters, as Go's `\w` in the upstream grammar.
        for bad in
            ["spack/rockylinux8:sha256:c530b10099ee", "Alpine", "a/B:1", "a:", "a:-x", "a@sha256:short", "x/{{", "a:é1"]
        {
            assert!(!REFERENCE.is_match(bad), "{bad}");
        }
    }
}
