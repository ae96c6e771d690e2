#!/usr/bin/env bash
# End-to-end tests of the mmgraph tool on the fixtures in tests/cli/data.
#
#     cli_test.sh MMGRAPH CASE
#     cli_test.sh --list        # the cases, one a line: the arms of the case statement below
#
# JSON output is parsed and checked with python3.
set -euo pipefail

if [ "${1:-}" = --list ]; then
  sed -n 's/^\([a-z_][a-z0-9_]*\))$/\1/p' "$0"
  exit 0
fi

mmgraph=$1
case_name=$2
data=$(cd "$(dirname "$0")/data" && pwd)
golden=$(cd "$(dirname "$0")/../data" && pwd)  # the library's golden files (intkeys.mmg has no in-edges)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

fail() {
  echo "FAIL [$case_name]: $*" >&2
  exit 1
}

# check JSON_FILE EXPRESSION...: each Python expression over the parsed JSON `j` is True.
check() {
  local file=$1
  shift
  python3 - "$file" "$@" <<'EOF' || fail "JSON check failed on $file"
import json, sys
j = json.load(open(sys.argv[1]))
for expression in sys.argv[2:]:
    if eval(expression) is not True:
        sys.exit("false: %s\n  in %s" % (expression, json.dumps(j)[:3000]))
EOF
}

# run CODE CMD...: runs CMD with stdout in $work/out and stderr in $work/err, wants exit CODE.
run() {
  local want=$1
  shift
  local status=0
  "$@" >"$work/out" 2>"$work/err" || status=$?
  [ "$status" -eq "$want" ] || fail "exit $status, wanted $want: $*
stdout: $(head -c 2000 "$work/out")
stderr: $(head -c 2000 "$work/err")"
}

# has FILE TEXT: FILE contains TEXT (fixed string).
has() {
  grep -qF -- "$2" "$1" || fail "$(basename "$1") lacks '$2':
$(head -c 2000 "$1")"
}

# json_of OUT CMD...: runs CMD, which must exit 0, and keeps its stdout (one JSON document) in OUT.
json_of() {
  local json=$1
  shift
  run 0 "$@"
  cp "$work/out" "$json"
}

# get_json FILE ARGS...: `mmgraph get FILE ARGS --json` into $work/v.json.
get_json() {
  json_of "$work/v.json" "$mmgraph" get "$@" --json
}

# refused FILE MESSAGE: building the node file $work/FILE fails with FILE:MESSAGE, leaving no file.
refused() {
  run 1 "$mmgraph" build -o "$work/refused.mmg" --nodes "$work/$1" --quiet
  has "$work/err" "$1:$2"
  [ ! -e "$work/refused.mmg" ] || fail "$1: output left behind"
}

build_social() {  # the typed fixture graph at $work/g.mmg
  run 0 "$mmgraph" build -o "$work/g.mmg" --nodes "$data/people.csv" --edges "$data/relationships.csv" --quiet
}

case "$case_name" in

build_types)
  build_social
  has "$work/err" "vertices     4"
  has "$work/err" "edges        5"
  has "$work/err" "peak memory"
  run 0 "$mmgraph" verify "$work/g.mmg"
  get_json "$work/g.mmg" --key ada
  check "$work/v.json" 'j["label"] == "Person"' 'j["key"] == "ada"' \
    'j["attributes"] == {"id": "ada", "name": "Ada Lovelace", "age": 36, "big": 10000000000, "score": 9.5, "weight": 60.25,
                         "active": True, "small": 7, "mid": 300, "ints": [1, 2, 3], "longs": [4, 5],
                         "floats": [0.5, 1.5], "doubles": [2.25], "flags": [True, False]}'
  get_json "$work/g.mmg" --key alan
  check "$work/v.json" 'j["attributes"]["score"] == 0.1' 'j["attributes"]["active"] is False' \
    'j["attributes"]["small"] == -8' 'j["attributes"]["mid"] == -300' 'j["attributes"]["big"] == -5' \
    'j["attributes"]["ints"] is None' 'j["attributes"]["flags"] is None'
  # Quoted empty fields: empty lists; empty unquoted fields: null.
  get_json "$work/g.mmg" --key grace
  check "$work/v.json" 'j["attributes"]["ints"] == [] and j["attributes"]["flags"] == []' \
    'j["attributes"]["age"] is None and j["attributes"]["active"] is None'
  json_of "$work/info.json" "$mmgraph" info "$work/g.mmg" --json
  check "$work/info.json" \
    '[(a["name"], a["type"], a["nullable"]) for a in j["schema"]["labels"][0]["attributes"]] == [
       ("id", "string", True), ("name", "string", True), ("age", "int32", True), ("big", "int64", True), ("score", "float32", True),
       ("weight", "float64", True), ("active", "bool", True), ("small", "int8", True), ("mid", "int16", True),
       ("ints", "int32[]", True), ("longs", "int64[]", True), ("floats", "float32[]", True),
       ("doubles", "float64[]", True), ("flags", "bool[]", True)]' \
    '[(a["name"], a["type"]) for a in j["schema"]["edge_types"][0]["attributes"]] == [("since", "int32"), ("weight", "float64")]' \
    '[t["name"] for t in j["schema"]["edge_types"]] == ["KNOWS", "LIVES_IN"]'
  ;;

quoting)
  run 0 "$mmgraph" build -o "$work/q.mmg" --nodes "$data/quoting.csv" --quiet
  has "$work/err" "vertices     8"
  declare -A expected=(
    [q1]='"a, b"' [q2]='"line1\nline2"' [q3]='"say \"hi\""' [q4]='"ünïcødé ✓, \"ok\""'
    [q5]='""' [q6]='None' ['q"7']='"\""' [q8]='"plain \"inner\" quote"'
  )
  for key in "${!expected[@]}"; do
    get_json "$work/q.mmg" --key "$key"
    check "$work/v.json" "j[\"attributes\"][\"text\"] == ${expected[$key]}" "j[\"key\"] == $(python3 -c 'import json,sys; print(json.dumps(sys.argv[1]))' "$key")"
  done
  # The line after a multi-line field is counted right: the bad value is on line 5.
  printf 'id:ID,text,n:int\na,"x\ny\nz",1\nb,B,bad\n' >"$work/multiline.csv"
  run 1 "$mmgraph" build -o "$work/m.mmg" --nodes "$work/multiline.csv"
  has "$work/err" "multiline.csv:5:5: 'bad' is not a valid int (column 'n', int)"
  # Another delimiter, and columns counted in characters, not bytes.
  printf 'id:ID\tname\tn:int\nü\tñ\t1\nv\té\tzz\n' >"$work/tabs.tsv"
  run 1 "$mmgraph" build -o "$work/t.mmg" --nodes "$work/tabs.tsv" --delimiter '\t'
  has "$work/err" "tabs.tsv:3:5: 'zz' is not a valid int"
  sed -i '$d' "$work/tabs.tsv"
  run 0 "$mmgraph" build -o "$work/t.mmg" --nodes "$work/tabs.tsv" --delimiter tab
  get_json "$work/t.mmg" --key ü
  check "$work/v.json" 'j["attributes"] == {"id": "ü", "name": "ñ", "n": 1}'
  # A different array delimiter.
  printf 'id:ID,v:long[]\na,"1,2,3"\n' >"$work/arrays.csv"
  run 0 "$mmgraph" build -o "$work/a.mmg" --nodes "$work/arrays.csv" --array-delimiter ,
  get_json "$work/a.mmg" --key a
  check "$work/v.json" 'j["attributes"]["v"] == [1, 2, 3]'
  ;;

crlf)
  run 0 "$mmgraph" build -o "$work/c.mmg" --nodes "$data/crlf.csv" --quiet
  get_json "$work/c.mmg" --key c1
  check "$work/v.json" 'j["label"] == "Thing"' 'j["attributes"] == {"id": "c1", "name": "multi\r\nline", "n": 1}'
  get_json "$work/c.mmg" --key c2
  check "$work/v.json" 'j["attributes"] == {"id": "c2", "name": "last", "n": 2}'
  get_json "$work/c.mmg" --key c3
  check "$work/v.json" 'j["attributes"] == {"id": "c3", "name": "\"q\"", "n": 3}'
  # The CR of a CRLF is not part of the last field, nor counted as a column.
  printf 'id:ID,n:int\r\na,1\r\nb,zz\r\n' >"$work/bad.csv"
  run 1 "$mmgraph" build -o "$work/b.mmg" --nodes "$work/bad.csv"
  has "$work/err" "bad.csv:3:3: 'zz' is not a valid int"
  # A short row reads its missing fields as absent (as neo4j-admin does), also before a CRLF.
  printf 'id:ID,n:int\r\na,1\r\nb\r\n' >"$work/short.csv"
  run 0 "$mmgraph" build -o "$work/b.mmg" --nodes "$work/short.csv" --quiet
  get_json "$work/b.mmg" --key b
  check "$work/v.json" 'j["attributes"] == {"id": "b", "n": None}' 
  ;;

two_files)
  run 0 "$mmgraph" build -o "$work/g.mmg" --nodes "$data/people.csv" --nodes "$data/people_extra.csv" \
    --edges "$data/relationships.csv" --quiet
  json_of "$work/info.json" "$mmgraph" info "$work/g.mmg" --json
  check "$work/info.json" 'j["labels"] == {"Person": 4, "City": 2}' \
    '[a["name"] for a in j["schema"]["labels"][0]["attributes"]][-2:] == ["flags", "email"]' \
    '[a["name"] for a in j["schema"]["labels"][1]["attributes"]][-1] == "email"'
  get_json "$work/g.mmg" --key bob
  check "$work/v.json" 'j["attributes"]["email"] == "bob@example.com"' 'j["attributes"]["age"] == 50' \
    'j["attributes"]["name"] is None' 'j["attributes"]["ints"] is None'
  get_json "$work/g.mmg" --key ada
  check "$work/v.json" 'j["attributes"]["email"] is None' 'j["attributes"]["age"] == 36'
  get_json "$work/g.mmg" --key paris
  check "$work/v.json" 'j["label"] == "City"' 'j["attributes"]["email"] is None'
  # A column typed differently in two files that share a label.
  printf 'id:ID,:LABEL,age:long\nzed,Person,1\n' >"$work/conflict.csv"
  run 1 "$mmgraph" build -o "$work/x.mmg" --nodes "$data/people.csv" --nodes "$work/conflict.csv"
  has "$work/err" "conflict.csv:1:14: column 'age' is long here but int at $data/people.csv:1:19, and both files hold label 'Person'"
  [ ! -e "$work/x.mmg" ] || fail "output left behind"
  ;;

