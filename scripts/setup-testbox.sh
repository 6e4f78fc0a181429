#!/bin/bash
# The test-box set-up (make demo and make check run it): the server
# set-up (scripts/setup-server.sh), then the test kit: samba-testsuite
# (smbtorture), smbclient, Samba's Python bindings, impacket, ctdb,
# valgrind, clang with its sanitizer runtime, debootstrap, gnuplot,
# strace, nftables, git. Not for a production server.
#
# Run as root, non-interactive, idempotent. While the kit installs, a
# policy-rc.d of ours keeps package scripts from starting services (ctdb,
# for one); it is removed again when the install ends, also when it fails
# or is interrupted. An admin's own policy-rc.d is left as it is.
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
export DEBIAN_FRONTEND=noninteractive
log() { printf 'setup-testbox: %s\n' "$*"; }
# shellcheck source=scripts/lib-host.sh
. "$top/scripts/lib-host.sh"

if [ "$(id -u)" != 0 ]; then
	echo "setup-testbox: must run as root (installs packages)" >&2
	exit 1
fi
codename=$(host_codename /)

"$top/scripts/setup-server.sh"
# the kit's samba packages come from where samba came from
series_config "$(dpkg-query -W -f='${Version}' samba)"

kit=()
for p in $(testbox_packages "$codename"); do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null |
		grep -q 'install ok installed' || kit+=("$p")
done
if [ ${#kit[@]} -gt 0 ]; then
	log "installing the test kit: ${kit[*]}"
	# shellcheck disable=SC2086
	with_services_held apt-get -o DPkg::Lock::Timeout=600 install -y -qq \
		--no-install-recommends $SERIES_TARGET "${kit[@]}" >/dev/null
fi
log "test kit ready"
