#!/usr/bin/python3
"""A generated deny matrix: does vfs_profileacl grant exactly what its
rules say, to whom they say, and nothing else?

Cases: users x objects x access x shares x protocols, each measured on a
share with the module, on its twin without it and on a Full share
without it. The oracle, written from the module's rules and not its
code: the module may change the outcome only for a real user (not guest,
anonymous or uid 0: admin users own nothing) on a share with no "force
user", not read only, share ACL Change, who owns what the name finally
resolves to (through links and ".."), when the request needs WRITE_DAC
(asked, or via MAXIMUM_ALLOWED) and nothing else the share withholds
(GENERIC_ALL and WRITE_OWNER need WRITE_OWNER too, not granted by
default). Then the outcome is the Full share's (the file ACL decides),
else the twin's. vfs_fake_perms stacked with the module refuses every
tree connect (checked apart).

Wrongful grants and wrongful denials are counted apart; both must be 0.
A MAXIMUM_ALLOWED handle's DACL write counts as refused only when it
answers NT_STATUS_ACCESS_DENIED; any other error, on any share compared,
fails the case, so that it cannot pass for the twin's refusal. A case
whose reference proves nothing fails too (a premise failure): where the
rule applies, the Full share must give the owner what the file ACL gives
her, or a refusal on the module share would pass for the file ACL's; a
durable case's reference must have been granted its durable handle and
reconnected it (on a stream, where smbd grants none, refused both), or
two failed reconnects would pass for equal results.
"""

import itertools
import os
import pwd
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from harness import (Client, Cluster, Results, Server, PASSWORDS, FILE_OPEN,
                     FILE_CREATE, FILE_READ_DATA, MAXIMUM_ALLOWED,
                     READ_CONTROL, WRITE_DAC, WRITE_OWNER, SHARE_ALL,
                     status_name)
from samba import NTSTATUSError
from samba.dcerpc import security

ROOT = os.environ.get('PROFILEACL_MATRIX_ROOT', '/tmp/profileacl-matrix')
# PROFILEACL_MATRIX_CLUSTER=1: on a two-node CTDB cluster (harness
# Cluster): the objects are made through node 1, every case runs against
# node 2, and durable handles opened on node 1 are reconnected on node 2
CLUSTER = os.environ.get('PROFILEACL_MATRIX_CLUSTER') == '1'
DURABLE_HOSTS = ('127.0.0.1', '127.0.0.2' if CLUSTER else '127.0.0.1')
OK = 'NT_STATUS_OK'
DENIED = 'NT_STATUS_ACCESS_DENIED'
ERROR_PREFIX = 'set DACL failed: '
PASSWORDS.setdefault('carol', 'Carol-pw-3')

SHARE = '''
[%s]
	path = @ROOT@/profiles
	read only = %s
	guest ok = yes
	admin users = carol
	vfs objects = %s
%s
'''
STACK = 'acl_xattr streams_xattr'
FAKE = 'fake_perms ' + STACK
MOD = 'profileacl ' + STACK
# inherit owner (create mask so the creator may reopen what it made)
INHERIT = ('\tinherit owner = windows and unix\n'
           '\tcreate mask = 0777\n\tforce create mode = 0666\n')
# the matrix's module shares, m_X: (read only, extra lines, share ACL);
# each has its twin t_X without the module, and m_full, Full without the
# module, shows what the file ACL alone allows
SHARES = {'m_change': ('no', '', 'CHANGE'), 'm_read': ('no', '', 'READ'),
          'm_ro': ('yes', '', 'CHANGE'),
          'm_forced': ('no', '\tforce user = alice\n', 'CHANGE'),
          'm_guestonly': ('no', '\tguest only = yes\n', 'CHANGE')}
# every share: (vfs objects, read only, extra lines, share ACL).
# vfs_fake_perms reports every object as the requester's, so a share
# stacking it with the module, below or above, refuses every tree
# connect; f_fake, the same stack without the module, serves
ALL_SHARES = {p + n[1:]: (vfs, ro, extra, acl)
              for n, (ro, extra, acl) in SHARES.items()
              for p, vfs in (('m', MOD), ('t', STACK))}
