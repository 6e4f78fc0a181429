#!/bin/bash
# The runner's counting (tests/run, tests/lib-suite.sh), fed crafted
# tables of crafted suites: a suite counts only through its own exit
# status and its own closing line, its last line, and at least the checks
# its row gives; a row that cannot run, or a selection of none, is a
# failure. The first row of make check.
set -uo pipefail
# the crafted tables are judged as a plain make check judges them: the
# switches of the caller (the fresh Debian 13 root sets both) stay out
unset PROFILEACL_CHECK_ROOTS PROFILEACL_VALGRIND_SUITES
cd "$(dirname "$0")/.." || exit
# shellcheck source=tests/lib-check.sh
. tests/lib-check.sh
# shellcheck source=tests/lib-suite.sh
. tests/lib-suite.sh

t=$(mktemp -d /tmp/profileacl-counting.XXXXXX)
runner=""
trap '[ -z "$runner" ] || kill -KILL -- "-$runner" 2>/dev/null; rm -rf "$t"' EXIT
# the runner's disk check reads this df, not the machine's: 100 GiB free
# everywhere, less where FAKE_TOP_KIB or FAKE_TMP_KIB says, and an error
# with FAKE_DF_FAIL
mkdir "$t/bin"
cat >"$t/bin/df" <<'DF'
#!/bin/sh
[ -z "$FAKE_DF_FAIL" ] || exit 1
case "$3" in
/tmp) kib=${FAKE_TMP_KIB:-104857600} ;;
*) kib=${FAKE_TOP_KIB:-104857600} ;;
esac
echo "Filesystem 1024-blocks Used Available Capacity Mounted on"
echo "/dev/fake 209715200 0 $kib 1% /"
DF
chmod +x "$t/bin/df"
# and the version of samba is FAKE_SAMBA's, where one is given
# and debootstrap is there, as a fake
cat >"$t/bin/dpkg-query" <<'DPKG'
#!/bin/bash
[ -z "$FAKE_SAMBA" ] || [ "${!#}" != samba ] || { echo -n "$FAKE_SAMBA"; exit; }
[ "${!#}" != debootstrap ] || { echo -n "install ok installed"; exit; }
exec /usr/bin/dpkg-query "$@"
DPKG
printf '#!/bin/sh\nexit 1\n' >"$t/bin/debootstrap"
chmod +x "$t/bin/dpkg-query" "$t/bin/debootstrap"
export PATH=$t/bin:$PATH FAKE_DF_FAIL="" FAKE_TOP_KIB="" FAKE_TMP_KIB="" \
	FAKE_SAMBA=""

