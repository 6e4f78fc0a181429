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
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from harness import (Client, Results, Server, SyslogSink, FILE_CREATE,
                     FILE_DIRECTORY_FILE, FILE_NON_DIRECTORY_FILE,
                     FILE_OPEN, FILE_READ_DATA, MAXIMUM_ALLOWED, NTUSER,
                     READ_CONTROL, WRITE_DAC, WRITE_OWNER, PASSWORDS as PW,
                     profile_shares, run, run_cases, server_cmd, user_file)
from samba.dcerpc import security
from smb2raw import Smb1Unix, smb1_posix_setacl

PROTOS = ('SMB1', 'SMB2')
OK = 'NT_STATUS_OK'
DENIED = 'NT_STATUS_ACCESS_DENIED'
# what smbd answers a tree connect whose VFS connect failed
TREE_CONNECT_REFUSED = 'NT_STATUS_UNSUCCESSFUL'
ROOT = os.environ.get('PROFILEACL_TEST_ROOT', '/tmp/profileacl-test')
WD = WRITE_DAC | READ_CONTROL
EVERY = 'D:(A;;0x001f01ff;;;WD)'
# smbcacls's options for each protocol
SMBCACLS = (('SMB1', ['-m', 'NT1', '--option', 'client min protocol=NT1']),
            ('SMB2', ['-m', 'SMB3']))

R = Results()
cli = None
sids = {}
syslog = None


def dacl_sddl(user):
    """A distinctive DACL: the user, SYSTEM, and Everyone read (so that
    bob can still reach alice's shared file below her folder)."""
    return ('D:P(A;;0x001f01ff;;;%s)(A;;0x001f01ff;;;SY)'
            '(A;;0x001200a9;;;WD)' % sids[user])


def control_sddl(user):
    """Another DACL than dacl_sddl's (SYSTEM may only read): what the
    control writes, so that the module's write is told from it"""
    return ('D:P(A;;0x001f01ff;;;%s)(A;;0x001200a9;;;SY)'
            '(A;;0x001200a9;;;WD)' % sids[user])


def open_and_set(user, share, proto, path, access, disposition=FILE_OPEN,
                 options=0, sddl=None):
    """Open, set a DACL through the handle, close: (open, set) status."""
    st, fnum = cli.open(user, share, proto, path, access, disposition,
                        options)
    if fnum is None:
        return st, None
    try:
        return st, cli.set_dacl(user, share, proto, fnum,
                                sddl or dacl_sddl(user), sids['domain'])
    finally:
        cli.close(user, share, proto, fnum)


def walk(rows, protos=PROTOS):
    """Each row (NAME, USER, SHARE, PATH, ACCESS, WANT[, SDDL]) over each
    of PROTOS, checked as "NAME [PROTO]": with WANT a pair, the (open,
    set) statuses of open_and_set() (SDDL the DACL set), else the open's"""
    for proto in protos:
        for name, user, share, path, access, want, *sddl in rows:
            if isinstance(want, tuple):
                got = open_and_set(user, share, proto, path, access,
                                   sddl=(sddl or [None])[0])
            else:
                got = cli.status(user, share, proto, path, access)
            R.equal('%s [%s]' % (name, proto), got, want)


def dacl_of(path):
    sd = cli.get_sd('alice', 'full', 'SMB2', path)
    return sd.as_sddl().split('D:', 1)[1]


def sddl_norm(sddl):
    """The DACL of SDDL as this client's Samba renders it: 4.17 writes
    0x001f01ff where 4.22 writes FA, so an expected DACL is compared in
    the rendering of the DACL read back"""
    sd = security.descriptor.from_sddl(sddl,
                                       security.dom_sid(sids['domain']))
    return sd.as_sddl().split('D:', 1)[1]


def setup_objects():
    """alice's and bob's profile folders and files, made over SMB as their
    owners; links made on the server, as an admin or a user's shell would"""
    for user in ('alice', 'bob'):
        cli.conn(user, 'full', 'SMB2').mkdir(user)
        sids[user] = cli.owner_sid(user, 'full', 'SMB2', user)
    sids['domain'] = sids['alice'].rsplit('-', 1)[0]
    c = cli.conn('alice', 'full', 'SMB2')
    # alice's other folders: profile dirs suffixes and a look-alike
    for folder in ('alice.V2', 'alice.V5', 'alice.V6', 'alice2'):
        c.mkdir(folder)
    for path, data in (('alice/NTUSER.DAT', NTUSER),
                       ('alice/shared.txt', b'shared\n'),
                       ('alice.V6/NTUSER.DAT', b'regf'),
                       ('alice2/x.txt', b'x'), ('alicefile.txt', b'x')):
        c.savefile(path, data)
    cli.conn('bob', 'full', 'SMB2').savefile('bob/bobshared.txt', b'bob\n')
    # alice's file and bob's that the other may change fully by their
    # file ACL; bob's folder lets alice reach his
    for user, path, sddl in (('alice', 'alice/shared.txt', EVERY),
                             ('bob', 'bob/bobshared.txt', EVERY),
                             ('bob', 'bob', 'D:(A;OICI;0x001f01ff;;;WD)')):
        got = open_and_set(user, 'full', 'SMB2', path, WRITE_DAC, sddl=sddl)
        assert got == (OK, OK), (path, got)
    prof = os.path.join(ROOT, 'profiles')
    for target, link, owner in (
            ('../bob/bobshared.txt', 'alice/tobob', 'alice'),
            ('../alice/shared.txt', 'bob/toalice', 'bob')):
        os.symlink(target, os.path.join(prof, link))
        os.lchown(os.path.join(prof, link), pwd.getpwnam(owner).pw_uid, -1)
    os.link(os.path.join(prof, 'bob/bobshared.txt'),
            os.path.join(prof, 'alice/hardbob'))


