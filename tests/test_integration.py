#!/usr/bin/python3
"""Integration tests of vfs_profileacl against a real smbd.

Every case runs over SMB1 (NT LM 0.12, what Windows 2000 speaks) and
SMB2/3, and, where it makes sense, on the same folder through three
shares: [nomod] (share ACL Change, no module: the KB Q255113 symptom),
[profiles] (Change with the module: the fix) and [full] (share ACL Full,
no module: the control showing what the file ACL alone allows).

Run by tests/run-all.sh inside tests/netns-run.sh, as root.
"""

import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from harness import (Client, Results, Server, FILE_CREATE,
                     FILE_DIRECTORY_FILE, FILE_NON_DIRECTORY_FILE,
                     FILE_OPEN, FILE_OPEN_IF, FILE_READ_DATA,
                     FILE_WRITE_DATA, MAXIMUM_ALLOWED, READ_CONTROL,
                     WRITE_DAC, run)

PROTOS = ('SMB1', 'SMB2')
OK = 'NT_STATUS_OK'
DENIED = 'NT_STATUS_ACCESS_DENIED'
ROOT = os.environ.get('PROFILEACL_TEST_ROOT', '/tmp/profileacl-test')

R = Results()
srv = Server(ROOT)
cli = None
sids = {}


def dacl_sddl(user, sid_user):
    """A distinctive DACL: the user, SYSTEM, and Everyone read (so that
    bob can still reach alice's shared file below her folder)."""
    return ('D:P(A;;0x001f01ff;;;%s)(A;;0x001f01ff;;;SY)'
            '(A;;0x001200a9;;;WD)' % sids[sid_user])


def open_and_set(user, share, proto, path, access, disposition=FILE_OPEN,
                 options=0, sddl=None):
    """Open, set a DACL through the handle, close: (open, set) status."""
    st, fnum = cli.open(user, share, proto, path, access, disposition,
                        options)
    if fnum is None:
        return st, None
    try:
        return st, cli.set_dacl(user, share, proto, fnum,
                                sddl or dacl_sddl(user, user),
                                sids['domain'])
    finally:
        cli.close(user, share, proto, fnum)


def dacl_of(path):
    sd = cli.get_sd('alice', 'full', 'SMB2', path)
    return sd.as_sddl().split('D:', 1)[1]


def setup_objects():
    """alice's and bob's profile folders, made over SMB as their owners."""
    for user in ('alice', 'bob'):
        st, fnum = cli.open(user, 'full', 'SMB2', user,
                            FILE_READ_DATA | READ_CONTROL, FILE_CREATE,
                            FILE_DIRECTORY_FILE)
        assert st == OK, st
        sd = cli.conn(user, 'full', 'SMB2').get_sd(fnum, 1)
        cli.close(user, 'full', 'SMB2', fnum)
        sids[user] = str(sd.owner_sid)
    sids['domain'] = sids['alice'].rsplit('-', 1)[0]

    c = cli.conn('alice', 'full', 'SMB2')
    c.savefile('alice/NTUSER.DAT', b'regf' + b'\0' * 4092)
    # alice's file that bob may change fully by its file ACL
    c.savefile('alice/shared.txt', b'shared\n')
    every = 'D:(A;;0x001f01ff;;;WD)'
    for path in ('alice/shared.txt',):
        st, s = open_and_set('alice', 'full', 'SMB2', path,
                             WRITE_DAC, sddl=every)
        assert (st, s) == (OK, OK), (st, s)
    c = cli.conn('bob', 'full', 'SMB2')
    c.savefile('bob/bobshared.txt', b'bob\n')
    st, s = open_and_set('bob', 'full', 'SMB2', 'bob/bobshared.txt',
                         WRITE_DAC, sddl=every)
    assert (st, s) == (OK, OK), (st, s)
    # bob's folder must let alice reach bobshared.txt
    st, s = open_and_set('bob', 'full', 'SMB2', 'bob', WRITE_DAC,
                         sddl='D:(A;OICI;0x001f01ff;;;WD)')
    assert (st, s) == (OK, OK), (st, s)

    # Links are made on the server, as an admin or a user's shell would.
    prof = os.path.join(ROOT, 'profiles')
    os.symlink('../bob/bobshared.txt', os.path.join(prof, 'alice/tobob'))
    os.lchown(os.path.join(prof, 'alice/tobob'), uid('alice'), -1)
    os.link(os.path.join(prof, 'bob/bobshared.txt'),
            os.path.join(prof, 'alice/hardbob'))
    os.symlink('../alice/shared.txt', os.path.join(prof, 'bob/toalice'))
    os.lchown(os.path.join(prof, 'bob/toalice'), uid('bob'), -1)


def uid(user):
    import pwd
    return pwd.getpwnam(user).pw_uid


