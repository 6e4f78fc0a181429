#!/usr/bin/python3
"""Integration tests of vfs_profileacl against a real smbd.

Every case runs over SMB1 (NT LM 0.12, what Windows 2000 speaks) and
SMB2/3, and, where it makes sense, on the same folder through three
shares: [nomod] (share ACL Change, no module: the KB Q255113 symptom),
[profiles] (Change with the module: the fix) and [full] (share ACL Full,
no module: the control showing what the file ACL alone allows).

Run by tests/run (tests/suites) inside tests/netns-run.sh, as root.
"""

import os
import pwd
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from harness import (Client, Results, Server, SyslogSink, FILE_CREATE,
                     FILE_DIRECTORY_FILE, FILE_NON_DIRECTORY_FILE,
                     FILE_OPEN, FILE_READ_DATA,
                     MAXIMUM_ALLOWED, READ_CONTROL,
                     WRITE_DAC, WRITE_OWNER, PASSWORDS as PW, run,
                     server_cmd, status_name)
from samba import NTSTATUSError
from samba.dcerpc import security
from smb2raw import Smb1Unix, smb1_posix_setacl

PROTOS = ('SMB1', 'SMB2')
OK = 'NT_STATUS_OK'
DENIED = 'NT_STATUS_ACCESS_DENIED'
# what smbd answers a tree connect whose VFS connect failed
TREE_CONNECT_REFUSED = 'NT_STATUS_UNSUCCESSFUL'
ROOT = os.environ.get('PROFILEACL_TEST_ROOT', '/tmp/profileacl-test')

R = Results()
cli = None
sids = {}
syslog = None


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


def sddl_norm(dacl):
    """A DACL in SDDL as this client's Samba renders it: 4.17 writes
    0x001f01ff where 4.22 writes FA, so an expected DACL is compared in
    the rendering of the DACL read back"""
    from samba.dcerpc import security
    sd = security.descriptor.from_sddl(
        'D:' + dacl, security.dom_sid(sids['domain']))
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

    # alice's other folders: profile dirs suffixes and a look-alike
    for folder in ('alice.V2', 'alice.V5', 'alice.V6', 'alice2'):
        st, fnum = cli.open('alice', 'full', 'SMB2', folder,
                            FILE_READ_DATA, FILE_CREATE,
                            FILE_DIRECTORY_FILE)
        assert st == OK, (folder, st)
        cli.close('alice', 'full', 'SMB2', fnum)
    c = cli.conn('alice', 'full', 'SMB2')
    c.savefile('alice.V6/NTUSER.DAT', b'regf')
    c.savefile('alice2/x.txt', b'x')
    c.savefile('alicefile.txt', b'x')

    # Links are made on the server, as an admin or a user's shell would.
    prof = os.path.join(ROOT, 'profiles')
    os.symlink('../bob/bobshared.txt', os.path.join(prof, 'alice/tobob'))
    os.lchown(os.path.join(prof, 'alice/tobob'), uid('alice'), -1)
    os.link(os.path.join(prof, 'bob/bobshared.txt'),
            os.path.join(prof, 'alice/hardbob'))
    os.symlink('../alice/shared.txt', os.path.join(prof, 'bob/toalice'))
    os.lchown(os.path.join(prof, 'bob/toalice'), uid('bob'), -1)


def uid(user):
    return pwd.getpwnam(user).pw_uid


def control_sddl(user):
    """Another DACL than dacl_sddl's (SYSTEM may only read): what the
    control writes, so that the module's write is told from it"""
    return ('D:P(A;;0x001f01ff;;;%s)(A;;0x001200a9;;;SY)'
            '(A;;0x001200a9;;;WD)' % sids[user])


def test_kb_symptom_and_fix():
    """The owner sets the DACL of her folder and of NTUSER.DAT."""
    for proto in PROTOS:
        for path in ('alice', 'alice/NTUSER.DAT'):
            name = '%s %s' % (proto, path)
            R.equal('symptom: no module, Change: owner WRITE_DAC open '
                    'refused [%s]' % name,
                    cli.status('alice', 'nomod', proto, path, WRITE_DAC),
                    DENIED)
            R.equal('control: Full share: owner sets DACL [%s]' % name,
                    open_and_set('alice', 'full', proto, path,
                                 WRITE_DAC | READ_CONTROL,
                                 sddl=control_sddl('alice')), (OK, OK))
            R.equal('control: DACL read back is the control\'s [%s]' % name,
                    dacl_of(path), sddl_norm(control_sddl('alice')[2:]))
            R.equal('fix: module, Change: owner sets DACL [%s]' % name,
                    open_and_set('alice', 'profiles', proto, path,
                                 WRITE_DAC | READ_CONTROL), (OK, OK))
            R.equal('fix: DACL read back is the one written [%s]' % name,
                    dacl_of(path), sddl_norm(dacl_sddl('alice', 'alice')[2:]))


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
                            sddl_norm(dacl_sddl('alice', 'alice')[2:]))


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


def gains_nothing(user, path, proto, how):
    """USER, on another user's object whose file ACL gives Everyone full
    control: [full] lets the file ACL alone decide (the control), on
    [profiles] the module must not give what Change withholds."""
    every = 'D:(A;;0x001f01ff;;;WD)'
    R.equal('control: Full share: %s sets DACL %s %s [%s]' %
            (user, how, path, proto),
            open_and_set(user, 'full', proto, path, WRITE_DAC,
                         sddl=every), (OK, OK))
    R.equal('module: %s WRITE_DAC %s %s refused [%s]' %
            (user, how, path, proto),
            cli.status(user, 'profiles', proto, path, WRITE_DAC), DENIED)
    R.equal('module: %s MAXIMUM_ALLOWED %s %s gets no WRITE_DAC [%s]' %
            (user, how, path, proto),
            open_and_set(user, 'profiles', proto, path, MAXIMUM_ALLOWED,
                         sddl=every), (OK, DENIED))


