#!/bin/bash
# Build the module for another Samba release from the same source: waf
# runs inside that release's Debian root (scripts/setup-samba-root.sh)
# against its prepared tree, with its compiler and -Wall -Wextra -Werror.
#
#   scripts/build-samba-root.sh 4.22|4.24   -> build/samba-REL/profileacl.so
set -euo pipefail
release=${1:?usage: build-samba-root.sh 4.22|4.24}
top=$(cd "$(dirname "$0")/.." && pwd)
ready=$("$top/scripts/setup-samba-root.sh" "$release" | tail -1)
R=$(sed -nE 's/.*root ready: ([^,]+),.*/\1/p' <<<"$ready")
[ -d "$R" ] || { echo "build-$release: no root ($ready)" >&2; exit 1; }
mkdir -p "$R/project"
unshare --mount --fork -- bash -c '
	set -e
	R=$1 top=$2 release=$3
	mount --make-rprivate /
	mount --bind "$top" "$R/project"
	mount -t proc proc "$R/proc"
	mount --rbind /dev "$R/dev"
	exec chroot "$R" env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin \
		HOME=/root PYTHONHASHSEED=1 WAFLOCK=.lock-waf-samba-$release \
		sh -c "
		cd /project &&
		python3 /src/current/buildtools/bin/waf configure \
			--samba-source=/src/current --out=build/samba-$release \
			>build/configure-samba-$release.log 2>&1 ||
			{ tail -20 build/configure-samba-$release.log; exit 1; }
		python3 /src/current/buildtools/bin/waf build"
' build "$R" "$top" "$release"
ls -l "$top/build/samba-$release/profileacl.so"
