#!/usr/bin/env bash
# Runs the Python test suite against the module in build/python (or $BUILD_DIR/python) with
# /usr/bin/python3 (or $PYTHON). Fails when pytest fails or finds no tests (exit 5). The tests
# that compare with the CLI or read the damaged-file corpus run the programs of the same build
# ($MMGRAPH_CLI, $MMGRAPH_DAMAGED_CORPUS override them) and are skipped, saying so, without them.
set -euo pipefail
cd "$(dirname "$0")/.."
build_dir=${BUILD_DIR:-build}
case $build_dir in /*) ;; *) build_dir=$PWD/$build_dir ;; esac
python=${PYTHON:-/usr/bin/python3}
if [ ! -d "$build_dir/python/mmgraph" ]; then
  echo "run_tests: $build_dir/python/mmgraph not built (needs python3-dev, python3-numpy, pybind11-dev; then scripts/build.sh)" >&2
  exit 1
fi
export MMGRAPH_CLI=${MMGRAPH_CLI:-$build_dir/cli/mmgraph}
export MMGRAPH_DAMAGED_CORPUS=${MMGRAPH_DAMAGED_CORPUS:-$build_dir/tests/damaged_corpus}
# One test process per core where pytest-xdist is installed (scripts/setup.sh installs it): the
# suite's time is mostly single-threaded builds and Dask clusters starting.
parallel=()
"$python" -c "import xdist" 2>/dev/null && parallel=(-n "$(nproc)")
PYTHONPATH="$build_dir/python" "$python" -m pytest -q -p no:cacheprovider "${parallel[@]}" python/tests "$@"
