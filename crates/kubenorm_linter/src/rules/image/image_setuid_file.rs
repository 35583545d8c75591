use crate::context::Context;
use crate::declare_rule;
use crate::model::ImageModel;
use crate::model::image::FileKind;
use crate::rule::Rule;

declare_rule! {
    /// ## What it does
    /// Flags regular files of the final filesystem with the setuid (`04000`)
    /// or setgid (`02000`) bit, one finding per file, naming the layer that
    /// added it. Directories with setgid (group inheritance) are not flagged.
    ///
    /// ## Why is this bad?
    /// A setuid binary runs with its owner's rights whatever the caller: a
    /// flaw in it is a way from the application user to root. The handbook's
    /// "never root" holds only if nothing in the image can become root.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM harbor.company.com/base/debian:12-slim
    /// USER 10001
    /// ```
    /// Use instead:
    /// ```dockerfile
    /// FROM harbor.company.com/base/debian:12-slim
    /// RUN find / -xdev -perm /6000 -type f -exec chmod a-s {} +
    /// USER 10001
    /// ```
    pub struct ImageSetuidFile;
    name: "image-setuid-file",
    category: Image,
    severity: Warning,
    summary: "A file in the image has the setuid or setgid bit.",
}

impl Rule for ImageSetuidFile {
    fn check_image(&self, image: &ImageModel, cx: &mut Context<'_>) {
        for entry in image.files().iter().filter(|e| e.kind == FileKind::Regular && e.mode & 0o6000 != 0) {
            let bits = match (entry.mode & 0o4000 != 0, entry.mode & 0o2000 != 0) {
                (true, true) => "setuid and setgid bits",
                (true, false) => "setuid bit",
                _ => "setgid bit",
            };
            let message = format!("{} has the {bits} (mode {:04o})", image.describe(entry), entry.mode & 0o7777);
            cx.report_image(self, message)
                .help("remove the file, or clear the bits in the build (`chmod a-s`); also set allowPrivilegeEscalation: false");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::testing::*;
    use crate::model::image::FileEntry;

    const RULE: &str = "image-setuid-file";

    fn with_mode(path: &str, mode: u32) -> FileEntry {
        FileEntry { mode, ..file(path, 1) }
    }

    #[test]
    fn fires_for_setuid_and_setgid_files() {
        let image = image(vec![
            with_mode("/usr/bin/passwd", 0o4755),
            with_mode("/usr/bin/wall", 0o2755),
            with_mode("/usr/bin/su", 0o6755),
        ]);
        let found = messages(RULE, &image);
        assert_eq!(found.len(), 3, "{found:?}");
        assert_eq!(
            found[0],
            "`/usr/bin/passwd` (added by layer 2 of 2, sha256:0000000000000000000000000000000000000000000000000000000000000002) has the setuid bit (mode 4755)"
        );
        assert!(found[1].contains("setuid and setgid bits (mode 6755)"));
        assert!(found[2].contains("setgid bit (mode 2755)"));
    }

    #[test]
    fn clean_for_plain_files_and_setgid_directories() {
        let mut shared = dir("/srv/shared");
        shared.mode = 0o2775;
        let image = image(vec![with_mode("/usr/bin/ls", 0o755), with_mode("/tmp-sticky", 0o1777), shared]);
        assert!(messages(RULE, &image).is_empty());
    }
}
