#!/usr/bin/env bash
# Robustness check over the real-world corpus (../shared/corpus).
#
#   scripts/corpus-check.sh            from anywhere; works in the project root
#
# 1. builds the release binary (skip with KUBENORM_BIN=/path/to/kubenorm);
# 2. unpacks the corpus with `sh ../shared/corpus/unpack.sh target/corpus` (needs zstd: installed with apt-get
#    when running as root in CI, else the script says how to install it);
# 3. runs `kubenorm check --format json -o FILE` once per archive folder (k8s, k8s-invalid, dockerfiles,
#    dockerfiles-edge, audit) over EVERY file in it: the folder walk skips hidden entries (`.chainsaw-test/`,
#    `.vscode/`, `.argocd-source-broken.yaml`, ...) and names it does not lint (`*.jsonl`), so those are passed
#    as extra paths (scripts/corpus-paths.sh), and the script fails unless kubenorm read as many files as the
#    folder holds;
# 4. fails (exit 1) if kubenorm exits with anything but 0 or 1, prints a panic message, or runs longer than
#    CORPUS_CHECK_TIMEOUT seconds (default 120) on one folder;
# 5. prints files, documents, objects and findings per folder and the 20 most frequent rules.
#
# Environment: KUBENORM_BIN, CORPUS_DIR (default target/corpus), SHARED_DIR (default ../shared),
# CORPUS_CHECK_TIMEOUT. Reports are left in $CORPUS_DIR/check-<folder>.json. Needs bash, coreutils, find, grep.
set -euo pipefail

root=$(CDPATH='' cd -- "$(dirname -- "$0")/.." && pwd)
cd "$root"
shared=${SHARED_DIR:-../shared}
corpus=${CORPUS_DIR:-target/corpus}
timeout_s=${CORPUS_CHECK_TIMEOUT:-120}

if ! command -v zstd >/dev/null 2>&1; then
    if [ "$(id -u)" = 0 ] && [ -n "${CI:-}" ] && command -v apt-get >/dev/null 2>&1; then
        echo "corpus-check: installing zstd (root in CI)"
        apt-get update -qq && apt-get install -y -qq zstd >/dev/null
    else
        echo "corpus-check: error: 'zstd' is needed to unpack the corpus: apt-get install -y zstd (as root)" >&2
        exit 2
    fi
fi

if [ -n "${KUBENORM_BIN:-}" ]; then
    bin=$KUBENORM_BIN
else
    cargo build --release --quiet -p kubenorm
    bin=target/release/kubenorm
fi

sh "$shared/corpus/unpack.sh" "$corpus"

json_number() { grep -o "\"$1\": *[0-9]*" "$2" | tail -n 1 | grep -o '[0-9]*$'; }

status=0
rules_all=$(mktemp)
trap 'rm -f "$rules_all"' EXIT
printf '\n%-17s %7s %9s %9s %9s %8s %9s\n' folder files documents objects findings seconds MB/s
for folder in k8s k8s-invalid dockerfiles dockerfiles-edge audit; do
    dir=$corpus/$folder
    report=$corpus/check-$folder.json
    errors=$corpus/check-$folder.stderr
    mapfile -t paths < <(scripts/corpus-paths.sh "$dir")
    expected=$(find "$dir" -type f | wc -l)
    bytes=$(find "$dir" -type f -printf '%s\n' | awk '{s += $1} END {print s + 0}')
    rm -f "$report"
    start=$(date +%s.%N)
    set +e
    timeout "$timeout_s" "$bin" check "${paths[@]}" --format json -o "$report" 2>"$errors"
    code=$?
    set -e
    seconds=$(awk -v s="$start" -v e="$(date +%s.%N)" 'BEGIN {printf "%.2f", e - s}')
    problem=""
    if [ "$code" = 124 ]; then
        problem="took longer than ${timeout_s}s (hang or pathological input?)"
    elif [ "$code" != 0 ] && [ "$code" != 1 ]; then
        problem="exit code $code"
    fi
    if grep -q -e 'panicked' -e 'RUST_BACKTRACE' "$errors"; then
        problem="${problem:+$problem; }panic"
    fi
    if [ -z "$problem" ] && [ ! -s "$report" ]; then
        problem="no report written"
    fi
    files=0 documents=0 objects=0 findings=0
    if [ -z "$problem" ]; then
        files=$(json_number files "$report")
        documents=$(json_number documents "$report")
        objects=$(json_number objects "$report")
        findings=$(json_number findings "$report")
        [ "$files" = "$expected" ] || problem="read $files of $expected files"
        grep -o '"rule": *"[^"]*"' "$report" | sed 's/.*"\([^"]*\)"$/\1/' >>"$rules_all" || true
    fi
    mbps=$(awk -v b="$bytes" -v s="$seconds" 'BEGIN {printf "%.1f", (s > 0 ? b / 1e6 / s : 0)}')
    printf '%-17s %7s %9s %9s %9s %8s %9s\n' "$folder" "$files" "$documents" "$objects" "$findings" "$seconds" "$mbps"
    if [ -n "$problem" ]; then
        echo "corpus-check: FAIL $folder: $problem" >&2
        sed -n '1,20p' "$errors" >&2
        status=1
    fi
done

printf '\nfindings per rule (top 20, all folders):\n'
sort "$rules_all" | uniq -c | sort -k1,1nr -k2 | head -n 20

if [ "$status" = 0 ]; then
    echo "corpus-check: ok"
else
    echo "corpus-check: FAILED" >&2
fi
exit "$status"