def test_other_user_gains_nothing():
    for proto in PROTOS:
        gains_nothing('bob', 'alice/shared.txt', proto, 'on')
        gains_nothing('bob', 'bob/toalice', proto, 'via symlink')
        gains_nothing('alice', 'alice/tobob', proto, 'via symlink')
        gains_nothing('alice', 'alice/hardbob', proto, 'via hardlink')
        gains_nothing('alice', 'alice/../bob/bobshared.txt', proto, 'via')


def test_share_restrictions():
    for proto in PROTOS:
        for share, what in (('readacl', 'share ACL Read'),
                            ('readonly', 'read only share')):
            R.equal('module, %s: owner WRITE_DAC refused [%s]' %
                    (what, proto),
                    cli.status('alice', share, proto, 'alice/NTUSER.DAT',
                               WRITE_DAC), DENIED)
            R.equal('module, %s: MAXIMUM_ALLOWED gets no WRITE_DAC [%s]' %
                    (what, proto),
                    open_and_set('alice', share, proto, 'alice',
                                 MAXIMUM_ALLOWED), (OK, DENIED))


def test_posix_acls():
    """Without acl_xattr: the DACL becomes a POSIX ACL."""
    for proto in PROTOS:
        path = 'alice-%s.txt' % proto
        cli.conn('alice', 'posixnomod', proto).savefile(path, b'x')
        R.equal('symptom: posix, no module: WRITE_DAC refused [%s]' %
                proto,
                cli.status('alice', 'posixnomod', proto, path,
                         WRITE_DAC), DENIED)
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
            # a SID, not a name: smbcacls would look the name up over
            # LSA first, which has nothing to do with the module and,
            # under valgrind, can time out
            acl = 'ACL:%s:ALLOWED/0/READ' % sids['bob']
            r = run_rc(['smbcacls', '-s', conf, '//127.0.0.1/' + share,
                        'alice/NTUSER.DAT', '-U', 'alice%Alice-pw-1',
                        '--set-security-info=4', '--add', acl] + opts)
            R.equal('smbcacls --add as the owner on %s [%s]' %
                    (share, proto), r[0] == 0, expect)
            if share == 'nomod':
                R.check('smbcacls on nomod says ACCESS_DENIED [%s]' %
                        proto, 'ACCESS_DENIED' in r[1], r[1])


def test_option_defaults():
    """Defaults: grant write_dac only; no profile dirs; no audit."""
    for proto in PROTOS:
        R.equal('default grant: WRITE_DAC|WRITE_OWNER refused [%s]' %
                proto,
                cli.status('alice', 'profiles', proto, 'alice/NTUSER.DAT',
                         WRITE_DAC | WRITE_OWNER), DENIED)
        R.equal('default profile dirs: owner object outside her folder '
                'granted [%s]' % proto,
                open_and_set('alice', 'profiles', proto, 'alice2',
                             WRITE_DAC), (OK, OK))
    log = srv.log_text()
    R.check('default audit: [profiles] granted (audit off there)',
            'share [profiles] path [alice/NTUSER.DAT]: granted' in log)
    R.equal('default audit: no audit line but from the shares with '
            'profileacl:audit', audit_foreign(log), [])


def test_profile_dirs():
    """profileacl:profile dirs = %U %U.V2 %U.V6"""
    for proto in PROTOS:
        for path in ('alice', 'alice/NTUSER.DAT', 'alice.V2',
                     'ALICE.v2', 'alice.V6/NTUSER.DAT'):
            R.equal('profile dirs: owner granted on %s [%s]' %
                    (path, proto),
                    open_and_set('alice', 'pdirs', proto, path,
                                 WRITE_DAC), (OK, OK))
        for path in ('alice2', 'alice2/x.txt', 'alicefile.txt',
                     'alice.V5'):
            R.equal('profile dirs: owner refused outside her folders '
                    'on %s [%s]' % (path, proto),
                    cli.status('alice', 'pdirs', proto, path,
                             WRITE_DAC), DENIED)
        R.equal('profile dirs: bob refused inside alice\'s folder '
                '[%s]' % proto,
                cli.status('bob', 'pdirs', proto, 'alice/shared.txt',
                         WRITE_DAC), DENIED)
        R.equal('profile dirs: bob granted in his own folder [%s]' %
                proto,
                open_and_set('bob', 'pdirs', proto, 'bob', WRITE_DAC,
                             sddl='D:(A;OICI;0x001f01ff;;;WD)'), (OK, OK))


def test_profile_dirs_share_root():
    """A "*" or "?" pattern names top-level folders: never the share
    root, even where the requester owns it."""
    for proto in PROTOS:
        R.equal('profile dirs "* ?": owner refused on the share root '
                '[%s]' % proto,
                cli.status('alice', 'pstar', proto, '', WRITE_DAC), DENIED)
        R.equal('profile dirs "* ?": owner granted on a top-level object '
                '[%s]' % proto,
                open_and_set('alice', 'pstar', proto, 'NTUSER.DAT',
                             WRITE_DAC), (OK, OK))


