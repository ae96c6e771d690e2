#!/usr/bin/env bash
# Checks the documented offline install: a venv over the system site packages, pip without
# network or build isolation, then the test suite against the installed package.
set -euo pipefail
cd "$(dirname "$0")/.."
python=${PYTHON:-/usr/bin/python3}
scratch=$(mktemp -d)
# pip builds in the source tree: remove what it leaves there too.
trap 'rm -rf "$scratch" python/build python/mmgraph.egg-info' EXIT
"$python" -m venv --system-site-packages "$scratch/venv"
"$scratch/venv/bin/pip" install --quiet --no-build-isolation --no-index ./python
# One test process per core, as python/run_tests.sh runs them.
parallel=()
"$scratch/venv/bin/python" -c "import xdist" 2>/dev/null && parallel=(-n "$(nproc)")
# Run from the scratch directory so that the installed package, not the source tree, is imported.
(cd "$scratch" && "$scratch/venv/bin/python" -c "import mmgraph, sys; print('installed', mmgraph.__file__)" &&
  "$scratch/venv/bin/python" -m pytest -q -p no:cacheprovider "${parallel[@]}" "$OLDPWD/python/tests")