def test_kb_symptom_and_fix():
    """The owner sets the DACL of her folder and of NTUSER.DAT."""
    for proto in PROTOS:
        for path in ('alice', 'alice/NTUSER.DAT'):
            name = '%s %s' % (proto, path)
            R.equal('symptom: no module, Change: owner WRITE_DAC open '
                    'refused [%s]' % name,
                    cli.open('alice', 'nomod', proto, path, WRITE_DAC)[0],
                    DENIED)
            R.equal('control: Full share: owner sets DACL [%s]' % name,
                    open_and_set('alice', 'full', proto, path,
                                 WRITE_DAC | READ_CONTROL), (OK, OK))
            R.equal('fix: module, Change: owner sets DACL [%s]' % name,
                    open_and_set('alice', 'profiles', proto, path,
                                 WRITE_DAC | READ_CONTROL), (OK, OK))
            R.equal('fix: DACL read back is the one written [%s]' % name,
                    dacl_of(path), dacl_sddl('alice', 'alice')[2:])


def test_create_asking_write_dac():
    for proto in PROTOS:
        for kind, opts in (('file', FILE_NON_DIRECTORY_FILE),
                           ('folder', FILE_DIRECTORY_FILE)):
            for share, expect in (('nomod', (DENIED, None)),
                                  ('profiles', (OK, OK))):
                path = 'alice/new-%s-%s-%s' % (kind, share, proto)
                got = open_and_set('alice', share, proto, path,
                                   WRITE_DAC | FILE_READ_DATA,
                                   FILE_CREATE, opts)
                R.equal('%s: owner creates a %s asking WRITE_DAC and '
                        'sets its DACL [%s]' % (share, kind, proto),
                        got, expect)
                if share == 'profiles':
                    R.equal('DACL of the new %s read back [%s]' %
                            (kind, proto), dacl_of(path),
                            dacl_sddl('alice', 'alice')[2:])


def test_maximum_allowed():
    for proto in PROTOS:
        path = 'alice/NTUSER.DAT'
        R.equal('symptom: no module: MAXIMUM_ALLOWED open has no '
                'WRITE_DAC [%s]' % proto,
                open_and_set('alice', 'nomod', proto, path,
                             MAXIMUM_ALLOWED), (OK, DENIED))
        R.equal('fix: MAXIMUM_ALLOWED open includes WRITE_DAC, DACL set '
                '[%s]' % proto,
                open_and_set('alice', 'profiles', proto, path,
                             MAXIMUM_ALLOWED), (OK, OK))


def test_other_user_gains_nothing():
    """bob, on alice's objects whose file ACL gives Everyone full control.

    On [full] the file ACL alone lets bob set the DACL (the control); on
    [profiles] the module must not give bob what Change withholds."""
    every = 'D:(A;;0x001f01ff;;;WD)'
    for proto in PROTOS:
        for path in ('alice/shared.txt', 'bob/toalice'):
            R.equal('control: Full share: bob sets DACL of %s [%s]' %
                    (path, proto),
                    open_and_set('bob', 'full', proto, path, WRITE_DAC,
                                 sddl=every), (OK, OK))
            R.equal('module: bob WRITE_DAC on %s refused [%s]' %
                    (path, proto),
                    cli.open('bob', 'profiles', proto, path,
                             WRITE_DAC)[0], DENIED)
            R.equal('module: bob MAXIMUM_ALLOWED on %s gets no '
                    'WRITE_DAC [%s]' % (path, proto),
                    open_and_set('bob', 'profiles', proto, path,
                                 MAXIMUM_ALLOWED, sddl=every),
                    (OK, DENIED))
        # alice through links and ".." to bob's object
        for path in ('alice/tobob', 'alice/hardbob',
                     'alice/../bob/bobshared.txt'):
            if path.startswith('alice/..') and proto == 'SMB2':
                continue  # SMB2 refuses ".." itself (INVALID_PARAMETER)
            R.equal('control: Full share: alice sets DACL via %s [%s]' %
                    (path, proto),
                    open_and_set('alice', 'full', proto, path, WRITE_DAC,
                                 sddl=every), (OK, OK))
            R.equal('module: alice WRITE_DAC via %s refused [%s]' %
                    (path, proto),
                    cli.open('alice', 'profiles', proto, path,
                             WRITE_DAC)[0], DENIED)
            R.equal('module: alice MAXIMUM_ALLOWED via %s gets no '
                    'WRITE_DAC [%s]' % (path, proto),
                    open_and_set('alice', 'profiles', proto, path,
                                 MAXIMUM_ALLOWED, sddl=every),
                    (OK, DENIED))


