//! What the Dockerfile rules share: package installs recognised in a `RUN`'s
//! parsed commands (not substrings: `echo apt-get install` installs
//! nothing), paths that commands delete, and cache mounts.

use kubenorm_source::Span;
use kubenorm_source::dockerfile::{Command, Instruction, Word};

/// A package manager whose installs the rules judge.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Manager {
    Apt,
    Apk,
    Yum,
    Zypper,
    Pip,
}

/// One install command: `apt-get install -y curl`.
#[derive(Debug)]
pub(crate) struct Install<'c> {
    pub manager: Manager,
    pub command: &'c Command,
    /// `apt-get`, `apk`, `dnf`, `pip3`...
    pub program: &'c str,
    /// The subcommand as written (`install`, `add`, `in`).
    pub subcommand: &'c str,
    /// Package arguments (option values excluded).
    pub packages: Vec<&'c Word>,
}

impl Install<'_> {
    /// `apt-get install`, for messages.
    pub fn label(&self) -> String {
        format!("{} {}", self.program, self.subcommand)
    }

    pub fn span(&self) -> Span {
        self.command.span
    }
}

/// The install the command performs, if it is one.
pub(crate) fn install(command: &Command) -> Option<Install<'_>> {
    let program = command.program();
    let (manager, subcommands, value_options): (Manager, &[&str], &[&str]) = match program {
        "apt-get" | "apt" => (
            Manager::Apt,
            &["install"],
            &["-o", "--option", "-c", "--config-file", "-t", "--target-release", "--default-release"],
        ),
        "apk" => (
            Manager::Apk,
            &["add"],
            &[
                "-X",
                "--repository",
                "-t",
                "--virtual",
                "-p",
                "--root",
                "--arch",
                "--keys-dir",
                "--cache-dir",
                "--repositories-file",
            ],
        ),
        "yum" | "dnf" | "microdnf" | "dnf5" => (
            Manager::Yum,
            &["install"],
            &[
                "-c",
                "--config",
                "-x",
                "--exclude",
                "--setopt",
                "--enablerepo",
                "--disablerepo",
                "--installroot",
                "--releasever",
                "--repo",
                "--repofrompath",
            ],
        ),
        "zypper" => (Manager::Zypper, &["in", "install"], &["-R", "--root", "-r", "--repo", "--from", "-t", "--type"]),
        _ => return pip_install(command),
    };
    let args = command.args();
    let at = subcommand_index(args, value_options)?;
    let subcommand = args[at].text.as_str();
    if !subcommands.contains(&subcommand) {
        return None;
    }
    let packages = operands(&args[at + 1..], value_options);
    Some(Install { manager, command, program, subcommand, packages })
}

/// `pip install`, `pip3.12 install`, `python3 -m pip install`.
fn pip_install(command: &Command) -> Option<Install<'_>> {
    let program = command.program();
    let args = command.args();
    let rest = if is_pip(program) {
        args
    } else if program.starts_with("python") {
        let m = args.iter().position(|w| w.text == "-m")?;
        if !args.get(m + 1).is_some_and(|w| w.text == "pip" || w.text == "pip3") {
            return None;
        }
        &args[m + 2..]
    } else {
        return None;
    };
    const VALUES: &[&str] = &[
        "-r",
        "--requirement",
        "-c",
        "--constraint",
        "-e",
        "--editable",
        "-i",
        "--index-url",
        "--extra-index-url",
        "-f",
        "--find-links",
        "-t",
        "--target",
        "--prefix",
        "--root",
        "--trusted-host",
        "--platform",
        "--python-version",
        "--cache-dir",
        "--src",
        "--upgrade-strategy",
        "--progress-bar",
        "--log",
        "--proxy",
    ];
    let at = subcommand_index(rest, VALUES)?;
    if rest[at].text != "install" {
        return None;
    }
    let packages = operands(&rest[at + 1..], VALUES);
    Some(Install { manager: Manager::Pip, command, program, subcommand: "install", packages })
}

fn is_pip(program: &str) -> bool {
    program.strip_prefix("pip").is_some_and(|v| v.bytes().all(|b| b.is_ascii_digit() || b == b'.'))
}

/// Index of the first non-option argument (skipping options' values).
fn subcommand_index(args: &[Word], value_options: &[&str]) -> Option<usize> {
    let mut i = 0;
    while i < args.len() {
        let t = args[i].text.as_str();
        if t.starts_with('-') && t.len() > 1 {
            i += if value_options.contains(&t) { 2 } else { 1 };
            continue;
        }
        return Some(i);
    }
    None
}

