# shellcheck shell=bash
# What differs between the Debian releases vfs_profileacl is built on, in
# one place, and apt sources read in either form. Sourced by the set-up
# scripts, prepare-samba-tree.sh and the tests; not run on its own.
#
# Hosts: Debian 12 (bookworm, samba 4.17) and Debian 13 (trixie, samba
# 4.22; 4.24 from trixie-backports where the admin installed it from
# there). The samba series is the installed samba's, whatever the host.

# host_codename [ROOT]: bookworm or trixie; anything else is refused
host_codename() {
	local c
	c=$(sed -n 's/^VERSION_CODENAME=//p' "${1:-}/etc/os-release" \
		2>/dev/null)
	case "$c" in
	bookworm | trixie) echo "$c" ;;
	*)
		echo "unsupported host: ${c:-unknown release}; vfs_profileacl" \
			"is built on Debian 12 (bookworm) or 13 (trixie)" >&2
		return 1
		;;
	esac
}

# server_packages CODENAME: what building, installing and rebuilding the
# module needs (its .deb too), besides "apt-get build-dep samba"
server_packages() {
	echo samba make gcc binutils python3 pkg-config dpkg-dev \
		libtalloc-dev libtevent-dev libtdb-dev libcmocka-dev xsltproc \
		docbook-xsl docbook-xml debhelper fakeroot
}

# testbox_kit CODENAME: the test kit, which a server never gets
testbox_kit() {
	local clang_rt
	case "$1" in
	bookworm) clang_rt=libclang-rt-14-dev ;;
	trixie) clang_rt=libclang-rt-19-dev ;;
	esac
	echo samba-vfs-modules samba-testsuite smbclient python3-impacket \
		ctdb samba-ad-dc samba-ad-provision winbind libnss-winbind \
		nftables valgrind \
		gnuplot-nox strace debootstrap clang "$clang_rt" lintian
}

# testbox_packages CODENAME: what the test-box set-up installs on top of
# server_packages: the kit, and tools the tests use that a server may
# have anyway (samba depends on python3-samba; util-linux is essential)
testbox_packages() {
	echo "$(testbox_kit "$1")" python3-samba iproute2 util-linux acl attr \
		man-db git
}

# series_config VERSION: for the samba build VERSION (dpkg's), set
#   SERIES          4.17, 4.22, 4.24
#   SERIES_TARGET   apt-get's -t for its packages ("" or "-t X-backports")
#   SERIES_SOURCE   debian (the .dsc, patches and all) or upstream (only
#                   the upstream tarball is on the mirror)
#   SERIES_PKGS     packages its tree needs beyond build-dep
#   SERIES_CONFIGURE its tree's ./configure options
series_config() {
	local ver=$1 up common
	up=${ver#*:}
	# shellcheck disable=SC2034
	SERIES=$(cut -d. -f1-2 <<<"$up")
	common="--without-ad-dc --without-pam --without-json --without-systemd
		--disable-python --without-libarchive --disable-cephfs
		--disable-glusterfs --disable-cups --disable-iprint"
	SERIES_TARGET=""
	SERIES_SOURCE=debian
	SERIES_PKGS=""
	SERIES_CONFIGURE="$common --bundled-libraries=NONE"
	case "$ver" in
	*~bpo13*)
		SERIES_TARGET="-t trixie-backports"
		SERIES_SOURCE=upstream
		# build-dep (trixie's samba) brings neither these nor the
		# backported talloc/tevent/tdb headers matching the libraries
		SERIES_PKGS="libkrb5-dev libtalloc-dev libtevent-dev libtdb-dev"
		# the +dfsg tarball has no Heimdal RFC texts: MIT krb5;
		# trixie's cmocka (1.1.7) is older than 4.24 wants (1.1.8)
		SERIES_CONFIGURE="$common --with-system-mitkrb5
			--bundled-libraries=cmocka"
		;;
	esac
	# shellcheck disable=SC2086
	SERIES_CONFIGURE=$(echo $SERIES_CONFIGURE)
}

