#!/bin/bash
# make upstream-check SAMBA=<samba git tree>: apply the upstream series
# (upstream/*.patch) on a new branch of that tree with git am, configure
# it with --enable-selftest and Samba's developer warnings, build it, and
# run the series' tests and smb2.acls on the module's shares through
# "make test". The last line is "upstream-check: N passed, N failed".
#
# Samba master needs Debian 13 with trixie-backports' build-deps, so
# everything runs in a Debian root (UPSTREAM_ROOT, made on first use from
# scripts/lib-root.sh make_root): the tree is bind-mounted into it and
# built by an unprivileged user (selftest's ACL tests fail as root),
# "make test" inside "unshare --net" with lo up and /dev/shm mounted.
#
# scripts/upstream-check.sh --core needs no Samba: it checks that the
# series carries the shared core, vfs_profileacl/profileacl_core.[ch], byte
# for byte (the new files of upstream/*.patch, and their blob ids); the
# full check runs it first. Its last line is "upstream-check core: N
# passed, N failed".
#
# scripts/upstream-check.sh --bench <samba git tree> measures, in the
# root, the series' own cost as make bench measures the out-of-tree
# module (upstream/bench.py: instructions per open, system calls per
# granted operation) with the tree's smbd, built before. Its last line
# is "bench: targets met" or "bench: targets MISSED".
#
# Environment:
#   UPSTREAM_ROOT   the Debian root (default samba-src/upstream-root)
#   UPSTREAM_JOBS   waf -j (default 2)
#   UPSTREAM_TESTS  selftest TESTS: regexes separated by spaces (default: all
#                   of the series' tests: cmocka, the blackbox script, the
#                   python tests, the durable reconnect torture test, and
#                   smb2.acls on the module's shares)
#   UPSTREAM_NO_AM  set: the branch already holds the series, only build
#                   and test (the planted fault runs use it)
#   UPSTREAM_NO_CONFIGURE  set: keep the tree's configuration if it has one
set -uo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
. "$top/scripts/lib-root.sh"

# core_check: each core file against the new file of that name in the
# series, rebuilt from the patch's lines and checked against its blob id
core_check() {
	python3 - "$top" <<'PY'
import glob, hashlib, os, sys
top = sys.argv[1]
patches = sorted(glob.glob(os.path.join(top, "upstream", "0*.patch")))
passed = failed = 0
for name in ("profileacl_core.c", "profileacl_core.h"):
    want = open(os.path.join(top, "vfs_profileacl", name), "rb").read()
    path = "source3/modules/" + name
    found = []
    for p in patches:
        lines = open(p, "rb").read().split(b"\n")
        hdr = ("diff --git a/%s b/%s" % (path, path)).encode()
        for i, line in enumerate(lines):
            if line != hdr:
                continue
            blob = None
            body = []
            j = i + 1
            while j < len(lines) and not lines[j].startswith(b"@@"):
                if lines[j].startswith(b"index 0000000"):
                    blob = lines[j].split(b"..")[1].split()[0].decode()
                j += 1
            j += 1
            while j < len(lines) and lines[j][:1] in (b"+", b"\\"):
                if lines[j].startswith(b"\\"):
                    body[-1] = body[-1][:-1]
                else:
                    body.append(lines[j][1:] + b"\n")
                j += 1
            found.append((os.path.basename(p), blob, b"".join(body)))
    if len(found) != 1:
        print("upstream-check: core %s: %d new files %s in the series, "
              "want 1" % (name, len(found), path))
        failed += 1
        continue
    patch, blob, got = found[0]
    sha = hashlib.sha1(b"blob %d\0" % len(got) + got).hexdigest()
    want_sha = hashlib.sha1(b"blob %d\0" % len(want) + want).hexdigest()
    if got == want and blob is not None and want_sha.startswith(blob):
        print("upstream-check: core %s = %s in %s (blob %s)"
              % (name, path, patch, want_sha[:12]))
        passed += 1
    else:
        print("upstream-check: core %s differs from %s in %s (blob %s, "
              "vfs_profileacl/ %s)" % (name, path, patch, blob, want_sha))
        failed += 1
print("upstream-check core: %d passed, %d failed" % (passed, failed))
sys.exit(1 if failed else 0)
PY
}

