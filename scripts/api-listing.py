#!/usr/bin/env python3
"""The public API of leadpool as a sorted listing, one line per item, field, variant and
inherent method, reduced from rustdoc's JSON output. Each item is listed once, under the
public path that names it in its own module (the longest public path; re-exports at the crate
root are not new surface).

    RUSTDOCFLAGS="-Z unstable-options --output-format json" \
        cargo +nightly doc --no-deps --all-features --target-dir target/api
    python3 scripts/api-listing.py target/api/doc/leadpool.json > api/leadpool.txt

`.ci/run` regenerates it and fails when it differs from the committed api/leadpool.txt, so a
change of surface shows up in review. A last line counts each kind.
"""
import json
import sys

doc = json.load(open(sys.argv[1]))
index = doc["index"]


def item(i):
    return index.get(str(i))


def kind_of(it):
    return next(iter(it["inner"]))


paths = {}  # item id -> set of public paths


def walk(module_id, prefix, seen):
    if module_id in seen:
        return
    seen.add(module_id)
    for child in item(module_id)["inner"]["module"]["items"]:
        it = item(child)
        if it is None or it.get("visibility") != "public":
            continue
        kind = kind_of(it)
        if kind == "use":
            use = it["inner"]["use"]
            target = use.get("id")
            if target is None or item(target) is None:
                continue
            if kind_of(item(target)) == "module":
                walk(str(target), prefix + "::" + use["name"], seen)
            else:
                paths.setdefault(str(target), set()).add(prefix + "::" + use["name"])
        elif kind == "module":
            walk(str(it["id"]), prefix + "::" + it["name"], seen)
        else:
            paths.setdefault(str(it["id"]), set()).add(prefix + "::" + it["name"])


root = str(doc["root"])
walk(root, item(root)["name"], set())

KINDS = {"struct", "enum", "trait", "function", "constant", "static", "type_alias", "macro", "union"}
out = []


def inherent_methods(impl_ids, path):
    for imp in impl_ids:
        inner = item(imp)["inner"]["impl"]
        if inner.get("trait") is not None or inner.get("is_synthetic") or inner.get("blanket_impl"):
            continue
        for m in inner["items"]:
            mi = item(m)
            if mi is not None and mi.get("visibility") == "public":
                out.append(f"method {path}::{mi['name']}")


for iid, candidates in paths.items():
    it = item(iid)
    kind = kind_of(it)
    if kind not in KINDS:
        continue
    path = sorted(candidates, key=lambda p: (-p.count("::"), p))[0]
    out.append(f"{kind} {path}")
    inner = it["inner"][kind]
    if kind == "struct":
        fields = inner["kind"].get("plain", {}).get("fields", []) if isinstance(inner["kind"], dict) else []
        for f in fields:
            fi = item(f)
            if fi is not None and fi.get("visibility") == "public":
                out.append(f"field {path}.{fi['name']}")
        inherent_methods(inner.get("impls", []), path)
    elif kind == "enum":
        for v in inner["variants"]:
            out.append(f"variant {path}::{item(v)['name']}")
        inherent_methods(inner.get("impls", []), path)
    elif kind == "trait":
        for m in inner["items"]:
            out.append(f"trait-item {path}::{item(m)['name']}")

out = sorted(set(out))
print("\n".join(out))
counts = {}
for line in out:
    k = line.split()[0]
    counts[k] = counts.get(k, 0) + 1
print("# " + ", ".join(f"{k}: {counts[k]}" for k in sorted(counts)))
