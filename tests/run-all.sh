#!/bin/bash
# Every test of vfs_profileacl, from a fresh Debian 12 or 13 machine, as
# root: the test-box set-up (packages, matching Samba source), build,
# cmocka unit tests, integration tests against a real smbd in private
# namespaces, and the demo's end-to-end check; then the same against the
# other Samba releases and on fresh Debian hosts, in Debian roots.
# A suite counts only through its own exit status and its own closing
# line, "NAME: N passed, N failed" as its last line (tests/lib-suite.sh):
# without it, with a failing exit status, or with fewer checks than the
# minimum its run_suite call gives (the count of the last green run on
# 4.17, or less where another release runs fewer), it counts as failed.
# The last line is "tests: N passed, N failed".
#
#   PROFILEACL_CHECK_ROOTS=no   only the suites against this machine's
#                               samba: no Debian roots (what the fresh
#                               Debian 13 root runs inside itself)
#   PROFILEACL_FUZZ_SECONDS=N   seconds per fuzz harness (60)
#   PROFILEACL_VALGRIND_SUITES=no  not the suites under memcheck (the
#                               fresh Debian 13 root: its memcheck run
#                               is the long form, so that make check
#                               stays under 45 minutes on 2 cores)
set -uo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
ALL='.'

# shellcheck source=tests/lib-suite.sh
. tests/lib-suite.sh
logdir=build/test-logs
mkdir -p "$logdir"

# The counting first: a suite counts only through its own exit status and
# its own closing line, the last line of its output (tests/lib-suite.sh)
echo "== the runner's counting, fed crafted suites"
run_suite runner-counting 24 "$ALL" tests/test_runner_counting.sh

echo "== the host set-up's parts: apt sources in both forms, releases, policy-rc.d"
run_suite host-setup 44 "$ALL" tests/test_host_setup.sh

roots=${PROFILEACL_CHECK_ROOTS:-yes}
# The Debian roots take minutes of debootstrap, apt and configure each;
# they are prepared in the background while this machine's suites run.
# Each background job's output is its suite's log; it is counted when
# joined, by its own exit status and closing line.
declare -A bg_pid=()
background() {
	local name=$1
	shift
	"$@" >"$logdir/$name.log" 2>&1 &
	bg_pid[$name]=$!
}
# The fresh Debian roots are the longest path of make check and need
# nothing of this machine's set-up but debootstrap: they start first
if [ "$roots" != no ]; then
	if ! dpkg-query -W -f='${Status}' debootstrap 2>/dev/null |
		grep -q 'install ok installed'; then
		apt-get -o DPkg::Lock::Timeout=600 update -qq &&
			DEBIAN_FRONTEND=noninteractive apt-get \
				-o DPkg::Lock::Timeout=600 install -y -qq \
				debootstrap >/dev/null
	fi
	background fresh-trixie tests/test_fresh_host.sh trixie
	background fresh-bookworm tests/test_fresh_host.sh bookworm
fi
if ! scripts/setup-testbox.sh || ! make; then
	echo "run-all: set-up or build failed"
	# no test leaves a process behind: the roots end on their own
	wait
	echo "tests: $tests_passed passed, $((tests_failed + 1)) failed"
	exit 1
fi

# join NAME MIN FILTER: wait for a background suite and count it (MIN
# as for run_suite)
join() {
	local name=$1 min=$2 filter=$3 rc
	wait "${bg_pid[$name]}"
	rc=$?
	grep -E -- "$filter" "$logdir/$name.log"
	suite_result "$name" "$logdir/$name.log" "$rc" "$min"
	if [ -n "$suite_why" ]; then
		echo "run-all: $name: $suite_why: counted as 1 failure"
	fi
	tests_passed=$((tests_passed + suite_passed))
	tests_failed=$((tests_failed + suite_failed))
}
# shellcheck source=scripts/lib-host.sh
. scripts/lib-host.sh
series_config "$(dpkg-query -W -f='${Version}' samba)"
# the releases run in roots: 4.24 (trixie-backports) unless this host runs
# it; 4.22 runs in the fresh Debian 13 root, as that host's own samba
other_releases=()
[ "$SERIES" = 4.24 ] || other_releases+=(4.24)
if [ "$roots" != no ]; then
	background update tests/test_update.sh
	for release in "${other_releases[@]}"; do
		background "setup-$release" scripts/setup-samba-root.sh "$release"
	done