def test_write_owner():
    """profileacl:grant = write_dac write_owner"""
    conf = srv.conf
    for proto, opts in (('SMB1', ['-m', 'NT1', '--option',
                                  'client min protocol=NT1']),
                        ('SMB2', ['-m', 'SMB3'])):
        R.equal('write_owner: WRITE_OWNER open by the owner [%s]' % proto,
                cli.status('alice', 'wowner', proto, 'alice/NTUSER.DAT',
                         WRITE_OWNER), OK)
        for share, user, path, expect in (
                ('wowner', 'alice', 'alice/NTUSER.DAT', True),
                ('profiles', 'alice', 'alice/NTUSER.DAT', False),
                ('wowner', 'alice', 'alice', True)):
            r = run_rc(['smbcacls', '-s', conf, '//127.0.0.1/' + share,
                        path, '-U', '%s%%%s' % (user, PW[user]),
                        '--add', 'ACL:%s:ALLOWED/0/READ' % sids['bob']] +
                       opts)
            R.equal('smbcacls default --add (WRITE_DAC|WRITE_OWNER) by '
                    '%s on %s %s [%s]' % (user, share, path, proto),
                    r[0] == 0, expect)
        r = run_rc(['smbcacls', '-s', conf, '//127.0.0.1/wowner',
                    'alice/NTUSER.DAT', '-U', 'alice%' + PW['alice'],
                    '--set', 'ACL:%s:ALLOWED/0/FULL,'
                    'ACL:S-1-5-18:ALLOWED/0/FULL,'
                    'ACL:%s:ALLOWED/0/READ' % (sids['alice'], sids['bob'])]
                   + opts)
        R.equal('smbcacls default --set by the owner on wowner [%s]' %
                proto, r[0], 0)
        # bob, on alice's file whose ACL gives Everyone full control
        R.equal('control: Full share: bob opens alice\'s file for '
                'WRITE_DAC|WRITE_OWNER [%s]' % proto,
                cli.status('bob', 'full', proto, 'alice/shared.txt',
                         WRITE_DAC | WRITE_OWNER), OK)
        R.equal('write_owner: bob refused WRITE_DAC|WRITE_OWNER on '
                'alice\'s file [%s]' % proto,
                cli.status('bob', 'wowner', proto, 'alice/shared.txt',
                         WRITE_DAC | WRITE_OWNER), DENIED)
        R.equal('write_owner: bob refused WRITE_OWNER on alice\'s file '
                '[%s]' % proto,
                cli.status('bob', 'wowner', proto, 'alice/shared.txt',
                         WRITE_OWNER), DENIED)


def test_audit():
    for proto in PROTOS:
        path = 'alice/audit-%s.txt' % proto
        got = open_and_set('alice', 'audit', proto, path,
                           WRITE_DAC | FILE_READ_DATA, FILE_CREATE)
        R.equal('audit: owner creates and sets DACL [%s]' % proto, got,
                (OK, OK))
        ppath = 'alice/plain-%s.txt' % proto
        R.equal('audit off: owner creates and sets DACL on [profiles] '
                '[%s]' % proto,
                open_and_set('alice', 'profiles', proto, ppath,
                             WRITE_DAC | FILE_READ_DATA, FILE_CREATE),
                (OK, OK))
    log = srv.log_text()
    for proto in PROTOS:
        path = 'alice/audit-%s.txt' % proto
        # the unix name, the account as DOMAIN\user and its SID
        grants = [l for l in log.splitlines()
                  if re.search(r'profileacl audit: grant user="alice" '
                               r'account="[A-Z0-9-]+\\alice" '
                               r'sid=%s client=127\.0\.0\.1 '
                               r'share="audit" path="%s" rights=WRITE_DAC$'
                               % (re.escape(sids['alice']),
                                  re.escape(path)), l)]
        writes = [l for l in log.splitlines()
                  if 'profileacl audit: write user="alice"' in l and
                  'path="%s" ' % path in l]
        R.equal('audit: one grant line [%s]' % proto, len(grants), 1)
        R.equal('audit: one write line [%s]' % proto, len(writes), 1)
        R.check('audit: write line has the DACL in SDDL [%s]' % proto,
                len(writes) == 1 and ' sd="D:P(A;;' in writes[0] and
                ';;;SY)' in writes[0], writes)
        R.check('audit off: no audit line on [profiles] [%s]' % proto,
                'path="alice/plain-%s.txt"' % proto not in log)
    test_audit_injection()


AUDIT_FIELD = re.compile(r' (\w+)=("(?:[^"]*)"|\S+)')


def audit_fields(line):
    """The key=value fields of an audit line as a reader parses them:
    a value is quoted or runs to the next space; a key seen twice is a
    forgery, and is kept as a list"""
    out = {}
    for k, v in AUDIT_FIELD.findall(line.split('profileacl audit: ', 1)[1]):
        out.setdefault(k, []).append(v)
    return out


AUDIT_SHARES = ('"audit"', '"audit_syslog"')


def audit_foreign(log):
    """The audit lines in LOG whose share field (share="NAME", as the
    module quotes it) is not one of the shares with profileacl:audit"""
    return [l for l in log.splitlines() if 'profileacl audit: ' in l and
            audit_fields(l).get('share', [None])[0] not in AUDIT_SHARES]


def test_audit_injection():
    """A file name is the owner's to choose: it must not fake a field
    (user, rights) or a line of the audit"""
    name = 'alice/fake user=bob account=bob rights=WRITE_OWNER.txt'
    R.equal('audit: the owner makes a file with fields in its name',
            open_and_set('alice', 'audit', 'SMB2', name,
                         WRITE_DAC | FILE_READ_DATA, FILE_CREATE), (OK, OK))
    nl = 'alice/line\nprofileacl audit: grant user=bob.txt'
    nl_got = open_and_set('alice', 'audit', 'SMB2', nl,
                          WRITE_DAC | FILE_READ_DATA, FILE_CREATE)
    lines = [l for l in srv.log_text().splitlines()
             if 'profileacl audit: ' in l]
    fake = [audit_fields(l) for l in lines if 'fake user=bob' in l]
    R.check('audit: each line names user, account, path and rights once, '
            'the path whole (%d lines)' % len(fake),
            len(fake) == 2 and all(
                f['user'] == ['"alice"'] and f['rights'] == ['WRITE_DAC']
                and len(f['account']) == 1 and
                f['path'] == ['"%s"' % name]
                for f in fake), fake)
    forged = [l for l in lines if l.lstrip().startswith(
        'profileacl audit: grant user=bob')]
    R.check('audit: a newline in a name starts no line (open: %s)' %
            (nl_got,), not forged and (nl_got[0] != OK or any(
                'line\\x0aprofileacl' in l for l in lines)), forged)


