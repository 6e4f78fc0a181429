#!/usr/bin/python3
"""Edge cases where the module must give the owner exactly what a Full
share without it gives, and nobody more (docs/testing.md lists them):
share ACL deny ACEs, force group; durable reconnects through another
share, after a share ACL change, after a failed cookie wrap; profile
dirs for %U with a space, Unicode case, a substitution that gives no
pattern, an anonymous session, hard and symbolic links; a SACL, a POSIX
ACL and a new stream through a granted handle; a name with a newline in
the log.

Every wrongful-denial case runs on the module's share and, as the
reference, on the same path through a Full share without the module: the
reference must say OK (else the case proves nothing) and the module's
share must say the same.

Run by tests/run-all.sh inside tests/netns-run.sh, as root.
"""

import os
import pwd
import re
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from harness import (Client, Results, Server, FILE_CREATE, FILE_OPEN,
                     READ_CONTROL, WRITE_DAC, WRITE_OWNER, MAXIMUM_ALLOWED,
                     FILE_READ_DATA, PASSWORDS, run, server_cmd,
                     status_name)
from samba import NTSTATUSError
from samba.dcerpc import security
from smb2raw import (DurableRequest, Session, Smb1Unix, OPLOCK_BATCH,
                     smb1_posix_setacl)

ROOT = os.environ.get('PROFILEACL_REVIEW_ROOT', '/tmp/profileacl-review')
OK = 'NT_STATUS_OK'
DENIED = 'NT_STATUS_ACCESS_DENIED'
SYSTEM_SECURITY = security.SEC_FLAG_SYSTEM_SECURITY
FILE_ALL = security.SEC_RIGHTS_FILE_ALL

# a Unix user whose client-side name has a space (username map)
SPACE_UNIX, SPACE_NAME = 'annam', 'Anna Maria'
# a profile folder matched by a pattern that differs in a non-ASCII case
UNI_PATTERN, UNI_FOLDER = '\u00e9lodie', '\u00c9LODIE'

def profiles_share(name, vfs, *params):
    """A share on the profiles folder with these VFS objects"""
    return '\n[%s]\n\tpath = @ROOT@/profiles\n\tread only = no\n' \
        '\tvfs objects = %s\n%s' % (
            name, vfs, ''.join('\t%s\n' % p for p in params))


# the module with acl_xattr below it, the module with streams, and
# Full-share references without it
MOD = 'profileacl acl_xattr'
MOD_STREAMS = 'profileacl acl_xattr streams_xattr'
REF_STREAMS = 'acl_xattr streams_xattr'
GRANT_BOTH = 'profileacl:grant = write_dac write_owner'
# the fault injection below the module
FAULT = 'profileacl pa_faultinject acl_xattr'
SHARES = ''.join((
    profiles_share('rv', MOD_STREAMS, GRANT_BOTH),
    profiles_share('rv_full', REF_STREAMS),
    profiles_share('rv_plain', REF_STREAMS),
    profiles_share('rv_dirs', MOD, 'guest ok = yes',
                   'profileacl:profile dirs = %U'),
    profiles_share('rv_guest', 'acl_xattr', 'guest ok = yes'),
    profiles_share('rv_home', MOD, 'profileacl:profile dirs = "%T" %U'),
    profiles_share('rv_home2', MOD, 'profileacl:profile dirs = %U "%T"'),
    profiles_share('rv_deny', MOD, GRANT_BOTH),
    profiles_share('rv_deny_wo', MOD, GRANT_BOTH),
    profiles_share('rv_deny_grp', MOD),
    profiles_share('rv_deny_other', MOD),
    profiles_share('rv_deny_fg', MOD, 'force group = bob'),
    profiles_share('rv_deny_pg', MOD),
    profiles_share('rv_deny_gen', MOD),
    profiles_share('rv_uni', MOD, 'profileacl:profile dirs = @UNI@'),
    profiles_share('rv_wo', MOD, 'profileacl:grant = write_owner'),
    profiles_share('rv_fault', FAULT),
    profiles_share('rv_wrapfail', 'pa_faultinject:restore ' + FAULT),
    profiles_share('rv_dur_deny', MOD),
))


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


