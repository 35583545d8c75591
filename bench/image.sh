#!/usr/bin/env bash
# Speed and memory of `kubenorm image` on a large image read from an OCI image layout (issue #4: a 1 GB image
# with 30 layers in under 2 seconds, peak RSS under 100 MB, streaming).
#
#   bench/image.sh                  from anywhere; works in the project root
#   BENCH_RUNS=10 bench/image.sh    more timed runs (default 5, after 1 warm-up)
#
# (1) Generates, once, an OCI image layout in target/bench/image-1g/layout (tag 1.0): 30 gzip layers, about 1.05 GB
#     uncompressed (about 0.7 GB compressed), 42,597 tar entries, 32,605 files left in the final filesystem. The
#     folder is kept and reused while target/bench/image-1g/.complete exists; delete the folder to generate it again
#     (about 20 s, under `nice`). No root and no Docker daemon: python3's tarfile writes the layer tars (whiteouts,
#     setuid modes and owners are only tar headers; content comes from a seeded RNG, so it is the same every time),
#     `umoci raw add-layer` appends them (gzip, umoci's default) and `umoci config` sets User, Entrypoint, Cmd.
#     The layers look like a Python + Node.js application on a Debian base:
#       - a Debian-like base (merged /usr, thousands of small files in /usr/share, ~400 ELF-looking binaries among
#         them apt, apt-get, dpkg, chmod, chown, setuid su/passwd/mount, /var/lib/dpkg/status and info/);
#       - apt-get update / install (package lists, compilers, 3,200 headers, curl, wget, ssh, cached .debs), then
#         `apt-get clean && rm -rf /var/lib/apt/lists/*` (file whiteouts and an opaque folder);
#       - a user `app` (UID 10001) in /etc/passwd, the config's User; an SSH key, an .npmrc with a token and a
#         /tmp/build folder added and deleted by later layers; a Python runtime with pip and native wheels; Node.js
#         and 13,000 node_modules files; sources, bundles, a .env, a TLS key;
#       - big incompressible files (two 75 MiB models, the first deleted by a later layer, parquet data, a 70 MiB
#         node binary, a 32 MiB server), so the compressed size stays large;
#       - `rm -rf /usr/share/doc/* /usr/include /usr/share/locale/*` (opaque folders, a folder whiteout), files
#         replaced by later layers (/etc/passwd, dpkg status, zoneinfo, a chmod), small COPY layers.
# (2) Builds kubenorm (release) and measures
#       kubenorm image oci:target/bench/image-1g/layout:1.0 --reference harbor.example.com/shop/app:4.2.0 \
#           --format json -o /dev/null
#     (--reference so that the naming rules run too, as for a registry image): wall time is hyperfine's mean of
#     BENCH_RUNS runs after a warm-up (so the layers are in the page cache), CPU is hyperfine's mean user+system
#     time, peak RSS is `/usr/bin/time -v`'s maximum resident set size of one more run. The number of files is
#     kubenorm's own count (its stderr line), checked against the generator's.
#
# Prints a Markdown table (also written to target/bench/image-results.md); raw outputs (hyperfine JSON, the
# report, /usr/bin/time log) stay in target/bench/image-*. Needs umoci, python3 (3.9+), hyperfine and /usr/bin/time
# (apt-get install -y umoci python3 hyperfine time).
set -euo pipefail

root=$(CDPATH='' cd -- "$(dirname -- "$0")/.." && pwd)
cd "$root"
out=target/bench
cache=$out/image-1g
layout=$cache/layout
tag=1.0
reference=harbor.example.com/shop/app:4.2.0
runs=${BENCH_RUNS:-5}
mkdir -p "$out"
load_before=$(cut -d' ' -f1-3 /proc/loadavg)

for tool in umoci python3 hyperfine; do
    command -v "$tool" >/dev/null || { echo "bench: error: '$tool' is needed (apt-get install -y $tool)" >&2; exit 2; }
done
[ -x /usr/bin/time ] || { echo "bench: error: /usr/bin/time is needed (apt-get install -y time)" >&2; exit 2; }

# (1) The image, generated once.
if [ ! -f "$cache/.complete" ]; then
    echo "bench: generating a 30-layer, ~1 GB OCI image layout in $cache (once)" >&2
    rm -rf "$cache"
    mkdir -p "$cache/tars"
    nice -n 10 python3 - "$cache/tars" >/dev/null <<'PY'
import io, json, os, random, sys, tarfile