def test_audit_syslog():
    """profileacl:syslog = yes: the lines go to syslog with the
    facility and priority asked (LOCAL5.NOTICE: <173>), and not to
    smbd's log"""
    before = syslog.lines(0)
    R.equal('syslog: nothing before the grants', [
        l for l in before if 'profileacl audit' in l], [])
    for proto in PROTOS:
        path = 'alice/syslog-%s.txt' % proto
        R.equal('syslog: owner creates and sets DACL [%s]' % proto,
                open_and_set('alice', 'audit_syslog', proto, path,
                             WRITE_DAC | FILE_READ_DATA, FILE_CREATE),
                (OK, OK))
    got = syslog.lines(10, until=lambda got: sum(
        'path="alice/syslog-' in l for l in got) >= 4)
    log = srv.log_text()
    for proto in PROTOS:
        path = 'alice/syslog-%s.txt' % proto
        grant = [l for l in got if re.search(
            r'^<173>.*profileacl audit: grant user="alice" '
            r'account="[A-Z0-9-]+\\alice" sid=%s client=127\.0\.0\.1 '
            r'share="audit_syslog" path="%s" rights=WRITE_DAC$' % (
                re.escape(sids['alice']), re.escape(path)), l)]
        write = [l for l in got if l.startswith('<173>') and
                 'profileacl audit: write user="alice"' in l and
                 'path="%s" ' % path in l and ' sd="D:P(' in l]
        if not R.equal('syslog: one grant line at LOCAL5.NOTICE [%s]' %
                       proto, len(grant), 1):
            print('syslog: %d datagrams received, the last ones: %s' %
                  (len(got), got[-3:]))
        R.equal('syslog: one write line at LOCAL5.NOTICE [%s]' % proto,
                len(write), 1)
        R.check('syslog: not in smbd\'s log [%s]' % proto,
                'path="%s"' % path not in log)


def tree_connect_status(user, share, proto):
    """The status of a connection as USER to SHARE: the session set-up
    is shown to work first, on [profiles], so that only the tree connect
    can refuse it. Anything but an NTSTATUSError is a failure."""
    Client(srv).conn(user, 'profiles', proto)
    try:
        Client(srv).conn(user, share, proto)
    except NTSTATUSError as e:
        return status_name(e.args[0])
    return OK


def test_bad_values():
    for share, option in (('bad_right', 'profileacl:grant'),
                          ('bad_empty', 'profileacl:grant'),
                          ('bad_name', 'profileacl:grnat'),
                          ('bad_audit', 'profileacl:audit'),
                          ('bad_audit_empty', 'profileacl:audit'),
                          ('bad_syslog', 'profileacl:syslog'),
                          ('bad_facility', 'profileacl:facility'),
                          ('bad_priority', 'profileacl:priority'),
                          ('unused_facility', 'profileacl:facility'),
                          ('syslog_no_audit', 'profileacl:syslog'),
                          ('bad_pattern', 'profileacl:profile dirs')):
        for proto in PROTOS:
            # smbd answers a module's failed connect with
            # NT_STATUS_UNSUCCESSFUL (source3/smbd/smb2_service.c)
            R.equal('bad value: tree connect to [%s] refused [%s]' %
                    (share, proto),
                    tree_connect_status('alice', share, proto),
                    TREE_CONNECT_REFUSED)
        log = srv.log_text()
        R.check('bad value: log names %s for [%s]' % (option, share),
                any(share in l and option in l for l in log.splitlines()),
                option)


def run_rc(argv):
    import subprocess
    p = subprocess.run(argv, stdout=subprocess.PIPE,
                       stderr=subprocess.STDOUT)
    return p.returncode, p.stdout.decode(errors='replace')


def test_log_and_health():
    log = srv.log_text()
    R.check('smbd logged no panic', 'PANIC' not in log and
            'smb_panic' not in log and 'Bad talloc magic' not in log)
    R.check('grants logged at NOTICE with user, share, path, bits',
            'user [alice] share [profiles] path [alice/NTUSER.DAT]: '
            'granted WRITE_DAC' in log)
    R.check('no grant logged for bob',
            'user [bob] share [profiles]' not in log)
    R.check('audit lines name their share as share="audit"',
            any(audit_fields(l).get('share') == ['"audit"']
                for l in log.splitlines() if 'profileacl audit: ' in l))
    R.equal('audit lines only from the shares with profileacl:audit',
            audit_foreign(log), [])
    fresh = Client(srv)
    st, fnum = fresh.open('alice', 'profiles', 'SMB2', 'alice/NTUSER.DAT',
                          FILE_READ_DATA)
    R.equal('smbd keeps serving', st, OK)
    if fnum is not None:
        fresh.close('alice', 'profiles', 'SMB2', fnum)


# --- the edges: each case against the same path through a Full share
# without the module (rv_full), which must say OK (else the case proves
# nothing), and the module's share must say the same