# --- apt sources, deb822 (*.sources) and one-line (sources.list, *.list)
# Only entries of Debian's archives (a URI ending in /debian or
# /debian-security) get a deb-src twin: another repository need not have
# a Sources index, and apt-get update would then fail.
APT_ETC=${APT_ETC:-/etc/apt}

# the deb822 stanzas of Debian's archives with Types deb and no deb-src,
# enabled, as Types: deb-src stanzas
apt_deb822_src() {
	local f
	for f in "$APT_ETC"/sources.list.d/*.sources; do
		[ -f "$f" ] || continue
		[ "$f" = "$APT_ETC/sources.list.d/debian-src.sources" ] && continue
		awk 'BEGIN { RS = ""; FS = "\n" }
		{
			types = ""; enabled = "yes"; uris = ""; signed = ""
			field = ""
			for (i = 1; i <= NF; i++) {
				line = $i
				if (line ~ /^#/) continue
				if (line ~ /^[ \t]/) {
					# a continuation line of FIELD
					v = line
				} else {
					field = tolower(line)
					sub(/:.*/, "", field)
					v = line; sub(/^[^:]*:/, "", v)
				}
				gsub(/[ \t]+/, " ", v)
				if (field == "types") types = types " " v " "
				if (field == "enabled") enabled = tolower(v)
				if (field == "uris") uris = uris " " v " "
				if (field == "signed-by") signed = signed v
			}
			gsub(/ /, "", enabled)
			if (types !~ / deb / || types ~ / deb-src / || enabled == "no")
				next
			if (uris !~ /\/debian(-security)?\/? /)
				next
			# a repository of another vendor under a .../debian URI
			# (download.docker.com/linux/debian) has its own key
			if (signed != "" && signed !~ /debian-archive-keyring/)
				next
			out = ""
			for (i = 1; i <= NF; i++) {
				if (tolower($i) ~ /^types:/) out = out "Types: deb-src\n"
				else out = out $i "\n"
			}
			printf "%s\n", out
		}' "$f"
	done
}

