#!/usr/bin/env python3
"""Builds the bundled sample graph from a dpkg status database (neo4j-admin import CSV).

Vertices: every installed package (label Package), every package or virtual package that an
installed one refers to without being installed (label Reference), and every maintainer
(label Maintainer). Edges: DEPENDS, PRE_DEPENDS, RECOMMENDS, SUGGESTS (with the version
constraint and whether the target is one of several alternatives), PROVIDES, MAINTAINED_BY.
Descriptions are left out: only factual control fields are used.

    scripts/make_sample_graph.py [/var/lib/dpkg/status] [OUT_DIR]
"""
import csv
import re
import sys
from pathlib import Path

status = Path(sys.argv[1] if len(sys.argv) > 1 else "/var/lib/dpkg/status")
out = Path(sys.argv[2] if len(sys.argv) > 2 else Path(__file__).resolve().parent.parent / "examples/data/debian-packages")

def stanzas(text):
    for block in text.split("\n\n"):
        fields, last = {}, None
        for line in block.splitlines():
            if line[:1] in (" ", "\t") and last:
                fields[last] += "\n" + line.strip()
            elif ":" in line:
                last, value = line.split(":", 1)
                fields[last] = value.strip()
        if "Package" in fields:
            yield fields

packages = [s for s in stanzas(status.read_text(encoding="utf-8")) if "installed" in s.get("Status", "").split()]
packages.sort(key=lambda s: (s["Package"], s.get("Architecture", "")))
installed = {p["Package"] for p in packages}

relation = re.compile(r"^\s*([a-z0-9][a-z0-9+.\-]*)(?::[a-z0-9]+)?\s*(?:\(([^)]*)\))?")
edges = {kind: [] for kind in ("DEPENDS", "PRE_DEPENDS", "RECOMMENDS", "SUGGESTS")}
provides, maintained, references, maintainers = [], [], set(), {}
for p in packages:
    name = p["Package"]
    for field, kind in (("Depends", "DEPENDS"), ("Pre-Depends", "PRE_DEPENDS"),
                        ("Recommends", "RECOMMENDS"), ("Suggests", "SUGGESTS")):
        for group in filter(None, (g.strip() for g in p.get(field, "").split(","))):
            choices = [c for c in group.split("|") if relation.match(c)]
            for choice in choices:
                target, constraint = relation.match(choice).groups()
                edges[kind].append((name, target, constraint or "", "true" if len(choices) > 1 else "false"))
                if target not in installed:
                    references.add(target)
    for virtual in filter(None, (v.strip() for v in p.get("Provides", "").split(","))):
        m = relation.match(virtual)
        if m:
            provides.append((name, m.group(1)))
            if m.group(1) not in installed:
                references.add(m.group(1))
    who = p.get("Maintainer", "")
    if who:
        maintainers.setdefault(who, len(maintainers))
        maintained.append((name, f"maintainer:{maintainers[who]}"))

out.mkdir(parents=True, exist_ok=True)
def write(name, header, rows):
    with open(out / name, "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(header)
        w.writerows(rows)

write("nodes-packages.csv",
      ["id:ID", ":LABEL", "version:string", "section:string", "priority:string", "architecture:string",
       "installed_size_kib:long", "essential:boolean", "multi_arch:string"],
      [[p["Package"], "Package", p.get("Version", ""), p.get("Section", ""), p.get("Priority", ""),
        p.get("Architecture", ""), p.get("Installed-Size", ""), "true" if p.get("Essential") == "yes" else "false",
        p.get("Multi-Arch", "")] for p in packages])
write("nodes-references.csv", ["id:ID", ":LABEL"], [[r, "Reference"] for r in sorted(references)])
# Names only: e-mail addresses are left out of the sample.
write("nodes-maintainers.csv", ["id:ID", ":LABEL", "name:string"],
      [[f"maintainer:{i}", "Maintainer", re.sub(r"\s*<.*", "", who)] for who, i in maintainers.items()])
for kind, rows in edges.items():
    write(f"edges-{kind.lower().replace('_', '-')}.csv",
          [":START_ID", ":END_ID", ":TYPE", "constraint:string", "alternative:boolean"],
          [[a, b, kind, c, alt] for a, b, c, alt in rows])
write("edges-provides.csv", [":START_ID", ":END_ID", ":TYPE"], [[a, b, "PROVIDES"] for a, b in provides])
write("edges-maintained-by.csv", [":START_ID", ":END_ID", ":TYPE"], [[a, b, "MAINTAINED_BY"] for a, b in maintained])
print(f"{len(packages)} packages, {len(references)} references, {len(maintainers)} maintainers, "
      f"{sum(map(len, edges.values())) + len(provides) + len(maintained)} edges -> {out}")
