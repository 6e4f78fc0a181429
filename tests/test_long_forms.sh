#!/bin/bash
# The long forms README.md names (the block under "Long forms, not part of
# `make check`") must run: each script is there, executable and parses,
# and takes the arguments and variables the README gives it; a memcheck
# form has valgrind where its smbd runs, and memcheck runs that smbd (a
# real run of seconds, `smbd -b`, on this host and in each release root
# that is there: make check makes the 4.24 root). A release root that is
# not there must have valgrind in its set-up's package list. Any long form
# the README's prose names must be in the block. Run by tests/run-all.sh;
# ends "long-forms: N passed, N failed".
set -uo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
# shellcheck source=tests/lib-check.sh
. tests/lib-check.sh
# shellcheck source=scripts/lib-root.sh
. scripts/lib-root.sh

readme=${PROFILEACL_README:-README.md}
# the block: the indented lines after "Long forms, not part of", up to the
# next paragraph
mapfile -t forms < <(awk '
	/^Long forms, not part of/ { on = 1; next }
	on && /^    [^ ]/ { sub(/^    /, ""); print; seen = 1; next }
	on && seen && /^[^ ]/ { exit }' "$readme")
check "$readme lists its long forms (${#forms[@]})" "[ ${#forms[@]} -ge 1 ]"

tmp=$(mktemp -d /tmp/profileacl-longforms.XXXXXX)
cleanup() { rm -rf "$tmp" "${rootdirs[@]}"; }
rootdirs=()
trap cleanup EXIT

# takes SCRIPT ARG: SCRIPT, or a script of this tree it runs, has ARG as a
# case pattern or compares an argument with it
takes() {
	local script=$1 q f
	q=$(sed 's/[].[*^$\\+?(){}|]/\\&/g' <<<"$2")
	for f in "$script" $(grep -oE '(scripts|tests)/[A-Za-z0-9_/-]+\.sh' \
		"$script" | sort -u); do
		[ -f "$f" ] || continue
		grep -Eq -- "^[[:space:]]*([^)]*\|)?$q(\|[^)]*)?\)|= \"?$q\"? \]" \
			"$f" && return 0
	done
	return 1
}

# memcheck_runs WHAT ROOT: memcheck runs ROOT's smbd (ROOT empty: this
# host's) and tests/valgrind_check.py reads its log
memcheck_runs() {
	local what=$1 root=$2 vdir
	if [ -z "$root" ]; then
		vdir=$tmp/host
		mkdir -p "$vdir"
		valgrind --tool=memcheck --log-file="$vdir/vg.%p.log" \
			smbd -b >/dev/null 2>&1
	else
		vdir=$(mktemp -d "$root/tmp/profileacl-longforms.XXXXXX")
		rootdirs+=("$vdir")
		in_root "$root" valgrind --tool=memcheck \
			--log-file="${vdir#"$root"}/vg.%p.log" \
			/usr/sbin/smbd -b >/dev/null 2>&1
	fi
	check "$what: memcheck runs its smbd ($(/usr/bin/python3 \
tests/valgrind_check.py "$vdir" 2>&1 | head -1))" \
		"/usr/bin/python3 tests/valgrind_check.py '$vdir' >/dev/null"
}

for form in "${forms[@]}"; do
	read -r -a words <<<"$form"
	vars=()
	while [[ ${words[0]:-} =~ ^([A-Z_][A-Z0-9_]*)= ]]; do
		vars+=("${BASH_REMATCH[1]}")
		words=("${words[@]:1}")
	done
	script=${words[0]:-}
	args=("${words[@]:1}")
	check "'$form': $script is there and executable" "[ -x '$script' ]" ||
		continue
	check "'$form': $script parses" "bash -n '$script'"
	for v in "${vars[@]}"; do
		check "'$form': $script reads \$$v" \
			"grep -Eq '\\\$\\{?$v\\b' '$script'"
	done
	for a in "${args[@]}"; do
		check "'$form': $script takes '$a'" "takes '$script' '$a'"
	done
	case "$script" in
	tests/run-valgrind.sh)
		memcheck_runs "'$form': this host" ""
		;;
	tests/run-samba-root.sh)
		[ "${args[1]:-}" = valgrind ] || continue
		rel=${args[0]}
		# the root of that release, as its set-up names it
		dir=$(sed -nE "/^$rel\)/,/;;/s|.*R=\"\\\$top/(.*)\"|\\1|p" \
			scripts/setup-samba-root.sh)
		check "'$form': the $rel root's set-up installs valgrind" \
			"[ -n '$dir' ] && sed -n '/^pkgs=\"/,/\"\$/p' \
scripts/setup-samba-root.sh | grep -qw valgrind"
		if [ -n "$dir" ] && [ -x "$dir/usr/sbin/smbd" ]; then
			memcheck_runs "'$form': the $rel root" "$top/$dir"
		else
			echo "     (no $rel root here: the set-up's package list is what is checked)"
		fi
		;;
	esac
done

# each long form the prose names ("the long form `CMD`", "Long forms:
# `CMD`"; RELEASE: 4.22 and 4.24) is in the block
while read -r named; do
	for rel in 4.22 4.24; do
		want=${named//RELEASE/$rel}
		check "the long form \`$want\` the README names is in the block" \
			"printf '%s\n' \"\${forms[@]}\" | grep -qxF -- '$want'"
		[ "$want" = "$named" ] && break
	done
done < <(grep -oiE 'long forms?:? `[^`]*`' "$readme" |
	sed -E 's/^[^`]*`(.*)`$/\1/' | sort -u)

summary long-forms
