#!/usr/bin/python3
"""Fault injection below vfs_profileacl (tests/faultinject): when stat,
open or the check on the opened handle fail, the module grants nothing,
logs why, restores the share mask, and smbd keeps serving other opens.

Each step that relies on an injection checks, through fired(), that its
injection point logged its own line for the step's file while the step
ran: a fault that did not fire fails the step, so an outcome that merely
looks like one (a missing file, a refusal for another reason) cannot
pass for it.

The share mask is checked restored through the connection whose mask
the module widened: alice's own, asking WRITE_DAC on bob's file whose
file ACL lets everyone do anything. smbd keeps conn->share_access from
one request to the next on the same tree and user, so a mask left
widened lets that open through; another user's connection is another
smbd process and would not see it.

To add an injection point: give it a name prefix in
tests/faultinject/vfs_pa_faultinject.c that fails its call through
fail(OP, PATH); add "PREFIX": (OP, ...) to POINTS below; name the step's
file PREFIX-...; and run the step through fired().
"""

import os
import pwd
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from harness import (Client, Results, Server, DURABLE_KINDS, FILE_CREATE,
                     FILE_OPEN, FILE_OPEN_IF, FILE_READ_DATA, MAXIMUM_ALLOWED,
                     READ_CONTROL, WRITE_DAC, durable_open, ensure_unix_user,
                     profile_shares, smb2_open, user_file)
from smb2raw import DurableRequest, Session, OPLOCK_BATCH

ROOT = os.environ.get('PROFILEACL_FAULT_ROOT', '/tmp/profileacl-faults')
PROFILES = os.path.join(ROOT, 'profiles')
OK = 'NT_STATUS_OK'
DENIED = 'NT_STATUS_ACCESS_DENIED'
# smbd's status for the EIO pa_faultinject returns
# (map_nt_error_from_unix)
EIO = 'NT_STATUS_IO_DEVICE_ERROR'
WD = WRITE_DAC | READ_CONTROL
PROTOS = ('SMB1', 'SMB2')
SHARES = profile_shares({
    'f_mod': ('profileacl pa_faultinject acl_xattr',
              'pa_faultinject:race uid = @BOBUID@',
              'pa_faultinject:link target = @ROOT@/profiles/alice/victim.txt'),
    'f_full': ('acl_xattr',)})

# injection point (name prefix) -> the operations whose failure it logs
# (tests/faultinject/vfs_pa_faultinject.c)
POINTS = {
    'statfail': ('stat', 'lstat', 'fstatat', 'fstat'),
    'openfail': ('openat',),
    'fstatfail': ('fstat',),
}

# the steps whose fault fails an open of alice's on f_mod: injection
# point, label, access and disposition asked, the check and the status it
# wants, and when the share mask is then checked restored
STEPS = (
    ('statfail', 'stat fails', WRITE_DAC, FILE_OPEN,
     'stat fails: owner WRITE_DAC not granted, the injected EIO returned',
     EIO, 'after a stat failure'),
    ('openfail', 'open fails', WRITE_DAC | FILE_READ_DATA, FILE_CREATE,
     'open fails inside the create: the injected EIO returned', EIO,
     'after an open failure'),
    ('fstatfail', 'handle check fails, WRITE_DAC', WRITE_DAC, FILE_OPEN,
     'handle check fails: explicit WRITE_DAC refused', DENIED, None))


def point_line(point, name):
    """A regex for the line pa_faultinject logs when POINT fires on the
    file NAME (PATH is relative to the share or to its folder)"""
    path = r'(\S*/)?%s' % re.escape(name)
    if point == 'linkrace':
        return r'pa_faultinject: linked bob/%s to [^ ]*: ok' % re.escape(name)
    if point == 'racechown':
        return r'pa_faultinject: gave %s to uid [0-9]+: ok' % path
    return r'pa_faultinject: failing (%s) of %s with EIO' % (
        '|'.join(POINTS[point]), path)


def fired(R, srv, point, name, step, label):
    """Run STEP and return what it returned; check that injection POINT
    fired on the file NAME while it ran ("max log size = 0": the log is
    never rotated)."""
    start = srv.log_size()
    result = step()
    line = point_line(point, name)
    R.check('%s: %s fired on %s (log)' % (label, point, name),
            re.search(line, srv.log_since(start)) is not None,
            'no line matching %r' % line)
    return result