def same_as_reference(R, what, got, reference):
    """The reference (Full share, no module) must say OK, and the module's
    share the same."""
    R.equal('%s: reference (Full share, no module) says OK' % what,
            reference, OK)
    R.equal('%s: the module\'s share gives what the reference gives' %
            what, got, reference)


def ref_case(R, cli, what, user, share, proto, path, access,
             disposition=FILE_OPEN, ref_path=None):
    """An open by USER through SHARE against the same through the Full
    share without the module (same_as_reference)"""
    same_as_reference(R, what, cli.status(user, share, proto, path, access,
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


def durable_cases(R, srv):
    """A handle the module decided reconnects only where it decides
    again."""
    for kind, dialect in (('v1', 'SMB2.1'), ('v2', 'SMB3')):
        for access, touched in ((WRITE_DAC | READ_CONTROL, True),
                                (MAXIMUM_ALLOWED, True),
                                (FILE_READ_DATA | READ_CONTROL, False)):
            path = 'alice/durable-%s-%x.txt' % (kind, access)
            what = 'durable %s, access 0x%x' % (kind, access)
            s = Session('alice', 'rv', dialect)
            req = DurableRequest(kind)
            st, fid, ctx = s.create(path, access, FILE_OPEN,
                                    oplock=OPLOCK_BATCH, context=req.query())
            R.check('%s: durable open (%s)' % (what, st),
                    fid is not None and req.granted(ctx))
            if fid is None:
                s.logoff()
                continue
            had = s.access(fid)
            s.drop()
            # through the share without the module, on the same path
            o = Session('alice', 'rv_plain', dialect)
            st, fid2, _ = o.reconnect(path, access, req, fid)
            if touched:
                R.check('%s: no reconnect through a share without the '
                        'module (%s)' % (what, st), fid2 is None)
            else:
                R.equal('%s: a handle the module did not touch still '
                        'reconnects through another share' % what, st, OK)
            if fid2 is not None:
                o.close(fid2)
                o.logoff()
                continue
            o.logoff()
            # through the module's share: decided again, kept by the owner
            r = Session('alice', 'rv', dialect)
            st, fid3, _ = r.reconnect(path, access, req, fid)
            R.equal('%s: reconnects through the module\'s share' % what,
                    st, OK)
            if fid3 is not None:
                R.equal('%s: the owner keeps the handle\'s rights' % what,
                        hex(r.access(fid3)), hex(had))
                r.close(fid3)
            r.logoff()


def share_entries(srv, name):
    """The lines of smbstatus -L (share mode entries) naming NAME, with
    those of no live process (--fast: a disconnected durable handle's)"""
    out = run(*server_cmd(['smbstatus', '-s', srv.conf, '-L', '--fast']))
    return [l for l in out.splitlines() if name in l]


def wrap_failure_case(R, srv, cli):
    """A durable disconnect whose cookie cannot be wrapped: vfs_default
    has already marked the share mode entry disconnected and closed the
    fd. While the entry is there, no reconnect gets the handle back: not
    through a share without the module (the plain cookie would reconnect
    there, undecided), nor through the module's. Once the durable timeout
    has passed, the scavenger removes the entry."""
    name = 'wrapfail-v2.txt'
    path = 'alice/' + name
    timeout = 20
    cli.conn('alice', 'rv_full', 'SMB2').savefile(path, b'data')
    s = Session('alice', 'rv_wrapfail', 'SMB3')
    req = DurableRequest('v2', timeout * 1000)
    st, fid, ctx = s.create(path, WRITE_DAC | READ_CONTROL, FILE_OPEN,
                            oplock=OPLOCK_BATCH, context=req.query())
    R.check('wrap failure: durable WRITE_DAC open, %d s timeout (%s)' %
            (timeout, st), fid is not None and req.granted(ctx))
    if fid is None:
        s.logoff()
        return
    R.check('wrap failure: the open has its share mode entry',
            len(share_entries(srv, name)) == 1, share_entries(srv, name))
    s.drop()
    dropped = time.monotonic()
    lifted = 'pa_faultinject: %s: memory limit lifted' % path
    for _ in range(150):
        if lifted in srv.log_text():
            break
        time.sleep(0.1)
    log = srv.log_text()
    R.check('wrap failure: the injection fired (no memory for the cookie '
            'of a handle the module wrapped)',
            'pa_faultinject: disconnected %s: no memory for its cookie' %
            path in log)
    R.check('wrap failure: the memory limit was lifted once the module '
            'returned', lifted in log)
    R.check('wrap failure: the module logged the lost handle',
            '%s: no memory to wrap the durable cookie' % path in log)
    # before the timeout, while the disconnected entry is still there
    for share, where in (('rv_full', 'a share without the module'),
                         ('rv_wrapfail', 'the module\'s share')):
        r = Session('alice', share, 'SMB3')
        st, fid2, _ = r.reconnect(path, WRITE_DAC | READ_CONTROL, req, fid)
        R.check('wrap failure: the handle does not reconnect through %s '
                '(%s)' % (where, st), fid2 is None)
        if fid2 is not None:
            r.close(fid2)
        r.logoff()
    left = share_entries(srv, name)
    took = time.monotonic() - dropped
    R.check('wrap failure: the entry was still there after both reconnects '
            '(%.1f s after the disconnect, timeout %d s)' % (took, timeout),
            len(left) == 1 and took < timeout, left)
    # the scavenger runs once the timeout has passed
    for _ in range(2 * (timeout + 20)):
        if not left:
            break
        time.sleep(0.5)
        left = share_entries(srv, name)
    R.check('wrap failure: no share mode entry is left %d s after the '
            'disconnect (the scavenger removed it)' % (timeout + 20),
            not left, left)
    # the file is served again, with the owner's grant
    r = Session('alice', 'rv_wrapfail', 'SMB3')
    st, fid3, _ = r.create(path, WRITE_DAC | READ_CONTROL, FILE_OPEN)
    R.equal('wrap failure: the owner opens the file again with WRITE_DAC',
            st, OK)
    if fid3 is not None:
        r.close(fid3)
    r.logoff()


def durable_share_deny_cases(R, srv, cli):
    """A durable reconnect decides again with the share ACL as it is then:
    a deny of WRITE_DAC added between the disconnect and the reconnect
    leaves the reconnected handle without WRITE_DAC and no DACL is
    written through it; with the share ACL unchanged the owner keeps
    both."""
    change = 'S-1-1-0:ALLOWED/0/CHANGE'
    for kind, dialect in (('v1', 'SMB2.1'), ('v2', 'SMB3')):
        for deny in (False, True):
            srv.set_share_acl('rv_dur_deny', change)
            path = 'alice/durdeny-%s-%s.txt' % (kind, 'deny' if deny
                                                else 'same')
            what = 'durable %s, %s' % (
                kind, 'share ACL denies WRITE_DAC after the disconnect'
                if deny else 'share ACL unchanged')
            cli.conn('alice', 'rv_full', 'SMB2').savefile(path, b'x')
            s = Session('alice', 'rv_dur_deny', dialect)
            req = DurableRequest(kind)
            st, fid, ctx = s.create(path, WRITE_DAC | READ_CONTROL,
                                    FILE_OPEN, oplock=OPLOCK_BATCH,
                                    context=req.query())
            R.check('%s: durable WRITE_DAC open (%s)' % (what, st),
                    fid is not None and req.granted(ctx))
            if fid is None:
                s.logoff()
                continue
            R.check('%s: the open holds WRITE_DAC' % what,
                    s.access(fid) & WRITE_DAC != 0)
            s.drop()
            if deny:
                srv.set_share_acl('rv_dur_deny',
                                  'S-1-1-0:DENIED/0/0x00040000,' + change)
            r = Session('alice', 'rv_dur_deny', dialect)
            st, fid2, _ = r.reconnect(path, WRITE_DAC | READ_CONTROL, req, fid)
            R.equal('%s: reconnects' % what, st, OK)
            if fid2 is not None:
                R.equal('%s: WRITE_DAC on the reconnected handle' % what,
                        r.access(fid2) & WRITE_DAC != 0, not deny)
                R.equal('%s: a DACL write through it' % what,
                        r.set_dacl(fid2, r.get_dacl(fid2)),
                        DENIED if deny else OK)
                r.close(fid2)
            r.logoff()
    srv.set_share_acl('rv_dur_deny', change)
    log = srv.log_text()
    for kind in ('v1', 'v2'):
        R.check('durable %s, share ACL denies WRITE_DAC after the '
                'disconnect: the log says the reconnect lost it' % kind,
                'path [alice/durdeny-%s-deny.txt]: removing WRITE_DAC from '
                'the handle (reconnect)' % kind in log)


REF = 'the reference'


def deny_rows(R, cli, proto, dacl, rows):
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
            same_as_reference(R, name, do(user, share, how),
                              do(user, 'rv_full', how))
        else:
            R.equal(name, do(user, share, how), want)


def share_deny_cases(R, srv, cli, owner, group, bob):
    """A deny ACE of the share ACL: the module adds only what the share
    ACL leaves out, never what it denies this user's token. A deny of
    WRITE_DAC to the owner's primary group on a share with "force group"
    (smbd overwrites that SID in the token after the share mask is made:
    the module cannot see the deny, so it grants nothing there), and a
    deny of GENERIC_ALL (it denies the file rights it stands for)."""
    change = 'S-1-1-0:ALLOWED/0/CHANGE'
    pgroup = primary_group_sid(srv, 'alice')
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
        deny_rows(R, cli, proto, dacl, rows)
    R.check('force group share: the log says why nothing is granted',
            'share [rv_deny_fg]: share has force group: the share ACL '
            'cannot be checked for this user' in srv.log_text())


def primary_group_sid(srv, user):
    """The SID smbd puts at sids[1] of USER's token: passdb's primary
    group (pdbedit)"""
    out = run(*server_cmd(['pdbedit', '-s', srv.conf, '-v', '-u', user]))
    return re.search(r'Primary Group SID:\s*(S-[0-9-]+)', out).group(1)


def log_forgery_case(R, srv, cli):
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
    ref_case(R, cli, 'a name with a newline: WRITE_DAC granted', 'alice',
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


def link_cases(R, srv, cli):
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
        ref_case(R, cli, 'links: alice/hardlink.txt to her own file '
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


def profile_dirs_cases(R, srv, cli):
    """Which objects are her profile dirs: %U for a user whose name has a
    space (username map), a pattern that folds case as Windows names do,
    an anonymous session on a share with %U, and a pattern that
    substitutes to no pattern for the session (%T, the date and time, has
    slashes), which matches nothing while the other patterns still count,
    before it or after it"""
    for proto in ('SMB1', 'SMB2'):
        wd = WRITE_DAC | READ_CONTROL
        # %U with a space: one pattern, her folder
        ref_case(R, cli, '%%U with a space: WRITE_DAC on "%s" [%s]' %
                 (SPACE_NAME, proto), SPACE_NAME, 'rv_dirs', proto,
                 SPACE_NAME, wd)
        R.equal('%%U with a space: bob gains nothing there [%s]' % proto,
                cli.status('bob', 'rv_dirs', proto, SPACE_NAME, wd),
                DENIED)
        # Unicode case folding of profile dirs
        ref_case(R, cli, 'profile dirs "%s" match "%s" [%s]' %
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
        same_as_reference(R, 'anonymous session: tree connect and '
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
            ref_case(R, cli, 'profile dirs = %s: %%U still counts '
                     'while %%T gives no pattern [%s]' % (dirs, proto),
                     'alice', share, proto, 'alice',
                     WRITE_DAC | READ_CONTROL)
            R.equal('profile dirs = %s: bob gains nothing in her '
                    'folder [%s]' % (dirs, proto),
                    cli.status('bob', share, proto, 'alice',
                               WRITE_DAC | READ_CONTROL), DENIED)
    R.check('profile dirs = "%T" %U: the log says why %T matches nothing',
            'pattern "%T" gives "' in srv.log_text())



def handle_rights_cases(R, cli, owner):
    """What a granted handle carries: a SACL with SYSTEM_SECURITY, a new
    stream on a new base file created by its owner-to-be, and a POSIX ACL
    through a handle granted only WRITE_OWNER (SMB1 unix extensions)"""
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
        same_as_reference(R, 'DACL and SACL through a handle granted '
                          'WRITE_DAC with SYSTEM_SECURITY [%s]' % proto,
                          got, ref)
        R.equal('bob gains no WRITE_DAC there [%s]' % proto,
                write_sd(cli, 'bob', 'rv', proto, 'alice/sacl.txt',
                         WRITE_DAC | READ_CONTROL, sacl,
                         security.SECINFO_DACL), 'open: ' + DENIED)

        # a new stream on a new base file, created by its owner-to-be
        ref_case(R, cli, 'SEC_RIGHTS_FILE_ALL create of a new stream '
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
        same_as_reference(R, 'POSIX ACL through a handle granted only '
                          'WRITE_OWNER', got[1], ref[1])



def main():
    PASSWORDS[SPACE_UNIX] = 'Anna-pw-3'
    PASSWORDS[SPACE_NAME] = PASSWORDS[SPACE_UNIX]
    R = Results()
    usermap = os.path.join(ROOT + '-map', 'users.map')
    os.makedirs(os.path.dirname(usermap), exist_ok=True)
    with open(usermap, 'w') as f:
        f.write('%s = "%s"\n' % (SPACE_UNIX, SPACE_NAME))
    srv = Server(ROOT, extra_shares=SHARES.replace('@UNI@', UNI_PATTERN),
                 extra_global='\tusername map = %s\n'
                              '\tmap to guest = bad user\n' % usermap)
    srv.prepare(users=('alice', 'bob', SPACE_UNIX),
                share_acls={'rv': 'CHANGE', 'rv_full': 'FULL',
                            'rv_plain': 'CHANGE', 'rv_dirs': 'CHANGE',
                            'rv_guest': 'FULL', 'rv_home': 'CHANGE',
                            'rv_home2': 'CHANGE',
                            'rv_uni': 'CHANGE', 'rv_wo': 'CHANGE',
                            'rv_fault': 'CHANGE', 'rv_wrapfail': 'CHANGE',
                            'rv_dur_deny': 'CHANGE'})
    # alice may open with SYSTEM_SECURITY (the SACL case)
    run(*server_cmd(['net', 'sam', 'rights', 'grant', 'alice',
                     'SeSecurityPrivilege', '-s', srv.conf]))
    srv.start()
    try:
        cli = Client(srv)
        c = cli.conn('alice', 'rv_full', 'SMB2')
        c.mkdir('alice')
        c.mkdir(UNI_FOLDER)
        c.mkdir('ELODIE')
        fnum = c.create('alice', DesiredAccess=READ_CONTROL)
        sd = c.get_sd(fnum, security.SECINFO_OWNER)
        c.close(fnum)
        owner = str(sd.owner_sid)
        fnum = c.create('alice', DesiredAccess=READ_CONTROL)
        group = str(c.get_sd(fnum, security.SECINFO_GROUP).group_sid)
        c.close(fnum)
        b = cli.conn('bob', 'rv_full', 'SMB2')
        b.mkdir('bob')
        fnum = b.create('bob', DesiredAccess=READ_CONTROL)
        bob_sid = str(b.get_sd(fnum, security.SECINFO_OWNER).owner_sid)
        b.close(fnum)
        for name in ('sacl', 'posix'):
            c.savefile('alice/%s.txt' % name, b'data')
        for kind in ('v1', 'v2'):
            for access in (WRITE_DAC | READ_CONTROL, MAXIMUM_ALLOWED,
                           FILE_READ_DATA | READ_CONTROL):
                c.savefile('alice/durable-%s-%x.txt' % (kind, access), b'x')
        a = cli.conn(SPACE_NAME, 'rv_full', 'SMB2')
        a.mkdir(SPACE_NAME)

        # by behaviour: which objects are her profile dirs; what a
        # granted handle carries; durable reconnects; the share ACL's
        # deny ACEs; what the log shows
        profile_dirs_cases(R, srv, cli)
        link_cases(R, srv, cli)
        handle_rights_cases(R, cli, owner)
        durable_cases(R, srv)
        wrap_failure_case(R, srv, cli)
        durable_share_deny_cases(R, srv, cli)
        share_deny_cases(R, srv, cli, owner, group, bob_sid)
        log_forgery_case(R, srv, cli)

        log = srv.log_text()
        R.check('smbd logged no panic', 'PANIC' not in log and
                'Bad talloc magic' not in log)
    finally:
        srv.stop()
    return R.summary('review')


if __name__ == '__main__':
    sys.exit(main())
