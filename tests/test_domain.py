#!/usr/bin/python3
"""A domain profile server: the Samba AD DC of tests/harness.py (DC)
serving the profile share itself, or with "member" the file server
joined to it (Member), with domain users, NTLM and Kerberos, over SMB1,
SMB 2.1 and SMB 3; on the member, profileacl-check with winbind
accounts too. What each checks: docs/testing.md, "Domain profile
servers". Runs inside tests/netns-run.sh; everything it starts is
stopped by pid.
"""

import itertools
import json
import os
import re
import subprocess
import sys
import time
import traceback

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from harness import (DC, DELETE, DENIED, FILE_WRITE_DATA, GENERIC_ALL,
                     MAXIMUM_ALLOWED, OK, PROTOS, READ_CONTROL, TESTS,
                     WRITE_DAC, WRITE_OWNER, Daemons, Member, Results,
                     ensure_unix_user, owner_checks, policy_dacl,
                     profile_folder, profile_sync, status_name, user_file)

from samba import NTSTATUSError
from samba.dcerpc import security

ROOT = os.environ.get('PROFILEACL_DOMAIN_ROOT', '/tmp/profileacl-domain')
REALM, DOMAIN, ADMIN_PW = DC.REALM, DC.DOMAIN, DC.ADMIN_PW
USERS, RID_BASE = DC.USERS, Member.RID_BASE
PEOPLE = ('alice', 'bob', 'carol smith', 'jürgen')
SMB13 = ('SMB1', 'SMB3')
# the share root's ACL (DC.ROOT_SDDL) in the syntax of smbcacls --set (the
# guide's command on a member server)
ROOT_SMBCACLS = (r'OWNER:BUILTIN\Administrators,GROUP:%(domain)s\Domain Users,'
                 r'ACL:CREATOR OWNER:ALLOWED/OI|CI|IO/0x001f01ff,'
                 r'ACL:BUILTIN\Administrators:ALLOWED/OI|CI/0x001f01ff,'
                 r'ACL:NT AUTHORITY\SYSTEM:ALLOWED/OI|CI/0x001f01ff,'
                 r'ACL:%(domain)s\Domain Users:ALLOWED/0x0/0x001000a5')
# The log settings an admin may put in [global] (name, log level, audit
# to syslog): with the guide's, the first, no admin tool may print
# "debug_lookup_classname: Unknown classname[profileacl]"
LOG_SETUPS = (('guide: log level = 1, audit to syslog', '1', True),
              ('log level = 0 profileacl:1', '0 profileacl:1', False),
              ('log level = 1 profileacl:3', '1 profileacl:3', False))
# the logons %U must match in "profileacl:profile dirs = %U %U.V2 %U.V6":
# user, name form, auth
LOGONS = (('alice', 'upn', 'ntlm'), ('alice', 'upn', 'krb5'),
          ('carol smith', 'domain', 'ntlm'), ('jürgen', 'domain', 'ntlm'),
          ('jürgen', 'domain', 'krb5'))
# the tools an admin runs all day, on an smb.conf {}
TOOLS = ('testparm -s {}',
         'smbclient -s {} -L %s -U alice%%%s' % (DC.FQDN, USERS['alice']),
         'smbcontrol -s {} smbd ping', 'smbstatus -s {} -b',
         'samba-tool testparm -s {} --suppress-prompt', 'net -s {} ads info')
MATRIX_ACCESS = {'WRITE_DAC': WRITE_DAC, 'WRITE_OWNER': WRITE_OWNER,
                 'DELETE': DELETE, 'WRITE_DATA': FILE_WRITE_DATA,
                 'READ_CONTROL': READ_CONTROL, 'GENERIC_ALL': GENERIC_ALL,
                 'WRITE_DAC|READ_CONTROL': WRITE_DAC | READ_CONTROL}
# object: its owner; admin.txt is in her profile dir but root's
MATRIX_OBJECTS = {'alice.V6': 'alice', 'alice.V6/NTUSER.DAT': 'alice',
                  'alice.V6/admin.txt': 'root', 'alice.old': 'alice',
                  'bob.V6': 'bob', 'bob.V6/NTUSER.DAT': 'bob'}