def test_share_restrictions():
    for proto in PROTOS:
        R.equal('module, share ACL Read: owner WRITE_DAC refused [%s]' %
                proto,
                cli.open('alice', 'readacl', proto, 'alice/NTUSER.DAT',
                         WRITE_DAC)[0], DENIED)
        R.equal('module, share ACL Read: MAXIMUM_ALLOWED gets no '
                'WRITE_DAC [%s]' % proto,
                open_and_set('alice', 'readacl', proto, 'alice',
                             MAXIMUM_ALLOWED), (OK, DENIED))
        R.equal('module, read only share: owner WRITE_DAC refused [%s]' %
                proto,
                cli.open('alice', 'readonly', proto, 'alice/NTUSER.DAT',
                         WRITE_DAC)[0], DENIED)
        R.equal('module, read only share: MAXIMUM_ALLOWED gets no '
                'WRITE_DAC [%s]' % proto,
                open_and_set('alice', 'readonly', proto, 'alice',
                             MAXIMUM_ALLOWED), (OK, DENIED))


def test_posix_acls():
    """Without acl_xattr: the DACL becomes a POSIX ACL."""
    for proto in PROTOS:
        path = 'alice-%s.txt' % proto
        cli.conn('alice', 'posixnomod', proto).savefile(path, b'x')
        R.equal('symptom: posix, no module: WRITE_DAC refused [%s]' %
                proto,
                cli.open('alice', 'posixnomod', proto, path,
                         WRITE_DAC)[0], DENIED)
        sddl = ('D:P(A;;0x001f01ff;;;%s)(A;;0x001200a9;;;%s)' %
                (sids['alice'], sids['bob']))
        R.equal('fix: posix, module: owner sets DACL [%s]' % proto,
                open_and_set('alice', 'posix', proto, path, WRITE_DAC,
                             sddl=sddl), (OK, OK))
        acl = run('getfacl', '-cp', os.path.join(ROOT, 'posix', path))
        R.check('fix: posix ACL gives bob read [%s]' % proto,
                'user:bob:r-x' in acl, acl)


def test_smbcacls():
    """The real admin tool, as the user, WRITE_DAC only (--set-security-
    info=4): refused without the module, works with it."""
    conf = srv.conf
    for proto, opts in (('SMB1', ['-m', 'NT1', '--option',
                                  'client min protocol=NT1']),
                        ('SMB2', ['-m', 'SMB3'])):
        for share, expect in (('nomod', False), ('profiles', True)):
            acl = 'ACL:%s:ALLOWED/0/READ' % 'bob'
            r = run_rc(['smbcacls', '-s', conf, '//127.0.0.1/' + share,
                        'alice/NTUSER.DAT', '-U', 'alice%Alice-pw-1',
                        '--set-security-info=4', '--add', acl] + opts)
            R.equal('smbcacls --add as the owner on %s [%s]' %
                    (share, proto), r[0] == 0, expect)
            if share == 'nomod':
                R.check('smbcacls on nomod says ACCESS_DENIED [%s]' %
                        proto, 'ACCESS_DENIED' in r[1], r[1])


def run_rc(argv):
    import subprocess
    p = subprocess.run(argv, stdout=subprocess.PIPE,
                       stderr=subprocess.STDOUT)
    return p.returncode, p.stdout.decode(errors='replace')


def test_log_and_health():
    log = srv.log_text()
    R.check('smbd logged no panic', 'PANIC' not in log and
            'smb_panic' not in log)
    R.check('grants logged at NOTICE with user, share, path, bits',
            'user [alice] share [profiles] path [alice/NTUSER.DAT]: '
            'granted WRITE_DAC' in log)
    R.check('no grant logged for bob',
            'user [bob] share [profiles]' not in log)
    fresh = Client(srv)
    st, fnum = fresh.open('alice', 'profiles', 'SMB2', 'alice/NTUSER.DAT',
                          FILE_READ_DATA)
    R.equal('smbd keeps serving', st, OK)
    if fnum is not None:
        fresh.close('alice', 'profiles', 'SMB2', fnum)


def main():
    global cli
    srv.prepare(share_acls={'profiles': 'CHANGE', 'nomod': 'CHANGE',
                            'full': 'FULL', 'readacl': 'READ',
                            'readonly': 'CHANGE', 'posix': 'CHANGE',
                            'posixnomod': 'CHANGE'})
    srv.start()
    try:
        cli = Client(srv)
        setup_objects()
        for t in (test_kb_symptom_and_fix, test_create_asking_write_dac,
                  test_maximum_allowed, test_other_user_gains_nothing,
                  test_share_restrictions, test_posix_acls,
                  test_smbcacls, test_log_and_health):
            print('# %s' % t.__name__)
            try:
                t()
            except Exception as e:  # a crash is a failure, not a stop
                R.check('%s raised no exception' % t.__name__, False,
                        repr(e))
    finally:
        cli = None
        srv.stop()
    return R.summary()


if __name__ == '__main__':
    sys.exit(main())
