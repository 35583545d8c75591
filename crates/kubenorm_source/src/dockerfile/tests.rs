use super::*;
use crate::Pos;

fn at(line: u32, col: u32) -> Pos {
    Pos::new(line, col)
}

fn commands(i: &Instruction) -> Vec<Vec<String>> {
    i.script
        .as_ref()
        .map(|s| s.commands.iter().map(|c| c.words.iter().map(|w| w.text.clone()).collect()).collect())
        .unwrap_or_default()
}

#[test]
fn directives_and_escape() {
    let df = parse("# syntax=docker/dockerfile:1\n# escape=`\n# check=skip=all\nFROM alpine\nRUN echo a `\n  b\n");
    let names: Vec<&str> = df.directives.iter().map(|d| d.name.as_str()).collect();
    assert_eq!(names, ["syntax", "escape", "check"]);
    assert_eq!(df.escape, '`');
    assert_eq!(commands(&df.instructions[1]), [["echo", "a", "b"]]);
    assert!(df.errors.is_empty(), "{:?}", df.errors);
    // A directive after a comment is a comment.
    let df = parse("# hello\n# escape=`\nFROM alpine\n");
    assert_eq!(df.escape, '\\');
    assert!(df.directives.is_empty());
    let df = parse("# escape=x\nFROM a\n");
    assert_eq!(df.errors.len(), 1);
}

#[test]
fn continuations_comments_and_positions() {
    let text = "FROM debian:12\nRUN apt-get update \\\n# a comment between lines\n\n    && apt-get install -y curl \\  \n    && rm -rf /var/lib/apt/lists/*\n";
    let df = parse(text);
    assert!(df.errors.is_empty(), "{:?}", df.errors);
    let run = &df.instructions[1];
    assert_eq!(run.span.start, at(2, 1));
    assert_eq!(run.span.end.line, 6);
    let script = run.script.as_ref().unwrap();
    let c = &script.commands[1];
    assert_eq!(c.program(), "apt-get");
    assert_eq!(c.connector, Connector::And);
    assert_eq!(c.span.start, at(5, 8));
    assert_eq!(c.words[3].text, "curl");
    assert_eq!(c.words[3].span, Span::new(at(5, 27), at(5, 31)));
    let rm = &script.commands[2];
    assert_eq!(rm.words[2].span, Span::new(at(6, 15), at(6, 35)));
}

#[test]
fn crlf_bom_and_unicode_columns() {
    let df = parse("\u{feff}FROM alpine:3.19\r\nLABEL maintainer=\"é\" project=x\r\nRUN echo é && apk add curl\r\n");
    assert!(df.errors.is_empty(), "{:?}", df.errors);
    assert_eq!(df.instructions[0].args[0].text, "alpine:3.19");
    assert_eq!(df.instructions[0].args[0].span, Span::new(at(1, 6), at(1, 17)));
    let label = &df.instructions[1];
    assert_eq!(label.pairs[0].value.as_ref().unwrap().text, "é");
    assert_eq!(label.pairs[1].key.span.start, at(2, 22));
    let run = &df.instructions[2];
    let apk = &run.script.as_ref().unwrap().commands[1];
    assert_eq!(apk.words[2].span, Span::new(at(3, 23), at(3, 27)));
}

#[test]
fn exec_and_shell_forms() {
    let df = parse(
        "FROM a\nCMD [\"run\", \"x\"]\nENTRYPOINT []\nCMD echo [x]\nRUN [\"apt-get\", \"install\", \"-y\", \"curl\"]\n",
    );
    assert!(df.errors.is_empty(), "{:?}", df.errors);
    assert!(df.instructions[1].json);
    assert_eq!(df.instructions[1].args[1].text, "x");
    assert!(df.instructions[2].json && df.instructions[2].args.is_empty());
    assert!(!df.instructions[3].json);
    assert_eq!(commands(&df.instructions[4]), [["apt-get", "install", "-y", "curl"]]);
    let df = parse("FROM a\nRUN [1, 2]\n");
    assert_eq!(df.errors.len(), 1);
}