TOOL = os.path.join(TESTS, '..', 'build', 'profileacl-check')
# profileacl-check on the member: the domain user whose profile folder
# root pre-creates, and a folder that names no account
PLANTED, NOBODY = 'carol smith.V2', 'nosuch.V6'
# --user: (user, path) against a real open; the users have no local
# namesake, the paths are the owner's, the other's and nobody's
USER_CASES = [(u, p) for u in ('carol smith', 'jürgen') for p in (
    PLANTED, PLANTED + '/NTUSER.MAN', 'jürgen.V6', 'jürgen.V6/NTUSER.DAT',
    NOBODY, u + '.V6/new.txt')]
TWIN_CASES = (('alice', 'alice.V6'), ('alice', 'alice.V6/NTUSER.DAT'),
              ('bob', 'alice.V6'))


def admin_tools(R, dc):
    with open(dc.conf) as f:
        base = f.read()
    printed = {}
    for i, (name, level, syslog) in enumerate(LOG_SETUPS):
        conf = os.path.join(dc.root, 'tools-%d.conf' % i)
        text = base.replace('log level = 1 profileacl:5',
                            'log level = ' + level)
        if syslog:
            text = text.replace('profileacl:audit = yes',
                                'profileacl:audit = yes\n'
                                '\tprofileacl:syslog = yes')
        R.check('tools: the smb.conf has "log level = %s"%s' % (
            level, ' and the audit to syslog' if syslog else ''),
            'log level = %s\n' % level in text and
            ('profileacl:syslog = yes' in text) == syslog)
        with open(conf, 'w') as f:
            f.write(text)
        printed[name] = [' '.join(t.split()[:2 if 'samba-tool' in t else 1])
                         for t in TOOLS if 'debug_lookup_classname' in
                         subprocess.run(
                             [w.format(conf) for w in t.split()],
                             stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                             stdin=subprocess.DEVNULL, timeout=120
                         ).stdout.decode(errors='replace')]
        print('domain: with %s, debug_lookup_classname is printed by: %s' %
              (name, ', '.join(printed[name]) or 'none'))
    R.equal('the guide\'s log setting: no admin tool prints '
            'debug_lookup_classname', printed[LOG_SETUPS[0][0]], [])


def main():
    mode = sys.argv[1] if len(sys.argv) > 1 else 'dc'
    label = {'dc': 'domain-dc', 'member': 'domain-member'}[mode]
    R = Results()
    if os.environ.get('PROFILEACL_IN_NETNS') != '1':
        print('test_domain: run me through tests/netns-run.sh')
        R.check('running in private namespaces', False)
        return R.summary(label)
    dc = DC(ROOT)
    member = Member(os.path.join(ROOT, 'member'), dc) \
        if mode == 'member' else None
    servers = [s for s in (member, dc) if s]
    t0, stopped, left = time.time(), set(), set()
    try:
        dc.provision()
        dc.start()
        print('domain: provision %.1f s, DC up after %.1f s' %
              (dc.provision_s, time.time() - t0))
        cl = dc.clients()
        ready = wait_ready(R, cl)
        if member is None:
            if ready:
                run_checks(R, dc, cl)
            admin_tools(R, dc)
        elif ready:
            run_member(R, member)
    except Exception as e:
        traceback.print_exc()
        R.check('the %s ran the checks' % mode, False, repr(e))
    finally:
        for s in servers:
            stopped |= s.stop()
    for s in servers:
        left |= s.leftovers(stopped)
    R.check('no process of the DC or member is left (by pid)', not left,
            left)
    print('domain: %.0f s in all' % (time.time() - t0))
    return R.summary(label)


