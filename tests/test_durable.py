#!/usr/bin/python3
"""Durable handles: a handle whose rights the module decided reconnects
only where the module decides again (docs/security.md, the durable
rows): through another share, after a failed cookie wrap or a failed
owner read, and with the share ACL changed. Run inside
tests/netns-run.sh, as root.
"""

import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from harness import (Client, Results, Server, DURABLE_KINDS, FILE_READ_DATA,
                     MAXIMUM_ALLOWED, READ_CONTROL, SHARE_ACLS, WRITE_DAC,
                     durable_open, profile_shares, run, run_cases,
                     server_cmd, smb2_open)
from smb2raw import Session

ROOT = os.environ.get('PROFILEACL_DURABLE_ROOT', '/tmp/profileacl-durable')
OK = 'NT_STATUS_OK'
DENIED = 'NT_STATUS_ACCESS_DENIED'
WD = WRITE_DAC | READ_CONTROL
REF_STREAMS = 'acl_xattr streams_xattr'
FAULT = 'profileacl pa_faultinject acl_xattr'
# the module's share, the same path without it, the Full share; the
# fault injection below the module; a share whose ACL changes
SHARES = {
    'rv': ('profileacl ' + REF_STREAMS,
           'profileacl:grant = write_dac write_owner'),
    'rv_full': (REF_STREAMS,), 'rv_plain': (REF_STREAMS,),
    'rv_wrapfail': ('pa_faultinject:restore ' + FAULT,),
    'rv_fault': (FAULT,), 'rv_dur_deny': ('profileacl acl_xattr',)}
# the accesses of the durable cases: does the module decide the handle?
ACCESSES = ((WD, True), (MAXIMUM_ALLOWED, True),
            (FILE_READ_DATA | READ_CONTROL, False))


def durable_cases(R, srv, cli):
    """A handle the module decided reconnects only where it decides
    again."""
    for kind, dialect in DURABLE_KINDS:
        for access, touched in ACCESSES:
            path = 'alice/durable-%s-%x.txt' % (kind, access)
            what = 'durable %s, access 0x%x' % (kind, access)
            s, req, fid = durable_open(R, what + ': durable open (%s)',
                                       'alice', 'rv', dialect, kind, path,
                                       access)
            if fid is None:
                continue
            had = s.access(fid)
            s.drop()
            with smb2_open('alice', 'rv_plain', dialect, path, access, req,
                           fid) as (_, st, fid2):
                if touched:
                    R.check('%s: no reconnect through a share without the '
                            'module (%s)' % (what, st), fid2 is None)
                else:
                    R.equal('%s: a handle the module did not touch still '
                            'reconnects through another share' % what, st,
                            OK)
            if fid2 is not None:
                continue
            # through the module's share: decided again, kept by the owner
            with smb2_open('alice', 'rv', dialect, path, access, req,
                           fid) as (r, st, fid3):
                R.equal('%s: reconnects through the module\'s share' % what,
                        st, OK)
                if fid3 is not None:
                    R.equal('%s: the owner keeps the handle\'s rights' %
                            what, hex(r.access(fid3)), hex(had))


def reconnect_fault_case(R, srv, cli):
    """The reconnect's own error path: the owner cannot be read."""
    for kind, dialect in DURABLE_KINDS:
        path = 'alice/reconnectfail-%s.txt' % kind
        what = 'reconnect fault ' + kind
        s, req, fid = durable_open(R, what + ': durable WRITE_DAC open (%s)',
                                   'alice', 'rv_fault', dialect, kind, path,
                                   WD)
        if fid is None:
            continue
        s.drop()
        with smb2_open('alice', 'rv_fault', dialect, path, WD, req,
                       fid) as (_, st, _fid):
            R.equal(what + ': the reconnect is refused', st,
                    'NT_STATUS_OBJECT_NAME_NOT_FOUND')
        with smb2_open('alice', 'rv_fault', dialect, path,
                       READ_CONTROL) as (_, st, _fid):
            R.equal(what + ': the server serves the file again', st, OK)
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
    s, req, fid = durable_open(
        R, 'wrap failure: durable WRITE_DAC open, %d s timeout (%%s)' %
        timeout, 'alice', 'rv_wrapfail', 'SMB3', 'v2', path, WD,
        timeout * 1000)
    if fid is None:
        return
    left = share_entries(srv, name)
    R.check('wrap failure: the open has its share mode entry',
            len(left) == 1, left)
    s.drop()
    dropped = time.monotonic()
    lifted = 'pa_faultinject: %s: memory limit lifted' % path
    for _ in range(150):
        if lifted in srv.log_text():
            break
        time.sleep(0.1)
    log = srv.log_text()
    for what, line in (
            ('the injection fired (no memory for the cookie of a handle '
             'the module wrapped)',
             'pa_faultinject: disconnected %s: no memory for its cookie' %
             path),
            ('the memory limit was lifted once the module returned', lifted),
            ('the module logged the lost handle',
             '%s: no memory to wrap the durable cookie' % path)):
        R.check('wrap failure: ' + what, line in log)
    # before the timeout, while the disconnected entry is still there
    for share, where in (('rv_full', 'a share without the module'),
                         ('rv_wrapfail', 'the module\'s share')):
        with smb2_open('alice', share, 'SMB3', path, WD, req,
                       fid) as (_, st, fid2):
            R.check('wrap failure: the handle does not reconnect through '
                    '%s (%s)' % (where, st), fid2 is None)
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
    with smb2_open('alice', 'rv_wrapfail', 'SMB3', path,
                   WD) as (_, st, _fid):
        R.equal('wrap failure: the owner opens the file again with '
                'WRITE_DAC', st, OK)


