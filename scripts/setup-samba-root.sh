#!/bin/bash
# Prepare another Samba release beside the machine's own samba, without
# touching it: a minimal Debian root in samba-src/ (git-ignored) with that
# release's samba, samba-vfs-modules, samba-testsuite, smbclient and
# python3-samba, and the source of exactly that samba, configured, with the
# generated headers a VFS module needs.
#
#   scripts/setup-samba-root.sh 4.22   Debian 13 (trixie): samba 4.22
#   scripts/setup-samba-root.sh 4.24   trixie-backports: samba 4.24; its
#                                      Debian source is not on the mirror,
#                                      so the tree is the upstream tarball
#                                      (no Debian patches)
#
# Prints the root on its last line ("... root ready: DIR, tree TREE").
# Run as root; idempotent (a second run checks and returns in seconds).
set -euo pipefail

release=${1:?usage: setup-samba-root.sh 4.22|4.24}
top=$(cd "$(dirname "$0")/.." && pwd)
log() { printf 'setup-%s: %s\n' "$release" "$*"; }

# Every difference between the releases' set-up is here.
common_configure="--without-ad-dc --without-pam --without-json
	--without-systemd --disable-python --without-libarchive
	--disable-cephfs --disable-glusterfs --disable-cups --disable-iprint"
case "$release" in
4.22)
	R="$top/samba-src/trixie-root"
	suites="trixie"
	target=""
	extra_pkgs=""
	# the Debian source package, patches and all
	source_from=debian
	configure="$common_configure --bundled-libraries=NONE"
	;;
4.24)
	R="$top/samba-src/trixie-backports-root"
	suites="trixie trixie-backports"
	target="-t trixie-backports"
	# build-dep (for trixie's samba) brings neither these nor the
	# backported talloc/tevent/tdb headers matching the libraries
	extra_pkgs="libkrb5-dev"
	source_from=upstream
	# the +dfsg tarball has no Heimdal RFC texts: MIT krb5; trixie's
	# cmocka (1.1.7) is older than 4.24 wants (1.1.8): bundled
	configure="$common_configure --with-system-mitkrb5
		--bundled-libraries=cmocka"
	;;
*)
	echo "setup-samba-root: unknown release $release (4.22 or 4.24)" >&2
	exit 2
	;;
esac

# shellcheck source=scripts/lib-root.sh
. "$top/scripts/lib-root.sh"
log "root $R"
make_root "$R" trixie "$suites" "$top/samba-src/debootstrap-$release.log"

pkgs="samba samba-vfs-modules samba-testsuite smbclient python3-samba acl
	attr dpkg-dev pkg-config libtalloc-dev libtevent-dev libtdb-dev
	libcmocka-dev xsltproc docbook-xsl docbook-xml debhelper fakeroot
	valgrind $extra_pkgs"
missing=""
for p in $pkgs; do
	dpkg-query --admindir="$R/var/lib/dpkg" -W -f='${Status}' "$p" \
		2>/dev/null | grep -q 'install ok installed' ||
		missing="$missing $p"
done
if [ -n "$missing" ] || [ ! -f "$R/.profileacl-build-dep" ]; then
	log "installing in the root:${missing:- (build dependencies)}"
	in_root "$R" apt-get update -qq
	if [ -n "$missing" ]; then
		# shellcheck disable=SC2086
		in_root "$R" apt-get install -y -qq --no-install-recommends \
			$target $missing >/dev/null
	fi
fi
if [ ! -f "$R/.profileacl-build-dep" ]; then
	# the release's own build dependencies (for a backport, from the
	# Sources index: its .dsc need not be on the mirror)
	# shellcheck disable=SC2086
	in_root "$R" apt-get build-dep -y -qq $target samba >/dev/null
	if [ -n "$target" ]; then
		# the headers must match the installed (backported) libraries
		# shellcheck disable=SC2086
		in_root "$R" apt-get install -y -qq --no-install-recommends \
			$target libtalloc-dev libtevent-dev libtdb-dev \
			>/dev/null
	fi
	touch "$R/.profileacl-build-dep"
fi

ver=$(dpkg-query --admindir="$R/var/lib/dpkg" -W -f='${Version}' samba)
up=${ver#*:}
up=${up%-*}
tree="/src/samba-$up"
log "samba in the root: $ver"
case "$up" in
"${release}".*) ;;
*)
	echo "setup-$release: the root has samba $ver, not $release" >&2
	exit 1
	;;
esac

if [ ! -f "$R$tree/.profileacl-version" ] ||
   [ "$(cat "$R$tree/.profileacl-version")" != "$ver" ]; then
	log "fetching samba source $ver ($source_from)"
	rm -rf "$R$tree"
	mkdir -p "$R/src"
	if [ "$source_from" = debian ]; then
		in_root "$R" sh -c "cd /src && apt-get source -qq samba=$ver" \
			>/dev/null 2>&1
	else
		# the mirror has the upstream tarball of this version, not
		# the backport's .dsc and Debian diff: apt-get fetches the
		# tarball, then fails on the other two
		in_root "$R" sh -c "cd /src && apt-get source -qq --download-only \
			$target samba=$ver" >/dev/null 2>&1 || true
		orig="$R/src/samba_${up}.orig.tar.xz"
		[ -f "$orig" ] || {
			echo "setup-$release: no $orig on the mirror" >&2
			exit 1
		}
		mkdir -p "$R$tree"
		tar -C "$R$tree" --strip-components=1 -xJf "$orig"
	fi
	[ -d "$R$tree" ] || { echo "setup-$release: no $tree" >&2; exit 1; }
	echo "$ver" >"$R$tree/.profileacl-version"
fi

if [ ! -f "$R$tree/bin/default/include/config.h" ]; then
	log "configuring the $release tree (about 60 s)"
	# shellcheck disable=SC2086
	in_root "$R" sh -c "cd $tree && ./configure $(echo $configure)" \
		>"$top/samba-src/configure-$release.log" 2>&1 || {
		tail -30 "$top/samba-src/configure-$release.log" >&2
		exit 1
	}
fi

if [ ! -f "$R$tree/.profileacl-headers" ]; then
	log "generating headers (waf build --targets=vfs_fake_perms)"
	in_root "$R" sh -c "cd $tree && PYTHONHASHSEED=1 ./buildtools/bin/waf \
		build -j$(nproc) --targets=vfs_fake_perms" \
		>"$top/samba-src/build-$release.log" 2>&1 || {
		tail -30 "$top/samba-src/build-$release.log" >&2
		exit 1
	}
	touch "$R$tree/.profileacl-headers"
fi

ln -sfn "samba-$up" "$R/src/current"
log "samba $release root ready: $R, tree $tree"