ALL_SHARES.update(m_fake1=('profileacl ' + FAKE, 'no', '', 'CHANGE'),
                  m_fake2=('fake_perms ' + MOD, 'no', '', 'CHANGE'),
                  m_full=(STACK, 'no', '', 'FULL'),
                  f_fake=(FAKE, 'no', '', 'FULL'),
                  m_inherit=(MOD, 'no', INHERIT, 'CHANGE'),
                  t_inherit=(STACK, 'no', INHERIT, 'CHANGE'),
                  f_inherit=(STACK, 'no', INHERIT, 'FULL'))
FAKE_STACKS = ('m_fake1', 'm_fake2')
# the shares on which the rule can apply: Change, writable, no force user
RULE_SHARES = ('m_change', 'm_inherit')
USERS = ('alice', 'bob', 'guest', 'anonymous', 'carol')

# object -> the owner of what the name resolves to
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
# objects whose file ACL withholds WRITE_DAC from their owner: an OWNER
# RIGHTS entry replaces the owner's implicit READ_CONTROL|WRITE_DAC
OWNER_WITHHELD = ('alice/ownerrights.txt',)
ACCESS = {'WRITE_DAC': WRITE_DAC, 'MAXIMUM_ALLOWED': MAXIMUM_ALLOWED,
          'WRITE_OWNER': WRITE_OWNER, 'GENERIC_ALL': security.SEC_GENERIC_ALL,
          'READ': FILE_READ_DATA}
EVERY = 'D:(A;;0x001f01ff;;;WD)'
PERSONAL = 'D:P(A;;0x001f01ff;;;%s)(A;;0x001f01ff;;;SY)' \
    '(A;OICI;0x001200a9;;;WD)'
# the files the owners write, before the DACLS
FILES = ('alice/own.txt', 'alice/shared.txt', 'alice/ownerrights.txt',
         'alice/own.txt:s1', 'bob/b.txt', 'bob/bshared.txt',
         'bob/bshared.txt:s1')
# (owner, object, DACL): PERSONAL gets the owner's SID
DACLS = (('alice', 'alice', PERSONAL), ('alice', 'alice/own.txt', PERSONAL),
         ('alice', 'alice/shared.txt', EVERY), ('bob', 'bob', PERSONAL),
         ('bob', 'bob/b.txt', PERSONAL), ('bob', 'bob/bshared.txt', EVERY),
         ('alice', 'alice/ownerrights.txt',
          'D:P(A;;0x001200a9;;;S-1-3-4)(A;;0x001f01ff;;;SY)'
          '(A;;0x001200a9;;;WD)'),
         # a folder of alice's where everyone may create files
         ('alice', 'alice/dropbox', 'D:P(A;OICI;0x001f01ff;;;WD)'))

# durable cases: each on its twin and its Full share too
DURABLE_USERS = ('alice', 'bob', 'carol')
DURABLE_KINDS = (('v1', 'SMB2.1'), ('v2', 'SMB3'), ('persistent', 'SMB3'))
DURABLE_ACCESS = {'WRITE_DAC': WRITE_DAC | READ_CONTROL,
                  'MAXIMUM_ALLOWED': MAXIMUM_ALLOWED}
# opens; and creates in alice's dropbox, with and without inherit owner
DURABLE_OPENS = [('m_change', p, FILE_OPEN) for p in (
    'alice/own.txt', 'alice/shared.txt', 'bob/bshared.txt',
    'alice/own.txt:s1', 'alice/hard-bob', 'adminmade/a.txt')] + \
    [(sh, 'alice/dropbox/new', FILE_CREATE) for sh in ('m_change',
                                                       'm_inherit')]
TWIN = {'m_change': ('t_change', 'm_full'),
        'm_inherit': ('t_inherit', 'f_inherit')}
# inherit owner: a new object belongs to the folder's owner, so a create
# is decided by who will own it, before the open: (user, path, access,
# status, what it shows)
INHERIT_CASES = (
    ('bob', 'alice/dropbox/plain-%s.txt', FILE_READ_DATA, OK,
     'bob may create in alice\'s dropbox (control)'),
    ('bob', 'alice/dropbox/wdac-%s.txt', WRITE_DAC | FILE_READ_DATA, DENIED,
     'bob creating there asking WRITE_DAC is refused'),
    ('alice', 'alice/own-new-%s.txt', WRITE_DAC | FILE_READ_DATA, OK,
     'alice creating in her folder asking WRITE_DAC is granted'))


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
        c.set_sd(fnum, dacl, security.SECINFO_DACL)
        return 'WD'
    except NTSTATUSError as e:
        st = status_name(e.args[0])
        return 'noWD' if st == DENIED else ERROR_PREFIX + st
    finally:
        c.close(fnum)


