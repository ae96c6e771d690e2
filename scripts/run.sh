#!/usr/bin/env bash
# The main job: set up, build, write the sample graph with the C++ API and read it back.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
scripts/build.sh
mkdir -p out
build/examples/example_social out/social.mmg
