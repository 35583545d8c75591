#!/usr/bin/env bash
# Throughput benchmark of kubenorm on this machine, in one run (results in bench/README.md).
#
#   bench/run.sh            from anywhere; works in the project root; about 3 minutes (most of it Checkov)
#
#   (a) `kubenorm check` (release) over the whole corpus k8s/ folder (all 17,832 files: hidden folders are
#       named explicitly, see scripts/corpus-paths.sh), --format json -o /dev/null;
#   (b) the parse-only floor: the same files read, decoded and parsed by the same YAML layer in parallel
#       (crates/kubenorm/examples/parse_only.rs);
#   (c) Checkov (`checkov -d DIR --framework kubernetes --quiet -o json`) versus kubenorm on a fixed sample:
#       the first 500 files of k8s/ in sorted order, copied into one folder;
#   (d) `kubenorm check examples/shop` wall time, when that folder exists.
#
# Wall times are hyperfine means (apt-get install -y hyperfine; without it, the median of 3 timed runs);
# peak RSS is `/usr/bin/time -v`'s maximum resident set size (apt-get install -y time) of one more run.
# Checkov is installed with pip into target/bench/checkov-venv unless `checkov` is on PATH; BENCH_SKIP_CHECKOV=1
# skips (c). Needs bash, python3, zstd (for the corpus). Raw outputs stay in target/bench/.
set -euo pipefail

root=$(CDPATH='' cd -- "$(dirname -- "$0")/.." && pwd)
cd "$root"
shared=${SHARED_DIR:-../shared}
corpus=${CORPUS_DIR:-target/corpus}
out=target/bench
runs=${BENCH_RUNS:-5}
mkdir -p "$out"

for tool in zstd python3; do
    command -v "$tool" >/dev/null || { echo "bench: error: '$tool' is needed (apt-get install -y $tool)" >&2; exit 2; }
done
[ -x /usr/bin/time ] || { echo "bench: error: /usr/bin/time is needed (apt-get install -y time)" >&2; exit 2; }

cargo build --release --quiet -p kubenorm --bin kubenorm --example parse_only
bin=$root/target/release/kubenorm
floor=$root/target/release/examples/parse_only
sh "$shared/corpus/unpack.sh" "$corpus" >/dev/null

# One shell script per measured command: the k8s/ command line holds about a thousand paths.
k8s_paths=$(scripts/corpus-paths.sh "$corpus/k8s" | sed "s/'/'\\\\''/g; s/.*/'&'/" | tr '\n' ' ')
printf 'exec %s check %s --format json -o /dev/null\n' "$bin" "$k8s_paths" >"$out/check-k8s.sh"
printf 'exec %s %s\n' "$floor" "$k8s_paths" >"$out/floor-k8s.sh"