def test_kb_symptom_and_fix():
    """The owner sets the DACL of her folder and of NTUSER.DAT."""
    for proto in PROTOS:
        for path in ('alice', 'alice/NTUSER.DAT'):
            name = '%s %s' % (proto, path)
            R.equal('symptom: no module, Change: owner WRITE_DAC open '
                    'refused [%s]' % name,
                    cli.status('alice', 'nomod', proto, path, WRITE_DAC),
                    DENIED)
            for share, sddl, set_name, read_name in (
                    ('full', control_sddl('alice'),
                     'control: Full share: owner sets DACL',
                     'control: DACL read back is the control\'s'),
                    ('profiles', dacl_sddl('alice'),
                     'fix: module, Change: owner sets DACL',
                     'fix: DACL read back is the one written')):
                R.equal('%s [%s]' % (set_name, name),
                        open_and_set('alice', share, proto, path, WD,
                                     sddl=sddl), (OK, OK))
                R.equal('%s [%s]' % (read_name, name), dacl_of(path),
                        sddl_norm(sddl))


def test_create_asking_write_dac():
    for proto in PROTOS:
        for kind, opts in (('file', FILE_NON_DIRECTORY_FILE),
                           ('folder', FILE_DIRECTORY_FILE)):
            for share, expect in (('nomod', (DENIED, None)),
                                  ('profiles', (OK, OK))):
                path = 'alice/new-%s-%s-%s' % (kind, share, proto)
                R.equal('%s: owner creates a %s asking WRITE_DAC and '
                        'sets its DACL [%s]' % (share, kind, proto),
                        open_and_set('alice', share, proto, path,
                                     WRITE_DAC | FILE_READ_DATA,
                                     FILE_CREATE, opts), expect)
                if share == 'profiles':
                    R.equal('DACL of the new %s read back [%s]' %
                            (kind, proto), dacl_of(path),
                            sddl_norm(dacl_sddl('alice')))


def test_maximum_allowed():
    walk((('symptom: no module: MAXIMUM_ALLOWED open has no WRITE_DAC',
           'alice', 'nomod', 'alice/NTUSER.DAT', MAXIMUM_ALLOWED,
           (OK, DENIED)),
          ('fix: MAXIMUM_ALLOWED open includes WRITE_DAC, DACL set',
           'alice', 'profiles', 'alice/NTUSER.DAT', MAXIMUM_ALLOWED,
           (OK, OK))))


def test_other_user_gains_nothing():
    """A user, on another user's object whose file ACL gives Everyone full
    control: [full] lets the file ACL alone decide (the control), on
    [profiles] the module must not give what Change withholds."""
    rows = []
    for user, how, path in (('bob', 'on', 'alice/shared.txt'),
                            ('bob', 'via symlink', 'bob/toalice'),
                            ('alice', 'via symlink', 'alice/tobob'),
                            ('alice', 'via hardlink', 'alice/hardbob'),
                            ('alice', 'via', 'alice/../bob/bobshared.txt')):
        what = (user, how, path)
        rows += [('control: Full share: %s sets DACL %s %s' % what, user,
                  'full', path, WRITE_DAC, (OK, OK), EVERY),
                 ('module: %s WRITE_DAC %s %s refused' % what, user,
                  'profiles', path, WRITE_DAC, DENIED),
                 ('module: %s MAXIMUM_ALLOWED %s %s gets no WRITE_DAC' %
                  what, user, 'profiles', path, MAXIMUM_ALLOWED,
                  (OK, DENIED), EVERY)]
    walk(rows)


def test_share_restrictions():
    walk([row for share, what in (('readacl', 'share ACL Read'),
                                  ('readonly', 'read only share'))
          for row in (('module, %s: owner WRITE_DAC refused' % what,
                       'alice', share, 'alice/NTUSER.DAT', WRITE_DAC,
                       DENIED),
                      ('module, %s: MAXIMUM_ALLOWED gets no WRITE_DAC' %
                       what, 'alice', share, 'alice', MAXIMUM_ALLOWED,
                       (OK, DENIED)))])


def test_posix_acls():
    """Without acl_xattr: the DACL becomes a POSIX ACL."""
    for proto in PROTOS:
        path = 'alice-%s.txt' % proto
        cli.conn('alice', 'posixnomod', proto).savefile(path, b'x')
        R.equal('symptom: posix, no module: WRITE_DAC refused [%s]' %
                proto, cli.status('alice', 'posixnomod', proto, path,
                                  WRITE_DAC), DENIED)
        sddl = ('D:P(A;;0x001f01ff;;;%s)(A;;0x001200a9;;;%s)' %
                (sids['alice'], sids['bob']))
        R.equal('fix: posix, module: owner sets DACL [%s]' % proto,
                open_and_set('alice', 'posix', proto, path, WRITE_DAC,
                             sddl=sddl), (OK, OK))
        acl = run('getfacl', '-cp', os.path.join(ROOT, 'posix', path))
        R.check('fix: posix ACL gives bob read [%s]' % proto,
                'user:bob:r-x' in acl, acl)


