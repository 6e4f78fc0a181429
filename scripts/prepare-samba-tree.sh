#!/bin/bash
# Fetch the source of exactly the installed samba into DIR, configure it and
# generate the headers a VFS module needs; print the tree on the last line.
#
#   scripts/prepare-samba-tree.sh DIR [--headers-only]
#
# Needs a deb-src entry and Samba's build dependencies (apt-get build-dep
# samba). A second run for the same samba build returns at once; a run
# after a samba update fetches the new source in place of the old.
# PROFILEACL_MIRROR=URL fetches the source from that Debian mirror's pool
# instead of apt's. Exit status 3: the mirror does not serve the source
# of the installed samba (the MISSING: line says what the admin can do).
#
# Every source file is checked against the SHA256 the signed Sources
# index gives (over plain http too, as apt does). A build no index lists
# has no such hash: its files could be checked against nothing but their
# names, and configure and waf run Python from them as root, so that
# whoever answers for the mirror (a man in the middle on plain http)
# would run code as root here. Such a source is refused (exit status 4,
# the UNVERIFIED: line) unless PROFILEACL_ALLOW_UNVERIFIED=1.
#
# --headers-only generates just the headers profileacl.so includes (a
# dozen pidl and generator targets, seconds) instead of building
# vfs_fake_perms and its dependencies (minutes): what profileacl-rebuild
# uses on a server. The project's own setup builds vfs_fake_perms, whose
# build also checks that the tree compiles.
set -euo pipefail

dir=${1:?usage: prepare-samba-tree.sh DIR [--headers-only]}
mkdir -p "$dir"
dir=$(cd "$dir" && pwd)
mode=${2:-full}
log() { printf 'prepare-samba-tree: %s\n' "$*" >&2; }
# shellcheck source=scripts/lib-host.sh
. "$(dirname "$0")/lib-host.sh"

# The mirror can lack a source package's .dsc while it has the tarballs
# (bookworm-updates' samba +deb12u2). Fetch those with the SHA256 sums of
# the signed Sources index (apt-helper checks them), describe them in a
# .dsc of our own, and let dpkg-source unpack them as for any package.
unpack_without_dsc() {
	local ver=$1 tree=$2 uri name size hash dsc
	log "no .dsc for samba $ver: unpacking its tarballs by their hashes"
	apt-get source --print-uris -qq "samba=$ver" 2>>"$dir/source.log" |
		sed -n "s/^'\([^']*\)' \([^ ]*\) \([0-9]*\) \(SHA256:[0-9a-f]*\)$/\1 \2 \3 \4/p" \
		>"$dir/uris" || return 1
	grep -q 'orig\.tar' "$dir/uris" && grep -q 'debian\.tar' "$dir/uris" ||
		return 1
	dsc="$dir/samba_${ver#*:}.dsc"
	printf 'Format: 3.0 (quilt)\nSource: samba\nVersion: %s\nFiles:\n' \
		"$ver" >"$dsc"
	while read -r uri name size hash; do
		case "$name" in
		*.orig.tar.* | *.debian.tar.*) ;;
		*) continue ;;
		esac
		/usr/lib/apt/apt-helper download-file "$uri" "$dir/$name" \
			"$hash" >>"$dir/source.log" 2>&1 || return 1
		printf ' %s %s %s\n' "$(md5sum <"$dir/$name" | cut -d' ' -f1)" \
			"$size" "$name" >>"$dsc"
	done <"$dir/uris"
	# the tarballs' hashes were checked above; the .dsc is ours
	dpkg-source --no-check -x "$dsc" "$tree" >>"$dir/source.log" 2>&1
}

# The mirror: apt's (the one its deb-src entries name), or
# PROFILEACL_MIRROR, another Debian mirror that serves the source
mirror_base() {
	if [ -n "${PROFILEACL_MIRROR:-}" ]; then
		echo "${PROFILEACL_MIRROR%/}"
		return
	fi
	apt-get source --print-uris -qq samba 2>/dev/null |
		sed -n "s|^'\([^']*\)/pool/.*|\1|p" | head -1
}

