#!/bin/bash
# The integration suite, the deny matrix (with its durable handle cases),
# the audit paths, fault injection, the smbtorture table, the Debian
# package and valgrind against another Samba release: its real smbd, from
# Debian's packages, chrooted in its root (scripts/setup-samba-root.sh),
# with the module built from the same source against that release's tree.
# The build is the newest of the series whose source the mirror serves
# (scripts/setup-samba-root.sh); the first line names it.
#
#   tests/run-samba-root.sh 4.22|4.24 [SUITE...]
#
# SUITE: integration deny_matrix audit_paths faults review smbtorture_table
# smbtorture_ab deb (the default: all of these) or valgrind (the long
# form: the suites again with smbd under memcheck, about 5 minutes).
set -uo pipefail
release=${1:?usage: run-samba-root.sh 4.22|4.24 [SUITE...]}
shift
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
# shellcheck source=tests/lib-suite.sh
. tests/lib-suite.sh
# a set-up that fails is a failure of the whole run, never a skip
setup_failed() {
	echo "FAIL $1"
	echo "samba-$release: 0 passed, 1 failed"
	exit 1
}
setup_out=$(scripts/setup-samba-root.sh "$release") ||
	setup_failed "the $release root could not be set up"
# which build is tested, and why that one (setup-samba-root.sh's rule)
grep "^samba $release: tested " <<<"$setup_out"
ready=$(tail -1 <<<"$setup_out")
scripts/build-samba-root.sh "$release" | tail -1 ||
	setup_failed "the module could not be built for $release"
so=build/samba-$release/profileacl.so
export PROFILEACL_SAMBA_ROOT
PROFILEACL_SAMBA_ROOT=$(sed -nE 's/.*root ready: ([^,]+),.*/\1/p' <<<"$ready")
# without a root the suites would test this machine's samba instead
[ -n "$PROFILEACL_SAMBA_ROOT" ] && [ -x "$PROFILEACL_SAMBA_ROOT/usr/sbin/smbd" ] ||
	setup_failed "no $release root with an smbd (setup said: $ready)"
for v in TEST TORTURE MATRIX AUDIT FAULT REVIEW AB PDC; do
	lower=$(tr 'A-Z' 'a-z' <<<"$v")
	export "PROFILEACL_${v}_ROOT=/tmp/profileacl-$lower-$release"
done
mkdir -p build/test-logs
# the checks each suite is known to run (4.17's count: the releases here
# run as many or more; review 178: 4.22 and later serve SMB_SET_POSIX_ACL
# by path only, checked that way); fewer fail it (tests/lib-suite.sh)
declare -A least=([integration]=194 [deny_matrix]=4426 [audit_paths]=29
	[faults]=58 [review]=178 [domain_pdc]=125 [smbtorture_table]=144
	[smbtorture_ab]=168 [deb]=17 [valgrind]=4)
suites=("$@")
[ ${#suites[@]} -gt 0 ] ||
	suites=(integration deny_matrix audit_paths faults review domain_pdc
		smbtorture_table smbtorture_ab deb)
for suite in "${suites[@]}"; do
	log=build/test-logs/$suite-$release.log
	case "$suite" in
	deb) cmd=(tests/test_deb_root.sh "$release") label=deb-$release ;;
	valgrind)
		cmd=(tests/run-valgrind.sh --release "$release")
		label=valgrind-run
		;;
	*)
		script=tests/test_$suite.py
		[ -f "$script" ] || script=tests/$suite.py
		cmd=(tests/netns-run.sh "$so" /usr/bin/python3 "$script")
		label=${suite//_/-}
		;;
	esac
	"${cmd[@]}" >"$log" 2>&1
	rc=$?
	grep -E '^FAIL|passed|^[a-z_]+ +[0-9]+ of|^deny matrix:' "$log" |
		sed -E "s/^([a-z-]+):/\1 (Samba $release):/"
	# each suite by its own exit status and its own (last) closing line
	suite_result "$label" "$log" "$rc" "${least[$suite]:-1}"
	if [ -n "$suite_why" ]; then
		echo "run-samba-root: $suite (Samba $release): $suite_why: counted as 1 failure"
	fi
	tests_passed=$((tests_passed + suite_passed))
	tests_failed=$((tests_failed + suite_failed))
done
echo "samba-$release: $tests_passed passed, $tests_failed failed"
[ "$tests_failed" -eq 0 ]
