#!/usr/bin/env bash
# The one command: builds a RelWithDebInfo tree of its own (build-bench/), generates the R-MAT
# graphs into a scratch directory, runs every figure against every peer, prints the table and
# updates bench/RESULTS.md. Extra arguments go to `mmgraph_bench run`, e.g. --scale 22.
#
#     bench/run.sh                 # scale 20, edge factor 16 (16.7M edges): under 10 minutes on 2 cores
#     bench/run.sh --scale 22      # 67M edges
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
cmake -S . -B build-bench -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DMMGRAPH_BENCH=ON -DMMGRAPH_BUILD_TESTS=OFF \
  -DMMGRAPH_BUILD_EXAMPLES=OFF >/dev/null
cmake --build build-bench --parallel "$(nproc)" --target mmgraph mmgraph_bench mmgraph_rmat
# The harness works in a folder of its own inside the scratch directory and removes it; a
# scratch directory made here is removed too, one given in $BENCH_SCRATCH is left.
if [ -n "${BENCH_SCRATCH:-}" ]; then
  scratch=$BENCH_SCRATCH
else
  scratch=$(mktemp -d "${TMPDIR:-/tmp}/mmgraph-bench.XXXXXX")
  trap 'rm -rf "$scratch"' EXIT
fi
build-bench/bench/mmgraph_bench run --mmgraph build-bench/cli/mmgraph --scratch "$scratch" \
  --sample examples/data/debian-packages --results bench/RESULTS.md "$@"
