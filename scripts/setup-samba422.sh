#!/bin/bash
# Prepare Samba 4.22 (Debian 13, trixie) beside the machine's own samba,
# without touching it: a minimal trixie root in samba-src/trixie-root
# (git-ignored) with samba, samba-vfs-modules, samba-testsuite, smbclient
# and python3-samba, and the source of exactly that samba, configured, with
# the generated headers a VFS module needs.
#
# Run as root; idempotent (a second run checks and returns in seconds).
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
R="$top/samba-src/trixie-root"
mirror=$(sed -n 's/^URIs: *//p' /etc/apt/sources.list.d/debian.sources |
	head -1)
mirror=${mirror:-http://deb.debian.org/debian}
log() { printf 'setup-4.22: %s\n' "$*"; }

command -v debootstrap >/dev/null ||
	apt-get -o DPkg::Lock::Timeout=600 install -y -qq debootstrap \
		>/dev/null

# run a command inside the root, with /proc and /dev, in a private mount
# namespace so nothing stays mounted afterwards
in_root() {
	unshare --mount --fork -- bash -c '
		set -e
		R=$1; shift
		mount --make-rprivate /
		mount -t proc proc "$R/proc"
		mount --rbind /dev "$R/dev"
		exec chroot "$R" env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin \
			HOME=/root DEBIAN_FRONTEND=noninteractive LANG=C.UTF-8 "$@"
	' in_root "$R" "$@"
}

if [ ! -f "$R/.profileacl-debootstrap" ]; then
	log "debootstrap trixie into $R (about 30 s)"
	rm -rf "$R"
	mkdir -p "$R"
	debootstrap --variant=minbase trixie "$R" "$mirror" \
		>"$top/samba-src/debootstrap.log" 2>&1 || {
		tail -20 "$top/samba-src/debootstrap.log" >&2
		exit 1
	}
	printf '#!/bin/sh\nexit 101\n' >"$R/usr/sbin/policy-rc.d"
	chmod 755 "$R/usr/sbin/policy-rc.d"
	cat >"$R/etc/apt/sources.list.d/debian.sources" <<SOURCES
Types: deb deb-src
URIs: $mirror
Suites: trixie
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
SOURCES
	rm -f "$R/etc/apt/sources.list"
	touch "$R/.profileacl-debootstrap"
fi

if [ ! -f "$R/.profileacl-packages" ]; then
	log "installing samba 4.22 and build dependencies in the root"
	in_root apt-get update -qq
	in_root apt-get install -y -qq --no-install-recommends samba \
		samba-vfs-modules samba-testsuite smbclient python3-samba \
		acl attr dpkg-dev pkg-config libtalloc-dev libtevent-dev \
		libcmocka-dev xsltproc docbook-xsl docbook-xml >/dev/null
	in_root apt-get build-dep -y -qq samba >/dev/null
	touch "$R/.profileacl-packages"
fi

ver=$(dpkg-query --admindir="$R/var/lib/dpkg" -W -f='${Version}' samba)
up=${ver#*:}
up=${up%-*}
tree="/src/samba-$up"
log "samba in the root: $ver"

if [ ! -f "$R$tree/.profileacl-version" ] ||
   [ "$(cat "$R$tree/.profileacl-version")" != "$ver" ]; then
	log "fetching samba source $ver"
	rm -rf "$R$tree"
	mkdir -p "$R/src"
	in_root sh -c "cd /src && apt-get source -qq samba=$ver" >/dev/null 2>&1
	[ -d "$R$tree" ] || { echo "setup-4.22: no $tree" >&2; exit 1; }
	echo "$ver" >"$R$tree/.profileacl-version"
fi

if [ ! -f "$R$tree/bin/default/include/config.h" ]; then
	log "configuring the 4.22 tree (about 60 s)"
	in_root sh -c "cd $tree && ./configure --without-ad-dc \
		--without-pam --without-json --without-systemd \
		--disable-python --bundled-libraries=NONE \
		--without-libarchive --disable-cephfs --disable-glusterfs \
		--disable-cups --disable-iprint" \
		>"$top/samba-src/configure-4.22.log" 2>&1 || {
		tail -30 "$top/samba-src/configure-4.22.log" >&2
		exit 1
	}
fi

if [ ! -f "$R$tree/.profileacl-headers" ]; then
	log "generating headers (waf build --targets=vfs_fake_perms)"
	in_root sh -c "cd $tree && PYTHONHASHSEED=1 ./buildtools/bin/waf \
		build -j$(nproc) --targets=vfs_fake_perms" \
		>"$top/samba-src/build-4.22.log" 2>&1 || {
		tail -30 "$top/samba-src/build-4.22.log" >&2
		exit 1
	}
	touch "$R$tree/.profileacl-headers"
fi

ln -sfn "samba-$up" "$R/src/current"
log "samba 4.22 root ready: $R, tree $tree"
