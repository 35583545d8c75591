use crate::declare_rule;
use crate::rule::Rule;

declare_rule! {
    /// ## What it does
    /// Reports what BuildKit refuses to build: an unknown instruction, an
    /// instruction other than `ARG` before the first `FROM`, a file without
    /// `FROM`, `FROM` with other than one image (plus `AS name`), a repeated
    /// or invalid stage name, an unterminated heredoc, `ENV`/`LABEL` without
    /// `=` or value, a JSON array holding something other than strings, a
    /// bad `escape` directive, an instruction without its arguments, and a
    /// file that is not UTF-8. The other Dockerfile rules still run on what
    /// could be read.
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

/// Reported by the engine while parsing.
impl Rule for DockerfileSyntaxError {}