#[test]
fn heredocs() {
    let text = "FROM alpine\nRUN <<EOF\napk add curl\nrm -rf /lib/apk/db\nEOF\nRUN cat <<EOF > /x && echo <<-'END' two\napk add not-run\nEOF\n\tEND\nRUN bash -e <<SCRIPT\napt-get install -y wget\nSCRIPT\nCOPY <<A <<B /dst/\na\nA\nb\nB\nRUN <<PY\n#!/usr/bin/env python3\nprint('apk add x')\nPY\nUSER 1000\n";
    let df = parse(text);
    assert!(df.errors.is_empty(), "{:?}", df.errors);
    let run = &df.instructions[1];
    assert_eq!(run.heredocs[0].name, "EOF");
    assert_eq!(run.heredocs[0].body, "apk add curl\nrm -rf /lib/apk/db\n");
    assert_eq!(commands(run), [vec!["apk", "add", "curl"], vec!["rm", "-rf", "/lib/apk/db"]]);
    assert_eq!(run.script.as_ref().unwrap().commands[1].words[2].span, Span::new(at(4, 8), at(4, 19)));
    let cat = &df.instructions[2];
    assert_eq!(cat.heredocs.len(), 2);
    assert!(cat.heredocs[1].chomp && !cat.heredocs[1].expand);
    assert_eq!(commands(cat), [vec!["cat"], vec!["echo", "two"]]);
    assert_eq!(commands(&df.instructions[3])[1], ["apt-get", "install", "-y", "wget"]);
    assert_eq!(df.instructions[4].heredocs.len(), 2);
    assert!(commands(&df.instructions[5]).is_empty());
    assert_eq!(df.instructions[6].keyword, Keyword::User);
    assert_eq!(df.instructions[6].span.start.line, 22);
    let df = parse("FROM a\nRUN <<EOF\necho\n");
    assert_eq!(df.errors.len(), 1);
    assert!(df.errors[0].message.contains("not terminated"));
}

#[test]
fn flags_args_stages_onbuild() {
    let text = "ARG BASE=debian:12\nARG TAG\nFROM --platform=$BUILDPLATFORM ${BASE} AS build\nRUN --mount=type=cache,target=/var/cache/apt --network=none apt-get update\nFROM scratch\nCOPY --from=build /a /b\nONBUILD RUN apt-get install -y x\nENV A=1 B=\"two words\"\nENV LEGACY some value\nUSER app:app\n";
    let df = parse(text);
    assert!(df.errors.is_empty(), "{:?}", df.errors);
    assert_eq!(df.instructions[0].pairs[0].value.as_ref().unwrap().text, "debian:12");
    assert!(df.instructions[1].pairs[0].value.is_none());
    let from = &df.instructions[2];
    assert_eq!(from.flag("platform").and_then(|f| f.value.as_deref()), Some("$BUILDPLATFORM"));
    assert_eq!(from.from_image().unwrap().text, "${BASE}");
    assert_eq!(from.stage_name().unwrap().text, "build");
    let run = &df.instructions[3];
    let mounts: Vec<_> = run.mounts().collect();
    assert_eq!(mounts[0], [("type", "cache"), ("target", "/var/cache/apt")]);
    assert_eq!(commands(run), [["apt-get", "update"]]);
    let onbuild = df.instructions[6].onbuild.as_deref().unwrap();
    assert_eq!(onbuild.keyword, Keyword::Run);
    assert_eq!(commands(onbuild), [["apt-get", "install", "-y", "x"]]);
    assert_eq!(df.instructions[7].pairs[1].value.as_ref().unwrap().text, "two words");
    assert_eq!(df.instructions[8].pairs[0].value.as_ref().unwrap().text, "some value");
    assert_eq!(df.instructions[9].args[0].text, "app:app");
}

#[test]
fn shell_structure() {
    let df = parse(
        "FROM a\nRUN set -eux; echo apt-get install x | tee /log || sudo -E DEBIAN_FRONTEND=noninteractive apt-get install -y \"curl\" 'wget'\nRUN if [ -f x ]; then env -u X yum install -y y; fi && for p in a b; do apk add $p; done\nRUN sh -c 'apt-get update && apt-get install -y z' && case $A in x|y) dnf install q ;; *) true ;; esac\nRUN echo \"$(apt-get install nope)\" # apt-get install comment\n",
    );
    assert!(df.errors.is_empty(), "{:?}", df.errors);
    let c = commands(&df.instructions[1]);
    assert_eq!(c[0], ["set", "-eux"]);
    assert_eq!(c[1], ["echo", "apt-get", "install", "x"]);
    assert_eq!(c[2], ["tee", "/log"]);
    assert_eq!(c[3], ["apt-get", "install", "-y", "curl", "wget"]);
    let connectors: Vec<Connector> =
        df.instructions[1].script.as_ref().unwrap().commands.iter().map(|c| c.connector).collect();
    assert_eq!(connectors, [Connector::Start, Connector::Seq, Connector::Pipe, Connector::Or]);
    let c = commands(&df.instructions[2]);
    assert_eq!(c, [vec!["[", "-f", "x", "]"], vec!["yum", "install", "-y", "y"], vec!["apk", "add", "$p"]]);
    let c = commands(&df.instructions[3]);
    assert_eq!(
        c,
        [vec!["apt-get", "update"], vec!["apt-get", "install", "-y", "z"], vec!["dnf", "install", "q"], vec!["true"]]
    );
    assert_eq!(commands(&df.instructions[4]).len(), 1);
}

