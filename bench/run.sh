#!/usr/bin/env bash
# The one command: builds a RelWithDebInfo tree of its own (build-bench/), generates the R-MAT
# graphs into a scratch directory, runs every figure against every peer, then the Python
# module's figures (bench/python_bench.py, with /usr/bin/python3), graph-tool and igraph
# (bench/peers_bench.py) and the scale-out figures
# (bench/dask_bench.py), prints the tables and updates
# bench/RESULTS.md. Extra arguments go to `mmgraph_bench run` and python_bench.py, e.g. --scale 22.
#
#     bench/run.sh                 # scale 20, edge factor 16 (16.7M edges): about 10 minutes on 2 cores
#     bench/run.sh --scale 22      # 67M edges
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
# The Python graph-library peers of bench/peers_bench.py are for the benchmark only (CI's setup
# does not install them).
if ! /usr/bin/python3 -c 'import graph_tool, igraph' 2>/dev/null; then
  sudo=$([ "$(id -u)" = 0 ] || echo sudo)
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y --no-install-recommends python3-graph-tool python3-igraph
fi
# Debian's numpy, scipy and pandas serve /usr/bin/python3; the python3 first on PATH may be another.
python=/usr/bin/python3
cmake -S . -B build-bench -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DMMGRAPH_BENCH=ON -DMMGRAPH_BUILD_TESTS=OFF \
  -DMMGRAPH_BUILD_EXAMPLES=OFF -DMMGRAPH_BUILD_PYTHON=ON -DPython3_EXECUTABLE=$python >/dev/null
# CMake skips the module, with only a status line, when pybind11 or NumPy is missing.
targets=$(ninja -C build-bench -t targets all)
if ! grep -q '^mmgraph_python:' <<<"$targets"; then
  echo "run.sh: build-bench/ has no Python module: needs python3-dev python3-numpy pybind11-dev for $python" >&2
  exit 1
fi
cmake --build build-bench --parallel "$(nproc)" --target mmgraph mmgraph_bench mmgraph_rmat mmgraph_python
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
PYTHONPATH=build-bench/python $python bench/python_bench.py --build build-bench --scratch "$scratch" \
  --results bench/RESULTS.md "$@"
PYTHONPATH=build-bench/python $python bench/peers_bench.py --build build-bench --scratch "$scratch" \
  --results bench/RESULTS.md "$@"
PYTHONPATH=build-bench/python $python bench/dask_bench.py --build build-bench --scratch "$scratch" \
  --results bench/RESULTS.md "$@"