def full_premise(obj, access_name, full):
    """Where the rule applies the Full share's result is the expected
    one: '' when it is what the file ACL gives the owner, else why the
    case proves nothing."""
    want = (DENIED, 'noWD') if obj in OWNER_WITHHELD else (OK, 'WD')
    want = want[access_name != 'WRITE_DAC']
    if full == want:
        return ''
    return 'the Full share (the reference) gave the owner %s, where ' \
        'the file ACL gives %s' % (full, want)


def rule_applies(user, share, obj, access_name):
    """The module's rules, from its documentation: not the guest, not
    anonymous, not an admin user (uid 0 is nobody's owner); not on a
    Read ACL, read only or force user share"""
    return user not in ('guest', 'anonymous', 'carol') and \
        share in RULE_SHARES and OBJECTS[obj] == user and \
        access_name in ('WRITE_DAC', 'MAXIMUM_ALLOWED')


def verdict(R, tally, name, got, expected, premise, grant, error=False,
            twin=''):
    """Count one case: it passes when GOT is EXPECTED, its reference
    proves something (no PREMISE failure) and no DACL write failed with
    an ERROR; a wrong result is a wrongful GRANT or denial"""
    tally['cases'] += 1
    if premise:
        tally['premises'] += 1
        print('FAIL PREMISE: %s: %s' % (name, premise))
    if error:
        tally['errors'] += 1
        print('FAIL ERROR: %s: got %s, expected %s%s' % (name, got, expected,
                                                        twin))
    elif got != expected:
        kind = 'grants' if grant else 'denials'
        tally[kind] += 1
        print('FAIL WRONGFUL %s: %s: got %s, expected %s%s' %
              (kind[:-1].upper(), name, got, expected, twin))
    if premise or error or got != expected:
        R.failed += 1
        R.failures.append(name)
    else:
        R.passed += 1


def durable_outcome(user, share, kind, dialect, path, access, disposition):
    """Open with a batch oplock and a durable request, drop the
    connection, reconnect the handle; what each step gave:
    {open: status, durable: granted?, before: WD|noWD, reconnect: status,
    after: WD|noWD|None, set: status|'-'}"""
    from smb2raw import DurableRequest, Session, OPLOCK_BATCH
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
        # until the old connection's smbd has seen it go, a durable
        # handle is still connected there, and a reconnect finds none
        for _ in range(10 if durable else 1):
            st2, fid2, _ = r.reconnect(path, access, req, fid, disposition)
            if st2 != 'NT_STATUS_OBJECT_NAME_NOT_FOUND':
                break
            time.sleep(0.2)
        after, wrote = None, '-'
        if fid2 is not None:
            after = 'WD' if r.access(fid2) & WRITE_DAC else 'noWD'
            wrote = r.set_dacl(fid2, dacl) if dacl is not None else '-'
            r.close(fid2)
    finally:
        r.logoff()
    return dict(open=st, durable=durable,
                before='WD' if before & WRITE_DAC else 'noWD',
                reconnect=st2, after=after, set=wrote)


def durable_text(res):
    """One line for a durable_outcome: what cases compare and print"""
    if res['open'] != OK:
        return res['open']
    return 'OK durable=%s %s | reconnect %s set=%s' % (
        res['durable'], res['before'],
        res['after'] if res['reconnect'] == OK else res['reconnect'],
        res['set'])


def durable_premise(path, applies, ref):
    """'' when the reference (the Full share where the rule applies, else
    the twin) shows what the case needs to prove anything, else why not.
    An open it granted must have had its durable handle and reconnected
    it; smbd grants none on a stream, so there it must refuse both. Where
    the rule applies the owner's open is granted and writes the DACL
    before and after the reconnect."""
    if ref['open'] != OK:
        return 'the Full share refused the owner\'s open (%s)' % \
            ref['open'] if applies else ''
    stream = ':' in path
    want = dict(durable=not stream, reconnect=OK)
    if stream:
        want['reconnect'] = 'NT_STATUS_OBJECT_NAME_NOT_FOUND'
    if applies:
        want.update(before='WD', **({} if stream else dict(after='WD',
                                                           set=OK)))
    return '; '.join('%s %s, not %s' % (k, ref[k], v)
                     for k, v in want.items() if ref[k] != v)


