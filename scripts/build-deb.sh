#!/bin/bash
# Build samba-vfs-profileacl_<version>_<arch>.deb from the committed files
# (git ls-files) and a prepared Samba tree:
#
#   scripts/build-deb.sh              for this machine's samba, into build/deb/
#   scripts/build-deb.sh 4.22|4.24    inside that release's Debian root
#                                     (scripts/setup-samba-root.sh), into
#                                     build/deb-REL/
#
# PROFILEACL_DEB_DIR: another folder than build/ for deb/ and deb-work/
# (the update test builds while the install test does).
#
# Next to the .deb files: the .changes and .buildinfo of the build.
#
# The package version names the samba build it is for
# (0.1.0+samba4.17.12+dfsg+0+deb12u4); it depends on that samba release
# series, and its load guard ties the module to the exact build.
set -euo pipefail
release=${1:-}
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
if [ -z "$release" ]; then
	"$top/scripts/setup-testbox.sh" >/dev/null
	R=""
	out="${PROFILEACL_DEB_DIR:-$top/build}/deb"
	src_tree="$top/samba-src/current"
else
	ready=$("$top/scripts/setup-samba-root.sh" "$release" | tail -1)
	R=$(sed -nE 's/.*root ready: ([^,]+),.*/\1/p' <<<"$ready")
	out="$top/build/deb-$release"
	src_tree=/src/current
fi
samba=$(dpkg-query ${R:+--admindir="$R/var/lib/dpkg"} -W -f='${Version}' \
	samba)
base=$(dpkg-parsechangelog -l debian/changelog -S Version)
# the Debian release it is built for: "unstable" with samba's ~bpo13+1 in
# the version would be a backport's number on an upload to sid (lintian:
# upload-has-backports-version-number)
# shellcheck source=/dev/null
dist=$(. "$R/etc/os-release" && echo "${VERSION_CODENAME:-unstable}")
version="$base+samba$(tr -- '-' '+' <<<"${samba#*:}")"

# the tree to build from, in the root when there is one
if [ -n "$R" ]; then
	work="$R/build-deb"
else
	work="${PROFILEACL_DEB_DIR:-$top/build}/deb-work"
fi
rm -rf "$out" "$work"
mkdir -p "$out" "$work/samba-vfs-profileacl-$version"
srcdir="$work/samba-vfs-profileacl-$version"
git ls-files -z | xargs -0 cp --parents -t "$srcdir"
[ -n "$R" ] || ln -s "$top/samba-src" "$srcdir/samba-src"
cat >"$srcdir/debian/changelog" <<CHANGELOG
samba-vfs-profileacl ($version) $dist; urgency=medium

  * Built for samba $samba.

 -- $(sed -n 's/^Maintainer: //p' debian/control)  $(date -R)

$(cat debian/changelog)
CHANGELOG

build="cd /build-deb/samba-vfs-profileacl-$version &&
	SAMBA_SRC=$src_tree dpkg-buildpackage -us -uc -b"
if [ -z "$R" ]; then
	(cd "$srcdir" && SAMBA_SRC="$src_tree" dpkg-buildpackage -us -uc -b \
		>"$out/build.log" 2>&1)
else
	# shellcheck source=scripts/lib-root.sh
	. "$top/scripts/lib-root.sh"
	in_root "$R" sh -c "$build" >"$out/build.log" 2>&1
fi || {
	tail -30 "$out/build.log" >&2
	exit 1
}
# the .changes and .buildinfo too: lintian checks the upload as a whole
mv "$work"/*.deb "$work"/*.changes "$work"/*.buildinfo "$out/"
rm -rf "$work"
ls "$out"/*.deb
