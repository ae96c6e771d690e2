#!/usr/bin/env bash
# Builds the fuzz targets with clang-14 (libFuzzer + ASan + UBSan) and runs each for
# $FUZZ_SECONDS (default 60) on a scratch copy of the seed corpus (the golden files).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
CXX=clang++-14 BUILD_DIR=build-fuzz BUILD_TYPE=RelWithDebInfo scripts/build.sh \
  -DCMAKE_CXX_COMPILER=clang++-14 -DMMGRAPH_FUZZ=ON -DMMGRAPH_SANITIZE=ON -DMMGRAPH_BUILD_TESTS=OFF \
  -DMMGRAPH_BUILD_EXAMPLES=OFF -DCMAKE_CXX_FLAGS=-fsanitize=fuzzer-no-link
corpus=$(mktemp -d)
trap 'rm -rf "$corpus" /dev/shm/mmgraph-fuzz-*' EXIT
cp tests/data/*.mmg "$corpus/"
build-fuzz/fuzz/fuzz_reader -max_total_time="${FUZZ_SECONDS:-60}" -timeout=10 -rss_limit_mb=4096 \
  -print_final_stats=1 "$corpus"