def run_member(R, member):
    member.write_conf()
    member.start_holder()
    t0 = time.time()
    out = member.join()
    if not R.check('net ads join: the member joins %s (%.1f s)' %
                   (REALM, member.join_s), 'Joined' in out, out):
        print('domain: net ads join -d3, its last lines:\n%s' %
              '\n'.join(member.join(['-d3']).splitlines()[-80:]))
        return
    # share ACL Change before any tree connect: smbd computes a tree's
    # share rights when it is connected
    for share in ('profiles', 'nomod'):
        member.run('sharesec', '-s', member.conf, share,
                   '--replace=S-1-1-0:ALLOWED/0/CHANGE')
    member.start()
    print('domain: member joined and up after %.1f s' % (time.time() - t0))
    cl = member.clients()
    if wait_ready(R, cl):
        set_root_acl(R, member, cl, 'rid')
        run_member_checks(R, member, cl)
        check_tool(R, member, cl)
        check_tool_default_domain(R, member)
        run_autorid_checks(R, member)


def wait_ready(R, cl):
    """The DC answers its ports before it authenticates: a first logon
    may get NT_STATUS_INTERNAL_ERROR for a few seconds (bounded: 60 s)"""
    deadline = time.time() + 60
    while True:
        try:
            cl.conn('alice', 'profiles', 'SMB3')
            return R.check('the DC authenticates a domain user', True)
        except NTSTATUSError as e:
            if time.time() > deadline:
                return R.check('the DC authenticates a domain user', False,
                               status_name(e.args[0]))
            time.sleep(1)


def kb_flow(R, cl, sids, where):
    """owner_checks with NTLM over SMB1, 2.1, 3, Kerberos over SMB1 and 3;
    then %U for each logon form"""
    for auth, proto, path in itertools.product(
            ('ntlm', 'krb5'), PROTOS,
            ('alice.V6', 'alice.V6/NTUSER.DAT', 'alice')):
        if (auth, proto) != ('krb5', 'SMB2_10'):
            owner_checks(R, cl, sids, proto, path, '[%s%s %s %s]' %
                         (where, auth, proto, path), auth=auth)
    for user, form, auth in LOGONS:
        who = ('%s@%s' % (user, REALM)) if form == 'upn' else \
            '%s\\%s' % (DOMAIN, user)
        for folder in (user, user + '.V6'):
            R.equal('%s%%U matches the folder %s for %s (%s)' %
                    (where, folder, who, auth),
                    cl.set_dacl(user, 'profiles', 'SMB3', folder,
                                policy_dacl(sids[user]), auth=auth,
                                name_form=form), (OK, OK))


def run_checks(R, dc, cl):
    first_logoff(R, cl, '%s makes the profile folder %s over SMB (Change, '
                 'module)', '%s uploads %s/NTUSER.DAT')
    uid = os.stat(os.path.join(dc.share, 'alice')).st_uid
    R.check('alice\'s folder belongs to her idmap uid (%d >= 3000000)' %
            uid, uid >= 3000000)
    sids = {u: cl.owner_sid(u, 'profiles', 'SMB3', u) for u in PEOPLE}
    R.check('alice\'s folder is owned by her domain SID (%s)' %
            sids['alice'], sids['alice'].startswith('S-1-5-21-') and
            not sids['alice'].endswith('-500'))
    kb_flow(R, cl, sids, '')
    R.equal('alice makes a folder outside %U %U.V2 %U.V6 (alice.old)',
            cl.mkdir('alice', 'profiles', 'SMB3', 'alice.old'), OK)
    R.equal('... where the module grants her nothing',
            cl.set_dacl('alice', 'profiles', 'SMB3', 'alice.old',
                        policy_dacl(sids['alice'])), (DENIED, None))
    admins_and_audit(R, cl, sids, dc, '', 'domain: ')
    check_tool(R, dc, cl)


def first_logoff(R, cl, made, uploaded):
    """Each user makes his profile folders and uploads NTUSER.DAT, as a
    first logoff does (MADE and UPLOADED name the checks)"""
    for user in PEOPLE:
        for folder in (user, user + '.V6'):
            R.equal(made % (user, folder),
                    cl.mkdir(user, 'profiles', 'SMB3', folder), OK)
        R.equal(uploaded % (user, user + '.V6'),
                cl.put(user, 'profiles', 'SMB3', user + '.V6/NTUSER.DAT'),
                OK)


