#!/bin/bash
# Build the libFuzzer harnesses (clang, ASan, UBSan) and run each for
# SECONDS (default 60) from the committed seed corpus.
#   tests/fuzz/run-fuzz.sh [SECONDS]
set -uo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
secs=${1:-60}
out="$top/build/fuzz"
mkdir -p "$out"
# shellcheck source=tests/lib-check.sh
. "$top/tests/lib-check.sh"
# The core is built as the module builds it: against the prepared Samba
# tree's headers (configured by make), linked as the unit tests are
samba_cflags=$(/usr/bin/python3 -c '
import sys
env = {}
exec(open(sys.argv[1]).read(), env)
print(" ".join(env["CFLAGS_SAMBA"] + ["-D" + d for d in env["DEFINES_SAMBA"]] +
               env["LINKFLAGS_SAMBALIBS"]))
' "$top/build/c4che/_cache.py") || { fail "run make first" && summary fuzz; exit 1; }
for h in options grant; do
	bin="$out/fuzz_$h" log="$out/fuzz_$h.log" crashes="$out/crashes-$h"
	# shellcheck disable=SC2086 # the flags are words
	clang -g -O1 -fsanitize=fuzzer,address,undefined \
		-fno-sanitize-recover=undefined -Wall -Wextra -Werror \
		-I"$top/vfs_profileacl" $samba_cflags "$top/tests/fuzz/fuzz_$h.c" \
		"$top/vfs_profileacl/profileacl_core.c" -ltalloc -o "$bin" ||
		{ fail "fuzz_$h: build failed" && continue; }
	# crashes of an earlier build are not this one's
	rm -rf "$crashes"
	mkdir -p "$out/corpus-$h" "$crashes"
	"$bin" -max_total_time="$secs" -print_final_stats=1 -artifact_prefix="$crashes/" \
		"$out/corpus-$h" "$top/tests/fuzz/corpus/$h" >"$log" 2>&1
	rc=$?
	runs=$(sed -nE 's/^stat::number_of_executed_units: *([0-9]+)/\1/p' "$log")
	n=$(find "$crashes" -type f | wc -l)
	check "fuzz_$h: $secs s, ${runs:-0} executions, $n crashes (rc $rc)" \
		"[ $rc -eq 0 ] && [ $n -eq 0 ] && [ ${runs:-0} -gt 0 ]" || tail -20 "$log"
done
summary fuzz
