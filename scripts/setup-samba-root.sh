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
# The build is chosen by samba_pick (lib-host.sh): the newest of the
# series whose source and binaries the mirror serves. One that no index
# lists (4.24.7 while the indexes list 4.24.8, whose source is 404) is
# installed from its pool files, through a local repository in the root
# pinned above the archive. The line "samba X.Y: tested VERSION (...)"
# says which build and why. Such a build's packages and source are
# checked against their names only (no signed index gives their hashes):
# acceptable for a throw-away test root, never for a server, which is
# why prepare-samba-tree.sh refuses such a source unless told
# PROFILEACL_ALLOW_UNVERIFIED=1, and this script tells it (and says so).
#
# Prints the root on its last line ("... root ready: DIR, tree TREE").
# Run as root; idempotent (a second run checks and returns in seconds).
set -euo pipefail

release=${1:?usage: setup-samba-root.sh 4.22|4.24}
top=$(cd "$(dirname "$0")/.." && pwd)
log() { printf 'setup-%s: %s\n' "$release" "$*"; }

# The root's suites; every difference between samba builds (backports,
# configure options, where the source comes from) is in lib-host.sh.
case "$release" in
4.22)
	R="$top/samba-src/trixie-root"
	suites="trixie"
	target=""
	;;
4.24)
	R="$top/samba-src/trixie-backports-root"
	suites="trixie trixie-backports"
	target="-t trixie-backports"
	;;
*)
	echo "setup-samba-root: unknown release $release (4.22 or 4.24)" >&2
	exit 2
	;;
esac

# shellcheck source=scripts/lib-root.sh
. "$top/scripts/lib-root.sh"
# shellcheck source=scripts/lib-host.sh
. "$top/scripts/lib-host.sh"
log "root $R"
make_root "$R" trixie "$suites" "$top/samba-src/debootstrap-$release.log"

# the test harness's server side (valgrind: the valgrind-run rows' long
# form), and what the tree and the package need
pkgs="samba-vfs-modules samba-testsuite smbclient python3-samba acl attr
	valgrind $(server_packages trixie)"

# the build to test, once per root: the rule's pick, from the root's own
# indexes and mirror. A pick no index lists goes into a local
# repository, pinned above the archive (1001) so that every later apt
# run in the root keeps that build.
pick_build() {
	local t base arch bins url deb try out pool=/var/local/profileacl-samba
	in_root "$R" apt-get update -qq || return 1
	t=$(mktemp -d /tmp/profileacl-pick.XXXXXX)
	in_root "$R" apt-cache showsrc samba >"$t/sources" 2>/dev/null
	bins=$(sed -n 's/^Binary: //p' "$t/sources" | tr -d , | tr ' ' '\n' |
		sort -u)
	# shellcheck disable=SC2086
	in_root "$R" apt-cache show $bins >"$t/packages" 2>/dev/null
	base=$(in_root "$R" apt-get source --print-uris -qq samba 2>/dev/null |
		sed -n "s|^'\([^']*\)/pool/.*|\1|p" | head -1)
	arch=$(dpkg --print-architecture)
	if ! samba_pick "$release" "$base" "$arch" "$t/sources" \
		"$t/packages"; then
		echo "setup-$release: $PICK_NOTE" >&2
		rm -rf "$t"
		return 1
	fi
	if ! samba_listed "$t/packages" | grep -qxF "$PICK"; then
		log "samba $PICK is in no index: fetching its packages from" \
			"the pool, checked against their names only (no signed" \
			"hash exists; acceptable in this test root only)"
		rm -rf "$R$pool"
		mkdir -p "$R$pool"
		while read -r url; do
			deb="$R$pool/${url##*/}"
			# a 404: a package of the newest build that this one
			# lacks; any other failure is tried three times, as a
			# pool download can fail for a moment, and then fails
			# the set-up
			for try in 1 2 3; do
				out=$(/usr/lib/apt/apt-helper download-file \
					"$url" "$deb" 2>&1) && break
				rm -f "$deb"
				grep -q ' 404 ' <<<"$out" && break
				[ $try = 3 ] || { sleep 3; continue; }
				echo "setup-$release: could not fetch ${url##*/}:" \
					"$(grep -m1 '^E: ' <<<"$out" ||
						tail -1 <<<"$out")" >&2
				rm -rf "$t"
				return 1
			done
			[ -f "$deb" ] || continue
			# each file must be the build its name says
			[ "$(dpkg-deb -f "$deb" Version)" = "$PICK" ] ||
			[ "$(dpkg-deb -f "$deb" Source | sed "s/.*(\(.*\))/\1/")" = "$PICK" ] || {
				echo "setup-$release: ${url##*/} is not samba $PICK" >&2
				rm -rf "$t"
				return 1
			}
		done < <(samba_binaries "$PICK" "$arch" "$base" "$t/packages")
		[ -f "$R$pool/samba_${PICK#*:}_$arch.deb" ] || {
			echo "setup-$release: no samba_${PICK#*:}_$arch.deb" >&2
			rm -rf "$t"
			return 1
		}
		(cd "$R$pool" && dpkg-scanpackages . >Packages 2>/dev/null)
		printf 'Types: deb\nURIs: file:%s\nSuites: ./\nTrusted: yes\n' \
			"$pool" >"$R/etc/apt/sources.list.d/profileacl-samba.sources"
		printf 'Package: *\nPin: origin ""\nPin-Priority: 1001\n' \
			>"$R/etc/apt/preferences.d/profileacl-samba"
		in_root "$R" apt-get update -qq || { rm -rf "$t"; return 1; }
	fi
	rm -rf "$t"
	echo "$PICK" >"$R/.profileacl-samba-pick"
	echo "$PICK_NOTE" >"$R/.profileacl-samba-note"
}
if [ ! -f "$R/.profileacl-samba-pick" ]; then
	pick_build || exit 1