# check_source VERSION: the mirror serves samba VERSION's source (its
# orig tarball, and for a Debian source its debian tarball); otherwise
# say in one line what is missing and what the admin can do, and exit 3
check_source() {
	local ver=$1 base url missing="" alt=""
	base=$(mirror_base)
	if [ -z "$base" ]; then
		log "apt knows no source of samba: is there a deb-src entry" \
			"for samba's suite?"
		exit 1
	fi
	apt-cache showsrc samba >"$dir/sources.idx" 2>/dev/null
	samba_source_files "$ver" "$SERIES_SOURCE" "$base" "$dir/sources.idx" \
		>"$dir/files" || : >"$dir/files"
	while read -r url _; do
		case "$url" in *.dsc) continue ;; esac
		url_exists "$url" || missing="$missing ${url##*/}"
	done <"$dir/files"
	[ -s "$dir/files" ] || missing=" samba_${up}.orig.tar.*"
	[ -n "$missing" ] || return 0
	# a build of the series whose source the mirror does serve
	apt-cache show samba >"$dir/packages.idx" 2>/dev/null
	if samba_pick "$SERIES" "$base" "$(dpkg --print-architecture)" \
		"$dir/sources.idx" "$dir/packages.idx" >/dev/null 2>&1 &&
		[ "$PICK" != "$ver" ]; then
		alt=", or install samba $PICK, whose source it serves"
		if samba_listed "$dir/packages.idx" | grep -qxF "$PICK"; then
			alt="$alt (apt-get install ${SERIES_TARGET:+$SERIES_TARGET }samba=$PICK with the other samba packages at that version)"
		else
			alt="$alt (in no index: a rebuild for it needs PROFILEACL_ALLOW_UNVERIFIED=1)"
		fi
	fi
	series_config "$ver"
	log "MISSING: the source of samba $ver is not on the mirror" \
		"($base:$missing 404): wait until the mirror serves it, or" \
		"point a deb-src entry (or PROFILEACL_MIRROR=URL) at a Debian" \
		"mirror that has it$alt"
	exit 3
}

# fetch_by_pool VERSION TREE: the source from the pool by its file names,
# for a build no Sources index lists (4.24.7 when the index lists
# 4.24.8), for an upstream-only source, or from PROFILEACL_MIRROR. Each
# file is checked against the hash the Sources index gives; one the
# index does not list is checked against nothing but its name, and the
# tree against the version in its VERSION file: refused, unless the admin
# opted in with PROFILEACL_ALLOW_UNVERIFIED=1.
fetch_by_pool() {
	local ver=$1 tree=$2 url hash name orig="" dsc="" unchecked="" args
	unchecked=$(awk '$2 == "-" { sub(/.*\//, "", $1); printf " %s", $1 }' \
		"$dir/files")
	if [ -n "$unchecked" ] && [ "${PROFILEACL_ALLOW_UNVERIFIED:-}" != 1 ]; then
		log "UNVERIFIED: samba $ver is in no signed index, so its" \
			"source ($(mirror_base):$unchecked) could be checked" \
			"against nothing but its name: refused; to build from it" \
			"anyway, trusting the mirror and the network path to it" \
			"with root on this host, run again with" \
			"PROFILEACL_ALLOW_UNVERIFIED=1"
		exit 4
	fi
	unchecked=""
	while read -r url hash; do
		name=${url##*/}
		[ "$hash" = - ] && unchecked="$unchecked $name"
		args=("$url" "$dir/$name")
		[ "$hash" = - ] || args+=("$hash")
		/usr/lib/apt/apt-helper download-file "${args[@]}" \
			>>"$dir/source.log" 2>&1 || {
			case "$name" in *.dsc) continue ;; esac
			log "could not fetch $url"
			return 1
		}
		case "$name" in
		*.orig.tar.*) orig="$dir/$name" ;;
		*.dsc) dsc="$dir/$name" ;;
		esac
	done < <(sed 's/ \([0-9a-f]\{64\}\)$/ SHA256:\1/' "$dir/files")
	[ -z "$unchecked" ] ||
		log "PROFILEACL_ALLOW_UNVERIFIED=1: samba $ver is in no index:" \
			"checked against nothing but its name:$unchecked (and its" \
			"VERSION file below)"
	if [ "$SERIES_SOURCE" = upstream ]; then
		log "samba $ver: only the upstream tarball is on the mirror;" \
			"unpacking it (no Debian patches)"
		[ -f "$orig" ] || { log "no upstream tarball of $ver"; return 1; }
		mkdir -p "$tree"
		tar -C "$tree" --strip-components=1 -xf "$orig"
	elif [ -n "$dsc" ]; then
		dpkg-source --no-check -x "$dsc" "$tree" >>"$dir/source.log" 2>&1
	else
		unpack_without_dsc "$ver" "$tree"
	fi || return 1
	# the tree must be the release its name says
	local v
	v=$(sed -n 's/^SAMBA_VERSION_\(MAJOR\|MINOR\|RELEASE\)=//p' \
		"$tree/VERSION" 2>/dev/null | paste -sd.)
	[ "$v" = "$(cut -d+ -f1 <<<"$up")" ] || {
		log "the tree's VERSION says ${v:-nothing}, not ${up%%+*}"
		return 1
	}
}

