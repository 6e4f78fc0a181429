#!/bin/bash
# The Debian package for another Samba release: build it inside that
# release's root, install it there with dpkg, run the integration suite
# against the installed module (the root's smbd loads it from its own
# MODULESDIR, no tmpfs), check that profileacl-check and its helper run
# there, and purge it.
#
#   tests/test_deb_root.sh 4.22|4.24
#
# PROFILEACL_DEB_ROOT=DIR: the test servers' folder, another one beside
# a running make check (/tmp/profileacl-deb-RELEASE).
set -uo pipefail
release=${1:?usage: test_deb_root.sh 4.22|4.24}
cd "$(dirname "$0")/.." || exit 1
# shellcheck source=tests/lib-check.sh
. tests/lib-check.sh
private_net "$@"
# shellcheck source=tests/lib-suite.sh
. tests/lib-suite.sh
# a set-up that fails is a failure, never a skip
setup_failed() { fail "$1"; summary "deb-$release"; exit 1; }
ready=$(scripts/setup-samba-root.sh "$release" | tail -1) ||
	setup_failed "the $release root could not be set up"
R=$(sed -nE 's/.*root ready: ([^,]+),.*/\1/p' <<<"$ready")
[[ $R && -d $R ]] || setup_failed "no $release root (setup said: $ready)"
# shellcheck source=scripts/lib-root.sh
. scripts/lib-root.sh
samba=$(dpkg-query --admindir="$R/var/lib/dpkg" -W -f='${Version}' samba)
modulesdir=$(chroot "$R" smbd -b | sed -n 's/^ *MODULESDIR: *//p')
so="$R$modulesdir/vfs/profileacl.so"
log=$(mktemp -d /tmp/profileacl-deb.XXXXXX)
servers=${PROFILEACL_DEB_ROOT:-/tmp/profileacl-deb-$release}
trap 'rm -rf "$log"' EXIT

# suite_check WHAT NAME ROOT-VARIABLE SCRIPT [VAR=VALUE...]: the Python
# suite NAME against the installed module, its servers under $servers,
# with its row's count for the root's samba
suite_check() {
	local rc
	env PROFILEACL_SAMBA_ROOT="$R" "$3=$servers" "${@:5}" tests/netns-run.sh \
		--installed /usr/bin/python3 "$4" >"$log/$2" 2>&1
	rc=$?
	check "$1: $(tail -1 "$log/$2")" \
		"suite_ok $2 '$log/$2' $rc '$(suite_min "$2" "$samba")'"
}
# rebuild OUT [VAR=VALUE...]: profileacl-rebuild in the root; sets rc,
# and line (its FAILED line, echoed)
rebuild() {
	PROFILEACL_ROOT_ENV="PROFILEACL_MIRROR=$base ${*:2}" in_root "$R" \
		profileacl-rebuild >"$log/$1" 2>&1
	rc=$?
	line=$(grep -F 'FAILED: ' "$log/$1")
	echo "     $line"
}
in_pool() { local f; for f in "$@"; do echo fake >"$pool/$f"; done; }
# profileacl-check in the root on a profile share of its own: it asks its
# helper, built for this samba, which connects the share with the
# installed module; it checks (exit 0 or 1) rather than exit 2
tool_runs_helper() {
	local d=/tmp/profileacl-check-deb rc
	mkdir -p "$R$d/share" "$R$d/var"
	printf '[global]\n\tlock directory = %s\n\tstate directory = %s\n\tcache directory = %s\n\tpid directory = %s\n\tncalrpc dir = %s\n\tprivate dir = %s\n[profiles]\n\tpath = %s/share\n\tvfs objects = profileacl\n' \
		"$d/var" "$d/var" "$d/var" "$d/var" "$d/var" "$d/var" "$d" >"$R$d/smb.conf"
	in_root "$R" profileacl-check -s "$d/smb.conf" >"$log/check" 2>&1
	rc=$?
	check "profileacl-check runs its helper there (rc $rc)" \
		"tool_checked $rc '$log/check'" ||
		sed 's/^/     /' "$log/check"
	rm -rf "${R:?}$d"
}
# says TEXT WORDS...: TEXT holds each of WORDS
says() { local w; for w in "${@:2}"; do [[ $1 == *"$w"* ]] || return 1; done; }

