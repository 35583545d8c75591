#!/usr/bin/env bash
# Load test of `kubenorm serve`: oha (a real HTTP load generator, from
# crates.io) POSTs a typical Deployment AdmissionReview
# (examples/admission/deployment-create.json) over TLS with keep-alive to
# 127.0.0.1, on the same machine as the webhook (load generator included).
#
#   bench/webhook.sh                 # everything: saturation, 1,000/s, 5,000/s
#   DURATION=60s bench/webhook.sh    # longer runs
#   SERVE_ARGS="-j 1" bench/webhook.sh   # extra arguments for kubenorm serve
#
# Prints a Markdown summary (the numbers in bench/WEBHOOK.md) and keeps the
# raw oha JSON under bench/results/ (git-ignored).
set -euo pipefail
cd "$(dirname "$0")/.."

DURATION=${DURATION:-20s}
CONNECTIONS=${CONNECTIONS:-"8 32 64"}
RATE_CONNECTIONS=${RATE_CONNECTIONS:-16}
REVIEW=${REVIEW:-examples/admission/deployment-create.json}
PORT=${PORT:-18443}
METRICS_PORT=${METRICS_PORT:-19090}
OUT=bench/results
mkdir -p "$OUT"

OHA=$(command -v oha || true)
[ -z "$OHA" ] && [ -x /opt/oha/bin/oha ] && OHA=/opt/oha/bin/oha
if [ -z "$OHA" ]; then
  echo "installing oha from crates.io (once)..." >&2
  cargo install oha --locked --root /opt/oha >&2
  OHA=/opt/oha/bin/oha
fi

echo "building kubenorm (release)..." >&2
cargo build --release -q -p kubenorm
KUBENORM=target/release/kubenorm

TMP=$(mktemp -d)
SERVER_PID=
cleanup() {
  if [ -n "$SERVER_PID" ]; then kill "$SERVER_PID" 2>/dev/null || true; wait "$SERVER_PID" 2>/dev/null || true; fi
  rm -rf "$TMP"
}
trap cleanup EXIT

"$KUBENORM" certs --out "$TMP/certs" --host localhost >/dev/null 2>&1
# The API server sends compact JSON; the example is indented for people.
python3 -c "import json,sys; json.dump(json.load(open(sys.argv[1])), open(sys.argv[2],'w'), separators=(',',':'))" "$REVIEW" "$TMP/review.json"
echo "review: $REVIEW ($(wc -c <"$TMP/review.json") bytes as compact JSON)" >&2
REVIEW_NAME=$REVIEW
REVIEW=$TMP/review.json
# Decision logs go to a file, as a container runtime would collect them.
"$KUBENORM" serve --tls-cert "$TMP/certs/tls.crt" --tls-key "$TMP/certs/tls.key" \
  --addr "127.0.0.1:$PORT" --metrics-addr "127.0.0.1:$METRICS_PORT" ${SERVE_ARGS:-} 2>"$TMP/serve.log" &
SERVER_PID=$!
for _ in $(seq 50); do
  curl -sf --cacert "$TMP/certs/ca.crt" "https://localhost:$PORT/readyz" >/dev/null && break
  sleep 0.1
done

server_ticks() { awk '{print $14 + $15}' "/proc/$SERVER_PID/stat"; }
TICK_US=$((1000000 / $(getconf CLK_TCK)))

# Runs oha and records, beside its JSON, the CPU time the server and the load
# generator spent (the machine may be shared: CPU per review does not depend
# on what else runs, wall-clock numbers do).
load() { # name, extra oha args...
  local name=$1; shift
  local before after
  before=$(server_ticks)
  TIMEFORMAT='%U %S'
  { time "$OHA" --no-tui --output-format json -m POST -H 'content-type: application/json' -D "$REVIEW" \
      --cacert "$TMP/certs/ca.crt" "$@" "https://localhost:$PORT/validate" >"$OUT/$name.json"; } 2>"$OUT/$name.oha-cpu"
  after=$(server_ticks)
  echo $(( (after - before) * TICK_US )) >"$OUT/$name.server-cpu-us"
}

