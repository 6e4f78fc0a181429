#!/usr/bin/python3
"""Durable handles: a handle whose rights the module decided reconnects
only where the module decides again (docs/security.md, the durable
rows).

  - through a share without the module on the same path it is refused;
    a handle the module did not touch still reconnects there; through
    the module's share the owner keeps the handle's rights (v1 over SMB
    2.1, v2 over SMB 3);
  - a disconnect whose cookie cannot be wrapped (fault injection: no
    memory) leaves a handle that reconnects nowhere, and no share mode
    entry once the durable timeout has passed: the scavenger cleans it
    up;
  - a reconnect whose owner cannot be read (fault injection: the
    reconnected handle's fstat fails) is refused cleanly, and smbd lives
    on;
  - a reconnect reads the share ACL again: a deny of WRITE_DAC added
    after the disconnect leaves the reconnected handle without it.

Run inside tests/netns-run.sh, as root.
"""

import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from harness import (Client, Results, Server, FILE_OPEN, FILE_READ_DATA,
                     MAXIMUM_ALLOWED, READ_CONTROL, WRITE_DAC, run,
                     server_cmd)
from smb2raw import DurableRequest, Session, OPLOCK_BATCH

ROOT = os.environ.get('PROFILEACL_DURABLE_ROOT', '/tmp/profileacl-durable')
OK = 'NT_STATUS_OK'
DENIED = 'NT_STATUS_ACCESS_DENIED'
MOD = 'profileacl acl_xattr'
REF_STREAMS = 'acl_xattr streams_xattr'
FAULT = 'profileacl pa_faultinject acl_xattr'
# the module's share, the same path without it, the Full share; the
# fault injection below the module; a share whose ACL changes
SHARES = ''.join(
    '\n[%s]\n\tpath = @ROOT@/profiles\n\tread only = no\n'
    '\tvfs objects = %s\n%s' % share for share in (
        ('rv', 'profileacl ' + REF_STREAMS,
         '\tprofileacl:grant = write_dac write_owner\n'),
        ('rv_full', REF_STREAMS, ''), ('rv_plain', REF_STREAMS, ''),
        ('rv_wrapfail', 'pa_faultinject:restore ' + FAULT, ''),
        ('rv_fault', FAULT, ''),
        ('rv_dur_deny', MOD, '')))


def durable_cases(R, srv, cli):
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


def reconnect_fault_case(R, srv, cli):
    """The reconnect's own error path: the owner cannot be read."""
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
        st, fid2, _ = r.reconnect(path, WRITE_DAC | READ_CONTROL, req, fid)
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


def main():
    R = Results()
    srv = Server(ROOT, extra_shares=SHARES)
    srv.prepare(share_acls={'rv': 'CHANGE', 'rv_full': 'FULL',
                            'rv_plain': 'CHANGE', 'rv_wrapfail': 'CHANGE',
                            'rv_fault': 'CHANGE',
                            'rv_dur_deny': 'CHANGE'})
    srv.start()
    try:
        cli = Client(srv)
        c = cli.conn('alice', 'rv_full', 'SMB2')
        c.mkdir('alice')
        for kind in ('v1', 'v2'):
            for access in (WRITE_DAC | READ_CONTROL, MAXIMUM_ALLOWED,
                           FILE_READ_DATA | READ_CONTROL):
                c.savefile('alice/durable-%s-%x.txt' % (kind, access), b'x')
            c.savefile('alice/reconnectfail-%s.txt' % kind, b'x')
        for case in (durable_cases, reconnect_fault_case,
                     wrap_failure_case, durable_share_deny_cases):
            try:
                case(R, srv, cli)
            except Exception as e:  # a crash is a failure, not a stop
                R.check('%s raised no exception' % case.__name__, False,
                        repr(e))
        log = srv.log_text()
        R.check('smbd logged no panic', 'PANIC' not in log and
                'Bad talloc magic' not in log)
    finally:
        srv.stop()
    return R.summary('durable')


if __name__ == '__main__':
    sys.exit(main())
