use crate::context::Context;
use crate::declare_rule;
use crate::finding::Severity;
use crate::model::Dockerfile;
use crate::rule::Rule;
use kubenorm_source::dockerfile::Keyword;

/// Archives `ADD` unpacks: a legitimate reason to use it for local files.
const ARCHIVES: &[&str] =
    &[".tar", ".tar.gz", ".tgz", ".tar.bz2", ".tbz2", ".tbz", ".tar.xz", ".txz", ".tar.zst", ".tzst"];

declare_rule! {
    /// ## What it does
    /// Flags `ADD` (in any stage, `ONBUILD` triggers included) that fetches a
    /// URL (`http://`, `https://`, `ftp://`, a Git repository such as
    /// `git@host:repo.git`). `ADD` of a plain local file or folder is a
    /// warning: `COPY` does the same without surprises. A local tar archive
    /// (`.tar`, `.tar.gz`, `.tgz`, `.tar.xz`, …) is fine: unpacking it is
    /// what `ADD` is for.
    ///
    /// ## Why is this bad?
    /// A remote `ADD` downloads at build time from outside the company
    /// registry: the content can change or be tampered with, and the build
    /// needs the internet. For local files `ADD`'s extra behaviours
    /// (unpacking, URLs) make `COPY` the clearer choice.
    ///
    /// ## Example
    /// ```dockerfile
    /// ADD https://example.com/tool.tar.gz /opt/
    /// ADD app.jar /app/app.jar
    /// ```
    /// Use instead:
    /// ```dockerfile
    /// COPY --from=harbor.company.com/tools/tool:1.2.0 /opt/tool /opt/tool
    /// COPY app.jar /app/app.jar
    /// ```
    pub struct DockerfileAddRemote;
    name: "dockerfile-add-remote",
    category: Dockerfile,
    severity: Error,
    summary: "ADD fetches a URL (or copies a plain local file, where COPY belongs).",
}

impl Rule for DockerfileAddRemote {
    fn check_dockerfile(&self, df: &Dockerfile<'_>, cx: &mut Context<'_>) {
        for add in df.all_instructions().filter(|i| i.keyword == Keyword::Add) {
            let sources = &add.args[..add.args.len().saturating_sub(1)];
            let mut local_reported = false;
            for source in sources {
                let text = source.text.as_str();
                if is_remote(text) {
                    cx.report_span(self, source.span, format!("`ADD {text}` downloads at build time"))
                        .help("download in a controlled stage (with a checksum) or take the file from a company image");
                } else if !local_reported && !text.starts_with("<<") && !is_archive(text) {
                    local_reported = true;
                    cx.report_span(self, source.span, format!("`ADD {text}` copies a local file: use COPY"))
                        .help("replace ADD with COPY")
                        .soften(Severity::Warning);
                }
            }
        }
    }
}

fn is_remote(source: &str) -> bool {
    let lower = source.to_ascii_lowercase();
    ["http://", "https://", "ftp://", "git://", "ssh://", "git@"].iter().any(|p| lower.starts_with(p))
}

fn is_archive(source: &str) -> bool {
    let lower = source.to_ascii_lowercase();
    ARCHIVES.iter().any(|a| lower.ends_with(a))
}
