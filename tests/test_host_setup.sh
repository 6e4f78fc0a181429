#!/bin/bash
# The host set-up's parts on crafted files, without apt: apt sources read
# in deb822 and one-line form and given deb-src twins in the same form
# (Debian's archives only, nothing of the admin's touched), the release
# table, the two package sets, and policy-rc.d (an old one of ours
# removed, an admin's kept, the test kit's removed even when the install
# fails or is killed). The same scripts against real apt, in fresh Debian
# 12 and 13 roots: tests/test_fresh_host.sh.
set -uo pipefail
cd "$(dirname "$0")/.." || exit
# shellcheck source=tests/lib-check.sh
. tests/lib-check.sh
private_net "$@"
t=$(mktemp -d /tmp/profileacl-hostsetup.XXXXXX)
trap 'kill "${FAKE_MIRROR_PID:-}" 2>/dev/null; rm -rf "$t"' EXIT
export APT_ETC POLICY_RC
# shellcheck source=scripts/lib-host.sh
. scripts/lib-host.sh

new_etc() {
	APT_ETC="$t/$1"
	rm -rf "$APT_ETC"
	mkdir -p "$APT_ETC/sources.list.d"
}
sum_etc() { (cd "$APT_ETC" && find . -type f | sort | xargs md5sum); }
# twin FORM FILE KIND OTHER WHAT: apt_add_deb_src, run on the sources just
# written, adds the deb-src twin FILE, a KIND file of ours, and neither the
# file OTHER (WHAT says so) nor a change to the admin's files
twin() {
	local before
	before=$(sum_etc)
	added=$(apt_add_deb_src)
	src="$APT_ETC/sources.list.d/$2"
	check "$1: the deb-src twin is a $3 file of ours ($added)" \
		"[ '$added' = '$src' ] && [ -f '$src' ]"
	check "$1: $5" "[ ! -e '$APT_ETC/sources.list.d/$4' ]"
	check "$1: the admin's files are unchanged" \
		"[ \"\$(sum_etc | grep -v debian-src)\" = \"$before\" ]"
}

# --- deb822, as the trixie installer writes it, but without deb-src
new_etc d822
cat >"$APT_ETC/sources.list.d/debian.sources" <<'EOF'
Types: deb
URIs: http://deb.debian.org/debian/
Suites: trixie trixie-updates
Components: main non-free-firmware
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg

# a comment between stanzas
Types: deb
URIs: http://security.debian.org/debian-security/
Suites: trixie-security
Components: main non-free-firmware
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg

Types: deb
URIs: http://deb.debian.org/debian
Suites: trixie-backports
Components: main
Enabled: no
EOF
cat >"$APT_ETC/sources.list.d/docker.sources" <<'EOF'
types: deb
uris: https://download.docker.com/linux/debian
suites: trixie
components: stable
signed-by: /etc/apt/keyrings/docker.asc
EOF
cat >"$APT_ETC/sources.list.d/mirror.sources" <<'EOF'
types:	deb
uris:
 http://ftp.de.debian.org/debian
suites: trixie-updates
components: main
EOF
cat >"$APT_ETC/sources.list.d/vendor.sources" <<'EOF'
Types: deb
URIs: https://packages.example.com/apt
Suites: stable
Components: main
Signed-By:
 -----BEGIN PGP PUBLIC KEY BLOCK-----
 .
 mQINBGX
 -----END PGP PUBLIC KEY BLOCK-----
EOF
twin deb822 debian-src.sources deb822 debian-src.list \
	"no .list file is written for deb822 sources"
check "deb822: both Debian stanzas and the mirror's get a twin, Types: deb-src" \
	"[ \$(grep -c '^Types: deb-src$' '$src') -eq 3 ] &&
	 ! grep -q '^Types: deb$' '$src'"
check "deb822: lower-case fields, a tab and a URI on a continuation line are read" \
	"grep -q '^ http://ftp.de.debian.org/debian$' '$src'"
check "deb822: another vendor under a .../debian URI, with its own key, gets none" \
	"! grep -q docker '$src'"