def dur_deny_open(R, cli, what, kind, dialect, path):
    """alice's new file PATH, durably opened with WRITE_DAC through
    rv_dur_deny, checked in Results R as WHAT: (session, request, file
    id or None)"""
    cli.conn('alice', 'rv_full', 'SMB2').savefile(path, b'x')
    return durable_open(R, what + ': durable WRITE_DAC open (%s)', 'alice',
                        'rv_dur_deny', dialect, kind, path, WD)


def durable_share_deny_cases(R, srv, cli):
    """A durable reconnect decides again with the share ACL as it is then:
    a deny of WRITE_DAC added between the disconnect and the reconnect
    leaves the reconnected handle without WRITE_DAC and no DACL is
    written through it; with the share ACL unchanged the owner keeps
    both."""
    for kind, dialect in DURABLE_KINDS:
        for deny in (False, True):
            srv.set_share_acl('rv_dur_deny', 'CHANGE')
            path = 'alice/durdeny-%s-%s.txt' % (kind, 'deny' if deny
                                                else 'same')
            what = 'durable %s, %s' % (
                kind, 'share ACL denies WRITE_DAC after the disconnect'
                if deny else 'share ACL unchanged')
            s, req, fid = dur_deny_open(R, cli, what, kind, dialect, path)
            if fid is None:
                continue
            R.check('%s: the open holds WRITE_DAC' % what,
                    s.access(fid) & WRITE_DAC != 0)
            s.drop()
            if deny:
                srv.set_share_acl('rv_dur_deny', 'S-1-1-0:DENIED/0/'
                                  '0x00040000,' + SHARE_ACLS['CHANGE'])
            with smb2_open('alice', 'rv_dur_deny', dialect, path, WD, req,
                           fid) as (r, st, fid2):
                R.equal('%s: reconnects' % what, st, OK)
                if fid2 is not None:
                    R.equal('%s: WRITE_DAC on the reconnected handle' %
                            what, r.access(fid2) & WRITE_DAC != 0, not deny)
                    R.equal('%s: a DACL write through it' % what,
                            r.set_dacl(fid2, r.get_dacl(fid2)),
                            DENIED if deny else OK)
    srv.set_share_acl('rv_dur_deny', 'CHANGE')
    log = srv.log_text()
    for kind, _ in DURABLE_KINDS:
        R.check('durable %s, share ACL denies WRITE_DAC after the '
                'disconnect: the log says the reconnect lost it' % kind,
                'path [alice/durdeny-%s-deny.txt]: removing WRITE_DAC from '
                'the handle (reconnect)' % kind in log)


def durable_stays_wrapped_cases(R, srv, cli):
    """A decided handle stays decided: reconnected through the module's
    share while the share ACL grants the owner WRITE_DAC itself (the
    module decides nothing then), it still reconnects later only where
    the module decides again, not through a share without it."""
    srv.set_share_acl('rv_dur_deny', 'CHANGE')
    for kind, dialect in DURABLE_KINDS:
        path = 'alice/durstay-%s.txt' % kind
        what = 'durable %s, share ACL Full for one reconnect' % kind
        s, req, fid = dur_deny_open(R, cli, what, kind, dialect, path)
        if fid is None:
            continue
        s.drop()
        srv.set_share_acl('rv_dur_deny', 'FULL')
        try:
            s = Session('alice', 'rv_dur_deny', dialect)
            st, fid, _ = s.reconnect(path, WD, req, fid)
            R.equal('%s: reconnects through the module\'s share' % what,
                    st, OK)
            if fid is None:
                s.logoff()
                continue
            s.drop()
        finally:
            srv.set_share_acl('rv_dur_deny', 'CHANGE')
        R.check('%s: the module decided nothing on that reconnect' % what,
                'path [%s]: kept on reconnect' % path not in
                srv.log_text())
        with smb2_open('alice', 'rv_plain', dialect, path, WD, req,
                       fid) as (_, st, fid2):
            R.check('%s: then no reconnect through a share without the '
                    'module (%s)' % (what, st), fid2 is None)
        # the control: the handle is still there, for the module's share
        with smb2_open('alice', 'rv_dur_deny', dialect, path, WD, req,
                       fid) as (_, st, _fid):
            R.equal('%s: it reconnects through the module\'s share' % what,
                    st, OK)


def main():
    R = Results()
    srv = Server(ROOT, extra_shares=profile_shares(SHARES))
    srv.prepare(share_acls={name: 'FULL' if name == 'rv_full' else 'CHANGE'
                            for name in SHARES})
    srv.start()
    try:
        cli = Client(srv)
        c = cli.conn('alice', 'rv_full', 'SMB2')
        c.mkdir('alice')
        for kind, _ in DURABLE_KINDS:
            for access, _ in ACCESSES:
                c.savefile('alice/durable-%s-%x.txt' % (kind, access), b'x')
            c.savefile('alice/reconnectfail-%s.txt' % kind, b'x')
        run_cases(R, (durable_cases, reconnect_fault_case, wrap_failure_case,
                      durable_share_deny_cases, durable_stays_wrapped_cases),
                  R, srv, cli)
        log = srv.log_text()
        R.check('smbd logged no panic', 'PANIC' not in log and
                'Bad talloc magic' not in log)
    finally:
        srv.stop()
    return R.summary('durable')


if __name__ == '__main__':
    sys.exit(main())
