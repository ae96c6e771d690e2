#!/usr/bin/env bash
# Headless end-to-end tests of mmgraph-view under Xvfb.
#
#     viewer_test.sh MMGRAPH_VIEW MMGRAPH CASE
#
# Cases:
#   walk_generated  a walk over a generated graph; the dumped state must match the path that
#                   `mmgraph neighbors --json` predicts for every out N / in N step
#   walk_sample     the same on the Debian sample graph (examples/data/debian-packages)
#   screenshot      PNGs at 1280x800, 800x500 and 2560x1440 are real pictures: many colours, none dominant
#   truncated       a truncated file, a damaged record and a foreign file: the viewer starts,
#                   lists the reader's message under errors, exits 0
#   fast_keys       key events that arrive between two frames (xdotool) are not lost
#   open_dialog     File > Open driven by keys: Enter on a folder browses, on a file opens, Escape closes
#   offsets         walk steps `offset N` in every section name the section and the vertex owning the byte
#   no_display      without a display and without headless flags: a clear message, exit != 0
#   neighbourhood   R-MAT neighbourhoods (hubs, self-loops, repeats) at three window sizes: the
#                   dumped drawing has distinct, finite, spread-out positions filling the panel,
#                   and every vertex, label and edge is one of the graph's
#   neighbourhood_hub  a hub whose first edges are self-loops and repeats: distinct neighbours
#   integrity       a flipped byte in each section kind is reported by the background verify at
#                   that section; a flipped first ordinal is reported at its field and drawn red
#   failed_open     a walk's `open` of a truncated file keeps the file being walked
#   labels          a vertex with several labels (labels.mmg): the walker names every
#                   label, and a byte of the label_sets section names its label set
#   timing          frame times at 1280x800 while verify runs in the background, against those
#                   with no worker running (printed as the test's timing output)
set -euo pipefail

view=$1
mmgraph=$2
case_name=$3
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

fail() {
  echo "FAIL [$case_name]: $*" >&2
  exit 1
}

