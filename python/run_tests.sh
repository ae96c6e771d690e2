#!/usr/bin/env bash
# Runs the Python test suite against the module in build/python (or $BUILD_DIR/python) with
# /usr/bin/python3 (or $PYTHON). Fails when pytest fails or finds no tests (exit 5).
set -euo pipefail
cd "$(dirname "$0")/.."
build_dir=${BUILD_DIR:-build}
python=${PYTHON:-/usr/bin/python3}
if [ ! -d "$build_dir/python/mmgraph" ]; then
  echo "run_tests: $build_dir/python/mmgraph not built (needs python3-dev, python3-numpy, pybind11-dev; then scripts/build.sh)" >&2
  exit 1
fi
PYTHONPATH="$PWD/$build_dir/python" "$python" -m pytest -q -p no:cacheprovider python/tests "$@"
