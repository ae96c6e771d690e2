#!/usr/bin/env bash
# Crash-safety tests of `mmgraph build` (spec §12 "Writing").
#
#     safety_test.sh MMGRAPH FAULT_SHIM CASE
#
# Cases:
#   kill_loop         SIGKILL builds at seeded random moments: the target holds the previous
#                     complete file or the new complete file, never anything else, and stale
#                     temporaries of killed builds are removed by the next build
#   kill_unnamed      a build killed while it encodes leaves no file at all: its output has no
#                     name until it is complete (where the file system has unnamed files)
#   stale_temps       temporaries of dead writers are removed, those of live ones kept
#   disk_full         a real full disk: a 1 MiB tmpfs (skipped, exit 77, where mounts are refused)
#   disk_full_faked   ENOSPC from posix_fallocate through the LD_PRELOAD shim (any machine)
#   sync_failure      EIO from fsync through the shim: the build fails and leaves no file
#   write_failure     EIO from pwrite (the encoder writes adjacency records and runs so) through the
#                     shim: the build fails, names the file, and leaves no file
set -euo pipefail

mmgraph=$1
shim=$2
case_name=$3
work=$(mktemp -d)
mounted=""
cleanup() {
  [ -z "$mounted" ] || umount "$mounted" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT
# The sanitizer runtime must come first among preloaded libraries unless told otherwise.
export ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}verify_asan_link_order=0

fail() {
  echo "FAIL [$case_name]: $*" >&2
  exit 1
}

# edges FILE N SEED: a SNAP edge list of N pseudo-random edges over N/4 vertices.
edges() {
  awk -v n="$2" -v seed="$3" 'BEGIN { srand(seed); v = int(n / 4) + 1;
    for (i = 0; i < n; i++) printf "%d\t%d\n", int(rand() * v), int(rand() * v) }' >"$1"
}

temps() { find "$1" -maxdepth 1 -name '.*.tmp-*' | wc -l; }

# expect_clean_failure DIR: the last build failed with exit 1 and left nothing in DIR.
expect_clean_failure() {
  [ "$status" -eq 1 ] || fail "exit $status, wanted 1: $(cat "$work/err")"
  [ -z "$(ls -A "$1")" ] || fail "files left behind: $(ls -A "$1")"
}

case "$case_name" in
kill_loop)
  # Two inputs whose files differ, built once for reference; the first build times the kills.
  edges "$work/a.txt" "${MMGRAPH_KILL_EDGES:-1500000}" 1
  { cat "$work/a.txt"; echo "0 1"; } >"$work/b.txt"
  mkdir "$work/ref" "$work/out"
  start=$(date +%s%N)
  "$mmgraph" build -q -o "$work/ref/a.mmg" --edgelist "$work/a.txt" 2>/dev/null
  build_ns=$(($(date +%s%N) - start))
  "$mmgraph" build -q -o "$work/ref/b.mmg" --edgelist "$work/b.txt" 2>/dev/null
  cmp -s "$work/ref/a.mmg" "$work/ref/b.mmg" && fail "reference files are identical"
  target="$work/out/g.mmg"
  RANDOM=20240611
  # The first kill hits a build into an empty directory; from then on a complete file is there.
  previous=""   # reference name of the complete file at the target ("" = none)
  kept=0 replaced=0 absent=0
  for i in $(seq 1 "${MMGRAPH_KILLS:-12}"); do
    input=a; [ $((i % 2)) -eq 0 ] && input=b
    if [ "$i" -eq 2 ] && [ -z "$previous" ]; then
      cp "$work/ref/a.mmg" "$target"
      previous=a
    fi
    # A moment in [0, 1.3 x build time): some kills land after the rename.
    delay_ns=$(( (RANDOM * 32768 + RANDOM) % (build_ns * 13 / 10) ))
    "$mmgraph" build -q -o "$target" --edgelist "$work/$input.txt" 2>/dev/null &
    pid=$!
    sleep "$(printf '%d.%09d' $((delay_ns / 1000000000)) $((delay_ns % 1000000000)))"
    kill -KILL "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
    if [ ! -e "$target" ]; then
      [ -z "$previous" ] || fail "kill $i: the previous file vanished"
      absent=$((absent + 1))
    elif [ -n "$previous" ] && cmp -s "$target" "$work/ref/$previous.mmg"; then
      kept=$((kept + 1))
    elif cmp -s "$target" "$work/ref/$input.mmg"; then
      replaced=$((replaced + 1))  # killed after the rename: the new file is complete
      previous=$input
    else
      fail "kill $i after ${delay_ns} ns: the target is neither the previous nor the new complete file"
    fi
    [ -z "$previous" ] || "$mmgraph" verify "$target" >/dev/null || fail "kill $i: verify refuses the target"
    # A killed build cannot clean up after itself; the next one removes its temporary.
    [ "$(temps "$work/out")" -le 1 ] || fail "kill $i: stale temporaries pile up: $(ls -A "$work/out")"
  done
  [ "$kept" -gt 0 ] || fail "no kill hit a build that was replacing a complete file"
  "$mmgraph" build -q -o "$target" --edgelist "$work/a.txt" 2>/dev/null
  cmp -s "$target" "$work/ref/a.mmg" || fail "the final build differs from the reference"
  [ "$(temps "$work/out")" -eq 0 ] || fail "temporaries left after a complete build: $(ls -A "$work/out")"
  echo "kill_loop: build $((build_ns / 1000000)) ms; kept previous $kept, complete new $replaced, none yet $absent"
  ;;

