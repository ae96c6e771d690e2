#!/usr/bin/env bash
# Installs the build into a scratch prefix, then configures, builds and runs the consumer
# project against it with find_package(mmgraph CONFIG).
#
#     run.sh BUILD_DIR CONSUMER_SOURCE_DIR
set -euo pipefail
build=$1
consumer=$2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cmake --install "$build" --prefix "$work/prefix" >/dev/null
[ -x "$work/prefix/bin/mmgraph" ] || { echo "the mmgraph tool was not installed" >&2; exit 1; }
cmake -S "$consumer" -B "$work/build" -G Ninja -DCMAKE_PREFIX_PATH="$work/prefix" >/dev/null
cmake --build "$work/build" >/dev/null
"$work/build/consumer" "$work/consumer.mmg"
"$work/prefix/bin/mmgraph" verify "$work/consumer.mmg"
