#!/usr/bin/env bash
# The main job: set up, build, turn the bundled sample graph (Debian packages, CSV) into
# out/debian-packages.mmg with `mmgraph build`, describe it with `mmgraph info`, look up one
# vertex, run the C++ API example, then open the sample in the viewer: in a window when there
# is a display, otherwise headless under Xvfb, writing a screenshot to out/viewer.png.
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

# The viewer starts at libc6, the package most others depend on.
printf 'key libc6\n' >out/viewer-walk.txt
if [ -n "${DISPLAY:-}" ] || [ -n "${WAYLAND_DISPLAY:-}" ]; then
  build/viewer/mmgraph-view out/debian-packages.mmg --walk out/viewer-walk.txt
else
  xvfb-run -a -s '-screen 0 1280x800x24' build/viewer/mmgraph-view out/debian-packages.mmg \
    --walk out/viewer-walk.txt --screenshot out/viewer.png --dump-state out/viewer-state.json
  echo "mmgraph-view: no display here, so it ran headless: screenshot in out/viewer.png, walker state in out/viewer-state.json"
fi