def admins_and_audit(R, cl, sids, server, where, said):
    """The module adds nothing to what smbd grants the domain
    Administrator and a Domain Admins member; what %U was (the module's
    DBG_INFO lines); the audit names the domain account and its SID.
    The server's log text"""
    for admin, path in itertools.product(('Administrator', 'dadmin'),
                                         ('alice.V6', 'alice.V6/NTUSER.DAT')):
        got = {share: cl.set_dacl(admin, share, 'SMB3', path,
                                  policy_dacl(sids['alice']))
               for share in ('nomod', 'profiles')}
        R.equal('%s%s on %s: the module grants nothing (profiles %s, twin '
                '%s)' % (where, admin, path, got['profiles'], got['nomod']),
                got['profiles'], got['nomod'])
    logs = server.log_text()
    print('%s%%U in profileacl:profile dirs was %s' % (said, ', '.join(
        sorted({l.split('pattern "%U" is ', 1)[1].split(' for', 1)[0]
                for l in logs.splitlines() if 'pattern "%U" is ' in l}))))
    want = 'account="%s\\alice" sid=%s' % (DOMAIN, sids['alice'])
    R.check('%sthe audit line names %s' % (where, want),
            any('profileacl audit: grant' in l and want in l
                for l in logs.splitlines()))
    return logs


def rid_of(sid):
    return int(sid.rsplit('-', 1)[1])


def run_member_checks(R, member, cl):
    sids = {u: member.run('wbinfo', '--name-to-sid',
                          '%s\\%s' % (DOMAIN, u)).split()[0] for u in PEOPLE}
    uid = int(member.run('getent', 'passwd',
                         '%s\\alice' % DOMAIN).split(':')[2])
    R.equal('getent on the member: PROFILES\\alice has uid RID_BASE + RID '
            '(idmap rid)', uid, RID_BASE + rid_of(sids['alice']))
    first_logoff(R, cl, 'member: %s makes the profile folder %s',
                 'member: %s uploads %s/NTUSER.DAT')
    R.equal('member: alice\'s folder belongs to uid RID_BASE + RID',
            os.stat(os.path.join(member.share, 'alice')).st_uid,
            RID_BASE + rid_of(sids['alice']))
    R.equal('member: alice\'s folder is owned by her domain SID',
            cl.owner_sid('alice', 'profiles', 'SMB3', 'alice'),
            sids['alice'])
    kb_flow(R, cl, sids, 'member ')
    R.equal('member: alice makes alice.old (outside the profile dirs)',
            cl.mkdir('alice', 'profiles', 'SMB3', 'alice.old'), OK)
    R.equal('member: root (the Administrator) puts admin.txt in alice.V6',
            cl.put('Administrator', 'profiles-admin', 'SMB3',
                   'alice.V6/admin.txt'), OK)
    R.equal('member: ... which is not hers',
            os.stat(os.path.join(member.share,
                                 'alice.V6/admin.txt')).st_uid, 0)
    deny_matrix(R, cl, sids)
    logs = admins_and_audit(R, cl, sids, member, 'member: ',
                            'domain: on the member, ')
    # every grant: to a domain user, inside his own profile dirs
    grants = re.findall(r'profileacl audit: grant.*', logs)
    wrong = [g for g in grants if not re.search(
        r' account="%s\\([^"]*)".* path="\1(\.v[26])?[/"]' % DOMAIN, g, re.I)]
    R.check('member: %d grants, each to its owner inside his profile dirs'
            % len(grants), grants and not wrong, wrong[:3])