def smbcacls(user, share, path, opts, *args):
    """smbcacls as USER on PATH of SHARE: (exit status, output)"""
    p = subprocess.run(['smbcacls', '-s', srv.conf, '//127.0.0.1/' + share,
                        path, '-U', '%s%%%s' % (user, PW[user])] +
                       list(args) + opts, stdout=subprocess.PIPE,
                       stderr=subprocess.STDOUT)
    return p.returncode, p.stdout.decode(errors='replace')


def test_smbcacls():
    """The real admin tool, as the user, WRITE_DAC only (--set-security-
    info=4): refused without the module, works with it."""
    # a SID, not a name: smbcacls would look the name up over LSA first,
    # which has nothing to do with the module and, under valgrind, can
    # time out
    acl = 'ACL:%s:ALLOWED/0/READ' % sids['bob']
    for proto, opts in SMBCACLS:
        for share, expect in (('nomod', False), ('profiles', True)):
            rc, out = smbcacls('alice', share, 'alice/NTUSER.DAT', opts,
                               '--set-security-info=4', '--add', acl)
            R.equal('smbcacls --add as the owner on %s [%s]' %
                    (share, proto), rc == 0, expect)
            if share == 'nomod':
                R.check('smbcacls on nomod says ACCESS_DENIED [%s]' %
                        proto, 'ACCESS_DENIED' in out, out)


def test_option_defaults():
    """Defaults: grant write_dac only; no profile dirs; no audit."""
    walk((('default grant: WRITE_DAC|WRITE_OWNER refused', 'alice',
           'profiles', 'alice/NTUSER.DAT', WRITE_DAC | WRITE_OWNER, DENIED),
          ('default profile dirs: owner object outside her folder granted',
           'alice', 'profiles', 'alice2', WRITE_DAC, (OK, OK))))
    log = srv.log_text()
    R.check('default audit: [profiles] granted (audit off there)',
            'share [profiles] path [alice/NTUSER.DAT]: granted' in log)
    R.equal('default audit: no audit line but from the shares with '
            'profileacl:audit', audit_foreign(log), [])


def test_profile_dirs():
    """profileacl:profile dirs = %U %U.V2 %U.V6"""
    walk([('profile dirs: owner granted on %s' % path, 'alice', 'pdirs',
           path, WRITE_DAC, (OK, OK))
          for path in ('alice', 'alice/NTUSER.DAT', 'alice.V2', 'ALICE.v2',
                       'alice.V6/NTUSER.DAT')] +
         [('profile dirs: owner refused outside her folders on %s' % path,
           'alice', 'pdirs', path, WRITE_DAC, DENIED)
          for path in ('alice2', 'alice2/x.txt', 'alicefile.txt',
                       'alice.V5')] +
         [('profile dirs: bob refused inside alice\'s folder', 'bob',
           'pdirs', 'alice/shared.txt', WRITE_DAC, DENIED),
          ('profile dirs: bob granted in his own folder', 'bob', 'pdirs',
           'bob', WRITE_DAC, (OK, OK), 'D:(A;OICI;0x001f01ff;;;WD)')])


def test_profile_dirs_share_root():
    """A "*" or "?" pattern names top-level folders: never the share
    root, even where the requester owns it."""
    walk((('profile dirs "* ?": owner refused on the share root', 'alice',
           'pstar', '', WRITE_DAC, DENIED),
          ('profile dirs "* ?": owner granted on a top-level object',
           'alice', 'pstar', 'NTUSER.DAT', WRITE_DAC, (OK, OK))))


def test_write_owner():
    """profileacl:grant = write_dac write_owner"""
    full = ('ACL:%s:ALLOWED/0/FULL,ACL:S-1-5-18:ALLOWED/0/FULL,'
            'ACL:%s:ALLOWED/0/READ' % (sids['alice'], sids['bob']))
    for proto, opts in SMBCACLS:
        R.equal('write_owner: WRITE_OWNER open by the owner [%s]' % proto,
                cli.status('alice', 'wowner', proto, 'alice/NTUSER.DAT',
                           WRITE_OWNER), OK)
        for share, path, expect in (('wowner', 'alice/NTUSER.DAT', True),
                                    ('profiles', 'alice/NTUSER.DAT', False),
                                    ('wowner', 'alice', True)):
            R.equal('smbcacls default --add (WRITE_DAC|WRITE_OWNER) by '
                    'alice on %s %s [%s]' % (share, path, proto),
                    smbcacls('alice', share, path, opts, '--add',
                             'ACL:%s:ALLOWED/0/READ' % sids['bob'])[0] == 0,
                    expect)
        R.equal('smbcacls default --set by the owner on wowner [%s]' %
                proto, smbcacls('alice', 'wowner', 'alice/NTUSER.DAT', opts,
                                '--set', full)[0], 0)
        # bob, on alice's file whose ACL gives Everyone full control
        walk((('control: Full share: bob opens alice\'s file for '
               'WRITE_DAC|WRITE_OWNER', 'bob', 'full', 'alice/shared.txt',
               WRITE_DAC | WRITE_OWNER, OK),
              ('write_owner: bob refused WRITE_DAC|WRITE_OWNER on alice\'s '
               'file', 'bob', 'wowner', 'alice/shared.txt',
               WRITE_DAC | WRITE_OWNER, DENIED),
              ('write_owner: bob refused WRITE_OWNER on alice\'s file',
               'bob', 'wowner', 'alice/shared.txt', WRITE_OWNER, DENIED)),
             (proto,))