out = sys.argv[1]  # folder for the layer tars, layers.tsv and facts.json
R = random.Random(20261126)
MTIME = 1767225600  # 2026-01-01T00:00:00Z
MiB = 1 << 20
POOL = R.randbytes(64 * MiB)  # incompressible bytes; gzip's 32 KB window never sees a repeat


def syllables(n):
    return "".join(R.choice(("ka", "lo", "mi", "zu", "re", "ta", "ne", "po", "si", "du", "fa", "gri", "ob", "ex", "ul"))
                   for _ in range(n))


WORDS = [syllables(R.randint(1, 4)) for _ in range(5000)] + [
    "the", "if", "return", "function", "const", "import", "def", "self", "None", "true", "false", "static",
    "int", "char", "void", "struct", "package", "version", "license", "copyright", "module", "exports"]
TEXT = " ".join(R.choices(WORDS, k=1_400_000)).encode()  # about 8 MB of text, gzip keeps about a third


class Stream(io.RawIOBase):
    """Reads `size` bytes of `segments`: (pool, offset, length) slices, each wrapping around its pool."""

    def __init__(self, segments):
        self.segments = list(segments)
        self.size = sum(n for _, _, n in self.segments)

    def read(self, size=-1):
        if size is None or size < 0:
            size = self.size
        parts = []
        while size > 0 and self.segments:
            pool, offset, left = self.segments[0]
            offset %= len(pool)
            n = min(left, len(pool) - offset, size)
            parts.append(pool[offset:offset + n])
            size -= n
            if n == left:
                self.segments.pop(0)
            else:
                self.segments[0] = (pool, offset + n, left - n)
        return b"".join(parts)


def slices(pool, size):
    return [(pool, R.randrange(len(pool)), size)]


def content(kind, size):
    if kind == "random":
        return slices(POOL, size)
    if kind == "text":
        return slices(TEXT, size)
    # "elf": an ELF header, then machine code (incompressible) and string tables (text), as binaries look
    head = b"\x7fELF\x02\x01\x01\x00" + bytes(8) + b"\x03\x00\x3e\x00\x01\x00\x00\x00" + bytes(40)
    code = size * 3 // 5
    return [(head, 0, min(size, len(head)))] + slices(POOL, max(0, code - len(head))) + slices(TEXT, size - max(code, len(head)))


FINAL = {}  # the final filesystem as the layers leave it: path -> (layer number, is a folder)


def forget(prefix, below):
    """Drops the entries under `prefix` that layers under number `below` added (whiteouts, opaque folders)."""
    for path in [p for p, (n, _) in FINAL.items() if p.startswith(prefix) and n < below]:
        del FINAL[path]


class Layer:
    def __init__(self, number, created_by):
        self.path = os.path.join(out, "layer-%02d.tar" % number)
        self.created_by = created_by
        self.number = number
        self.tar = tarfile.open(self.path, "w", format=tarfile.PAX_FORMAT)
        self.dirs = set()
        self.entries = 0
        self.whiteouts = 0
        self.content = 0

    def _add(self, info, data=None):
        info.mtime = MTIME
        info.uname = info.gname = ""
        self.tar.addfile(info, data)
        self.entries += 1
        if not os.path.basename(info.name.rstrip("/")).startswith(".wh."):
            path, is_dir = "/" + info.name.strip("/"), info.type == tarfile.DIRTYPE
            if not is_dir and FINAL.get(path, (0, False))[1]:
                forget(path + "/", self.number + 1)  # a file replacing a folder hides what was inside
            FINAL[path] = (self.number, is_dir)

    def parents(self, path):
        parts = path.strip("/").split("/")[:-1]
        for i in range(1, len(parts) + 1):
            self.dir("/".join(parts[:i]))

    def dir(self, path, mode=0o755, uid=0):
        path = path.strip("/")
        if path in self.dirs:
            return
        self.parents(path)
        self.dirs.add(path)
        info = tarfile.TarInfo(path + "/")
        info.type, info.mode, info.uid, info.gid = tarfile.DIRTYPE, mode, uid, uid
        self._add(info)

    def file(self, path, size=0, kind="text", mode=0o644, uid=0, data=None):
        path = path.strip("/")
        self.parents(path)
        info = tarfile.TarInfo(path)
        info.mode, info.uid, info.gid = mode, uid, uid
        if data is not None:
            if isinstance(data, str):
                data = data.encode()
            info.size = len(data)
            self._add(info, io.BytesIO(data))
        else:
            stream = Stream(content(kind, size))
            info.size = stream.size
            self._add(info, stream)
        self.content += info.size

    def symlink(self, path, target):
        path = path.strip("/")
        self.parents(path)
        info = tarfile.TarInfo(path)
        info.type, info.linkname, info.mode = tarfile.SYMTYPE, target, 0o777
        self._add(info)

    def hardlink(self, path, target):
        path = path.strip("/")
        self.parents(path)
        info = tarfile.TarInfo(path)
        info.type, info.linkname, info.mode = tarfile.LNKTYPE, target.strip("/"), 0o755
        self._add(info)

    def whiteout(self, path):
        parent, name = os.path.split(path.strip("/"))
        self.file(os.path.join(parent, ".wh." + name), data=b"")
        self.whiteouts += 1
        if FINAL.get("/" + path.strip("/"), (self.number, False))[0] < self.number:
            del FINAL["/" + path.strip("/")]
        forget("/" + path.strip("/") + "/", self.number)

    def opaque(self, path):
        self.file(path.strip("/") + "/.wh..wh..opq", data=b"")
        self.whiteouts += 1
        forget("/" + path.strip("/") + "/", self.number)

    def close(self):
        self.tar.close()
        return os.path.getsize(self.path)


