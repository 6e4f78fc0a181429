#!/bin/bash
# Build the libFuzzer harnesses (clang, ASan, UBSan) and run each for
# SECONDS (default 60) from the committed seed corpus.
#   tests/fuzz/run-fuzz.sh [SECONDS]
# A long run: tests/fuzz/run-fuzz.sh 3600
set -uo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
secs=${1:-60}
out="$top/build/fuzz"
mkdir -p "$out"
passed=0
failed=0
# The core is built as the module builds it: against the prepared Samba
# tree's headers (configured by make), linked as the unit tests are
samba_cflags=$(/usr/bin/python3 -c '
import sys
env = {}
exec(open(sys.argv[1]).read(), env)
print(" ".join(env["CFLAGS_SAMBA"] + ["-D" + d for d in env["DEFINES_SAMBA"]] +
               env["LINKFLAGS_SAMBALIBS"]))
' "$top/build/c4che/_cache.py") ||
	{ echo "fuzz: run make first"; echo "fuzz: 0 passed, 1 failed"; exit 1; }
for h in options grant; do
	bin="$out/fuzz_$h"
	clang -g -O1 -fsanitize=fuzzer,address,undefined \
		-fno-sanitize-recover=undefined -Wall -Wextra -Werror \
		-I"$top/vfs_profileacl" $samba_cflags \
		"$top/tests/fuzz/fuzz_$h.c" \
		"$top/vfs_profileacl/profileacl_core.c" \
		-ltalloc -o "$bin" || {
		echo "fuzz_$h: build failed"; failed=$((failed + 1)); continue; }
	work="$out/corpus-$h"
	# crashes of an earlier build are not this one's
	rm -rf "$out/crashes-$h"
	mkdir -p "$work" "$out/crashes-$h"
	log="$out/fuzz_$h.log"
	"$bin" -max_total_time="$secs" -print_final_stats=1 \
		-artifact_prefix="$out/crashes-$h/" \
		"$work" "$top/tests/fuzz/corpus/$h" >"$log" 2>&1
	rc=$?
	runs=$(sed -nE 's/^stat::number_of_executed_units: *([0-9]+)/\1/p' "$log")
	crashes=$(find "$out/crashes-$h" -type f | wc -l)
	echo "fuzz_$h: $secs s, ${runs:-0} executions, $crashes crashes (rc $rc)"
	if [ "$rc" -eq 0 ] && [ "$crashes" -eq 0 ] && [ "${runs:-0}" -gt 0 ]; then
		passed=$((passed + 1))
	else
		failed=$((failed + 1))
		tail -20 "$log"
	fi
done
echo "fuzz: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