#[test]
fn non_posix_shells_are_not_read() {
    let df = parse(
        "FROM a\nSHELL [\"powershell\", \"-Command\"]\nRUN rm -r C:\\x; curl.exe -o y\nRUN [\"cmd\", \"/c\", \"dir\"]\nFROM b\nRUN apk add x\n",
    );
    assert!(df.instructions[2].script.is_none());
    assert_eq!(commands(&df.instructions[3]), [["cmd", "/c", "dir"]]);
    assert_eq!(commands(&df.instructions[5]), [["apk", "add", "x"]]);
}

#[test]
fn structural_errors() {
    assert!(!parse("").errors.is_empty());
    assert!(!parse("# only a comment\n").errors.is_empty());
    assert!(!parse("RUN x\nFROM a\n").errors.is_empty());
    assert!(!parse("FROM a\nFOO bar\n").errors.is_empty());
    assert!(!parse("FROM a AS x\nFROM b AS X\n").errors.is_empty());
    assert!(!parse("FROM a b\n").errors.is_empty());
    assert!(!parse("FROM a\nENV PATH\n").errors.is_empty());
    assert!(parse("FROM a\nRUN x \\").errors.is_empty());
    assert!(!parse("FROM a\nHEALTHCHECK\n").errors.is_empty());
    assert!(!parse("FROM a\nHEALTHCHECK CONNECT TCP 7000\n").errors.is_empty());
    assert!(parse("FROM a\nHEALTHCHECK --interval=5s CMD [\"x\"]\nHEALTHCHECK NONE\n").errors.is_empty());
}

/// Deterministic mutations of a rich Dockerfile: no input may panic.
#[test]
fn never_panics_on_mutations() {
    let seed = "# syntax=docker/dockerfile:1\n# escape=\\\nARG V=1\nFROM --platform=x a:${V} AS b\nRUN --mount=type=cache,target=/x <<EOF bash -c \"echo $(x) `y` ${z}\" && '\\\n  c' ; (d) | e || f & g <<-'E2'\nbody\nEOF\n\tE2\nCOPY [\"a\", \"b\\u00e9\"] /c\nONBUILD RUN x\nENV A=\"b c\" D=e\nLABEL \"k\"='v'\nHEALTHCHECK CMD [\"x\"]\nUSER é:1\n";
    let bytes = seed.as_bytes();
    for n in 0..bytes.len() {
        let _ = parse(&String::from_utf8_lossy(&bytes[..n]));
    }
    let alphabet = b"\\`'\"$(){}[]<>|&;#=-\n\r\t :,EOFRUN";
    for mutated in crate::mutations::mutations(seed, alphabet, 6, 4000, 0x9E37_79B9_7F4A_7C15) {
        let _ = parse(&mutated);
    }
}

/// The corpus (`sh ../shared/corpus/unpack.sh target/corpus`), when it is
/// unpacked: every file parses without a panic; the real-world files and
/// BuildKit's positive test files give no syntax error except the templates.
#[test]
fn corpus_parses() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../target/corpus");
    let mut seen = 0;
    let mut unexpected = Vec::new();
    for dir in ["dockerfiles", "dockerfiles-edge"] {
        let Ok(entries) = std::fs::read_dir(root.join(dir)) else { continue };
        for entry in entries.flatten() {
            let path = entry.path();
            let Ok(bytes) = std::fs::read(&path) else { continue };
            let text = String::from_utf8_lossy(&bytes);
            let df = parse(&text);
            seen += 1;
            let name = path.file_name().unwrap_or_default().to_string_lossy().into_owned();
            let expect_errors = name.contains("template")
                || name.contains("negative")
                || name.contains("jeztah")
                // BuildKit's AST parser accepts these test files; building them fails.
                || name.ends_with("testfiles__json.Dockerfile")
                || name.ends_with("testfiles__health.Dockerfile");
            if !expect_errors && !df.errors.is_empty() {
                unexpected.push(format!("{name}: {:?}", df.errors[0]));
            }
        }
    }
    eprintln!("parsed {seen} corpus Dockerfiles");
    assert!(unexpected.is_empty(), "{}", unexpected.join("\n"));
}