if [ "${1:-}" = --core ]; then
	core_check
	exit
fi

bench=
if [ "${1:-}" = --bench ]; then
	# the tree as it is: no git am, no build
	bench=1 UPSTREAM_NO_AM=1
	shift
fi
SAMBA=${1:-}
[ -n "$SAMBA" ] && [ -d "$SAMBA" ] || {
	echo "usage: make upstream-check SAMBA=<path to a samba git tree>" >&2
	exit 2
}
SAMBA=$(cd "$SAMBA" && pwd -P)
R=${UPSTREAM_ROOT:-$top/samba-src/upstream-root}
R=$(mkdir -p "$R" && cd "$R" && pwd -P)
jobs=${UPSTREAM_JOBS:-2}
tests=${UPSTREAM_TESTS:-samba3.test_vfs_profileacl samba3.blackbox.profileacl samba3.smb2.acls-with-sysacl.profileacl samba3.smb2.acls-ignore-sysacl.profileacl samba.tests.vfs_profileacl samba.tests.smb2_create_link samba3.smb2.durable-open.reconnect-share-rights}
log=$(mktemp -d /tmp/pacl-up-check.XXXXXX)
# git as the owner of the tree, so that what git am writes is his
g() {
	setpriv --reuid="$uid" --regid="$gid" --clear-groups \
		env HOME=/tmp git -c safe.directory='*' -C "$SAMBA" "$@"
}

say() { echo "upstream-check: $*"; }
die() {
	say "$*"
	say "0 passed, 1 failed"
	exit 1
}

# the build user: the owner of the tree, never root (selftest's ACL
# tests fail as root)
uid=$(stat -c %u "$SAMBA")
gid=$(stat -c %g "$SAMBA")
if [ "$uid" = 0 ]; then
	uid=1500 gid=1500
	say "chown -R $uid $SAMBA (selftest must not run as root)"
	chown -R "$uid:$gid" "$SAMBA"
fi

[ -f "$SAMBA/source3/include/vfs.h" ] && g rev-parse HEAD >/dev/null 2>&1 ||
	die "$SAMBA is not a samba git tree"

# 1. the series, on a new branch
patches=()
for p in "$top"/upstream/0[0-9][0-9][0-9]-*.patch; do
	[ "${p##*/}" = 0000-cover-letter.patch ] || patches+=("$p")
done
base=$(g rev-parse --short HEAD)
if [ -z "${UPSTREAM_NO_AM:-}" ]; then
	branch=profileacl-check-$(date +%Y%m%d-%H%M%S)
	[ -z "$(g status --porcelain --untracked-files=no)" ] ||
		die "$SAMBA has uncommitted changes"
	g checkout -q -b "$branch" || die "cannot create branch $branch"
	g -c user.name=upstream-check -c user.email=upstream-check@localhost \
		am -q "${patches[@]}" >"$log/am.log" 2>&1 || {
		cat "$log/am.log"
		g am --abort >/dev/null 2>&1
		die "the series does not apply to $base (branch $branch left)"
	}
	say "applied ${#patches[@]} patches on $base, branch $branch"
else
	branch=$(g rev-parse --abbrev-ref HEAD)
	say "UPSTREAM_NO_AM: testing $branch as it is"
	# the base is the parent of the series' first commit, found by
	# its subject, so that the warnings below are those of the series
	first=$(sed -n 's/^Subject: \[PATCH [0-9/]*\] //p' "${patches[0]}")
	c=$(g log --format='%H %s' HEAD |
		awk -v s="$first" 'substr($0, 42) == s { print $1; exit }')
	if [ -n "$c" ] && g rev-parse -q --verify "$c^" >/dev/null; then
		base=$(g rev-parse --short "$c^")
		say "the series starts after $base"
	else
		say "no commit \"$first\" on $branch: warnings not counted"
	fi
fi

# the shared core, byte for byte in the series
core_out=$(core_check)
echo "$core_out"
core_p=$(echo "$core_out" | sed -n 's/^upstream-check core: \([0-9]*\) passed.*/\1/p')
core_f=$(echo "$core_out" | sed -n 's/^upstream-check core: .* \([0-9]*\) failed$/\1/p')

