#!/bin/bash
# The main job, from a fresh Debian 12 machine, as root: set up, build the
# module, serve a demo profile share on loopback (private namespace) and
# run a Windows 2000-style logoff without and with the module; then check
# that no process of its server is left (tests/check_leftovers.sh).
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
scripts/setup-testbox.sh
make
rc=0
tests/netns-run.sh build/profileacl.so /usr/bin/python3 tests/demo.py ||
	rc=$?
# no process of the demo's server may be left
tests/check_leftovers.sh "${PROFILEACL_DEMO_ROOT:-/tmp/profileacl-demo}" ||
	rc=1
exit $rc