fi

# a Python suite against a real smbd in private namespaces
in_netns() {
	tests/netns-run.sh build/profileacl.so /usr/bin/python3 "$@"
}
QUIET='^(FAIL|ok|[A-Za-z0-9 ().-]+: [0-9]+ passed|[a-z ]+:|deny|faults|load)'

echo "== unit tests (cmocka)"
unit_suite() {
	local out pass fail rc
	out=$(mktemp)
	build/test_profileacl_policy >"$out" 2>&1
	rc=$?
	cat "$out"
	pass=$(sed -nE 's/^\[  PASSED  \] ([0-9]+) test.*/\1/p' "$out")
	fail=$(sed -nE 's/^\[  FAILED  \] ([0-9]+) test.*/\1/p' "$out")
	rm -f "$out"
	echo "unit: ${pass:-0} passed, ${fail:-0} failed"
	return $rc
}
run_suite unit 37 "$ALL" unit_suite

echo "== docs: guide, man page and README agree with the code"
run_suite docs 42 "$ALL" /usr/bin/python3 tests/test_docs.py

echo "== fuzzing (libFuzzer, ASan, UBSan), ${PROFILEACL_FUZZ_SECONDS:-60} s per harness"
run_suite fuzz 2 "$ALL" tests/fuzz/run-fuzz.sh "${PROFILEACL_FUZZ_SECONDS:-60}"

echo "== build: version mismatch stops the build"
run_suite build-mismatch 6 "$ALL" tests/test_build_mismatch.sh

echo "== integration tests (real smbd, SMB1 and SMB2)"
run_suite integration 194 "$QUIET" in_netns tests/test_integration.py

echo "== deny matrix (users x objects x access x shares x SMB1/SMB2)"
run_suite deny-matrix 4426 "$QUIET" in_netns tests/test_deny_matrix.py

echo "== fault injection below the module, races, reconnects after an owner change"
run_suite faults 58 "$QUIET" in_netns tests/test_faults.py

echo "== audit: one write line for every path that writes through a grant"
run_suite audit-paths 29 "$QUIET" in_netns tests/test_audit_paths.py

echo "== review: each finding of the Samba reviews (issues 17 and 25), against a Full-share reference"
# 177 checks on 4.17; 178 on 4.22 and 4.24 (the fresh Debian 13 root runs
# this file), whose smbd serves SMB_SET_POSIX_ACL by path only
run_suite review 177 "$QUIET" in_netns tests/test_review.py

echo "== a domain profile server: a Samba AD DC serving the share, domain users, NTLM and Kerberos, SMB1/2.1/3"
run_suite domain-dc 97 "$QUIET|^domain:" in_netns tests/test_domain.py

echo "== a member file server joined to that DC: net ads join, winbind, idmap rid; the deny matrix's core with domain identities"
run_suite domain-member 117 "$QUIET|^domain:" env \
	PROFILEACL_DOMAIN_ROOT=/tmp/profileacl-domain-member \
	tests/netns-run.sh build/profileacl.so /usr/bin/python3 \
	tests/test_domain.py member

echo "== a classic NT4-style PDC serving the profile share: PDOM users, NTLM over SMB1/2.1/3"
run_suite domain-pdc 125 "$QUIET|^domain-pdc:" env \
	PROFILEACL_PDC_ROOT=/tmp/profileacl-pdc \
	tests/netns-run.sh build/profileacl.so /usr/bin/python3 \
	tests/test_domain_pdc.py

echo "== load: 50 owners syncing, 10 others trying (short form: 20 s)"
export PROFILEACL_LOAD_SECONDS=${PROFILEACL_LOAD_SECONDS:-20}
run_suite load 10 "$QUIET" in_netns tests/test_load.py

echo "== smbtorture table (4 configurations, one process per test)"
run_suite smbtorture-table 144 "$QUIET|^[a-z_]+ +[0-9]+ of" \
	in_netns tests/smbtorture_table.py

