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

from harness import (Client, Results, Server, FILE_CREATE, FILE_OPEN,
                     FILE_WRITE_DATA, READ_CONTROL,
                     WRITE_DAC)
from samba.dcerpc import security
from samba.ndr import ndr_pack
from smb2raw import (DurableRequest, Session, OPLOCK_BATCH,
                     sd_context, smb1_posix_setacl)

ROOT = os.environ.get('PROFILEACL_AUDIT_ROOT', '/tmp/profileacl-audit')
OK = 'NT_STATUS_OK'

SHARES = '''
[au]
	path = @ROOT@/profiles
	read only = no
	vfs objects = profileacl acl_xattr streams_xattr
	profileacl:audit = yes
	profileacl:grant = write_dac write_owner

[au_full]
	path = @ROOT@/profiles
	read only = no
	vfs objects = acl_xattr streams_xattr
'''

def main():
    R = Results()
    srv = Server(ROOT, extra_shares=SHARES)
    srv.prepare(share_acls={'au': 'CHANGE', 'au_full': 'FULL'})
    srv.start()
    try:
        cli = Client(srv)
        c = cli.conn('alice', 'au_full', 'SMB2')
        c.mkdir('alice')
        fnum = c.create('alice', DesiredAccess=READ_CONTROL)
        sd = c.get_sd(fnum, security.SECINFO_OWNER)
        c.close(fnum)
        owner = str(sd.owner_sid)
        dom = security.dom_sid(owner.rsplit('-', 1)[0])
        sddl = 'D:P(A;;0x001f01ff;;;%s)(A;;0x001f01ff;;;SY)' % owner
        files = {}
        for proto in ('SMB1', 'SMB2'):
            for what in ('file', 'stream', 'posix'):
                files[(what, proto)] = 'alice/%s-%s.dat' % (what, proto)
                c.savefile(files[(what, proto)], b'regf')
            c.savefile(files[('stream', proto)] + ':x', b'stream')
        for kind in ('v1', 'v2'):
            files[('reconnect', kind)] = 'alice/reconnect-%s.dat' % kind
            c.savefile(files[('reconnect', kind)], b'regf')

        # what each path gave, checked against the log at the end
        paths = {}
        for proto in ('SMB1', 'SMB2'):
            for what, path in (('file', files[('file', proto)]),
                               ('stream', files[('stream', proto)] + ':x')):
                st, fnum = cli.open('alice', 'au', proto, path,
                                    WRITE_DAC | READ_CONTROL)
                R.equal('%s: WRITE_DAC open by the owner [%s]' %
                        (what, proto), st, OK)
                if fnum is None:
                    continue
                R.equal('%s: DACL set [%s]' % (what, proto),
                        cli.set_dacl('alice', 'au', proto, fnum, sddl,
                                     str(dom)), OK)
                cli.close('alice', 'au', proto, fnum)
                paths['%s %s' % (what, proto)] = path

        # the initial security descriptor of a create the module widened
        s = Session('alice', 'au', 'SMB3')
        sd_blob = ndr_pack(security.descriptor.from_sddl(sddl, dom))
        path = 'alice/initial-sd.dat'
        st, fid, _ = s.create(path, WRITE_DAC | FILE_WRITE_DATA |
                              READ_CONTROL, FILE_CREATE,
                              context=sd_context(sd_blob))
        R.equal('initial SD: create asking WRITE_DAC with an SD', st, OK)
        if fid is not None:
            s.close(fid)
            paths['initial SD'] = path
        s.logoff()

        # a durable handle reconnected: still guarded and audited
        for kind, dialect in (('v1', 'SMB2.1'), ('v2', 'SMB3')):
            path = files[('reconnect', kind)]
            s = Session('alice', 'au', dialect)
            req = DurableRequest(kind)
            st, fid, ctx = s.create(path, WRITE_DAC | READ_CONTROL,
                                    FILE_OPEN, oplock=OPLOCK_BATCH,
                                    context=req.query())
            R.check('reconnect: durable WRITE_DAC open (%s) [%s]' %
                    (st, kind), fid is not None and req.granted(ctx))
            if fid is None:
                s.logoff()
                continue
            dacl = s.get_dacl(fid)
            s.drop()
            r = Session('alice', 'au', dialect)
            st, fid2, _ = r.reconnect(path, WRITE_DAC | READ_CONTROL, req, fid)
            R.equal('reconnect: handle back [%s]' % kind, st, OK)
            if fid2 is not None:
                R.equal('reconnect: DACL set [%s]' % kind,
                        r.set_dacl(fid2, dacl), OK)
                r.close(fid2)
                paths['reconnect %s' % kind] = path
            r.logoff()

        # SMB1 unix extensions: a POSIX ACL set by path
        path = files[('posix', 'SMB1')]
        st = smb1_posix_setacl('alice', 'au', path)
        R.equal('POSIX ACL: SMB_SET_POSIX_ACL by the owner', st, OK)
        mode = os.stat(os.path.join(ROOT, 'profiles', path)).st_mode
        R.equal('POSIX ACL: it was written (mode)', oct(mode & 0o777),
                oct(0o640))
        st = smb1_posix_setacl('bob', 'au', path)
        R.equal('POSIX ACL: refused to bob (share mask)', st,
                'NT_STATUS_ACCESS_DENIED')

        log = srv.log_text().splitlines()
        for name, path in sorted(paths.items()):
            writes = [l for l in log if 'profileacl audit: write ' in l and
                      ' path="%s" ' % path in l]
            R.equal('audit: one write line for %s (%s)' % (name, path),
                    len(writes), 1)
        R.equal('every path was exercised', len(paths), 7)
        R.check('audit: no write line claimed for the POSIX ACL',
                not any('profileacl audit: write ' in l and
                        ' path="%s" ' % files[('posix', 'SMB1')] in l
                        for l in log))
        R.check('audit: no write line for bob',
                not any('profileacl audit: write user="bob"' in l
                        for l in log))
        R.check('smbd logged no panic', not any('PANIC' in l for l in log))
    finally:
        srv.stop()
    return R.summary('audit-paths')


if __name__ == '__main__':
    sys.exit(main())
