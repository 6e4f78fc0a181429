#!/usr/bin/python3
"""The findings of the Samba review (issue 17), each a case that failed
against the module before the review and passes now:

  - a durable reconnect whose decision fails (fault injection: the
    reconnected handle's fstat fails) is refused cleanly, and smbd lives
    on (before: a use-after-free on this error path, smbd panicked);
  - a durable handle the module decided reconnects only through a share
    with the module: through another share on the same path it is refused;
    a handle the module did not touch still reconnects there;
  - profile dirs = %U for a user whose name has a space (username map);
  - profile dirs fold case as Windows names do (Unicode), not ASCII only;
  - a SACL written through a granted handle that holds SYSTEM_SECURITY;
  - a POSIX ACL written through a handle granted only WRITE_OWNER;
  - a new stream on a new base file, created by its owner-to-be;
  - an anonymous session on a share with profile dirs = %U;
  - a pattern that substitutes to no pattern for the session (%T, the
    date and time, has slashes; a domain user's DOM\\name is another):
    it grants nothing, and the tree connect still works.

Every wrongful-denial case runs on the module's share and, as the
reference, on the same path through a Full share without the module: the
reference must say OK (else the case proves nothing) and the module's
share must say the same.

Run by tests/run-all.sh inside tests/netns-run.sh, as root.
"""

import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from harness import (Client, Results, Server, FILE_CREATE, FILE_OPEN,
                     READ_CONTROL, WRITE_DAC, WRITE_OWNER, MAXIMUM_ALLOWED,
                     FILE_READ_DATA, PASSWORDS, run, server_cmd,
                     status_name)
from samba import NTSTATUSError
from samba.dcerpc import security
from smb2raw import DurableRequest, Session, Smb1Unix, OPLOCK_BATCH

ROOT = os.environ.get('PROFILEACL_REVIEW_ROOT', '/tmp/profileacl-review')
OK = 'NT_STATUS_OK'
DENIED = 'NT_STATUS_ACCESS_DENIED'
SYSTEM_SECURITY = security.SEC_FLAG_SYSTEM_SECURITY
FILE_ALL = security.SEC_RIGHTS_FILE_ALL

# a Unix user whose client-side name has a space (username map)
SPACE_UNIX, SPACE_NAME = 'annam', 'Anna Maria'
# a profile folder matched by a pattern that differs in a non-ASCII case
UNI_PATTERN, UNI_FOLDER = '\u00e9lodie', '\u00c9LODIE'