# The installed samba's source is not on the mirror (a fake Debian mirror
# on 127.0.0.1 whose pool has only the point release below it, source
# and binary): the module, made stale (its build ID replaced by another),
# cannot be rebuilt. profileacl-rebuild says so in one line, with what the
# admin can do; the stale module stays and smbd refuses to load it.
# Then the source is in the pool but in no signed index (the index lists
# the point release above): refused in one line without
# PROFILEACL_ALLOW_UNVERIFIED=1, fetched with it.
missing_source() {
	local running foreign=00112233445566778899aabbccddeeff00112233
	local low high l h pool base rc line up since ino logged
	local fake=/tmp/profileacl-unverified
	running=$(readelf -n "$R$modulesdir"/libsmbd-base-*.so.0 |
		sed -n 's/.*Build ID: *//p' | head -1)
	cp "$so" "$log/current.so"
	LC_ALL=C sed -i "s/$running/$foreign/g" "$so"
	# samba X.Y.P-R -> X.Y.(P-1)-R, in the pool with all its source
	[[ $samba =~ ^([^.]*\.[^.]*\.)([0-9]+)(.*)$ ]]
	low=${BASH_REMATCH[1]}$((BASH_REMATCH[2] - 1))${BASH_REMATCH[3]}
	high=${BASH_REMATCH[1]}$((BASH_REMATCH[2] + 1))${BASH_REMATCH[3]}
	l=${low#*:} h=${high#*:} up=${samba#*:}
	up=${up%-*}
	pool="$log/mirror/debian/pool/main/s/samba"
	mkdir -p "$pool"
	in_pool "samba_$l.dsc" "samba_${l%-*}.orig.tar.xz" "samba_$l.debian.tar.xz" \
		"samba_${l}_amd64.deb"
	fake_mirror "$log/mirror" "$log/http.log"
	# an interrupted run leaves neither the mirror nor a stale file
	trap 'kill "$FAKE_MIRROR_PID" 2>/dev/null; cp "$log/current.so" "$so"
		[ ! -f "$log/helper" ] || cp "$log/helper" "$R/$helper"
		rm -rf "$log" "$R/tmp/profileacl-unverified"' EXIT
	base="$FAKE_MIRROR/debian"
	rebuild rebuild
	check "source 404: profileacl-rebuild fails (rc $rc) with one line" \
		"[ $rc -eq 1 ] && [ \$(grep -c 'FAILED' '$log/rebuild') -eq 1 ]"
	check "that line says what is missing: samba $samba's source on $base" \
		"says \"\$line\" ' 404)' 'FAILED: the source of samba $samba is not on the mirror ($base: samba_$up'"
	check "and what the admin can do: wait, another mirror, or samba $low" \
		"says \"\$line\" 'wait until the mirror serves it' 'PROFILEACL_MIRROR=URL' \
			'or install samba $low, whose source it serves'"
	check "the stale module stays in place, untouched, and the helper runs" \
		"grep -q 'stays in place and refuses to load' '$log/rebuild' &&
		 grep -q 'profileacl-decide in place is built for samba $samba: profileacl-check runs it' '$log/rebuild' &&
		 ! cmp -s '$so' '$log/current.so' &&
		 grep -qF '$foreign' '$so'"
	check "profileacl-rebuild --status: stale" \
		"! in_root '$R' profileacl-rebuild --status >'$log/status' 2>&1 &&
		 grep -q 'stale: smbd refuses to load it' '$log/status'"
	suite_check "smbd refuses to load the stale module" load-guard \
		PROFILEACL_GUARD_ROOT tests/test_load_guard.py \
		PROFILEACL_GUARD_BUILT_FOR=$foreign

	# samba's source in the pool, and an index (apt-cache showsrc, faked
	# in the root) that lists only the point release above it
	in_pool "samba_${samba#*:}.dsc" "samba_$up.orig.tar.xz" "samba_${samba#*:}.debian.tar.xz"
	mkdir -p "$R$fake"
	printf 'Package: samba\nVersion: %s\nDirectory: pool/main/s/samba\nChecksums-Sha256:\n %064d 1 samba_%s.dsc\n %064d 2 samba_%s.orig.tar.xz\n %064d 3 samba_%s.debian.tar.xz\n\n' \
		"$high" 1 "$h" 2 "${h%-*}" 3 "$h" >"$R$fake/sources"
	# shellcheck disable=SC2016
	printf '#!/bin/sh\n[ "$1 $2" = "showsrc samba" ] && exec cat %s/sources\nexec /usr/bin/apt-cache "$@"\n' \
		"$fake" >"$R$fake/apt-cache"
	chmod 755 "$R$fake/apt-cache"
	since=$(wc -l <"$log/http.log")
	# the requests since, with apt's %2b for + decoded
	fetched() { tail -n +$((since + 1)) "$log/http.log" | sed 's/%2[bB]/+/g'; }
	rebuild unverified "PATH=$fake:/usr/sbin:/usr/bin:/sbin:/bin"
	check "source in no signed index: refused (rc $rc) in one line" \
		"[ $rc -eq 1 ] && [ \$(grep -c 'FAILED' '$log/unverified') -eq 1 ] &&
		 says \"\$line\" 'FAILED: samba $samba is in no signed index, so its source ($base:'"
	check "that line names the file, the risk and the opt-in" \
		"says \"\$line\" 'samba_$up.orig.tar.xz' 'with root on this host' \
			'run again with PROFILEACL_ALLOW_UNVERIFIED=1'"
	check "nothing of it was fetched (HEAD only), the stale module stays" \
		"! fetched | grep -F 'GET /debian/pool/main/s/samba/samba_$up.orig' >/dev/null &&
		 grep -qF '$foreign' '$so' &&
		 ! in_root '$R' profileacl-rebuild --status >/dev/null 2>&1"
	rebuild allowed "PATH=$fake:/usr/sbin:/usr/bin:/sbin:/bin" PROFILEACL_ALLOW_UNVERIFIED=1
	check "with PROFILEACL_ALLOW_UNVERIFIED=1 it is fetched, and logged as unchecked" \
		"! grep -q 'UNVERIFIED\|no signed index' '$log/allowed' &&
		 fetched | grep -F '\"GET /debian/pool/main/s/samba/samba_$up.orig.tar.xz HTTP/1.1\" 200' >/dev/null &&
		 grep -qF 'PROFILEACL_ALLOW_UNVERIFIED=1: samba $samba is in no index: checked against nothing but its name' \
			'$R/var/log/samba-vfs-profileacl-rebuild.log'"
	# the module renamed into place and the stale helper not (a mount
	# on it, in the rebuild's own mount namespace: EBUSY): the failure
	# says which of the two works. It builds from the root's prepared
	# tree, linked into a cache of its own, which nothing writes then.
	cp "$R/$helper" "$log/helper"
	LC_ALL=C sed -i "s/$running/$foreign/g" "$R/$helper"
	ino=$(stat -c %i "$so")
	logged=$(wc -l <"$R/var/log/samba-vfs-profileacl-rebuild.log")
	mkdir -p "$R$fake/cache"
	cp -al "$R/src/samba-$up" "$R$fake/cache/"
	check "the root's tree is prepared for the module's headers" \
		"[ -f '$R$fake/cache/samba-$up/.profileacl-headers-only-3' ]"
	# shellcheck disable=SC2016
	PROFILEACL_ROOT_ENV="PROFILEACL_MIRROR=$base PROFILEACL_CACHE=$fake/cache" \
		in_root "$R" sh -c 'mount --bind "$1" "$1" && exec profileacl-rebuild' \
		sh "/$helper" >"$log/partial" 2>&1
	rc=$?
	line=$(grep -F 'FAILED: ' "$log/partial")
	echo "     $line"
	check "the helper not renamed into place: rc $rc, and it says so" \
		"[ $rc -eq 1 ] && says \"\$line\" 'FAILED: could not rename' 'profileacl-decide.new into place'"
	check "and it says the new module loads and the stale helper refuses to run" \
		"grep -q 'the module in place is built for samba $samba: smbd loads it' '$log/partial' &&
		 grep -q 'profileacl-decide, for samba [^ ]*, refuses to run' '$log/partial' &&
		 ! grep -q 'stays in place' '$log/partial' &&
		 ! tail -n +$((logged + 1)) '$R/var/log/samba-vfs-profileacl-rebuild.log' |
			grep -Eq 'fetching|configuring|generating' &&
		 [ \$(stat -c %i '$so') != $ino ] && ! grep -qF '$foreign' '$so' &&
		 [ ! -e '$R/$helper.new' ]"
	check "profileacl-rebuild --status agrees: module current, helper stale" \
		"! in_root '$R' profileacl-rebuild --status >'$log/status' 2>&1 &&
		 grep -q '^state: *current' '$log/status' &&
		 grep -q '^helper state: *stale' '$log/status'"
	cp "$log/helper" "$R/$helper"
	kill "$FAKE_MIRROR_PID" && wait "$FAKE_MIRROR_PID" 2>/dev/null
	rm -rf "$R$fake" "$R/var/cache/samba-vfs-profileacl"/samba_*
	cp "$log/current.so" "$so"
	trap 'rm -rf "$log"' EXIT
}

deb=$(scripts/build-deb.sh "$release" 2>"$log/build.err" | grep -v dbgsym | tail -1)
check "the $release package builds in its root: $(basename "${deb:-none}")" "[ -f '$deb' ]"
if [ -f "$deb" ]; then
	check "its version names samba $samba" \
		"dpkg-deb -f '$deb' Version | grep -qF \"+samba\$(tr -- - + <<<'${samba#*:}')\""
	series=$(cut -d. -f1-2 <<<"$samba")
	want="samba (>= $series~), samba (<< ${series%.*}.$((${series##*.} + 1))~)"
	check "it depends on the samba series: $want" "dpkg-deb -f '$deb' Depends | grep -qF '$want'"
	dpkg-deb -c "$deb" >"$log/contents"
	tool=usr/sbin/profileacl-check
	helper=usr/libexec/samba-vfs-profileacl/profileacl-decide
	page=usr/share/man/man8/profileacl-check.8.gz
	check "it carries /$tool, /$helper and /$page" \
		"grep -q ' \./$tool\$' '$log/contents' && grep -q ' \./$helper\$' '$log/contents' &&
		 grep -q ' \./$page\$' '$log/contents'"
	cp "$deb" "$R/tmp/"
	in_root "$R" dpkg -i "/tmp/$(basename "$deb")" >"$log/dpkg-i" 2>&1
	check "dpkg -i installs $so" "[ -f '$so' ]"
	check "dpkg -i installs the man page" "[ -f '$R/usr/share/man/man8/vfs_profileacl.8.gz' ]"
	check "and the three files of profileacl-check" \
		"[ -x '$R/$tool' ] && [ -x '$R/$helper' ] && [ -f '$R/$page' ]"
	check "profileacl-check --help runs there (python3-samba)" \
		"in_root '$R' profileacl-check --help >'$log/help' 2>&1 &&
		 grep -q '^usage: profileacl-check' '$log/help'"
	tool_runs_helper
	suite_check "integration suite against the packaged module" integration \
		PROFILEACL_TEST_ROOT tests/test_integration.py
	missing_source
	in_root "$R" dpkg --purge samba-vfs-profileacl >"$log/purge" 2>&1
	check "dpkg --purge removes the module" "[ ! -e '$so' ]"
	rm -f "$R/tmp/$(basename "$deb")"
fi
summary "deb-$release"
