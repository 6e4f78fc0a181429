#!/usr/bin/python3
"""The main job: a demo roaming-profile server on loopback.

One smbd serves the same profile folder twice with share ACL Change:
[nomod] without the module and [profiles] with it. A scripted Windows
2000-style logoff runs against each over SMB1 (NT LM 0.12) with Samba's
own clients, as the user alice:

  1. upload NTUSER.DAT into her profile folder (smbclient put)
  2. set the DACL of NTUSER.DAT (smbcacls, WRITE_DAC only)
  3. set the DACL of the profile folder (smbcacls, WRITE_DAC only)

and the results are printed side by side. Exit status 0 when the logoff
fails without the module (KB Q255113) and succeeds with it.
"""

import os
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from harness import (Client, Server, FILE_CREATE, FILE_DIRECTORY_FILE,
                     FILE_READ_DATA, PASSWORDS)

ROOT = os.environ.get('PROFILEACL_DEMO_ROOT', '/tmp/profileacl-demo')
SMB1 = ['-m', 'NT1', '--option=client min protocol=NT1']
# the DACL Windows 2000 writes: the user and SYSTEM, full control
ACL = 'ACL:alice:ALLOWED/0/FULL,ACL:S-1-5-18:ALLOWED/0/FULL'


def step(argv):
    """OK, the first NT status the client printed, or its exit status"""
    p = subprocess.run(argv + SMB1, stdout=subprocess.PIPE,
                       stderr=subprocess.STDOUT)
    out = p.stdout.decode(errors='replace')
    if p.returncode == 0 and 'NT_STATUS_' not in out:
        return 'OK'
    return next((w.rstrip('.,:') for w in out.split()
                 if w.startswith('NT_STATUS_')),
                'failed (exit %d)' % p.returncode)


def logoff(srv, share):
    unc, user = '//127.0.0.1/' + share, 'alice%' + PASSWORDS['alice']
    put = 'cd alice; put %s NTUSER.DAT' % os.path.join(ROOT, 'NTUSER.DAT')
    cacls = ['smbcacls', '-s', srv.conf, unc, '-U', user,
             '--set-security-info=4', '--set', ACL]
    return [(name, step(argv)) for name, argv in (
        ('upload NTUSER.DAT',
         ['smbclient', '-s', srv.conf, unc, '-U', user, '-c', put]),
        ('set DACL of alice\\NTUSER.DAT', cacls + ['alice/NTUSER.DAT']),
        ('set DACL of alice\\ (folder)', cacls + ['alice']))]


def main():
    srv = Server(ROOT)
    srv.prepare(users=('alice', 'bob'),
                share_acls={'profiles': 'CHANGE', 'nomod': 'CHANGE',
                            'full': 'FULL'})
    with open(os.path.join(ROOT, 'NTUSER.DAT'), 'wb') as f:
        f.write(b'regf' + bytes(262140))
    srv.start()
    try:
        # alice's profile folder, as created at her first logon
        cli = Client(srv)
        st, fnum = cli.open('alice', 'profiles', 'SMB1', 'alice',
                            FILE_READ_DATA, FILE_CREATE,
                            FILE_DIRECTORY_FILE)
        assert st == 'NT_STATUS_OK', st
        cli.close('alice', 'profiles', 'SMB1', fnum)
        without = logoff(srv, 'nomod')
        with_mod = logoff(srv, 'profiles')
    finally:
        srv.stop()

    fmt = '%-32s %-26s %s'
    print('\nWindows 2000-style logoff of alice over SMB1, share ACL Change\n')
    print(fmt % ('step', 'without profileacl', 'with profileacl'))
    print(fmt % ('-' * 32, '-' * 26, '-' * 26))
    for (name, a), (_, b) in zip(without, with_mod):
        print(fmt % (name, a, b))
    print('\nsmbd log (%s):' % srv.log)
    for line in srv.log_text().splitlines():
        if 'granted' in line and 'profileacl' in line:
            print('  ' + line.strip())
    symptom = (without[0][1] == 'OK' and
               all(r == 'NT_STATUS_ACCESS_DENIED' for _, r in without[1:]))
    fixed = all(r == 'OK' for _, r in with_mod)
    print('\nKB Q255113 symptom without the module: %s' %
          ('reproduced' if symptom else 'NOT reproduced'))
    print('profile sync with the module: %s' %
          ('works' if fixed else 'FAILS'))
    return 0 if symptom and fixed else 1


if __name__ == '__main__':
    sys.exit(main())
