#!/bin/bash
# A/B benchmark of vfs_profileacl (docs/benchmark.md, docs/benchmark.png).
# Fresh Debian 12 machine, as root. PROFILEACL_BENCH_ROUNDS (5) and
# PROFILEACL_BENCH_SECONDS (3) set the rounds per side and their length.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
scripts/setup-debian.sh
make
exec tests/netns-run.sh build/profileacl.so /usr/bin/python3 \
	tests/benchmark.py