check "deb822: the twins keep URIs, Suites, Components and Signed-By" \
	"grep -q '^Suites: trixie trixie-updates$' '$src' &&
	 grep -q '^URIs: http://security.debian.org/debian-security/$' '$src' &&
	 [ \$(grep -c '^Components: main non-free-firmware$' '$src') -eq 2 ] &&
	 [ \$(grep -c '^Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg$' '$src') -eq 2 ]"
check "deb822: a disabled stanza and another vendor's get none" \
	"! grep -q 'trixie-backports' '$src' && ! grep -q example '$src'"
cp "$src" "$t/first"
added=$(apt_add_deb_src)
check "deb822: a second run writes nothing" \
	"[ -z '$added' ] && cmp -s '$src' '$t/first'"

# --- deb822 that has deb-src already
new_etc d822src
cat >"$APT_ETC/sources.list.d/debian.sources" <<'EOF'
Types: deb deb-src
URIs: http://deb.debian.org/debian
Suites: bookworm bookworm-updates
Components: main
EOF
added=$(apt_add_deb_src)
check "deb822 with 'Types: deb deb-src': nothing added" \
	"[ -z '$added' ] && [ \$(ls '$APT_ETC/sources.list.d' | wc -l) -eq 1 ]"

# --- one-line, as Debian 12's installer leaves it (deb lines only here)
new_etc oneline
cat >"$APT_ETC/sources.list" <<'EOF'
# deb cdrom:[Debian GNU/Linux 12.12.0 _Bookworm_]/ bookworm main
deb http://deb.debian.org/debian/ bookworm main non-free-firmware
deb http://security.debian.org/debian-security bookworm-security main non-free-firmware
deb [arch=amd64 signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] http://deb.debian.org/debian/ bookworm-updates main
#deb-src http://deb.debian.org/debian/ bookworm main
EOF
cat >"$APT_ETC/sources.list.d/vendor.list" <<'EOF'
deb [signed-by=/etc/apt/keyrings/vendor.gpg] https://packages.example.com/apt stable main
deb [arch=amd64 signed-by=/etc/apt/keyrings/docker.gpg] https://download.docker.com/linux/debian bookworm stable
EOF
twin one-line debian-src.list .list debian-src.sources \
	"no deb822 file is written"
check "one-line: a deb-src line for each of the three Debian deb lines" \
	"[ \$(grep -c '^deb-src ' '$src') -eq 3 ] &&
	 grep -qx 'deb-src http://deb.debian.org/debian/ bookworm main non-free-firmware' '$src' &&
	 grep -qx 'deb-src http://security.debian.org/debian-security bookworm-security main non-free-firmware' '$src'"
check "one-line: [options] are kept" \
	"grep -qx 'deb-src \\[arch=amd64 signed-by=/usr/share/keyrings/debian-archive-keyring.gpg\\] http://deb.debian.org/debian/ bookworm-updates main' '$src'"
check "one-line: comments and other vendors' lines get none (docker's .../debian too)" \
	"! grep -q -e cdrom -e example -e docker '$src'"

# --- the release table
for r in r12=bookworm r13=trixie rsid=forky; do
	mkdir -p "$t/${r%=*}/etc"
	echo "VERSION_CODENAME=${r#*=}" >"$t/${r%=*}/etc/os-release"