def race_checks(R, srv):
    """A right that fails the check on the opened handle leaves the
    handle. The share mode entry still records it, so the handle's durable
    cookie is wrapped: a share without the module (here the Full share on
    the same path, where a plain reconnect would restore WRITE_DAC from
    the entry with no check) refuses the reconnect, and the module's share
    decides again, for whoever owns the file then."""
    for kind, dialect in DURABLE_KINDS:
        # the object is given to bob between the two checks
        name = 'racechown-%s.txt' % kind
        path = 'alice/' + name
        user_file(os.path.join(PROFILES, path), 'alice')
        s = Session('alice', 'f_mod', dialect)
        req = DurableRequest(kind)
        st, fid, ctx = fired(
            R, srv, 'racechown', name,
            lambda: s.create(path, MAXIMUM_ALLOWED, FILE_OPEN,
                             oplock=OPLOCK_BATCH, context=req.query()),
            'race [%s]' % kind)
        R.equal('race: the MAXIMUM_ALLOWED open works [%s]' % kind, st,
                OK)
        if fid is None:
            s.logoff()
            continue
        R.check('race: the handle lost WRITE_DAC [%s]' % kind,
                not s.access(fid) & WRITE_DAC)
        R.check('race: the open is durable, as on stock Samba [%s]' % kind,
                req.granted(ctx))
        s.drop()
        with smb2_open('alice', 'f_full', dialect, path, MAXIMUM_ALLOWED,
                       req, fid) as (_, st, fid2):
            R.check('race: no reconnect through the Full share without the '
                    'module (%s) [%s]' % (st, kind), fid2 is None)
        with smb2_open('alice', 'f_mod', dialect, path, MAXIMUM_ALLOWED,
                       req, fid) as (r, st, fid2):
            R.equal('race: the module\'s share reconnects it [%s]' % kind,
                    st, OK)
            if fid2 is not None:
                R.check('race: ... decided again: no WRITE_DAC for alice on '
                        'bob\'s file [%s]' % kind,
                        not r.access(fid2) & WRITE_DAC)

        # the owner's granted durable handle; the file changes owner
        # before she goes away (smbd itself refuses a reconnect when the
        # owner changed after the disconnect: durable.c compares the
        # stat in the cookie)
        path = 'alice/handover-%s.txt' % kind
        local = user_file(os.path.join(PROFILES, path), 'alice')
        s, req, fid = durable_open(
            R, 'handover: the owner\'s WRITE_DAC open is durable (%%s) '
            '[%s]' % kind, 'alice', 'f_mod', dialect, kind, path, WD)
        if fid is None:
            continue
        dacl = s.get_dacl(fid)
        os.chown(local, pwd.getpwnam('bob').pw_uid, -1)
        s.drop()
        r = Session('alice', 'f_mod', dialect)
        st, fid2, _ = r.reconnect(path, WD, req, fid)
        R.equal('handover: the reconnect works [%s]' % kind, st, OK)
        if fid2 is None:
            r.logoff()
            continue
        R.check('handover: ... without WRITE_DAC [%s]' % kind,
                not r.access(fid2) & WRITE_DAC)
        R.equal('handover: ... and cannot set the DACL [%s]' % kind,
                r.set_dacl(fid2, dacl), DENIED)
        # the reconnected handle's cookie is wrapped again
        r.drop()
        with smb2_open('alice', 'f_full', dialect, path, WD, req,
                       fid2) as (_, st, fid3):
            R.check('handover: then no reconnect through the Full share '
                    '(%s) [%s]' % (st, kind), fid3 is None)


def new_object_checks(R, srv, cli):
    """One rule for new objects: the creator owns what is created, so a
    new file in a folder an admin made for alice (owned by root) is hers
    to set the ACL of. A name decided new that is opened without being
    created (a hard link to alice's file planted between smbd's stat and
    its O_CREAT|O_EXCL open: smbd retries without O_CREAT) is refused by
    the check on the opened handle."""
    folder = os.path.join(PROFILES, 'alice.V6')
    os.makedirs(folder, exist_ok=True)
    os.chown(folder, 0, 0)
    os.chmod(folder, 0o777)
    for proto in PROTOS:
        R.equal('a folder root made for alice: her new file with '
                'WRITE_DAC [%s]' % proto,
                cli.status('alice', 'f_mod', proto,
                           'alice.V6/new-%s.dat' % proto, WD, FILE_CREATE),
                OK)
    victim = user_file(os.path.join(PROFILES, 'alice', 'victim.txt'),
                       'alice', 'bob')
    os.chmod(victim, 0o660)
    ino = os.stat(victim).st_ino
    for proto in PROTOS:
        name = 'linkrace-%s.txt' % proto
        st = fired(R, srv, 'linkrace', name,
                   lambda: cli.status('bob', 'f_mod', proto, 'bob/' + name,
                                      WD, FILE_OPEN_IF),
                   'EEXIST link [%s]' % proto)
        R.equal('EEXIST link: bob gets no WRITE_DAC handle on alice\'s '
                'file [%s]' % proto, st, DENIED)
        R.equal('EEXIST link: the name was alice\'s file [%s]' % proto,
                os.stat(os.path.join(PROFILES, 'bob', name)).st_ino, ino)
        # a new name of his own, the same request: granted
        R.equal('EEXIST link: bob\'s own new file with WRITE_DAC [%s]' %
                proto, cli.status('bob', 'f_mod', proto,
                                  'bob/new-%s.txt' % proto, WD,
                                  FILE_OPEN_IF), OK)