# In sanitizer builds (CMake sets MMGRAPH_SANITIZED), Mesa's driver is preloaded so it is not
# unloaded before LeakSanitizer looks, and its own allocations are suppressed (lsan.supp).
if [ -n "${MMGRAPH_SANITIZED:-}" ]; then
  driver=$(ls /usr/lib/*/dri/swrast_dri.so 2>/dev/null | head -n 1 || true)
  [ -n "$driver" ] && export LD_PRELOAD=$driver
  export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}verify_asan_link_order=0"
  export LSAN_OPTIONS="${LSAN_OPTIONS:+$LSAN_OPTIONS:}suppressions=$here/lsan.supp"
fi

headless() {
  xvfb-run -a -s '-screen 0 1280x800x24' "$view" "$@"
}

build_sample() {
  local sample=$root/examples/data/debian-packages args=()
  for f in "$sample"/nodes-*.csv; do args+=(--nodes "$f"); done
  for f in "$sample"/edges-*.csv; do args+=(--edges "$f"); done
  "$mmgraph" build -o "$1" "${args[@]}" >/dev/null 2>&1 || fail "cannot build the sample graph"
}

# A graph with a hub (many out- and in-neighbours of two edge types) and a ring.
build_generated() {
  python3 - "$work" <<'PY'
import sys, random
work = sys.argv[1]
rnd = random.Random(4)
with open(f"{work}/nodes.csv", "w") as f:
    f.write("id:ID,:LABEL,name:string,weight:int\n")
    for i in range(400):
        f.write(f"v{i},{'Hub' if i == 0 else 'Node'},name {i},{'' if i % 7 == 0 else i * 3}\n")
with open(f"{work}/edges.csv", "w") as f:
    f.write(":START_ID,:END_ID,:TYPE\n")
    for i in range(1, 400):
        f.write(f"v0,v{i},{'LINKS' if i % 3 else 'OWNS'}\n")
        f.write(f"v{i},v{(i + 1) % 400},LINKS\n")
        if rnd.random() < 0.5:
            f.write(f"v{rnd.randrange(400)},v0,OWNS\n")
PY
  "$mmgraph" build -o "$1" --nodes "$work/nodes.csv" --edges "$work/edges.csv" >/dev/null 2>&1 || fail "cannot build the generated graph"
}

# An R-MAT graph (a = 0.57, b = c = 0.19) of 2^12 ids, self-loops and repeated edges kept, three
# labels and three edge types, plus a vertex "hub" first in the file (index 0, so its self-loops
# lead its lists) followed by runs of repeated targets and then many distinct ones. Writes the
# model as JSON for the checks.
build_rmat() {
  python3 - "$work" <<'PY'
import json, random, sys
work = sys.argv[1]
rnd = random.Random(12)
scale, ids = 12, 1 << 12
labels = {"hub": "Hub"}
for i in range(ids):
    labels[f"n{i}"] = rnd.choice(["Person", "Place", "Thing"])
edges = []
for _ in range(ids * 8):
    src = dst = 0
    for _ in range(scale):
        r = rnd.random()
        src = src << 1 | (r >= 0.76)
        dst = dst << 1 | (0.57 <= r < 0.76 or r >= 0.95)
    edges.append((f"n{src}", f"n{dst}", rnd.choice(["KNOWS", "LIKES", "OWNS"])))
edges += [("hub", "hub", "KNOWS")] * 30 + [("n0", "hub", "KNOWS")] * 500 + [("hub", "n0", "KNOWS")] * 500
for i in range(1, ids, 2):
    edges.append(("hub", f"n{i}", "LIKES" if i % 4 == 1 else "OWNS"))
    if i % 3 == 0:
        edges.append((f"n{i}", "hub", "KNOWS"))
with open(f"{work}/nodes.csv", "w") as f:
    f.write("id:ID,:LABEL\n")
    for key, label in labels.items():
        f.write(f"{key},{label}\n")
with open(f"{work}/edges.csv", "w") as f:
    f.write(":START_ID,:END_ID,:TYPE\n")
    for e in edges:
        f.write(",".join(e) + "\n")
json.dump({"labels": labels, "edges": edges}, open(f"{work}/model.json", "w"))
PY
  "$mmgraph" build -o "$1" --nodes "$work/nodes.csv" --edges "$work/edges.csv" >/dev/null 2>&1 || fail "cannot build the R-MAT graph"
}

# check_neighbourhood FILE KEY SIZE: walks to KEY at window SIZE and checks the dumped drawing.
check_neighbourhood() {
  local file=$1 key=$2 size=$3 width=${3%x*} height=${3#*x}
  printf 'key %s\n' "$key" >"$work/walk.txt"
  xvfb-run -a -s "-screen 0 ${width}x${height}x24" "$view" "$file" --size "$size" --walk "$work/walk.txt" \
    --dump-state "$work/state.json" >/dev/null 2>"$work/err" || fail "exit $? at $key, $size ($(cat "$work/err"))"
  python3 - "$work/state.json" "$work/model.json" "$key" <<'PY' || fail "the neighbourhood of $key at $size is wrong"
import itertools, json, math, sys
state, model, key = json.load(open(sys.argv[1])), json.load(open(sys.argv[2])), sys.argv[3]
hood = state["neighbourhood"]
vertices, width, height = hood["vertices"], hood["width"], hood["height"]
edges = {tuple(e) for e in model["edges"]}
assert state["current"]["key"] == key and vertices[0]["key"] == key, (state["current"], vertices[0])
assert len({v["index"] for v in vertices}) == len(vertices), "a vertex drawn twice"
key_of = {v["index"]: v["key"] for v in vertices}
for v in vertices:
    assert v["label"] == model["labels"][v["key"]], v
    assert math.isfinite(v["x"]) and math.isfinite(v["y"]), v
    assert 0 <= v["x"] <= width and 0 <= v["y"] <= height, (v, width, height)
drawn = [(key_of[e["from"]], key_of[e["to"]], e["type"]) for e in hood["edges"]]
assert len(set(drawn)) == len(drawn), "an edge drawn twice"
for e in drawn:
    assert e in edges and e[0] != e[1], e
# Every drawn vertex is joined to the drawing by an edge.
joined = {a for e in drawn for a in e[:2]}
assert len(vertices) == 1 or all(v["key"] in joined for v in vertices), "a vertex without an edge"
if len(vertices) > 1:
    closest = min(math.dist((a["x"], a["y"]), (b["x"], b["y"])) for a, b in itertools.combinations(vertices, 2))
    xs, ys = [v["x"] for v in vertices], [v["y"] for v in vertices]
    fill_x, fill_y = (max(xs) - min(xs)) / width, (max(ys) - min(ys)) / height
    assert closest >= 6, "two vertices %.1f px apart" % closest
    assert max(fill_x, fill_y) >= 0.6 and (len(vertices) < 5 or min(fill_x, fill_y) >= 0.3), (fill_x, fill_y)
print("%s: %d vertices, %d edges, %.0fx%.0f panel" % (key, len(vertices), len(drawn), width, height))
PY
}

# A graph whose one edge type has a property, so that every out-record holds the first ordinal
# of its block after its run (§7): the field of issue 17's "first ordinal 71776119061217280".
build_rated() {
  python3 - "$work" <<'PY'
import sys, random
work = sys.argv[1]
rnd = random.Random(5)
with open(f"{work}/rated-nodes.csv", "w") as f:
    f.write("id:ID,:LABEL,name:string\n")
    for i in range(300):
        f.write(f"v{i},Node,name {i}\n")
with open(f"{work}/rated-edges.csv", "w") as f:
    f.write(":START_ID,:END_ID,:TYPE,stars:int\n")
    for i in range(300):
        for k in range(3):
            f.write(f"v{i},v{rnd.randrange(300)},RATED,{rnd.randrange(5)}\n")
PY
  "$mmgraph" build -o "$1" --nodes "$work/rated-nodes.csv" --edges "$work/rated-edges.csv" >/dev/null 2>&1 || fail "cannot build the rated graph"
}

# sections FILE: one line per directory entry, "kind offset length" (§3).
sections() {
  python3 - "$1" <<'PY'
import struct, sys
data = open(sys.argv[1], "rb").read()
count, directory = struct.unpack_from("<IQ", data, 44)
for i in range(count):
    kind, _, _, offset, length = struct.unpack_from("<HHIQQ", data, directory + 32 * i)
    print(kind, offset, length)
PY
}

# flip FILE OUT OFFSET MASK: OUT is FILE with the byte at OFFSET xor MASK.
flip() {
  python3 -c "
import sys
data = bytearray(open(sys.argv[1], 'rb').read())
data[int(sys.argv[3])] ^= int(sys.argv[4])
open(sys.argv[2], 'wb').write(data)" "$@"
}

# red_pixels PNG: how many pixels have the colour the viewer marks findings with.
red_pixels() {
  python3 - "$here" "$1" <<'PY'
import sys
sys.path.insert(0, sys.argv[1])
from png_check import decode
width, height, channels, rows = decode(sys.argv[2])
print(sum(1 for line in rows for x in range(0, len(line), channels) if tuple(line[x:x + 3]) == (255, 40, 40)))
PY
}

# check_walk FILE SCRIPT: runs the walk headlessly and compares the dumped state with the path
# predicted step by step from `mmgraph neighbors --json`.
check_walk() {
  local file=$1 script=$2
  headless "$file" --walk "$script" --dump-state "$work/state.json" --frames 2 >"$work/out" 2>"$work/err" ||
    fail "the viewer exited with $? ($(cat "$work/err"))"
  python3 - "$mmgraph" "$file" "$script" "$work/state.json" <<'PY' || fail "walk state differs from the CLI's neighbour order"
import json, subprocess, sys
mmgraph, path, script, state_path = sys.argv[1:]
state = json.load(open(state_path))

def neighbors(key, direction):
    out = subprocess.run([mmgraph, "neighbors", path, "--key", str(key), "--direction", direction, "--json"],
                         check=True, capture_output=True, text=True).stdout
    return json.loads(out)

def vertex(index):
    return json.loads(subprocess.run([mmgraph, "get", path, "--index", str(index), "--json"],
                                     check=True, capture_output=True, text=True).stdout)

history = [vertex(0)["key"]]  # the viewer opens at vertex 0
position = 0
def visit(key):
    global history, position
    if history[position] == key:
        return
    history = history[:position + 1] + [key]
    position = len(history) - 1

for line in open(script):
    words = line.split(None, 1)
    if not words or words[0].startswith("#"):
        continue
    step, arg = words[0], (words[1].strip() if len(words) > 1 else "")
    if step == "key":
        visit(arg)
    elif step == "index":
        visit(vertex(int(arg))["key"])
    elif step in ("out", "in"):
        visit(neighbors(history[position], step)[int(arg)]["key"])
    elif step == "back":
        position -= 1
    elif step == "forward":
        position += 1

want_key = history[position]
want = vertex(json.loads(subprocess.run([mmgraph, "get", path, "--key", str(want_key), "--json"],
                                        check=True, capture_output=True, text=True).stdout)["index"])
problems = []
if state["file"] != path: problems.append("file")
if state["current"]["key"] != want_key: problems.append("current key %r, want %r" % (state["current"]["key"], want_key))
if state["current"]["index"] != want["index"]: problems.append("current index")
if state["current"]["label"] != want["label"]: problems.append("current label %r, want %r" % (state["current"]["label"], want["label"]))
if state["history"] != history: problems.append("history %r, want %r" % (state["history"], history))
if state["history_position"] != position: problems.append("history_position %r, want %r" % (state["history_position"], position))
if state["errors"] != []: problems.append("errors %r" % state["errors"])
if problems:
    sys.exit("; ".join(problems))
PY
}

case $case_name in
walk_generated)
  build_generated "$work/g.mmg"
  printf 'key v0\nout 5\nin 0\nback\nback\nout 150\nout 0\nin 1\nback\nforward\n# a comment\nkey v0\nin 3\nindex 17\nback\nforward\n' >"$work/walk.txt"
  check_walk "$work/g.mmg" "$work/walk.txt"
  ;;
walk_sample)
  build_sample "$work/deb.mmg"
  printf 'key libc6\nin 0\nout 0\nin 1\nback\nback\nforward\nkey debconf\nin 10\n' >"$work/walk.txt"
  check_walk "$work/deb.mmg" "$work/walk.txt"
  # A step that cannot be done is reported with its line, and the run still succeeds.
  printf 'key libc6\nkey no-such-package\nout 100000\n' >"$work/bad.txt"
  headless "$work/deb.mmg" --walk "$work/bad.txt" --dump-state "$work/state.json" >/dev/null 2>&1 || fail "exit $? on failed steps"
  python3 - "$work/state.json" <<'PY' || fail "failed steps not reported"
import json, sys
s = json.load(open(sys.argv[1]))
assert s["current"]["key"] == "libc6", s
assert len(s["errors"]) == 2 and s["errors"][0].startswith("walk line 2:") and s["errors"][1].startswith("walk line 3:"), s
PY
  # A malformed script is a usage error.
  printf 'jump 3\n' >"$work/bad.txt"
  status=0
  headless "$work/deb.mmg" --walk "$work/bad.txt" >/dev/null 2>"$work/err" || status=$?
  [ "$status" -eq 2 ] || fail "malformed script: exit $status, want 2"
  grep -q "line 1" "$work/err" || fail "malformed script: no line number in $(cat "$work/err")"
  ;;
screenshot)
  build_sample "$work/deb.mmg"
  printf 'key libc6\nin 0\n' >"$work/walk.txt"
  headless "$work/deb.mmg" --walk "$work/walk.txt" --screenshot "$work/shot.png" >/dev/null 2>&1 || fail "exit $?"
  python3 "$here/png_check.py" "$work/shot.png" 1280 800 || fail "the screenshot is not a real picture"
  # The smallest window the panels are laid out for, and a large screen (its own Xvfb screen).
  headless "$work/deb.mmg" --walk "$work/walk.txt" --size 800x500 --frames 4 --screenshot "$work/small.png" >/dev/null 2>&1 ||
    fail "exit $? at 800x500"
  python3 "$here/png_check.py" "$work/small.png" 800 500 || fail "the 800x500 screenshot is not a real picture"
  xvfb-run -a -s '-screen 0 2560x1440x24' "$view" "$work/deb.mmg" --walk "$work/walk.txt" --size 2560x1440 --frames 4 \
    --screenshot "$work/large.png" >/dev/null 2>&1 || fail "exit $? at 2560x1440"
  python3 "$here/png_check.py" "$work/large.png" 2560 1440 || fail "the 2560x1440 screenshot is not a real picture"
  ;;
truncated)
  build_sample "$work/deb.mmg"
  head -c 100000 "$work/deb.mmg" >"$work/cut.mmg"
  printf 'key libc6\n' >"$work/walk.txt"
  headless "$work/cut.mmg" --walk "$work/walk.txt" --dump-state "$work/state.json" --screenshot "$work/cut.png" >/dev/null 2>"$work/err" ||
    fail "exit $? on a truncated file ($(cat "$work/err"))"
  python3 - "$work/state.json" <<'PY' || fail "the truncated file's error is not in the state"
import json, sys
s = json.load(open(sys.argv[1]))
assert s["current"] is None and s["history"] == [], s
assert any("truncated" in e for e in s["errors"]), s
PY
  python3 "$here/png_check.py" "$work/cut.png" 1280 800 8 || fail "the error screen is blank"
  # A record damaged behind an intact header opens; walking onto it reports the reader's
  # message (section and offset) and the viewer goes on.
  python3 - "$work/deb.mmg" "$work/damaged.mmg" <<'PY'
import struct, sys
data = bytearray(open(sys.argv[1], "rb").read())
count, directory = struct.unpack_from("<IQ", data, 44)
for i in range(count):
    kind, _, _, offset = struct.unpack_from("<HHIQ", data, directory + 32 * i)
    if kind == 4:  # vertices (spec 5.1): vertex 1's node slot points far past its domain
        slots = struct.unpack_from("<I", data, offset)[0]
        base = offset + (8 + 2 * slots + 7) // 8 * 8
        data[base + slots * 8 + 4] = 0xFF
open(sys.argv[2], "wb").write(data)
PY
  printf 'index 1\nindex 2\n' >"$work/walk.txt"
  headless "$work/damaged.mmg" --walk "$work/walk.txt" --dump-state "$work/state.json" >/dev/null 2>&1 || fail "exit $? on a damaged record"
  python3 - "$work/state.json" <<'PY' || fail "the damaged record's error is not in the state"
import json, sys
s = json.load(open(sys.argv[1]))
assert s["current"]["index"] == 2 and s["history"][1] is None, s
assert any("section nodes" in e and "offset" in e for e in s["errors"]), s
PY
  # A foreign file (this script) is refused by its magic, with the same outcome.
  headless "$0" --dump-state "$work/state.json" >/dev/null 2>&1 || fail "exit $? on a foreign file"
  python3 -c "import json,sys; s=json.load(open(sys.argv[1])); assert any('magic' in e for e in s['errors']), s" "$work/state.json" ||
    fail "the foreign file's error is not in the state"
  ;;
fast_keys)
  # Key presses and releases that arrive between two frames, as xdotool sends them: Alt+Left
  # must walk back, and Ctrl+Q must end the run (the frame cap is far past the time limit).
  command -v xdotool >/dev/null || fail "xdotool is not installed (scripts/setup.sh installs it)"
  build_generated "$work/g.mmg"
  printf 'key v0\nout 5\n' >"$work/walk.txt"
  xvfb-run -a -s '-screen 0 1280x800x24' bash -c '
    "$1" "$2" --walk "$3" --dump-state "$4" --frames 1000000 & viewer=$!
    window=$(timeout 30 xdotool search --sync --onlyvisible --name "^mmgraph-view$" | head -n 1)
    xdotool windowfocus --sync "$window"
    sleep 1  # the window drawing frames, with the focus
    xdotool key alt+Left
    sleep 0.5
    xdotool key ctrl+q
    timeout 60 tail --pid=$viewer -f /dev/null || { kill $viewer; exit 1; }
    wait $viewer' _ "$view" "$work/g.mmg" "$work/walk.txt" "$work/state.json" >/dev/null 2>"$work/err" ||
    fail "the viewer did not quit on Ctrl+Q ($(cat "$work/err"))"
  python3 - "$work/state.json" <<'PY' || fail "Alt+Left was lost"
import json, sys
s = json.load(open(sys.argv[1]))
assert len(s["history"]) == 2 and s["history_position"] == 0 and s["current"]["key"] == "v0", s
PY
  ;;
open_dialog)
  # Ctrl+O, a folder's path and Enter browse into it, a file's path and Enter open it; a second
  # Ctrl+O is closed by Escape, after which Ctrl+Q (ignored while the path field has the
  # keyboard) ends the run.
  command -v xdotool >/dev/null || fail "xdotool is not installed (scripts/setup.sh installs it)"
  build_generated "$work/g.mmg"
  mkdir "$work/sub"
  cp "$work/g.mmg" "$work/sub/h.mmg"
  xvfb-run -a -s '-screen 0 1280x800x24' bash -c '
    "$1" "$2" --dump-state "$3" --frames 1000000 & viewer=$!
    window=$(timeout 30 xdotool search --sync --onlyvisible --name "^mmgraph-view$" | head -n 1)
    xdotool windowfocus --sync "$window"
    sleep 1
    xdotool key ctrl+o; sleep 0.5
    xdotool type --delay 20 "$4/sub"; xdotool key Return; sleep 0.5
    xdotool type --delay 20 "$4/sub/h.mmg"; xdotool key Return; sleep 0.5
    xdotool key ctrl+o; sleep 0.5
    xdotool key Escape; sleep 0.5
    xdotool key ctrl+q
    timeout 60 tail --pid=$viewer -f /dev/null || { kill $viewer; exit 1; }
    wait $viewer' _ "$view" "$work/g.mmg" "$work/state.json" "$work" >/dev/null 2>"$work/err" ||
    fail "the viewer did not quit: Escape left the dialog open? ($(cat "$work/err"))"
  python3 - "$work/state.json" "$work/sub/h.mmg" <<'PY' || fail "the file chosen in the Open dialog was not opened"
import json, sys
s = json.load(open(sys.argv[1]))
assert s["file"] == sys.argv[2], s
PY
  ;;
neighbourhood)
  build_rmat "$work/rmat.mmg"
  # The busiest ids of an R-MAT graph are its smallest; n4095 has few edges or none.
  for key in n0 n1 n2 n5 n10 n50 n100 n1000 n4095; do
    check_neighbourhood "$work/rmat.mmg" "$key" 1280x800
  done
  check_neighbourhood "$work/rmat.mmg" n1 800x500
  check_neighbourhood "$work/rmat.mmg" n1 2560x1440
  ;;
neighbourhood_hub)
  build_rmat "$work/rmat.mmg"
  check_neighbourhood "$work/rmat.mmg" hub 1280x800
  python3 - "$work/state.json" <<'PY' || fail "the hub's neighbourhood shows no distinct neighbours"
import json, sys
hood = json.load(open(sys.argv[1]))["neighbourhood"]
first = {e["to"] for e in hood["edges"] if e["from"] == 0} | {e["from"] for e in hood["edges"] if e["to"] == 0}
assert len(first) >= 24, len(first)  # 12 out- and 12 in-neighbours
assert hood["left_out"]["self_loops"] > 0 and hood["left_out"]["repeats"] > 0, hood["left_out"]
PY
  ;;
integrity)
  build_sample "$work/deb.mmg"
  # A flipped byte in each section: verify in the background reports the section's checksum. The
  # small tables are parsed at open, so the byte is the first from the middle whose flip still
  # opens (mmgraph info opens the file as the viewer does).
  while read -r kind offset length; do
    [ "$length" -gt 0 ] || continue
    found=
    for k in $(seq 0 $((length - 1))); do
      at=$((offset + (length / 2 + k) % length))
      flip "$work/deb.mmg" "$work/flip.mmg" "$at" 4
      if "$mmgraph" info "$work/flip.mmg" >/dev/null 2>&1; then found=$at; break; fi
    done
    [ -n "$found" ] || fail "no byte of section kind $kind can be flipped with the file still opening"
    headless "$work/flip.mmg" --dump-state "$work/state.json" >/dev/null 2>&1 || fail "exit $? on a flipped byte in section kind $kind"
    python3 - "$work/state.json" "$kind" "$offset" "$found" <<'PY' || fail "the flip in section kind $kind is not reported at its section"
import json, sys
names = {1: "strings", 2: "schema", 3: "node_types", 4: "vertices", 5: "nodes", 6: "out_edges", 7: "in_edges", 8: "edge_props", 9: "key_index", 10: "label_sets", 11: "id_spaces", 12: "key_table", 13: "out_runs", 14: "in_runs", 15: "key_table"}
s = json.load(open(sys.argv[1]))
kind, offset, flipped = int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
assert s["current"] is not None, s
assert any(f["section"] == names[kind] and f["offset"] == offset and "checksum" in f["message"] for f in s["findings"]), (flipped, s["findings"])
PY
  done < <(sections "$work/deb.mmg")
  # Issue 17's damaged file that opens: one flipped byte in an adjacency record's first ordinal.
  build_rated "$work/rated.mmg"
  at=$(python3 - "$work/rated.mmg" <<'PY'
import struct, sys
data = open(sys.argv[1], "rb").read()
count, directory = struct.unpack_from("<IQ", data, 44)
where = {}
for i in range(count):
    kind, _, _, offset = struct.unpack_from("<HHIQ", data, directory + 32 * i)
    where[kind] = offset
slots = struct.unpack_from("<I", data, where[4])[0]
base = where[4] + (8 + 2 * slots + 7) // 8 * 8
out_slot = struct.unpack_from("<Q", data, base + 8)[0]  # vertex 0's out_edges slot (5.1)
# One edge type: the record is the block's first ordinal alone, its degree and entries being the
# out_runs section's (7, 7.3).
print(where[6] + (out_slot & 0x0000FFFFFFFFFFFC))
PY
)
  flip "$work/rated.mmg" "$work/ordinal.mmg" $((at + 6)) 255
  printf 'index 0\n' >"$work/walk.txt"
  headless "$work/ordinal.mmg" --walk "$work/walk.txt" --dump-state "$work/state.json" --screenshot "$work/ordinal.png" >/dev/null 2>&1 ||
    fail "exit $? on a flipped ordinal"
  python3 - "$work/state.json" "$at" <<'PY' || fail "the flipped ordinal is not reported at its field"
import json, sys
s = json.load(open(sys.argv[1]))
at = int(sys.argv[2])
assert s["current"]["index"] == 0 and s["errors"] == [], s
assert any(f["section"] == "out_edges" and f["offset"] == at and "71776119061217280 out of sequence" in f["message"] for f in s["findings"]), s["findings"]
PY
  headless "$work/rated.mmg" --walk "$work/walk.txt" --dump-state "$work/state.json" --screenshot "$work/rated.png" >/dev/null 2>&1 || fail "exit $? on the intact file"
  python3 -c "import json,sys; s=json.load(open(sys.argv[1])); assert s['findings'] == [], s" "$work/state.json" || fail "findings in an intact file"
  bad=$(red_pixels "$work/ordinal.png")
  good=$(red_pixels "$work/rated.png")
  [ "$good" -eq 0 ] && [ "$bad" -gt 200 ] || fail "findings are not drawn: $bad red pixels for the damaged file, $good for the intact one"
  ;;
failed_open)
  build_sample "$work/deb.mmg"
  head -c 100000 "$work/deb.mmg" >"$work/cut.mmg"
  printf 'key libc6\nopen %s\nin 0\n' "$work/cut.mmg" >"$work/walk.txt"
  headless "$work/deb.mmg" --walk "$work/walk.txt" --dump-state "$work/state.json" --screenshot "$work/kept.png" >/dev/null 2>&1 ||
    fail "exit $? after a failed open"
  python3 - "$work/state.json" "$work/deb.mmg" <<'PY' || fail "a failed open did not keep the file"
import json, sys
s = json.load(open(sys.argv[1]))
assert s["file"] == sys.argv[2], s
assert len(s["history"]) == 3 and s["history"][1] == "libc6" and s["history_position"] == 2, s  # the walk went on from libc6
assert len(s["errors"]) == 1 and s["errors"][0].startswith("walk line 2:") and "truncated" in s["errors"][0], s
assert s["findings"] == [], s
PY
  python3 "$here/png_check.py" "$work/kept.png" 1280 800 || fail "the screenshot after a failed open is not a real picture"
  ;;
timing)
  # 2M vertices and 4M edges: verify takes seconds, so the first half of the frames is drawn
  # while it runs. The frame time with verify running must stay near that with no worker.
  # Under a sanitizer, times measure the instrumentation: skipped (ctest's skip code).
  if [ -n "${MMGRAPH_SANITIZED:-}" ]; then
    echo "skipped [timing]: frame times mean nothing in a sanitizer build"
    exit 77
  fi
  python3 -c "
n = 2_000_000
with open('$work/ring.txt', 'w') as f:
    f.write(''.join(f'{i}\t{(i + 1) % n}\n{i}\t{(i * 7919 + 13) % n}\n' for i in range(n)))"
  "$mmgraph" build -q -o "$work/ring.mmg" --edgelist "$work/ring.txt" >/dev/null 2>&1 || fail "cannot build the ring graph"
  rm -f "$work/ring.txt"
  headless "$work/ring.mmg" --frames 120 --timing >"$work/out" 2>"$work/err" || fail "exit $? ($(cat "$work/err"))"
  grep '^timing: ' "$work/out" || fail "no timing line"
  python3 - "$work/out" <<'PY' || fail "frames are slower while verify runs"
import json, sys
t = json.loads(open(sys.argv[1]).read().split("timing: ", 1)[1])
assert t["verify_frames"] >= 30 and t["idle_frames"] >= 30, t
# Under load from other processes both grow alike; verify's thread runs at a lower priority.
limit = max(10.0, 1.5 * t["idle_median_ms"])
print("frame time at %s: median %.1f ms while verify ran (%d frames), %.1f ms with no worker; limit %.1f ms"
      % (t["size"], t["verify_median_ms"], t["verify_frames"], t["idle_median_ms"], limit))
assert t["verify_median_ms"] <= limit, t
PY
  ;;
offsets)
  # A walk step `offset N` in the middle of every section, and in the header and directory:
  # the selected byte names that section and, in a vertex's record, the vertex with the key
  # `mmgraph get` gives for it.
  build_sample "$work/deb.mmg"
  "$mmgraph" info "$work/deb.mmg" --json >"$work/info.json" || fail "mmgraph info failed"
  python3 - "$work/info.json" "$work/deb.mmg" >"$work/offsets.txt" <<'PY'
import json, struct, sys
info = json.load(open(sys.argv[1]))
directory = struct.unpack_from("<Q", open(sys.argv[2], "rb").read(64), 48)[0]  # spec 2.2
print("header 8")
print("directory %d" % (directory + 8))
for s in info["sections"]:
    print("%s %d" % (s["name"], s["offset"] + s["size"] // 2))
PY
  while read -r area offset; do
    printf 'offset 0x%x\n' "$offset" >"$work/walk.txt"
    headless "$work/deb.mmg" --walk "$work/walk.txt" --dump-state "$work/state.json" --frames 2 >/dev/null 2>"$work/err" ||
      fail "exit $? at offset $offset ($(cat "$work/err"))"
    python3 - "$work/state.json" "$area" "$offset" "$mmgraph" "$work/deb.mmg" <<'PY' || fail "offset $offset does not name its owner in $area"
import json, re, subprocess, sys
state, area, offset, mmgraph, path = json.load(open(sys.argv[1])), sys.argv[2], int(sys.argv[3]), sys.argv[4], sys.argv[5]
b = state["selected_byte"]
assert b is not None and b["offset"] == offset, b
assert b["section"] == area, (b, area)
assert b["owner"].startswith(area), b
if b["vertex"] is not None:
    got = json.loads(subprocess.run([mmgraph, "get", path, "--index", str(b["vertex"]), "--json"], check=True, capture_output=True, text=True).stdout)
    assert "vertex %d (key '%s')" % (b["vertex"], got["key"]) in b["owner"], (b, got["key"])
print("%s: %s" % (hex(offset), b["owner"]))
PY
  done <"$work/offsets.txt"
  ;;
labels)
  golden=$root/tests/data/labels.mmg
  "$mmgraph" info "$golden" --json >"$work/info.json" || fail "mmgraph info failed"
  sets=$(python3 -c 'import json,sys; print(next(s["offset"] for s in json.load(open(sys.argv[1]))["sections"] if s["name"] == "label_sets"))' "$work/info.json")
  printf 'key lana
offset %d
' "$((sets + 0x14))" >"$work/walk.txt"
  headless "$golden" --walk "$work/walk.txt" --dump-state "$work/state.json" --screenshot "$work/labels.png" >/dev/null 2>"$work/err" ||
    fail "exit $? ($(cat "$work/err"))"
  python3 - "$work/state.json" <<'PY' || fail "the walker or the byte owner lacks the labels"
import json, sys
s = json.load(open(sys.argv[1]))
assert s["current"]["key"] == "lana", s["current"]
assert s["current"]["labels"] == ["Person", "Actor", "Director"] and s["current"]["label"] == "Person;Actor;Director", s["current"]
b = s["selected_byte"]
assert b["section"] == "label_sets" and "label set 6 (Movie;Sequel)" in b["owner"], b
assert s["errors"] == [] and s["findings"] == [], s
PY
  python3 "$here/png_check.py" "$work/labels.png" 1280 800 || fail "the screenshot is not a real picture"
  ;;
no_display)
  status=0
  env -u DISPLAY -u WAYLAND_DISPLAY "$view" "$0" >/dev/null 2>"$work/err" || status=$?
  [ "$status" -ne 0 ] || fail "exit 0 without a display"
  grep -q "no display" "$work/err" || fail "no clear message: $(cat "$work/err")"
  ;;
*)
  fail "unknown case"
  ;;
esac
echo "ok [$case_name]"