def grant_re(share, path):
    """An audit grant line of alice's: her unix name, the account as
    DOMAIN\\user and its SID"""
    return (r'profileacl audit: grant user="alice" '
            r'account="[A-Z0-9-]+\\alice" sid=%s client=127\.0\.0\.1 '
            r'share="%s" path="%s" rights=WRITE_DAC$' %
            (re.escape(sids['alice']), share, re.escape(path)))


def test_audit():
    for proto in PROTOS:
        for share, path, name in (
                ('audit', 'alice/audit-%s.txt',
                 'audit: owner creates and sets DACL'),
                ('profiles', 'alice/plain-%s.txt',
                 'audit off: owner creates and sets DACL on [profiles]')):
            R.equal('%s [%s]' % (name, proto),
                    open_and_set('alice', share, proto, path % proto,
                                 WRITE_DAC | FILE_READ_DATA, FILE_CREATE),
                    (OK, OK))
    log = srv.log_text()
    for proto in PROTOS:
        path = 'alice/audit-%s.txt' % proto
        grants = [l for l in log.splitlines()
                  if re.search(grant_re('audit', path), l)]
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
AUDIT_SHARES = ('"audit"', '"audit_syslog"')


def audit_fields(line):
    """The key=value fields of an audit line as a reader parses them:
    a value is quoted or runs to the next space; a key seen twice is a
    forgery, and is kept as a list"""
    out = {}
    for k, v in AUDIT_FIELD.findall(line.split('profileacl audit: ', 1)[1]):
        out.setdefault(k, []).append(v)
    return out


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
    # a '"' cannot end a quoted field: a client cannot send one in a name,
    # so the file is made on disk, in a folder of its own, and opened by
    # the mangled name smbd lists it by
    cli.mkdir('alice', 'rv_full', 'SMB2', 'alice/quote')
    user_file(os.path.join(srv.share_root, 'profiles', 'alice', 'quote',
                           'q" user="bob.txt'), 'alice')
    listed = [e['name'] for e in cli.conn('alice', 'audit', 'SMB2').list(
        'alice/quote') if '~' in e['name']]
    R.equal('audit: a name with \'"\' is listed by one mangled name',
            len(listed), 1)
    got = open_and_set('alice', 'audit', 'SMB2', 'alice/quote/' +
                       (listed + ['Q~0000.TXT'])[0],
                       WRITE_DAC | FILE_READ_DATA)
    quoted = [audit_fields(l) for l in srv.log_text().splitlines()
              if 'profileacl audit: ' in l and 'alice/quote/' in l]
    if smbd_version() >= (4, 22):
        # observed: Samba 4.22 and later refuse the name the mangled one
        # stands for, so no client reaches it; the escape is not
        # exercised end to end there (cmocka test_log_escape is)
        R.equal('audit: this smbd refuses the name with \'"\'', got[0],
                'NT_STATUS_OBJECT_NAME_INVALID')
        return
    R.equal('audit: the owner opens it asking WRITE_DAC and sets a DACL',
            got, (OK, OK))
    R.check('audit: a \'"\' in a name fakes no field (%d lines)' %
            len(quoted), len(quoted) == 2 and all(
                f['user'] == ['"alice"'] and
                f['path'] == ['"alice/quote/q\\x22 user=\\x22bob.txt"']
                for f in quoted), quoted)


def test_audit_syslog():
    """profileacl:syslog = yes: the lines go to syslog with the
    facility and priority asked (LOCAL5.NOTICE: <173>), and not to
    smbd's log"""
    R.equal('syslog: nothing before the grants', [
        l for l in syslog.lines(0) if 'profileacl audit' in l], [])
    for proto in PROTOS:
        R.equal('syslog: owner creates and sets DACL [%s]' % proto,
                open_and_set('alice', 'audit_syslog', proto,
                             'alice/syslog-%s.txt' % proto,
                             WRITE_DAC | FILE_READ_DATA, FILE_CREATE),
                (OK, OK))
    got = syslog.lines(10, until=lambda got: sum(
        'path="alice/syslog-' in l for l in got) >= 4)
    log = srv.log_text()
    for proto in PROTOS:
        path = 'alice/syslog-%s.txt' % proto
        grant = [l for l in got if re.search(
            r'^<173>.*' + grant_re('audit_syslog', path), l)]
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
    return cli.try_(lambda: Client(srv).conn(user, share, proto))


