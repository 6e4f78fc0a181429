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
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
short=no
release=""
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
setup_failed() {
	fail "$1"
	summary "$label"
	exit 1
}
if [ -z "$release" ]; then
	command -v valgrind >/dev/null ||
		apt-get install -y -qq valgrind >/dev/null ||
		setup_failed "valgrind could not be installed"
	so=build/profileacl.so
	vdir=/tmp/profileacl-valgrind
else
	# without the root the suites would test this machine's samba
	[ -x "${PROFILEACL_SAMBA_ROOT:-/nonexistent}/usr/bin/valgrind" ] ||
		setup_failed "no $release root with valgrind (PROFILEACL_SAMBA_ROOT='${PROFILEACL_SAMBA_ROOT:-}')"
	so=build/samba-$release/profileacl.so
	vdir=/tmp/profileacl-valgrind-$release
fi
[ -f "$so" ] || setup_failed "no module at $so"

rm -rf "$vdir"
export PROFILEACL_VALGRIND=$vdir
# each suite by its own exit status and its own closing line, with at
# least the checks it runs without memcheck (tests/lib-suite.sh):
# memcheck_suite FILE LABEL MIN DESCRIPTION PATTERN SCRIPT [ARGS...]
memcheck_suite() {
	local file=$1 label=$2 min=$3 what=$4 pattern=$5 rc
	shift 5
	tests/netns-run.sh "$so" /usr/bin/python3 "$@" >"$vdir.$file" 2>&1
	rc=$?
	grep -E "$pattern" "$vdir.$file"
	check "$what under memcheck: $(tail -1 "$vdir.$file")" \
		"suite_ok $label '$vdir.$file' $rc $min"
}
memcheck_suite integration integration 307 "the integration suite" \
	'FAIL|passed' tests/test_integration.py
# durable reconnects, among them the failed cookie wrap's error path
memcheck_suite durable durable 53 "the durable suite" 'FAIL|passed' \
	tests/test_durable.py
if [ $short = no ]; then
	# the two configurations of the default: 2 x 35 tests and 2 panic
	# checks; other options, other counts
	least=72
	[ $# -eq 0 ] || least=1
	memcheck_suite torture smbtorture-table $least "the smbtorture table" \
		'FAIL|passed|of [0-9]+' tests/smbtorture_table.py \
		"${@:---configs=module,write_owner}"
fi
/usr/bin/python3 tests/valgrind_check.py "$vdir" >"$vdir.check" 2>&1
rc=$?
grep -v ': [0-9]* passed, [0-9]* failed$' "$vdir.check"
check "no memcheck error or leak from the module: $(tail -1 "$vdir.check")" \
	"suite_ok valgrind '$vdir.check' $rc"
summary "$label"