# the one-line deb entries of Debian's archives, as deb-src lines
apt_oneline_src() {
	local f
	for f in "$APT_ETC"/sources.list "$APT_ETC"/sources.list.d/*.list; do
		[ -f "$f" ] || continue
		[ "$f" = "$APT_ETC/sources.list.d/debian-src.list" ] && continue
		awk '$1 == "deb" {
			uri = ($2 ~ /^\[/) ? "" : $2
			for (i = 2; i <= NF && uri == ""; i++)
				if ($i ~ /\]$/) uri = $(i + 1)
			if (uri !~ /\/debian(-security)?\/?$/) next
			# another vendor under a .../debian URI has its own key
			if ($0 ~ /signed-by=/ && $0 !~ /debian-archive-keyring/)
				next
			sub(/^[ \t]*deb[ \t]/, "deb-src ")
			print
		}' "$f"
	done
}

# apt_add_deb_src: give every deb entry of Debian's archives a deb-src
# twin, in the form of its own file, in a file of ours
# (sources.list.d/debian-src.sources or .list); nothing else is touched.
# Prints what it wrote.
apt_add_deb_src() {
	local d822 one
	d822=$(apt_deb822_src)
	one=$(apt_oneline_src)
	local f
	f="$APT_ETC/sources.list.d/debian-src.sources"
	if [ -n "$d822" ] && [ ! -f "$f" ]; then
		apt_write "$f" "$d822" || return 1
	fi
	f="$APT_ETC/sources.list.d/debian-src.list"
	if [ -n "$one" ] && [ ! -f "$f" ]; then
		apt_write "$f" "$one" || return 1
	fi
}

# apt_write FILE TEXT: FILE whole or not at all (a half-written one would
# break apt-get update); prints FILE
apt_write() {
	printf '# added by vfs_profileacl: the source of samba\n%s\n' "$2" \
		>"$1.tmp" && mv "$1.tmp" "$1" && echo "$1" ||
		{ rm -f "$1.tmp"; return 1; }
}

# samba_source_listed VERSION: apt knows the source of samba VERSION
# (needs an apt-get update after a change of the sources)
samba_source_listed() {
	# (grep reads it all: apt-cache must not die of SIGPIPE under pipefail)
	apt-cache showsrc samba 2>/dev/null | grep -Fx "Version: $1" >/dev/null
}

# --- policy-rc.d: services must start on a server. A test box's package
# installs stop them only while they run (with_services_held).
POLICY_RC=${POLICY_RC:-/usr/sbin/policy-rc.d}
POLICY_RC_MARK='# vfs_profileacl: held for a test kit install'
# what scripts/setup-debian.sh (vfs_profileacl 0.1) wrote and never
# removed, byte for byte; a file with that common body is taken as ours
# only where that set-up also left its stamp, so that an admin's own
# hold is not removed
POLICY_RC_OLD=$'#!/bin/sh\nexit 101'
POLICY_RC_OLD_STAMP=${POLICY_RC_OLD_STAMP:-/var/lib/apt/periodic/profileacl-updated}

# remove_stale_policy_rc: a policy-rc.d this project left is removed
remove_stale_policy_rc() {
	[ -f "$POLICY_RC" ] || return 0
	local body
	body=$(cat "$POLICY_RC")
	if { [ "$body" = "$POLICY_RC_OLD" ] && [ -f "$POLICY_RC_OLD_STAMP" ]; } ||
		grep -qF "$POLICY_RC_MARK" "$POLICY_RC"; then
		rm -f "$POLICY_RC"
		echo "removed $POLICY_RC left by an earlier set-up of vfs_profileacl:" \
			"services can start again"
	fi
}

# with_services_held CMD...: run CMD with a policy-rc.d of ours that keeps
# package scripts from starting services, and remove it afterwards, also
# when CMD fails or the script is interrupted. An admin's own policy-rc.d
# is left as it is and used.
with_services_held() {
	local rc=0
	if [ -e "$POLICY_RC" ]; then
		"$@" || rc=$?
		return $rc
	fi
	# The trap first, so that a signal right after the file is made
	# leaves none behind; it removes only a file with our mark. bash
	# runs the EXIT trap also when a signal ends it; a signal to the
	# process group (a CI timeout, ^C) ends apt-get with it.
	trap 'grep -qF "$POLICY_RC_MARK" "$POLICY_RC" 2>/dev/null &&
		rm -f "$POLICY_RC"' EXIT
	# made only if still absent (noclobber): a file another process
	# made meanwhile is theirs, used and left alone
	if ! (set -C; printf '#!/bin/sh\n%s\nexit 101\n' "$POLICY_RC_MARK" \
		>"$POLICY_RC") 2>/dev/null; then
		trap - EXIT
		"$@" || rc=$?
		return $rc
	fi
	chmod 755 "$POLICY_RC"
	"$@" || rc=$?
	rm -f "$POLICY_RC"
	trap - EXIT
	return $rc
}

# --- which samba release of a series can be had: the rule
# A series' newest build can be one whose source the mirror does not
# serve (yet or any more): trixie-backports listed samba 4.24.8 while
# its .dsc, debian.tar and orig tarball answered 404 and 4.24.7's
# binaries and orig tarball were still in the pool, listed nowhere.
# So a release is chosen by what the mirror answers, never pinned.

# url_exists URL: the mirror answers a HEAD request for URL with success,
# within 15 s (5 s to connect): a HEAD request is answered at once or the
# mirror hangs, and samba_pick makes a few dozen of them
url_exists() {
	if command -v curl >/dev/null; then
		curl -sfIL --connect-timeout 5 --max-time 15 -o /dev/null "$1"
	else
		python3 -c '
import sys, urllib.request
try:
    urllib.request.urlopen(urllib.request.Request(sys.argv[1],
        method="HEAD"), timeout=15)
except Exception:
    sys.exit(1)' "$1"
	fi
}

# ver_subst STRING FROM TO: STRING (a file name) with the version FROM
# replaced by TO: the whole version without epoch, then its upstream part
# (samba_4.24.8+dfsg.orig.tar.xz, libldb2_2.11.0+samba4.24.8+dfsg-1~...)
ver_subst() {
	local s=$1 f=${2#*:} t=${3#*:}
	s=${s//"$f"/"$t"}
	echo "${s//"${f%-*}"/"${t%-*}"}"
}

# samba_listed INDEX...: the versions of samba the index files (Sources
# or Packages stanzas, as apt-cache showsrc/show print them) list,
# newest first
samba_listed() {
	awk 'BEGIN { RS = ""; FS = "\n" }
	$1 == "Package: samba" {
		for (i = 2; i <= NF; i++)
			if ($i ~ /^Version: /) print substr($i, 10)
	}' "$@" 2>/dev/null | sort -u | ver_sort
}

# ver_sort: version lines, newest first (dpkg's order)
ver_sort() {
	local v out=()
	while read -r v; do
		local i=0
		while [ $i -lt ${#out[@]} ] &&
			dpkg --compare-versions "${out[$i]}" ge "$v"; do
			i=$((i + 1))
		done
		out=("${out[@]:0:$i}" "$v" "${out[@]:$i}")
	done
	[ ${#out[@]} -eq 0 ] || printf '%s\n' "${out[@]}"
}

# samba_source_files VERSION MODE BASE SOURCES: the files of samba
# VERSION's source, one "URL SHA256" a line (SHA256 "-" where no index
# gives it): MODE debian, all of them; upstream, the orig tarball. A
# version the Sources index lists has its own files; another has the
# names of the newest listed one, with its version.
samba_source_files() {
	local ver=$1 mode=$2 base=$3 sources=$4 tmpl
	tmpl=$ver
	if ! samba_listed "$sources" | grep -qxF "$ver"; then
		tmpl=$(samba_listed "$sources" | head -1)
		[ -n "$tmpl" ] || return 1
	fi
	awk -v ver="$tmpl" 'BEGIN { RS = ""; FS = "\n" }
	$1 == "Package: samba" && index($0, "\nVersion: " ver "\n") {
		dir = ""; files = 0
		for (i = 2; i <= NF; i++) {
			if ($i ~ /^Directory: /) dir = substr($i, 12)
			if ($i ~ /^[^ ]/) files = ($i ~ /^Checksums-Sha256:/)
			else if (files) { split($i, f, " "); n++; h[n] = f[1]; nm[n] = f[3] }
		}
		for (j = 1; j <= n; j++) print dir "/" nm[j], h[j]
		exit
	}' "$sources" | while read -r path hash; do
		case "$mode:$path" in
		upstream:*.asc) continue ;;
		upstream:*.orig.tar.* | debian:*) ;;
		*) continue ;;
		esac
		[ "$tmpl" = "$ver" ] || { path=$(ver_subst "$path" "$tmpl" "$ver"); hash=-; }
		echo "${base%/}/$path $hash"
	done
}

# samba_binaries VERSION ARCH BASE PACKAGES: the pool URLs of every
# binary package of the samba source at VERSION for ARCH (and all), from
# the stanzas of the newest build PACKAGES lists; the samba package first
samba_binaries() {
	local ver=$1 arch=$2 base=$3 packages=$4 tmpl
	tmpl=$(samba_listed "$packages" | head -1)
	[ -n "$tmpl" ] || return 1
	awk -v t="_${tmpl#*:}_" -v tu="+samba${tmpl#*:}_" -v arch="$arch" '
	BEGIN { RS = ""; FS = "\n" }
	{
		fn = ""; a = ""; p = substr($1, 10)
		for (i = 2; i <= NF; i++) {
			if ($i ~ /^Filename: /) fn = substr($i, 11)
			if ($i ~ /^Architecture: /) a = substr($i, 15)
		}
		if (a != arch && a != "all") next
		if (!index(fn, t) && !index(fn, tu)) next
		print (p == "samba" ? 0 : 1), fn
	}' "$packages" | sort -u | while read -r _ fn; do
		echo "${base%/}/$(ver_subst "$fn" "$tmpl" "$ver")"
	done
}

# samba_pick SERIES BASE ARCH SOURCES PACKAGES: the build of samba
# SERIES (4.24) to test or build. Candidates, newest first: every
# version of SERIES the indexes list, and each point release below the
# newest in its form (4.24.8+dfsg-1~bpo13+1, 4.24.7+dfsg-1~bpo13+1, ...
# 4.24.0+dfsg-1~bpo13+1). The first whose source (series_config's
# SERIES_SOURCE: the orig tarball, or the whole Debian source) and samba
# binary the mirror BASE serves is chosen. Sets PICK (its version, empty
# if none), PICK_NEWEST (the newest listed), PICK_NOTE (one line: which,
# and why), PICK_MISSING (what the mirror lacked, per version tried);
# returns 1 when no build of SERIES can be had. The walk stops after
# PICK_TIME_LIMIT seconds (300): a mirror that hangs makes each request
# wait its whole timeout.
# shellcheck disable=SC2034
samba_pick() {
	local series=$1 base=$2 arch=$3 sources=$4 packages=$5
	local newest cands v k p rest src bin url missing
	local deadline=$((SECONDS + ${PICK_TIME_LIMIT:-300}))
	PICK="" PICK_NOTE="" PICK_MISSING=""
	PICK_NEWEST=$(samba_listed "$sources" "$packages" |
		grep -E "^([0-9]+:)?${series//./\\.}\." | head -1)
	newest=$PICK_NEWEST
	if [ -z "$newest" ]; then
		PICK_NOTE="samba $series: no version listed in the indexes"
		return 1
	fi
	# newest: [E:]X.Y.P REST -> X.Y.P-1 ... X.Y.0 with the same REST
	p=${newest#*:}
	p=${p#"$series".}
	rest=${p#"${p%%[!0-9]*}"}
	p=${p%%[!0-9]*}
	cands=$(
		samba_listed "$sources" "$packages" |
			grep -E "^([0-9]+:)?${series//./\\.}\."
		for ((k = p; k >= 0; k--)); do
			v="${series}.$k$rest"
			[ "$newest" = "${newest#*:}" ] || v="${newest%%:*}:$v"
			echo "$v"
		done
	)
	for v in $(sort -u <<<"$cands" | ver_sort); do
		if [ $SECONDS -ge $deadline ]; then
			PICK_MISSING="${PICK_MISSING:+$PICK_MISSING; }gave up after ${PICK_TIME_LIMIT:-300} s at $v (a mirror that does not answer?)"
			break
		fi
		series_config "$v"
		missing=""
		src=$(samba_source_files "$v" "$SERIES_SOURCE" "$base" "$sources")
		[ -n "$src" ] || missing="source"
		while read -r url _; do
			[ -z "$url" ] || url_exists "$url" ||
				missing="$missing ${url##*/}"
		done <<<"$src"
		bin=$(samba_binaries "$v" "$arch" "$base" "$packages" | head -1)
		if [ -z "$bin" ] || ! url_exists "$bin"; then
			missing="$missing ${bin##*/}"
			[ -n "$bin" ] || missing="$missing binary"
		fi
		if [ -z "$missing" ]; then
			PICK=$v
			break
		fi
		PICK_MISSING="${PICK_MISSING:+$PICK_MISSING; }$v:$missing 404"
	done
	if [ -z "$PICK" ]; then
		PICK_NOTE="samba $series: no build whose source and binaries the mirror serves ($PICK_MISSING)"
		return 1
	fi
	if [ "$PICK" = "$newest" ]; then
		PICK_NOTE="samba $series: tested $PICK (the newest listed; its source and binaries are on the mirror)"
	else
		PICK_NOTE="samba $series: tested $PICK (newest $series whose source the mirror serves; $PICK_MISSING)"
	fi
}
