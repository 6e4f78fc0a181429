#!/bin/bash
# The main job, from a fresh Debian 12 machine, as root: set up, build the
# module, serve a demo profile share on loopback (private namespace) and
# run a Windows 2000-style logoff without and with the module.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
scripts/setup-debian.sh
make
exec tests/netns-run.sh build/profileacl.so /usr/bin/python3 tests/demo.py
