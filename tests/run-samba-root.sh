#!/bin/bash
# The integration suite, the deny matrix (with its durable handle cases),
# the audit paths, fault injection, the smbtorture table, the Debian
# package and valgrind against another Samba release: its real smbd, from
# Debian's packages, chrooted in its root (scripts/setup-samba-root.sh),
# with the module built from the same source against that release's tree.
#
#   tests/run-samba-root.sh 4.22|4.24 [SUITE...]
set -uo pipefail
release=${1:?usage: run-samba-root.sh 4.22|4.24 [SUITE...]}
shift
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
ready=$(scripts/setup-samba-root.sh "$release" | tail -1) || exit 1
scripts/build-samba-root.sh "$release" | tail -1 || exit 1
so=build/samba-$release/profileacl.so
export PROFILEACL_SAMBA_ROOT
PROFILEACL_SAMBA_ROOT=$(sed -nE 's/.*root ready: ([^,]+),.*/\1/p' <<<"$ready")
for v in TEST TORTURE MATRIX AUDIT FAULT; do
	lower=$(tr 'A-Z' 'a-z' <<<"$v")
	export "PROFILEACL_${v}_ROOT=/tmp/profileacl-$lower-$release"
done
mkdir -p build/test-logs
suites=("$@")
[ ${#suites[@]} -gt 0 ] ||
	suites=(integration deny_matrix audit_paths faults smbtorture_table deb
		valgrind)
rc=0
logs=()
for suite in "${suites[@]}"; do
	log=build/test-logs/$suite-$release.log
	logs+=("$log")
	case "$suite" in
	deb) cmd=(tests/test_deb_root.sh "$release") ;;
	valgrind) cmd=(tests/run-valgrind.sh --release "$release") ;;
	*)
		script=tests/test_$suite.py
		[ -f "$script" ] || script=tests/$suite.py
		cmd=(tests/netns-run.sh "$so" /usr/bin/python3 "$script")
		;;
	esac
	"${cmd[@]}" >"$log" 2>&1 || rc=1
	grep -E '^FAIL|passed|^[a-z_]+ +[0-9]+ of|^deny matrix:' "$log" |
		sed -E "s/^([a-z-]+):/\1 (Samba $release):/"
done
# one closing line: the sum of each suite's own (last) result line
for log in "${logs[@]}"; do
	grep -E ': [0-9]+ passed, [0-9]+ failed$' "$log" | tail -1
done | sed -nE 's/.*: ([0-9]+) passed, ([0-9]+) failed$/\1 \2/p' |
	awk -v rc=$rc -v want=${#logs[@]} -v rel="$release" \
		'{p += $1; f += $2; n++}
		END {if (n < want && f == 0) f = 1;
		     if (rc != 0 && f == 0) f = 1;
		     printf "samba-%s: %d passed, %d failed\n", rel, p, f}'
exit $rc