# The Checkov sample: first 500 files of k8s/ in sorted order, flattened into one folder (no hidden paths).
sample=$out/sample500
if [ ! -f "$sample/.complete" ]; then
    rm -rf "$sample" && mkdir -p "$sample"
    (cd "$corpus" && find k8s -type f) | LC_ALL=C sort >"$out/k8s-files.txt"
    head -n 500 "$out/k8s-files.txt" | while IFS= read -r f; do
        cp "$corpus/$f" "$sample/$(printf '%s' "${f#k8s/}" | sed 's#/#__#g')"
    done
    touch "$sample/.complete"
fi
printf 'exec %s check %s --format json -o /dev/null\n' "$bin" "$sample" >"$out/check-sample.sh"

# mean wall seconds of a command script: hyperfine, or the median of 3 runs
wall() {
    local name=$1 script=$2 n=${3:-$runs}
    if command -v hyperfine >/dev/null; then
        hyperfine --style none --warmup 1 --runs "$n" -i --export-json "$out/$name.hyperfine.json" \
            "sh $script" >"$out/$name.hyperfine.txt" 2>&1
        python3 -c 'import json,sys; r=json.load(open(sys.argv[1]))["results"][0]; print("%.3f %.3f" % (r["mean"], r["stddev"] or 0))' \
            "$out/$name.hyperfine.json"
    else
        local times=()
        for _ in 1 2 3; do
            local s e
            s=$(date +%s.%N); sh "$script" >/dev/null 2>&1 || true; e=$(date +%s.%N)
            times+=("$(awk -v s="$s" -v e="$e" 'BEGIN {printf "%.3f", e - s}')")
        done
        printf '%s\n' "${times[@]}" | sort -n | sed -n 2p | awk '{print $1, "0"}'
    fi
}
# peak RSS in MB of one run
peak_rss() {
    /usr/bin/time -v sh "$1" >/dev/null 2>"$out/$2.time.txt" || true
    awk -F: '/Maximum resident set size/ {printf "%.0f", $2 / 1024}' "$out/$2.time.txt"
}
json_number() { grep -o "\"$1\": *[0-9]*" "$2" | tail -n 1 | grep -o '[0-9]*$'; }

echo "bench: (a) kubenorm check over k8s/" >&2
"$bin" check $(scripts/corpus-paths.sh "$corpus/k8s") --format json -o "$out/check-k8s.json" || true
read -r check_s check_sd < <(wall check-k8s "$out/check-k8s.sh")
check_rss=$(peak_rss "$out/check-k8s.sh" check-k8s)
files=$(json_number files "$out/check-k8s.json")
documents=$(json_number documents "$out/check-k8s.json")
findings=$(json_number findings "$out/check-k8s.json")
bytes=$(find "$corpus/k8s" -type f -printf '%s\n' | awk '{s += $1} END {print s}')

echo "bench: (b) parse-only floor over k8s/" >&2
sh "$out/floor-k8s.sh" >"$out/floor-k8s.txt"
read -r floor_s floor_sd < <(wall floor-k8s "$out/floor-k8s.sh")
floor_rss=$(peak_rss "$out/floor-k8s.sh" floor-k8s)

echo "bench: (c) sample of 500 files: kubenorm" >&2
"$bin" check "$sample" --format json -o "$out/check-sample.json" || true
read -r sample_s sample_sd < <(wall check-sample "$out/check-sample.sh" 10)
sample_docs=$(json_number documents "$out/check-sample.json")
sample_files=$(json_number files "$out/check-sample.json")
checkov_s="" checkov_rss="" checkov_resources="" checkov_version=""
if [ -z "${BENCH_SKIP_CHECKOV:-}" ]; then
    if command -v checkov >/dev/null; then
        checkov=checkov
    else
        checkov=$out/checkov-venv/bin/checkov
        if [ ! -x "$checkov" ]; then
            echo "bench: installing checkov into $out/checkov-venv (pip)" >&2
            python3 -m venv "$out/checkov-venv"
            "$out/checkov-venv/bin/pip" install -q checkov
        fi
    fi
    checkov_version=$("$checkov" --version 2>/dev/null | tail -n 1)
    echo "bench: (c) sample of 500 files: Checkov $checkov_version (one run)" >&2
    printf 'exec %s -d %s --framework kubernetes --quiet -o json\n' "$checkov" "$sample" >"$out/checkov-sample.sh"
    start=$(date +%s.%N)
    /usr/bin/time -v sh "$out/checkov-sample.sh" >"$out/checkov-sample.json" 2>"$out/checkov-sample.time.txt" || true
    checkov_s=$(awk -v s="$start" -v e="$(date +%s.%N)" 'BEGIN {printf "%.3f", e - s}')
    checkov_rss=$(awk -F: '/Maximum resident set size/ {printf "%.0f", $2 / 1024}' "$out/checkov-sample.time.txt")
    checkov_resources=$(python3 -c '
import json, sys
data = json.load(open(sys.argv[1]))
reports = data if isinstance(data, list) else [data]
print(sum(r.get("summary", {}).get("resource_count", 0) for r in reports))' "$out/checkov-sample.json" 2>/dev/null || echo "?")
fi

shop_s="" shop_sd=""
if [ -d examples/shop ]; then
    echo "bench: (d) kubenorm check examples/shop" >&2
    printf 'exec %s check examples/shop --format json -o /dev/null\n' "$bin" >"$out/check-shop.sh"
    read -r shop_s shop_sd < <(wall check-shop "$out/check-shop.sh" 20)
fi

python3 - "$out/results.md" <<PY
import sys
n = lambda s: float(s) if s not in ("", "?") else None
files, docs, mb = $files, $documents, $bytes / 1e6
check, floor, sample = n("$check_s"), n("$floor_s"), n("$sample_s")
checkov, shop = n("$checkov_s"), n("$shop_s")
lines = [
    "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), load average before: $(cut -d' ' -f1-3 /proc/loadavg)",
    "commit: $(git rev-parse --short HEAD)$(git diff --quiet || echo ' (modified)'), $(date -u +%Y-%m-%dT%H:%MZ)",
    "",
    "| measurement | wall s | files/s | documents/s | MB/s | peak RSS MB |",
    "| --- | ---: | ---: | ---: | ---: | ---: |",
    f"| (a) check k8s/ ({files} files, {docs} documents, {mb:.1f} MB, $findings findings) | {check:.2f} ± $check_sd | {files/check:,.0f} | {docs/check:,.0f} | {mb/check:.1f} | $check_rss |",
    f"| (b) parse-only floor, same files | {floor:.2f} ± $floor_sd | {files/floor:,.0f} | {docs/floor:,.0f} | {mb/floor:.1f} | $floor_rss |",
    f"| (c) check sample ({$sample_files} files, {$sample_docs} documents) | {sample:.3f} ± $sample_sd | {$sample_files/sample:,.0f} | {$sample_docs/sample:,.0f} | | |",
]
if checkov:
    lines.append(f"| (c) Checkov $checkov_version, same sample ({'$checkov_resources'} resources) | {checkov:.2f} | {$sample_files/checkov:,.1f} | {$sample_docs/checkov:,.1f} | | $checkov_rss |")
if shop:
    lines.append(f"| (d) check examples/shop | {shop:.3f} ± $shop_sd | | | | |")
else:
    lines.append("| (d) check examples/shop | (no examples/shop in this tree) | | | | |")
lines += [
    "",
    f"check / floor: {check/floor:.2f}x (target <= 1.5x); whole corpus {check:.2f} s (target < 3 s); peak RSS $check_rss MB (target < 300 MB)",
]
if checkov:
    lines.append(f"kubenorm / Checkov documents/s on the sample: {checkov/sample:,.0f}x (target >= 300x)")
text = "\n".join(lines) + "\n"
open(sys.argv[1], "w").write(text)
print(text, end="")
PY
