#!/usr/bin/python3
"""profileacl-check on the standalone server: a crafted share for each
problem code (each reported, nothing else), a healthy share (nothing, exit
0), the exit statuses, a profile sync that fails before --fix and passes
after, and --user against a real open. Run inside tests/netns-run.sh, as
root.
"""

import json
import os
import pwd
import re
import shlex
import shutil
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from harness import (Client, Results, Server, READ_CONTROL, SAMBA_ROOT,
                     SHARE_ACLS, TESTS, WRITE_DAC, WRITE_OWNER,
                     ensure_unix_user,
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
    # refused for its option: a name is no reason
    'c_fake_perms': (PA, CHANGE, ['profileacl:grnt = write_dac'],
                     ['bad-options']),
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
    'c_unusable': (PA + ' nosuchmodule', CHANGE, [], ['share-unusable']),
    'c_missing': (PA, CHANGE, [], ['share-root-missing']),
    'c_owner': (PA, CHANGE, [], ['folder-not-owned']),
    'c_content': (PA, CHANGE, [], ['content-not-owned']),
    'c_noacct': (PA, CHANGE, [], ['no-account']),
    'c_ambig': (PA, CHANGE, ['profileacl:profile dirs = %U*'],
                ['ambiguous-account']),
    'c_limit': (PA, CHANGE, [], ['walk-limited']),
    # alice's and bob's folders each hold a link of the one file
    'c_link': (PA, CHANGE, [], ['content-not-owned', 'content-not-owned',
                                'fix-refused-link', 'fix-refused-link']),
    'c_sync': (PA, CHANGE, [], ['folder-not-owned', 'content-not-owned']),
    'c_pdirs': (PA, CHANGE, ['profileacl:profile dirs = %U %U.V6'], []),
    'c_valid': (PA, CHANGE, ['valid users = alice'], []),
    'c_admin': (PA, CHANGE, ['admin users = alice'], ['admin-users']),
    'c_wlist': (PA, CHANGE, ['read only = yes', 'write list = alice bob'],
                []),
    'c_wo': (PA, CHANGE, ['profileacl:grant = write_dac write_owner'], []),
    # bob made alice.V6 before her first logon: --fix gives nothing away
    'c_squat': (PA, CHANGE, [], ['content-not-owned', 'fix-refused-owner',
                                 'fix-refused-owner', 'folder-not-owned']),
    'c_unread': (PA, CHANGE, [], ['walk-error']),
}
# the options a share is checked with
ARGS = {'c_limit': ['--limit', '3'], 'c_link': ['--fix'],
        'c_squat': ['--fix'], 'c_noacct': ['--fix'], 'c_ambig': ['--fix']}


def owners(top):
    """Each entry under TOP: its owner, group and mode"""
    out = {}
    for d, dirs, files in os.walk(top):
        for n in dirs + files + ['.']:
            st = os.lstat(os.path.join(d, n))
            out[os.path.join(d, n)] = (st.st_uid, st.st_gid, st.st_mode)
    return out


def found(top, path):
    """Is PATH under TOP, its names matched in any case, as smbd does?"""
    for name in path.split('/'):
        match = [n for n in os.listdir(top) if n.lower() == name.lower()]
        if not match:
            return False
        top = os.path.join(top, match[0])
    return True


def path_of(name):
    return os.path.join(ROOT, 'shares', name)


def uid(user):
    return pwd.getpwnam(user).pw_uid


NO_DAC = ['setpriv', '--bounding-set=-dac_override,-dac_read_search']


def tool(conf, *args, pre=()):
    """(exit status, stdout, stderr) of profileacl-check"""
    pre = list(pre)
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
    os.chmod(top, 0o0777 if name == 'c_open' else 0o1733)
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
        user_file(os.path.join(top, 'nosuchaccount', 'x'), 'root')
    if name == 'c_ok':
        # Windows' suffix, in another case
        os.mkdir(os.path.join(top, 'Alice.V2'))
        os.chown(os.path.join(top, 'Alice.V2'), uid('alice'), -1)
    if name == 'c_squat':
        d = os.path.join(top, 'alice.V6')
        os.mkdir(d)
        os.chown(d, uid('bob'), -1)
        user_file(os.path.join(d, 'NTUSER.DAT'), 'bob')
    if name == 'c_unread':
        # a folder root cannot read, as on a FUSE mount: its mode 000,
        # read by a root without DAC override (NO_DAC below)
        os.mkdir(os.path.join(top, 'bob', 'cache'))
        os.chown(os.path.join(top, 'bob', 'cache'), uid('bob'), -1)
        os.chmod(os.path.join(top, 'bob', 'cache'), 0)
    if name == 'c_ambig':
        os.mkdir(os.path.join(top, 'alice2'))
        user_file(os.path.join(top, 'alice2', 'x'), 'root')
    if name == 'c_limit':
        for i in range(5):
            user_file(os.path.join(top, 'bob', 'f%d' % i), 'bob')
    if name == 'c_link':
        # a file of root's in bob's folder, linked into alice's, and a
        # symlink (root's) to another of bob's
        user_file(os.path.join(top, 'bob', 'restored'), 'root')
        os.link(os.path.join(top, 'bob', 'restored'),
                os.path.join(top, 'alice', 'bobs'))
        os.symlink('../bob/NTUSER.DAT', os.path.join(top, 'alice', 'sym'))


