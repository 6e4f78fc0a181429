#!/bin/bash
# Regenerate upstream/*.patch from a samba git tree's branch:
#   scripts/upstream-format.sh <samba git tree> <base commit> <tip>
# The cover letter's subject and blurb come from upstream/cover-blurb.txt.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
tree=${1:?usage: upstream-format.sh TREE BASE TIP}
base=${2:?usage: upstream-format.sh TREE BASE TIP}
tip=${3:?usage: upstream-format.sh TREE BASE TIP}
rm -f "$top"/upstream/0*.patch
git -c safe.directory='*' -C "$tree" format-patch -q --cover-letter \
	-o "$top/upstream" "$base..$tip"
python3 - "$top/upstream/0000-cover-letter.patch" \
	"$top/upstream/cover-blurb.txt" <<'PY'
import re, sys
cover, blurb = sys.argv[1], open(sys.argv[2]).read()
subject, body = blurb.split("\n", 1)
s = open(cover).read()
s = re.sub(r"Subject: \[PATCH 0/(\d+)\] \*\*\* SUBJECT HERE \*\*\*",
           lambda m: subject.replace("0/8", "0/" + m.group(1)), s)
s = s.replace("*** BLURB HERE ***", body.strip())
open(cover, "w").write(s)
PY
ls "$top"/upstream/*.patch
