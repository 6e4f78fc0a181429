#!/usr/bin/python3
"""profileacl-check on the standalone server: a crafted share for each
problem code (each reported, nothing else), a healthy share (nothing, exit
0), the exit statuses, a profile sync that fails before --fix and passes
after, and --user against a real open. Run inside tests/netns-run.sh, as
root.
"""

import json
import os
import pty
import pwd
import re
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from harness import (Client, Results, Server, READ_CONTROL, SAMBA_ROOT,
                     SHARE_ACLS, TESTS, WRITE_DAC, ensure_unix_user,
                     server_cmd,
                     profile_folder, profile_sync, user_file)
from samba import NTSTATUSError

ROOT = os.environ.get('PROFILEACL_CHECK_ROOT', '/tmp/profileacl-check')
TOOL = os.path.join(TESTS, '..', 'build', 'profileacl-check')
OK = 'NT_STATUS_OK'
CHANGE = SHARE_ACLS['CHANGE']
DENY_WDAC = CHANGE + ',S-1-1-0:DENIED/0/0x00040000'
PA = 'profileacl acl_xattr'

# name: (vfs objects, share ACL, other lines, the codes it must report)
CRAFTED = {
    'c_ok': (PA, CHANGE, [], []),
    'c_nomod': ('acl_xattr', CHANGE, [], ['module-not-enabled']),
    'c_stale': (PA, CHANGE, [], ['module-stale']),
    'c_badopt': (PA, CHANGE, ['profileacl:grant = everything'],
                 ['bad-options']),
    'c_fake': ('profileacl fake_perms', CHANGE, [], ['fake-perms']),
    'c_deny': (PA, DENY_WDAC, [], ['share-acl-denies-write-dac']),
    'c_nowrite': (PA, SHARE_ACLS['READ'], [], ['share-acl-no-write']),
    'c_full': (PA, SHARE_ACLS['FULL'], [], ['share-acl-grants-write-dac']),
    'c_ro': (PA, CHANGE, ['read only = yes'], ['read-only']),
    'c_fuser': (PA, CHANGE, ['force user = alice'], ['force-user']),
    'c_fgroup': (PA, CHANGE, ['force group = users'], ['force-group']),
    'c_gonly': (PA, CHANGE, ['guest ok = yes', 'guest only = yes'],
                ['guest-only', 'guest-ok']),
    'c_gok': (PA, CHANGE, ['guest ok = yes'], ['guest-ok']),
    'c_open': (PA, CHANGE, [], ['share-root-open']),
    'c_missing': (PA, CHANGE, [], ['share-root-missing']),
    'c_owner': (PA, CHANGE, [], ['folder-not-owned']),
    'c_content': (PA, CHANGE, [], ['content-not-owned']),
    'c_noacct': (PA, CHANGE, [], ['no-account']),
    'c_ambig': (PA, CHANGE, ['profileacl:profile dirs = %U*'],
                ['ambiguous-account']),
    'c_limit': (PA, CHANGE, [], ['walk-limited']),
    'c_link': (PA, CHANGE, [], ['content-not-owned', 'fix-refused-link']),
    'c_sync': (PA, CHANGE, [], ['folder-not-owned', 'content-not-owned']),
    'c_pdirs': (PA, CHANGE, ['profileacl:profile dirs = %U %U.V6'], []),
    'c_valid': (PA, CHANGE, ['valid users = alice'], []),
}
# what each share needs besides the healthy folders, and its options
LIMIT = {'c_limit': ['--limit', '3']}
FIX = {'c_link': ['--fix']}


def path_of(name):
    return os.path.join(ROOT, 'shares', name)


def uid(user):
    return pwd.getpwnam(user).pw_uid


def tool(conf, *args, user=None):
    """(exit status, stdout, stderr) of profileacl-check"""
    pre = ['setpriv', '--reuid=%d' % uid(user), '--regid=%d' % uid(user),
           '--clear-groups'] if user else []
    p = subprocess.run(pre + [TOOL, '-s', conf] + list(args),
                       capture_output=True, text=True, timeout=600)
    return p.returncode, p.stdout, p.stderr


def craft(name):
    """The share's folder: root's, 1733, alice's and bob's profile folders
    (each with a file of theirs), and the share's own problem"""
    top = path_of(name)
    if name == 'c_missing':
        return
    os.makedirs(top)
    os.chmod(top, 0o1777 if name == 'c_open' else 0o1733)
    for u in ('alice', 'bob'):
        os.mkdir(os.path.join(top, u))
        os.chown(os.path.join(top, u), uid(u), -1)
        user_file(os.path.join(top, u, 'NTUSER.DAT'), u)
    if name in ('c_owner', 'c_sync'):
        # pre-created by an admin, as root, writable by alice
        d = os.path.join(top, 'alice.V6')
        os.mkdir(d)
        os.chmod(d, 0o777)
    if name in ('c_content', 'c_sync'):
        f = user_file(os.path.join(top, 'alice.V6' if name == 'c_sync'
                                   else 'bob', 'NTUSER.MAN'), 'root')
        os.chmod(f, 0o666)
    if name == 'c_noacct':
        os.mkdir(os.path.join(top, 'nosuchaccount'))
    if name == 'c_ambig':
        os.mkdir(os.path.join(top, 'alice2'))
    if name == 'c_limit':
        for i in range(5):
            user_file(os.path.join(top, 'bob', 'f%d' % i), 'bob')
    if name == 'c_link':
        # bob's file, linked into alice's folder
        os.link(os.path.join(top, 'bob', 'NTUSER.DAT'),
                os.path.join(top, 'alice', 'bobs'))


