"""SMB2/3 requests Samba's Python client cannot make: durable (v1, v2 and
persistent) opens, a dropped TCP connection and a reconnect of the
handle, FileAccessInformation, and a create with a security descriptor.

The client stack is impacket (Debian's python3-impacket), not Samba's,
so these tests also check the server against a second implementation.
"""

import struct
import uuid

from impacket import smb as smb1
from impacket import smb3
from impacket import smb3structs as s3
from impacket.smb3 import SessionError

from harness import PASSWORDS, PORT, status_name

DIALECTS = {'SMB2.1': s3.SMB2_DIALECT_21, 'SMB3': s3.SMB2_DIALECT_30}
OPLOCK_BATCH = s3.SMB2_OPLOCK_LEVEL_BATCH
FILE_ACCESS_INFORMATION = 8
SECINFO_DACL = 4
DH2_FLAG_PERSISTENT = 2
DACL_INFO = dict(infoType=s3.SMB2_0_INFO_SECURITY, fileInfoClass=0,
                 additionalInformation=SECINFO_DACL)


def _status(fn, errors):
    """the status name of fn() raising ERRORS, or NT_STATUS_OK"""
    try:
        fn()
    except errors as e:
        return status_name(e.get_error_code())
    return 'NT_STATUS_OK'


def _context(name, data):
    """One create context (MS-SMB2 2.2.13.2), the last of its chain."""
    name_b = name.encode()
    head = struct.pack('<LHHHHL', 0, 16, len(name_b), 0,
                       24 if data else 0, len(data))
    return head + name_b + b'\0' * (-len(name_b) % 8) + data


def _contexts(buf):
    """{name: data} of a create response's context chain"""
    out, off = {}, 0
    while off < len(buf):
        nxt, noff, nlen, _, doff, dlen = struct.unpack_from('<LHHHHL',
                                                           buf, off)
        name = buf[off + noff:off + noff + nlen].decode(errors='replace')
        out[name] = buf[off + doff:off + doff + dlen]
        if nxt == 0:
            break
        off += nxt
    return out


class DurableRequest:
    """What a create asks for: DHnQ (v1), DH2Q (v2) or DH2Q with the
    persistent flag; reconnect() gives the matching DHnC or DH2C."""

    def __init__(self, kind, timeout_ms=60000):
        self.kind = kind
        self.timeout_ms = timeout_ms
        self.guid = uuid.uuid4().bytes_le
        self.flags = DH2_FLAG_PERSISTENT if kind == 'persistent' else 0

    def query(self):
        if self.kind == 'v1':
            return _context('DHnQ', b'\0' * 16)
        return _context('DH2Q', struct.pack('<LL8s16s', self.timeout_ms,
                                            self.flags, b'\0' * 8, self.guid))

    def reconnect(self, file_id):
        if self.kind == 'v1':
            return _context('DHnC', file_id)
        return _context('DH2C', file_id + self.guid +
                        struct.pack('<L', self.flags))

    def granted(self, contexts):
        return ('DHnQ' if self.kind == 'v1' else 'DH2Q') in contexts


class Session:
    """One TCP connection, one user session, one tree."""

    def __init__(self, user, share, dialect='SMB2.1', host='127.0.0.1'):
        self.conn = smb3.SMB3(host, host, sess_port=PORT,
                              preferredDialect=DIALECTS[dialect],
                              timeout=30)
        self.conn.login(user, PASSWORDS[user], '')
        self.tid = self.conn.connectTree(share)

    def reconnect(self, path, access, req, file_id, disposition=1):
        """create() with REQ's reconnect context for FILE_ID, a batch
        oplock asked, FILE_OPEN by default"""
        return self.create(path, access, disposition, oplock=OPLOCK_BATCH,
                           context=req.reconnect(file_id))

    def create(self, path, access, disposition, options=0,
               oplock=s3.SMB2_OPLOCK_LEVEL_NONE, context=b''):
        """(status name, file id or None, {response context: data})"""
        c = self.conn
        name = path.replace('/', '\\').encode('utf-16le')
        req = s3.SMB2Create()
        for k, v in (('SecurityFlags', 0), ('RequestedOplockLevel', oplock),
                     ('ImpersonationLevel', s3.SMB2_IL_IMPERSONATION),
                     ('DesiredAccess', access), ('FileAttributes', 0),
                     ('ShareAccess', 7), ('CreateDisposition', disposition),
                     ('CreateOptions', options), ('NameLength', len(name)),
                     ('Buffer', name or b'\0'), ('CreateContextsOffset', 0),
                     ('CreateContextsLength', 0)):
            req[k] = v
        if context:
            # the contexts start 8-aligned after the name
            off = 64 + s3.SMB2Create.SIZE + len(req['Buffer'])
            pad = (8 - off % 8) % 8
            req['Buffer'] += b'\0' * pad + context
            req['CreateContextsOffset'] = off + pad
            req['CreateContextsLength'] = len(context)
        packet = c.SMB_PACKET()
        packet['Command'] = s3.SMB2_CREATE
        packet['TreeID'] = self.tid
        packet['Data'] = req
        ans = c.recvSMB(c.sendSMB(packet))
        if ans['Status'] != 0:
            return status_name(ans['Status']), None, {}
        resp = s3.SMB2Create_Response(ans['Data'])
        fid = resp['FileID'].getData()
        # let impacket's own calls (query, set, close) know the handle
        c._Session['OpenTable'][fid] = {'FileName': path,
                                        'TreeConnect': self.tid}
        c.GlobalFileTable[path] = {}
        return 'NT_STATUS_OK', fid, _contexts(resp['Buffer'])

    def access(self, fid):
        """The handle's granted access (FileAccessInformation)"""
        blob = self.conn.queryInfo(self.tid, fid, infoType=s3.SMB2_0_INFO_FILE,
                                   fileInfoClass=FILE_ACCESS_INFORMATION)
        return struct.unpack('<L', blob[:4])[0]

    def get_dacl(self, fid):
        return self.conn.queryInfo(self.tid, fid, **DACL_INFO)

    def set_dacl(self, fid, blob):
        """status name of writing the DACL blob back"""
        return _status(lambda: self.conn.setInfo(
            self.tid, fid, inputBlob=blob, **DACL_INFO), SessionError)

    def close(self, fid):
        try:
            self.conn.close(self.tid, fid)
        except SessionError:
            pass

    def drop(self):
        """Close the TCP connection with no logoff: durable handles stay."""
        self.conn.close_session()

    def logoff(self):
        try:
            self.conn.logoff()
        finally:
            self.conn.close_session()