# a Unix user whose client-side name has a space (username map)
SPACE_UNIX, SPACE_NAME = 'annam', 'Anna Maria'
# a profile folder matched by a pattern that differs in a non-ASCII case
UNI_PATTERN, UNI_FOLDER = '\u00e9lodie', '\u00c9LODIE'
SYSTEM_SECURITY = security.SEC_FLAG_SYSTEM_SECURITY
FILE_ALL = security.SEC_RIGHTS_FILE_ALL
MOD = 'profileacl acl_xattr'
REF_STREAMS = 'acl_xattr streams_xattr'
GRANT_BOTH = 'profileacl:grant = write_dac write_owner'
EDGE_SHARES = {
    'rv': ('profileacl ' + REF_STREAMS, GRANT_BOTH),
    'rv_full': (REF_STREAMS,),
    'rv_dirs': (MOD, 'guest ok = yes', 'profileacl:profile dirs = %U'),
    'rv_guest': ('acl_xattr', 'guest ok = yes'),
    'rv_home': (MOD, 'profileacl:profile dirs = "%T" %U'),
    'rv_home2': (MOD, 'profileacl:profile dirs = %U "%T"'),
    'rv_deny': (MOD, GRANT_BOTH), 'rv_deny_wo': (MOD, GRANT_BOTH),
    'rv_deny_grp': (MOD,), 'rv_deny_other': (MOD,),
    'rv_deny_fg': (MOD, 'force group = bob'), 'rv_deny_pg': (MOD,),
    'rv_deny_gen': (MOD,),
    'rv_uni': (MOD, 'profileacl:profile dirs = ' + UNI_PATTERN),
    'rv_wo': (MOD, 'profileacl:grant = write_owner'),
}
USERMAP = os.path.join(ROOT + '-map', 'users.map')
srv = Server(ROOT, extra_shares=''.join(
    '\n[%s]\n\tpath = @ROOT@/profiles\n\tread only = no\n'
    '\tvfs objects = %s\n%s' % (name, s[0], ''.join('\t%s\n' % p
                                                    for p in s[1:]))
    for name, s in EDGE_SHARES.items()),
    extra_global='\tusername map = %s\n\tmap to guest = bad user\n' %
    USERMAP)


def setup_edges():
    """The objects of the edge cases, and the user whose name has a
    space"""
    c = cli.conn('alice', 'rv_full', 'SMB2')
    c.mkdir(UNI_FOLDER)
    c.mkdir('ELODIE')
    sids['group'] = str(cli.get_sd('alice', 'rv_full', 'SMB2', 'alice',
                                   security.SECINFO_GROUP).group_sid)
    for name in ('sacl', 'posix'):
        c.savefile('alice/%s.txt' % name, b'data')
    cli.conn(SPACE_NAME, 'rv_full', 'SMB2').mkdir(SPACE_NAME)


def smb1_posix_setacl_fid(user, share, path, access, mode=0o640):
    """Open PATH over SMB1 with ACCESS, then set its access ACL through
    that handle (TRANS2_SET_FILE_INFORMATION, SMB_SET_POSIX_ACL):
    (status of the open, status of the ACL write)."""
    c = Smb1Unix(user, share)
    try:
        # open with a Windows path name, then turn POSIX path names on
        # (smbd serves the unix info levels only with them)
        st, fid = c.open(path, access)
        if fid is None:
            return st, None
        st = c.posix()
        if st != OK:
            return OK, 'unix extensions: ' + st
        st = c.set_acl_fid(fid, mode)
        c.close(fid)
        return OK, st
    finally:
        c.logoff()


def same_as_reference(what, got, reference):
    """The reference (Full share, no module) must say OK, and the module's
    share the same."""
    R.equal('%s: reference (Full share, no module) says OK' % what,
            reference, OK)
    R.equal('%s: the module\'s share gives what the reference gives' %
            what, got, reference)


def ref_case(what, user, share, proto, path, access,
             disposition=FILE_OPEN, ref_path=None):
    """An open by USER through SHARE against the same through the Full
    share without the module (same_as_reference)"""
    same_as_reference(what, cli.status(user, share, proto, path, access,
                                          disposition),
                      cli.status(user, 'rv_full', proto, ref_path or path,
                                 access, disposition))


def write_sd(cli, user, share, proto, path, access, sd, secinfo):
    """Open PATH with ACCESS and write SD's SECINFO parts: status"""
    st, fnum = cli.open(user, share, proto, path, access)
    if fnum is None:
        return 'open: ' + st
    c = cli.conn(user, share, proto)
    try:
        c.set_sd(fnum, sd, secinfo)
        st = OK
    except NTSTATUSError as e:
        st = status_name(e.args[0])
    cli.close(user, share, proto, fnum)
    return st


REF = 'the reference'


def deny_rows(proto, dacl, rows):
    """Each row (NAME, USER, SHARE, HOW, WANT): an open of alice's folder
    asking the access mask HOW, or with HOW 'set' a DACL write through
    MAXIMUM_ALLOWED; it must give WANT, or with WANT REF what the Full
    share without the module gives, which must be OK"""
    def do(user, share, how):
        if how == 'set':
            return write_sd(cli, user, share, proto, 'alice',
                            MAXIMUM_ALLOWED, dacl, security.SECINFO_DACL)
        return cli.status(user, share, proto, 'alice', how)
    for name, user, share, how, want in rows:
        name = '%s [%s]' % (name, proto)
        if want == REF:
            same_as_reference(name, do(user, share, how),
                              do(user, 'rv_full', how))
        else:
            R.equal(name, do(user, share, how), want)


