#!/usr/bin/python3
"""A generated deny matrix: does vfs_profileacl grant exactly what its
rules say, to whom they say, and nothing else?

Cases are generated from a table: users x objects x access x shares x
protocols. Each case is measured on a share with the module and on its
twin without the module (same settings), and on a Full share without the
module. The expected result comes from the oracle below, written from the
module's rules (not from its code):

  The module may only change the outcome when ALL hold:
    - the session is a real user's, not guest/anonymous;
    - the share has no "force user", is not read only, and its share
      ACL gives write access (Change);
    - the user owns the object that the name finally resolves to (the
      oracle knows who owns what, through links and "..");
    - the request needs WRITE_DAC (asked, or via MAXIMUM_ALLOWED) and
      nothing else the share withholds (GENERIC_ALL and WRITE_OWNER also
      need WRITE_OWNER, which the default configuration does not grant).
  Then the outcome is the one on the Full share (the file ACL decides).
  uid 0 (admin users) is nobody's owner. Otherwise it is the twin's: the
  module changes nothing. A share stacking vfs_fake_perms with the module
  refuses every tree connect (checked apart from the matrix).

Wrongful grants (the module share gives more than expected) and wrongful
denials (less) are counted separately; both must be 0. A MAXIMUM_ALLOWED
handle's DACL write counts as refused only when it answers
NT_STATUS_ACCESS_DENIED; any other error, on any of the shares compared,
fails the case (an error), so that it cannot pass for the twin's refusal.

A case whose reference proves nothing fails too (a premise failure): where
the rule applies, the Full share must give the owner what the file ACL
gives her (WRITE_DAC, except where an OWNER RIGHTS entry withholds it),
or a refusal on the module share would pass for the file ACL's. A durable
case's reference must have been granted its durable handle and have
reconnected it (a stream, where smbd grants none, must have been refused
both), or two failed reconnects would pass for equal results.
"""

import itertools
import os
import pwd
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from harness import (Client, Cluster, Results, Server, PASSWORDS, FILE_OPEN,
                     FILE_CREATE,
                     FILE_READ_DATA, MAXIMUM_ALLOWED,
                     READ_CONTROL, WRITE_DAC, WRITE_OWNER, SHARE_ALL,
                     status_name)
from samba import NTSTATUSError
from samba.dcerpc import security

ROOT = os.environ.get('PROFILEACL_MATRIX_ROOT', '/tmp/profileacl-matrix')
GENERIC_ALL = security.SEC_GENERIC_ALL
OK = 'NT_STATUS_OK'

PASSWORDS.setdefault('carol', 'Carol-pw-3')

COMMON = '''	path = @ROOT@/profiles
	read only = %(ro)s
	guest ok = yes
	admin users = carol
	vfs objects = %(vfs)s
%(extra)s
'''
STACK = 'acl_xattr streams_xattr'
FAKE = 'fake_perms acl_xattr streams_xattr'
# module share -> settings: its twin ('t' + name[1:]) has the same ones
# without the module, 'full' names the Full share without the module
# that shows what the file ACL alone allows
SHARES = {
    'm_change': dict(ro='no', extra='', acl='CHANGE', full='m_full',
                     vfs='profileacl ' + STACK, twin=STACK),
    'm_read': dict(ro='no', extra='', acl='READ', full='m_full',
                   vfs='profileacl ' + STACK, twin=STACK),
    'm_ro': dict(ro='yes', extra='', acl='CHANGE', full='m_full',
                 vfs='profileacl ' + STACK, twin=STACK),
    'm_forced': dict(ro='no', extra='\tforce user = alice\n',
                     acl='CHANGE', full='m_full',
                     vfs='profileacl ' + STACK, twin=STACK),
    'm_guestonly': dict(ro='no', extra='\tguest only = yes\n',
                        acl='CHANGE', full='m_full',
                        vfs='profileacl ' + STACK, twin=STACK),
}
# vfs_fake_perms reports every object as the requester's, so ownership
# means nothing with it: a share stacking it with the module, below or
# above, refuses every tree connect (its twin without the module, f_fake,
# serves)
FAKE_STACKS = {'m_fake1': 'profileacl ' + FAKE,
               'm_fake2': 'fake_perms profileacl ' + STACK}