def stale_module():
    """Swap the module smbd loads (tests/netns-run.sh's copy) for one
    built for another libsmbd-base build, by rename (a running smbd keeps
    its own); returns the function that swaps it back"""
    out = subprocess.run(server_cmd(['smbd', '-b']), capture_output=True,
                         text=True).stdout
    vfs = (SAMBA_ROOT or '') + re.search(r'MODULESDIR:\s*(\S+)',
                                         out).group(1) + '/vfs/'
    with open(vfs + 'profileacl.so', 'rb') as f:
        data = f.read()
    with open(os.path.join(TESTS, '..', 'build', 'c4che',
                           '_cache.py')) as f:
        build_id = f.read().split('PROFILEACL_SAMBA_BUILD_ID="')[1][:40]
    other = ''.join('0' if c != '0' else '1' for c in build_id)
    assert build_id.encode() in data
    os.link(vfs + 'profileacl.so', vfs + 'current.so')
    with open(vfs + 'stale.so', 'wb') as f:
        f.write(data.replace(build_id.encode(), other.encode()))
    os.replace(vfs + 'stale.so', vfs + 'profileacl.so')
    return lambda: os.replace(vfs + 'current.so', vfs + 'profileacl.so')


def main():
    R = Results()
    ensure_unix_user('alice2')
    extra = ''.join('\n[%s]\n\tpath = %s\n\tread only = no\n'
                    '\tvfs objects = %s\n%s' % (
                        n, path_of(n), s[0], ''.join('\t%s\n' % l
                                                     for l in s[2]))
                    for n, s in CRAFTED.items())
    srv = Server(ROOT, extra_shares=extra)
    srv.prepare(share_acls={n: s[1] for n, s in CRAFTED.items()})
    for n in CRAFTED:
        craft(n)
    srv.start()
    try:
        cli = Client(srv)
        conf = srv.conf

        # each share alone: its codes, and nothing else
        for n, s in CRAFTED.items():
            back = stale_module() if n == 'c_stale' else None
            try:
                st, out, err = tool(conf, '--json', *(
                    LIMIT.get(n, []) + FIX.get(n, []) + [n]))
            finally:
                if back:
                    back()
            try:
                doc = json.loads(out)
            except ValueError:
                doc = {'problems': [{'code': 'no JSON: ' + err[-200:]}]}
            codes = sorted(p['code'] for p in doc['problems'])
            want = sorted(s[3])
            if n == 'c_link':
                # --fix gives alice nothing of bob's: the link is refused,
                # and stays reported
                want = ['content-not-owned', 'fix-refused-link']
            R.equal('[%s] reports %s' % (n, want or 'nothing'), codes, want)
            R.equal('[%s] exit status' % n, st, 1 if want else 0)
            R.check('[%s] each problem names share, path, account, owner, '
                    'code, consequence, suggestion' % n,
                    all(set(p) == {'share', 'path', 'account', 'owner',
                                   'code', 'consequence', 'suggestion'} and
                        p['share'] == n and p['consequence']
                        for p in doc['problems']), err[-300:])
        R.equal('[c_link] bob keeps his linked file',
                os.stat(os.path.join(path_of('c_link'), 'bob',
                                     'NTUSER.DAT')).st_uid, uid('bob'))
        owner = [p for p in json.loads(tool(conf, '--json', 'c_owner')[1])[
            'problems']]
        R.check('[c_owner] says the consequence in the admin\'s words',
                owner and owner[0]['consequence'].startswith(
                    "alice.V6 is owned by root: alice's logoff will fail"),
                owner)

        # the table, the exit statuses 2
        st, out, _ = tool(conf, 'c_ok')
        R.equal('table: a healthy share exits 0', st, 0)
        R.check('table: a healthy share says "0 problems"',
                out.startswith('0 problems; 2 profile folders'), out)
        st, out, _ = tool(conf, 'c_owner')
        R.check('table: a problem gives its code, consequence and fix',
                st == 1 and 'folder-not-owned' in out and
                'fix: profileacl-check --fix c_owner' in out, out)
        R.equal('no such share: exit 2', tool(conf, 'c_nosuch')[0], 2)
        R.equal('not root: exit 2', tool(conf, 'c_ok', user='bob')[0], 2)
        alone = os.path.join(ROOT, 'alone')
        os.makedirs(alone)
        with open(TOOL) as f:
            text = f.read().replace('/libexec/', '/nowhere/')
        with open(os.path.join(alone, 'profileacl-check'), 'w') as f:
            f.write(text)
        os.chmod(os.path.join(alone, 'profileacl-check'), 0o755)
        p = subprocess.run([os.path.join(alone, 'profileacl-check'), '-s',
                            conf, 'c_ok'], capture_output=True, text=True)
        R.check('no profileacl-decide: exit 2, and says so',
                p.returncode == 2 and 'profileacl-decide' in p.stderr,
                p.stderr)

        # a logoff that fails before --fix and passes after
        for proto in ('SMB1', 'SMB2'):
            c = cli.conn('alice', 'c_sync', proto)
            sd = profile_folder(c, 'alice.V6')
            try:
                profile_sync(c, 'alice.V6/NTUSER.MAN', sd)
                got = OK
            except NTSTATUSError as e:
                got = e.args[1] if len(e.args) > 1 else str(e)
            R.check('[c_sync] before --fix alice\'s sync fails [%s]' % proto,
                    got != OK, got)
        st, out, _ = tool(conf, '--fix', 'c_sync')
        R.equal('--fix: exit 0 once fixed', st, 0)
        R.equal('--fix: prints each change',
                sorted(l.split(' (')[0] for l in out.splitlines()
                       if l.startswith('chown ')),
                ['chown alice %s/alice.V6' % path_of('c_sync'),
                 'chown alice %s/alice.V6/NTUSER.MAN' % path_of('c_sync')])
        st, out, _ = tool(conf, '--fix', 'c_sync')
        R.check('--fix twice: the second changes nothing',
                st == 0 and 'chown' not in out, out)
        for proto in ('SMB1', 'SMB2'):
            cli.drop()
            c = cli.conn('alice', 'c_sync', proto)
            sd = profile_folder(c, 'alice.V6')
            try:
                profile_sync(c, 'alice.V6/NTUSER.MAN', sd)
                got = OK
            except NTSTATUSError as e:
                got = str(e)
            R.equal('[c_sync] after --fix alice\'s sync passes [%s]' % proto,
                    got, OK)
        R.check('--fix leaves bob\'s folder alone',
                os.stat(os.path.join(path_of('c_sync'), 'bob')).st_uid ==
                uid('bob'))

        # --user: the module's answer against a real open through smbd
        cli.make_shared_files('c_ok')
        cli.make_shared_files('c_pdirs')
        os.mkdir(os.path.join(path_of('c_pdirs'), 'other'))
        user_file(os.path.join(path_of('c_pdirs'), 'other', 'a'), 'alice')
        cases = [(s, u, p) for s in ('c_ok', 'c_pdirs')
                 for u in ('alice', 'bob')
                 for p in ('alice/shared.txt', 'bob/shared.txt', 'alice',
                           'bob', '%s/new.txt' % u)] + \
            [('c_pdirs', 'alice', 'other/a'), ('c_full', 'bob', 'bob')]
        seen = set()
        for share, u, path in cases:
            st, out, err = tool(conf, '--json', '--user', u, path, share)
            try:
                a = json.loads(out)['answers'][0]
            except (ValueError, IndexError, KeyError):
                R.check('--user %s %s [%s] answers' % (u, path, share),
                        False, err[-300:])
                continue
            exists = os.path.exists(os.path.join(path_of(share), path))
            real = cli.status(u, share, 'SMB2', path,
                              WRITE_DAC | READ_CONTROL,
                              1 if exists else 2)
            granted = a['allowed']
            seen.add(granted)
            R.equal('--user %s %s [%s]: %s, as smbd' % (
                u, path, share, a['granted'] or a['reason']),
                (granted, st == 0), (real == OK, real == OK))
        R.equal('--user: both answers were seen', seen, {True, False})
        st, out, _ = tool(conf, '--user', 'bob', 'bob', 'c_valid')
        R.check('--user: a user smbd refuses the share is not granted',
                st == 1 and 'smbd refuses bob the share' in out and
                cli.try_(lambda: cli.conn('bob', 'c_valid', 'SMB2')) ==
                'NT_STATUS_ACCESS_DENIED', out)
        st, out, _ = tool(conf, '--user', 'alice', 'alice/../bob', 'c_ok')
        R.check('--user: a path out of the share is not asked (exit 2)',
                st == 2 and 'PATH_SYNTAX_BAD' in out, out)
        st, out, _ = tool(conf, '--user', 'nosuchaccount', 'alice', 'c_ok')
        R.check('--user: no such account: exit 2', st == 2, out)
        # the progress line, on a terminal only
        master, slave = pty.openpty()
        p = subprocess.run([TOOL, '-s', conf, 'c_ok'], stderr=slave,
                           stdout=subprocess.PIPE, text=True, timeout=600)
        os.close(slave)
        progress = os.read(master, 4096).decode(errors='replace')
        os.close(master)
        R.check('a terminal sees the progress line',
                p.returncode == 0 and
                'checked 2 profile folders' in progress, progress)
        st, out, _ = tool(conf, '--user', 'alice', 'c_ok')
        R.equal('--user NAME: her own folder, granted',
                (st, out.strip()),
                (0, '[c_ok] alice, alice: granted WRITE_DAC'))
    finally:
        srv.stop()
    return R.summary('check')


if __name__ == '__main__':
    sys.exit(main())