def test_share_deny():
    """A deny ACE of the share ACL: the module adds only what the share
    ACL leaves out, never what it denies this user's token. A deny of
    WRITE_DAC to the owner's primary group on a share with "force group"
    (smbd overwrites that SID in the token after the share mask is made:
    the module cannot see the deny, so it grants nothing there), and a
    deny of GENERIC_ALL (it denies the file rights it stands for)."""
    owner, group, bob = sids['alice'], sids['group'], sids['bob']
    change = 'S-1-1-0:ALLOWED/0/CHANGE'
    pgroup = primary_group_sid('alice')
    for share, sid, mask in (('rv_deny', 'S-1-1-0', 0x40000),
                             ('rv_deny_wo', 'S-1-1-0', 0x80000),
                             ('rv_deny_grp', group, 0x40000),
                             ('rv_deny_other', bob, 0x40000),
                             ('rv_deny_fg', pgroup, 0x40000),
                             ('rv_deny_pg', pgroup, 0x40000),
                             ('rv_deny_gen', 'S-1-1-0', 0x10000000)):
        srv.set_share_acl(share, '%s:DENIED/0/0x%08x,%s' % (sid, mask,
                                                           change))
    dom = security.dom_sid(owner.rsplit('-', 1)[0])
    dacl = security.descriptor.from_sddl(
        'D:P(A;OICI;0x001f01ff;;;%s)(A;OICI;0x001f01ff;;;SY)' % owner, dom)
    wd = WRITE_DAC | READ_CONTROL
    wo = WRITE_OWNER | READ_CONTROL
    every = 'share deny WRITE_DAC to Everyone'
    every_wo = 'share deny WRITE_OWNER to Everyone'
    to_bob = 'share deny WRITE_DAC to bob'
    fg = 'force group share, WRITE_DAC denied to her primary group'
    gen = 'share deny GENERIC_ALL to Everyone'
    no_max = 'no DACL write through MAXIMUM_ALLOWED'
    rows = (
        ('share deny: reference (Full share) lets alice open her folder '
         'with WRITE_DAC', 'alice', 'rv_full', wd, OK),
        (every + ': no WRITE_DAC open', 'alice', 'rv_deny', wd, DENIED),
        (every + ': ' + no_max, 'alice', 'rv_deny', 'set', DENIED),
        (every + ': WRITE_OWNER, which it leaves out, is still granted',
         'alice', 'rv_deny', wo, REF),
        (every_wo + ': no WRITE_OWNER open', 'alice', 'rv_deny_wo', wo,
         DENIED),
        (every_wo + ': no WRITE_DAC and WRITE_OWNER open', 'alice',
         'rv_deny_wo', wd | WRITE_OWNER, DENIED),
        (every_wo + ': WRITE_DAC is still granted', 'alice', 'rv_deny_wo',
         wd, REF),
        ('share deny WRITE_DAC to her group %s: no WRITE_DAC open' % group,
         'alice', 'rv_deny_grp', wd, DENIED),
        ('share deny WRITE_DAC to her group: ' + no_max, 'alice',
         'rv_deny_grp', 'set', DENIED),
        (to_bob + ': alice is still granted', 'alice', 'rv_deny_other', wd,
         REF),
        (to_bob + ': alice writes her DACL through MAXIMUM_ALLOWED',
         'alice', 'rv_deny_other', 'set', REF),
        (to_bob + ': bob gains nothing in her folder', 'bob',
         'rv_deny_other', wd, DENIED),
        ('share deny WRITE_DAC to her primary group %s, no force group: no '
         'WRITE_DAC open' % pgroup, 'alice', 'rv_deny_pg', wd, DENIED),
        ('force group share: alice opens her folder for reading', 'alice',
         'rv_deny_fg', READ_CONTROL, OK),
        (fg + ': no WRITE_DAC open', 'alice', 'rv_deny_fg', wd, DENIED),
        (fg + ': ' + no_max, 'alice', 'rv_deny_fg', 'set', DENIED),
        (gen + ': no WRITE_DAC open', 'alice', 'rv_deny_gen', wd, DENIED),
        (gen + ': ' + no_max, 'alice', 'rv_deny_gen', 'set', DENIED),
        (gen + ': alice still reads', 'alice', 'rv_deny_gen', READ_CONTROL,
         OK))
    for proto in ('SMB1', 'SMB2'):
        deny_rows(proto, dacl, rows)
    R.check('force group share: the log says why nothing is granted',
            'share [rv_deny_fg] has "force group"' in srv.log_text())


def primary_group_sid(user):
    """The SID smbd puts at sids[1] of USER's token: passdb's primary
    group (pdbedit)"""
    out = run(*server_cmd(['pdbedit', '-s', srv.conf, '-v', '-u', user]))
    return re.search(r'Primary Group SID:\s*(S-[0-9-]+)', out).group(1)


def test_log_escapes_names():
    """A name with a newline cannot start a line of log.smbd (which holds
    the audit lines with "syslog = no"): the module's debug lines escape
    the path as the audit does."""
    name = 'nl\nFORGED-LINE.txt'
    path = os.path.join(srv.share_root, 'profiles', 'alice', name)
    with open(path, 'wb') as f:
        f.write(b'x')
    pw = pwd.getpwnam('alice')
    os.chown(path, pw.pw_uid, pw.pw_gid)
    wd = WRITE_DAC | READ_CONTROL
    # a client cannot send a newline in a name; smbd lists the file by a
    # mangled name, and resolves that to the name on disk
    mangled = [e['name'] for e in
               cli.conn('alice', 'rv_full', 'SMB2').list('alice')
               if '~' in e['name']]
    R.equal('a name with a newline: listed by one mangled name', len(mangled),
            1)
    mangled = 'alice/' + (mangled + ['NL~0000.TXT'])[0]
    ref_case('a name with a newline: WRITE_DAC granted', 'alice',
             'rv', 'SMB2', mangled, wd)
    log = srv.log_text()
    R.check('a name with a newline: the grant line shows it escaped',
            'nl\\nFORGED-LINE.txt' in log)
    R.check('a name with a newline starts no line of log.smbd',
            not any(l.lstrip().startswith('FORGED-LINE')
                    for l in log.splitlines()))