done
check "Debian 12 and 13 are hosts: bookworm, trixie" \
	"[ \"\$(host_codename '$t/r12')\" = bookworm ] &&
	 [ \"\$(host_codename '$t/r13')\" = trixie ]"
check "another release is refused, with the supported ones named" \
	"! host_codename '$t/rsid' 2>'$t/err' &&
	 grep -q 'Debian 12 (bookworm) or 13 (trixie)' '$t/err'"
check "the clang runtime is chosen by release: 14 on 12, 19 on 13" \
	"testbox_kit bookworm | grep -qw libclang-rt-14-dev &&
	 testbox_kit trixie | grep -qw libclang-rt-19-dev &&
	 testbox_packages trixie | grep -qw libclang-rt-19-dev"
series_config 2:4.17.12+dfsg-0+deb12u4
check "4.17 (+deb12u4): Debian source, no -t" \
	"[ '$SERIES' = 4.17 ] && [ -z '$SERIES_TARGET' ] &&
	 [ '$SERIES_SOURCE' = debian ]"
series_config 2:4.22.11+dfsg-0+deb13u1
check "4.22 (+deb13u1): Debian source, no -t, system libraries" \
	"[ '$SERIES' = 4.22 ] && [ -z '$SERIES_TARGET' ] &&
	 [ '$SERIES_SOURCE' = debian ] &&
	 grep -q -- '--bundled-libraries=NONE' <<<'$SERIES_CONFIGURE'"
series_config 2:4.24.7+dfsg-1~bpo13+1
check "4.24 (~bpo13): -t trixie-backports, the upstream tarball, MIT krb5" \
	"[ '$SERIES' = 4.24 ] && [ '$SERIES_TARGET' = '-t trixie-backports' ] &&
	 [ '$SERIES_SOURCE' = upstream ] &&
	 grep -q -- '--with-system-mitkrb5' <<<'$SERIES_CONFIGURE'"
kit_on_server=""
for p in $(testbox_kit bookworm) $(testbox_kit trixie); do
	grep -qw -- "$p" <<<"$(server_packages bookworm) $(server_packages trixie)" &&
		kit_on_server="$kit_on_server $p"
done
check "no test kit package is in the server set${kit_on_server:+:$kit_on_server}" \
	"[ -z '$kit_on_server' ]"

# --- the rule that picks the samba build (samba_pick), against a fake
# Debian mirror on 127.0.0.1: its indexes list 4.24.8, whose source the
# pool no longer serves (the state of 2026-12-06), then other states
pool="$t/archive/debian/pool/main/s/samba"
mkdir -p "$pool"
stanza_src() { # VERSION UPSTREAM
	printf 'Package: samba\nBinary: samba, libldb2, samba-common\nVersion: %s\nDirectory: pool/main/s/samba\nChecksums-Sha256:\n' "$1"
	printf ' %064d 1 samba_%s.dsc\n %064d 2 samba_%s.orig.tar.xz\n %064d 3 samba_%s.debian.tar.xz\n\n' \
		1 "${1#*:}" 2 "$2" 3 "${1#*:}"
}
stanza_bin() { # PACKAGE VERSION FILE-VERSION ARCH
	printf 'Package: %s\nVersion: %s\nArchitecture: %s\nFilename: pool/main/s/samba/%s_%s_%s.deb\n\n' \
		"$1" "$2" "$4" "$1" "$3" "$4"
}
{
	stanza_src 2:4.24.8+dfsg-1~bpo13+1 4.24.8+dfsg
	stanza_src 2:4.24.5+dfsg-1~bpo13+1 4.24.5+dfsg
	stanza_src 2:4.22.11+dfsg-0+deb13u1 4.22.11+dfsg
} >"$t/sources"
{
	stanza_bin samba 2:4.24.8+dfsg-1~bpo13+1 4.24.8+dfsg-1~bpo13+1 amd64
	stanza_bin libldb2 2:2.11.0+samba4.24.8+dfsg-1~bpo13+1 \
		2.11.0+samba4.24.8+dfsg-1~bpo13+1 amd64
	stanza_bin samba-common 2:4.24.8+dfsg-1~bpo13+1 4.24.8+dfsg-1~bpo13+1 all
	stanza_bin samba 2:4.22.11+dfsg-0+deb13u1 4.22.11+dfsg-0+deb13u1 amd64
} >"$t/packages"
in_pool() { local f; for f in "$@"; do echo fake >"$pool/$f"; done; }
# 4.24.8: binaries only; 4.24.7: orig and binaries, in no index;
# 4.24.6: orig only; 4.24.5 (listed): nothing; 4.22.11: all of it
in_pool samba_4.24.8+dfsg-1~bpo13+1_amd64.deb samba_4.24.7+dfsg.orig.tar.xz \
	samba_4.24.7+dfsg-1~bpo13+1_amd64.deb \
	libldb2_2.11.0+samba4.24.7+dfsg-1~bpo13+1_amd64.deb \
	samba-common_4.24.7+dfsg-1~bpo13+1_all.deb samba_4.24.6+dfsg.orig.tar.xz \
	samba_4.22.11+dfsg-0+deb13u1.dsc samba_4.22.11+dfsg.orig.tar.xz \
	samba_4.22.11+dfsg-0+deb13u1.debian.tar.xz \
	samba_4.22.11+dfsg-0+deb13u1_amd64.deb
fake_mirror "$t/archive" "$t/http.log"
base="$FAKE_MIRROR/debian"
check "the fake mirror answers on $FAKE_MIRROR: 200 for a pool file, 404 for another" \
	"url_exists '$base/pool/main/s/samba/samba_4.24.7+dfsg.orig.tar.xz' &&
	 ! url_exists '$base/pool/main/s/samba/samba_4.24.8+dfsg.orig.tar.xz'"
pick() { samba_pick "$1" "$base" amd64 "$t/sources" "$t/packages"; }
# picks SERIES BUILD WHAT: samba_pick picks BUILD of SERIES
picks() { pick "$1"; check "$3 ($PICK)" "[ '$PICK' = '$2' ]"; }
pick 4.24
check "4.24.8 listed, its source 404: 4.24.7 (in no index) is picked ($PICK)" \
	"[ '$PICK' = 2:4.24.7+dfsg-1~bpo13+1 ] &&
	 [ '$PICK_NEWEST' = 2:4.24.8+dfsg-1~bpo13+1 ]"
check "the note names the build tested and why: $PICK_NOTE" \
	"[ \"\$PICK_NOTE\" = 'samba 4.24: tested 2:4.24.7+dfsg-1~bpo13+1 (newest 4.24 whose source the mirror serves; 2:4.24.8+dfsg-1~bpo13+1: samba_4.24.8+dfsg.orig.tar.xz 404)' ]"
files=$(samba_source_files 2:4.24.7+dfsg-1~bpo13+1 upstream "$base" "$t/sources")
check "4.24.7's source (upstream): its orig tarball, no hash any index gives" \
	"[ '$files' = '$base/pool/main/s/samba/samba_4.24.7+dfsg.orig.tar.xz -' ]"
files=$(samba_source_files 2:4.24.8+dfsg-1~bpo13+1 upstream "$base" "$t/sources")
check "4.24.8's (listed): its orig tarball with the index's SHA256" \
	"[ '$files' = '$base/pool/main/s/samba/samba_4.24.8+dfsg.orig.tar.xz $(printf %064d 2)' ]"
debs=$(samba_binaries 2:4.24.7+dfsg-1~bpo13+1 amd64 "$base" "$t/packages")
check "4.24.7's packages, by the newest's names: samba first, libldb2, samba-common (all)" \
	"[ \"\$(sed 's|.*/||' <<<'$debs' | tr '\n' ' ')\" = 'samba_4.24.7+dfsg-1~bpo13+1_amd64.deb libldb2_2.11.0+samba4.24.7+dfsg-1~bpo13+1_amd64.deb samba-common_4.24.7+dfsg-1~bpo13+1_all.deb ' ]"
rm "$pool/samba_4.24.7+dfsg-1~bpo13+1_amd64.deb"
in_pool samba_4.24.6+dfsg-1~bpo13+1_amd64.deb
picks 4.24 2:4.24.6+dfsg-1~bpo13+1 \
	"4.24.7's binary gone too: 4.24.6, source and binary"
in_pool samba_4.24.8+dfsg.orig.tar.xz
pick 4.24
check "4.24.8's source back: the newest listed is picked, and said ($PICK_NOTE)" \
	"[ '$PICK' = 2:4.24.8+dfsg-1~bpo13+1 ] &&
	 grep -q 'the newest listed' <<<\"\$PICK_NOTE\""
rm "$pool"/samba_4.24.*
pick 4.24
rc=$?
check "no 4.24 source on the mirror: none is picked, rc 1, what is missing said" \
	"[ $rc -eq 1 ] && [ -z '$PICK' ] &&
	 grep -q 'no build whose source and binaries the mirror serves' <<<\"\$PICK_NOTE\" &&
	 grep -q '2:4.24.0+dfsg-1~bpo13+1: samba_4.24.0+dfsg.orig.tar.xz samba_4.24.0+dfsg-1~bpo13+1_amd64.deb 404' <<<\"\$PICK_NOTE\""
picks 4.22 2:4.22.11+dfsg-0+deb13u1 \
	"4.22 (Debian source complete): 4.22.11, unchanged"
rm "$pool/samba_4.22.11+dfsg-0+deb13u1.debian.tar.xz"
in_pool samba_4.22.10+dfsg-0+deb13u1.dsc samba_4.22.10+dfsg.orig.tar.xz \
	samba_4.22.10+dfsg-0+deb13u1_amd64.deb
pick 4.22
check "a Debian source needs all its files: no debian.tar for 4.22.11 or 4.22.10, none picked" \
	"[ -z '$PICK' ] && grep -q 'samba_4.22.11+dfsg-0+deb13u1.debian.tar.xz 404' <<<\"\$PICK_NOTE\""
in_pool samba_4.22.10+dfsg-0+deb13u1.debian.tar.xz
picks 4.22 2:4.22.10+dfsg-0+deb13u1 \
	"with 4.22.10's complete: 4.22.10, the point release below"
PICK_TIME_LIMIT=0 pick 4.22
rc=$?
check "a walk past its time limit (a hanging mirror) stops: none picked, rc 1, said" \
	"[ $rc -eq 1 ] && [ -z '$PICK' ] &&
	 grep -q 'gave up after 0 s at 2:4.22.11+dfsg-0+deb13u1' <<<\"\$PICK_NOTE\""
kill "$FAKE_MIRROR_PID"
wait "$FAKE_MIRROR_PID" 2>/dev/null

# --- policy-rc.d
POLICY_RC="$t/policy-rc.d"
POLICY_RC_OLD_STAMP="$t/profileacl-updated"
printf '#!/bin/sh\nexit 101\n' >"$POLICY_RC"
remove_stale_policy_rc >"$t/out"
check "that common body without the old set-up's stamp is an admin's: kept" \
	"[ -f '$POLICY_RC' ] && [ ! -s '$t/out' ]"
touch "$POLICY_RC_OLD_STAMP"
remove_stale_policy_rc >"$t/out"
check "the policy-rc.d the old set-up left (its stamp beside) is removed, and said" \
	"[ ! -e '$POLICY_RC' ] && grep -q 'services can start again' '$t/out'"
printf '#!/bin/sh\n# mine\nexit 101\n' >"$POLICY_RC"
remove_stale_policy_rc >/dev/null
check "an admin's own policy-rc.d is kept" "[ -f '$POLICY_RC' ]"
rm -f "$POLICY_RC"
check "while the kit installs, policy-rc.d holds services (exit 101)" \
	"with_services_held sh -c \"test -x '$POLICY_RC' && ! '$POLICY_RC'\""
check "after the install it is gone" "[ ! -e '$POLICY_RC' ]"
with_services_held false
rc=$?
check "an install that fails: its status is kept ($rc), policy-rc.d gone" \
	"[ $rc -ne 0 ] && [ ! -e '$POLICY_RC' ]"
# a CI timeout or a kill of the process group while the install runs
setsid bash -c '. scripts/lib-host.sh; with_services_held sleep 30;
	echo went-on' >"$t/killed" 2>&1 &
pid=$!
held=no
for _ in $(seq 50); do [ -e "$POLICY_RC" ] && held=yes && break; sleep 0.1; done
kill -TERM -- "-$pid" 2>/dev/null
wait "$pid"
rc=$?
check "an install killed by SIGTERM (rc $rc): policy-rc.d gone, no step after" \
	"[ $held = yes ] && [ $rc -eq 143 ] && [ ! -e '$POLICY_RC' ] &&
	 ! grep -q went-on '$t/killed'"
printf '#!/bin/sh\n# mine\nexit 101\n' >"$POLICY_RC"
with_services_held true
check "an admin's policy-rc.d is used and left as it is" \
	"grep -q mine '$POLICY_RC'"

# with_services_held cleared the EXIT trap
rm -rf "$t"
summary host-setup