def deny_matrix(R, cl, sids):
    """The deny matrix's core cases with domain identities: on every cell
    the module's share answers as the twin, except the owner's WRITE_DAC
    inside her profile dirs; a granted cell's twin refuses"""
    bad = []

    def cell(label, probe, grant, granted, refused):
        got, twin = probe('profiles'), probe('nomod')
        bad.append(got != (granted if grant else twin) or
                   (grant and twin != refused))
        if bad[-1]:
            print('FAIL matrix %s: module %s, twin %s' % (label, got, twin))

    for user, (path, owner) in itertools.product(('alice', 'bob', 'dadmin'),
                                                 MATRIX_OBJECTS.items()):
        mine = user == owner and path != 'alice.old'
        for (name, access), proto in itertools.product(
                MATRIX_ACCESS.items(), SMB13):
            cell('%s %s %s %s' % (user, path, name, proto),
                 lambda share: cl.status(user, share, proto, path, access),
                 mine and access & WRITE_DAC and
                 not access & ~(WRITE_DAC | READ_CONTROL), OK, DENIED)
        # MAXIMUM_ALLOWED, then a DACL set through that handle: only the
        # owner's, in her dirs, may carry WRITE_DAC
        sddl = policy_dacl(sids.get(owner, sids['alice']))
        for proto in SMB13:
            cell('%s %s MAXIMUM_ALLOWED+set %s' % (user, path, proto),
                 lambda share: cl.set_dacl(user, share, proto, path, sddl,
                                           access=MAXIMUM_ALLOWED),
                 mine, (OK, OK), (OK, DENIED))
    R.equal('member deny matrix: %d cells (PROFILES\\alice, bob, a Domain '
            'Admin x 6 objects x 8 requests x SMB1/SMB3), wrong' % len(bad),
            sum(bad), 0)