edgelist)
  run 0 "$mmgraph" build -o "$work/e.mmg" --edgelist "$data/edges.txt" --quiet
  has "$work/err" "vertices     4"
  has "$work/err" "edges        5"
  json_of "$work/info.json" "$mmgraph" info "$work/e.mmg" --json
  check "$work/info.json" 'j["key_type"] == "int64"' 'j["vertices"] == 4' 'j["edges"] == 5' \
    'j["labels"] == {"Vertex": 4}' 'j["edge_types"] == {"EDGE": 5}'
  # Vertices in order of first appearance: 1 2 3 10.
  for pair in 1:0 2:1 3:2 10:3; do
    get_json "$work/e.mmg" --key "${pair%%:*}"
    check "$work/v.json" "j[\"key\"] == ${pair%%:*}" "j[\"index\"] == ${pair##*:}"
  done
  get_json "$work/e.mmg" --key 1
  check "$work/v.json" 'j["out_degree"] == {"EDGE": 2}' 'j["in_degree"] == {"EDGE": 2}'
  get_json "$work/e.mmg" --key 2
  check "$work/v.json" 'j["out_degree"] == {"EDGE": 1}' 'j["in_degree"] == {"EDGE": 2}'
  run 1 "$mmgraph" get "$work/e.mmg" --key abc
  has "$work/err" "mmgraph: key 'abc' is not an integer"
  run 1 "$mmgraph" get "$work/e.mmg" --key 99
  has "$work/err" "no vertex has the key '99'"
  # Edge list round trip: dump writes :ID{id-type:integer} (no attribute holds the key), and a build without options
  # turns the CSV back into the same bytes.
  run 0 "$mmgraph" dump "$work/e.mmg" --out "$work/dump"
  has "$work/dump/nodes-000001.csv" ":ID{id-type:integer},:LABEL"
  run 0 "$mmgraph" build -o "$work/re.mmg" --nodes "$work/dump"/nodes*.csv --edges "$work/dump"/edges*.csv --quiet
  cmp "$work/e.mmg" "$work/re.mmg" || fail "rebuild of the edge-list graph differs from the original"
  run 2 "$mmgraph" build -o "$work/x.mmg" --edgelist "$data/edges.txt" --id-type fancy
  run 1 "$mmgraph" build -o "$work/x.mmg" --edgelist "$data/edges.txt" --id-type string
  has "$work/err" "edge list ids are integers"
  # Past one staging chunk (2^18 edges) the edges wait in --temp-dir: a directory that does
  # not exist fails the build with its name, and leaves nothing at the output path.
  awk 'BEGIN { for (i = 0; i < 300000; ++i) print i % 5000, (i * 7) % 5000 }' >"$work/big.txt"
  run 1 "$mmgraph" build -o "$work/big.mmg" --edgelist "$work/big.txt" --temp-dir "$work/missing" --quiet
  has "$work/err" "temporary file for staged edges in $work/missing"
  [ ! -e "$work/big.mmg" ] || fail "output left behind"
  # Past a chunk of plain edges (2^20) the failure comes while edges are added: it names the
  # line of the first edge not added (the 2^20 + 1st, after one comment line).
  awk 'BEGIN { print "# from a test"; for (i = 0; i < 1100000; ++i) print i % 5000, (i * 7) % 5000 }' >"$work/bigger.txt"
  run 1 "$mmgraph" build -o "$work/bigger.mmg" --edgelist "$work/bigger.txt" --temp-dir "$work/missing" --quiet
  has "$work/err" "$work/bigger.txt:1048578:1: "
  has "$work/err" "temporary file for staged edges in $work/missing"
  [ ! -e "$work/bigger.mmg" ] || fail "output left behind"
  rm "$work/bigger.txt"
  run 0 "$mmgraph" build -o "$work/big.mmg" --edgelist "$work/big.txt" --temp-dir "$work" --quiet
  has "$work/err" "edges        300000"
  run 0 "$mmgraph" verify "$work/big.mmg"
  # That failure is the environment's, not a row's: --skip-bad-rows must not skip it.
  awk 'BEGIN { print "id:ID"; for (i = 0; i < 100; ++i) print i }' >"$work/big_nodes.csv"
  awk 'BEGIN { print ":START_ID,:END_ID,:TYPE"; for (i = 0; i < 300000; ++i) print i % 100 "," (i * 7) % 100 ",R" }' >"$work/big_edges.csv"
  run 1 "$mmgraph" build -o "$work/big.mmg" --nodes "$work/big_nodes.csv" --edges "$work/big_edges.csv" \
    --skip-bad-rows --temp-dir "$work/missing" --quiet
  has "$work/err" "temporary file for staged edges in $work/missing"
  ! grep -q "row skipped" "$work/err" || fail "an I/O failure was skipped as a bad row"
  ;;

id_types)
  # Integer ids from CSV: --id-type integer, or the header option id:ID{id-type:integer}.
  printf 'id:ID,:LABEL,name\n7,P,seven\n-2,P,minus two\n+40,P,forty\n' >"$work/int_nodes.csv"
  printf ':START_ID,:END_ID,:TYPE\n7,-2,R\n40,7,R\n' >"$work/int_rels.csv"
  run 0 "$mmgraph" build -o "$work/i.mmg" --nodes "$work/int_nodes.csv" --edges "$work/int_rels.csv" --id-type integer --quiet
  json_of "$work/info.json" "$mmgraph" info "$work/i.mmg" --json
  check "$work/info.json" 'j["key_type"] == "int64"'
  get_json "$work/i.mmg" --key 40
  check "$work/v.json" 'j["key"] == 40 and j["attributes"]["name"] == "forty"' 'j["out_degree"] == {"R": 1}'
  # A named :ID column is also an attribute, typed as the key (neo4j-admin keeps it as a
  # property); an unnamed :ID stores none.
  check "$work/v.json" 'j["attributes"]["id"] == 40'
  check "$work/info.json" '[(a["name"], a["type"]) for a in j["schema"]["labels"][0]["attributes"]] == [("id", "int64"), ("name", "string")]'
  sed '1s/.*/:ID,:LABEL,name/' "$work/int_nodes.csv" >"$work/unnamed.csv"
  run 0 "$mmgraph" build -o "$work/u.mmg" --nodes "$work/unnamed.csv" --id-type integer --quiet
  get_json "$work/u.mmg" --key 40
  check "$work/v.json" 'j["attributes"] == {"name": "forty"}'
  printf 'n:ID,:LABEL,name,n:int\n1,P,a,2\n' >"$work/twice.csv"
  run 1 "$mmgraph" build -o "$work/x.mmg" --nodes "$work/twice.csv"
  has "$work/err" "$work/twice.csv:1:18: column 'n' appears twice"
  sed '1s/.*/id:ID{id-type: Integer},:LABEL,name/' "$work/int_nodes.csv" >"$work/int_nodes_opt.csv"
  run 0 "$mmgraph" build -o "$work/h.mmg" --nodes "$work/int_nodes_opt.csv" --edges "$work/int_rels.csv" --quiet
  cmp "$work/i.mmg" "$work/h.mmg" || fail "the header option and --id-type integer give different files"
  # Errors name the file, line and column.
  printf 'id:ID,:LABEL\n7,P\nseven,P\n' >"$work/bad_id.csv"
  run 1 "$mmgraph" build -o "$work/x.mmg" --nodes "$work/bad_id.csv" --id-type integer
  has "$work/err" "mmgraph: $work/bad_id.csv:3:1: :ID 'seven' is not an integer"
  printf ':START_ID,:END_ID,:TYPE\n7,x7,R\n' >"$work/bad_end.csv"
  run 1 "$mmgraph" build -o "$work/x.mmg" --nodes "$work/int_nodes.csv" --edges "$work/bad_end.csv" --id-type integer
  has "$work/err" "mmgraph: $work/bad_end.csv:2:3: :END_ID 'x7' is not an integer"
  sed '1s/.*/id:ID{id-type:string},:LABEL,name/' "$work/int_nodes.csv" >"$work/str_nodes_opt.csv"
  run 1 "$mmgraph" build -o "$work/x.mmg" --nodes "$work/int_nodes_opt.csv" --nodes "$work/str_nodes_opt.csv"
  has "$work/err" "mmgraph: $work/str_nodes_opt.csv:1:1: id-type string here but integer from $work/int_nodes_opt.csv:1:1"
  run 1 "$mmgraph" build -o "$work/x.mmg" --nodes "$work/int_nodes_opt.csv" --id-type string
  has "$work/err" "id-type integer here but string from --id-type"
  # {label:NAME} on the :ID column: only that label stores the key's attribute; with an ID space
  # and id-type too (a quoted header field, for its comma).
  printf '"personId:ID(Person-ID){label:Person, id-type:int}",:LABEL,name\n1,Person;Employee,Ann\n2,Employee,Bo\n3,Person,Cy\n' >"$work/owned.csv"
  run 0 "$mmgraph" build -o "$work/o.mmg" --nodes "$work/owned.csv" --quiet
  json_of "$work/info.json" "$mmgraph" info "$work/o.mmg" --json
  check "$work/info.json" 'j["key_type"] == "int64"' 'j["id_spaces"] == ["Person-ID"]' \
    '{l["name"]: [(a["name"], a["type"]) for a in l["attributes"]] for l in j["schema"]["labels"]} == {
       "Person": [("personId", "int64"), ("name", "string")], "Employee": [("name", "string")]}'
  get_json "$work/o.mmg" --id-space Person-ID --key 1
  check "$work/v.json" 'j["labels"] == ["Person", "Employee"]' 'j["attributes"] == {"personId": 1, "name": "Ann"}'
  get_json "$work/o.mmg" --id-space Person-ID --key 2
  check "$work/v.json" 'j["attributes"] == {"name": "Bo"}'
  get_json "$work/o.mmg" --id-space Person-ID --key 3
  check "$work/v.json" 'j["attributes"] == {"personId": 3, "name": "Cy"}'
  # dump names the owning label where a set's other labels lack the key attribute: same bytes again
  run 0 "$mmgraph" dump "$work/o.mmg" --out "$work/dump-owned"
  has "$work/dump-owned/nodes-000001.csv" '"personId:ID(Person-ID){id-type:integer,label:Person}",:LABEL,name:string'
  run 0 "$mmgraph" build -o "$work/re-owned.mmg" --nodes "$work/dump-owned"/nodes*.csv --quiet
  cmp "$work/o.mmg" "$work/re-owned.mmg" || fail "rebuild of the {label:...} graph differs from the original"
  # malformed options: FILE:LINE:COLUMN of the header field and the reason
  for bad in 'id:ID{label:}|is not NAME:VALUE' 'id:ID{label:P,label:Q}|option label given twice' \
             ':ID{label:P}|the column has no name' 'id:ID{colour:red}|unsupported option' 'id:ID{label:P|do not end with' \
             'id:ID{id-type:float}|id-type must be integer or string' 'id:ID{}|is not NAME:VALUE' \
             'id:ID{id-type:int;label:P}|id-type must be integer or string'; do
    printf 'n:int,"%s",:LABEL\n1,1,P\n' "${bad%%|*}" >"$work/opt.csv"
    refused opt.csv "1:7: column '${bad%%|*}': "
    has "$work/err" "${bad#*|}"
  done
  printf 'id:ID,n:int{id-type:integer}\n1,2\n' >"$work/opt2.csv"
  run 1 "$mmgraph" build -o "$work/x.mmg" --nodes "$work/opt2.csv"
  has "$work/err" "$work/opt2.csv:1:7: column 'n:int{id-type:integer}': options in braces are only read on the :ID column"
  [ ! -e "$work/x.mmg" ] || fail "a failed build left $work/x.mmg"
  ;;