# the shares on which the module's rule can apply (share ACL Change,
# writable, no force user)
RULE_SHARES = ('m_change', 'm_inherit')
# inherit owner (create mask so the creator may reopen what it made)
INHERIT = ('\tinherit owner = windows and unix\n'
           '\tcreate mask = 0777\n\tforce create mode = 0666\n')


def conf_shares():
    text = ''
    for name, s in SHARES.items():
        for share, vfs in ((name, s['vfs']), ('t' + name[1:], s['twin'])):
            text += '\n[%s]\n' % share + COMMON % dict(s, vfs=vfs)
    for share, vfs in FAKE_STACKS.items():
        text += '\n[%s]\n' % share + COMMON % dict(ro='no', extra='',
                                                  vfs=vfs)
    for share, vfs, extra in (('m_full', STACK, ''), ('f_fake', FAKE, ''),
                              ('m_inherit', 'profileacl ' + STACK, INHERIT),
                              ('t_inherit', STACK, INHERIT),
                              ('f_inherit', STACK, INHERIT)):
        text += '\n[%s]\n' % share + COMMON % dict(ro='no', extra=extra,
                                                  vfs=vfs)
    return text


def share_acls():
    acls = {}
    for name, s in SHARES.items():
        acls[name] = s['acl']
        acls['t' + name[1:]] = s['acl']
    acls.update(m_fake1='CHANGE', m_fake2='CHANGE')
    acls.update(m_full='FULL', f_fake='FULL', m_inherit='CHANGE',
                t_inherit='CHANGE', f_inherit='FULL')
    return acls


USERS = ('alice', 'bob', 'guest', 'anonymous', 'carol')

# object -> (owner of what the name resolves to, how it is reached)
OBJECTS = {
    'alice': 'alice',
    'alice/own.txt': 'alice',
    'alice/shared.txt': 'alice',       # Everyone may change it
    'alice/own.txt:s1': 'alice',       # stream: the base file's owner
    'alice/ownerrights.txt': 'alice',  # OWNER RIGHTS: owner read only
    'bob': 'bob',
    'bob/b.txt': 'bob',
    'bob/bshared.txt': 'bob',          # Everyone may change it
    'bob/bshared.txt:s1': 'bob',
    'alice/sym-bob': 'bob',            # alice's symlink to bob's file
    'alice/hard-bob': 'bob',           # hardlink of bob's file
    'alice/../bob/bshared.txt': 'bob',
    'bob/sym-alice': 'alice',          # bob's symlink to alice's file
    'guest.txt': 'nobody',             # the guest account's own file
    '': 'root',                        # the share root
    'adminmade': 'root',               # a folder an admin made
    'adminmade/a.txt': 'root',
}

ACCESS = {
    'WRITE_DAC': WRITE_DAC,
    'MAXIMUM_ALLOWED': MAXIMUM_ALLOWED,
    'WRITE_OWNER': WRITE_OWNER,
    'GENERIC_ALL': GENERIC_ALL,
    'READ': FILE_READ_DATA,
}

EVERY = 'D:(A;;0x001f01ff;;;WD)'


def personal(sid):
    return 'D:P(A;;0x001f01ff;;;%s)(A;;0x001f01ff;;;SY)' \
           '(A;OICI;0x001200a9;;;WD)' % sid