def set_root_acl(R, member, cl, tag):
    """The share root's ACL, set over SMB by the domain Administrator with
    the guide's smbcacls command, and read back"""
    domsid = member.run('wbinfo', '--name-to-sid',
                        '%s\\alice' % DOMAIN).split()[0].rsplit('-', 1)[0]
    # the guide's "install -d -o root -g root -m 1733" before the ACL
    os.chmod(member.share, 0o1733)
    out = subprocess.run(
        ['smbcacls', '-s', cl.client_conf,
         '//%s/profiles-admin' % Member.FQDN, '',
         '-U', '%s\\Administrator%%%s' % (DOMAIN, ADMIN_PW), '--set',
         ROOT_SMBCACLS % {'domain': DOMAIN}],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    R.equal('%s: the Administrator sets the root ACL with the guide\'s '
            'smbcacls command (%s)' % (tag, out.stdout.decode().strip()),
            out.returncode, 0)
    # smbcacls writes the ACEs in canonical order, with no P flag: the
    # share root has no parent to inherit from
    R.equal('%s: ... the root belongs to BUILTIN\\Administrators' % tag,
            cl.owner_sid('Administrator', 'profiles-admin', 'SMB3', ''),
            'S-1-5-32-544')
    got, want = (sorted(re.findall(r'\([^)]*\)', sddl)) for sddl in (
        cl.dacl_of('Administrator', 'profiles-admin', 'SMB3', ''),
        security.descriptor.from_sddl(DC.ROOT_SDDL,
                                      security.dom_sid(domsid)).as_sddl()))
    R.equal('%s: ... and the root has those ACEs (read back)' % tag, got,
            want)


def where(server, *argv):
    """ARGV as run where SERVER's NSS asks its winbind: in the member's
    mount namespace, or here for the DC"""
    return server.enter(*argv) if isinstance(server, Member) else list(argv)


def tool(server, *args):
    """(exit status, JSON document or text, stderr) of profileacl-check,
    run as root on SERVER"""
    p = subprocess.run(where(server, TOOL, '-s', server.conf, *args),
                       capture_output=True, text=True, timeout=600)
    out = p.stdout
    if '--json' in args:
        try:
            out = json.loads(out)
        except ValueError:
            out = {'problems': [{'code': 'no JSON: ' + p.stderr[-300:],
                                 'path': '', 'account': '', 'owner': '',
                                 'consequence': ''}],
                   'answers': [{'status': 'no JSON: ' + p.stderr[-300:]}],
                   'changes': None, 'folders': None}
    return p.returncode, out, p.stderr


def problems(doc, names=None):
    """(code, folder, account, owner) of each problem, sorted; with NAMES
    only those on the folders so named"""
    return sorted((p['code'], os.path.basename(p['path']), p['account'],
                   p['owner']) for p in doc['problems']
                  if names is None or os.path.basename(p['path']) in names)


def owners(top):
    """{path under TOP: owner uid} of everything under it"""
    got = {}
    for d, dirs, files in os.walk(top):
        for n in dirs + files:
            p = os.path.join(d, n)
            got[os.path.relpath(p, top)] = os.lstat(p).st_uid
    return got


def sync_planted(cl, proto):
    """carol smith's logoff in PLANTED, as in tests/test_check.py: the
    failing step's status, or OK"""
    c = cl.conn('carol smith', 'profiles', proto, fresh=True)
    try:
        sd = profile_folder(c, PLANTED)
    except NTSTATUSError as e:
        return 'the folder: ' + status_name(e.args[0])
    try:
        profile_sync(c, PLANTED + '/NTUSER.MAN', sd)
    except NTSTATUSError as e:
        return status_name(e.args[0])
    return OK


def check_tool(R, server, cl):
    """profileacl-check on the DC's or the member's [profiles] with
    winbind accounts, which NSS names PROFILES\\user: the share the checks
    above made is healthy; a folder root pre-created for a domain user,
    and one naming no account, are reported; --fix makes that user's
    logoff pass; --user answers as smbd does on a real open. Local users
    alice and bob exist beside the domain's, as on a server that had
    them before: a profile folder is still the domain account's, the
    account smbd gives a domain logon"""
    share = server.share
    for u in ('alice', 'bob'):
        ensure_unix_user(u)
    # what the checks above made outside the users' own: the admin
    # removes it
    if isinstance(server, Member):
        os.unlink(os.path.join(share, 'alice.V6', 'admin.txt'))
    os.rmdir(os.path.join(share, 'alice.old'))
    st, doc, _ = tool(server, '--json', 'profiles')
    healthy = problems(doc)
    R.equal('tool: the share (the guide\'s root, each domain user\'s own '
            'folders): --json lists nothing', healthy, [])
    R.equal('tool: ... exit status 0', st, 0)
    R.equal('tool: ... 8 profile folders checked', doc['folders'], 8)

    who = '%s\\carol smith' % DOMAIN
    pw = subprocess.run(where(server, 'getent', 'passwd', who),
                        stdout=subprocess.PIPE, text=True).stdout.split(':')
    top = os.path.join(share, PLANTED)
    os.mkdir(top)
    os.chmod(top, 0o777)
    os.chmod(user_file(os.path.join(top, 'NTUSER.MAN'), 'root'), 0o666)
    os.mkdir(os.path.join(share, NOBODY))
    st, doc, _ = tool(server, '--json', 'profiles')
    R.equal('tool: %s pre-created by root with a root-owned file, for %s '
            '(as NSS names it); %s' % (PLANTED, pw[0], NOBODY),
            problems(doc, (PLANTED, NOBODY)),
            [('content-not-owned', PLANTED, pw[0], 'root'),
             ('folder-not-owned', PLANTED, pw[0], 'root'),
             ('no-account', NOBODY, '', 'root')])
    R.equal('tool: ... exit status 1', st, 1)
    R.equal('tool: ... and nothing else than on the healthy share',
            [p for p in problems(doc) if p[1] not in (PLANTED, NOBODY)],
            healthy)
    said = {p['code']: p['consequence'] for p in doc['problems']
            if p['path'] == top}
    R.check('tool: folder-not-owned says "%s is owned by root: %s\'s '
            'logoff will fail"' % (PLANTED, pw[0]),
            said.get('folder-not-owned', '').startswith(
                "%s is owned by root: %s's logoff will fail" %
                (PLANTED, pw[0])), said)
    R.check('tool: content-not-owned names the root-owned file',
            PLANTED + '/NTUSER.MAN' in said.get('content-not-owned', ''),
            said)
    for proto in SMB13:
        R.equal('tool: before --fix, %s\'s logoff fails [%s]' %
                (pw[0], proto), sync_planted(cl, proto), DENIED)

    before = owners(share)
    st, out, _ = tool(server, '--fix', 'profiles')
    R.equal('--fix: prints each change, the planted ones only',
            sorted(l.split(' (was ')[0] for l in out.splitlines()
                   if l.startswith('chown ')),
            ['chown %s %s' % (pw[0], top),
             'chown %s %s/NTUSER.MAN' % (pw[0], top)])
    st, doc, _ = tool(server, '--json', '--fix', 'profiles')
    # exit 1: nosuch.V6 is still reported (a crash would say 2)
    R.equal('--fix twice: the second changes nothing',
            (st, doc.get('changes')), (1, []))
    after = owners(share)
    changed = {p: (uid, after.get(p)) for p, uid in before.items()
               if after.get(p) != uid}
    R.equal('--fix: %s and its file are %s\'s (uid %s), nothing else '
            'changed owner' % (PLANTED, pw[0], pw[2]), changed,
            {PLANTED: (0, int(pw[2])),
             PLANTED + '/NTUSER.MAN': (0, int(pw[2]))})
    R.equal('--fix: %s is left to root and reported' % NOBODY,
            (os.stat(os.path.join(share, NOBODY)).st_uid,
             problems(doc, (PLANTED, NOBODY))),
            (0, [('no-account', NOBODY, '', 'root')]))
    # what a wrong --fix gave away goes back: the checks below need each
    # user's own folders
    for p, (uid, _) in changed.items():
        if not p.startswith(PLANTED):
            os.chown(os.path.join(share, p), uid, -1,
                     follow_symlinks=False)
    for proto in SMB13:
        R.equal('tool: after --fix, %s\'s logoff passes [%s]' %
                (pw[0], proto), sync_planted(cl, proto), OK)

    user_answers(R, server, cl, DOMAIN + '\\%s', '')
    # PROFILES\alice and bob, whose local namesakes smbd never gives a
    # domain logon. On the DC they are names of its own SAM, for which
    # samba builds a token through the local namesake: the tool does not
    # answer there rather than answer for the wrong uid
    if not isinstance(server, Member):
        for user, path in TWIN_CASES:
            st, _, err = tool(server, '--user', DOMAIN + '\\' + user, path,
                              'profiles')
            R.check('DC: --user %s\\%s %s: not asked (a local namesake '
                    'shadows it), exit 2' % (DOMAIN, user, path),
                    st == 2 and 'a local account of the same name' in err,
                    err[-300:])
    else:
        user_answers(R, server, cl, DOMAIN + '\\%s', '', TWIN_CASES)
    answer = lambda r: (r[0], [(a.get('path'), a.get('allowed'),
                                a.get('reason'))
                               for a in r[1].get('answers', [])])
    short = answer(tool(server, '--json', '--user', 'carol smith', PLANTED,
                        'profiles'))
    full = answer(tool(server, '--json', '--user', who, PLANTED,
                       'profiles'))
    # two runs that could not ask would compare equal: each must answer
    R.equal('--user "carol smith" (the logon\'s name) answers as --user '
            '"%s"' % who, (short, short[0]), (full, 0))


def user_answers(R, server, cl, form, tag, cases=USER_CASES):
    """--user FORM % user on each of CASES against a real open through
    smbd, and with no path: her folders"""
    seen = set()
    for user, path in cases:
        st, doc, _ = tool(server, '--json', '--user', form % user, path,
                          'profiles')
        a = (doc.get('answers') or [{}])[0]
        real = cl.status(user, 'profiles', 'SMB3', path,
                         WRITE_DAC | READ_CONTROL,
                         1 if os.path.lexists(os.path.join(server.share,
                                                           path)) else 2)
        # a grant the module made, not the share ACL alone
        seen.add('module' if a.get('granted') else a.get('allowed'))
        # exit 2 (could not ask) is never taken for a refusal
        R.equal('%s--user %s %s: %s, as smbd (%s)' % (
            tag, form % user, path, a.get('granted') or a.get('reason') or
            a.get('status'), real), (a.get('allowed'), st),
            (real == OK, 0 if real == OK else 1))
    if cases is not USER_CASES:
        return
    R.check('%s--user: both answers were seen, a grant of the module\'s '
            'among them' % tag, {'module', False} <= seen, seen)
    st, doc, _ = tool(server, '--json', '--user', form % 'carol smith',
                      'profiles')
    R.equal('%s--user %s: her folders, each granted' % (
        tag, form % 'carol smith'),
        (st, sorted((a.get('path'), a.get('allowed'))
                    for a in doc.get('answers', []))),
        (0, [('carol smith', True), (PLANTED, True),
             ('carol smith.V6', True)]))


def check_tool_default_domain(R, member):
    """The same member with "winbind use default domain = yes": NSS
    names a domain user as she logs on (carol smith), and the tool too"""
    Daemons.stop(member)
    with open(member.conf) as f:
        text = f.read()
    with open(member.conf, 'w') as f:
        f.write(text.replace('winbind use default domain = no',
                             'winbind use default domain = yes'))
    member.start()
    cl = member.clients()
    if not wait_ready(R, cl):
        return
    pw = member.run('getent', 'passwd', '%s\\carol smith' % DOMAIN)
    R.equal('default domain: NSS names PROFILES\\carol smith "carol smith"',
            pw.split(':')[0], 'carol smith')
    top = os.path.join(member.share, PLANTED)
    os.chown(top, 0, -1)
    st, doc, _ = tool(member, '--json', 'profiles')
    R.equal('default domain: %s, root\'s again, is reported for "carol '
            'smith"' % PLANTED, problems(doc, (PLANTED,)),
            [('folder-not-owned', PLANTED, 'carol smith', 'root')])
    os.chown(top, int(pw.split(':')[2]), -1)
    user_answers(R, member, cl, '%s', 'default domain: ')


# the owner's DACL write on alice.V2 under autorid: check, user, share,
# the result
AUTORID_CASES = (
    ('symptom: the twin refuses the owner', 'alice', 'nomod', (DENIED, None)),
    ('fix: the owner sets the policy DACL', 'alice', 'profiles', (OK, OK)),
    ('bob is refused', 'bob', 'profiles', (DENIED, None)))


def run_autorid_checks(R, member):
    """The same member with idmap autorid: new uids for everyone. What
    the owner makes now is hers; what her rid uid owns is nobody's she
    knows, and the module grants nothing there (fail closed)"""
    member.switch_idmap('autorid')
    os.makedirs(member.root + '-autorid', exist_ok=True)
    cl = member.clients(member.root + '-autorid')
    if not wait_ready(R, cl):
        return
    # POSIX ACLs hold the ids of the old backend: the admin sets the
    # root's ACL again, as after any change of idmap backend
    set_root_acl(R, member, cl, 'autorid')
    sid = member.run('wbinfo', '--name-to-sid',
                     '%s\\alice' % DOMAIN).split()[0]
    uid = int(member.run('getent', 'passwd',
                         '%s\\alice' % DOMAIN).split(':')[2])
    R.check('autorid: PROFILES\\alice has an autorid uid (%d), not the rid '
            'one' % uid, uid >= Member.AUTORID_LOW and
            uid != RID_BASE + rid_of(sid))
    R.equal('autorid: alice makes alice.V2',
            cl.mkdir('alice', 'profiles', 'SMB3', 'alice.V2'), OK)
    R.equal('autorid: ... owned by her autorid uid',
            os.stat(os.path.join(member.share, 'alice.V2')).st_uid, uid)
    for proto in SMB13:
        tag = '[autorid %s]' % proto
        for name, user, share, want in AUTORID_CASES:
            R.equal('%s %s' % (name, tag), cl.set_dacl(
                user, share, proto, 'alice.V2', policy_dacl(sid)), want)
        # alice.V6 still belongs to her old rid uid, which autorid maps
        # to no domain account: not hers any more
        R.equal('her folder of the rid days is not hers: no grant %s' % tag,
                cl.status('alice', 'profiles', proto, 'alice.V6',
                          WRITE_DAC),
                cl.status('alice', 'nomod', proto, 'alice.V6', WRITE_DAC))


if __name__ == '__main__':
    sys.exit(main())