# runs TABLE [ARGS...]: tests/run on TABLE; sets got (its last line) and
# rc (its exit status); its whole output is in $t/console
runs() {
	local table=$1
	shift
	tests/run --table "$table" "$@" </dev/null >"$t/console" 2>&1
	rc=$?
	got=$(tail -1 "$t/console")
}
# counts, for each line "WHAT | P F [MIN [SERVER]] | CODE" on its input: a
# table of one row, the suite "fake" known to run MIN checks (1) on SERVER
# (none) running the shell CODE; tests/run must end "tests: P passed, F
# failed" and exit 0 only when F is 0. A CODE that touches $FAKE_RAN ran.
# A line "= WHAT | CONDITION" checks that run's output, $t/console.
export FAKE_RAN=$t/ran
counts() {
	local line what rest p f min server
	while IFS= read -r line; do
		[[ $line != \#* ]] || continue
		what=${line%%|*} rest=${line#*| }
		read -r what <<<"$what"
		if [[ $what == =* ]]; then
			check "${what#= }" "$rest"
			continue
		fi
		read -r p f min server <<<"${rest%%|*}"
		printf 'fake %s %s check %s\n' "${min:-1}" "${server:-none}" \
			"${rest#*| }" >"$t/table"
		runs "$t/table"
		check "$what: counted $p passed, $f failed (got '$got', exit $rc)" \
			"[ '$got' = 'tests: $p passed, $f failed' ] &&
			 { { [ $f -eq 0 ] && [ $rc -eq 0 ]; } ||
			   { [ $f -gt 0 ] && [ $rc -ne 0 ]; }; }"
	done
}

counts <<'EOF'
a passing suite | 3 0 | echo "ok   a"; echo "fake: 3 passed, 0 failed"
a failing suite | 2 1 | echo "FAIL a"; echo "fake: 2 passed, 1 failed"; exit 1
an inner suite's line, then death (exit 1) | 0 1 | echo "ok   x: 5 passed, 0 failed"; echo "x: 5 passed, 0 failed"; exit 1
= the runner says why it counted the failure | grep -q 'fake: its last line is not its own' "$t/console"
an inner suite's line last, exit 0 | 0 1 | echo "integration: 158 passed, 0 failed"
a name that only ends with the suite's | 0 1 | echo "notfake: 4 passed, 0 failed"
its own line, then a traceback | 0 1 | echo "fake: 4 passed, 0 failed"; echo "Traceback (most recent call last):"; exit 1
its own line, then a blank line | 0 1 | echo "fake: 4 passed, 0 failed"; echo
its own line with no failure, exit 1 | 5 1 | echo "fake: 5 passed, 0 failed"; exit 1
its own line, then killed by a signal | 5 1 | echo "fake: 5 passed, 0 failed"; kill -9 $BASHPID
failures reported, exit 0 | 4 2 | echo "fake: 4 passed, 2 failed"
skipped: 0 passed, 0 failed, exit 0 | 0 1 | echo "fake: 0 passed, 0 failed"
no output, exit 0 | 0 1 | true
a release in its name | 6 0 | echo "fake (Samba 4.22): 6 passed, 0 failed"
the closing line without a newline | 2 0 | printf "fake: 2 passed, 0 failed"
# a short suite: domain-pdc, known to run 125 checks, when testparm
# refuses the server role ("1 passed, 0 failed", exit 0)
a short suite: 1 check of the 125 it is known to run, exit 0 | 1 1 125 | echo "ok   role refused"; echo "fake: 1 passed, 0 failed"
= the runner says the suite was short | grep -q 'fake: 1 checks, fewer than the 125 it is known to run' "$t/console"
a short suite with a failure: 1 more failure | 1 2 5 | echo "fake: 1 passed, 1 failed"; exit 1
exactly the checks it is known to run | 125 0 125 | echo "fake: 125 passed, 0 failed"
more checks than its minimum | 130 0 125 | echo "fake: 130 passed, 0 failed"
a row without a minimum: 1 failure, and it does not run | 0 1 - | touch "$FAKE_RAN"; echo 'fake: 1 passed, 0 failed'
= the row without a minimum did not run, and the runner says why | ! [ -e "$FAKE_RAN" ] && grep -q 'no minimum count given' "$t/console"
a row on a server that does not exist: 1 failure | 0 1 1 nowhere | echo "fake: 1 passed, 0 failed"
a row on a release root that cannot be set up: 1 failure, not run | 0 1 1 root-9.99 | touch "$FAKE_RAN"; echo 'fake: 1 passed, 0 failed'
= the root row did not run, and the runner says why | ! [ -e "$FAKE_RAN" ] && grep -q 'the server root-9.99 could not be set up' "$t/console"
a row whose command is not there: 1 failure | 0 1 | tests/no-such-suite.sh
a row's own VAR=value reaches its command | 1 0 | FAKE_N=1 bash -c 'echo "fake: $FAKE_N passed, 0 failed"'
# the table's adapters: a cmocka binary's summary, a command's exit status
cmocka: its PASSED count | 3 0 | cmocka fake printf '[==========] 3 test(s) run.\n[  PASSED  ] 3 test(s).\n'
cmocka: its FAILED count, exit 2 | 2 2 | cmocka fake sh -c 'printf "[  PASSED  ] 2 test(s).\n[  FAILED  ] 2 test(s), listed below:\n"; exit 2'
cmocka: killed before its summary | 0 1 | cmocka fake sh -c 'kill -SEGV $$'
verdict: exit 0 is its one check | 1 0 | verdict fake true
verdict: exit 1 is its one failure | 0 1 | verdict fake false
EOF
# disk WHAT WHY [VAR=VALUE]: with VAR=VALUE for the fake df, a table of a
# root's row and another: the root's row is refused for WHY, not run,
# and the other runs
disk() {
	local what=$1 why=$2 var=${3:-}
	# shellcheck disable=SC2016
	printf '%s\n' \
		'fake 1 root-9.99 check touch "$FAKE_RAN"; echo "fake: 1 passed, 0 failed"' \
		'other 1 none check echo "other: 1 passed, 0 failed"' >"$t/table"
	rm -f "$FAKE_RAN"
	[ -z "$var" ] || export "${var?}"
	runs "$t/table"
	[ -z "$var" ] || export "${var%%=*}="
	check "$what: the root's row refused, not run, the other run (got '$got')" \
		"[ '$got' = 'tests: 1 passed, 1 failed' ] && ! [ -e '$FAKE_RAN' ] &&
		 grep -q '^FAIL fake: $why' '$t/console'"
}
# 1 KiB short of 12 GiB is short; a refused root shows no line of its
# last run's set-up
mkdir -p "$t/table.logs"
echo "samba 9.99: tested in an earlier run" >"$t/table.logs/server-root-9.99.log"
disk "samba-src/ short" \
	'[^ ]*/samba-src has 11 GiB free; the roots need 12 GiB' \
	FAKE_TOP_KIB=$((12 * 1048576 - 1))
check "a refused root shows no set-up line of an earlier run" \
	"! grep -q 'tested in an earlier run' '$t/console'"
disk "/tmp short" '/tmp has 1 GiB free; the roots need 2 GiB' \
	FAKE_TMP_KIB=$((2 * 1048576 - 1))
disk "df fails" 'df cannot tell the free space of' FAKE_DF_FAIL=1
disk "exactly 12 GiB: the set-up is tried" \
	'the server root-9.99 could not be set up' FAKE_TOP_KIB=$((12 * 1048576))
disk "room enough: the set-up is tried" \
	'the server root-9.99 could not be set up'
# the name is a literal: "." in samba-4.22 matches only a dot
echo "samba-4x22: 1 passed, 0 failed" >"$t/dot.log"
suite_result samba-4.22 "$t/dot.log" 0 1
check "a suite name is matched literally (samba-4.22 is not samba-4x22)" \
	"[ $suite_failed -eq 1 ]"
# a caller's minimum of 0 (or no number) does not make a skip a pass
echo "skipped: 0 passed, 0 failed" >"$t/skip.log"
for min in 0 x; do
	suite_result skipped "$t/skip.log" 0 "$min"
	check "0 passed, 0 failed is a failure with a minimum of '$min'" \
		"[ $suite_failed -eq 1 ]"
done
# a suite run inside a check (test_install.sh's integration) gets no
# minimum of its own: none given is a failure, not a minimum of 1
echo "fake: 3 passed, 0 failed" >"$t/nomin.log"
suite_result fake "$t/nomin.log" 0
check "no minimum given: a failure, and why ($suite_why)" \
	"[ $suite_failed -eq 1 ] && [[ '$suite_why' == *'no count of checks'* ]]"

# suite_min: an inner suite's minimum from the table, by the samba it
# ran against: its root row (not a long form) for a release with one,
# else its host row
cat >"$t/mins" <<'EOF'
fake  7  host       check  true
fake  11 root-4.22  long   true
fake  9  root-4.22  root   true
fake  8  host       long   true
fake2 5  root-4.24  root   true
fake3 10 host       check  true
fake3 5  root-4.22  root   true
fake4 8  host       long   true
fake4 7  host       check  true
EOF
for case in "fake 4.22 9" "fake 2:4.22.11+dfsg-0+deb13u1 9" "fake 4.17 7" \
	"fake 2:4.17.12+dfsg-0+deb12u4 7" "fake 4.24 7" "fake3 4.22 10" \
	"fake4 4.17 7"; do
	read -r row v want <<<"$case"
	check "suite_min $row $v: $want (got '$(suite_min "$row" "$v" "$t/mins")')" \
		"[ \"\$(suite_min '$row' '$v' '$t/mins')\" = $want ]"
done
check "suite_min of a suite with no row for the release, nor on host: none, status 1" \
	"! suite_min fake2 4.22 '$t/mins' >'$t/min' && ! [ -s '$t/min' ] &&
	 ! suite_min nosuch 4.17 '$t/mins' >'$t/min' && ! [ -s '$t/min' ]"
check "suite_min for no samba version (an empty one, 'x'): none, status 1" \
	"! suite_min fake '' '$t/mins' >'$t/min' && ! [ -s '$t/min' ] &&
	 ! suite_min fake x '$t/mins' >'$t/min' && ! [ -s '$t/min' ]"
# tests/run holds a host row to the count of the host's samba: its root
# row of the same form where that asks more, else the host row's
for case in "2:4.22.11+dfsg-0+deb13u1 check fake 9" \
	"2:4.22.11+dfsg-0+deb13u1 long fake 11" \
	"2:4.17.12+dfsg-0+deb12u4 check fake 7" \
	"2:4.17.12+dfsg-0+deb12u4 long fake 8" \
	"2:4.24.7+dfsg-1~bpo13+1 check fake 7" \
	"2:4.22.11+dfsg-0+deb13u1 check fake3 10"; do
	read -r v tag row want <<<"$case"
	got=$(FAKE_SAMBA=$v tests/run --table "$t/mins" --list --tag "$tag" \
		--server host "$row" | awk '{ print $2 }')
	check "on a samba $v host, the $tag host row of $row asks $want (got '$got')" \
		"[ '$got' = '$want' ]"
done
# ... read from tests/suites, the rows tests/run reads on a 4.17, a 4.22
# and a 4.24 host: an inner integration run against a samba is held to
# what tests/run holds that samba's row to
for v in 2:4.17.12+dfsg-0+deb12u4 2:4.22.11+dfsg-0+deb13u1 \
	2:4.24.7+dfsg-1~bpo13+1; do
	while read -r _ min server _; do
		rel=$v
		[ "$server" = host ] || rel=${server#root-}
		check "suite_min integration $rel is the $server row's min on a $v host, $min" \
			"[ \"\$(suite_min integration '$rel')\" = '$min' ]"
	done < <(FAKE_SAMBA=$v tests/run --list --tag check integration)
done
# an inner integration run that stopped early fails by that count
echo "integration: 10 passed, 0 failed" >"$t/int.log"
check "an inner integration run of 10 checks fails by its row's count" \
	"! suite_ok integration '$t/int.log' 0 \"\$(suite_min integration 4.17)\" &&
	 [[ \$suite_why == '10 checks, fewer than the '* ]]"

# a row past its time limit is stopped, every process of it, one in a
# session of its own (as a test server's smbd) too, one that ignores
# SIGTERM too, and counted failed
cat >"$t/table" <<'EOF'
fake 1 none check setsid sleep 60 & echo $! >"$FAKE_RAN"; (trap '' TERM; exec sleep 61) & echo $! >"$FAKE_RAN.term"; sleep 60; echo "fake: 1 passed, 0 failed"
EOF
rm -f "$FAKE_RAN" "$FAKE_RAN.term"
start=$SECONDS
PROFILEACL_ROW_SECONDS=1 runs "$t/table"
took=$((SECONDS - start))
check "a row past its time limit (1 s): 1 failure (got '$got', exit $rc, $took s)" \
	"[ '$got' = 'tests: 0 passed, 1 failed' ] && [ $rc -ne 0 ] && [ $took -lt 30 ]"
check "the runner says the row was stopped at its limit" \
	"grep -q '^FAIL fake: stopped after 1 s, its time limit (PROFILEACL_ROW_SECONDS)' '$t/console'"
# alive: PID runs (a zombie no longer does)
alive() { ps -o stat= -p "$1" | grep -q '^[^Z]'; }
check "its process in a session of its own is stopped (pid $(cat "$FAKE_RAN" 2>/dev/null))" \
	"[ -s '$FAKE_RAN' ] && ! alive \"\$(cat '$FAKE_RAN')\""
check "its process that ignores SIGTERM is killed (pid $(cat "$FAKE_RAN.term" 2>/dev/null))" \
	"[ -s '$FAKE_RAN.term' ] && ! alive \"\$(cat '$FAKE_RAN.term')\""
# within its limit a row counts as ever, and the limit's timer is gone
printf 'fake 1 none check echo "fake: 1 passed, 0 failed"\n' >"$t/table"
# a limit of its own: another run on this machine may have a timer too
lim=$((3000 + RANDOM % 900))
PROFILEACL_ROW_SECONDS=$lim runs "$t/table"
check "a row within its limit: counted as ever (got '$got'), no timer left" \
	"[ '$got' = 'tests: 1 passed, 0 failed' ] &&
	 ! pgrep -fx 'sleep $lim' >/dev/null"
PROFILEACL_ROW_SECONDS=1h runs "$t/table"
check "a time limit that is not a count of seconds: the row is refused (got '$got')" \
	"[ '$got' = 'tests: 0 passed, 1 failed' ] &&
	 grep -q 'PROFILEACL_ROW_SECONDS=.1h. is not a count of seconds' '$t/console'"

# ^C: SIGINT to the run's process group, the run started as from a
# terminal (SIGINT not ignored), stops all of it: the row running here,
# the chain of a background server (a fresh root, with a fake
# debootstrap), their timers, and the rows after them
cat >"$t/table" <<'EOF'
fake  1 none         check echo $BASHPID >"$FAKE_RAN"; sleep 59; sleep 58
fake  1 fresh-trixie check echo $BASHPID >"$FAKE_RAN.bg"; sleep 59; sleep 58
after 1 fresh-trixie check touch "$FAKE_RAN.after"; echo "after: 1 passed, 0 failed"
after 1 none         check touch "$FAKE_RAN.after"; echo "after: 1 passed, 0 failed"
EOF
rm -f "$FAKE_RAN" "$FAKE_RAN.bg" "$FAKE_RAN.after"
PROFILEACL_ROW_SECONDS=3596 setsid env --default-signal=INT,QUIT \
	tests/run --table "$t/table" </dev/null >"$t/console" 2>&1 &
runner=$!
# alive_in GROUP: a process of GROUP is running (not a zombie)
alive_in() {
	ps -eo pgid=,stat= |
		awk -v g="$1" '$1 == g && $2 !~ /^Z/ { n++ } END { exit n == 0 }'
}
# both rows and both timers running
ready=no
for _ in $(seq 100); do
	[ -s "$FAKE_RAN" ] && [ -s "$FAKE_RAN.bg" ] &&
		[ "$(pgrep -c -g "$runner" -fx 'sleep 3596')" = 2 ] &&
		ready=yes && break
	sleep 0.1
done
check "both rows and their timers run before the ^C" "[ $ready = yes ]"
kill -INT -- "-$runner" 2>/dev/null
timeout 10 tail --pid="$runner" -f /dev/null
ended=$?
for _ in $(seq 50); do
	alive_in "$runner" || break
	sleep 0.1
done
alive_in "$runner"
left=$?
kill -KILL -- "-$runner" 2>/dev/null
wait "$runner"
rc=$?
runner=""
check "^C stops the run at once (exit $rc), with no count" \
	"[ $ended -eq 0 ] && [ $rc -eq 130 ] && ! grep -q '^tests:' '$t/console'"
check "^C leaves no process of the run: rows, timers, the chain" \
	"[ $left -ne 0 ] && [ -s '$FAKE_RAN' ] && [ -s '$FAKE_RAN.bg' ]"
check "^C runs no row after it, here or in the chain" \
	"[ ! -e '$FAKE_RAN.after' ]"

# rows add up, and the options select rows
cat >"$t/table" <<'EOF'
# a comment, then a blank line

one   2 none check          echo "one: 2 passed, 0 failed"
two   1 none check,valgrind echo "x: 9 passed, 0 failed"; exit 2
three 3 none long           echo "three: 3 passed, 0 failed"
four  1 none long,security  echo "four: 1 passed, 0 failed"
five  1 root-4.99 root      echo "five: 1 passed, 0 failed"
EOF
runs "$t/table"
check "two rows add up: 2 passed, 1 failed (got '$got', exit $rc)" \
	"[ '$got' = 'tests: 2 passed, 1 failed' ] && [ $rc -ne 0 ]"
check "no option: only the check rows ran" \
	"! grep -q '^== three' '$t/console' && ! grep -q '^== four' '$t/console'"
runs "$t/table" --tag long
check "--tag long: the long rows (got '$got')" \
	"[ '$got' = 'tests: 4 passed, 0 failed' ] && [ $rc -eq 0 ]"
runs "$t/table" --tag long --tag security
check "--tag long --tag security: the rows with both (got '$got')" \
	"[ '$got' = 'tests: 1 passed, 0 failed' ]"
runs "$t/table" --tag long three
check "--tag long three: that row (got '$got')" \
	"[ '$got' = 'tests: 3 passed, 0 failed' ]"
runs "$t/table" --tag nosuch
check "a selection of no row: 1 failure (got '$got', exit $rc)" \
	"[ '$got' = 'tests: 0 passed, 1 failed' ] && [ $rc -ne 0 ]"
PROFILEACL_VALGRIND_SUITES=no runs "$t/table"
check "PROFILEACL_VALGRIND_SUITES=no: no valgrind row (got '$got')" \
	"[ '$got' = 'tests: 2 passed, 0 failed' ]"
tests/run --table "$t/table" --tag root --list >"$t/list" 2>&1
check "--list: the rows, not run" \
	"[ \"\$(awk '{print \$1, \$3}' '$t/list')\" = 'five root-4.99' ] &&
	 ! [ -e '$t/table.logs/five.rc' ]"
PROFILEACL_CHECK_ROOTS=no tests/run --table "$t/table" --tag root --list \
	>"$t/list" 2>&1
check "PROFILEACL_CHECK_ROOTS=no: no root row" "! [ -s '$t/list' ]"

summary runner-counting
