#!/bin/bash
# Prepare a Debian 12 machine to build and test vfs_profileacl.
#
# Run as root, non-interactive, idempotent:
#   - adds a deb-src entry mirroring debian.sources
#   - installs samba, samba-testsuite, smbclient and the build/test tools
#   - installs Samba's build dependencies
#   - fetches the source of exactly the installed samba version into
#     samba-src/ (git-ignored), configures it and generates the headers a
#     VFS module needs
#
# A second run only checks what is there and returns within seconds.
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
export DEBIAN_FRONTEND=noninteractive
# wait for another apt/dpkg (an unattended upgrade, a parallel setup)
apt_get() { apt-get -o DPkg::Lock::Timeout=600 "$@"; }

log() { printf 'setup: %s\n' "$*"; }

if [ "$(id -u)" != 0 ]; then
	echo "setup: must run as root (installs packages)" >&2
	exit 1
fi

# Services must not start from package postinst scripts on a test box.
if [ ! -x /usr/sbin/policy-rc.d ]; then
	printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d
	chmod 755 /usr/sbin/policy-rc.d
fi

src_list=/etc/apt/sources.list.d/debian-src.sources
if [ ! -f "$src_list" ]; then
	log "adding deb-src entry $src_list"
	sed -e 's/^Types: deb$/Types: deb-src/' \
		/etc/apt/sources.list.d/debian.sources >"$src_list"
	rm -f /var/lib/apt/periodic/profileacl-updated
fi

pkgs=(samba samba-vfs-modules samba-testsuite smbclient python3-samba libcmocka-dev libtalloc-dev
      libtevent-dev pkg-config xsltproc docbook-xsl docbook-xml iproute2 util-linux
      dpkg-dev acl attr python3 man-db nftables valgrind
      debhelper fakeroot gnuplot-nox strace debootstrap clang
      libclang-rt-14-dev python3-impacket ctdb)
missing=()
for p in "${pkgs[@]}"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null |
		grep -q 'install ok installed' || missing+=("$p")
done

stamp_update=/var/lib/apt/periodic/profileacl-updated
if [ ${#missing[@]} -gt 0 ] || [ ! -f "$stamp_update" ]; then
	log "apt-get update"
	apt_get update -qq
	mkdir -p "$(dirname "$stamp_update")"
	touch "$stamp_update"
fi
if [ ${#missing[@]} -gt 0 ]; then
	log "installing ${missing[*]}"
	apt_get install -y -qq --no-install-recommends "${missing[@]}" \
		>/dev/null
fi

ver=$(dpkg-query -W -f='${Version}' samba)
log "installed samba $ver"

srcroot="$top/samba-src"
stamp_bd="$srcroot/.build-dep-$ver"
mkdir -p "$srcroot"
if [ ! -f "$stamp_bd" ]; then
	log "apt-get build-dep samba"
	apt_get build-dep -y -qq samba >/dev/null
	touch "$stamp_bd"
fi

tree=$("$top/scripts/prepare-samba-tree.sh" "$srcroot")
log "samba tree ready: $tree"
