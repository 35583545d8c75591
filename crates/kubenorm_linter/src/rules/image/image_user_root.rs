use crate::context::Context;
use crate::declare_rule;
use crate::finding::Severity;
use crate::model::ImageModel;
use crate::rule::Rule;

declare_rule! {
    /// ## What it does
    /// Flags images whose config `User` is empty, `root` or `0` (the user
    /// part of `user:group` is judged; `0:1000` is root). A user name is
    /// looked up in the image's `/etc/passwd`: a name with UID 0 is root too.
    /// Any other non-numeric user is a warning: Kubernetes' `runAsNonRoot`
    /// cannot verify a name and refuses to start the container. Windows
    /// images are flagged when the user is `ContainerAdministrator`.
    ///
    /// ## Why is this bad?
    /// The handbook forbids root in containers. An image that runs as root
    /// by default runs as root wherever someone forgets a `securityContext`,
    /// and a process that escapes as root owns the node.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM harbor.company.com/base/distroless-java:17
    /// COPY app.jar /app.jar
    /// ```
    /// Use instead:
    /// ```dockerfile
    /// FROM harbor.company.com/base/distroless-java:17
    /// COPY app.jar /app.jar
    /// USER 10001
    /// ```
    pub struct ImageUserRoot;
    name: "image-user-root",
    category: Image,
    severity: Error,
    summary: "Image runs as root by default.",
}

impl Rule for ImageUserRoot {
    fn check_image(&self, image: &ImageModel, cx: &mut Context<'_>) {
        let written = image.config.user.as_deref().unwrap_or("").trim();
        let user = written.split(':').next().unwrap_or("");
        if image.config.os.as_deref() == Some("windows") {
            if user.eq_ignore_ascii_case("ContainerAdministrator") {
                cx.report_image(self, "the image runs as ContainerAdministrator")
                    .help("set `USER ContainerUser` in the Dockerfile");
            }
            return;
        }
        const HELP: &str = "add `USER <uid>` with a non-zero numeric UID (e.g. USER 10001) to the final stage";
        if user.is_empty() {
            cx.report_image(self, "the image config sets no `User`: containers run as root").help(HELP);
            return;
        }
        if user == "root" || user.parse::<u64>() == Ok(0) {
            cx.report_image(self, format!("the image runs as root (`User: {written}`)")).help(HELP);
            return;
        }
        if user.bytes().all(|b| b.is_ascii_digit()) {
            return;
        }
        match passwd_uid(image, user) {
            Some(0) => {
                cx.report_image(self, format!("the image user `{user}` has UID 0 in /etc/passwd: it is root"))
                    .help(HELP);
            }
            found => {
                let detail = match found {
                    Some(uid) => format!(" (UID {uid} in /etc/passwd)"),
                    None => " (not in the image's /etc/passwd)".to_string(),
                };
                cx.report_image(
                    self,
                    format!("the image user `{user}` is not numeric{detail}: runAsNonRoot cannot verify it"),
                )
                .help("use the numeric UID in `USER` (e.g. USER 10001)")
                .soften(Severity::Warning);
            }
        }
    }
}

/// The UID of `name` in the image's `/etc/passwd`, if the file and the name are there.
fn passwd_uid(image: &ImageModel, name: &str) -> Option<u64> {
    let content = image.resolve("/etc/passwd")?.content.as_deref()?;
    String::from_utf8_lossy(content).lines().find_map(|line| {
        let mut fields = line.split(':');
        (fields.next()? == name).then_some(())?;
        fields.nth(1)?.trim().parse().ok()
    })
}

#[cfg(test)]
mod tests {
    use super::super::testing::*;
    use crate::Severity;
    use crate::model::ImageModel;

    const RULE: &str = "image-user-root";

    fn with_user(user: Option<&str>, files: Vec<crate::model::image::FileEntry>) -> ImageModel {
        let mut image = image(files);
        image.config.user = user.map(str::to_string);
        image
    }

    #[test]
    fn fires_for_empty_root_and_zero() {
        for user in [None, Some(""), Some("root"), Some("0"), Some("0:1000"), Some("root:root"), Some("000")] {
            let found = lint(RULE, &with_user(user, vec![]));
            assert_eq!(found.len(), 1, "{user:?}");
            assert_eq!(found[0].severity, Severity::Error);
        }
    }

    #[test]
    fn a_name_with_uid_zero_is_root() {
        let passwd = with_content("/etc/passwd", "root:x:0:0:root:/root:/bin/sh\ntoor:x:0:0::/:/bin/sh\n", 0);
        let found = lint(RULE, &with_user(Some("toor"), vec![passwd]));
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].severity, Severity::Error);
        assert!(found[0].message.contains("UID 0"), "{}", found[0].message);
    }

    #[test]
    fn other_names_are_a_warning() {
        let passwd = with_content("/etc/passwd", "root:x:0:0:root:/root:/bin/sh\napp:x:1000:1000::/app:/bin/sh\n", 0);
        let found = lint(RULE, &with_user(Some("app"), vec![passwd]));
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].severity, Severity::Warning);
        assert!(found[0].message.contains("UID 1000"), "{}", found[0].message);
        let found = lint(RULE, &with_user(Some("nobody"), vec![]));
        assert!(found[0].message.contains("not in the image's /etc/passwd"), "{}", found[0].message);
    }

    #[test]
    fn clean_with_a_numeric_user() {
        for user in ["1000", "10001:10001", "65532"] {
            assert!(lint(RULE, &with_user(Some(user), vec![])).is_empty(), "{user}");
        }
    }

    #[test]
    fn windows_judges_container_administrator() {
        let mut image = with_user(None, vec![]);
        image.config.os = Some("windows".into());
        assert!(lint(RULE, &image).is_empty());
        image.config.user = Some("ContainerAdministrator".into());
        assert_eq!(lint(RULE, &image).len(), 1);
    }
}