info)
  build_social
  json_of "$work/info.json" "$mmgraph" info "$work/g.mmg" --json
  size=$(stat -c %s "$work/g.mmg")
  check "$work/info.json" 'j["format_version"] == "2.6"' "j[\"file_size\"] == $size" \
    'j["vertices"] == 4' 'j["edges"] == 5' \
    'j["labels"] == {"Person": 3, "City": 1}' 'j["edge_types"] == {"KNOWS": 3, "LIVES_IN": 2}' \
    'j["shard_id"] == 0 and j["shard_count"] == 1' \
    'len(j["dataset_id"]) == 32 and all(c in "0123456789abcdef" for c in j["dataset_id"])' \
    'j["key_type"] == "string"' 'j["has_in_edges"] is True' \
    '[s["name"] for s in j["sections"]] == ["strings", "schema", "node_types", "vertices", "nodes", "out_edges",
                                            "in_edges", "out_runs", "in_runs", "edge_props", "edge_props", "key_table"]' \
    '[s.get("edge_type") for s in j["sections"] if s["name"] == "edge_props"] == ["KNOWS", "LIVES_IN"]' \
    'all(s["offset"] % 8 == 0 and s["offset"] + s["size"] <= j["file_size"] for s in j["sections"])' \
    'sum(t["vertices"] for t in j["node_types"]) == 4' \
    'sorted(t["label"] for t in j["node_types"]) == ["City", "Person"]' \
    'all(isinstance(t["id"], int) and all(w in (1, 2, 4, 8) for w in t["offset_widths"]) for t in j["node_types"])'
  run 0 "$mmgraph" info "$work/g.mmg"
  for text in "format      2.6" "vertices    4" "key_table" "edge_props (KNOWS)" "padding" "Person" "offset widths"; do
    has "$work/out" "$text"
  done
  # The percentages of the report add up to the whole file.
  python3 - "$work/out" <<'EOF' || fail "section percentages do not add up to 100"
import re, sys
rows = [float(m.group(1)) for m in re.finditer(r"\s([0-9.]+)%$", open(sys.argv[1]).read(), re.M)]
sys.exit(0 if abs(sum(rows) - 100) < 0.1 else "sum %s" % sum(rows))
EOF
  run 1 "$mmgraph" info "$work/missing.mmg"
  has "$work/err" "mmgraph: $work/missing.mmg: cannot open"
  ;;

verify)
  build_social
  run 0 "$mmgraph" verify "$work/g.mmg"
  has "$work/out" "$work/g.mmg: ok"
  head -c 1000 "$work/g.mmg" >"$work/truncated.mmg"
  cp "$work/g.mmg" "$work/flipped.mmg"
  run 0 "$mmgraph" info "$work/g.mmg" --json
  nodes_at=$(python3 -c 'import json,sys; print([s["offset"] for s in json.load(sys.stdin)["sections"] if s["name"] == "nodes"][0])' <"$work/out")
  printf '\x55' | dd of="$work/flipped.mmg" bs=1 seek=$((nodes_at + 1)) conv=notrunc 2>/dev/null
  run 1 "$mmgraph" verify "$work/g.mmg" "$work/truncated.mmg" "$work/flipped.mmg"
  has "$work/out" "$work/g.mmg: ok"
  has "$work/out" "$work/truncated.mmg: header declares"
  has "$work/out" "(truncated)"
  has "$work/out" "$work/flipped.mmg: section 4 (nodes, file offset"
  has "$work/out" "checksum mismatch"
  run 1 "$mmgraph" verify --json "$work/g.mmg" "$work/truncated.mmg"
  cp "$work/out" "$work/verify.json"
  check "$work/verify.json" 'len(j) == 2' \
    'j[0]["ok"] is True and j[0]["error"] is None and j[0]["file"].endswith("g.mmg")' \
    'j[1]["ok"] is False and "truncated" in j[1]["error"]'
  run 1 "$mmgraph" verify "$work/none.mmg"
  has "$work/out" "$work/none.mmg: cannot open"
  ;;

get)
  build_social
  get_json "$work/g.mmg" --key ada
  check "$work/v.json" 'j["index"] == 0' 'j["out_degree"] == {"KNOWS": 2, "LIVES_IN": 1}' 'j["in_degree"] == {}'
  # A self-loop counts once out and once in; parallel edges each count.
  get_json "$work/g.mmg" --key alan
  check "$work/v.json" 'j["out_degree"] == {"KNOWS": 1, "LIVES_IN": 1}' 'j["in_degree"] == {"KNOWS": 3}'
  get_json "$work/g.mmg" --index 3
  check "$work/v.json" 'j["key"] == "london"' 'j["label"] == "City"' 'j["out_degree"] == {}' \
    'j["in_degree"] == {"LIVES_IN": 2}' 'all(v is None for k, v in j["attributes"].items() if k not in ("id", "name"))' 'j["attributes"]["id"] == "london"'
  run 0 "$mmgraph" get "$work/g.mmg" --key ada
  has "$work/out" 'vertex 0, key "ada", label Person'
  has "$work/out" '[1,2,3]'
  has "$work/out" 'out-edges KNOWS 2, LIVES_IN 1'
  run 1 "$mmgraph" get "$work/g.mmg" --index 99
  has "$work/err" "out of range"
  run 1 "$mmgraph" get "$work/g.mmg" --key nobody
  has "$work/err" "no vertex has the key 'nobody'"
  ;;

bad_rows)
  # Each bad input: exit 1, FILE:LINE:COLUMN: reason, and nothing in the output directory.
  while IFS='|' read -r file flag message; do
    [ -n "$file" ] || continue
    out_dir="$work/out-$file"
    mkdir "$out_dir"
    if [ "$flag" = "--edges" ]; then
      run 1 "$mmgraph" build -o "$out_dir/g.mmg" --nodes "$data/people.csv" --edges "$data/$file"
    else
      run 1 "$mmgraph" build -o "$out_dir/g.mmg" "$flag" "$data/$file"
    fi
    has "$work/err" "mmgraph: $data/$file:$message"
    [ "$(wc -l <"$work/err")" -eq 1 ] || fail "$file: more than one line on stderr: $(cat "$work/err")"
    [ -z "$(ls -A "$out_dir")" ] || fail "$file: output left behind: $(ls -A "$out_dir")"
  done <<'EOF'
bad_more.csv|--nodes|3:7: 4 fields, the header has 3 (--ignore-extra-columns drops the rest)
bad_int.csv|--nodes|3:3: 'x1' is not a valid int (column 'n', int)
bad_range.csv|--nodes|3:3: '300' is out of range for byte (column 'n', byte)
bad_list.csv|--nodes|3:3: item 2 of list '1.5;;2' is empty (column 'v')
bad_bool.csv|--nodes|3:3: 'yes' is not true or false (column 'ok', boolean)
bad_duplicate.csv|--nodes|4:1: duplicate :ID 'a'
bad_unterminated.csv|--nodes|3:3: quoted field is not closed (opening quote here)
bad_after_quote.csv|--nodes|2:6: unexpected character after the closing quote of a field
bad_no_id.csv|--nodes|1:1: no :ID column (the vertex key, e.g. 'id:ID') in the header
bad_type.csv|--nodes|1:7: column 'when:timestamp': unsupported type 'timestamp'
bad_date.csv|--nodes|3:3: '2023-02-30' is not a valid date: day does not exist in that month (column 'when', date)
bad_date_list.csv|--nodes|3:3: '2023-13-01' is not a valid date: month out of range 01-12 (column 'when', date[])
bad_time.csv|--nodes|3:3: '25:00' is not a valid localtime: hour 25 out of range 00-23 (column 't', localtime)
bad_zone.csv|--nodes|3:3: '2023-01-01T00:00[Mars/Olympus]' is not a valid datetime: unknown time zone 'Mars/Olympus' (not in the system's tzdata) (column 'dt', datetime)
bad_offset.csv|--nodes|3:3: '2015-07-21T21:40+02:00[Europe/London]' is not a valid datetime: offset +02:00 is not Europe/London's at that time (+01:00) (column 'dt', datetime)
bad_point.csv|--nodes|3:3: '{x:1,crs:cartesian}' is not a valid point: a point needs both x and y (column 'p', point)
bad_char.csv|--nodes|3:3: 'xy' is not a valid char: a char is one character, not several (column 'c', char)
bad_duration_list.csv|--nodes|3:3: 'P1X' is not a valid duration: a duration part lacks its unit (Y, M, W, D, then T and H, M, S) (column 'd', duration[])
bad_empty_id.csv|--nodes|2:1: empty :ID
bad_empty_label.csv|--nodes|2:3: empty label in 'A;;B'
bad_space_column.csv|--nodes|1:7: column ':LABEL(L)': only :ID, :START_ID and :END_ID take an ID space, as in ':ID(Movie-ID)'
bad_space_duplicate.csv|--nodes|3:1: duplicate :ID '1' in ID space 'M'
bad_start.csv|--edges|3:1: unknown :START_ID 'nobody' (no vertex has this id)
bad_end.csv|--edges|3:5: unknown :END_ID 'nobody' (no vertex has this id)
bad_edges.txt|--edgelist|2:3: expected an integer vertex id
bad_edges_more.txt|--edgelist|1:5: more than two fields (an edge list line is: FROM TO)
EOF
  # A bad row in a later file: still no output, and an older file at the path is kept.
  build_social
  cp "$work/g.mmg" "$work/old.mmg"
  run 1 "$mmgraph" build -o "$work/g.mmg" --nodes "$data/people.csv" --nodes "$data/bad_int.csv"
  cmp -s "$work/g.mmg" "$work/old.mmg" || fail "the old output was replaced by a failed build"
  ;;

skip_bad_rows)
  run 0 "$mmgraph" build -o "$work/s.mmg" --nodes "$data/skip.csv" --skip-bad-rows
  has "$work/err" "bad rows     2 skipped"
  has "$work/err" "vertices     3"
  has "$work/err" "$data/skip.csv:3:9: 'x' is not a valid int (column 'n', int) (row skipped)"
  has "$work/err" "$data/skip.csv:6:1: quoted field is not closed"
  get_json "$work/s.mmg" --key g2
  check "$work/v.json" 'j["attributes"] == {"id": "g2", "n": 2}' 'j["index"] == 1'
  run 1 "$mmgraph" get "$work/s.mmg" --key b1
  run 0 "$mmgraph" build -o "$work/r.mmg" --nodes "$data/people.csv" --edges "$data/bad_start.csv" \
    --edges "$data/bad_end.csv" --skip-bad-rows --quiet
  has "$work/err" "bad rows     2 skipped"
  has "$work/err" "edges        2"
  run 0 "$mmgraph" build -o "$work/e.mmg" --edgelist "$data/bad_edges.txt" --skip-bad-rows --quiet
  has "$work/err" "bad rows     1 skipped"
  has "$work/err" "edges        1"
  # Relationship rows are looked up in batches of 256: bad rows on both sides of batch
  # boundaries are still reported in file order, and every good row is kept.
  python3 - "$work" <<'PY'