# 2. the root: Debian 13 with trixie-backports' build-deps
if [ ! -f "$R/.pacl-upstream-ready" ]; then
	say "preparing the Debian root $R"
	make_root "$R" trixie "trixie trixie-updates trixie-backports" \
		"$log/debootstrap.log" || die "debootstrap failed"
	in_root "$R" sh -c '
		apt-get update -qq &&
		apt-get -o DPkg::Lock::Timeout=600 build-dep -y -qq \
			-t trixie-backports samba &&
		apt-get -o DPkg::Lock::Timeout=600 install -y -qq \
			libkrb5-dev libarchive-dev python3-iso8601 \
			python3-dateutil python3-markdown python3-dnspython \
			python3-cryptography python3-pyasn1 iproute2 git \
			xsltproc docbook-xsl' >"$log/apt.log" 2>&1 ||
		{ tail -20 "$log/apt.log"; die "apt-get in the root failed"; }
	touch "$R/.pacl-upstream-ready"
fi

in_root "$R" sh -c "getent group $gid >/dev/null ||
	groupadd -g $gid pacl-build$gid; getent passwd $uid >/dev/null ||
	useradd -m -u $uid -g $gid -s /bin/bash pacl-build$uid" ||
	die "cannot add the build user"

# The tree's path inside the root: where it is, if it lies in the root
# (waf keeps absolute paths: a tree configured there stays there),
# otherwise bind-mounted at /build/check
case "$SAMBA/" in
"$R"/*) inside=${SAMBA#"$R"} ;;
*) inside=/build/check ;;
esac

# run_in_tree CMD: CMD as the build user (or RUN_AS), in the tree inside
# the root, in a network namespace of its own with lo up and /dev/shm
# mounted (what selftest needs)
run_in_tree() {
	unshare --mount --pid --net --fork -- bash -c '
		set -e
		R=$1 S=$2 uid=$3 inside=$4; shift 4
		mount --make-rprivate /
		mount --bind "$R" "$R"
		if [ "$inside" = /build/check ]; then
			mkdir -p "$R/build/check"
			mount --bind "$S" "$R/build/check"
		fi
		mount -t proc proc "$R/proc"
		mount --rbind /dev "$R/dev"
		mount -t tmpfs -o mode=1777 tmpfs "$R/dev/shm"
		ip link set lo up
		set +e
		chroot "$R" env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin \
			HOME=/tmp LANG=C.UTF-8 PYTHONHASHSEED=1 \
			setpriv --reuid="$uid" --regid="$uid" --init-groups \
			nice -n 10 sh -c "cd $inside && $*"
	' run_in_tree "$R" "$SAMBA" "${RUN_AS:-$uid}" "$inside" "$@"
}

if [ -n "$bench" ]; then
	[ -x "$SAMBA/bin/default/source3/smbd/smbd" ] ||
		die "$SAMBA is not built"
	cp "$top/upstream/bench.py" "$R/tmp/pacl-series-bench.py"
	cp "$top/tests/measure.py" "$R/tmp/measure.py" ||
		die "cannot copy the bench into the root"
	in_root "$R" sh -c 'command -v strace >/dev/null ||
		apt-get -o DPkg::Lock::Timeout=600 install -y -qq strace' \
		>"$log/apt.log" 2>&1 || die "cannot install strace in the root"
	# as root: smbd must be
	RUN_AS=0 run_in_tree "python3 /tmp/pacl-series-bench.py $inside"
	exit
fi


# 3. configure (developer warnings) and build
conf="--enable-selftest --enable-developer --without-ad-dc"
conf="$conf --with-system-mitkrb5 --without-json --disable-cephfs"
conf="$conf --disable-glusterfs"
conf="$conf --bundled-libraries=cmocka,talloc,pytalloc-util,tevent,tdb,pytdb,ldb,pyldb-util"
t0=$(date +%s)
if [ -n "${UPSTREAM_NO_CONFIGURE:-}" ] &&
	[ -f "$SAMBA/bin/c4che/default_cache.py" ]; then
	say "UPSTREAM_NO_CONFIGURE: keeping the tree's configuration"
else
	run_in_tree "./configure $conf" >"$log/configure.log" 2>&1 || {
		tail -20 "$log/configure.log"
		die "configure failed ($log/configure.log)"
	}
fi
t1=$(date +%s)
say "configure: $((t1 - t0)) s"
run_in_tree "./buildtools/bin/waf build -j$jobs" >"$log/build.log" 2>&1 || {
	grep -E 'error|Error' "$log/build.log" | tail -20
	die "build failed ($log/build.log)"
}
t2=$(date +%s)
say "build: $((t2 - t1)) s"

# warnings in the files the series touches (the rest is master's)
touched=$(g diff --name-only "$base" HEAD 2>/dev/null | grep -E '\.[ch]$')
nwarn=0
for f in $touched; do
	n=$(grep -c "$f:[0-9]*:[0-9]*: warning:" "$log/build.log")
	nwarn=$((nwarn + n))
done
say "compiler warnings in the series' files: $nwarn" \
	"(all of the build: $(grep -c ': warning:' "$log/build.log"))"

# 4. the tests, through make test
rm -rf "$SAMBA/st"
run_in_tree "make test TESTS='$tests'" >"$log/test.log" 2>&1
rc=$?
t3=$(date +%s)
say "make test: $((t3 - t2)) s, exit $rc"
grep -E '^(ALL OK|FAILED|ERROR)' "$log/test.log" | tail -3

sub="$SAMBA/st/subunit"
if [ ! -s "$sub" ]; then
	tail -30 "$log/test.log"
	die "no selftest result ($log/test.log)"
fi
passed=$(grep -cE '^(success|successful|xfail): ' "$sub")
failed=$(grep -cE '^(failure|error|uxsuccess): ' "$sub")
skipped=$(grep -cE '^skip(-testsuite)?: ' "$sub")
grep -E '^(failure|error|uxsuccess): ' "$sub" | sed 's/^/  /' | head -40

# selftest runs tests of the environment "none" (the cmocka tests of
# source3) only in a build with the AD DC; without it (--without-ad-dc,
# as here) it skips them, so the cmocka binary also runs on its own
if grep -q '^skip-testsuite: samba3.test_vfs_profileacl' "$sub"; then
	run_in_tree "touch /tmp/pacl-empty.conf &&
		bin/test_vfs_profileacl /tmp/pacl-empty.conf" \
		>"$log/cmocka.log" 2>&1
	crc=$?
	cp=$(grep -cE '^success: ' "$log/cmocka.log")
	cf=$(grep -cE '^(failure|error): ' "$log/cmocka.log")
	# a test that started and never ended (the binary crashed)
	cs=$(grep -cE '^test: ' "$log/cmocka.log")
	[ "$cs" -le $((cp + cf)) ] || cf=$((cf + cs - cp - cf))
	grep -E '^(failure|error): ' "$log/cmocka.log" | sed 's/^/  /'
	say "  test_vfs_profileacl (run directly; selftest skips env" \
		"none without the AD DC): $cp passed, $cf failed (exit $crc)"
	passed=$((passed + cp))
	failed=$((failed + cf))
	# nothing ran, or a failing exit that no result above explains
	if [ "$cp" = 0 ] || { [ "$crc" != 0 ] && [ "$cf" = 0 ]; }; then
		failed=$((failed + 1))
	fi
fi
for t in "samba3.smb2.acls-ignore-sysacl profileacl.DENY1" \
	"samba3.test_vfs_profileacl" "samba3.blackbox.profileacl" \
	"samba.tests.vfs_profileacl" "samba.tests.smb2_create_link" \
	"samba3.smb2.durable-open.reconnect-share-rights"; do
	p=$(grep -cE "^(success|successful): $t" "$sub")
	f=$(grep -cE "^(failure|error): $t" "$sub")
	say "  $t: $p passed, $f failed"
done
passed=$((passed + ${core_p:-0}))
failed=$((failed + ${core_f:-1}))
[ "$rc" = 0 ] || [ "$failed" -gt 0 ] || failed=1
say "logs in $log; $skipped skipped"
say "$passed passed, $failed failed"
[ "$failed" = 0 ]