echo "== smbtorture A/B: Samba's smb2 suites as the owner, the module's Change share against Full without it"
run_suite smbtorture-ab 168 "$QUIET|^     |^wall time" in_netns tests/smbtorture_ab.py
echo "== smbtorture A/B, its negative control: the judgement on crafted runs, and smb2.rename with the module side left without the module must fail"
run_suite smbtorture-ab-control 13 "$QUIET|^planted\| smbtorture-ab:" \
	in_netns tests/smbtorture_ab.py --control

echo "== valgrind: integration and review with smbd under memcheck (the smbtorture table under memcheck is the long form)"
if [ "${PROFILEACL_VALGRIND_SUITES:-yes}" != no ]; then
	# the checker first: a module error alone and a module leak alone
	# (one crafted log each) must each be rejected
	run_suite valgrind-check 3 "$ALL" /usr/bin/python3 \
		tests/valgrind_check.py --self-test
	# the smbtorture table under memcheck is the long form
	# (tests/run-valgrind.sh): make check stays under 45 minutes
	run_suite valgrind-run 3 "$QUIET" env PROFILEACL_VALGRIND_TORTURE=no \
		tests/run-valgrind.sh
fi

echo "== install: make install/uninstall, Debian package build/install/purge"
run_suite install 23 "$ALL" tests/test_install.sh

echo "== load guard: a module built for another samba build refuses to load"
run_suite load-guard 10 "$QUIET" tests/test_load_guard.sh

if [ "$roots" != no ]; then
	for release in "${other_releases[@]}"; do
		echo "== Samba $release (Debian root): integration, deny matrix, audit paths, faults, review, smbtorture table and A/B, package"
		wait "${bg_pid[setup-$release]}"
		# the sum of run-samba-root.sh's own minimums
		run_suite "samba-$release" 5339 "$ALL" tests/run-samba-root.sh \
			"$release"
	done
fi

echo "== the README's long forms run: each script takes the arguments given, valgrind where each memcheck form's smbd runs"
# 24 checks, and a memcheck run in each release root made above
least=24
[ "$roots" = no ] || least=$((least + ${#other_releases[@]}))
run_suite long-forms "$least" "$ALL" tests/test_long_forms.sh

echo "== demo (Windows 2000-style logoff, with and without the module)"
demo_suite() {
	local rc=0
	tests/netns-run.sh build/profileacl.so /usr/bin/python3 tests/demo.py \
		2>&1 | grep -v -e '^debug_lookup_classname' -e '^tdbsam'
	rc=${PIPESTATUS[0]}
	if [ "$rc" -eq 0 ]; then
		echo "demo: 1 passed, 0 failed"
	else
		echo "demo: 0 passed, 1 failed"
	fi
	return $rc
}
run_suite demo 1 "$ALL" demo_suite

echo "== a two-node CTDB cluster: sync, refusals, share modes, durable handles across nodes, storm (short form)"
run_suite cluster 58 "$QUIET|^storm:" in_netns tests/cluster/test_cluster.py
run_suite deny-matrix-cluster 4426 "$QUIET" env PROFILEACL_MATRIX_CLUSTER=1 \
	PROFILEACL_MATRIX_ROOT=/tmp/profileacl-matrix-cluster \
	tests/netns-run.sh build/profileacl.so /usr/bin/python3 \
	tests/test_deny_matrix.py

if [ "$roots" != no ]; then
	echo "== samba updates: +deb12u2 -> +deb12u4 in a Debian 12 root, with the package"
	join update 20 '^(ok|FAIL|     )|^update'
	echo "== a fresh Debian 12 root, one-line sources.list: make setup, make && make install, smbd serves the module"
	join fresh-bookworm 10 '^(ok|FAIL|     )|^fresh'
	echo "== a fresh Debian 13 root, deb822 sources: the README's commands (make demo; make check, samba 4.22)"
	join fresh-trixie 10 '^(ok|FAIL|     )|^fresh|^-- '
fi

echo "== no process of a test server outlives the tests"
run_suite leftovers 2 "$ALL" tests/check_leftovers.sh --self

echo "tests: $tests_passed passed, $tests_failed failed"
[ "$tests_failed" -eq 0 ]