# CPU µs per review: server and load generator.
cpu_per_review() { # name
  local n; n=$(field "$OUT/$1.json" "r['summary']['successRate'] * sum(r['statusCodeDistribution'].values())")
  python3 -c "
import sys
n=float(sys.argv[1]); server=float(open(sys.argv[2]).read()); u,s=map(float,open(sys.argv[3]).read().split())
print('%.1f %.1f' % (server/n, (u+s)*1e6/n))" "$n" "$OUT/$1.server-cpu-us" "$OUT/$1.oha-cpu"
}

field() { # file, python expression over `r`
  python3 -c "import json,sys; r=json.load(open(sys.argv[1])); print($2)" "$1"
}

ms() { python3 -c "import sys; print('%.3f' % (float(sys.argv[1])*1000))" "$1"; }

# The decision must be what the load test claims to measure.
curl -sf --cacert "$TMP/certs/ca.crt" -H 'content-type: application/json' --data-binary "@$REVIEW" \
  "https://localhost:$PORT/validate" | grep -q '"allowed":true'

LOAD_BEFORE=$(cut -d' ' -f1 /proc/loadavg)
load warmup -z 3s -c 8

best_rps=0; best_c=0
for c in $CONNECTIONS; do
  load "saturation-c$c" -z "$DURATION" -c "$c"
  rps=$(field "$OUT/saturation-c$c.json" "round(r['summary']['requestsPerSec'])")
  ok=$(field "$OUT/saturation-c$c.json" "r['summary']['successRate']")
  echo "saturation, $c connections: $rps reviews/s (success rate $ok)" >&2
  if [ "$rps" -gt "$best_rps" ]; then best_rps=$rps; best_c=$c; fi
done

for rate in 1000 5000; do
  load "rate-$rate" -z "$DURATION" -c "$RATE_CONNECTIONS" -q "$rate" --latency-correction
done

rss_kb=$(awk '/VmHWM/ {print $2}' "/proc/$SERVER_PID/status")
served=$(curl -s "http://127.0.0.1:$METRICS_PORT/metrics" | awk '/^kubenorm_admission_request_duration_seconds_count/ {print $2}')

row() { # name, label
  local f="$OUT/$1.json" cpu
  cpu=$(cpu_per_review "$1")
  echo "| $2 | $(field "$f" "round(r['summary']['requestsPerSec'])") | $(ms "$(field "$f" "r['latencyPercentiles']['p50']")") | $(ms "$(field "$f" "r['latencyPercentiles']['p99']")") | $(ms "$(field "$f" "r['latencyPercentiles']['p99.9']")") | $(field "$f" "r['summary']['successRate']") | ${cpu% *} | ${cpu#* } |"
}
echo
echo "| run | reviews/s | p50 ms | p99 ms | p99.9 ms | success | server CPU µs/review | oha CPU µs/review |"
echo "|---|---:|---:|---:|---:|---:|---:|---:|"
for c in $CONNECTIONS; do row "saturation-c$c" "saturation, $c connections"; done
for rate in 1000 5000; do row "rate-$rate" "fixed $rate/s, $RATE_CONNECTIONS connections"; done
echo
echo "- review: $REVIEW_NAME, $(wc -c <"$REVIEW") bytes as the API server sends it (compact JSON)"
echo "- throughput at saturation: $best_rps reviews/s ($best_c connections)"
echo "- peak RSS of kubenorm serve: $((rss_kb / 1024)) MiB ($rss_kb kB VmHWM)"
echo "- reviews answered in all: $served; decision log lines: $(grep -c '"msg":"admission"' "$TMP/serve.log")"
best_cpu=$(cpu_per_review "saturation-c$best_c")
echo "- CPU per review at saturation: server ${best_cpu% *} µs + oha ${best_cpu#* } µs; two cores spent on nothing else would serve $(python3 -c "import sys; a,b=map(float,sys.argv[1:]); print(round(2e6/(a+b)))" $best_cpu) reviews/s"
echo "- load average (1 min) before / after: $LOAD_BEFORE / $(cut -d' ' -f1 /proc/loadavg) (other work on the machine shares its cores)"
echo "- machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), $(free -g | awk '/Mem:/ {print $2}') GiB; $(uname -sr)"
echo "- oha $("$OHA" --version | awk '{print $2}'), $(rustc --version)"
