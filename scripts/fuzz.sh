#!/usr/bin/env bash
# Builds the fuzz targets with clang-14 (libFuzzer + ASan + UBSan) and runs each for
# $FUZZ_SECONDS (default 60) on scratch seed corpora generated here: .mmg files written by the
# writer (`mmgraph build` on the CLI test fixtures, plus the golden files), CSV written by
# `mmgraph dump`, the CLI fixtures, and the hand-written seeds in fuzz/corpus/.
#
#     scripts/fuzz.sh [TARGET...]     # fuzz_reader fuzz_csv fuzz_edgelist (default: all)
#
# A finding (crash, sanitizer report, timeout, out-of-memory) stops the run with a non-zero exit
# and is saved as build-fuzz/findings/TARGET-crash-*: fix it and add it under tests/ (see
# tests/data/fuzz/README.md).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
BUILD_DIR=build-fuzz BUILD_TYPE=RelWithDebInfo scripts/build.sh \
  -DCMAKE_CXX_COMPILER=clang++-14 -DMMGRAPH_FUZZ=ON -DMMGRAPH_SANITIZE=ON -DMMGRAPH_BUILD_TESTS=OFF \
  -DMMGRAPH_BUILD_EXAMPLES=OFF -DCMAKE_CXX_FLAGS=-fsanitize=fuzzer-no-link
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(fuzz_reader fuzz_csv fuzz_edgelist)

seeds=$(mktemp -d)
trap 'rm -rf "$seeds"' EXIT
mmgraph=build-fuzz/cli/mmgraph
fixtures=tests/cli/data
mkdir -p "$seeds/fuzz_reader" "$seeds/fuzz_csv" "$seeds/fuzz_edgelist" "$seeds/dump" build-fuzz/findings

# Reader seeds: files the writer produces, one per feature mix.
cp tests/data/*.mmg "$seeds/fuzz_reader/"
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

for target in "${targets[@]}"; do
  # First the known findings, once each: clang's UBSan checks more than the gcc test builds.
  regressions=(tests/data/fuzz/"$target"/*)
  if [ -e "${regressions[0]}" ]; then
    "build-fuzz/fuzz/$target" "${regressions[@]}" >"$seeds/replay.log" 2>&1 ||
      { cat "$seeds/replay.log" >&2; echo "fuzz: $target fails on a regression input in tests/data/fuzz/$target" >&2; exit 1; }
  fi
  extra=()
  [ "$target" = fuzz_csv ] && extra+=(-dict=fuzz/csv.dict)
  # The importer targets print build summaries: close their stderr (libFuzzer keeps its own).
  # Their writer starts a worker thread per build, whose thread-local allocations make libFuzzer
  # run LeakSanitizer after every input (60x slower); leaks are checked instead when the ASan
  # test build replays tests/data/fuzz/ and the seeds.
  [ "$target" != fuzz_reader ] && extra+=(-close_fd_mask=2 -detect_leaks=0)
  echo "fuzz: $target for ${FUZZ_SECONDS:-60} s" >&2
  status=0
  "build-fuzz/fuzz/$target" -max_total_time="${FUZZ_SECONDS:-60}" -timeout=10 -rss_limit_mb=2048 \
    -print_final_stats=1 -artifact_prefix="build-fuzz/findings/$target-" "${extra[@]}" "$seeds/$target" &
  pid=$!
  wait $pid || status=$?
  rm -f /dev/shm/mmgraph-fuzz-"$pid"*  # the target's scratch files
  [ "$status" -eq 0 ] || { echo "fuzz: $target found a problem (exit $status), see build-fuzz/findings/" >&2; exit 1; }
done
