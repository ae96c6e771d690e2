#!/usr/bin/env bash
# Builds the fuzz targets with clang-14 (libFuzzer + ASan + UBSan) and runs them side by side,
# each for $FUZZ_SECONDS (default 60), on scratch seed corpora generated here: .mmg files written
# by the writer (`mmgraph build` on the CLI test fixtures, plus the golden files), CSV written by
# `mmgraph dump`, the CLI fixtures, and the hand-written seeds in fuzz/corpus/.
#
#     scripts/fuzz.sh [TARGET...]     # fuzz_reader fuzz_csv fuzz_edgelist (default: all)
#
# Each target first replays its known findings in tests/data/fuzz/TARGET/. A new finding (crash,
# sanitizer report, timeout, out-of-memory) ends the run with a non-zero exit and is saved as
# build-fuzz/findings/TARGET-crash-*, with the target's log in build-fuzz/findings/TARGET.log:
# fix it and add the input under tests/data/fuzz/ (see the README there).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
BUILD_DIR=build-fuzz BUILD_TYPE=RelWithDebInfo BUILD_TARGETS="fuzz_reader fuzz_csv fuzz_edgelist" scripts/build.sh \
  -DCMAKE_CXX_COMPILER=clang++-14 -DMMGRAPH_FUZZ=ON -DMMGRAPH_SANITIZE=ON -DMMGRAPH_BUILD_TESTS=OFF \
  -DMMGRAPH_BUILD_EXAMPLES=OFF -DCMAKE_CXX_FLAGS=-fsanitize=fuzzer-no-link
# The seeds come from the ordinary tool (already built when the tests ran before).
BUILD_TARGETS=mmgraph scripts/build.sh
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(fuzz_reader fuzz_csv fuzz_edgelist)

seeds=$(mktemp -d)
trap 'rm -rf "$seeds"' EXIT
mmgraph=build/cli/mmgraph
fixtures=tests/cli/data
findings=build-fuzz/findings
mkdir -p "$seeds/fuzz_reader" "$seeds/fuzz_csv" "$seeds/fuzz_edgelist" "$seeds/dump" "$findings"

# Reader seeds: files the writer produces, one per feature mix.
cp tests/data/*.mmg "$seeds/fuzz_reader/"
for v in v1 v2 v2.3 v2.4 v2.5; do for f in tests/data/$v/*.mmg; do cp "$f" "$seeds/fuzz_reader/$v-$(basename "$f")"; done; done  # format 1 and 2.0-2.5 files too
"$mmgraph" build -q -o "$seeds/fuzz_reader/typed.mmg" --nodes "$fixtures/people.csv" --edges "$fixtures/relationships.csv" 2>/dev/null
"$mmgraph" build -q -o "$seeds/fuzz_reader/sharded.mmg" --shards 3 --nodes "$fixtures/people.csv" --edges "$fixtures/relationships.csv" 2>/dev/null
"$mmgraph" build -q -o "$seeds/fuzz_reader/edgelist.mmg" --edgelist "$fixtures/edges.txt" 2>/dev/null
"$mmgraph" build -q -o "$seeds/fuzz_reader/quoting.mmg" --nodes "$fixtures/quoting.csv" 2>/dev/null

# CSV seeds: what `mmgraph dump` writes for those files (node file, "===", relationship file),
# the fixtures one by one, and the hand-written seeds.
"$mmgraph" dump "$seeds/fuzz_reader/typed.mmg" --out "$seeds/dump" >/dev/null
i=0
for nodes in "$seeds"/dump/nodes*.csv; do
  for edges in "$seeds"/dump/edges*.csv; do
    { cat "$nodes"; echo "==="; cat "$edges"; } >"$seeds/fuzz_csv/dump-$((i++)).csv"
  done
done
{ cat "$fixtures/people.csv"; echo "==="; cat "$fixtures/relationships.csv"; } >"$seeds/fuzz_csv/people-relationships.csv"
cp "$fixtures"/*.csv fuzz/corpus/fuzz_csv/* "$seeds/fuzz_csv/"
cp "$fixtures"/*.txt fuzz/corpus/fuzz_edgelist/* "$seeds/fuzz_edgelist/"

# fuzz_one TARGET: replays the known findings, then fuzzes; output in $findings/TARGET.log.
fuzz_one() {
  local target=$1 log="$findings/$1.log"
  local extra=()
  # First the known findings, once each: clang's UBSan checks more than the gcc test builds.
  local regressions=(tests/data/fuzz/"$target"/*) status=0 pid
  : >"$log"
  if [ -e "${regressions[0]}" ]; then
    "build-fuzz/fuzz/$target" "${regressions[@]}" >>"$log" 2>&1 &
    pid=$!
    wait "$pid" || status=$?
    rm -f /dev/shm/mmgraph-fuzz-"$pid"*  # scratch files a crashed target leaves
    if [ "$status" -ne 0 ]; then
      echo "fuzz: $target fails on a regression input in tests/data/fuzz/$target" >>"$log"
      return 1
    fi
  fi
  [ "$target" = fuzz_csv ] && extra+=(-dict=fuzz/csv.dict)
  # The importer targets' writer starts a worker thread per build, whose thread-local
  # allocations make libFuzzer run LeakSanitizer after every input (60x slower); leaks are
  # checked instead when the ASan test build replays tests/data/fuzz/ and the seeds.
  [ "$target" != fuzz_reader ] && extra+=(-detect_leaks=0)
  "build-fuzz/fuzz/$target" -max_total_time="${FUZZ_SECONDS:-60}" -timeout=10 -rss_limit_mb=2048 \
    -print_final_stats=1 -artifact_prefix="$findings/$target-" "${extra[@]}" "$seeds/$target" >>"$log" 2>&1 &
  pid=$!
  wait "$pid" || status=$?
  rm -f /dev/shm/mmgraph-fuzz-"$pid"*
  return "$status"
}

# Side by side: the run takes FUZZ_SECONDS, not three times that.
pids=()
for target in "${targets[@]}"; do
  echo "fuzz: $target for ${FUZZ_SECONDS:-60} s (log: $findings/$target.log)" >&2
  fuzz_one "$target" &
  pids+=($!)
done
failed=0
for k in "${!targets[@]}"; do
  target=${targets[$k]}
  if wait "${pids[$k]}"; then
    echo "fuzz: $target: $(grep -E '^#[0-9]+[[:space:]]+DONE' "$findings/$target.log" | tail -1)" >&2
  else
    tail -40 "$findings/$target.log" >&2
    echo "fuzz: $target found a problem, see $findings/" >&2
    failed=1
  fi
done
exit "$failed"
