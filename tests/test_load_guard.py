#!/usr/bin/python3
"""The load guard: a module built for another samba build (another
libsmbd-base build ID) refuses to load into this smbd. The share with
"vfs objects = profileacl" then refuses connections (fail closed), other
shares keep working, and smbd's log names both builds and the command
that rebuilds the module.

Run by tests/test_load_guard.sh inside tests/netns-run.sh with such a
module; PROFILEACL_GUARD_BUILT_FOR is the build ID it was built for.
"""

import glob
import os
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from harness import (Client, Results, Server, FILE_OPEN, SAMBA_ROOT,
                     server_cmd, status_name)
from samba import NTSTATUSError

ROOT = os.environ.get('PROFILEACL_GUARD_ROOT', '/tmp/profileacl-guard')
BUILT_FOR = os.environ['PROFILEACL_GUARD_BUILT_FOR']


def running_build_id():
    """of the smbd the test runs (in SAMBA_ROOT, if there is one)"""
    lib = subprocess.run(server_cmd(['smbd', '-b']), stdout=subprocess.PIPE
                         ).stdout.decode()
    modulesdir = [l.split(':', 1)[1].strip() for l in lib.splitlines()
                  if l.strip().startswith('MODULESDIR:')][0]
    lib = glob.glob((SAMBA_ROOT or '') +
                    os.path.join(modulesdir, 'libsmbd-base-*.so.0'))[0]
    out = subprocess.run(['readelf', '-n', lib],
                         stdout=subprocess.PIPE).stdout.decode()
    return out.split('Build ID: ', 1)[1].split()[0]


def main():
    R = Results()
    srv = Server(ROOT)
    srv.prepare(share_acls={'profiles': 'CHANGE', 'nomod': 'CHANGE'})
    srv.start()
    try:
        cli = Client(srv)
        for proto in ('SMB1', 'SMB2'):
            # first the share without the module: the session set-up
            # works, so only the tree connect can refuse the other share
            R.equal('a share without the module still serves [%s]' % proto,
                    cli.status('alice', 'nomod', proto, '', FILE_OPEN),
                    'NT_STATUS_OK')
            try:
                cli.conn('alice', 'profiles', proto)
                st = 'NT_STATUS_OK'
            except NTSTATUSError as e:
                st = status_name(e.args[0])
            # a module that does not load fails smbd's vfs_init, which
            # smbd answers with NT_STATUS_BAD_NETWORK_NAME
            # (source3/smbd/smb2_service.c); with no tree there is no
            # open, so this is what shows the stale module grants nothing
            R.equal('the share with the stale module refuses the tree '
                    'connect [%s]' % proto, st, 'NT_STATUS_BAD_NETWORK_NAME')
        log = srv.log_text()
        running = running_build_id()
        R.check('the log says the module refused to load',
                'vfs_profileacl: refusing to load' in log)
        R.check('the log names the build it was made for (%s)' % BUILT_FOR,
                'libsmbd-base build id %s' % BUILT_FOR in log)
        R.check('the log names the running build (%s)' % running,
                'runs libsmbd-base build id %s' % running in log)
        R.check('the log gives the command that rebuilds it',
                'rebuilt for the running samba: ' in log)
        R.check('smbd logged no panic', 'PANIC' not in log)
    finally:
        srv.stop()
    return R.summary('load-guard')


if __name__ == '__main__':
    sys.exit(main())