def durable_matrix(R, tally):
    """durable handles (v1, v2, persistent requests): a reconnect gets
    back exactly what an open would get, nothing the module withheld"""
    n = 0
    for (kind, dialect), user, acc, (share, path, disp) in itertools.product(
            DURABLE_KINDS, DURABLE_USERS, DURABLE_ACCESS, DURABLE_OPENS):
        res = {}
        for sh in (share,) + TWIN[share]:
            p = path
            if disp == FILE_CREATE:
                n += 1
                p = '%s-%s-%d.txt' % (path, sh, n)
            res[sh] = durable_outcome(user, sh, kind, dialect, p,
                                      DURABLE_ACCESS[acc], disp)
        twin, full = TWIN[share]
        owner = OBJECTS.get(path, 'alice' if share == 'm_inherit' else user)
        applies = user == owner and user != 'carol'
        expected = durable_text(res[full] if applies else res[twin])
        got = durable_text(res[share])
        premise = durable_premise(path, applies,
                                  res[full] if applies else res[twin])
        if premise:
            premise += ' (%s share: %s)' % ('Full' if applies else 'twin',
                                            expected)
        name = 'durable %s %s %s %s %s %s' % (kind, dialect, share, user,
                                              path, acc)
        if os.environ.get('PROFILEACL_MATRIX_VERBOSE'):
            print('case %s: %s' % (name, {sh: durable_text(r)
                                           for sh, r in res.items()}))
        grant = 'WD' in got.replace('noWD', '') and \
            'WD' not in expected.replace('noWD', '') or \
            ('set=NT_STATUS_OK' in got and
             'set=NT_STATUS_OK' not in expected)
        verdict(R, tally, name, got, expected, premise, grant)


def make_objects(make, sess, prof):
    """OBJECTS, made by their owners over the Full share through MAKE
    and in the share's folder PROF: {object: its DACL, read through
    SESS}"""
    sids = {}
    conns = {u: make.conn(u, 'm_full', 'SMB2') for u in ('alice', 'bob')}
    for user, c in conns.items():
        c.mkdir(user)
        fnum = c.create(user, DesiredAccess=READ_CONTROL)
        sids[user] = str(c.get_sd(fnum, 1).owner_sid)
        c.close(fnum)
    dom = security.dom_sid(sids['alice'].rsplit('-', 1)[0])
    for obj in FILES:
        conns[OBJECTS[obj]].savefile(obj, b'stream\n' if ':' in obj else
                                     OBJECTS[obj].encode() + b'\n')
    conns['alice'].mkdir('alice/dropbox')
    for user, path, sddl in DACLS:
        fnum = conns[user].create(path,
                                  DesiredAccess=WRITE_DAC | READ_CONTROL)
        conns[user].set_sd(fnum, security.descriptor.from_sddl(
            sddl.replace('%s', sids[user]), dom), security.SECINFO_DACL)
        conns[user].close(fnum)
    def at(path):
        return os.path.join(prof, path)
    # symlinks owned by the folder's owner, to the other user's file
    for link, target in (('alice/sym-bob', '../bob/bshared.txt'),
                         ('bob/sym-alice', '../alice/shared.txt')):
        os.symlink(target, at(link))
        os.lchown(at(link), pwd.getpwnam(link.split('/')[0]).pw_uid, -1)
    os.link(at('bob/bshared.txt'), at('alice/hard-bob'))
    os.mkdir(at('adminmade'))
    os.chmod(at('adminmade'), 0o777)
    for path, text in (('guest.txt', 'guest\n'),
                       ('adminmade/a.txt', 'admin\n')):
        with open(at(path), 'w') as f:
            f.write(text)
        os.chmod(at(path), 0o666)
    os.chown(at('guest.txt'), pwd.getpwnam('nobody').pw_uid, -1)
    # each object's DACL, written back by MAXIMUM_ALLOWED probes
    dacls = {}
    for obj, owner in OBJECTS.items():
        c = sess.conn(owner if owner in conns else 'alice', 'm_full', 'SMB2')
        fnum = c.create(obj, DesiredAccess=READ_CONTROL,
                        ShareAccess=SHARE_ALL)
        dacls[obj] = c.get_sd(fnum, security.SECINFO_DACL)
        c.close(fnum)
    return dacls