def outcome(sess, user, share, proto, path, access, dacl):
    """OK / a status for opens; for MAXIMUM_ALLOWED: WD when the handle
    can write the DACL (the object's own DACL is written back), noWD when
    the write is refused with NT_STATUS_ACCESS_DENIED, and ERROR_PREFIX
    and the status for any other failure of the write: that is no
    refusal, and fails the case whatever the other shares give."""
    try:
        c = sess.conn(user, share, proto)
    except NTSTATUSError as e:
        return 'connect:' + status_name(e.args[0])
    try:
        fnum = c.create(path, DesiredAccess=access, ShareAccess=SHARE_ALL,
                        CreateDisposition=FILE_OPEN)
    except NTSTATUSError as e:
        return status_name(e.args[0])
    try:
        if access != MAXIMUM_ALLOWED:
            return OK
        try:
            c.set_sd(fnum, dacl, security.SECINFO_DACL)
            return 'WD'
        except NTSTATUSError as e:
            st = status_name(e.args[0])
            if st == 'NT_STATUS_ACCESS_DENIED':
                return 'noWD'
            return ERROR_PREFIX + st
    finally:
        c.close(fnum)


ERROR_PREFIX = 'set DACL failed: '


# objects whose file ACL withholds WRITE_DAC from their owner: an OWNER
# RIGHTS entry replaces the owner's implicit READ_CONTROL|WRITE_DAC
OWNER_WITHHELD = ('alice/ownerrights.txt',)


def full_premise(obj, access_name, full):
    """Where the rule applies the Full share's result is the expected
    one: '' when it is what the file ACL gives the owner, else why the
    case proves nothing."""
    if obj in OWNER_WITHHELD:
        want = 'NT_STATUS_ACCESS_DENIED' if access_name == 'WRITE_DAC' \
            else 'noWD'
    else:
        want = OK if access_name == 'WRITE_DAC' else 'WD'
    if full == want:
        return ''
    return 'the Full share (the reference) gave the owner %s, where ' \
        'the file ACL gives %s' % (full, want)


def rule_applies(user, share, obj, access_name):
    """The module's rules, from its documentation."""
    if user in ('guest', 'anonymous'):
        return False
    if user == 'carol':       # admin users: uid 0 is nobody's owner
        return False
    if share not in RULE_SHARES:   # Read ACL, read only, force user
        return False
    if OBJECTS[obj] != user:
        return False
    return access_name in ('WRITE_DAC', 'MAXIMUM_ALLOWED')


# durable cases: (share, object, access, disposition); each on its twin
# and its Full share too
DURABLE_USERS = ('alice', 'bob', 'carol')
DURABLE_KINDS = (('v1', 'SMB2.1'), ('v2', 'SMB3'), ('persistent', 'SMB3'))
DURABLE_ACCESS = {'WRITE_DAC': WRITE_DAC | READ_CONTROL,
                  'MAXIMUM_ALLOWED': MAXIMUM_ALLOWED}
DURABLE_OPENS = ('alice/own.txt', 'alice/shared.txt', 'bob/bshared.txt',
                 'alice/own.txt:s1', 'alice/hard-bob', 'adminmade/a.txt')
TWIN = {'m_change': ('t_change', 'm_full'),
        'm_inherit': ('t_inherit', 'f_inherit')}


def durable_outcome(user, share, kind, dialect, path, access, disposition):
    """Open with a batch oplock and a durable request, drop the
    connection, reconnect the handle; what each step gave:
    {open: status, durable: granted?, before: WD|noWD, reconnect: status,
    after: WD|noWD|None, set: status|'-'}"""
    from smb2raw import DurableRequest, Session, OPLOCK_BATCH
    WD = WRITE_DAC
    s = Session(user, share, dialect, host=DURABLE_HOSTS[0])
    req = DurableRequest(kind)
    st, fid, ctx = s.create(path, access, disposition, oplock=OPLOCK_BATCH,
                            context=req.query())
    if fid is None:
        s.logoff()
        return dict(open=st)
    before = s.access(fid)
    dacl = s.get_dacl(fid) if before & READ_CONTROL else None
    durable = req.granted(ctx)
    s.drop()
    r = Session(user, share, dialect, host=DURABLE_HOSTS[1])
    try:
        st2, fid2, _ = r.reconnect(path, access, req, fid, disposition)
        after, wrote = None, '-'
        if fid2 is not None:
            after = 'WD' if r.access(fid2) & WD else 'noWD'
            wrote = r.set_dacl(fid2, dacl) if dacl is not None else '-'
            r.close(fid2)
    finally:
        r.logoff()
    return dict(open=st, durable=durable,
                before='WD' if before & WD else 'noWD', reconnect=st2,
                after=after, set=wrote)