def sd_context(sd_blob):
    """The SecD create context: an initial security descriptor"""
    return _context('SecD', sd_blob)


# SMB1 unix extensions (MS-CIFS, CIFS UNIX extensions)
TRANS2_SET_FS_INFORMATION, TRANS2_SET_PATH_INFORMATION, \
    TRANS2_SET_FILE_INFORMATION = 0x0004, 0x0006, 0x0008
SMB_SET_CIFS_UNIX_INFO, SMB_SET_POSIX_ACL = 0x0200, 0x0204
CIFS_UNIX_POSIX_ACLS_CAP, CIFS_UNIX_POSIX_PATHNAMES_CAP = 0x2, 0x10
SMB_POSIX_ACL_USER_OBJ, SMB_POSIX_ACL_GROUP_OBJ, SMB_POSIX_ACL_OTHER = \
    0x01, 0x04, 0x20


class Smb1Unix:
    """One SMB1 session and tree (impacket), for the unix extensions'
    SMB_SET_POSIX_ACL, by path or through an open handle."""

    def __init__(self, user, share, host='127.0.0.1'):
        self.c = smb1.SMB(host, host, sess_port=PORT, timeout=30)
        self.c.login(user, PASSWORDS[user])
        self.tid = self.c.tree_connect_andx('\\\\%s\\%s' % (host, share))
        self.unicode = self.c.get_flags()[1] & smb1.SMB.FLAGS2_UNICODE

    def trans2(self, setup, param, data):
        """status name of one TRANS2 request"""
        self.c.send_trans2(self.tid, setup, '\x00', param, data)
        return _status(lambda: self.c.recvSMB().isValidAnswer(
            smb1.SMB.SMB_COM_TRANSACTION2), smb1.SessionError)

    def posix(self):
        """Negotiate POSIX ACLs and POSIX path names: status name"""
        caps = CIFS_UNIX_POSIX_ACLS_CAP | CIFS_UNIX_POSIX_PATHNAMES_CAP
        return self.trans2(TRANS2_SET_FS_INFORMATION,
                           struct.pack('<HH', 0, SMB_SET_CIFS_UNIX_INFO),
                           struct.pack('<HHLL', 1, 0, caps, 0))

    def open(self, path, access):
        """(status name, fid or None), with a Windows path name"""
        try:
            fid = self.c.nt_create_andx(self.tid, path, accessMask=access,
                                        shareAccessMode=7, disposition=1)
        except smb1.SessionError as e:
            return status_name(e.get_error_code()), None
        return 'NT_STATUS_OK', fid

    @staticmethod
    def _acl(mode):
        """an access ACL of owner, group and other"""
        entries = b''.join(struct.pack('<BBQ', tag, perm, 0) for tag, perm
                           in ((SMB_POSIX_ACL_USER_OBJ, (mode >> 6) & 7),
                               (SMB_POSIX_ACL_GROUP_OBJ, (mode >> 3) & 7),
                               (SMB_POSIX_ACL_OTHER, mode & 7)))
        return struct.pack('<HHH', 1, 3, 0xFFFF) + entries

    def set_acl_path(self, path, mode):
        name = (path.encode('utf-16le') + b'\0\0') if self.unicode else \
            (path.encode() + b'\0')
        return self.trans2(TRANS2_SET_PATH_INFORMATION,
                           struct.pack('<HL', SMB_SET_POSIX_ACL, 0) + name,
                           self._acl(mode))

    def set_acl_fid(self, fid, mode):
        return self.trans2(TRANS2_SET_FILE_INFORMATION,
                           struct.pack('<HHH', fid, SMB_SET_POSIX_ACL, 0),
                           self._acl(mode))

    def close(self, fid=None):
        if fid is not None:
            self.c.close(self.tid, fid)

    def logoff(self):
        self.c.close_session()


def smb1_posix_setacl(user, share, path, mode=0o640):
    """Set PATH's access ACL (owner, group, other) by path over SMB1 unix
    extensions, with POSIX path names; the NT status of the TRANS2
    request."""
    c = Smb1Unix(user, share)
    try:
        st = c.posix()
        if st != 'NT_STATUS_OK':
            return 'unix extensions: ' + st
        return c.set_acl_path(path, mode)
    finally:
        c.logoff()