def main():
    R = Results()
    # bob's uid goes into the shares before prepare() makes the users
    ensure_unix_user('bob')
    srv = Server(ROOT, extra_shares=SHARES.replace(
        '@BOBUID@', str(pwd.getpwnam('bob').pw_uid)),
                 extra_global='\tlog level = 1 profileacl:10\n')
    srv.prepare(share_acls={'f_mod': 'CHANGE', 'f_full': 'FULL'})
    srv.start()
    try:
        cli = Client(srv)
        c = cli.conn('alice', 'f_full', 'SMB2')
        c.mkdir('alice')
        for proto in PROTOS:
            c.savefile('alice/fstatfail-%s.txt' % proto, b'x')
            # a file whose stat fails, made on the server
            user_file(os.path.join(PROFILES, 'alice',
                                   'statfail-%s.txt' % proto), 'alice')
        c.savefile('alice/normal.txt', b'x')
        domain = cli.owner_sid('alice', 'f_full', 'SMB2',
                               'alice').rsplit('-', 1)[0]
        # bob's file whose file ACL lets everyone do anything: only the
        # share mask stands between alice and WRITE_DAC on it
        cli.make_shared_files('f_full', users=('bob',))
        for proto in PROTOS:
            R.equal('control: alice WRITE_DAC on bob\'s shared file on '
                    'the Full share [%s]' % proto,
                    cli.status('alice', 'f_full', proto, 'bob/shared.txt',
                               WRITE_DAC), OK)

        def mask_restored(proto, when):
            # through alice's own f_mod connection, which cli keeps
            R.equal('share mask restored: alice WRITE_DAC on bob\'s file '
                    'refused %s, same connection [%s]' % (when, proto),
                    cli.status('alice', 'f_mod', proto, 'bob/shared.txt',
                               WRITE_DAC), DENIED)

        faults = 0
        for proto in PROTOS:
            for point, label, access, disp, check, want, after in STEPS:
                name = '%s-%s.txt' % (point, proto)
                st = fired(R, srv, point, name,
                           lambda: cli.status('alice', 'f_mod', proto,
                                              'alice/' + name, access, disp),
                           '%s [%s]' % (label, proto))
                faults += 1
                R.equal('%s [%s]' % (check, proto), st, want)
                if after:
                    mask_restored(proto, after)
            name = 'fstatfail-%s.txt' % proto
            st, fnum = fired(R, srv, 'fstatfail', name,
                             lambda: cli.open('alice', 'f_mod', proto,
                                              'alice/' + name,
                                              MAXIMUM_ALLOWED),
                             'handle check fails, MAXIMUM_ALLOWED [%s]' %
                             proto)
            faults += 1
            R.equal('handle check fails: MAXIMUM_ALLOWED open works [%s]' %
                    proto, st, OK)
            if fnum is not None:
                r = cli.set_dacl('alice', 'f_mod', proto, fnum,
                                 'D:(A;;0x001f01ff;;;WD)', domain)
                cli.close('alice', 'f_mod', proto, fnum)
                R.equal('handle check fails: MAXIMUM_ALLOWED handle has '
                        'no WRITE_DAC [%s]' % proto, r, DENIED)
            mask_restored(proto, 'after a handle check failure')
            # and smbd still serves, the module still works
            R.equal('after the faults: owner WRITE_DAC granted [%s]' %
                    proto, cli.status('alice', 'f_mod', proto,
                                      'alice/normal.txt', WRITE_DAC), OK)
            mask_restored(proto, 'after a grant')
        R.check('the open failure came after the module widened the '
                'mask', 'WRITE_DAC for alice/openfail-SMB1.txt, access '
                '0x00040001: granted' in srv.log_text())
        race_checks(R, srv)
        new_object_checks(R, srv, cli)
        log = srv.log_text()
        R.check('the module logged why it took the right back',
                'owner unknown' in log and
                'refusing WRITE_DAC' in log and
                'removing WRITE_DAC from the handle (grant)' in log)
        R.check('no grant logged for the failing names',
                'path [alice/openfail' not in log and
                not re.search(r'path \[alice/(fstat|stat)fail-[^]]*\]: '
                              r'granted', log))
        R.check('smbd logged no panic', 'PANIC' not in log)
        print('faults injected and survived: %d' % faults)
    finally:
        srv.stop()
    return R.summary('faults')


if __name__ == '__main__':
    sys.exit(main())