def kb(lo, hi):
    return int(R.uniform(lo, hi) * 1024)


PACKAGES = sorted({"lib" + syllables(2) for _ in range(200)} | {syllables(3) for _ in range(60)})[:220]
BASE_PACKAGES = PACKAGES[:120]
BUILD_PACKAGES = PACKAGES[120:]
TOOLS = ("apt apt-get apt-cache apt-config apt-mark dpkg dpkg-query dpkg-deb bash dash cat chmod chown chgrp cp date dd "
         "df echo grep gzip hostname kill ln ls mkdir mktemp more mv ps pwd readlink rm rmdir sed sleep sync tar "
         "touch true false uname uniq wc which xargs find diff cmp head tail sort cut tr tee env id groups "
         "login mount umount passwd su chage expiry gpasswd newgrp chfn chsh perl perl5.36 tic infocmp").split()


def dpkg_status(packages):
    stanzas = []
    for p in packages:
        stanzas.append(
            f"Package: {p}\nStatus: install ok installed\nPriority: optional\nSection: libs\n"
            f"Installed-Size: {R.randint(20, 9000)}\nMaintainer: Debian Maintainers <debian@lists.debian.org>\n"
            f"Architecture: amd64\nVersion: {R.randint(0, 9)}.{R.randint(0, 40)}-{R.randint(1, 9)}\n"
            f"Depends: libc6 (>= 2.36)\nDescription: {' '.join(R.choices(WORDS, k=12))}\n")
    return "\n".join(stanzas)


PASSWD = ("root:x:0:0:root:/root:/bin/bash\ndaemon:x:1:1:daemon:/usr/sbin:/usr/sbin/nologin\n"
          "bin:x:2:2:bin:/bin:/usr/sbin/nologin\nsys:x:3:3:sys:/dev:/usr/sbin/nologin\n"
          "nobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin\n")
APP_UID = 10001

layers = []


def layer(created_by):
    l = Layer(len(layers) + 1, created_by)
    layers.append(l)
    return l


# 1. Debian-like base: merged /usr, a few thousand small files, ELF binaries, setuid tools, the package database.
l = layer("ADD rootfs.tar.xz / # debian:bookworm-slim-like base")
for d in ("bin", "sbin", "lib", "lib64"):
    l.symlink(d, "usr/" + d)
for d in ("dev", "proc", "sys", "run", "home", "mnt", "media", "srv", "opt", "var/tmp", "var/log", "var/cache"):
    l.dir(d)
l.dir("tmp", 0o1777)
l.dir("root", 0o700)
l.file("etc/passwd", data=PASSWD)
l.file("etc/group", data="root:x:0:\ndaemon:x:1:\nbin:x:2:\nsys:x:3:\nnogroup:x:65534:\n")
l.file("etc/shadow", data="root:*:19000:0:99999:7:::\n", mode=0o640)
l.file("etc/os-release", data='PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"\nID=debian\nVERSION_ID="12"\n')
for i in range(150):
    l.file(f"etc/{R.choice(PACKAGES)}/{syllables(2)}{i}.conf", kb(0.2, 6))
for t in TOOLS:
    if t == "perl5.36":
        l.hardlink("usr/bin/perl5.36", "usr/bin/perl")
        continue
    mode = {"passwd": 0o4755, "su": 0o4755, "mount": 0o4755, "umount": 0o4755, "chfn": 0o4755, "chsh": 0o4755,
            "gpasswd": 0o4755, "newgrp": 0o4755, "chage": 0o2755, "expiry": 0o2755}.get(t, 0o755)
    l.file("usr/bin/" + t, kb(20, 600), "elf", mode)
