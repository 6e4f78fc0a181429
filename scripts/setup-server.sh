#!/bin/bash
# The server set-up (make setup): what building, installing and
# rebuilding vfs_profileacl needs on a Debian 12 or 13 samba server, and
# nothing more. Run as root, non-interactive, idempotent:
#
#   - samba (if missing), a compiler, make, python3, pkg-config, the
#     talloc/tevent/cmocka headers, the man page and .deb tools, and
#     Samba's build dependencies (apt-get build-dep samba);
#   - a deb-src twin of Debian's apt entries, in the form the admin uses
#     (sources.list.d/debian-src.sources for deb822 files,
#     sources.list.d/debian-src.list for one-line entries), only if apt
#     does not know the source of the installed samba yet;
#   - the source of exactly the installed samba in samba-src/
#     (git-ignored), configured, with the headers the module includes.
#
# It installs no test kit and leaves no policy-rc.d: package updates
# start and restart services as usual. A policy-rc.d left by an earlier
# version of this project's set-up is removed (an admin's own is not
# touched). The test kit is scripts/setup-testbox.sh.
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
export DEBIAN_FRONTEND=noninteractive
# wait for another apt/dpkg (an unattended upgrade, a parallel setup)
apt_get() { apt-get -o DPkg::Lock::Timeout=600 "$@"; }
log() { printf 'setup: %s\n' "$*"; }
# shellcheck source=scripts/lib-host.sh
. "$top/scripts/lib-host.sh"

if [ "$(id -u)" != 0 ]; then
	echo "setup: must run as root (installs packages)" >&2
	exit 1
fi
codename=$(host_codename /)

remove_stale_policy_rc | while read -r line; do log "$line"; done

# missing PKG...: the ones not installed
missing() {
	local p
	for p in "$@"; do
		dpkg-query -W -f='${Status}' "$p" 2>/dev/null |
			grep -q 'install ok installed' || echo "$p"
	done
}

# shellcheck disable=SC2046
need=$(missing $(server_packages "$codename"))
stamp_update=/var/lib/apt/periodic/profileacl-updated
if [ -n "$need" ] || [ ! -f "$stamp_update" ]; then
	log "apt-get update"
	apt_get update -qq
	mkdir -p "$(dirname "$stamp_update")"
	touch "$stamp_update"
fi
if [ -n "$need" ]; then
	log "installing $(echo $need)"
	# shellcheck disable=SC2086
	apt_get install -y -qq --no-install-recommends $need >/dev/null
fi

ver=$(dpkg-query -W -f='${Version}' samba)
series_config "$ver"
log "Debian $codename, samba $ver (series $SERIES)"

if ! samba_source_listed "$ver"; then
	added=$(apt_add_deb_src) || {
		echo "setup: could not write a deb-src entry" >&2
		exit 1
	}
	[ -z "$added" ] || log "added deb-src entries: $(echo $added)"
	# also when nothing was added: the indexes may be older than the
	# entries
	apt_get update -qq
	if ! samba_source_listed "$ver" && [ "$SERIES_SOURCE" = debian ]; then
		echo "setup: apt knows no source of samba $ver: add a deb-src" \
			"entry for the suite samba comes from" >&2
		exit 1
	fi
fi

srcroot="$top/samba-src"
mkdir -p "$srcroot"
stamp_bd="$srcroot/.build-dep-$ver"
if [ ! -f "$stamp_bd" ]; then
	log "apt-get build-dep samba"
	# shellcheck disable=SC2086
	apt_get build-dep -y -qq $SERIES_TARGET samba >/dev/null
	if [ -n "$SERIES_PKGS" ]; then
		# shellcheck disable=SC2086
		apt_get install -y -qq --no-install-recommends $SERIES_TARGET \
			$SERIES_PKGS >/dev/null
	fi
	touch "$stamp_bd"
fi

tree=$("$top/scripts/prepare-samba-tree.sh" "$srcroot" --headers-only)
log "samba tree ready: $tree"
