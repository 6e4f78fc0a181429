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

# the test harness's server side, and what the tree and the package need
pkgs="samba-vfs-modules samba-testsuite smbclient python3-samba acl attr
	$(server_packages trixie)"
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
if [ "$SERIES" != "$release" ]; then
	echo "setup-$release: the root has samba $ver, not $release" >&2
	exit 1
fi
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
tree=$(in_root "$R" /src/.profileacl-scripts/prepare-samba-tree.sh /src \
	--headers-only 2>"$top/samba-src/prepare-$release.log" | tail -1) || {
	tail -20 "$top/samba-src/prepare-$release.log" >&2
	exit 1
}
log "samba $release root ready: $R, tree $tree"