l.symlink("usr/bin/sh", "dash")
for i in range(260):
    l.file(f"usr/bin/{syllables(2)}-{i}", kb(8, 200), "elf", 0o755)
for i in range(90):
    l.file(f"usr/sbin/{syllables(2)}{i}", kb(8, 200), "elf", 0o755)
for p in BASE_PACKAGES:
    so = f"usr/lib/x86_64-linux-gnu/{p}.so.{R.randint(0, 6)}.{R.randint(0, 20)}.0"
    l.file(so, kb(30, 500), "elf")
    l.symlink(f"usr/lib/x86_64-linux-gnu/{p}.so.{so.split('.so.')[1].split('.')[0]}", os.path.basename(so))
    l.file(f"usr/share/doc/{p}/copyright", kb(1, 20))
    l.file(f"usr/share/doc/{p}/changelog.Debian.gz", kb(1, 30), "random")
    l.file(f"var/lib/dpkg/info/{p}.list", kb(0.2, 4))
    l.file(f"var/lib/dpkg/info/{p}.md5sums", kb(0.2, 4))
for i in range(1800):
    l.file(f"usr/share/zoneinfo/{R.choice(('Europe', 'America', 'Asia', 'Africa', 'Pacific'))}/{syllables(3)}{i}",
           kb(0.1, 3), "random")
for i in range(2200):
    l.file(f"usr/share/locale/{syllables(1)}{i % 140}/LC_MESSAGES/{R.choice(BASE_PACKAGES)}{i}.mo", kb(0.5, 8))
for i in range(600):
    l.file(f"usr/share/perl/5.36/{syllables(2)}/{syllables(3)}{i}.pm", kb(1, 40))
l.file("var/lib/dpkg/status", data=dpkg_status(BASE_PACKAGES))
l.file("usr/lib/locale/C.utf8/LC_CTYPE", 340 * 1024, "random")

# 2. apt-get update
l = layer("RUN apt-get update")
LISTS = [f"var/lib/apt/lists/deb.debian.org_debian_dists_bookworm_{c}_binary-amd64_Packages"
         for c in ("main", "contrib", "non-free", "non-free-firmware", "updates_main", "security_main")]
for i, f in enumerate(LISTS):
    l.file(f, (18, 6, 4, 2, 8, 6)[i] * MiB)
for f in ("InRelease", "security_InRelease", "updates_InRelease"):
    l.file(f"var/lib/apt/lists/deb.debian.org_debian_dists_bookworm_{f}", kb(50, 150))

# 3. apt-get install: compilers, headers, curl, wget; the downloaded .debs stay in the cache
l = layer("RUN apt-get install -y build-essential curl wget ca-certificates git")
for t in ("curl", "wget", "git", "gcc-12", "g++-12", "cpp-12", "make", "as", "ld.bfd", "openssl", "ssh", "scp"):
    l.file("usr/bin/" + t, kb(200, 3000), "elf", 0o755)
l.symlink("usr/bin/gcc", "gcc-12")
l.symlink("usr/bin/ld", "ld.bfd")
for t in ("cc1", "cc1plus", "lto1", "collect2"):
    l.file(f"usr/lib/gcc/x86_64-linux-gnu/12/{t}", R.randint(10, 15) * MiB, "elf", 0o755)
for i in range(3200):
    l.file(f"usr/include/{R.choice(('', 'x86_64-linux-gnu/', 'linux/', 'c++/12/', 'asm-generic/'))}{syllables(3)}{i}.h",
           kb(0.5, 14))
for p in BUILD_PACKAGES:
    so = f"usr/lib/x86_64-linux-gnu/{p}.so.{R.randint(0, 6)}"
    l.file(so, kb(30, 600), "elf")
    l.file(f"usr/share/doc/{p}/copyright", kb(1, 20))
    l.file(f"var/lib/dpkg/info/{p}.list", kb(0.2, 4))
    l.file(f"var/cache/apt/archives/{p}_{R.randint(1, 9)}.{R.randint(0, 30)}_amd64.deb", kb(50, 800), "random")
l.file("var/lib/dpkg/status", data=dpkg_status(PACKAGES))  # replaces the base's
l.file("var/log/apt/history.log", kb(2, 10))
l.file("var/log/dpkg.log", kb(40, 120))

# 4. apt-get clean && rm -rf /var/lib/apt/lists/*: whiteouts of the lists, an opaque cache folder
l = layer("RUN apt-get clean && rm -rf /var/lib/apt/lists/*")
for f in LISTS:
    l.whiteout(f)