kill_unnamed)
  edges "$work/a.txt" "${MMGRAPH_KILL_EDGES:-1500000}" 2
  mkdir "$work/out"
  # Killed while its output is mapped (seen in /proc/PID/maps), that is while it encodes.
  "$mmgraph" build -q -o "$work/out/g.mmg" --edgelist "$work/a.txt" 2>/dev/null &
  pid=$!
  mapped=""
  for _ in $(seq 1 20000); do
    if grep -qF "$work/out/" "/proc/$pid/maps" 2>/dev/null; then
      mapped=yes
      break
    fi
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.001
  done
  kill -KILL "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
  [ -n "$mapped" ] || fail "the build ended before its output was seen mapped"
  [ -z "$(ls -A "$work/out")" ] || fail "a killed build left files: $(ls -A "$work/out")"
  ;;

stale_temps)
  printf '1 2\n' >"$work/e.txt"
  mkdir "$work/out"
  sleep 0 & dead=$!
  wait "$dead"
  echo partial >"$work/out/.g.mmg.tmp-$dead-0"       # a killed writer's
  echo partial >"$work/out/.g.mmg.tmp-$$-0"          # a live writer's (this shell)
  echo partial >"$work/out/.other.mmg.tmp-$dead-0"   # another target's
  "$mmgraph" build -q -o "$work/out/g.mmg" --edgelist "$work/e.txt" 2>/dev/null
  [ ! -e "$work/out/.g.mmg.tmp-$dead-0" ] || fail "a dead writer's temporary was kept"
  [ -e "$work/out/.g.mmg.tmp-$$-0" ] || fail "a live writer's temporary was removed"
  [ -e "$work/out/.other.mmg.tmp-$dead-0" ] || fail "another target's temporary was removed"
  ;;

disk_full)
  mkdir "$work/small"
  if ! mount -t tmpfs -o size=1m tmpfs "$work/small" 2>"$work/err"; then
    echo "skipped: cannot mount a tmpfs here ($(cat "$work/err"))"
    exit 77
  fi
  mounted="$work/small"
  edges "$work/e.txt" 200000 3   # a file of several MiB
  status=0
  "$mmgraph" build -q -o "$work/small/g.mmg" --edgelist "$work/e.txt" 2>"$work/err" || status=$?
  grep -qF "No space left on device" "$work/err" || fail "no clear message: $(cat "$work/err")"
  expect_clean_failure "$work/small"
  ;;

disk_full_faked | sync_failure | write_failure)
  [ "$case_name" = disk_full_faked ] && fault=posix_fallocate:ENOSPC message="No space left on device"
  [ "$case_name" = sync_failure ] && fault=fsync:EIO message="Input/output error"
  [ "$case_name" = write_failure ] && fault=pwrite:EIO message="Input/output error"
  # Enough edges that a window's run has whole words between its first and last (pwrite).
  edges "$work/e.txt" 200 7
  mkdir "$work/out"
  status=0
  LD_PRELOAD=$shim MMGRAPH_FAULT=$fault "$mmgraph" build -q -o "$work/out/g.mmg" --edgelist "$work/e.txt" 2>"$work/err" || status=$?
  grep -qF "$message" "$work/err" || fail "no clear message: $(cat "$work/err")"
  grep -qF "g.mmg" "$work/err" || fail "the message does not name the file: $(cat "$work/err")"
  expect_clean_failure "$work/out"
  # An older file at the target survives the failure byte for byte.
  "$mmgraph" build -q -o "$work/out/g.mmg" --edgelist "$work/e.txt" 2>/dev/null
  cp "$work/out/g.mmg" "$work/before.mmg"
  printf '5 6\n' >>"$work/e.txt"
  status=0
  LD_PRELOAD=$shim MMGRAPH_FAULT=$fault "$mmgraph" build -q -o "$work/out/g.mmg" --edgelist "$work/e.txt" 2>"$work/err" || status=$?
  [ "$status" -eq 1 ] || fail "exit $status over an older file, wanted 1"
  cmp -s "$work/out/g.mmg" "$work/before.mmg" || fail "the older file changed"
  [ "$(ls -A "$work/out")" = g.mmg ] || fail "files left behind: $(ls -A "$work/out")"
  ;;

*)
  fail "unknown case"
  ;;
esac
echo "ok [$case_name]"