ver=$(dpkg-query -W -f='${Version}' samba)
series_config "$ver"
# the upstream part of the version (strip epoch and Debian revision)
up=${ver#*:}
up=${up%-*}
mkdir -p "$dir"
tree="$dir/samba-$up"

if [ ! -f "$tree/.profileacl-version" ] ||
   [ "$(cat "$tree/.profileacl-version")" != "$ver" ]; then
	log "fetching samba source $ver"
	rm -rf "$tree"
	check_source "$ver"
	if [ "$SERIES_SOURCE" = upstream ] || [ -n "${PROFILEACL_MIRROR:-}" ] ||
		! samba_source_listed "$ver"; then
		fetch_by_pool "$ver" "$tree" || exit 1
	elif ! (cd "$dir" && apt-get source -qq "samba=$ver" \
		>"$dir/source.log" 2>&1); then
		log "apt-get source samba=$ver failed:" \
			"$(grep -E '^(E|W):' "$dir/source.log" | tail -2)"
		rm -rf "$tree"
		unpack_without_dsc "$ver" "$tree" || {
			tail -5 "$dir/source.log" >&2
			log "apt-get source samba=$ver failed: is there a deb-src" \
				"entry?"
			exit 1
		}
	fi
	# apt-get source names the folder after the upstream version
	[ -d "$tree" ] || { log "$tree missing after apt-get source"; exit 1; }
	rm -f "$dir"/samba_*.tar.* "$dir"/samba_*.dsc
	echo "$ver" >"$tree/.profileacl-version"
fi

if [ ! -f "$tree/bin/default/include/config.h" ]; then
	log "configuring the samba tree (about 70 s)"
	# shellcheck disable=SC2086
	(cd "$tree" && ./configure $SERIES_CONFIGURE \
		>"$dir/configure.log" 2>&1) || {
		tail -30 "$dir/configure.log" >&2
		log "configure failed: are Samba's build dependencies installed" \
			"(apt-get build-dep samba)?"
		exit 1
	}
fi

if [ "$mode" = --headers-only ]; then
	# the generated headers profileacl.so includes (gcc -M on 4.17,
	# 4.22 and 4.24), each where the tree has it: 4.22 added hresult.h,
	# conditional_ace.h, smb3posix.h
	stamp="$tree/.profileacl-headers-only-3"
	targets="param_local.h,param_global.h,s3_param_proto_h,ntstatus_generated,werror_generated"
	if grep -q "'hresult_generated'" "$tree/libcli/util/wscript_build"; then
		targets="$targets,hresult_generated"
	fi
	for idl in SECURITY MISC AUTH FILE_ID KRB5PAC LSA MESSAGING NETLOGON \
		SAMR SERVER_ID SMB2_LEASE_STRUCT SMB_ACL OPEN_FILES SMBXSRV NBT \
		CONDITIONAL_ACE SMB3POSIX; do
		if [ -n "$(find "$tree/librpc/idl" "$tree/source3/librpc/idl" \
			-maxdepth 1 -iname "$idl.idl" 2>/dev/null)" ]; then
			targets="$targets,PIDL_$idl"
		fi
	done
	what="generating the headers the module includes"
else
	stamp="$tree/.profileacl-headers"
	targets=vfs_fake_perms
	what="generating headers (waf build --targets=vfs_fake_perms, about 4 min)"
fi
if [ ! -f "$stamp" ] && [ ! -f "$tree/.profileacl-headers" ]; then
	log "$what"
	(cd "$tree" && PYTHONHASHSEED=1 ./buildtools/bin/waf build \
		-j"$(nproc)" --targets="$targets" >"$dir/build.log" 2>&1) || {
		tail -30 "$dir/build.log" >&2
		exit 1
	}
	touch "$stamp"
fi

ln -sfn "samba-$up" "$dir/current"
echo "$tree"
