#!/usr/bin/env bash
# Seeds fuzz/corpus/<target>/ from the unpacked real-world corpus (not committed: see ../.gitignore).
#
#   fuzz/seed.sh [CORPUS_DIR]     (default target/corpus; unpack it first: sh ../shared/corpus/unpack.sh)
#
# Takes every Nth manifest of k8s/ up to 8 KiB in sorted order (300 files: small inputs keep the fuzzer
# fast), the files with anchors, merge keys or CRLF that fit, and all of k8s-invalid/; and the corpus's
# Dockerfiles up to 16 KiB for the dockerfile target.
set -euo pipefail
root=$(CDPATH='' cd -- "$(dirname -- "$0")/.." && pwd)
cd "$root"
corpus=${1:-target/corpus}
[ -d "$corpus/k8s" ] || { echo "seed.sh: no $corpus/k8s: run sh ../shared/corpus/unpack.sh $corpus" >&2; exit 2; }
list=$(mktemp)
trap 'rm -f "$list"' EXIT
find "$corpus/k8s" -type f -size -8193c | LC_ALL=C sort >"$list"
total=$(wc -l <"$list")
step=$((total / 300))
{
    awk -v step="$step" 'NR % step == 0' "$list" | head -n 300
    xargs -d '\n' grep -l -E '(<<:|: &[A-Za-z]|: \*[A-Za-z])' <"$list" 2>/dev/null | head -n 20 || true
    xargs -d '\n' grep -l $'\r' <"$list" 2>/dev/null | head -n 10 || true
    find "$corpus/k8s-invalid" -type f -size -65537c
} | LC_ALL=C sort -u >"$list.pick"
for target in yaml_stream lint_document; do
    mkdir -p "fuzz/corpus/$target"
    while IFS= read -r f; do
        cp "$f" "fuzz/corpus/$target/$(sha1sum "$f" | cut -c1-16)"
    done <"$list.pick"
done
echo "seed.sh: $(wc -l <"$list.pick") seeds in fuzz/corpus/{yaml_stream,lint_document}"
# The Dockerfile target: every Dockerfile of the corpus up to 16 KiB (`-size -16k` would round up to whole KiB).
mkdir -p fuzz/corpus/dockerfile
find "$corpus/dockerfiles" "$corpus/dockerfiles-edge" -type f -size -16385c | while IFS= read -r f; do
    cp "$f" "fuzz/corpus/dockerfile/$(sha1sum "$f" | cut -c1-16)"
done
echo "seed.sh: $(find fuzz/corpus/dockerfile -type f | wc -l) seeds in fuzz/corpus/dockerfile"
rm -f "$list.pick"
