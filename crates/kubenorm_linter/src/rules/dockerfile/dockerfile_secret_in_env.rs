use crate::context::Context;
use crate::declare_rule;
use crate::model::Dockerfile;
use crate::rule::Rule;
use crate::rules::security::{looks_secret, names_a_path};
use kubenorm_source::dockerfile::Keyword;

declare_rule! {
    /// ## What it does
    /// Flags `ENV` and `ARG` (in any stage, before the first `FROM`, and in
    /// `ONBUILD` triggers) whose name looks secret, with the names of
    /// `secret-in-env-literal` (`PASSWORD`, `PASSWD`, `SECRET`, `TOKEN`,
    /// `API_KEY`, `PRIVATE_KEY`, `CREDENTIAL`, any case), and that set a
    /// literal, non-empty value. Not flagged: `ARG NPM_TOKEN` without a
    /// default, a value made only of variable references (`${NPM_TOKEN}`),
    /// and a `*_FILE`/`*_PATH`/`*_DIR` variable holding an absolute path.
    ///
    /// ## Why is this bad?
    /// `ENV` values are stored in the image config and `ARG` defaults in its
    /// history: anyone who can pull the image can read them.
    ///
    /// ## Example
    /// ```dockerfile
    /// ENV DB_PASSWORD=s3cr3t
    /// ```
    /// Use instead:
    /// ```dockerfile
    /// # mounted from a Kubernetes Secret at run time
    /// ENV DB_PASSWORD_FILE=/run/secrets/db-password
    /// # or, for build-time secrets: RUN --mount=type=secret,id=npm_token ...
    /// ```
    pub struct DockerfileSecretInEnv;
    name: "dockerfile-secret-in-env",
    category: Dockerfile,
    severity: Error,
    summary: "ENV or ARG with a secret-looking name holds a literal value.",
}

impl Rule for DockerfileSecretInEnv {
    fn check_dockerfile(&self, df: &Dockerfile<'_>, cx: &mut Context<'_>) {
        for instruction in df.all_instructions().filter(|i| matches!(i.keyword, Keyword::Env | Keyword::Arg)) {
            let keyword = if instruction.keyword == Keyword::Env { "ENV" } else { "ARG" };
            for pair in &instruction.pairs {
                let name = pair.key.text.as_str();
                let Some(value) = pair.value.as_ref().map(|v| v.text.as_str()) else { continue };
                if !looks_secret(name) || value.is_empty() || only_references(value) || names_a_path(name, value) {
                    continue;
                }
                cx.report_span(
                    self,
                    pair.span,
                    format!("`{keyword} {name}` sets a literal value, stored in the image"),
                )
                .help("pass secrets at run time (Kubernetes Secret) or at build time with RUN --mount=type=secret");
            }
        }
    }
}

/// A value made only of `$VAR` / `${...}` references.
fn only_references(value: &str) -> bool {
    let mut rest = value;
    while !rest.is_empty() {
        let Some(after) = rest.strip_prefix('$') else { return false };
        if let Some(body) = after.strip_prefix('{') {
            let Some(end) = body.find('}') else { return false };
            if end == 0 {
                return false;
            }
            rest = &body[end + 1..];
        } else {
            let n = after.bytes().take_while(|b| b.is_ascii_alphanumeric() || *b == b'_').count();
            if n == 0 {
                return false;
            }
            rest = &after[n..];
        }
    }
    true
}

#[cfg(test)]
mod tests {
    use super::only_references;

    #[test]
    fn references() {
        assert!(only_references("${TOKEN}"));
        assert!(only_references("$A$B"));
        assert!(only_references("${A:-x}"));
        assert!(!only_references("x$A"));
        assert!(!only_references("${}"));
        assert!(!only_references("$"));
    }
}
