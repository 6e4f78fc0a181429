#!/bin/bash
# vfs_profileacl on a two-node CTDB cluster on this machine (private
# network namespace, nodes 127.0.0.1 and 127.0.0.2, Debian's ctdb):
#
#   tests/cluster/run.sh           short form (make check): storm of 10
#                                  owners and 2 others per node, 2 rounds
#                                  of 10 s per share
#   tests/cluster/run.sh --long    25 owners per node, 3 rounds of 60 s
#
# Runs the cluster tests (tests/cluster/test_cluster.py) and the deny
# matrix against node 2 with the objects made through node 1.
set -uo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top"
if [ "${1:-}" = --long ]; then
	export PROFILEACL_STORM_OWNERS=25 PROFILEACL_STORM_OTHERS=5 \
		PROFILEACL_STORM_SECONDS=60 PROFILEACL_STORM_ROUNDS=3
fi
command -v ctdbd >/dev/null ||
	apt-get -o DPkg::Lock::Timeout=600 install -y -qq ctdb >/dev/null
make >/dev/null || exit 1
rc=0
tests/netns-run.sh build/profileacl.so /usr/bin/python3 \
	tests/cluster/test_cluster.py || rc=1
PROFILEACL_MATRIX_CLUSTER=1 PROFILEACL_MATRIX_ROOT=/tmp/profileacl-matrix-cluster \
	tests/netns-run.sh build/profileacl.so \
	/usr/bin/python3 tests/test_deny_matrix.py || rc=1
exit $rc