fi
want=$(cat "$R/.profileacl-samba-pick")
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
ver=$(dpkg-query --admindir="$R/var/lib/dpkg" -W -f='${Version}' samba)
series_config "$ver"
log "samba in the root: $ver"
if [ "$SERIES" != "$release" ] || [ "$ver" != "$want" ]; then
	echo "setup-$release: the root has samba $ver, not $want: remove $R" \
		"to set it up again" >&2
	exit 1
fi
cat "$R/.profileacl-samba-note"
if [ ! -f "$R/.profileacl-build-dep" ]; then
	# the release's own build dependencies (for a backport, from the
	# Sources index: its .dsc need not be on the mirror)
	# shellcheck disable=SC2086
	in_root "$R" apt-get build-dep -y -qq $SERIES_TARGET samba >/dev/null
	if [ -n "$SERIES_PKGS" ]; then
		# shellcheck disable=SC2086
		in_root "$R" apt-get install -y -qq --no-install-recommends \
			$SERIES_TARGET $SERIES_PKGS >/dev/null
	fi
	touch "$R/.profileacl-build-dep"
fi

# the tree, by the script a host's set-up and profileacl-rebuild use
mkdir -p "$R/src/.profileacl-scripts"
cp "$top/scripts/prepare-samba-tree.sh" "$top/scripts/lib-host.sh" \
	"$R/src/.profileacl-scripts/"
# A test root takes a source no signed index lists (the pick above);
# a server's profileacl-rebuild refuses it unless its admin opts in.
log "test root: PROFILEACL_ALLOW_UNVERIFIED=1 (a samba source no signed" \
	"index lists is taken, checked against its name only)"
tree=$(PROFILEACL_ROOT_ENV="${PROFILEACL_ROOT_ENV:-} PROFILEACL_ALLOW_UNVERIFIED=1" \
	in_root "$R" /src/.profileacl-scripts/prepare-samba-tree.sh /src \
	--headers-only 2>"$top/samba-src/prepare-$release.log" | tail -1) || {
	tail -20 "$top/samba-src/prepare-$release.log" >&2
	exit 1
}
log "samba $release root ready: $R, tree $tree"
