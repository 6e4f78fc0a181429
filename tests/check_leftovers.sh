#!/bin/bash
# No process a test server started may outlive the tests: smbd, and the
# samba-dcerpcd and rpcd_* helpers smbd starts on demand, for any smb.conf
# under /tmp/profileacl-* (or under PREFIX). A process still there after
# 10 s is left over. Run at the end of make check, make demo and make
# bench.
#
#   tests/check_leftovers.sh [--self] [PREFIX]   --self: first shows that
#                                                the check finds one
set -uo pipefail
# shellcheck source=tests/lib-check.sh
. "$(dirname "$0")/lib-check.sh"
self=no
[ "${1:-}" != --self ] || { self=yes && shift; }
prefix=${1:-/tmp/profileacl-}
# shellcheck disable=SC2001,SC2016 # the prefix as a literal in the pattern
pattern="(smbd|samba-dcerpcd|rpcd_[a-z]+|ctdbd)( .*)? (-s |--configfile=)$(
	sed 's/[][\.*^$()+?{}|]/\\&/g' <<<"$prefix")"
# the matching processes; fails when ps does, so that an empty answer
# always means none
leftovers() {
	local procs
	procs=$(ps -eo pid=,args=) && [ -n "$procs" ] || return 1
	grep -E -- "$pattern" <<<"$procs" | grep -v -e grep -e check_leftovers
	return 0
}
if [ $self = yes ]; then
	# a stand-in with a test server's command line must be found
	bash -c 'sleep 30; :' smbd -s "${prefix}selftest/smb.conf" 2>/dev/null &
	decoy=$!
	sleep 0.2
	check "the check finds a leftover server (pid $decoy)" \
		"leftovers | grep -q '^ *$decoy '"
	# its sleep first, then itself
	pkill -P "$decoy" sleep 2>/dev/null
	kill "$decoy" 2>/dev/null
	wait "$decoy" 2>/dev/null
fi
# servers just stopped may still be exiting: give them 10 s
for _ in $(seq 50); do
	left=$(leftovers) || break
	[ -z "$left" ] && break
	sleep 0.2
done
if ! leftovers >/dev/null; then
	fail "ps failed: the processes could not be listed"
else
	check "no test server process left (${prefix}*)" "[ -z \"\$left\" ]" || echo "$left"
fi
summary leftovers