for f in ("InRelease", "security_InRelease", "updates_InRelease"):
    l.whiteout(f"var/lib/apt/lists/deb.debian.org_debian_dists_bookworm_{f}")
l.dir("var/cache/apt/archives")
l.opaque("var/cache/apt/archives")
l.dir("var/cache/apt/archives/partial", 0o700)

# 5. a non-root user
l = layer(f"RUN groupadd -g {APP_UID} app && useradd -u {APP_UID} -g app -m app")
l.file("etc/passwd", data=PASSWD + f"app:x:{APP_UID}:{APP_UID}::/home/app:/usr/sbin/nologin\n")
l.file("etc/group", data=f"root:x:0:\ndaemon:x:1:\nbin:x:2:\nsys:x:3:\nnogroup:x:65534:\napp:x:{APP_UID}:\n")
l.file("etc/shadow", data=f"root:*:19000:0:99999:7:::\napp:!:19000:0:99999:7:::\n", mode=0o640)
l.dir("home/app", 0o750, APP_UID)
l.file("home/app/.bashrc", kb(3, 4), uid=APP_UID)

# 6. build-time secrets copied in (deleted again in layer 14, still in this layer)
l = layer("COPY id_rsa .gitconfig /root/ # for private git dependencies")
l.dir("root/.ssh", 0o700)
l.file("root/.ssh/id_rsa", data="-----BEGIN OPENSSH PRIVATE KEY-----\n" + "b3BlbnNzaC1rZXktdjEAAAAA\n" * 40
       + "-----END OPENSSH PRIVATE KEY-----\n", mode=0o600)
l.file("root/.ssh/known_hosts", kb(1, 2))
l.file("root/.gitconfig", data="[url \"git@github.com:\"]\n\tinsteadOf = https://github.com/\n")

# 7. a Python runtime in /usr/local, its test suite included
l = layer("COPY --from=python:3.12 /usr/local /usr/local")
l.file("usr/local/bin/python3.12", 6 * MiB, "elf", 0o755)
l.symlink("usr/local/bin/python3", "python3.12")
l.symlink("usr/local/bin/python", "python3")
l.file("usr/local/bin/pip3.12", kb(0.2, 0.3), mode=0o755)
l.symlink("usr/local/bin/pip3", "pip3.12")
l.symlink("usr/local/bin/pip", "pip3")
l.file("usr/local/lib/libpython3.12.so.1.0", 12 * MiB, "elf")
for i in range(2600):
    m = f"usr/local/lib/python3.12/{R.choice(('', 'email/', 'json/', 'asyncio/', 'encodings/', 'xml/dom/'))}{syllables(3)}{i}"
    l.file(m + ".py", kb(1, 14))
    if i % 2 == 0:
        l.file(f"{os.path.dirname(m)}/__pycache__/{os.path.basename(m)}.cpython-312.pyc", kb(1, 20), "random")
for i in range(900):
    l.file(f"usr/local/lib/python3.12/test/test_{syllables(2)}{i}.py", kb(2, 25))
for i in range(70):
    l.file(f"usr/local/lib/python3.12/lib-dynload/_{syllables(2)}{i}.cpython-312-x86_64-linux-gnu.so", kb(20, 400), "elf")

# 8. pip install -r requirements.txt: native wheels and pure-Python packages
l = layer("RUN pip install --no-cache-dir -r requirements.txt")
SITE = "usr/local/lib/python3.12/site-packages"
for pkg in [syllables(2) for _ in range(60)]:
    n = R.randint(5, 90)
    for i in range(n):
        l.file(f"{SITE}/{pkg}/{syllables(2)}{i}.py", kb(1, 25))
    l.file(f"{SITE}/{pkg}-1.{R.randint(0, 20)}.dist-info/RECORD", kb(1, 10))
    l.file(f"{SITE}/{pkg}-1.{R.randint(0, 20)}.dist-info/METADATA", kb(1, 10))
for name, mib in (("numpy/core/_multiarray_umath", 5), ("scipy/linalg/_flapack", 8), ("scipy/sparse/_sparsetools", 5),
                  ("pandas/_libs/groupby", 4), ("grpc/_cython/cygrpc", 6), ("cryptography/hazmat/bindings/_rust", 7),
                  ("numpy.libs/libopenblas64_p-r0-15028c96", 16)):
    l.file(f"{SITE}/{name}.cpython-312-x86_64-linux-gnu.so", mib * MiB, "elf")

