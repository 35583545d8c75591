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
# Checkov is installed with pip into target/bench/checkov-venv unless `checkov` is on PATH; it runs once (it takes
# minutes); BENCH_SKIP_CHECKOV=1 skips it, BENCH_CHECKOV_REUSE=1 reuses the last run's output and time (Checkov's
# speed does not depend on kubenorm's code; the table says so). Needs bash, python3, zstd (for the corpus).
# Raw outputs stay in target/bench/. BENCH_RUNS sets hyperfine's runs for (a) and (b) (default 5).
set -euo pipefail

root=$(CDPATH='' cd -- "$(dirname -- "$0")/.." && pwd)
cd "$root"
shared=${SHARED_DIR:-../shared}
corpus=${CORPUS_DIR:-target/corpus}
out=target/bench
runs=${BENCH_RUNS:-5}
mkdir -p "$out"
load_before=$(cut -d' ' -f1-3 /proc/loadavg)

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
        python3 -c 'import json,sys; r=json.load(open(sys.argv[1]))["results"][0]; print("%.3f %.3f %.3f" % (r["mean"], r["stddev"] or 0, r["user"] + r["system"]))' \
            "$out/$name.hyperfine.json"
    else
        local times=()
        for _ in 1 2 3; do
            local s e
            s=$(date +%s.%N); sh "$script" >/dev/null 2>&1 || true; e=$(date +%s.%N)
            times+=("$(awk -v s="$s" -v e="$e" 'BEGIN {printf "%.3f", e - s}')")
        done
        printf '%s\n' "${times[@]}" | sort -n | sed -n 2p | awk '{print $1, "0", "?"}'
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
read -r check_s check_sd check_cpu < <(wall check-k8s "$out/check-k8s.sh")
check_rss=$(peak_rss "$out/check-k8s.sh" check-k8s)
files=$(json_number files "$out/check-k8s.json")
documents=$(json_number documents "$out/check-k8s.json")
findings=$(json_number findings "$out/check-k8s.json")
bytes=$(find "$corpus/k8s" -type f -printf '%s\n' | awk '{s += $1} END {print s}')

echo "bench: (b) parse-only floor over k8s/" >&2
sh "$out/floor-k8s.sh" >"$out/floor-k8s.txt"
read -r floor_s floor_sd floor_cpu < <(wall floor-k8s "$out/floor-k8s.sh")
floor_rss=$(peak_rss "$out/floor-k8s.sh" floor-k8s)

echo "bench: (c) sample of 500 files: kubenorm" >&2
"$bin" check "$sample" --format json -o "$out/check-sample.json" || true
read -r sample_s sample_sd sample_cpu < <(wall check-sample "$out/check-sample.sh" 10)
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
    if [ -n "${BENCH_CHECKOV_REUSE:-}" ] && [ -s "$out/checkov-sample.time.txt" ] && [ -s "$out/checkov-sample.json" ]; then
        echo "bench: (c) reusing the last Checkov run ($out/checkov-sample.*): BENCH_CHECKOV_REUSE is set" >&2
        checkov_version="$checkov_version, reused run of $(date -u -r "$out/checkov-sample.json" +%Y-%m-%dT%H:%MZ)"
    else
        /usr/bin/time -v sh "$out/checkov-sample.sh" >"$out/checkov-sample.json" 2>"$out/checkov-sample.time.txt" || true
    fi
    # "Elapsed (wall clock) time (h:mm:ss or m:ss): 18:02.30"
    checkov_s=$(awk '/Elapsed \(wall clock\)/ {n = split($NF, t, ":"); s = 0; for (i = 1; i <= n; i++) s = s * 60 + t[i]; printf "%.3f", s}' \
        "$out/checkov-sample.time.txt")
    checkov_rss=$(awk -F: '/Maximum resident set size/ {printf "%.0f", $2 / 1024}' "$out/checkov-sample.time.txt")
    checkov_resources=$(python3 -c '
import json, sys
data = json.load(open(sys.argv[1]))
reports = data if isinstance(data, list) else [data]
print(sum(r.get("summary", {}).get("resource_count", 0) for r in reports))' "$out/checkov-sample.json" 2>/dev/null || echo "?")
fi

shop_s="" shop_sd="" shop_cpu=""
if [ -d examples/shop ]; then
    echo "bench: (d) kubenorm check examples/shop" >&2
    printf 'exec %s check examples/shop --format json -o /dev/null\n' "$bin" >"$out/check-shop.sh"
    read -r shop_s shop_sd shop_cpu < <(wall check-shop "$out/check-shop.sh" 20)
fi

load_after=$(cut -d' ' -f1-3 /proc/loadavg)
python3 - "$out/results.md" <<PY
import sys
n = lambda s: float(s) if s not in ("", "?") else None
files, docs, mb = $files, $documents, $bytes / 1e6
check, floor, sample = n("$check_s"), n("$floor_s"), n("$sample_s")
check_cpu, floor_cpu, sample_cpu = n("$check_cpu"), n("$floor_cpu"), n("$sample_cpu")
checkov, shop = n("$checkov_s"), n("$shop_s")
cpu = lambda c: f"{c:.2f}" if c is not None else "?"
lines = [
    "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'); "
    "load average $load_before before, $load_after after",
    "commit: $(git rev-parse --short HEAD)$(git diff --quiet || echo ' (modified)'), $(date -u +%Y-%m-%dT%H:%MZ)",
    "",
    "| measurement | wall s | CPU s (user+sys) | files/s | documents/s | MB/s | peak RSS MB |",
    "| --- | ---: | ---: | ---: | ---: | ---: | ---: |",
    f"| (a) check k8s/ ({files} files, {docs} documents, {mb:.1f} MB, $findings findings) "
    f"| {check:.2f} ± $check_sd | {cpu(check_cpu)} | {files/check:,.0f} | {docs/check:,.0f} | {mb/check:.1f} | $check_rss |",
    f"| (b) parse-only floor, same files | {floor:.2f} ± $floor_sd | {cpu(floor_cpu)} "
    f"| {files/floor:,.0f} | {docs/floor:,.0f} | {mb/floor:.1f} | $floor_rss |",
    f"| (c) check sample ({$sample_files} files, {$sample_docs} documents) | {sample:.3f} ± $sample_sd "
    f"| {cpu(sample_cpu)} | {$sample_files/sample:,.0f} | {$sample_docs/sample:,.0f} | | |",
]
if checkov:
    lines.append(f"| (c) Checkov $checkov_version, same sample ($checkov_resources resources) | {checkov:.2f} | "
                 f"| {$sample_files/checkov:,.1f} | {$sample_docs/checkov:,.2f} | | $checkov_rss |")
if shop:
    lines.append(f"| (d) check examples/shop | {shop:.3f} ± $shop_sd | {cpu(n('$shop_cpu'))} | | | | |")
else:
    lines.append("| (d) check examples/shop | (no examples/shop in this tree) | | | | | |")
ratio_cpu = f", CPU {check_cpu/floor_cpu:.2f}x" if check_cpu and floor_cpu else ""
lines += [
    "",
    f"check / floor: wall {check/floor:.2f}x{ratio_cpu} (target <= 1.5x); whole corpus {check:.2f} s wall "
    f"(target < 3 s); peak RSS $check_rss MB (target < 300 MB)",
]
if checkov:
    lines.append(f"kubenorm / Checkov documents/s on the sample: {checkov/sample:,.0f}x (target >= 300x)")
text = "\n".join(lines) + "\n"
open(sys.argv[1], "w").write(text)
print(text, end="")
PY