def durable_text(res):
    """One line for a durable_outcome: what cases compare and print"""
    if res['open'] != OK:
        return res['open']
    return 'OK durable=%s %s | reconnect %s set=%s' % (
        res['durable'], res['before'],
        res['after'] if res['reconnect'] == OK else res['reconnect'],
        res['set'])


def durable_premise(path, applies, ref):
    """'' when the reference result (the Full share where the rule
    applies, else the twin) shows what the case needs to prove anything,
    else why not. An open the reference granted must have had its
    durable handle and reconnected it: smbd grants none on a stream, so
    there the reference must have been refused both. Where the rule
    applies the owner's open, on the Full share, is granted and writes
    the DACL before and after the reconnect."""
    why = []
    if ref['open'] != OK:
        if applies:
            why.append('the Full share refused the owner\'s open (%s)' %
                       ref['open'])
        return '; '.join(why)
    stream = ':' in path
    if ref['durable'] == stream:
        why.append('durable handle %s' %
                   ('granted on a stream' if stream else 'not granted'))
    if stream and ref['reconnect'] != 'NT_STATUS_OBJECT_NAME_NOT_FOUND':
        why.append('the reconnect of a handle that is not durable gave %s, '
                   'not NT_STATUS_OBJECT_NAME_NOT_FOUND' % ref['reconnect'])
    if not stream and ref['reconnect'] != OK:
        why.append('the reconnect did not reconnect (%s)' %
                   ref['reconnect'])
    if applies:
        if ref['before'] != 'WD':
            why.append('the owner\'s open on the Full share has no '
                       'WRITE_DAC')
        if not stream and (ref['after'], ref['set']) != ('WD', OK):
            why.append('the owner\'s reconnected handle on the Full share '
                       'did not write the DACL (%s, set=%s)' %
                       (ref['after'], ref['set']))
    return '; '.join(why)


def durable_matrix(R, prof):
    """(cases, wrongful grants, wrongful denials, premise failures)"""
    cases = grants = denials = premises = 0
    n = 0
    for (kind, dialect), user, acc in itertools.product(
            DURABLE_KINDS, DURABLE_USERS, DURABLE_ACCESS):
        opens = [('m_change', p, FILE_OPEN) for p in DURABLE_OPENS]
        # creates: in alice's folder where everyone may create files,
        # with and without inherit owner
        opens += [(sh, 'alice/dropbox/new', FILE_CREATE)
                  for sh in ('m_change', 'm_inherit')]
        for share, path, disp in opens:
            res = {}
            for sh in (share,) + TWIN[share]:
                p = path
                if disp == FILE_CREATE:
                    n += 1
                    p = '%s-%s-%d.txt' % (path, sh, n)
                res[sh] = durable_outcome(user, sh, kind, dialect, p,
                                          DURABLE_ACCESS[acc], disp)
            twin, full = TWIN[share]
            owner = OBJECTS.get(path, 'alice' if share == 'm_inherit'
                                else user)
            applies = user == owner and user != 'carol'
            ref = res[full] if applies else res[twin]
            expected = durable_text(ref)
            got = durable_text(res[share])
            premise = durable_premise(path, applies, ref)
            cases += 1
            name = 'durable %s %s %s %s %s %s' % (kind, dialect, share,
                                                  user, path, acc)
            if os.environ.get('PROFILEACL_MATRIX_VERBOSE'):
                print('case %s: %s' % (name, {sh: durable_text(r)
                                               for sh, r in res.items()}))
            if premise:
                premises += 1
                print('FAIL PREMISE: %s: %s (%s share: %s)' %
                      (name, premise, 'Full' if applies else 'twin',
                       expected))
            if got == expected:
                if premise:
                    R.failed += 1
                    R.failures.append(name)
                else:
                    R.passed += 1
                continue
            R.failed += 1
            R.failures.append(name)
            if 'WD' in got.replace('noWD', '') and \
                    'WD' not in expected.replace('noWD', '') or \
                    ('set=NT_STATUS_OK' in got and
                     'set=NT_STATUS_OK' not in expected):
                grants += 1
                kind_s = 'WRONGFUL GRANT'
            else:
                denials += 1
                kind_s = 'WRONGFUL DENIAL'
            print('FAIL %s: %s: got %s, expected %s' % (kind_s, name, got,
                                                       expected))
    return cases, grants, denials, premises