# 9. a Node.js runtime
l = layer("COPY --from=node:20 /usr/local/bin/node /usr/local/lib/node_modules /usr/local/")
l.file("usr/local/bin/node", 70 * MiB, "elf", 0o755)
for i in range(1700):
    l.file(f"usr/local/lib/node_modules/npm/{R.choice(('lib/', 'node_modules/', 'docs/'))}{syllables(2)}/{syllables(2)}{i}.js",
           kb(0.5, 16))
l.file("usr/local/lib/node_modules/npm/bin/npm-cli.js", kb(1, 2), mode=0o755)
l.symlink("usr/local/bin/npm", "../lib/node_modules/npm/bin/npm-cli.js")

# 10. npm ci, with a registry token in .npmrc (deleted in the next layer, still shipped by this one)
l = layer("COPY package.json package-lock.json .npmrc /app/ && RUN npm ci")
l.file("app/.npmrc", data="registry=https://registry.npmjs.org/\n//registry.npmjs.org/:_authToken=npm_" +
       "A1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6Q7r8" + "\n")
l.file("app/package.json", kb(1, 3))
l.file("app/package-lock.json", kb(400, 600))
for pkg in [syllables(R.randint(1, 3)) + str(i) for i in range(700)]:
    for i in range(R.randint(4, 30)):
        l.file(f"app/node_modules/{pkg}/{R.choice(('', 'lib/', 'dist/', 'src/'))}{syllables(2)}{i}.js", kb(0.3, 12))
    l.file(f"app/node_modules/{pkg}/package.json", kb(0.5, 2))
    l.file(f"app/node_modules/{pkg}/README.md", kb(1, 8))

# 11. rm .npmrc
l = layer("RUN rm /app/.npmrc")
l.whiteout("app/.npmrc")

# 12. the application's sources
l = layer("COPY . /app")
for i in range(900):
    l.file(f"app/src/{R.choice(('api/', 'models/', 'views/', 'util/', 'workers/'))}{syllables(2)}{i}.ts", kb(0.5, 14))
l.file("app/.env", data="DATABASE_URL=postgres://app:s3cr3t@db:5432/app\nSTRIPE_KEY=sk_live_000000\n")
l.file("app/Dockerfile", kb(1, 2))

# 13. the build: bundles, and intermediate objects in /tmp/build
l = layer("RUN npm run build && python setup.py build_ext --build-temp /tmp/build")
for i in range(60):
    l.file(f"app/dist/{syllables(2)}.{i}.js", kb(30, 300))
    l.file(f"app/dist/{syllables(2)}.{i}.js.map", kb(20, 200))
for i in range(220):
    l.file(f"tmp/build/temp.linux-x86_64-cpython-312/{syllables(2)}{i}.o", kb(20, 250), "elf")

# 14. cleanup: the build folder, the SSH key, wget
l = layer("RUN rm -rf /tmp/build /root/.ssh/id_rsa && apt-get purge -y wget")
l.whiteout("tmp/build")
l.whiteout("root/.ssh/id_rsa")
l.whiteout("usr/bin/wget")

# 15. a model
l = layer("COPY models/ /opt/app/models/")
l.file("opt/app/models/model-v1.bin", 75 * MiB, "random")
l.file("opt/app/models/tokenizer.json", 2 * MiB)

# 16. data files
l = layer("COPY data/ /opt/app/data/")
for i in range(8):
    l.file(f"opt/app/data/part-{i:05d}.parquet", R.randint(5, 7) * MiB, "random")

# 17. static assets
l = layer("COPY public/ /app/public/")
for i in range(1400):
    ext = R.choice(("png", "jpg", "woff2", "svg", "css"))
    l.file(f"app/public/{ext}/{syllables(2)}{i}.{ext}", kb(1, 40), "text" if ext in ("svg", "css") else "random")

# 18. certificates, and a TLS key baked in
l = layer("COPY certs/ /etc/ssl/ && update-ca-certificates")
for i in range(140):
    l.file(f"etc/ssl/certs/{syllables(3)}_Root_CA_{i}.pem",
           data="-----BEGIN CERTIFICATE-----\n" + "MIIDdzCCAl+gAwIBAgIEAgAAuTANBgkqhkiG9w0BAQUFADBa\n" * 30
           + "-----END CERTIFICATE-----\n")
l.file("etc/ssl/certs/ca-certificates.crt", kb(200, 220))
l.file("app/certs/tls.key", data="-----BEGIN PRIVATE KEY-----\n" + "MIIEvQIBADANBgkqhkiG9w0BAQEFAASC\n" * 25
       + "-----END PRIVATE KEY-----\n", mode=0o600)

