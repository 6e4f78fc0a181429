#!/bin/bash
# The integration suite, the durable suite (with the durable reconnect's
# error paths) and the smbtorture runs with the module with smbd
# under valgrind memcheck (--trace-children=yes): fails on any error whose
# stack has a frame in profileacl.so and on any leak from the module.
# Slow (smbd runs about 20 times slower): minutes, not seconds. Rows of
# tests/suites (tests/run sets up the server and builds the module):
#
#   tests/run-valgrind.sh [--short] [--release 4.22|4.24] [smbtorture_table options]
#
# --short: not the smbtorture table, the longest of the three (about 6
# minutes; make check's form). --release: the release's smbd in its root
# (PROFILEACL_SAMBA_ROOT, set by tests/run) and the module built for it.
set -uo pipefail
cd "$(dirname "$0")/.." || exit 1
short=no release=""
while [ $# -gt 0 ]; do
	case "$1" in
	--short) short=yes && shift ;;
	--release) release=$2 && shift 2 ;;
	*) break ;;
	esac
done
label="valgrind-run${release:+ (Samba $release)}"
# shellcheck source=tests/lib-check.sh
. tests/lib-check.sh
# shellcheck source=tests/lib-suite.sh
. tests/lib-suite.sh
# a set-up that fails is a failure, never a skip
setup_failed() { fail "$1"; summary "$label"; exit 1; }
if [ -z "$release" ]; then
	command -v valgrind >/dev/null || apt-get install -y -qq valgrind >/dev/null ||
		setup_failed "valgrind could not be installed"
# without the root the suites would test this machine's samba
elif [ ! -x "${PROFILEACL_SAMBA_ROOT:-/nonexistent}/usr/bin/valgrind" ]; then
	setup_failed "no $release root with valgrind (PROFILEACL_SAMBA_ROOT='${PROFILEACL_SAMBA_ROOT:-}')"
fi
so=build${release:+/samba-$release}/profileacl.so
vdir=/tmp/profileacl-valgrind${release:+-$release}
[ -f "$so" ] || setup_failed "no module at $so"
rm -rf "$vdir"
export PROFILEACL_VALGRIND=$vdir

# check_suite WHAT NAME MIN CMD...: the suite NAME by its own exit status
# and closing line, with at least MIN checks (those it runs without
# memcheck; tests/lib-suite.sh); shows its lines that match $show
check_suite() {
	local rc
	"${@:4}" >"$vdir.$2" 2>&1
	rc=$?
	grep -E "${show:-FAIL|passed|of [0-9]+}" "$vdir.$2"
	check "$1: $(tail -1 "$vdir.$2")" "suite_ok $2 '$vdir.$2' $rc $3"
}
memcheck_suite() {
	check_suite "$1 under memcheck" "$2" "$3" tests/netns-run.sh "$so" /usr/bin/python3 "${@:4}"
}
# each suite's row's count for this samba (tests/suites)
samba=${release:-$(dpkg-query -W -f='${Version}' samba)}
memcheck_suite "the integration suite" integration "$(suite_min integration "$samba")" \
	tests/test_integration.py
# durable reconnects, among them the failed cookie wrap's error path
memcheck_suite "the durable suite" durable "$(suite_min durable "$samba")" tests/test_durable.py
if [ $short = no ]; then
	# the two configurations of the default: 2 x 35 tests and 2 panic
	# checks; other options, other counts
	memcheck_suite "the smbtorture table" smbtorture-table "$([ $# -eq 0 ] && echo 72 || echo 1)" \
		tests/smbtorture_table.py "${@:---configs=module,write_owner}"
fi
show=. check_suite "no memcheck error or leak from the module" valgrind 1 \
	/usr/bin/python3 tests/valgrind_check.py "$vdir"
summary "$label"