/// Non-option arguments, skipping options' values.
fn operands<'c>(args: &'c [Word], value_options: &[&str]) -> Vec<&'c Word> {
    let mut out = Vec::new();
    let mut i = 0;
    let mut options_done = false;
    while i < args.len() {
        let t = args[i].text.as_str();
        if !options_done && t == "--" {
            options_done = true;
        } else if !options_done && t.starts_with('-') && t.len() > 1 {
            if value_options.contains(&t) {
                i += 1;
            }
        } else {
            out.push(&args[i]);
        }
        i += 1;
    }
    out
}

/// A package argument's name without a version pin or constraint:
/// `curl=7.88.1-10` (apt), `curl=8.5.0-r0` or `curl~8` (apk),
/// `curl-7.61.1` (rpm `name-version`), `requests>=2` (pip).
pub(crate) fn package_name(arg: &str, manager: Manager) -> &str {
    let name = arg.split(['=', '~', '<', '>', '!', '[', ';', '@']).next().unwrap_or(arg);
    if manager == Manager::Yum {
        // `name-1.2.3`: the version starts at a dash followed by a digit.
        if let Some(at) =
            name.match_indices('-').map(|(i, _)| i).find(|&i| name[i + 1..].starts_with(|c: char| c.is_ascii_digit()))
        {
            return &name[..at];
        }
    }
    name
}

/// Paths a command removes: the operands of `rm`.
pub(crate) fn removed_paths(command: &Command) -> impl Iterator<Item = &Word> {
    let is_rm = command.program() == "rm";
    command.operands().filter(move |_| is_rm)
}

/// `path` normalised for comparisons: repeated and trailing slashes removed.
pub(crate) fn normalize_path(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    for part in path.split('/') {
        if part.is_empty() || part == "." {
            continue;
        }
        out.push('/');
        out.push_str(part);
    }
    if out.is_empty() && path.starts_with('/') {
        out.push('/');
    }
    out
}

/// Whether `path` is `dir` or inside it (`dir/*` and globs count).
pub(crate) fn is_at_or_under(path: &str, dir: &str) -> bool {
    let path = normalize_path(path);
    path == dir || path.strip_prefix(dir).is_some_and(|rest| rest.starts_with('/'))
}

/// Whether the `RUN` has a cache mount (`--mount=type=cache`) at `dir` or a
/// folder above it.
pub(crate) fn cache_mount_covers(run: &Instruction, dir: &str) -> bool {
    run.mounts().any(|options| {
        let is_cache = options.iter().any(|(k, v)| *k == "type" && *v == "cache");
        let target = options.iter().find(|(k, _)| matches!(*k, "target" | "dst" | "destination")).map(|(_, v)| *v);
        is_cache && target.is_some_and(|t| is_at_or_under(dir, &normalize_path(t)))
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use kubenorm_source::dockerfile::parse;

    fn installs(run: &str) -> Vec<(Manager, Vec<String>)> {
        let df = parse(&format!("FROM a\nRUN {run}\n"));
        let script = df.instructions[1].script.clone().unwrap_or_default();
        script
            .commands
            .iter()
            .filter_map(|c| install(c).map(|i| (i.manager, i.packages.iter().map(|w| w.text.clone()).collect())))
            .collect()
    }

    #[test]
    fn recognises_installs_not_mentions() {
        assert_eq!(
            installs("apt-get -o Dpkg::Options::=x -y install --no-install-recommends curl=7.1 wget"),
            [(Manager::Apt, vec!["curl=7.1".to_string(), "wget".into()])]
        );
        assert!(installs("echo apt-get install curl").is_empty());
        assert!(installs("apt-get update").is_empty());
        assert_eq!(installs("apk add --no-cache --virtual .deps gcc")[0].1, ["gcc"]);
        assert_eq!(installs("python3 -m pip install -r req.txt flask")[0].1, ["flask"]);
        assert_eq!(installs("pip3.12 install --upgrade pip")[0].0, Manager::Pip);
        assert_eq!(installs("zypper -n in nmap")[0].0, Manager::Zypper);
        assert_eq!(installs("microdnf install -y --setopt=x curl-minimal")[0].1, ["curl-minimal"]);
        assert!(installs("pip download x").is_empty());
    }

    #[test]
    fn names_and_paths() {
        assert_eq!(package_name("curl=7.88.1-10", Manager::Apt), "curl");
        assert_eq!(package_name("openssh-client", Manager::Apt), "openssh-client");
        assert_eq!(package_name("curl-7.61.1", Manager::Yum), "curl");
        assert_eq!(package_name("nmap-ncat", Manager::Yum), "nmap-ncat");
        assert_eq!(package_name("requests>=2", Manager::Pip), "requests");
        assert!(is_at_or_under("/var/lib/dpkg/info/", "/var/lib/dpkg"));
        assert!(is_at_or_under("//var/lib/dpkg", "/var/lib/dpkg"));
        assert!(is_at_or_under("/var/lib/dpkg/*", "/var/lib/dpkg"));
        assert!(!is_at_or_under("/var/lib/dpkg-old", "/var/lib/dpkg"));
    }
}