# 19. configuration
l = layer("COPY config/ /etc/app/")
for i in range(25):
    l.file(f"etc/app/{syllables(2)}{i}.yaml", kb(0.5, 6))

# 20. rm -rf /usr/share/doc/* /usr/include: an opaque folder and a folder whiteout
l = layer("RUN rm -rf /usr/share/doc/* /usr/include /usr/share/locale/*")
l.dir("usr/share/doc")
l.opaque("usr/share/doc")
l.whiteout("usr/include")
l.dir("usr/share/locale")
l.opaque("usr/share/locale")

# 21. rm -rf the Python test suite
l = layer("RUN rm -rf /usr/local/lib/python3.12/test")
l.whiteout("usr/local/lib/python3.12/test")

# 22. a newer model replaces the old one
l = layer("RUN rm /opt/app/models/model-v1.bin && COPY model-v2.bin /opt/app/models/")
l.whiteout("opt/app/models/model-v1.bin")
l.file("opt/app/models/model-v2.bin", 75 * MiB, "random")

# 23. tzdata update: files replaced
l = layer("RUN apt-get install -y --only-upgrade tzdata")
for i in range(400):
    l.file(f"usr/share/zoneinfo/{R.choice(('Europe', 'America', 'Asia'))}/{syllables(3)}{i}", kb(0.1, 3), "random")

# 24. an init process and the entrypoint
l = layer("ADD tini /usr/local/bin/tini && COPY entrypoint.sh /")
l.file("usr/local/bin/tini", kb(800, 900), "elf", 0o755)
l.file("entrypoint.sh", kb(1, 3), mode=0o755)

# 25. folders for the non-root user
l = layer("RUN mkdir -p /var/log/app /var/cache/app /app/tmp && chown -R app:app /var/log/app /var/cache/app /app/tmp")
for d in ("var/log/app", "var/cache/app", "app/tmp"):
    l.dir(d, 0o750, APP_UID)

# 26. a health check
l = layer("COPY healthcheck.sh /usr/local/bin/healthcheck")
l.file("usr/local/bin/healthcheck", kb(1, 2), mode=0o755)

# 27. chmod: modes fixed on files of earlier layers (a whole file copy each, as overlayfs does)
l = layer("RUN chmod 0755 /app/src/cli/*.ts && chmod g-s /usr/bin/chage")
for i in range(30):
    l.file(f"app/src/cli/{syllables(2)}{i}.ts", kb(0.5, 8), mode=0o755)
l.file("usr/bin/chage", kb(60, 80), "elf", 0o755)

# 28. the application server
l = layer("COPY --from=build /src/target/release/server /app/bin/server")
l.file("app/bin/server", 32 * MiB, "elf", 0o755)

# 29. plugins
l = layer("COPY --from=build /src/target/release/plugins/ /app/plugins/")
for i in range(16):
    l.file(f"app/plugins/lib{syllables(2)}{i}.so", R.randint(1, 2) * MiB, "elf")

# 30. build metadata
l = layer("COPY VERSION build-info.json /app/")
l.file("app/VERSION", data="4.2.0\n")
l.file("app/build-info.json", data=json.dumps({"version": "4.2.0", "commit": "0" * 40, "built": "2026-01-01T00:00:00Z"}))

facts = {"layers": len(layers), "tar_bytes": 0, "content_bytes": 0, "entries": 0, "whiteouts": 0,
         "final_files": len(FINAL)}
with open(os.path.join(out, "layers.tsv"), "w") as index:
    for l in layers:
        size = l.close()
        facts["tar_bytes"] += size
        facts["content_bytes"] += l.content
        facts["entries"] += l.entries
        facts["whiteouts"] += l.whiteouts
        index.write(f"{os.path.basename(l.path)}\t{l.created_by}\n")
json.dump(facts, open(os.path.join(out, "facts.json"), "w"))
print(json.dumps(facts))
PY
    umoci init --layout "$layout"
    umoci new --image "$layout:$tag"
    echo "bench: umoci raw add-layer, 30 times (gzip)" >&2
    while IFS=$'\t' read -r file created_by; do
        nice -n 10 umoci raw add-layer --image "$layout:$tag" --history.created 2026-01-01T00:00:00Z \
            --history.created_by "$created_by" "$cache/tars/$file"
        rm "$cache/tars/$file"
    done <"$cache/tars/layers.tsv"
    umoci config --image "$layout:$tag" --no-history --created 2026-01-01T00:00:00Z --author bench/image.sh \
        --os linux --architecture amd64 --config.user app --config.workingdir /app \
        --config.env PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
        --config.entrypoint /usr/local/bin/tini --config.entrypoint -- --config.entrypoint /entrypoint.sh \
        --config.cmd /app/bin/server
    umoci gc --layout "$layout"
    mv "$cache/tars/facts.json" "$cache/facts.json"
    rm -rf "$cache/tars"
    touch "$cache/.complete"