def test_bad_values():
    for share, option in (
            ('bad_right', 'grant'), ('bad_empty', 'grant'),
            ('bad_name', 'grnat'), ('bad_audit', 'audit'),
            ('bad_audit_empty', 'audit'), ('bad_syslog', 'syslog'),
            ('bad_facility', 'facility'), ('bad_priority', 'priority'),
            ('unused_facility', 'facility'), ('syslog_no_audit', 'syslog'),
            ('bad_pattern', 'profile dirs'),
            ('rv_dirs_none', 'profile dirs')):
        option = 'profileacl:' + option
        for proto in PROTOS:
            # smbd answers a module's failed connect with
            # NT_STATUS_UNSUCCESSFUL (source3/smbd/smb2_service.c)
            R.equal('bad value: tree connect to [%s] refused [%s]' %
                    (share, proto),
                    tree_connect_status('alice', share, proto),
                    TREE_CONNECT_REFUSED)
        R.check('bad value: log names %s for [%s]' % (option, share),
                any(share in l and option in l
                    for l in srv.log_text().splitlines()), option)


def test_bad_global_name():
    """lp_parm_*() falls back to [global]: a misspelt option there refuses
    the share too (each new smbd child reloads the changed smb.conf)"""
    with open(srv.conf) as f:
        text = f.read()
    for option in ('profileacl:grnat', 'profileacl:profile dir'):
        start = srv.log_size()
        with open(srv.conf, 'w') as f:
            f.write(text + '\n[global]\n\t%s = alice\n' % option)
        try:
            for proto in PROTOS:
                R.equal('[global] %s: [nomod] serves, [profiles] is '
                        'refused [%s]' % (option, proto),
                        [cli.try_(lambda: Client(srv).conn('alice', share,
                                                           proto))
                         for share in ('nomod', 'profiles')],
                        ['NT_STATUS_OK', TREE_CONNECT_REFUSED])
            R.check('[global] %s: the log names it and [global]' % option,
                    'unknown option "%s" in [global]' % option
                    in srv.log_since(start))
        finally:
            with open(srv.conf, 'w') as f:
                f.write(text)
    R.equal('[global] restored: [profiles] serves again',
            tree_connect_status('alice', 'profiles', 'SMB2'), 'NT_STATUS_OK')


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
    R.equal('smbd keeps serving', Client(srv).status(
        'alice', 'profiles', 'SMB2', 'alice/NTUSER.DAT', FILE_READ_DATA), OK)


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
    # a value that gives no pattern: refused, as a bad value
    'rv_dirs_none': (MOD, 'profileacl:profile dirs = ,'),
}
USERMAP = os.path.join(ROOT + '-map', 'users.map')
srv = Server(ROOT, extra_shares=profile_shares(EDGE_SHARES),
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


def write_sd(user, share, proto, path, access, sd, secinfo):
    """Open PATH with ACCESS and write SD's SECINFO parts: status"""
    st, fnum = cli.open(user, share, proto, path, access)
    if fnum is None:
        return 'open: ' + st
    st = cli.try_(lambda: cli.conn(user, share, proto).set_sd(fnum, sd,
                                                             secinfo))
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
            return write_sd(user, share, proto, 'alice', MAXIMUM_ALLOWED,
                            dacl, security.SECINFO_DACL)
        return cli.status(user, share, proto, 'alice', how)
    for name, user, share, how, want in rows:
        name = '%s [%s]' % (name, proto)
        if want == REF:
            same_as_reference(name, do(user, share, how),
                              do(user, 'rv_full', how))
        else:
            R.equal(name, do(user, share, how), want)


def share_deny(sid, mask):
    """A share ACL (sharesec's form): MASK denied to SID, then Change for
    Everyone"""
    return '%s:DENIED/0/0x%08x,S-1-1-0:ALLOWED/0/CHANGE' % (sid, mask)


def test_share_deny():
    """A deny ACE of the share ACL: the module adds only what the share
    ACL leaves out, never what it denies this user's token. A deny of
    WRITE_DAC to the owner's primary group on a share with "force group"
    (smbd overwrites that SID in the token after the share mask is made:
    the module cannot see the deny, so it grants nothing there), and a
    deny of GENERIC_ALL (it denies the file rights it stands for)."""
    owner, group, bob = sids['alice'], sids['group'], sids['bob']
    pgroup = primary_group_sid('alice')
    for share, sid, mask in (('rv_deny', 'S-1-1-0', 0x40000),
                             ('rv_deny_wo', 'S-1-1-0', 0x80000),
                             ('rv_deny_grp', group, 0x40000),
                             ('rv_deny_other', bob, 0x40000),
                             ('rv_deny_fg', pgroup, 0x40000),
                             ('rv_deny_pg', pgroup, 0x40000),
                             ('rv_deny_gen', 'S-1-1-0', 0x10000000)):
        srv.set_share_acl(share, share_deny(sid, mask))
    dacl = security.descriptor.from_sddl(
        'D:P(A;OICI;0x001f01ff;;;%s)(A;OICI;0x001f01ff;;;SY)' % owner,
        security.dom_sid(sids['domain']))
    wo = WRITE_OWNER | READ_CONTROL
    every = 'share deny WRITE_DAC to Everyone'
    every_wo = 'share deny WRITE_OWNER to Everyone'
    to_bob = 'share deny WRITE_DAC to bob'
    fg = 'force group share, WRITE_DAC denied to her primary group'
    gen = 'share deny GENERIC_ALL to Everyone'
    no_max = 'no DACL write through MAXIMUM_ALLOWED'
    rows = (
        ('share deny: reference (Full share) lets alice open her folder '
         'with WRITE_DAC', 'alice', 'rv_full', WD, OK),
        (every + ': no WRITE_DAC open', 'alice', 'rv_deny', WD, DENIED),
        (every + ': ' + no_max, 'alice', 'rv_deny', 'set', DENIED),
        (every + ': WRITE_OWNER, which it leaves out, is still granted',
         'alice', 'rv_deny', wo, REF),
        (every_wo + ': no WRITE_OWNER open', 'alice', 'rv_deny_wo', wo,
         DENIED),
        (every_wo + ': no WRITE_DAC and WRITE_OWNER open', 'alice',
         'rv_deny_wo', WD | WRITE_OWNER, DENIED),
        (every_wo + ': WRITE_DAC is still granted', 'alice', 'rv_deny_wo',
         WD, REF),
        ('share deny WRITE_DAC to her group %s: no WRITE_DAC open' % group,
         'alice', 'rv_deny_grp', WD, DENIED),
        ('share deny WRITE_DAC to her group: ' + no_max, 'alice',
         'rv_deny_grp', 'set', DENIED),
        (to_bob + ': alice is still granted', 'alice', 'rv_deny_other', WD,
         REF),
        (to_bob + ': alice writes her DACL through MAXIMUM_ALLOWED',
         'alice', 'rv_deny_other', 'set', REF),
        (to_bob + ': bob gains nothing in her folder', 'bob',
         'rv_deny_other', WD, DENIED),
        ('share deny WRITE_DAC to her primary group %s, no force group: no '
         'WRITE_DAC open' % pgroup, 'alice', 'rv_deny_pg', WD, DENIED),
        ('force group share: alice opens her folder for reading', 'alice',
         'rv_deny_fg', READ_CONTROL, OK),
        (fg + ': no WRITE_DAC open', 'alice', 'rv_deny_fg', WD, DENIED),
        (fg + ': ' + no_max, 'alice', 'rv_deny_fg', 'set', DENIED),
        (gen + ': no WRITE_DAC open', 'alice', 'rv_deny_gen', WD, DENIED),
        (gen + ': ' + no_max, 'alice', 'rv_deny_gen', 'set', DENIED),
        (gen + ': alice still reads', 'alice', 'rv_deny_gen', READ_CONTROL,
         OK))
    for proto in PROTOS:
        deny_rows(proto, dacl, rows)
    R.check('force group share: the log says why nothing is granted',
            'share [rv_deny_fg] has "force group"' in srv.log_text())


def test_share_deny_while_connected():
    """A deny ACE added to the share ACL while the tree is connected
    changes no share mask, so smbd keeps the tree: the module's next
    decision on that tree sees the deny, and sees it go"""
    share, deny = 'rv_deny_other', 'share deny added while connected'
    kept = share_deny(sids['bob'], WRITE_DAC)
    srv.set_share_acl(share, kept)
    for proto in PROTOS:
        got = [cli.status('alice', share, proto, 'alice', WD)]
        srv.set_share_acl(share, share_deny('S-1-1-0', WRITE_DAC))
        try:
            got.append(cli.status('alice', share, proto, 'alice', WD))
        finally:
            srv.set_share_acl(share, kept)
        got.append(cli.status('alice', share, proto, 'alice', WD))
        R.equal('%s: alice\'s WRITE_DAC open before it, on the same tree '
                'refused with it, granted again once it is gone [%s]' %
                (deny, proto), got, [OK, DENIED, OK])


def primary_group_sid(user):
    """The SID smbd puts at sids[1] of USER's token: passdb's primary
    group (pdbedit)"""
    out = run(*server_cmd(['pdbedit', '-s', srv.conf, '-v', '-u', user]))
    return re.search(r'Primary Group SID:\s*(S-[0-9-]+)', out).group(1)


def test_log_escapes_names():
    """A name with a newline cannot start a line of log.smbd (which holds
    the audit lines with "syslog = no"): the module's debug lines escape
    the path as the audit does."""
    user_file(os.path.join(srv.share_root, 'profiles', 'alice',
                           'nl\nFORGED-LINE.txt'), 'alice')
    # a client cannot send a newline in a name; smbd lists the file by a
    # mangled name, and resolves that to the name on disk
    mangled = [e['name'] for e in
               cli.conn('alice', 'rv_full', 'SMB2').list('alice')
               if '~' in e['name']]
    R.equal('a name with a newline: listed by one mangled name', len(mangled),
            1)
    mangled = 'alice/' + (mangled + ['NL~0000.TXT'])[0]
    ref_case('a name with a newline: WRITE_DAC granted', 'alice',
             'rv', 'SMB2', mangled, WD)
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
    for user, path in (('alice', 'alice-elsewhere.txt'),
                       ('alice', 'alice/inside.txt'),
                       ('bob', 'bob-elsewhere.txt')):
        cli.conn(user, 'rv_full', 'SMB2').savefile(path, b'x')
    os.link(os.path.join(top, 'alice-elsewhere.txt'),
            os.path.join(top, 'alice', 'hardlink.txt'))
    os.symlink('../alice-elsewhere.txt',
               os.path.join(top, 'alice', 'symlink.txt'))
    os.symlink('alice/inside.txt', os.path.join(top, 'outlink.txt'))
    os.link(os.path.join(top, 'bob-elsewhere.txt'),
            os.path.join(top, 'alice', 'bobs-hardlink.txt'))
    by_target = smbd_version() >= (4, 22)
    for proto in PROTOS:
        ref_case('links: alice/hardlink.txt to her own file '
                 'outside her folder is granted, as documented [%s]' % proto,
                 'alice', 'rv_dirs', proto, 'alice/hardlink.txt', WD)
        for link, granted in (('alice/symlink.txt', not by_target),
                              ('outlink.txt', by_target)):
            R.equal('links: reference (Full share) opens %s [%s]' %
                    (link, proto),
                    cli.status('alice', 'rv_full', proto, link, WD), OK)
            R.equal('links: %s to her own file is %s on this smbd, as '
                    'documented [%s]' %
                    (link, 'granted' if granted else 'refused', proto),
                    cli.status('alice', 'rv_dirs', proto, link, WD),
                    OK if granted else DENIED)
    walk((('links: her file outside her folder, by its own name: refused '
           '(outside the profile dirs)', 'alice', 'rv_dirs',
           'alice-elsewhere.txt', WD, DENIED),
          ('links: bob\'s file behind a hard link in her folder gives '
           'alice nothing', 'alice', 'rv_dirs', 'alice/bobs-hardlink.txt',
           WD, DENIED)))


def test_profile_dirs_edges():
    """Which objects are her profile dirs: %U for a user whose name has a
    space (username map), a pattern that folds case as Windows names do,
    an anonymous session on a share with %U, and a pattern that
    substitutes to no pattern for the session (%T, the date and time, has
    slashes), which matches nothing while the other patterns still count,
    before it or after it"""
    for proto in PROTOS:
        ref_case('%%U with a space: WRITE_DAC on "%s" [%s]' %
                 (SPACE_NAME, proto), SPACE_NAME, 'rv_dirs', proto,
                 SPACE_NAME, WD)
        ref_case('profile dirs "%s" match "%s" [%s]' %
                 (UNI_PATTERN, UNI_FOLDER, proto), 'alice', 'rv_uni',
                 proto, UNI_FOLDER, WD)
        got, ref = [cli.try_(lambda sh=sh: cli.conn(
            'anonymous', sh, proto).list('')) for sh in ('rv_dirs',
                                                         'rv_guest')]
        same_as_reference('anonymous session: tree connect and '
                          'listing [%s]' % proto, got, ref)
    walk((('%U with a space: bob gains nothing there', 'bob', 'rv_dirs',
           SPACE_NAME, WD, DENIED),
          ('profile dirs "%s" do not match "ELODIE"' % UNI_PATTERN, 'alice',
           'rv_uni', 'ELODIE', WD, DENIED)))

    for proto in PROTOS:
        for share, dirs in (('rv_home', '"%T" %U'),
                            ('rv_home2', '%U "%T"')):
            st = cli.try_(lambda: cli.conn('alice', share, proto).list(''))
            R.equal('profile dirs = %s: alice connects [%s]' %
                    (dirs, proto), st, OK)
            if st != OK:
                continue
            ref_case('profile dirs = %s: %%U still counts '
                     'while %%T gives no pattern [%s]' % (dirs, proto),
                     'alice', share, proto, 'alice', WD)
            R.equal('profile dirs = %s: bob gains nothing in her '
                    'folder [%s]' % (dirs, proto),
                    cli.status('bob', share, proto, 'alice', WD), DENIED)
    R.check('profile dirs = "%T" %U: the log says why %T matches nothing',
            'pattern "%T" gives "' in srv.log_text())


def test_granted_handle_carries():
    """What a granted handle carries: a SACL with SYSTEM_SECURITY, a new
    stream on a new base file created by its owner-to-be (and none on
    another's file), and a POSIX ACL through a handle granted only
    WRITE_OWNER (SMB1 unix extensions)"""
    sacl = security.descriptor.from_sddl(
        'D:P(A;;0x001f01ff;;;%s)(A;;0x001f01ff;;;SY)'
        'S:(AU;SA;0x001f01ff;;;WD)' % sids['alice'],
        security.dom_sid(sids['domain']))
    access = WD | SYSTEM_SECURITY
    secinfo = security.SECINFO_DACL | security.SECINFO_SACL
    every = security.descriptor.from_sddl(
        'D:P(A;;0x001f01ff;;;WD)(A;;0x001f01ff;;;SY)',
        security.dom_sid(sids['domain']))
    for proto in PROTOS:
        got, ref = [write_sd('alice', share, proto, 'alice/sacl.txt', access,
                             sacl, secinfo) for share in ('rv', 'rv_full')]
        same_as_reference('DACL and SACL through a handle granted '
                          'WRITE_DAC with SYSTEM_SECURITY [%s]' % proto,
                          got, ref)
        R.equal('bob gains no WRITE_DAC there [%s]' % proto,
                write_sd('bob', 'rv', proto, 'alice/sacl.txt', WD, sacl,
                         security.SECINFO_DACL), 'open: ' + DENIED)
        ref_case('SEC_RIGHTS_FILE_ALL create of a new stream '
                 'on a new file [%s]' % proto, 'alice', 'rv', proto,
                 'alice/newbase-%s.txt:Stream One' % proto, FILE_ALL,
                 FILE_CREATE,
                 'alice/newbase-ref-%s.txt:Stream One' % proto)
        R.equal('bob: no such create in alice\'s folder [%s]' % proto,
                cli.status('bob', 'rv', proto,
                           'alice/bobbase-%s.txt:s' % proto, FILE_ALL,
                           FILE_CREATE), DENIED)
        # a new stream on a file of alice's whose DACL lets bob in: his
        # create asking WRITE_DAC is refused before the open, so no
        # stream is made (the handle check after the open refuses too,
        # but only after the create)
        base = 'alice/everyone-%s.txt' % proto
        ask = WD | security.SEC_FILE_WRITE_DATA
        R.equal('alice\'s file whose DACL lets Everyone in [%s]' % proto,
                (cli.put('alice', 'rv_full', proto, base),
                 write_sd('alice', 'rv_full', proto, base, WD, every,
                          security.SECINFO_DACL)), (OK, OK))
        R.equal('bob may create a stream on it asking WRITE_DAC: '
                'reference (Full share, no module) [%s]' % proto,
                cli.status('bob', 'rv_full', proto, base + ':ref', ask,
                           FILE_CREATE), OK)
        R.equal('bob creating a stream on it asking WRITE_DAC: refused '
                '[%s]' % proto, cli.status('bob', 'rv', proto, base + ':s',
                                           ask, FILE_CREATE), DENIED)
        R.equal('the refused create made no stream [%s]' % proto,
                cli.status('alice', 'rv_full', proto, base + ':s',
                           FILE_READ_DATA),
                'NT_STATUS_OBJECT_NAME_NOT_FOUND')

    got, ref = [smb1_posix_setacl_fid('alice', share, 'alice\\posix.txt',
                                      WRITE_OWNER | READ_CONTROL)
                for share in ('rv_wo', 'rv_full')]
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
                smb1_posix_setacl('alice', 'rv_wo', 'alice/posix.txt'),
                DENIED)
    else:
        same_as_reference('POSIX ACL through a handle granted only '
                          'WRITE_OWNER', got[1], ref[1])