# PROFILEACL_MATRIX_CLUSTER=1: on a two-node CTDB cluster
# (tests/harness.py Cluster): the objects are made through node 1, every
# case runs against node 2, and durable handles opened on node 1 are
# reconnected on node 2
CLUSTER = os.environ.get('PROFILEACL_MATRIX_CLUSTER') == '1'
# hosts a durable handle is opened on and reconnected on
DURABLE_HOSTS = ('127.0.0.1', '127.0.0.2' if CLUSTER else '127.0.0.1')


def main():
    extra_global = '\tmap to guest = bad user\n\tguest account = nobody\n'
    if CLUSTER:
        cl = Cluster(ROOT, extra_shares=conf_shares(),
                     extra_global=extra_global)
        cl.start(users=('alice', 'bob', 'carol'), share_acls=share_acls())
        maker, srv = cl.nodes
        stop = cl.stop
    else:
        srv = maker = Server(ROOT, extra_shares=conf_shares(),
                             extra_global=extra_global)
        srv.prepare(users=('alice', 'bob', 'carol'),
                    share_acls=share_acls())
        srv.start()
        stop = srv.stop
    R = Results()
    grants = denials = premises = errors = 0
    try:
        # objects are made through maker, cases run against srv
        make = Client(maker)
        sess = Client(srv)
        cli = Client(srv)
        sids = {}
        # objects, made by their owners over the Full share
        for user in ('alice', 'bob'):
            c = make.conn(user, 'm_full', 'SMB2')
            c.mkdir(user)
            fnum = c.create(user, DesiredAccess=READ_CONTROL)
            sids[user] = str(c.get_sd(fnum, 1).owner_sid)
            c.close(fnum)
        dom = security.dom_sid(sids['alice'].rsplit('-', 1)[0])

        def set_acl(user, path, sddl):
            c = make.conn(user, 'm_full', 'SMB2')
            fnum = c.create(path, DesiredAccess=WRITE_DAC | READ_CONTROL)
            c.set_sd(fnum, security.descriptor.from_sddl(sddl, dom),
                     security.SECINFO_DACL)
            c.close(fnum)

        a = make.conn('alice', 'm_full', 'SMB2')
        b = make.conn('bob', 'm_full', 'SMB2')
        for path in ('own.txt', 'shared.txt', 'ownerrights.txt'):
            a.savefile('alice/' + path, b'alice\n')
        a.savefile('alice/own.txt:s1', b'stream\n')
        for path in ('b.txt', 'bshared.txt'):
            b.savefile('bob/' + path, b'bob\n')
        b.savefile('bob/bshared.txt:s1', b'stream\n')
        set_acl('alice', 'alice', personal(sids['alice']))
        set_acl('alice', 'alice/own.txt', personal(sids['alice']))
        set_acl('alice', 'alice/shared.txt', EVERY)
        set_acl('bob', 'bob', personal(sids['bob']))
        set_acl('bob', 'bob/b.txt', personal(sids['bob']))
        set_acl('bob', 'bob/bshared.txt', EVERY)
        set_acl('alice', 'alice/ownerrights.txt',
                'D:P(A;;0x001200a9;;;S-1-3-4)(A;;0x001f01ff;;;SY)'
                '(A;;0x001200a9;;;WD)')
        # a folder of alice's where everyone may create files
        a.mkdir('alice/dropbox')
        set_acl('alice', 'alice/dropbox', 'D:P(A;OICI;0x001f01ff;;;WD)')
        prof = os.path.join(srv.share_root, 'profiles')
        os.symlink('../bob/bshared.txt', os.path.join(prof, 'alice/sym-bob'))
        os.lchown(os.path.join(prof, 'alice/sym-bob'),
                  pwd.getpwnam('alice').pw_uid, -1)
        os.link(os.path.join(prof, 'bob/bshared.txt'),
                os.path.join(prof, 'alice/hard-bob'))
        guestfile = os.path.join(prof, 'guest.txt')
        with open(guestfile, 'w') as f:
            f.write('guest\n')
        os.chown(guestfile, pwd.getpwnam('nobody').pw_uid, -1)
        os.chmod(guestfile, 0o666)
        os.mkdir(os.path.join(prof, 'adminmade'))
        os.chmod(os.path.join(prof, 'adminmade'), 0o777)
        with open(os.path.join(prof, 'adminmade/a.txt'), 'w') as f:
            f.write('admin\n')
        os.chmod(os.path.join(prof, 'adminmade/a.txt'), 0o666)
        os.symlink('../alice/shared.txt', os.path.join(prof, 'bob/sym-alice'))
        os.lchown(os.path.join(prof, 'bob/sym-alice'),
                  pwd.getpwnam('bob').pw_uid, -1)

        # each object's DACL, written back by MAXIMUM_ALLOWED probes
        dacls = {}
        for obj, owner in OBJECTS.items():
            c = sess.conn(owner if owner in ('alice', 'bob') else 'alice',
                          'm_full', 'SMB2')
            fnum = c.create(obj, DesiredAccess=READ_CONTROL,
                            ShareAccess=SHARE_ALL)
            dacls[obj] = c.get_sd(fnum, security.SECINFO_DACL)
            c.close(fnum)

        cases = 0
        for proto, share, user, obj, acc in itertools.product(
                ('SMB1', 'SMB2'), SHARES, USERS, OBJECTS, ACCESS):
            twin = 't' + share[1:]
            got = outcome(sess, user, share, proto, obj, ACCESS[acc],
                          dacls[obj])
            twin_res = outcome(sess, user, twin, proto, obj, ACCESS[acc],
                               dacls[obj])
            premise = ''
            if rule_applies(user, share, obj, acc):
                expected = outcome(sess, user, SHARES[share]['full'], proto,
                                   obj, ACCESS[acc], dacls[obj])
                premise = full_premise(obj, acc, expected)
            else:
                expected = twin_res
            cases += 1
            name = '%s %s %s %s %s' % (proto, share, user, obj, acc)
            if premise:
                premises += 1
                print('FAIL PREMISE: %s: %s' % (name, premise))
            broken = [r for r in (got, twin_res, expected)
                      if r.startswith(ERROR_PREFIX)]
            if broken:
                errors += 1
                R.failed += 1
                R.failures.append(name)
                print('FAIL ERROR: %s: got %s, expected %s (twin %s)' %
                      (name, got, expected, twin_res))
                continue
            if got == expected:
                if premise:
                    R.failed += 1
                    R.failures.append(name)
                else:
                    R.passed += 1
                continue
            R.failed += 1
            R.failures.append(name)
            if got in (OK, 'WD') and expected not in (OK, 'WD'):
                grants += 1
                kind = 'WRONGFUL GRANT'
            else:
                denials += 1
                kind = 'WRONGFUL DENIAL'
            print('FAIL %s: %s: got %s, expected %s (twin %s)' %
                  (kind, name, got, expected, twin_res))

        check = R.check

        # the module must have granted something somewhere, or the
        # matrix above proves nothing
        log = srv.log_text()
        n_grants = log.count('granted WRITE_DAC')
        check('the module granted on m_change (%d grants)' % n_grants,
              n_grants > 0)
        check('force user: said in the log',
              'has "force user": every session acts as one uid' in log)
        check('no grant on a force user share',
              'share [m_forced] path' not in log)
        check('no grant to the guest',
              'user [nobody]' not in log)
        # fake_perms stacked with the module: no session connects, while
        # the same stack without the module serves
        for proto, user in itertools.product(('SMB1', 'SMB2'),
                                             ('alice', 'bob', 'carol')):
            for share in FAKE_STACKS:
                try:
                    cli.conn(user, share, proto).list('')
                    st = OK
                except NTSTATUSError as e:
                    st = status_name(e.args[0])
                check('%s: %s refused at tree connect [%s]' %
                      (share, user, proto), st == 'NT_STATUS_UNSUCCESSFUL',
                      st)
            try:
                cli.conn(user, 'f_fake', proto).list('')
                st = OK
            except NTSTATUSError as e:
                st = status_name(e.args[0])
            check('f_fake (no module): %s connects [%s]' % (user, proto),
                  st == OK, st)
        check('the refusal names fake_perms in the log',
              '"vfs objects" holds fake_perms' in srv.log_text())
        # inherit owner: a new object belongs to the folder's owner, so
        # a create is decided by who will own it, before the open
        drop = os.path.join(prof, 'alice/dropbox')
        for proto in ('SMB1', 'SMB2'):
            st = cli.status('bob', 'm_inherit', proto,
                            'alice/dropbox/plain-%s.txt' % proto,
                            FILE_READ_DATA, FILE_CREATE)
            check('inherit owner: bob may create in alice\'s dropbox '
                  '(control) [%s]' % proto, st == OK, st)
            name = 'wdac-%s.txt' % proto
            st = cli.status('bob', 'm_inherit', proto,
                            'alice/dropbox/' + name,
                            WRITE_DAC | FILE_READ_DATA, FILE_CREATE)
            check('inherit owner: bob creating there asking WRITE_DAC is '
                  'refused [%s]' % proto,
                  st == 'NT_STATUS_ACCESS_DENIED', st)
            check('inherit owner: ... and nothing was created [%s]' % proto,
                  not os.path.exists(os.path.join(drop, name)))
            st = cli.status('alice', 'm_inherit', proto,
                            'alice/own-new-%s.txt' % proto,
                            WRITE_DAC | FILE_READ_DATA, FILE_CREATE)
            check('inherit owner: alice creating in her folder asking '
                  'WRITE_DAC is granted [%s]' % proto, st == OK, st)
        log = srv.log_text()
        check('inherit owner: no handle had to be refused after the open',
              'opened object is not owned by bob' not in log)

        # durable handles (v1, v2, persistent requests): a reconnect gets
        # back exactly what an open would get, nothing the module withheld
        dcases, dgrants, ddenials, dpremises = durable_matrix(R, prof)
        cases += dcases
        grants += dgrants
        denials += ddenials
        premises += dpremises
        print('deny matrix: %d cases whose reference proves nothing '
              '(premise failures)' % premises)
        print('deny matrix: %d cases whose DACL write failed with an '
              'error other than NT_STATUS_ACCESS_DENIED' % errors)
        print('deny matrix: %d cases, %d wrongful grants, %d wrongful '
              'denials' % (cases, grants, denials))
    finally:
        stop()
    return R.summary('deny-matrix-cluster' if CLUSTER else 'deny-matrix')


if __name__ == '__main__':
    sys.exit(main())
