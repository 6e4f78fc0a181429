#!/bin/bash
# Run a command in private mount and network namespaces, with
# build/profileacl.so visible in smbd's MODULESDIR/vfs.
#
#   tests/netns-run.sh MODULE.so CMD [ARGS...]
#   tests/netns-run.sh --installed CMD [ARGS...]
#
# With --installed smbd loads the module installed in its MODULESDIR/vfs
# (make install, or the Debian package), with no tmpfs and no path tricks.
#
# The namespaces give the tests a loopback interface of their own, so the
# test smbd is reachable from nothing but the processes started here.
set -euo pipefail
[ "${PROFILEACL_IN_NETNS:-}" = 1 ] ||
	exec unshare --mount --net --fork -- env PROFILEACL_IN_NETNS=1 "$0" "$@"
die() { echo "netns-run: $*" >&2; exit 1; }
module=$1
shift
if [ "$module" != --installed ]; then
	module=$(readlink -f "$module")
	[ -f "$module" ] || die "no module at $module"
fi

mount --make-rprivate /
ip link set lo up
# a second loopback address: the second node of a test cluster
ip addr add 127.0.0.2/8 dev lo
# smbd listens on a high port only. smbcacls and Samba's Python client
# always dial 445 (source3/libsmb/smbsock_connect.c), so inside this
# namespace loopback connections to 445 are redirected to that port.
nft add table ip profileacl
nft add chain ip profileacl output '{ type nat hook output priority -100; }'
for addr in 127.0.0.1 127.0.0.2; do
	# dnat, not redirect: a redirect would send 127.0.0.2 to 127.0.0.1
	nft add rule ip profileacl output ip daddr $addr tcp dport 445 \
		dnat to "$addr:${PROFILEACL_PORT:-44445}"
done

# PROFILEACL_SAMBA_ROOT: a root holding another Samba (scripts/
# setup-samba-root.sh); its smbd runs chrooted there and sees /tmp, /proc and
# /dev of this namespace.
R=${PROFILEACL_SAMBA_ROOT:-}
if [ -n "$R" ]; then
	mount -t proc proc "$R/proc"
	mount --rbind /dev "$R/dev"
	mount --bind /tmp "$R/tmp"
fi
vfsdir="$R$(${R:+chroot "$R"} smbd -b | sed -n 's/^ *MODULESDIR: *//p')/vfs"
if [ "$module" = --installed ]; then
	[ -f "$vfsdir/profileacl.so" ] || die "$vfsdir/profileacl.so not installed"
	exec "$@"
fi
# A tmpfs over the module directory, seen only in this mount namespace,
# holding the stock modules and the one under test: nothing on the system
# changes and nothing is left behind.
stock=$(mktemp -d /tmp/profileacl-vfs.XXXXXX)
cp -a "$vfsdir/." "$stock/"
mount -t tmpfs -o size=256m,mode=0755 profileacl-vfs "$vfsdir"
cp -a "$stock/." "$vfsdir/"
rm -rf "$stock"
cp "$module" "$vfsdir/profileacl.so"
# the test-only fault injection module, built beside it
[ ! -f "${module%/*}/pa_faultinject.so" ] || cp "${module%/*}/pa_faultinject.so" "$vfsdir/"
exec "$@"