def test_syslog_sink_drains():
    """smbd's syslog(3) must never wait for this process: while it holds
    the GIL, as a client call into the bindings does, a burst of lines
    (more than a datagram socket holds) still gets through"""
    sender = subprocess.Popen([
        sys.executable, '-c',
        'import socket, sys\n'
        's = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)\n'
        'for i in range(200):\n'
        '    s.sendto(b"burst %d" % i, sys.argv[1])\n', syslog.path])
    interval = sys.getswitchinterval()
    sys.setswitchinterval(1000)
    try:
        deadline = time.time() + 5
        while time.time() < deadline:
            pass  # no call that lets the GIL go
    finally:
        sys.setswitchinterval(interval)
    done = sender.poll() is not None
    if not done:
        sender.kill()
    sender.wait()
    R.check('the syslog sink takes 200 lines while the test holds the GIL',
            done and 'burst 199' in syslog.lines(5, until=lambda got:
                                                 'burst 199' in got))


def main():
    global cli, syslog
    PW[SPACE_UNIX] = PW[SPACE_NAME] = 'Anna-pw-3'
    os.makedirs(os.path.dirname(USERMAP), exist_ok=True)
    with open(USERMAP, 'w') as f:
        f.write('%s = "%s"\n' % (SPACE_UNIX, SPACE_NAME))
    acls = dict.fromkeys(('profiles', 'nomod', 'readonly', 'posix',
                          'posixnomod', 'pdirs', 'wowner', 'audit',
                          'audit_syslog', 'pstar') + tuple(EDGE_SHARES),
                         'CHANGE')
    acls.update(full='FULL', readacl='READ', rv_full='FULL', rv_guest='FULL')
    srv.prepare(users=('alice', 'bob', SPACE_UNIX), share_acls=acls)
    # alice may open with SYSTEM_SECURITY (the SACL case)
    run(*server_cmd(['net', 'sam', 'rights', 'grant', 'alice',
                     'SeSecurityPrivilege', '-s', srv.conf]))
    syslog = SyslogSink(os.path.join(ROOT, 'syslog'))
    srv.start()
    try:
        cli = Client(srv)
        setup_objects()
        setup_edges()
        run_cases(R, (test_profile_dirs_edges, test_profile_dirs_links,
                      test_granted_handle_carries, test_share_deny,
                      test_share_deny_while_connected,
                      test_log_escapes_names, test_kb_symptom_and_fix,
                      test_create_asking_write_dac, test_maximum_allowed,
                      test_other_user_gains_nothing, test_share_restrictions,
                      test_posix_acls, test_smbcacls, test_option_defaults,
                      test_profile_dirs, test_profile_dirs_share_root,
                      test_write_owner, test_audit, test_audit_syslog,
                      test_bad_values, test_bad_global_name,
                      test_log_and_health,
                      test_syslog_sink_drains))
    finally:
        cli = None
        srv.stop()
    return R.summary()


if __name__ == '__main__':
    sys.exit(main())