def stale_module():
    """Swap the module smbd loads (tests/netns-run.sh's copy) for one
    built for another libsmbd-base build, by rename (a running smbd keeps
    its own); returns the function that swaps it back"""
    if os.environ.get('PROFILEACL_IN_NETNS') != '1':
        raise RuntimeError('only in tests/netns-run.sh: the module '
                           'folder there is a copy')
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

        # each share alone: its codes, and nothing else; without --fix
        # nothing changes
        before = {n: owners(path_of(n)) for n in CRAFTED}
        for n, s in CRAFTED.items():
            back = stale_module() if n == 'c_stale' else None
            try:
                st, out, err = tool(conf, '--json', *(ARGS.get(n, []) + [n]),
                                    pre=NO_DAC if n == 'c_unread' else ())
            finally:
                if back:
                    back()
            try:
                doc = json.loads(out)
            except ValueError:
                doc = {'problems': [{'code': 'no JSON: ' + err[-200:]}]}
            codes = sorted(p['code'] for p in doc['problems'])
            want = sorted(s[3])
            R.equal('[%s] reports %s' % (n, want or 'nothing'), codes, want)
            R.equal('[%s] exit status' % n, st, 1 if want else 0)
            if want:
                R.check('[%s] each problem names share, path, account, '
                        'owner, code, consequence, suggestion' % n,
                        all(set(p) == {'share', 'path', 'account', 'owner',
                                       'code', 'consequence',
                                       'suggestion'} and
                            p['share'] == n and p['consequence'] and
                            p['suggestion'] and p['path']
                            for p in doc['problems']), doc['problems'])
        R.equal('without --fix nothing changes (owner, group, mode of each '
                'entry)', [n for n in CRAFTED if before[n] !=
                           owners(path_of(n)) and n not in
                           ('c_link', 'c_squat')], [])
        R.equal('[c_squat] --fix leaves bob\'s alice.V6 bob\'s',
                before['c_squat'], owners(path_of('c_squat')))
        R.equal('[c_link] --fix gives alice neither the linked file nor '
                'the symlink\'s target',
                [os.stat(os.path.join(path_of('c_link'), 'bob', f)).st_uid
                 for f in ('restored', 'NTUSER.DAT')], [0, uid('bob')])
        R.equal('[c_link] the symlink itself is alice\'s now',
                os.lstat(os.path.join(path_of('c_link'), 'alice',
                                      'sym')).st_uid, uid('alice'))
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
                out.startswith('0 problems; 3 profile folders'), out)
        st, out, _ = tool(conf, 'c_owner')
        R.check('table: a problem gives its code, consequence and fix',
                st == 1 and 'folder-not-owned' in out and
                'fix: profileacl-check --fix c_owner' in out, out)
        st, _, err = tool(conf, 'c_nosuch')
        R.check('no such share: exit 2, and says so',
                st == 2 and 'no share [c_nosuch]' in err, err)
        # a copy bob can read: the checkout may be root's alone
        asbob = os.path.join(ROOT, 'asbob')
        os.makedirs(asbob)
        os.chmod(asbob, 0o755)
        shutil.copy(TOOL, asbob)
        p = subprocess.run(['setpriv', '--reuid=%d' % uid('bob'),
                            '--regid=%d' % uid('bob'), '--clear-groups',
                            os.path.join(asbob, 'profileacl-check'), '-s',
                            conf, 'c_ok'], capture_output=True, text=True,
                           timeout=600)
        R.check('not root: exit 2, and says so',
                p.returncode == 2 and 'run it as root' in p.stderr,
                p.stderr)
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
                p.returncode == 2 and 'profileacl-decide is not installed'
                in p.stderr, p.stderr)
        # root runs no helper someone else could have written
        shutil.copy(os.path.join(os.path.dirname(TOOL),
                                 'profileacl-decide'), alone)
        os.chown(alone, uid('bob'), -1)
        p = subprocess.run([os.path.join(alone, 'profileacl-check'), '-s',
                            conf, 'c_ok'], capture_output=True, text=True)
        R.check('a helper in a folder of bob\'s: exit 2, not run',
                p.returncode == 2 and 'not root\'s alone' in p.stderr,
                p.stderr)

        # a logoff that fails before --fix and passes after
        for proto in ('SMB1', 'SMB2'):
            c = cli.conn('alice', 'c_sync', proto)
            sd = profile_folder(c, 'alice.V6')
            got = cli.try_(lambda: profile_sync(c, 'alice.V6/NTUSER.MAN',
                                                sd))
            R.equal('[c_sync] before --fix alice\'s sync is refused '
                    '[%s]' % proto, got, 'NT_STATUS_ACCESS_DENIED')
        bobs = {k: v for k, v in owners(path_of('c_sync')).items()
                if '/alice.V6' not in k}
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
        R.equal('--fix changes nothing outside alice.V6',
                [k for k, v in owners(path_of('c_sync')).items()
                 if '/alice.V6' not in k and bobs.get(k) != v], [])

        # --user: the module's answer against a real open through smbd
        cli.make_shared_files('c_ok')
        cli.make_shared_files('c_pdirs')
        cli.make_shared_files('c_wo')
        os.mkdir(os.path.join(path_of('c_pdirs'), 'other'))
        user_file(os.path.join(path_of('c_pdirs'), 'other', 'a'), 'alice')
        cases = [(s, u, p) for s in ('c_ok', 'c_pdirs')
                 for u in ('alice', 'bob')
                 for p in ('alice/shared.txt', 'bob/shared.txt', 'alice',
                           'bob', '%s/new.txt' % u)] + \
            [('c_pdirs', 'alice', 'other/a'), ('c_full', 'bob', 'bob'),
             ('c_ok', 'alice', 'alice/SHARED.TXT'),
             ('c_ok', 'bob', 'alice/SHARED.TXT'),
             ('c_wo', 'alice', 'alice/shared.txt'),
             ('c_wo', 'bob', 'alice/shared.txt')] + \
            [(s, 'alice', 'alice/NTUSER.DAT')
             for s in ('c_deny', 'c_ro', 'c_fuser', 'c_fgroup', 'c_admin',
                       'c_wlist')]
        seen = set()
        for share, u, path in cases:
            st, out, err = tool(conf, '--json', '--user', u, path, share)
            try:
                a = json.loads(out)['answers'][0]
            except (ValueError, IndexError, KeyError):
                R.check('--user %s %s [%s] answers' % (u, path, share),
                        False, err[-300:])
                continue
            exists = found(path_of(share), path)
            real = cli.status(u, share, 'SMB2', path,
                              WRITE_DAC | READ_CONTROL |
                              (WRITE_OWNER if share == 'c_wo' else 0),
                              1 if exists else 2)
            granted = a.get('allowed')
            # a grant the module made, not the share ACL alone
            seen.add('module' if a.get('granted') else granted)
            # exit 2 (could not ask) is never taken for a refusal
            R.equal('--user %s %s [%s]: %s, as smbd (%s)' % (
                u, path, share, a.get('granted') or a.get('reason') or
                a['status'], real),
                (granted, st), (real == OK, 0 if real == OK else 1))
        R.check('--user: both answers were seen, a grant of the module\'s '
                'among them', {'module', False} <= seen, seen)
        st, out, _ = tool(conf, '--user', 'bob', 'bob', 'c_valid')
        R.check('--user: a user smbd refuses the share is not granted',
                st == 1 and 'smbd refuses bob the share' in out and
                cli.try_(lambda: cli.conn('bob', 'c_valid', 'SMB2')) ==
                'NT_STATUS_ACCESS_DENIED', out)
        st, out, _ = tool(conf, '--user', 'alice', 'alice/../bob', 'c_ok')
        R.check('--user: a path out of the share is not asked (exit 2)',
                st == 2 and 'PATH_SYNTAX_BAD' in out, out)
        st, out, err = tool(conf, '--user', 'nosuchaccount', 'alice', 'c_ok')
        R.check('--user: no such account: exit 2, and says so',
                st == 2 and 'nosuchaccount is no account' in err, err)
        # the progress line, on a terminal only (script(1) gives one)
        p = subprocess.run(['script', '-qec', ' '.join(
            shlex.quote(w) for w in (TOOL, '-s', conf, 'c_ok')),
            '/dev/null'], capture_output=True, text=True, timeout=600)
        progress = p.stdout
        R.check('a terminal sees the progress line',
                p.returncode == 0 and
                'checked 3 profile folders, ' in progress, progress)
        st, out, _ = tool(conf, '--user', 'alice', 'c_ok')
        R.equal('--user NAME: her own folder, granted',
                (st, out.strip()),
                (0, '[c_ok] Alice.V2, alice: granted WRITE_DAC\n'
                 '[c_ok] alice, alice: granted WRITE_DAC'))
    finally:
        srv.stop()
    return R.summary('check')


if __name__ == '__main__':
    sys.exit(main())
