use super::from_line_span;
use crate::context::Context;
use crate::declare_rule;
use crate::finding::Severity;
use crate::model::Dockerfile;
use crate::rule::Rule;
use kubenorm_source::dockerfile::Keyword;

declare_rule! {
    /// ## What it does
    /// Flags a Dockerfile whose final image runs as root: the final stage
    /// (with the stages it is built `FROM`) has no `USER`, or its last `USER`
    /// is `root` or `0` (`root:root` and `0:0` too). A user given by name
    /// (`USER app`) is a warning: Kubernetes' `runAsNonRoot` can only verify
    /// a numeric UID. `ARG` and `ENV` values are substituted (`USER ${UID}`);
    /// a user that depends on a build argument without default is not judged.
    /// A `USER` inside `ONBUILD` runs in other builds and does not count.
    ///
    /// ## Why is this bad?
    /// The handbook forbids starting images as root: a process that escapes
    /// its container as root owns the node. Without `USER` the image runs as
    /// root (UID 0) unless every pod that uses it overrides the user.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM harbor.company.com/base/python:3.12-slim
    /// COPY app /app
    /// CMD ["python", "/app/main.py"]
    /// ```
    /// Use instead:
    /// ```dockerfile
    /// FROM harbor.company.com/base/python:3.12-slim
    /// COPY app /app
    /// USER 10001
    /// CMD ["python", "/app/main.py"]
    /// ```
    pub struct DockerfileUserRoot;
    name: "dockerfile-user-root",
    category: Dockerfile,
    severity: Error,
    summary: "The final image runs as root.",
}

impl Rule for DockerfileUserRoot {
    fn check_dockerfile(&self, df: &Dockerfile<'_>, cx: &mut Context<'_>) {
        let Some(final_stage) = df.final_stage() else { return };
        let Some(user) = df.final_instructions().filter(|i| i.keyword == Keyword::User).last() else {
            cx.report_span(
                self,
                from_line_span(final_stage.from),
                "the final stage sets no USER: the image runs as root",
            )
            .help("add `USER <numeric uid>` (e.g. `USER 10001`) after the last RUN");
            return;
        };
        let Some(arg) = user.args.first() else { return };
        let expanded = df.expand_in_final(user, &arg.text);
        if !expanded.complete {
            return;
        }
        let name = expanded.text.split(':').next().unwrap_or_default().trim();
        let resolved = if expanded.text != arg.text { format!(" (`{}`)", expanded.text) } else { String::new() };
        if name == "root" || name.parse::<u64>() == Ok(0) {
            cx.report_span(self, arg.span, format!("`USER {}`{resolved} runs the image as root", arg.text))
                .help("switch to an unprivileged numeric user, e.g. `USER 10001`");
        } else if name.parse::<u64>().is_err() {
            cx.report_span(
                self,
                arg.span,
                format!("`USER {}`{resolved} names the user: runAsNonRoot needs a numeric UID", arg.text),
            )
            .help("use the user's numeric UID (and GID), e.g. `USER 10001:10001`")
            .soften(Severity::Warning);
        }
    }
}
