# Shell functions for the Debian roots the project runs other Samba builds
# in (sourced by scripts and tests; not run on its own).

# in_root ROOT CMD...: run CMD inside ROOT, with /proc and /dev, in
# private mount and PID namespaces: nothing stays mounted afterwards, and
# no process it started outlives it (the namespace's first process, a
# shell that reaps orphans, ends them all when CMD ends)
in_root() {
	unshare --mount --pid --fork -- bash -c '
		set -e
		R=$1; shift
		mount --make-rprivate /
		# a mount point of its own, so that mounts inside work
		mount --bind "$R" "$R"
		mount -t proc proc "$R/proc"
		mount --rbind /dev "$R/dev"
		set +e
		chroot "$R" env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin \
			HOME=/root DEBIAN_FRONTEND=noninteractive LANG=C.UTF-8 \
			${PROFILEACL_ROOT_ENV:-} "$@"
	' in_root "$@"
}

# test_root_dpkg ROOT: dpkg in the test root ROOT skips its fsync calls
# (force-unsafe-io, as Debian's Docker images have it), and man-db
# builds no apropos index (man-db/auto-update false; man finds a page by
# its path without it). Called before debootstrap, the dpkg setting
# holds for the base system too; after it, also the man-db answer.
# Neither changes ROOT's apt sources, policy-rc.d or packages:
# docs/testing.md.
test_root_dpkg() {
	local R=$1
	mkdir -p "$R/etc/dpkg/dpkg.cfg.d"
	echo force-unsafe-io >"$R/etc/dpkg/dpkg.cfg.d/profileacl-test-root"
	[ -x "$R/usr/bin/debconf-set-selections" ] || return 0
	# the trigger reads this file; postinst makes it from the answer
	rm -f "$R/var/lib/man-db/auto-update"
	echo 'man-db man-db/auto-update boolean false' |
		in_root "$R" debconf-set-selections
}

# make_root ROOT DIST "SUITES" LOG: a minimal Debian root (debootstrap),
# with deb and deb-src entries for SUITES and test_root_dpkg's settings;
# done once (a stamp), later calls return at once. The mirror is this
# machine's, or PROFILEACL_DEBIAN_MIRROR.
make_root() {
	local R=$1 dist=$2 suites=$3 log=$4 mirror
	if [ -f "$R/.profileacl-debootstrap" ]; then
		# a root made before these settings gets them too
		[ -f "$R/etc/dpkg/dpkg.cfg.d/profileacl-test-root" ] ||
			test_root_dpkg "$R"
		return 0
	fi
	mirror=${PROFILEACL_DEBIAN_MIRROR:-$(sed -n 's/^URIs: *//p' \
		/etc/apt/sources.list.d/debian.sources | head -1)}
	mirror=${mirror:-http://deb.debian.org/debian}
	command -v debootstrap >/dev/null ||
		apt-get -o DPkg::Lock::Timeout=600 install -y -qq debootstrap \
			>/dev/null
	rm -rf "$R"
	mkdir -p "$R"
	test_root_dpkg "$R"
	debootstrap --variant=minbase "$dist" "$R" "$mirror" >"$log" 2>&1 || {
		tail -20 "$log" >&2
		return 1
	}
	test_root_dpkg "$R" || return 1
	# no policy-rc.d: in a root with no init system, invoke-rc.d
	# starts no service anyway ("No init system and policy-rc.d
	# missing! Defaulting to block.")
	cat >"$R/etc/apt/sources.list.d/debian.sources" <<SOURCES
Types: deb deb-src
URIs: $mirror
Suites: $suites
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
SOURCES
	rm -f "$R/etc/apt/sources.list"
	touch "$R/.profileacl-debootstrap"
}

# root_of RELEASE: the root scripts/setup-samba-root.sh prepared
root_of() {
	sed -nE 's/.*root ready: ([^,]+),.*/\1/p'
}