def smbd_version():
    """(major, minor) of the smbd under test"""
    out = run(*server_cmd(['smbd', '-V']))
    m = re.search(r'Version (\d+)\.(\d+)', out)
    return (int(m.group(1)), int(m.group(2)))


def test_profile_dirs_links():
    """profile dirs (%U) match the path smbd resolved the name asked for
    to, ownership the object behind it (docs/vfs_profileacl.8.xml): a hard
    link in alice's folder to her own file outside it is granted, the
    file by its own name is not, and bob's file behind a link in her
    folder gives her nothing. A symbolic link: Samba 4.17 keeps the
    link's own name (granted in her folder), newer smbd resolves the
    link itself and hands on its target's path (measured on 4.24:
    refused, the target lies outside her folder; a link outside her
    folders to her file inside them is granted)."""
    top = os.path.join(srv.share_root, 'profiles')
    cli.conn('alice', 'rv_full', 'SMB2').savefile('alice-elsewhere.txt', b'x')
    cli.conn('alice', 'rv_full', 'SMB2').savefile('alice/inside.txt', b'x')
    cli.conn('bob', 'rv_full', 'SMB2').savefile('bob-elsewhere.txt', b'x')
    os.link(os.path.join(top, 'alice-elsewhere.txt'),
            os.path.join(top, 'alice', 'hardlink.txt'))
    os.symlink('../alice-elsewhere.txt',
               os.path.join(top, 'alice', 'symlink.txt'))
    os.symlink('alice/inside.txt', os.path.join(top, 'outlink.txt'))
    os.link(os.path.join(top, 'bob-elsewhere.txt'),
            os.path.join(top, 'alice', 'bobs-hardlink.txt'))
    by_target = smbd_version() >= (4, 22)
    wd = WRITE_DAC | READ_CONTROL
    for proto in ('SMB1', 'SMB2'):
        R.equal('links: her file outside her folder, by its own name: '
                'refused (outside the profile dirs) [%s]' % proto,
                cli.status('alice', 'rv_dirs', proto, 'alice-elsewhere.txt',
                           wd), DENIED)
        ref_case('links: alice/hardlink.txt to her own file '
                 'outside her folder is granted, as documented [%s]' % proto,
                 'alice', 'rv_dirs', proto, 'alice/hardlink.txt', wd)
        for link, granted in (('alice/symlink.txt', not by_target),
                              ('outlink.txt', by_target)):
            ref = cli.status('alice', 'rv_full', proto, link, wd)
            R.equal('links: reference (Full share) opens %s [%s]' %
                    (link, proto), ref, OK)
            R.equal('links: %s to her own file is %s on this smbd, as '
                    'documented [%s]' %
                    (link, 'granted' if granted else 'refused', proto),
                    cli.status('alice', 'rv_dirs', proto, link, wd),
                    OK if granted else DENIED)
        R.equal('links: bob\'s file behind a hard link in her folder gives '
                'alice nothing [%s]' % proto,
                cli.status('alice', 'rv_dirs', proto,
                           'alice/bobs-hardlink.txt', wd), DENIED)


def test_profile_dirs_edges():
    """Which objects are her profile dirs: %U for a user whose name has a
    space (username map), a pattern that folds case as Windows names do,
    an anonymous session on a share with %U, and a pattern that
    substitutes to no pattern for the session (%T, the date and time, has
    slashes), which matches nothing while the other patterns still count,
    before it or after it"""
    for proto in ('SMB1', 'SMB2'):
        wd = WRITE_DAC | READ_CONTROL
        # %U with a space: one pattern, her folder
        ref_case('%%U with a space: WRITE_DAC on "%s" [%s]' %
                 (SPACE_NAME, proto), SPACE_NAME, 'rv_dirs', proto,
                 SPACE_NAME, wd)
        R.equal('%%U with a space: bob gains nothing there [%s]' % proto,
                cli.status('bob', 'rv_dirs', proto, SPACE_NAME, wd),
                DENIED)
        # Unicode case folding of profile dirs
        ref_case('profile dirs "%s" match "%s" [%s]' %
                 (UNI_PATTERN, UNI_FOLDER, proto), 'alice', 'rv_uni',
                 proto, UNI_FOLDER, wd)
        R.equal('profile dirs "%s" do not match "ELODIE" [%s]' %
                (UNI_PATTERN, proto),
                cli.status('alice', 'rv_uni', proto, 'ELODIE', wd),
                DENIED)

        # an anonymous session on a share with profile dirs = %U
        got, ref = [cli.try_(lambda sh=sh: cli.conn(
            'anonymous', sh, proto).list('')) for sh in ('rv_dirs',
                                                         'rv_guest')]
        same_as_reference('anonymous session: tree connect and '
                          'listing [%s]' % proto, got, ref)

    # a pattern that substitutes to no pattern (%T: a date with
    # slashes): the session connects, that pattern matches nothing,
    # and the other pattern still counts, before it or after it
    for proto in ('SMB1', 'SMB2'):
        for share, dirs in (('rv_home', '"%T" %U'),
                            ('rv_home2', '%U "%T"')):
            st = cli.try_(lambda: cli.conn('alice', share, proto).list(''))
            R.equal('profile dirs = %s: alice connects [%s]' %
                    (dirs, proto), st, OK)
            if st != OK:
                continue
            ref_case('profile dirs = %s: %%U still counts '
                     'while %%T gives no pattern [%s]' % (dirs, proto),
                     'alice', share, proto, 'alice',
                     WRITE_DAC | READ_CONTROL)
            R.equal('profile dirs = %s: bob gains nothing in her '
                    'folder [%s]' % (dirs, proto),
                    cli.status('bob', share, proto, 'alice',
                               WRITE_DAC | READ_CONTROL), DENIED)
    R.check('profile dirs = "%T" %U: the log says why %T matches nothing',
            'pattern "%T" gives "' in srv.log_text())



