#!/usr/bin/python3
"""Every path in smbd that writes a security descriptor or an ACL through
a right vfs_profileacl granted gives exactly one audit "write" line
(docs/security.md lists them): SMB1 and SMB2 security writes on a granted
handle, a stream handle (smbd writes the base file's), the initial SD of
a widened create (SecD, impacket) and a handle reconnected from a durable
one (impacket). SMB_SET_POSIX_ACL (SMB1 unix extensions) is written by
the owner, refused to bob, and gets no write line: no grant carries it.
"""

import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from harness import (Client, Results, Server, DURABLE_KINDS, FILE_CREATE,
                     FILE_WRITE_DATA, MAXIMUM_ALLOWED, READ_CONTROL,
                     WRITE_DAC, durable_open, profile_shares, set_dacl_on,
                     smb2_open)
from samba.dcerpc import security
from samba.ndr import ndr_pack
from smb2raw import Session, sd_context, smb1_posix_setacl

ROOT = os.environ.get('PROFILEACL_AUDIT_ROOT', '/tmp/profileacl-audit')
OK = 'NT_STATUS_OK'
WD = WRITE_DAC | READ_CONTROL
SHARES = profile_shares({
    'au': ('profileacl acl_xattr streams_xattr', 'profileacl:audit = yes',
           'profileacl:grant = write_dac write_owner'),
    'au_full': ('acl_xattr streams_xattr',)})


