#!/bin/bash
# Regenerate upstream/*.patch from a samba git tree's branch:
#   scripts/upstream-format.sh <samba git tree> <base commit> <branch>
# The series carries the shared core, vfs_profileacl/profileacl_core.[ch],
# byte for byte as source3/modules/profileacl_core.[ch]. If the branch's
# copy differs, the core is copied into the tree (the branch must be
# checked out and clean), committed as a fixup of the commit that adds
# it and squashed in with git rebase --autosquash, as the tree's owner.
# Then the patches are written (with full blob ids) and
# "scripts/upstream-check.sh --core" checks them. The cover letter's
# subject and blurb come from upstream/cover-blurb.txt.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
tree=${1:?usage: upstream-format.sh TREE BASE BRANCH}
base=${2:?usage: upstream-format.sh TREE BASE BRANCH}
tip=${3:?usage: upstream-format.sh TREE BASE BRANCH}
core="profileacl_core.c profileacl_core.h"

# git as the owner of the tree, so that what it writes stays his
uid=$(stat -c %u "$tree")
gid=$(stat -c %g "$tree")
g() {
	setpriv --reuid="$uid" --regid="$gid" --clear-groups \
		env HOME=/tmp git -c safe.directory='*' -C "$tree" "$@"
}

# the series' author writes the fixup and the cover letter
who=$(g log -1 --format='%an%n%ae' "$tip")
export GIT_AUTHOR_NAME=${who%%$'\n'*} GIT_AUTHOR_EMAIL=${who#*$'\n'}
export GIT_COMMITTER_NAME=$GIT_AUTHOR_NAME
export GIT_COMMITTER_EMAIL=$GIT_AUTHOR_EMAIL

stale=
for f in $core; do
	g show "$tip:source3/modules/$f" 2>/dev/null |
		cmp -s - "$top/vfs_profileacl/$f" || stale="$stale $f"
done
if [ -n "$stale" ]; then
	[ "$(g rev-parse --abbrev-ref HEAD)" = "$tip" ] &&
		[ -z "$(g status --porcelain --untracked-files=no)" ] || {
		echo "upstream-format: check out $tip, clean, in $tree" >&2
		exit 1
	}
	adds=$(g log --format=%H --diff-filter=A "$base..$tip" -- \
		source3/modules/profileacl_core.c | tail -1)
	[ -n "$adds" ] || {
		echo "upstream-format: no commit adds the core in $base..$tip" >&2
		exit 1
	}
	for f in $stale; do
		cp "$top/vfs_profileacl/$f" "$tree/source3/modules/$f"
		chown "$uid:$gid" "$tree/source3/modules/$f"
	done
	g commit -q --fixup="$adds" -- $(printf 'source3/modules/%s ' $stale)
	GIT_SEQUENCE_EDITOR=: g rebase -q -i --autosquash "$base"
	echo "upstream-format: copied$stale into $tip:" \
		"$(g log -1 --format=%s "$adds")"
fi

rm -f "$top"/upstream/0*.patch
g format-patch -q --full-index --cover-letter -o /tmp/pacl-format.$$ \
	"$base..$tip"
mv /tmp/pacl-format.$$/*.patch "$top/upstream/"
rmdir /tmp/pacl-format.$$
python3 - "$top/upstream/0000-cover-letter.patch" \
	"$top/upstream/cover-blurb.txt" <<'PY'
import re, sys
cover, blurb = sys.argv[1], open(sys.argv[2]).read()
subject, body = blurb.split("\n", 1)
s = open(cover).read()
s = re.sub(r"Subject: \[PATCH (0+)/(\d+)\] \*\*\* SUBJECT HERE \*\*\*",
           lambda m: re.sub(r"0+/\d+", m.group(1) + "/" + m.group(2),
                            subject), s)
s = s.replace("*** BLURB HERE ***", body.strip())
open(cover, "w").write(s)
PY
ls "$top"/upstream/*.patch
"$top/scripts/upstream-check.sh" --core
