#!/bin/bash
# Build samba-vfs-profileacl_<version>_<arch>.deb into build/deb/ from the
# committed files (git ls-files) and the prepared Samba tree.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
"$top/scripts/setup-debian.sh" >/dev/null

version=$(dpkg-parsechangelog -l debian/changelog -S Version)
out="$top/build/deb"
src="$out/samba-vfs-profileacl-$version"
rm -rf "$out"
mkdir -p "$src"
git ls-files -z | xargs -0 cp --parents -t "$src"
ln -s "$top/samba-src" "$src/samba-src"
(cd "$src" && dpkg-buildpackage -us -uc -b >"$out/build.log" 2>&1) || {
	tail -30 "$out/build.log" >&2
	exit 1
}
ls "$out"/*.deb