def main():
    R = Results()
    srv = Server(ROOT, extra_shares=SHARES)
    srv.prepare(share_acls={'au': 'CHANGE', 'au_full': 'FULL'})
    srv.start()
    try:
        cli = Client(srv)
        c = cli.conn('alice', 'au_full', 'SMB2')
        c.mkdir('alice')
        owner = cli.owner_sid('alice', 'au_full', 'SMB2', 'alice')
        dom = security.dom_sid(owner.rsplit('-', 1)[0])
        sddl = 'D:P(A;;0x001f01ff;;;%s)(A;;0x001f01ff;;;SY)' % owner
        for name in ('file-SMB1', 'file-SMB2', 'stream-SMB1', 'stream-SMB2',
                     'posix-SMB1', 'reconnect-v1', 'reconnect-v2'):
            c.savefile('alice/%s.dat' % name, b'regf')
        # what each path gave, checked against the log at the end
        paths = {}
        for proto in ('SMB1', 'SMB2'):
            c.savefile('alice/stream-%s.dat:x' % proto, b'stream')
            for what, path in (('file', 'alice/file-%s.dat' % proto),
                               ('stream', 'alice/stream-%s.dat:x' % proto)):
                st, fnum = cli.open('alice', 'au', proto, path, WD)
                R.equal('%s: WRITE_DAC open by the owner [%s]' %
                        (what, proto), st, OK)
                if fnum is None:
                    continue
                R.equal('%s: DACL set [%s]' % (what, proto),
                        cli.set_dacl('alice', 'au', proto, fnum, sddl,
                                     str(dom)), OK)
                cli.close('alice', 'au', proto, fnum)
                paths['%s %s' % (what, proto)] = path

        # a file whose DACL withholds WRITE_DAC from its owner (an OWNER
        # RIGHTS entry): a MAXIMUM_ALLOWED open is widened, but the
        # handle gets no WRITE_DAC, so no grant is logged for it
        withheld, maximum = 'alice/withheld.dat', 'alice/maximum.dat'
        c.savefile(withheld, b'regf')
        c.savefile(maximum, b'regf')
        R.equal('maximum: MAXIMUM_ALLOWED open by the owner (the control)',
                cli.status('alice', 'au', 'SMB2', maximum, MAXIMUM_ALLOWED),
                OK)
        R.equal('withheld: its DACL set through the Full share',
                set_dacl_on(c, withheld, 'D:P(A;;0x001200a9;;;S-1-3-4)'
                            '(A;;0x001f01ff;;;SY)(A;;0x001200a9;;;WD)'),
                (OK, OK))
        st, fnum = cli.open('alice', 'au', 'SMB2', withheld,
                            MAXIMUM_ALLOWED)
        R.equal('withheld: MAXIMUM_ALLOWED open by the owner', st, OK)
        if fnum is not None:
            R.equal('withheld: the handle writes no DACL',
                    cli.set_dacl('alice', 'au', 'SMB2', fnum, sddl,
                                 str(dom)), 'NT_STATUS_ACCESS_DENIED')
            cli.close('alice', 'au', 'SMB2', fnum)

        # the initial security descriptor of a create the module widened
        s = Session('alice', 'au', 'SMB3')
        path = 'alice/initial-sd.dat'
        st, fid, _ = s.create(path, WD | FILE_WRITE_DATA, FILE_CREATE,
                              context=sd_context(ndr_pack(
                                  security.descriptor.from_sddl(sddl, dom))))
        R.equal('initial SD: create asking WRITE_DAC with an SD', st, OK)
        if fid is not None:
            s.close(fid)
            paths['initial SD'] = path
        s.logoff()

        # a durable handle reconnected: still guarded and audited
        for kind, dialect in DURABLE_KINDS:
            path = 'alice/reconnect-%s.dat' % kind
            s, req, fid = durable_open(
                R, 'reconnect: durable WRITE_DAC open (%%s) [%s]' % kind,
                'alice', 'au', dialect, kind, path, WD)
            if fid is None:
                continue
            dacl = s.get_dacl(fid)
            s.drop()
            with smb2_open('alice', 'au', dialect, path, WD, req,
                           fid) as (r, st, fid2):
                R.equal('reconnect: handle back [%s]' % kind, st, OK)
                if fid2 is not None:
                    R.equal('reconnect: DACL set [%s]' % kind,
                            r.set_dacl(fid2, dacl), OK)
                    paths['reconnect %s' % kind] = path

        # SMB1 unix extensions: a POSIX ACL set by path
        posix = 'alice/posix-SMB1.dat'
        R.equal('POSIX ACL: SMB_SET_POSIX_ACL by the owner',
                smb1_posix_setacl('alice', 'au', posix), OK)
        mode = os.stat(os.path.join(ROOT, 'profiles', posix)).st_mode
        R.equal('POSIX ACL: it was written (mode)', oct(mode & 0o777),
                oct(0o640))
        R.equal('POSIX ACL: refused to bob (share mask)',
                smb1_posix_setacl('bob', 'au', posix),
                'NT_STATUS_ACCESS_DENIED')

        log = srv.log_text().splitlines()

        def writes(path):
            return [l for l in log if 'profileacl audit: write ' in l and
                    ' path="%s" ' % path in l]
        for name, path in sorted(paths.items()):
            R.equal('audit: one write line for %s (%s)' % (name, path),
                    len(writes(path)), 1)
        R.equal('every path was exercised', len(paths), 7)
        grants = [l for l in log if 'profileacl audit: grant ' in l]
        R.check('audit: grant lines are logged (%d)' % len(grants),
                any(' path="alice/file-SMB2.dat" ' in l for l in grants))
        R.equal('audit: one grant line for the MAXIMUM_ALLOWED open',
                len([l for l in grants if ' path="%s" ' % maximum in l]), 1)
        R.check('audit: no grant line for a handle its DACL kept from '
                'WRITE_DAC', not any(' path="%s" ' % withheld in l
                                     for l in grants))
        R.check('audit: no write line claimed for the POSIX ACL',
                not writes(posix))
        R.check('audit: no write line for bob',
                not any('profileacl audit: write user="bob"' in l
                        for l in log))
        R.check('smbd logged no panic', not any('PANIC' in l for l in log))
    finally:
        srv.stop()
    return R.summary('audit-paths')


if __name__ == '__main__':
    sys.exit(main())