def main():
    extra_global = '\tmap to guest = bad user\n\tguest account = nobody\n'
    shares = ''.join(SHARE % (name, ro, vfs, extra) for name,
                     (vfs, ro, extra, _) in ALL_SHARES.items())
    acls = {name: s[3] for name, s in ALL_SHARES.items()}
    if CLUSTER:
        cl = Cluster(ROOT, extra_shares=shares, extra_global=extra_global)
        cl.start(users=('alice', 'bob', 'carol'), share_acls=acls)
        maker, srv = cl.nodes
        stop = cl.stop
    else:
        srv = maker = Server(ROOT, extra_shares=shares,
                             extra_global=extra_global)
        srv.prepare(users=('alice', 'bob', 'carol'), share_acls=acls)
        srv.start()
        stop = srv.stop
    R = Results()
    check = R.check
    tally = dict.fromkeys(('cases', 'grants', 'denials', 'premises',
                           'errors'), 0)
    try:
        # objects are made through maker, cases run against srv
        prof = os.path.join(srv.share_root, 'profiles')
        sess = Client(srv)
        cli = Client(srv)
        dacls = make_objects(Client(maker), sess, prof)
        for proto, share, user, obj, acc in itertools.product(
                ('SMB1', 'SMB2'), SHARES, USERS, OBJECTS, ACCESS):
            got, twin_res = (outcome(sess, user, sh, proto, obj, ACCESS[acc],
                                     dacls[obj])
                             for sh in (share, 't' + share[1:]))
            premise = ''
            expected = twin_res
            if rule_applies(user, share, obj, acc):
                expected = outcome(sess, user, 'm_full', proto, obj,
                                   ACCESS[acc], dacls[obj])
                premise = full_premise(obj, acc, expected)
            verdict(R, tally, '%s %s %s %s %s' % (proto, share, user, obj,
                                                  acc), got, expected,
                    premise, got in (OK, 'WD') and expected not in (OK, 'WD'),
                    any(r.startswith(ERROR_PREFIX)
                        for r in (got, twin_res, expected)),
                    ' (twin %s)' % twin_res)

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
        check('no grant to the guest', 'user [nobody]' not in log)
        for proto, user in itertools.product(('SMB1', 'SMB2'),
                                             ('alice', 'bob', 'carol')):
            for share in FAKE_STACKS + ('f_fake',):
                st = cli.try_(lambda: cli.conn(user, share, proto).list(''))
                if share == 'f_fake':
                    check('f_fake (no module): %s connects [%s]' %
                          (user, proto), st == OK, st)
                else:
                    check('%s: %s refused at tree connect [%s]' %
                          (share, user, proto),
                          st == 'NT_STATUS_UNSUCCESSFUL', st)
        check('the refusal names fake_perms in the log',
              '"vfs objects" holds fake_perms' in srv.log_text())
        for proto, (user, path, access, want, what) in itertools.product(
                ('SMB1', 'SMB2'), INHERIT_CASES):
            st = cli.status(user, 'm_inherit', proto, path % proto, access,
                            FILE_CREATE)
            check('inherit owner: %s [%s]' % (what, proto), st == want, st)
            if want == DENIED:
                check('inherit owner: ... and nothing was created [%s]' %
                      proto, not os.path.exists(os.path.join(
                          prof, path % proto)))
        check('inherit owner: no handle had to be refused after the open',
              'opened object is not owned by bob' not in srv.log_text())
        durable_matrix(R, tally)
        print('deny matrix: %(premises)d cases whose reference proves '
              'nothing (premise failures)' % tally)
        print('deny matrix: %(errors)d cases whose DACL write failed with an '
              'error other than NT_STATUS_ACCESS_DENIED' % tally)
        print('deny matrix: %(cases)d cases, %(grants)d wrongful grants, '
              '%(denials)d wrongful denials' % tally)
    finally:
        stop()
    return R.summary('deny-matrix-cluster' if CLUSTER else 'deny-matrix')


if __name__ == '__main__':
    sys.exit(main())
