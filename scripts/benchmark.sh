#!/bin/bash
# A/B benchmark of vfs_profileacl (docs/benchmark.md, docs/benchmark.png).
# Fresh Debian 12 machine, as root. PROFILEACL_BENCH_ROUNDS (7) and
# PROFILEACL_BENCH_SECONDS (4) set the rounds per side and their length.
# Fails when a process of its servers is left (tests/check_leftovers.sh).
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
scripts/setup-testbox.sh
make
rc=0
tests/netns-run.sh build/profileacl.so /usr/bin/python3 \
	tests/benchmark.py || rc=$?
# no process of the bench's servers may be left (strace, callgrind)
tests/check_leftovers.sh "${PROFILEACL_BENCH_ROOT:-/tmp/profileacl-bench}" ||
	rc=1
exit $rc