fi

# (2) The measurements.
cargo build --release --quiet -p kubenorm --bin kubenorm
bin=$root/target/release/kubenorm
target=oci:$layout:$tag
printf 'exec %q image %q --reference %q --format json -o /dev/null\n' "$bin" "$target" "$reference" >"$out/image-1g.sh"

echo "bench: kubenorm image $target" >&2
status=0
"$bin" image "$target" --reference "$reference" --format json -o "$out/image-1g.json" 2>"$out/image-1g.stderr" || status=$?
if [ "$status" -gt 1 ]; then
    echo "bench: error: kubenorm image failed (exit code $status):" >&2
    cat "$out/image-1g.stderr" >&2
    exit 1
fi
hyperfine --style none --warmup 1 --runs "$runs" -i --export-json "$out/image-1g.hyperfine.json" \
    "sh $out/image-1g.sh" >"$out/image-1g.hyperfine.txt" 2>&1
/usr/bin/time -v sh "$out/image-1g.sh" >/dev/null 2>"$out/image-1g.time.txt" || true
load_after=$(cut -d' ' -f1-3 /proc/loadavg)

python3 - "$out/image-results.md" "$layout" "$cache/facts.json" "$out/image-1g.json" "$out/image-1g.stderr" \
    "$out/image-1g.hyperfine.json" "$out/image-1g.time.txt" <<PY
import collections, json, re, sys
results, layout, facts, report, stderr, timings, timelog = sys.argv[1:]
blob = lambda digest: f"{layout}/blobs/sha256/{digest.split(':')[1]}"
index = json.load(open(f"{layout}/index.json"))
manifest = json.load(open(blob(index["manifests"][0]["digest"])))
compressed = sum(layer["size"] for layer in manifest["layers"])
facts = json.load(open(facts))
report = json.load(open(report))
counted = re.search(r"(\d+) layers?, (\d+) files?", open(stderr).read())
layers, files = (int(counted[1]), int(counted[2])) if counted else (0, 0)
run = json.load(open(timings))["results"][0]
wall, sd, cpu = run["mean"], run["stddev"] or 0, run["user"] + run["system"]
rss = int(re.search(r"Maximum resident set size \(kbytes\): (\d+)", open(timelog).read())[1]) / 1024
rules = collections.Counter(f["rule"] for f in report["findings"])
mb = lambda n: f"{n / 1e6:,.1f}"
check = "" if files == facts["final_files"] else f" (the generator expects {facts['final_files']:,}!)"
lines = [
    "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'); "
    "load average $load_before before, $load_after after",
    "commit: $(git rev-parse --short HEAD)$(git diff --quiet || echo ' (modified)'), $(date -u +%Y-%m-%dT%H:%MZ)",
    f"image: $target, {len(manifest['layers'])} gzip layers, {mb(compressed)} MB compressed, "
    f"{mb(facts['tar_bytes'])} MB uncompressed (layer tars; {mb(facts['content_bytes'])} MB of file content), "
    f"{facts['entries']:,} tar entries ({facts['whiteouts']} whiteouts), {files:,} files in the final filesystem{check}",
    f"findings: {report['summary']['findings']} ("
    + ", ".join(f"{rule} {n}" for rule, n in sorted(rules.items(), key=lambda kv: (-kv[1], kv[0]))) + ")",
    "",
    "| measurement | wall s | CPU s (user+sys) | MB/s uncompressed | MB/s compressed | peak RSS MB |",
    "| --- | ---: | ---: | ---: | ---: | ---: |",
    f"| kubenorm image ({layers} layers, {files:,} files, {report['summary']['findings']} findings), "
    f"{len(run['times'])} runs | {wall:.2f} ± {sd:.2f} (min {run['min']:.2f}) | {cpu:.2f} "
    f"| {facts['tar_bytes'] / 1e6 / wall:,.0f} | {compressed / 1e6 / wall:,.0f} | {rss:.0f} |",
    "",
    f"targets: wall < 2 s: {'met' if wall < 2 else 'not met'} ({wall:.2f} s; CPU {cpu:.2f} s); "
    f"peak RSS < 100 MB: {'met' if rss < 100 else 'not met'} ({rss:.0f} MB)",
]
text = "\n".join(lines) + "\n"
open(results, "w").write(text)
print(text, end="")
PY