import sys
work = sys.argv[1]
with open(f"{work}/n.csv", "w") as f:
    f.write("id:ID,n:int\n" + "".join(f"v{i},{i}\n" for i in range(100)))
bad = {200: "nobody,v1,1", 256: "v1,v2,x", 257: "v1,v2,3,4", 300: "v3,nobody,3", 513: "v4,v5,y", 699: "v6"}
with open(f"{work}/r.csv", "w") as f:
    f.write(":START_ID,:END_ID,w:int\n")
    for row in range(1, 701):
        f.write((bad[row] if row in bad else f"v{row % 100},v{(row * 7) % 100},{row}") + "\n")
PY
  run 0 "$mmgraph" build -o "$work/b.mmg" --nodes "$work/n.csv" --edges "$work/r.csv" --skip-bad-rows --quiet
  has "$work/err" "bad rows     6 skipped"
  has "$work/err" "edges        694"
  python3 - "$work/err" "$work/r.csv" <<'PY' || fail "bad relationship rows are not reported in file order"
import re, sys
lines = [int(m.group(1)) for m in re.finditer(re.escape(sys.argv[2]) + r":(\d+):", open(sys.argv[1]).read())]
sys.exit(0 if lines == [201, 257, 258, 301, 514, 700] else f"reported lines {lines}")
PY
  # A row whose :START_ID is an integer and whose :END_ID is not is skipped whole: the good rows
  # after it in its batch keep their own endpoints.
  printf 'id:ID,:LABEL\n1,P\n2,P\n3,P\n' >"$work/int_nodes.csv"
  printf ':START_ID,:END_ID,:TYPE\n1,2,R\n1,x,R\n2,3,R\n3,1,R\n' >"$work/int_edges.csv"
  run 0 "$mmgraph" build -o "$work/i.mmg" --id-type integer --nodes "$work/int_nodes.csv" \
    --relationships "$work/int_edges.csv" --skip-bad-rows --quiet
  has "$work/err" "bad rows     1 skipped"
  run 0 "$mmgraph" dump "$work/i.mmg" --out "$work/int_dump"
  cat "$work"/int_dump/*.csv >"$work/int_dump.txt"
  for edge in '"1","2","R"' '"2","3","R"' '"3","1","R"'; do has "$work/int_dump.txt" "$edge"; done
  ;;

shards)
  mkdir "$work/d"
  run 0 "$mmgraph" build -o "$work/d/g.mmg" --nodes "$data/people.csv" --edges "$data/relationships.csv" \
    --shards 3 --threads 2 --quiet
  [ ! -e "$work/d/g.mmg" ] || fail "a 3-shard build wrote the unsharded path"
  total=0
  for i in 0 1 2; do
    shard="$work/d/g-$i-of-3.mmg"
    json_of "$work/info.json" "$mmgraph" info "$shard" --json
    check "$work/info.json" "j[\"shard_id\"] == $i" 'j["shard_count"] == 3'
    total=$((total + $(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["vertices"])' "$work/info.json")))
  done
  [ "$total" -eq 4 ] || fail "shards hold $total vertices, not 4"
  run 0 "$mmgraph" verify "$work"/d/g-*-of-3.mmg
  # Names are a convention (§10): every shard named, however renamed, makes the dataset.
  mkdir "$work/r"
  cp "$work/d/g-2-of-3.mmg" "$work/r/a.mmg"
  cp "$work/d/g-0-of-3.mmg" "$work/r/b.mmg"
  cp "$work/d/g-1-of-3.mmg" "$work/r/c.mmg"
  run 0 "$mmgraph" verify "$work/r/a.mmg" "$work/r/b.mmg" "$work/r/c.mmg"
  has "$work/out" "$work/r/a.mmg: ok"
  has "$work/out" "$work/r/c.mmg: ok"
  # Without all of them the others are looked for by their conventional names.
  run 1 "$mmgraph" verify "$work/r/a.mmg" "$work/r/b.mmg"
  has "$work/out" "cannot open"
  get_json "$work/d/g.mmg" --key alan
  check "$work/v.json" 'j["key"] == "alan"' 'j["out_degree"] == {"KNOWS": 1, "LIVES_IN": 1}' 'j["in_degree"] == {"KNOWS": 3}'
  get_json "$work/d/g-0-of-3.mmg" --key london
  check "$work/v.json" 'j["key"] == "london"' '"shard" in j'
  # Damage to one shard shows when any shard of the dataset is verified.
  printf '\x55' | dd of="$work/d/g-1-of-3.mmg" bs=1 seek=300 conv=notrunc 2>/dev/null
  run 1 "$mmgraph" verify "$work/d/g-0-of-3.mmg"
  has "$work/out" "$work/d/g-0-of-3.mmg: dataset: $work/d/g-1-of-3.mmg:"
  ;;

usage)
  run 0 "$mmgraph" --help
  has "$work/out" "Exit codes: 0 ok, 1 bad input or damaged file"
  for command in build info verify get neighbors bfs dump; do has "$work/out" "$command"; done
  run 0 "$mmgraph" build --help
  for option in --nodes --edges --edgelist --threads --shards --delimiter --array-delimiter \
    --skip-bad-rows --quiet "Exit codes"; do
    has "$work/out" "$option"
  done
  run 0 "$mmgraph" info --help
  has "$work/out" "--json"
  run 0 "$mmgraph" verify --help
  has "$work/out" "--json"
  run 0 "$mmgraph" get --help
  for option in --key --index --json "Exit codes"; do has "$work/out" "$option"; done
  run 2 "$mmgraph"
  has "$work/err" "mmgraph: "
  run 2 "$mmgraph" frobnicate
  run 2 "$mmgraph" build -o "$work/g.mmg"
  has "$work/err" "give --nodes"
  run 2 "$mmgraph" build -o "$work/g.mmg" --nodes a.csv --edgelist b.txt
  run 2 "$mmgraph" build -o "$work/g.mmg" --nodes a.csv --shards 0
  run 2 "$mmgraph" build -o "$work/g.mmg" --nodes a.csv --delimiter ab
  run 2 "$mmgraph" info
  run 2 "$mmgraph" get "$work/g.mmg"
  has "$work/err" "give --key K or --index I"
  run 2 "$mmgraph" get "$work/g.mmg" --key a --index 1
  run 2 "$mmgraph" info --bogus x
  [ "$(wc -l <"$work/err")" -eq 1 ] || fail "usage error is not one line"
  # Bad input, not usage: exit 1 with one line.
  run 1 "$mmgraph" build -o "$work/g.mmg" --nodes "$work/missing.csv"
  has "$work/err" "mmgraph: $work/missing.csv: cannot open: No such file or directory"
  run 1 "$mmgraph" build -o "$work/no/such/dir/g.mmg" --nodes "$data/people.csv"
  has "$work/err" "does not exist"
  : >"$work/empty.csv"
  run 1 "$mmgraph" build -o "$work/g.mmg" --nodes "$work/empty.csv"
  has "$work/err" "empty.csv:1:1: empty file: expected a header row"
  # A closed stdout ends the tool with a message or success, never with SIGPIPE (status 141).
  build_social
  status=0
  "$mmgraph" info "$work/g.mmg" --json 2>"$work/err" | head -c 1 >/dev/null || status=$?
  [ "$status" -le 1 ] || fail "info into a closed pipe ended with status $status"
  ;;

neighbors)
  build_social
  json_of "$work/n.json" "$mmgraph" neighbors "$work/g.mmg" --key alan --direction both --json
  # Out first, then in, each in stored order; the self-loop shows once in each direction.
  check "$work/n.json" \
    "[(e['direction'], e['key'], e['type']) for e in j] == [('out', 'alan', 'KNOWS'), ('out', 'london', 'LIVES_IN'), ('in', 'ada', 'KNOWS'), ('in', 'ada', 'KNOWS'), ('in', 'alan', 'KNOWS')]" \
    "[e['properties']['since'] for e in j] == [1950, None, 1936, 1940, 1950]" \
    "j[0]['properties']['weight'] is None and j[1]['properties']['weight'] == 1.0" \
    "all(isinstance(e['index'], int) for e in j)"
  json_of "$work/t.json" "$mmgraph" neighbors "$work/g.mmg" --key ada --type LIVES_IN --json
  check "$work/t.json" "len(j) == 1 and j[0]['key'] == 'london' and j[0]['properties'] == {'since': None, 'weight': None}"
  json_of "$work/i.json" "$mmgraph" neighbors "$work/g.mmg" --key london --direction in --json
  check "$work/i.json" "[e['key'] for e in j] == ['ada', 'alan']"
  json_of "$work/g.json" "$mmgraph" neighbors "$work/g.mmg" --key grace --json
  check "$work/g.json" "j == []"
  run 0 "$mmgraph" neighbors "$work/g.mmg" --key alan --direction both
  has "$work/out" 'out        LIVES_IN  "london"  3      since=null weight=1.0'
  has "$work/out" 'in         KNOWS     "ada"     0      since=1936 weight=0.5'
  # A file written without in-edges refuses --direction in/both with the reason.
  run 1 "$mmgraph" neighbors "$golden/intkeys.mmg" --index 0 --direction both
  has "$work/err" "stores no in-edges"
  # A 3-shard dataset: the other endpoint's index is within its own shard, named by "shard".
  mkdir "$work/d"
  run 0 "$mmgraph" build -o "$work/d/g.mmg" --nodes "$data/people.csv" --edges "$data/relationships.csv" --shards 3 --quiet
  json_of "$work/s.json" "$mmgraph" neighbors "$work/d/g.mmg" --key alan --direction both --json
  check "$work/s.json" "sorted((e['direction'], e['key'], e['type'], e['properties']['since']) for e in j) == \
      [('in', 'ada', 'KNOWS', 1936), ('in', 'ada', 'KNOWS', 1940), ('in', 'alan', 'KNOWS', 1950),
       ('out', 'alan', 'KNOWS', 1950), ('out', 'london', 'LIVES_IN', None)]" \
    "[e['direction'] for e in j] == ['out', 'out', 'in', 'in', 'in']"
  python3 - "$work/s.json" >"$work/endpoints" <<'PY'
import json, sys
for e in json.load(open(sys.argv[1])):
    print(e["key"], e["shard"], e["index"])
PY
  while read -r key shard index; do
    get_json "$work/d/g.mmg" --key "$key"
    check "$work/v.json" "j['shard'] == $shard and j['index'] == $index"
  done <"$work/endpoints"
  run 1 "$mmgraph" neighbors "$work/g.mmg" --key ada --type LIKES
  has "$work/err" "no edge type 'LIKES'"
  run 1 "$mmgraph" neighbors "$work/g.mmg" --key nobody
  run 2 "$mmgraph" neighbors "$work/g.mmg" --key ada --direction sideways
  run 2 "$mmgraph" neighbors "$work/g.mmg"
  ;;

bfs)
  build_social
  json_of "$work/b.json" "$mmgraph" bfs "$work/g.mmg" --key ada --json
  check "$work/b.json" "j['source'] == 'ada' and j['reached'] == 3 and j['max_distance'] == 1" \
    "j['histogram'] == {'0': 1, '1': 2}" "isinstance(j['seconds'], float) and j['seconds'] >= 0"
  json_of "$work/b.json" "$mmgraph" bfs "$work/g.mmg" --key alan --json
  check "$work/b.json" "j['reached'] == 2 and j['histogram'] == {'0': 1, '1': 1}"
  json_of "$work/b.json" "$mmgraph" bfs "$work/g.mmg" --key london --direction in --json
  check "$work/b.json" "j['reached'] == 3 and j['max_distance'] == 1"
  json_of "$work/b.json" "$mmgraph" bfs "$work/g.mmg" --key london --direction both --json
  check "$work/b.json" "j['reached'] == 3 and j['histogram'] == {'0': 1, '1': 2}"
  json_of "$work/b.json" "$mmgraph" bfs "$work/g.mmg" --key grace --direction both --json
  check "$work/b.json" "j['reached'] == 1 and j['max_distance'] == 0 and j['histogram'] == {'0': 1}"
  run 0 "$mmgraph" bfs "$work/g.mmg" --index 0
  has "$work/out" "reached 3 vertices, max distance 1"
  run 1 "$mmgraph" bfs "$work/g.mmg" --key nobody
  has "$work/err" "no vertex has the key 'nobody'"
  # A hand-made graph with known distances: 1->{2,3}->4->5->6 (6 loops on itself), 7->1,
  # and 8->9 apart from the rest; the same answers from one file and from a 3-shard dataset.
  printf '1 2\n1 3\n2 4\n3 4\n4 5\n5 6\n6 6\n7 1\n8 9\n' >"$work/chain.txt"
  run 0 "$mmgraph" build -o "$work/chain.mmg" --edgelist "$work/chain.txt" --quiet
  mkdir "$work/d"
  run 0 "$mmgraph" build -o "$work/d/chain.mmg" --edgelist "$work/chain.txt" --shards 3 --quiet
  for graph in "$work/chain.mmg" "$work/d/chain.mmg"; do
    json_of "$work/b.json" "$mmgraph" bfs "$graph" --key 1 --json
    check "$work/b.json" "j['source'] == 1 and j['reached'] == 6 and j['max_distance'] == 4" \
      "j['histogram'] == {'0': 1, '1': 2, '2': 1, '3': 1, '4': 1}"
    json_of "$work/b.json" "$mmgraph" bfs "$graph" --key 6 --direction in --json
    check "$work/b.json" "j['reached'] == 7 and j['histogram'] == {'0': 1, '1': 1, '2': 1, '3': 2, '4': 1, '5': 1}"
    json_of "$work/b.json" "$mmgraph" bfs "$graph" --key 4 --direction both --json
    check "$work/b.json" "j['reached'] == 7 and j['max_distance'] == 3 and j['histogram'] == {'0': 1, '1': 3, '2': 2, '3': 1}"
    json_of "$work/b.json" "$mmgraph" bfs "$graph" --key 9 --direction both --json
    check "$work/b.json" "j['reached'] == 2 and j['histogram'] == {'0': 1, '1': 1}"
    run 1 "$mmgraph" bfs "$graph" --key 10
    has "$work/err" "no vertex has the key '10'"
    run 1 "$mmgraph" bfs "$graph" --key x
    has "$work/err" "is not an integer"
  done
  run 1 "$mmgraph" bfs "$golden/intkeys.mmg" --index 0 --direction in
  has "$work/err" "stores no in-edges"
  run 2 "$mmgraph" bfs "$work/chain.mmg"
  ;;

dump)
  # dump -> build from the dumped CSV (files in sorted order) gives the same bytes.
  build_social
  run 0 "$mmgraph" build -o "$work/q.mmg" --nodes "$data/quoting.csv" --quiet
  run 0 "$mmgraph" build -o "$work/c.mmg" --nodes "$data/crlf.csv" --quiet
  for graph in g q c; do
    run 0 "$mmgraph" dump "$work/$graph.mmg" --out "$work/dump-$graph"
    run 0 "$mmgraph" build -o "$work/re-$graph.mmg" --quiet --nodes "$work/dump-$graph"/nodes*.csv \
      $(ls "$work/dump-$graph"/edges*.csv 2>/dev/null | sed 's/^/--edges /')
    cmp "$work/$graph.mmg" "$work/re-$graph.mmg" || fail "rebuild of $graph differs from the original"
  done
  has "$work/dump-g/nodes-000001.csv" "id:ID,:LABEL,name:string,age:int,big:long,score:float"
  # The key column is named after an attribute only where that attribute holds every vertex's
  # key (as build stores a named :ID column); an attribute of the same name with other values,
  # or a key attribute after other attributes, still rebuilds the same bytes.
  printf ':ID,:LABEL,id,n:int\na,P,x,1\nb,P,b,2\n' >"$work/other.csv"                  # id: other values
  printf ':ID,:LABEL,id,n:int\na,P,a,1\nb,P,,2\n' >"$work/partial.csv"                  # id: null once
  printf ':ID,:LABEL,n:int,id\na,P,1,a\nb,P,2,b\nc,Q,3,\n' >"$work/later.csv"          # id after n
  printf ':ID{id-type:integer},:LABEL,n:long,m:int\n1,P,1,1\n2,P,2,2\n' >"$work/ints.csv"  # n: the key
  for graph in other partial later ints; do
    run 0 "$mmgraph" build -o "$work/$graph.mmg" --nodes "$work/$graph.csv" --quiet
    run 0 "$mmgraph" dump "$work/$graph.mmg" --out "$work/dump-$graph"
    run 0 "$mmgraph" build -o "$work/re-$graph.mmg" --quiet --nodes "$work/dump-$graph"/nodes*.csv
    cmp "$work/$graph.mmg" "$work/re-$graph.mmg" || fail "rebuild of $graph differs from the original"
  done
  has "$work/dump-other/nodes-000001.csv" ':ID,:LABEL,id:string,n:int'
  has "$work/dump-partial/nodes-000001.csv" ':ID,:LABEL,id:string,n:int'
  has "$work/dump-later/nodes-000001.csv" ':LABEL,n:int,id:ID'
  has "$work/dump-later/nodes-000001.csv" '"P",1,"a"'
  has "$work/dump-later/nodes-000002.csv" ':ID,:LABEL,n:int,id:string'
  has "$work/dump-ints/nodes-000001.csv" 'n:ID{id-type:integer},:LABEL,m:int'
  run 1 "$mmgraph" dump "$work/g.mmg" --out "$work/dump-g"
  has "$work/err" "is not empty"
  run 0 "$mmgraph" build -o "$work/s.mmg" --nodes "$data/people.csv" --edges "$data/relationships.csv" --shards 2 --quiet
  run 1 "$mmgraph" dump "$work/s-0-of-2.mmg" --out "$work/dump-s"
  has "$work/err" "cannot be dumped"
  ;;

string_arrays)
  # string[] columns (format 1.1): items split on ';' and kept byte for byte, "" the empty list,
  # an empty unquoted field null; JSON arrays of strings; dump -> rebuild gives the same bytes.
  run 0 "$mmgraph" build -o "$work/t.mmg" --nodes "$data/tagged.csv" --edges "$data/tagged_rels.csv" --quiet
  run 0 "$mmgraph" verify "$work/t.mmg"
  get_json "$work/t.mmg" --key deb
  check "$work/v.json" 'j["attributes"] == {"id": "deb", "name": "debhelper", "tags": ["build", "tools"], "aliases": ["dh", "\"debhelper-compat\""]}'
  get_json "$work/t.mmg" --key gcc
  check "$work/v.json" 'j["attributes"]["tags"] == ["compiler", "c", "c++"] and j["attributes"]["aliases"] == []'
  get_json "$work/t.mmg" --key vim
  check "$work/v.json" 'j["attributes"]["tags"] == ["editor"] and j["attributes"]["aliases"] is None'
  get_json "$work/t.mmg" --key rust
  check "$work/v.json" 'j["attributes"]["tags"] == ["compiler", "", "rust"]' \
    'j["attributes"]["aliases"] == ["ру́сский", "日本"]'
  json_of "$work/n.json" "$mmgraph" neighbors "$work/t.mmg" --key gcc --direction in --json
  check "$work/n.json" 'sorted((e["key"], e["type"], e["properties"]["why"]) for e in j) == [
      ("deb", "DEPENDS", ["build", "c"]), ("rust", "DEPENDS", None), ("vim", "SUGGESTS", [])]'
  json_of "$work/info.json" "$mmgraph" info "$work/t.mmg" --json
  check "$work/info.json" 'j["format_version"] == "2.6"' \
    '[(a["name"], a["type"]) for a in j["schema"]["labels"][0]["attributes"]] == [("id", "string"), ("name", "string"), ("tags", "string[]"), ("aliases", "string[]")]'
  run 0 "$mmgraph" dump "$work/t.mmg" --out "$work/dump"
  has "$work/dump/nodes-000001.csv" "id:ID,:LABEL,name:string,tags:string[],aliases:string[]"
  run 0 "$mmgraph" build -o "$work/re.mmg" --quiet --nodes "$work/dump"/nodes*.csv --edges "$work/dump"/edges*.csv
  cmp "$work/t.mmg" "$work/re.mmg" || fail "rebuild of the string[] graph differs from the original"
  # An item holding ';' (built with another array delimiter) cannot be dumped: the reason, and
  # no directory left behind (or an empty one left empty).
  run 0 "$mmgraph" build -o "$work/s.mmg" --nodes "$data/semicolon.csv" --array-delimiter '|' --quiet
  get_json "$work/s.mmg" --key a
  check "$work/v.json" 'j["attributes"]["tags"] == ["x;y", "z"]'
  run 1 "$mmgraph" dump "$work/s.mmg" --out "$work/dump-s"
  has "$work/err" "vertex a, attribute 'tags': item 0 contains the array delimiter ';'"
  [ ! -e "$work/dump-s" ] || fail "a failed dump left $work/dump-s behind"
  mkdir "$work/empty"
  run 1 "$mmgraph" dump "$work/s.mmg" --out "$work/empty"
  [ -d "$work/empty" ] && [ -z "$(ls -A "$work/empty")" ] || fail "a failed dump left files in an empty directory"
  ;;

dates)
  # date columns (format 2.1): ISO 8601 text in, the same text out of get, neighbors and dump;
  # dump -> rebuild gives the same bytes; every file is 2.6 (runs sections, key slots naming node blocks, spec §2.3).
  run 0 "$mmgraph" build -o "$work/d.mmg" --nodes "$data/dated.csv" --edges "$data/dated_rels.csv" --quiet
  run 0 "$mmgraph" verify "$work/d.mmg"
  get_json "$work/d.mmg" --key ada
  check "$work/v.json" 'j["attributes"] == {"id": "ada", "name": "Ada", "born": "1815-12-10", "seen": ["2024-02-29", "1970-01-01", "1969-12-31"]}'
  get_json "$work/d.mmg" --key min
  check "$work/v.json" 'j["attributes"]["born"] == "-999999-01-01" and j["attributes"]["seen"] == []'
  get_json "$work/d.mmg" --key max
  check "$work/v.json" 'j["attributes"]["born"] == "+999999-12-31" and j["attributes"]["seen"] is None'
  get_json "$work/d.mmg" --key old
  check "$work/v.json" 'j["attributes"]["born"] is None and j["attributes"]["seen"] == ["-000001-12-31", "+010000-01-01"]'
  run 0 "$mmgraph" get "$work/d.mmg" --key leap
  has "$work/out" '"2000-02-29"'
  has "$work/out" '["1900-03-01"]'
  json_of "$work/n.json" "$mmgraph" neighbors "$work/d.mmg" --key ada --json
  check "$work/n.json" '[(e["key"], e["properties"]["since"]) for e in j] == [("leap", "2023-02-28")]'
  json_of "$work/info.json" "$mmgraph" info "$work/d.mmg" --json
  check "$work/info.json" 'j["format_version"] == "2.6"' \
    '[(a["name"], a["type"]) for a in j["schema"]["labels"][0]["attributes"]] == [("id", "string"), ("name", "string"), ("born", "date"), ("seen", "date[]")]'
  run 0 "$mmgraph" dump "$work/d.mmg" --out "$work/dump"
  has "$work/dump/nodes-000001.csv" "id:ID,:LABEL,name:string,born:date,seen:date[]"
  has "$work/dump/nodes-000001.csv" '-999999-01-01'
  run 0 "$mmgraph" build -o "$work/re.mmg" --quiet --nodes "$work/dump"/nodes*.csv --edges "$work/dump"/edges*.csv
  cmp "$work/d.mmg" "$work/re.mmg" || fail "rebuild of the date graph differs from the original"
  run 0 "$mmgraph" build -o "$work/t.mmg" --nodes "$data/tagged.csv" --quiet
  json_of "$work/info.json" "$mmgraph" info "$work/t.mmg" --json
  check "$work/info.json" 'j["format_version"] == "2.6"'
  ;;

cr_line_ends)
  # Old Mac exports end lines with a lone CR: each is a line end (three vertices, attributes
  # named by the header alone), never data; inside quotes it stays data.
  printf 'id:ID,:LABEL,city\rn1,P,Oslo\rn2,P,Rome\rn3,P,"Le\rHavre"\r' >"$work/cr.csv"
  printf ':START_ID,:END_ID,:TYPE\rn1,n2,R\r\rn2,n3,R' >"$work/cr_rels.csv"
  run 0 "$mmgraph" build -o "$work/cr.mmg" --nodes "$work/cr.csv" --edges "$work/cr_rels.csv" --quiet
  has "$work/err" "vertices     3"
  has "$work/err" "edges        2"
  get_json "$work/cr.mmg" --key n3
  check "$work/v.json" 'j["attributes"] == {"id": "n3", "city": "Le\rHavre"}'
  json_of "$work/info.json" "$mmgraph" info "$work/cr.mmg" --json
  check "$work/info.json" '[a["name"] for a in j["schema"]["labels"][0]["attributes"]] == ["id", "city"]'
  # Positions count CR-ended lines, and messages show a CR as \r, never raw.
  printf 'id:ID,n:int\ra,1\rb,x\r' >"$work/bad.csv"
  refused bad.csv "3:3: 'x' is not a valid int"
  printf 'id:ID,n:int\rx,"1\r2"\r' >"$work/bad_cr.csv"
  refused bad_cr.csv "2:3: '1\\r2' is not a valid int"
  if grep -q $'\r' "$work/err"; then fail "the message holds a raw CR"; fi
  printf '1 2\r2 3\r# c\r3 1' >"$work/cr_edges.txt"
  run 0 "$mmgraph" build -o "$work/el.mmg" --edgelist "$work/cr_edges.txt" --quiet
  has "$work/err" "edges        3"
  ;;

invalid_utf8)
  # Text that is not UTF-8 (a Latin-1 export) is refused at its byte and leaves no file; with
  # --invalid-utf8 replace each bad sequence becomes U+FFFD, and dump -> build keeps the bytes.
  printf 'id:ID,name\na,ok\nb,caf\xe9\n' >"$work/latin1.csv"
  refused latin1.csv "3:6: invalid UTF-8: byte 0xE9 does not begin a valid sequence"
  printf 'id:ID,name\na\xff,x\n' >"$work/badkey.csv"
  refused badkey.csv "2:2: invalid UTF-8: byte 0xFF"
  run 0 "$mmgraph" build -o "$work/l.mmg" --nodes "$work/latin1.csv" --invalid-utf8 replace --quiet
  run 0 "$mmgraph" verify "$work/l.mmg"
  get_json "$work/l.mmg" --key b
  check "$work/v.json" 'j["attributes"] == {"id": "b", "name": "caf\ufffd"}'
  run 0 "$mmgraph" dump "$work/l.mmg" --out "$work/dump"
  run 0 "$mmgraph" build -o "$work/re.mmg" --quiet --nodes "$work/dump"/nodes*.csv
  cmp "$work/l.mmg" "$work/re.mmg" || fail "rebuild of the replaced text differs"
  run 2 "$mmgraph" build -o "$work/x.mmg" --nodes "$work/latin1.csv" --invalid-utf8 latin1
  ;;

compressed)
  # gzip'd and single-file zip inputs (recognised by content, whatever their names) build the
  # same bytes as the plain files, with the same error positions; damaged or multi-file
  # archives are refused with a reason and leave nothing.
  mmgraph=$(cd "$(dirname "$mmgraph")" && pwd)/$(basename "$mmgraph")
  cd "$work"
  cp "$data/people.csv" people.csv
  cp "$data/relationships.csv" rels.csv
  gzip -k people.csv
  zip -q rels.zip rels.csv
  cp people.csv.gz people_gz_named.csv
  run 0 "$mmgraph" build -o plain.mmg --nodes people.csv --edges rels.csv --quiet
  run 0 "$mmgraph" build -o packed.mmg --nodes people.csv.gz --edges rels.zip --quiet
  cmp plain.mmg packed.mmg || fail "compressed inputs built other bytes"
  run 0 "$mmgraph" build -o named.mmg --nodes people_gz_named.csv --edges rels.csv --quiet
  cmp plain.mmg named.mmg || fail "a gzip'd file named .csv built other bytes"
  cp "$data/bad_int.csv" bad.csv
  run 1 "$mmgraph" build -o bad.mmg --nodes bad.csv
  plain_error=$(sed 's/bad\.csv/X/' err)
  gzip -k bad.csv
  run 1 "$mmgraph" build -o bad.mmg --nodes bad.csv.gz
  [ "$(sed 's/bad\.csv\.gz/X/' err)" = "$plain_error" ] || fail "gzip error differs: $(cat err) / $plain_error"
  zip -q both.zip people.csv rels.csv
  run 1 "$mmgraph" build -o bad.mmg --nodes both.zip
  has err "both.zip: cannot read it as zip: the archive holds more than one file ('people.csv', then 'rels.csv')"
  head -c 40 people.csv.gz >cut.gz
  run 1 "$mmgraph" build -o bad.mmg --nodes cut.gz
  has err "cut.gz: cannot read it as gzip"
  [ ! -e bad.mmg ] || fail "output left behind"
  ;;

neo4j_admin)
  # neo4j-admin database import full's command line, as its manual writes it: labels and types
  # on --nodes/--relationships, file groups with a header file, parts by regular expression,
  # skip options with a report file, delimiters in every notation, options that do not apply.
  d=$work/import
  mkdir "$d"
  printf 'movieId:ID,title,year:int\n' >"$d/movies-header.csv"
  printf 'm1,The Matrix,1999\nm2,The Matrix Reloaded,2003\n' >"$d/movies-part1.csv"
  printf 'movieId:ID,title,year:int\nm3,The Matrix Revolutions,2003\nm1,Dup,1\n' >"$d/movies-part2.csv"
  gzip -c "$d/movies-part2.csv" >"$d/movies-part10.csv.gz"
  printf 'personId:ID,name\np1,Keanu Reeves\np2,Carrie-Anne Moss\n' >"$d/actors.csv"
  printf ':START_ID,role,:END_ID\np1,Neo,m1\np2,Trinity,m1\np1,Neo,m9\n' >"$d/roles.csv"
  run 0 "$mmgraph" build -o "$work/m.mmg" neo4j --nodes=Movie="$d/movies-header.csv,$d/movies-part[0-9]+\.csv" \
    --nodes=Actor="$d/actors.csv" --relationships=ACTED_IN="$d/roles.csv" --auto-skip-subsequent-headers \
    --skip-duplicate-nodes --skip-bad-relationships=true --report-file="$work/report.txt" \
    --max-off-heap-memory=2G --high-parallel-io=on --verbose --id-type=STRING
  has "$work/err" "note: --max-off-heap-memory does not apply to a file writer"
  has "$work/err" "note: --verbose does not apply"
  has "$work/err" "note: database name 'neo4j' ignored"
  has "$work/err" "bad rows     2 skipped"
  has "$work/report.txt" "movies-part2.csv:3:1: duplicate :ID 'm1'"
  has "$work/report.txt" "roles.csv:4:8: unknown :END_ID 'm9' (no vertex has this id)"
  [ "$(wc -l <"$work/report.txt")" -eq 2 ] || fail "report: $(cat "$work/report.txt")"
  json_of "$work/info.json" "$mmgraph" info "$work/m.mmg" --json
  check "$work/info.json" 'j["labels"] == {"Movie": 3, "Actor": 2}' 'j["edge_types"] == {"ACTED_IN": 2}'
  get_json "$work/m.mmg" --key m3
  check "$work/v.json" 'j["label"] == "Movie"' 'j["attributes"] == {"movieId": "m3", "title": "The Matrix Revolutions", "year": 2003}'
  # the gzip'd part joins its group when the pattern names it; natural order puts part10 last
  run 0 "$mmgraph" build -o "$work/z.mmg" --nodes=Movie="$d/movies-header.csv,$d/movies-part.*" \
    --auto-skip-subsequent-headers --skip-duplicate-nodes --quiet
  has "$work/err" "bad rows     3 skipped"
  # without the skip options the first duplicate stops the build; a tolerance stops it too
  run 1 "$mmgraph" build -o "$work/x.mmg" --nodes="$d/movies-header.csv,$d/movies-part1.csv,$d/movies-part2.csv" --quiet
  has "$work/err" "movies-part2.csv:1:18: 'year:int' is not a valid int"
  run 1 "$mmgraph" build -o "$work/x.mmg" --nodes="$d/movies-header.csv,$d/movies-part.*" --auto-skip-subsequent-headers \
    --skip-duplicate-nodes --bad-tolerance=1 --quiet
  has "$work/err" "more than 1 bad rows (--bad-tolerance)"
  [ ! -e "$work/x.mmg" ] || fail "output left behind"
  run 1 "$mmgraph" build -o "$work/x.mmg" --nodes="$d/nothing-.*\.csv"
  has "$work/err" "nothing-.*\.csv: no such file, and no file in $d matches it as a regular expression"
  # delimiters and quotes in neo4j-admin's notations; short, long, padded and empty fields
  printf "id:ID\tname\ttags:string[]\n'a'\t'  Ann  '\tx|y\nb\t''\nc\tCy\tz\textra\n" >"$work/tabs.csv"
  for delimiter in TAB '\t' "'\t'" U+0009; do
    run 0 "$mmgraph" build -o "$work/t.mmg" --nodes "$work/tabs.csv" --delimiter="$delimiter" --array-delimiter=U+007C \
      --quote="'" --ignore-extra-columns --ignore-empty-strings --trim-strings --quiet
  done
  get_json "$work/t.mmg" --key a
  check "$work/v.json" 'j["attributes"] == {"id": "a", "name": "Ann", "tags": ["x", "y"]}'
  get_json "$work/t.mmg" --key b
  check "$work/v.json" 'j["attributes"] == {"id": "b", "name": None, "tags": None}'
  run 1 "$mmgraph" build -o "$work/t.mmg" --nodes "$work/tabs.csv" --delimiter=TAB --quote="'" --quiet
  has "$work/err" "tabs.csv:4:8: 4 fields, the header has 3 (--ignore-extra-columns drops the rest)"
  run 2 "$mmgraph" build -o "$work/t.mmg" --nodes "$work/tabs.csv" --delimiter=TABS
  has "$work/err" "'TABS' is not one ASCII character"
  run 2 "$mmgraph" build -o "$work/t.mmg" --nodes "$work/tabs.csv" --input-encoding=ISO-8859-1
  has "$work/err" "only UTF-8 is read"
  # --id-type in any case, and 'actual' as integer keys
  printf 'id:ID,n:int\n7,1\n' >"$work/ints.csv"
  run 0 "$mmgraph" build -o "$work/i.mmg" --nodes "$work/ints.csv" --id-type=ACTUAL --quiet
  json_of "$work/info.json" "$mmgraph" info "$work/i.mmg" --json
  check "$work/info.json" 'j["key_type"] == "int64"'
  ;;

temporal)
  # The types of format 2.2 and char: neo4j-admin's text forms in (offsets, zones in brackets,
  # a DST gap and an ambiguous hour, compact forms, durations, point maps), ISO 8601 out of get,
  # neighbors and dump, points as JSON objects; dump -> rebuild gives the same bytes.
  run 0 "$mmgraph" build -o "$work/t.mmg" --nodes "$data/temporal.csv" --edges "$data/temporal_rels.csv" --quiet
  run 0 "$mmgraph" verify "$work/t.mmg"
  get_json "$work/t.mmg" --key ada
  check "$work/v.json" 'j["attributes"]["at"] == "21:40:32.142" and j["attributes"]["t"] == "21:40:32.142+01:00"' \
    'j["attributes"]["ldt"] == "2015-07-21T21:40:32.142" and j["attributes"]["dt"] == "2015-07-21T21:40:32.142+01:00[Europe/London]"' \
    'j["attributes"]["d"] == "P14DT16H12M" and j["attributes"]["p"] == {"crs": "cartesian", "x": 1.0, "y": 2.0}' \
    'j["attributes"]["initial"] == "A"' \
    'j["attributes"]["dts"] == ["2023-03-26T02:30:00+01:00[Europe/London]", "2023-10-29T01:30:00+01:00[Europe/London]", "2015-07-21T21:40:32.142+02:00[Europe/Stockholm]"]' \
    'j["attributes"]["ps"] == [{"crs": "wgs-84-3d", "x": 12.78, "y": 56.7, "z": 8.0}, {"crs": "cartesian-3d", "x": 0.0, "y": 0.0, "z": -1.5}]' \
    'j["attributes"]["ds"] == ["P1Y2M25DT5H6M7.5S", "PT-1.5S", "P-1D", "P1Y2M3DT4H5M6S"]'
  get_json "$work/t.mmg" --key min
  check "$work/v.json" 'j["attributes"]["ldt"] == "-999999-01-01T00:00:00" and j["attributes"]["dt"] == "-999999-01-01T00:00:00+18:00"' \
    'j["attributes"]["d"] == "PT0S" and j["attributes"]["initial"] == "é" and j["attributes"]["dts"] == []'
  get_json "$work/t.mmg" --key max
  check "$work/v.json" 'j["attributes"]["at"] == "23:59:59.999999999" and j["attributes"]["dt"] == "+999999-12-31T23:59:59.999999999-18:00"' \
    'j["attributes"]["d"] == "P-1D" and j["attributes"]["p"] == {"crs": "wgs-84", "x": 180.0, "y": 90.0} and j["attributes"]["dts"] is None'
  get_json "$work/t.mmg" --key compact
  check "$work/v.json" 'j["attributes"]["at"] == "21:40:00" and j["attributes"]["t"] == "21:40:32+01:00"' \
    'j["attributes"]["dt"] == "2015-07-21T21:40:32Z" and j["attributes"]["p"]["crs"] == "cartesian-3d"'
  run 0 "$mmgraph" get "$work/t.mmg" --key ada
  has "$work/out" '"2015-07-21T21:40:32.142+01:00[Europe/London]"'
  json_of "$work/n.json" "$mmgraph" neighbors "$work/t.mmg" --key ada --json
  check "$work/n.json" '[(e["key"], e["properties"]["at"], e["properties"]["where"]) for e in j] == [("min", "2023-03-26T00:59:59Z[Europe/London]", {"crs": "cartesian-3d", "x": -1.0, "y": 2.0, "z": -3.0})]'
  json_of "$work/info.json" "$mmgraph" info "$work/t.mmg" --json
  check "$work/info.json" 'j["format_version"] == "2.6"' \
    '[a["type"] for a in j["schema"]["labels"][0]["attributes"]] == ["string", "localtime", "time", "localdatetime", "datetime", "duration", "point", "string", "datetime[]", "point[]", "duration[]"]'
  run 0 "$mmgraph" dump "$work/t.mmg" --out "$work/dump"
  has "$work/dump/nodes-000001.csv" "at:localtime,t:time,ldt:localdatetime,dt:datetime,d:duration,p:point,initial:string,dts:datetime[],ps:point[],ds:duration[]"
  has "$work/dump/nodes-000001.csv" "\"{crs:'wgs-84-3d',x:12.78,y:56.7,z:8};{crs:'cartesian-3d',x:0,y:0,z:-1.5}\""
  run 0 "$mmgraph" build -o "$work/re.mmg" --quiet --nodes "$work/dump"/nodes*.csv --edges "$work/dump"/edges*.csv
  cmp "$work/t.mmg" "$work/re.mmg" || fail "rebuild of the temporal graph differs from the original"
  ;;

labels)
  # Several labels per vertex (format 2.2), as in neo4j-admin's movies example: :LABEL values
  # "Movie;Sequel"; get, neighbors and info name every label; dump -> rebuild gives the same bytes.
  run 0 "$mmgraph" build -o "$work/m.mmg" --nodes "$data/movies.csv" --nodes "$data/actors.csv" --edges "$data/roles.csv" --quiet
  run 0 "$mmgraph" verify "$work/m.mmg"
  json_of "$work/info.json" "$mmgraph" info "$work/m.mmg" --json
  check "$work/info.json" 'j["format_version"] == "2.6"' 'j["vertices"] == 6' \
    'j["labels"] == {"Movie": 3, "Sequel": 2, "Actor": 3}' \
    '[(s["labels"], s["vertices"]) for s in j["label_sets"]] == [(["Movie", "Sequel"], 2)]' \
    '[a["name"] for a in j["schema"]["labels"][1]["attributes"]] == ["movieId", "title", "year"]' \
    '[a["name"] for a in j["schema"]["labels"][2]["attributes"]] == ["personId", "name"]'
  run 0 "$mmgraph" info "$work/m.mmg"
  has "$work/out" "Movie;Sequel                    2"
  get_json "$work/m.mmg" --key tt0133093
  check "$work/v.json" 'j["labels"] == ["Movie"] and j["label"] == "Movie"' \
    'j["attributes"] == {"movieId": "tt0133093", "title": "The Matrix", "year": 1999}'
  get_json "$work/m.mmg" --key tt0234215
  check "$work/v.json" 'j["labels"] == ["Movie", "Sequel"] and j["label"] == "Movie;Sequel"' \
    'j["attributes"] == {"movieId": "tt0234215", "title": "The Matrix Reloaded", "year": 2003}' 'j["in_degree"] == {"ACTED_IN": 3}'
  get_json "$work/m.mmg" --key tt0242653
  check "$work/v.json" 'j["labels"] == ["Movie", "Sequel"]' 'j["attributes"] == {"movieId": "tt0242653", "title": "The Matrix Revolutions", "year": 2003}'
  get_json "$work/m.mmg" --key carrieanne
  check "$work/v.json" 'j["labels"] == ["Actor"] and j["attributes"] == {"personId": "carrieanne", "name": "Carrie-Anne Moss"}' 'j["out_degree"] == {"ACTED_IN": 3}'
  run 0 "$mmgraph" get "$work/m.mmg" --key tt0234215
  has "$work/out" 'key "tt0234215", label Movie;Sequel'
  json_of "$work/n.json" "$mmgraph" neighbors "$work/m.mmg" --key laurence --json
  check "$work/n.json" \
    "[(e['key'], e['labels'], e['properties']['role']) for e in j] == [('tt0133093', ['Movie'], 'Morpheus'), ('tt0234215', ['Movie', 'Sequel'], 'Morpheus'), ('tt0242653', ['Movie', 'Sequel'], 'Morpheus')]"
  json_of "$work/i.json" "$mmgraph" neighbors "$work/m.mmg" --key tt0242653 --direction in --json
  check "$work/i.json" "[(e['key'], e['labels']) for e in j] == [('keanu', ['Actor']), ('laurence', ['Actor']), ('carrieanne', ['Actor'])]"
  run 0 "$mmgraph" neighbors "$work/m.mmg" --key keanu
  has "$work/out" 'role="Neo"  Movie;Sequel'
  run 0 "$mmgraph" dump "$work/m.mmg" --out "$work/dump"
  has "$work/dump/nodes-000002.csv" 'movieId:ID,:LABEL,title:string,year:int'
  has "$work/dump/nodes-000002.csv" '"tt0234215","Movie;Sequel","The Matrix Reloaded",2003'
  run 0 "$mmgraph" build -o "$work/re.mmg" --quiet --nodes "$work/dump"/nodes*.csv --edges "$work/dump"/edges*.csv
  cmp "$work/m.mmg" "$work/re.mmg" || fail "rebuild of the movies graph differs from the original"
  # The only node file is read once (names registered as met): the same labels and values.
  run 0 "$mmgraph" build -o "$work/one.mmg" --nodes "$data/movies.csv" --quiet
  get_json "$work/one.mmg" --key tt0242653
  check "$work/v.json" 'j["labels"] == ["Movie", "Sequel"] and j["attributes"] == {"movieId": "tt0242653", "title": "The Matrix Revolutions", "year": 2003}'
  ;;

option_labels)
  # --nodes=A:B=FILES (neo4j-admin): the option's labels go to every row of the files, before the
  # row's own :LABEL values, each label once; rows become label sets. A file group shares them.
  printf 'id:ID,name,:LABEL\nkeanu,Keanu,Actor\ntom,Tom,Actor;Director\nann,Ann,Person\nnone,Nobody,\n' >"$work/people.csv"
  printf ':ID,title\n' >"$work/films-header.csv"
  printf 'm1,Matrix\n' >"$work/films-1.csv"
  printf 'm2,Speed\n' >"$work/films-2.csv"
  printf ':START_ID,:END_ID,:TYPE\nkeanu,m1,ACTED_IN\ntom,m2,DIRECTED\n' >"$work/rels.csv"
  run 0 "$mmgraph" build -o "$work/o.mmg" --nodes=Person:Star="$work/people.csv" \
    --nodes=Film:Work:Film="$work/films-header.csv,$work/films-1.csv,$work/films-2.csv" --relationships="$work/rels.csv" --quiet
  run 0 "$mmgraph" verify "$work/o.mmg"
  get_json "$work/o.mmg" --key keanu
  check "$work/v.json" 'j["labels"] == ["Person", "Star", "Actor"]' 'j["attributes"] == {"id": "keanu", "name": "Keanu"}' \
    'j["out_degree"] == {"ACTED_IN": 1}'
  get_json "$work/o.mmg" --key tom
  check "$work/v.json" 'j["labels"] == ["Person", "Star", "Actor", "Director"]'
  get_json "$work/o.mmg" --key ann
  check "$work/v.json" 'j["labels"] == ["Person", "Star"]'
  get_json "$work/o.mmg" --key none
  check "$work/v.json" 'j["labels"] == ["Person", "Star"]'
  for key in m1 m2; do
    get_json "$work/o.mmg" --key $key
    check "$work/v.json" 'j["labels"] == ["Film", "Work"]' 'set(j["attributes"]) == {"title"}'
  done
  json_of "$work/info.json" "$mmgraph" info "$work/o.mmg" --json
  check "$work/info.json" 'j["labels"] == {"Person": 4, "Star": 4, "Actor": 2, "Director": 1, "Film": 2, "Work": 2}'
  # the same labels from one option label and :LABEL values give the same vertices
  printf 'id:ID,name,:LABEL\nkeanu,Keanu,Star;Actor\n' >"$work/one.csv"
  run 0 "$mmgraph" build -o "$work/p.mmg" --nodes=Person="$work/one.csv" --quiet
  get_json "$work/p.mmg" --key keanu
  check "$work/v.json" 'j["labels"] == ["Person", "Star", "Actor"]'
  # dump -> rebuild without the options gives the same bytes
  run 0 "$mmgraph" dump "$work/o.mmg" --out "$work/dump"
  run 0 "$mmgraph" build -o "$work/re.mmg" --quiet --nodes "$work/dump"/nodes*.csv --edges "$work/dump"/edges*.csv
  cmp "$work/o.mmg" "$work/re.mmg" || fail "rebuild of the option-labelled graph differs from the original"
  run 2 "$mmgraph" build -o "$work/x.mmg" --nodes=Person::Star="$work/people.csv"
  has "$work/err" "'Person::Star': an empty label"
  ;;

id_spaces)
  # ID spaces (format 2.2), as in neo4j-admin's id groups: movies under :ID(Movie-ID) and actors
  # under :ID(Actor-ID) with the same ids 1-3; roles join them by :START_ID(Actor-ID) and
  # :END_ID(Movie-ID). get --id-space picks the space; dump -> rebuild gives the same bytes.
  run 0 "$mmgraph" build -o "$work/s.mmg" --nodes "$data/movies_spaces.csv" --nodes "$data/actors_spaces.csv" \
    --edges "$data/roles_spaces.csv" --quiet
  run 0 "$mmgraph" verify "$work/s.mmg"
  json_of "$work/info.json" "$mmgraph" info "$work/s.mmg" --json
  check "$work/info.json" 'j["format_version"] == "2.6"' 'j["id_spaces"] == ["Movie-ID", "Actor-ID"]' 'j["vertices"] == 6' 'j["edges"] == 9'
  run 0 "$mmgraph" info "$work/s.mmg"
  has "$work/out" "ID spaces   Movie-ID, Actor-ID (and the unnamed default)"
  get_json "$work/s.mmg" --id-space Movie-ID --key 1
  check "$work/v.json" 'j["id_space"] == "Movie-ID" and j["labels"] == ["Movie"]' 'j["attributes"] == {"movieId": "1", "title": "The Matrix", "year": 1999}' \
    'j["in_degree"] == {"ACTED_IN": 3} and j["out_degree"] == {}'
  get_json "$work/s.mmg" --id-space Movie-ID --key 2
  check "$work/v.json" 'j["labels"] == ["Movie", "Sequel"] and j["attributes"] == {"movieId": "2", "title": "The Matrix Reloaded", "year": 2003}'
  get_json "$work/s.mmg" --id-space Actor-ID --key 1
  check "$work/v.json" 'j["id_space"] == "Actor-ID" and j["labels"] == ["Actor"]' 'j["attributes"] == {"personId": "1", "name": "Keanu Reeves"}' \
    'j["out_degree"] == {"ACTED_IN": 3} and j["in_degree"] == {}'
  get_json "$work/s.mmg" --id-space Actor-ID --key 3
  check "$work/v.json" 'j["attributes"] == {"personId": "3", "name": "Carrie-Anne Moss"}'
  json_of "$work/n.json" "$mmgraph" neighbors "$work/s.mmg" --id-space Actor-ID --key 2 --json
  check "$work/n.json" "[(e['key'], e['labels'], e['properties']['role']) for e in j] == [('1', ['Movie'], 'Morpheus'), ('2', ['Movie', 'Sequel'], 'Morpheus'), ('3', ['Movie', 'Sequel'], 'Morpheus')]"
  json_of "$work/i.json" "$mmgraph" neighbors "$work/s.mmg" --id-space Movie-ID --key 3 --direction in --json
  check "$work/i.json" "[(e['key'], e['properties']['role']) for e in j] == [('1', 'Neo'), ('2', 'Morpheus'), ('3', 'Trinity')]"
  run 1 "$mmgraph" get "$work/s.mmg" --key 1
  has "$work/err" "no vertex has the key '1'"
  run 1 "$mmgraph" get "$work/s.mmg" --id-space Person-ID --key 1
  has "$work/err" "no ID space 'Person-ID'"
  run 2 "$mmgraph" get "$work/s.mmg" --id-space Movie-ID --index 0
  run 0 "$mmgraph" dump "$work/s.mmg" --out "$work/dump"
  has "$work/dump/nodes-000001.csv" 'movieId:ID(Movie-ID),:LABEL,title:string,year:int'
  has "$work/dump/edges-000001.csv" ':START_ID(Actor-ID),:END_ID(Movie-ID),:TYPE,role:string'
  run 0 "$mmgraph" build -o "$work/re.mmg" --quiet --nodes "$work/dump"/nodes*.csv --edges "$work/dump"/edges*.csv
  cmp "$work/s.mmg" "$work/re.mmg" || fail "rebuild of the ID space graph differs from the original"
  # An end in the wrong space is an unknown id, named with its space.
  run 1 "$mmgraph" build -o "$work/b.mmg" --nodes "$data/movies_spaces.csv" --nodes "$data/actors_spaces.csv" --edges "$data/bad_space_end.csv"
  has "$work/err" "bad_space_end.csv:2:3: unknown :END_ID '4' in ID space 'Movie-ID' (no vertex has this id)"
  ;;

file_size_limit)
  # Past `ulimit -f` the build fails with a message, not SIGXFSZ, and leaves no file or temp.
  mkdir "$work/out_dir"
  status=0
  (ulimit -f 1; exec "$mmgraph" build -o "$work/out_dir/g.mmg" --quiet --nodes "$data/people.csv" \
     --edges "$data/relationships.csv") 2>"$work/err" || status=$?
  [ "$status" -eq 1 ] || fail "exit $status under ulimit -f, wanted 1: $(cat "$work/err")"
  has "$work/err" "File too large"
  [ -z "$(ls -A "$work/out_dir")" ] || fail "files left behind: $(ls -A "$work/out_dir")"
  ;;

*)
  fail "unknown case"
  ;;
esac
echo "ok [$case_name]"
