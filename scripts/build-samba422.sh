#!/bin/bash
# Build the module for Samba 4.22 from the same source: waf runs inside
# the trixie root (scripts/setup-samba422.sh) against its 4.22 tree, with
# its compiler; output build/samba-4.22/profileacl.so.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
R="$top/samba-src/trixie-root"
"$top/scripts/setup-samba422.sh" >/dev/null
mkdir -p "$R/project"
unshare --mount --fork -- bash -c '
	set -e
	R=$1 top=$2
	mount --make-rprivate /
	mount --bind "$top" "$R/project"
	mount -t proc proc "$R/proc"
	mount --rbind /dev "$R/dev"
	exec chroot "$R" env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin \
		HOME=/root PYTHONHASHSEED=1 WAFLOCK=.lock-waf-samba-4.22 sh -c "
		cd /project &&
		python3 /src/current/buildtools/bin/waf configure \
			--samba-source=/src/current --out=build/samba-4.22 \
			>build-samba-4.22-configure.log 2>&1 ||
			{ tail -20 build-samba-4.22-configure.log; exit 1; }
		rm -f build-samba-4.22-configure.log
		python3 /src/current/buildtools/bin/waf build"
' build "$R" "$top"
ls -l "$top/build/samba-4.22/profileacl.so"
