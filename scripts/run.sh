#!/usr/bin/env bash
# The main job: set up, build, turn the bundled sample graph (Debian packages, CSV) into
# out/debian-packages.mmg with `mmgraph build`, describe it with `mmgraph info`, look up one
# vertex, and run the C++ API example.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
scripts/build.sh
sample=examples/data/debian-packages
mkdir -p out
build/cli/mmgraph build -o out/debian-packages.mmg \
  --nodes "$sample/nodes-packages.csv" --nodes "$sample/nodes-references.csv" --nodes "$sample/nodes-maintainers.csv" \
  --edges "$sample/edges-depends.csv" --edges "$sample/edges-pre-depends.csv" --edges "$sample/edges-recommends.csv" \
  --edges "$sample/edges-suggests.csv" --edges "$sample/edges-provides.csv" --edges "$sample/edges-maintained-by.csv"
build/cli/mmgraph info out/debian-packages.mmg
build/cli/mmgraph get out/debian-packages.mmg --key libc6
build/cli/mmgraph verify out/debian-packages.mmg
build/examples/example_social out/social.mmg
