#!/usr/bin/env bash
# Set up, build and run every test: the normal build and the Python package, then the whole suite again under
# AddressSanitizer + UndefinedBehaviorSanitizer, then the multi-threaded tests (concurrent
# readers, parallel encoding, files replaced under readers, the importer's parsing threads) under
# ThreadSanitizer.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
scripts/build.sh
ctest --test-dir build --output-on-failure --parallel "$(nproc)"
# The Python package: its pytest suite on the module the build made, then the documented
# offline pip install into a fresh venv, tested the same way.
python/run_tests.sh
python/test_install.sh
# Debug keeps the assertions; the libraries (and the tests' walking and damaging code) at -O1, as
# the sanitizers' documentation advises, run the suite in 329 s where -O0 took 520, and the test
# sources stay at -O0, which compiles three times faster (CMakeLists.txt). Line tables only
# (-g1): the sanitizers' reports keep their file:line frames, and sources compile a quarter to a
# third faster than with full debug info.
BUILD_DIR=build-asan BUILD_TYPE=Debug scripts/build.sh -DMMGRAPH_SANITIZE=ON -DMMGRAPH_LIBRARY_OPTIONS=-O1 -DCMAKE_CXX_FLAGS_DEBUG=-g1
ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1 \
  ctest --test-dir build-asan --output-on-failure --parallel "$(nproc)"
# The largest determinism case (4 graphs x 3 thread counts) takes minutes under TSan and adds no
# interleaving the others lack; every other concurrency and determinism test runs.
BUILD_DIR=build-tsan BUILD_TARGETS="test_concurrency test_determinism test_replace test_import test_writer_errors" scripts/build.sh -DMMGRAPH_SANITIZE_THREAD=ON
TSAN_OPTIONS=halt_on_error=1:second_deadlock_stack=1 \
  ctest --test-dir build-tsan --output-on-failure --parallel "$(nproc)" \
  -R '^(concurrency|determinism|replace|import): |^writer_errors: a failed write of staged edges' -E 'determinism: 1, 2 and 8 encode threads'