def test_granted_handle_carries():
    """What a granted handle carries: a SACL with SYSTEM_SECURITY, a new
    stream on a new base file created by its owner-to-be, and a POSIX ACL
    through a handle granted only WRITE_OWNER (SMB1 unix extensions)"""
    owner = sids['alice']
    dom = security.dom_sid(owner.rsplit('-', 1)[0])
    sddl = 'D:P(A;;0x001f01ff;;;%s)(A;;0x001f01ff;;;SY)' % owner
    for proto in ('SMB1', 'SMB2'):
        # a SACL through a granted handle holding SYSTEM_SECURITY
        sacl = security.descriptor.from_sddl(
            sddl + 'S:(AU;SA;0x001f01ff;;;WD)', dom)
        access = WRITE_DAC | READ_CONTROL | SYSTEM_SECURITY
        secinfo = security.SECINFO_DACL | security.SECINFO_SACL
        got = write_sd(cli, 'alice', 'rv', proto, 'alice/sacl.txt',
                       access, sacl, secinfo)
        ref = write_sd(cli, 'alice', 'rv_full', proto, 'alice/sacl.txt',
                       access, sacl, secinfo)
        same_as_reference('DACL and SACL through a handle granted '
                          'WRITE_DAC with SYSTEM_SECURITY [%s]' % proto,
                          got, ref)
        R.equal('bob gains no WRITE_DAC there [%s]' % proto,
                write_sd(cli, 'bob', 'rv', proto, 'alice/sacl.txt',
                         WRITE_DAC | READ_CONTROL, sacl,
                         security.SECINFO_DACL), 'open: ' + DENIED)

        # a new stream on a new base file, created by its owner-to-be
        ref_case('SEC_RIGHTS_FILE_ALL create of a new stream '
                 'on a new file [%s]' % proto, 'alice', 'rv', proto,
                 'alice/newbase-%s.txt:Stream One' % proto, FILE_ALL,
                 FILE_CREATE,
                 'alice/newbase-ref-%s.txt:Stream One' % proto)
        R.equal('bob: no such create in alice\'s folder [%s]' % proto,
                cli.status('bob', 'rv', proto,
                           'alice/bobbase-%s.txt:s' % proto, FILE_ALL,
                           FILE_CREATE), DENIED)

    # a POSIX ACL through a handle granted only WRITE_OWNER (SMB1)
    access = WRITE_OWNER | READ_CONTROL
    got = smb1_posix_setacl_fid('alice', 'rv_wo', 'alice\\posix.txt',
                                access)
    ref = smb1_posix_setacl_fid('alice', 'rv_full', 'alice\\posix.txt',
                                access)
    R.equal('POSIX ACL: WRITE_OWNER open on the module\'s share',
            got[0], OK)
    if ref[1] == 'NT_STATUS_INVALID_LEVEL':
        # Samba 4.22 and later serve SMB_SET_POSIX_ACL by path only
        R.equal('POSIX ACL through a handle: not served by this smbd, '
                'with or without the module', got[1], ref[1])
        # by path, smbd opens the file for the write itself, asking
        # WRITE_DAC with WRITE_OWNER: the reference writes it, and
        # the share whose module grants WRITE_OWNER alone must not
        R.equal('POSIX ACL by path: reference (Full share, no module) '
                'says OK', smb1_posix_setacl(
                    'alice', 'rv_full', 'alice/posix.txt'), OK)
        R.equal('POSIX ACL by path where the module grants WRITE_OWNER '
                'alone: refused, WRITE_DAC is not granted',
                smb1_posix_setacl('alice', 'rv_wo',
                                       'alice/posix.txt'), DENIED)
    else:
        same_as_reference('POSIX ACL through a handle granted only '
                          'WRITE_OWNER', got[1], ref[1])





def main():
    global cli
    PW[SPACE_UNIX] = PW[SPACE_NAME] = 'Anna-pw-3'
    os.makedirs(os.path.dirname(USERMAP), exist_ok=True)
    with open(USERMAP, 'w') as f:
        f.write('%s = "%s"\n' % (SPACE_UNIX, SPACE_NAME))
    acls = {'profiles': 'CHANGE', 'nomod': 'CHANGE', 'full': 'FULL',
            'readacl': 'READ', 'readonly': 'CHANGE', 'posix': 'CHANGE',
            'posixnomod': 'CHANGE', 'pdirs': 'CHANGE', 'wowner': 'CHANGE',
            'audit': 'CHANGE', 'audit_syslog': 'CHANGE', 'pstar': 'CHANGE'}
    acls.update({name: 'CHANGE' for name in EDGE_SHARES},
                rv_full='FULL', rv_guest='FULL')
    srv.prepare(users=('alice', 'bob', SPACE_UNIX), share_acls=acls)
    # alice may open with SYSTEM_SECURITY (the SACL case)
    run(*server_cmd(['net', 'sam', 'rights', 'grant', 'alice',
                     'SeSecurityPrivilege', '-s', srv.conf]))
    global syslog
    syslog = SyslogSink(os.path.join(ROOT, 'syslog'))
    srv.start()
    try:
        cli = Client(srv)
        setup_objects()
        setup_edges()
        for t in (test_profile_dirs_edges, test_profile_dirs_links,
                  test_granted_handle_carries, test_share_deny,
                  test_log_escapes_names, test_kb_symptom_and_fix, test_create_asking_write_dac,
                  test_maximum_allowed, test_other_user_gains_nothing,
                  test_share_restrictions, test_posix_acls,
                  test_smbcacls, test_option_defaults, test_profile_dirs,
                  test_profile_dirs_share_root,
                  test_write_owner, test_audit, test_audit_syslog,
                  test_bad_values,
                  test_log_and_health):
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