SHARES = '''
[rv]
	path = @ROOT@/profiles
	read only = no
	vfs objects = profileacl acl_xattr streams_xattr
	profileacl:grant = write_dac write_owner

[rv_full]
	path = @ROOT@/profiles
	read only = no
	vfs objects = acl_xattr streams_xattr

[rv_plain]
	path = @ROOT@/profiles
	read only = no
	vfs objects = acl_xattr streams_xattr

[rv_dirs]
	path = @ROOT@/profiles
	read only = no
	guest ok = yes
	vfs objects = profileacl acl_xattr
	profileacl:profile dirs = %U

[rv_guest]
	path = @ROOT@/profiles
	read only = no
	guest ok = yes
	vfs objects = acl_xattr

[rv_home]
	path = @ROOT@/profiles
	read only = no
	vfs objects = profileacl acl_xattr
	profileacl:profile dirs = %T %U

[rv_uni]
	path = @ROOT@/profiles
	read only = no
	vfs objects = profileacl acl_xattr
	profileacl:profile dirs = @UNI@

[rv_wo]
	path = @ROOT@/profiles
	read only = no
	vfs objects = profileacl acl_xattr
	profileacl:grant = write_owner

[rv_fault]
	path = @ROOT@/profiles
	read only = no
	vfs objects = profileacl pa_faultinject acl_xattr
'''


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
    """A handle the module decided reconnects only where it decides again;
    a reconnect whose decision fails is refused and smbd lives on."""
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
            st, fid2, _ = o.create(path, access, FILE_OPEN,
                                   oplock=OPLOCK_BATCH,
                                   context=req.reconnect(fid))
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
            st, fid3, _ = r.create(path, access, FILE_OPEN,
                                   oplock=OPLOCK_BATCH,
                                   context=req.reconnect(fid))
            R.equal('%s: reconnects through the module\'s share' % what,
                    st, OK)
            if fid3 is not None:
                R.equal('%s: the owner keeps the handle\'s rights' % what,
                        hex(r.access(fid3)), hex(had))
                r.close(fid3)
            r.logoff()

    # the reconnect's own error path: the decision cannot read the owner
    for kind, dialect in (('v1', 'SMB2.1'), ('v2', 'SMB3')):
        path = 'alice/reconnectfail-%s.txt' % kind
        s = Session('alice', 'rv_fault', dialect)
        req = DurableRequest(kind)
        st, fid, ctx = s.create(path, WRITE_DAC | READ_CONTROL, FILE_OPEN,
                                oplock=OPLOCK_BATCH, context=req.query())
        R.check('reconnect fault %s: durable WRITE_DAC open (%s)' %
                (kind, st), fid is not None and req.granted(ctx))
        if fid is None:
            s.logoff()
            continue
        s.drop()
        r = Session('alice', 'rv_fault', dialect)
        st, fid2, _ = r.create(path, WRITE_DAC | READ_CONTROL, FILE_OPEN,
                               oplock=OPLOCK_BATCH,
                               context=req.reconnect(fid))
        R.equal('reconnect fault %s: the reconnect is refused' % kind, st,
                'NT_STATUS_OBJECT_NAME_NOT_FOUND')
        if fid2 is not None:
            r.close(fid2)
        r.logoff()
        # smbd lives on, and the file opens again
        n = Session('alice', 'rv_fault', dialect)
        st, fid3, _ = n.create(path, READ_CONTROL, FILE_OPEN)
        R.equal('reconnect fault %s: the server serves the file again' %
                kind, st, OK)
        if fid3 is not None:
            n.close(fid3)
        n.logoff()
    log = srv.log_text()
    R.equal('reconnect fault: the injection fired (one line per kind)',
            log.count('pa_faultinject: reconnected alice/reconnectfail-'), 2)
    R.equal('reconnect fault: the module refused each reconnect',
            log.count(': durable reconnect by alice refused: the owner '
                      'cannot be read'), 2)


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
                            'rv_uni': 'CHANGE', 'rv_wo': 'CHANGE',
                            'rv_fault': 'CHANGE'})
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
        dom = security.dom_sid(owner.rsplit('-', 1)[0])
        sddl = 'D:P(A;;0x001f01ff;;;%s)(A;;0x001f01ff;;;SY)' % owner
        for name in ('sacl', 'posix', 'reconnectfail-v1', 'reconnectfail-v2'):
            c.savefile('alice/%s.txt' % name, b'data')
        for kind in ('v1', 'v2'):
            for access in (WRITE_DAC | READ_CONTROL, MAXIMUM_ALLOWED,
                           FILE_READ_DATA | READ_CONTROL):
                c.savefile('alice/durable-%s-%x.txt' % (kind, access), b'x')
        a = cli.conn(SPACE_NAME, 'rv_full', 'SMB2')
        a.mkdir(SPACE_NAME)

        for proto in ('SMB1', 'SMB2'):
            # %U with a space: one pattern, her folder
            got = cli.status(SPACE_NAME, 'rv_dirs', proto, SPACE_NAME,
                             WRITE_DAC | READ_CONTROL)
            ref = cli.status(SPACE_NAME, 'rv_full', proto, SPACE_NAME,
                             WRITE_DAC | READ_CONTROL)
            same_as_reference(R, '%%U with a space: WRITE_DAC on "%s" '
                              '[%s]' % (SPACE_NAME, proto), got, ref)
            R.equal('%%U with a space: bob gains nothing there [%s]' % proto,
                    cli.status('bob', 'rv_dirs', proto, SPACE_NAME,
                               WRITE_DAC | READ_CONTROL), DENIED)

            # Unicode case folding of profile dirs
            got = cli.status('alice', 'rv_uni', proto, UNI_FOLDER,
                             WRITE_DAC | READ_CONTROL)
            ref = cli.status('alice', 'rv_full', proto, UNI_FOLDER,
                             WRITE_DAC | READ_CONTROL)
            same_as_reference(R, 'profile dirs "%s" match "%s" [%s]' %
                              (UNI_PATTERN, UNI_FOLDER, proto), got, ref)
            R.equal('profile dirs "%s" do not match "ELODIE" [%s]' %
                    (UNI_PATTERN, proto),
                    cli.status('alice', 'rv_uni', proto, 'ELODIE',
                               WRITE_DAC | READ_CONTROL), DENIED)

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
            path = 'alice/newbase-%s.txt:Stream One' % proto
            got = cli.status('alice', 'rv', proto, path, FILE_ALL,
                             FILE_CREATE)
            ref = cli.status('alice', 'rv_full', proto,
                             'alice/newbase-ref-%s.txt:Stream One' % proto,
                             FILE_ALL, FILE_CREATE)
            same_as_reference(R, 'SEC_RIGHTS_FILE_ALL create of a new '
                              'stream on a new file [%s]' % proto, got, ref)
            R.equal('bob: no such create in alice\'s folder [%s]' % proto,
                    cli.status('bob', 'rv', proto,
                               'alice/bobbase-%s.txt:s' % proto, FILE_ALL,
                               FILE_CREATE), DENIED)

            # an anonymous session on a share with profile dirs = %U
            for share in ('rv_dirs', 'rv_guest'):
                try:
                    cli.conn('anonymous', share, proto).list('')
                    st = OK
                except NTSTATUSError as e:
                    st = status_name(e.args[0])
                if share == 'rv_guest':
                    ref = st
                else:
                    got = st
            same_as_reference(R, 'anonymous session: tree connect and '
                              'listing [%s]' % proto, got, ref)

        # a pattern that substitutes to no pattern (%T: a date with
        # slashes): the session connects, and that decision grants nothing
        for proto in ('SMB1', 'SMB2'):
            try:
                cli.conn('alice', 'rv_home', proto).list('')
                st = OK
            except NTSTATUSError as e:
                st = status_name(e.args[0])
            R.equal('profile dirs = %%T %%U: alice connects [%s]' % proto,
                    st, OK)
            if st != OK:
                continue
            R.equal('profile dirs = %%T %%U: no grant while %%T gives no '
                    'pattern [%s]' % proto,
                    cli.status('alice', 'rv_home', proto, 'alice',
                               WRITE_DAC | READ_CONTROL), DENIED)
        R.check('profile dirs = %T %U: the log says why',
                'pattern "%T" gives "' in srv.log_text())

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
        else:
            same_as_reference(R, 'POSIX ACL through a handle granted only '
                              'WRITE_OWNER', got[1], ref[1])

        durable_cases(R, srv)

        log = srv.log_text()
        R.check('smbd logged no panic', 'PANIC' not in log and
                'Bad talloc magic' not in log)
    finally:
        srv.stop()
    return R.summary('review')


if __name__ == '__main__':
    sys.exit(main())
