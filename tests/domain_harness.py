"""What the domain suites share (tests/test_domain.py: the AD DC and the
member server; tests/test_domain_pdc.py: the classic PDC): the access
bits, the DACL Windows writes, stopping a server's processes by pid, and
libsmb clients logging on as domain users."""

import inspect
import os
import signal
import time

from harness import (FILE_DIRECTORY_FILE, FILE_OPEN, FILE_OPEN_IF,
                     READ_CONTROL, SHARE_ALL, WRITE_DAC, descendants,
                     pids_with_arg, status_name)

from samba import NTSTATUSError
from samba.credentials import (Credentials, DONT_USE_KERBEROS,
                               MUST_USE_KERBEROS)
from samba.dcerpc import security
from samba.param import LoadParm
from samba.samba3 import libsmb_samba_internal as libsmb
from samba.samba3 import param as s3param

# beside the bits and values harness.py names
DELETE = security.SEC_STD_DELETE
SYNCHRONIZE = security.SEC_STD_SYNCHRONIZE
GENERIC_ALL = security.SEC_GENERIC_ALL
FILE_LIST_DIRECTORY = security.SEC_DIR_LIST
FILE_ADD_SUBDIRECTORY = security.SEC_DIR_ADD_SUBDIR
FILE_TRAVERSE = security.SEC_DIR_TRAVERSE
FILE_READ_ATTRIBUTES = security.SEC_FILE_READ_ATTRIBUTE
OK = 'OK'
DENIED = 'NT_STATUS_ACCESS_DENIED'
# what Windows asks when it makes a profile folder (not GENERIC_ALL)
MKDIR_ACCESS = (FILE_LIST_DIRECTORY | FILE_ADD_SUBDIRECTORY | FILE_TRAVERSE |
                FILE_READ_ATTRIBUTES | SYNCHRONIZE)
PROTOS = ('SMB1', 'SMB2_10', 'SMB3')
NTUSER = b'regf' + b'\0' * 4092


def policy_dacl(owner_sid):
    """The DACL Windows writes under "Add the Administrators security
    group to roaming user profiles": owner, Administrators, SYSTEM full,
    inheritable, protected"""
    return ('D:P(A;OICI;0x001f01ff;;;%s)(A;OICI;0x001f01ff;;;BA)'
            '(A;OICI;0x001f01ff;;;SY)' % owner_sid)


def conf_pids(conf):
    """Processes of the server with smb.conf CONF: run with it
    (-s CONF) or started on demand with --configfile=CONF (samba-dcerpcd
    and its rpcd_* workers, which outlive smbd), and their children"""
    pids = set(pids_with_arg(conf)) | set(pids_with_arg('--configfile=' +
                                                        conf))
    for pid in list(pids):
        pids |= descendants(pid)
    return pids


def kill_pids(pids):
    """SIGTERM, then SIGKILL after a bounded wait (30 s), by pid"""
    for pid in pids:
        try:
            os.kill(pid, signal.SIGTERM)
        except ProcessLookupError:
            pass
    deadline = time.time() + 30
    for pid in pids:
        while time.time() < deadline:
            try:
                os.kill(pid, 0)
            except ProcessLookupError:
                break
            time.sleep(0.1)
        else:
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass


class DomainClients:
    """libsmb connections to HOST as domain users, one per (user, share,
    protocol, logon form), kept until drop(). A suite's subclass says
    how a user logs on: creds(lp, user, **form)."""

    def __init__(self, host, client_conf, conf_text):
        self.conns = {}
        self.host = host
        self.client_conf = client_conf
        with open(client_conf, 'w') as f:
            f.write(conf_text)

    def lp(self, proto='SMB3'):
        # libsmb takes its protocols from smbd's loadparm (s3param)
        s3 = s3param.get_context()
        s3.load(self.client_conf)
        s3.set('client max protocol', {'SMB1': 'NT1', 'SMB2_10': 'SMB2_10',
                                       'SMB3': 'SMB3'}[proto])
        lp = LoadParm()
        lp.load(self.client_conf)
        return lp

    def creds(self, lp, user, **form):
        raise NotImplementedError

    @staticmethod
    def kerberos(creds, realm, krb5):
        if krb5:
            creds.set_realm(realm)
            creds.set_kerberos_state(MUST_USE_KERBEROS)
        else:
            creds.set_kerberos_state(DONT_USE_KERBEROS)
        return creds

    @staticmethod
    def new_creds(lp):
        creds = Credentials()
        creds.guess(lp)
        return creds

    def conn(self, user, share, proto, fresh=False, **form):
        # the logon form with the subclass's defaults filled in: a form
        # given or left to its default is one session
        bound = inspect.signature(self.creds).bind(None, user, **form)
        bound.apply_defaults()
        key = (user, share, proto,
               tuple(sorted((k, v) for k, v in bound.arguments.items()
                            if k not in ('lp', 'user'))))
        if key in self.conns and not fresh:
            return self.conns[key]
        lp = self.lp(proto)
        self.conns[key] = libsmb.Conn(self.host, share, lp,
                                      self.creds(lp, user, **form),
                                      force_smb1=(proto == 'SMB1'))
        return self.conns[key]

    def drop(self):
        self.conns = {}

    def try_(self, fn):
        try:
            return fn()
        except NTSTATUSError as e:
            return status_name(e.args[0])

    def mkdir(self, user, share, proto, path, **form):
        c = self.conn(user, share, proto, **form)

        def f():
            fnum = c.create(path, DesiredAccess=MKDIR_ACCESS,
                            ShareAccess=SHARE_ALL,
                            CreateDisposition=FILE_OPEN_IF,
                            CreateOptions=FILE_DIRECTORY_FILE)
            c.close(fnum)
            return OK
        return self.try_(f)

    def put(self, user, share, proto, path, data=NTUSER, **form):
        c = self.conn(user, share, proto, **form)
        return self.try_(lambda: (c.savefile(path, data), OK)[1])

    def owner_sid(self, user, share, proto, path, **form):
        c = self.conn(user, share, proto, **form)
        fnum = c.create(path, DesiredAccess=READ_CONTROL,
                        ShareAccess=SHARE_ALL)
        try:
            return str(c.get_sd(fnum, security.SECINFO_OWNER).owner_sid)
        finally:
            c.close(fnum)

    def dacl_of(self, user, share, proto, path, **form):
        c = self.conn(user, share, proto, **form)
        fnum = c.create(path, DesiredAccess=READ_CONTROL,
                        ShareAccess=SHARE_ALL)
        try:
            return c.get_sd(fnum, security.SECINFO_DACL).as_sddl()
        finally:
            c.close(fnum)

    def status(self, user, share, proto, path, access, **form):
        """The status of an open of an existing PATH asking ACCESS"""
        c = self.conn(user, share, proto, **form)

        def f():
            c.close(c.create(path, DesiredAccess=access,
                             ShareAccess=SHARE_ALL,
                             CreateDisposition=FILE_OPEN))
            return OK
        return self.try_(f)

    @staticmethod
    def set_dacl_on(c, path, sddl, owner_sid, access=None):
        """(open status, set status) of an open asking ACCESS (WRITE_DAC
        and READ_CONTROL unless given) over connection C, and a DACL set
        through it (SDDL, with OWNER_SID for "OW")"""
        try:
            fnum = c.create(path, DesiredAccess=access or
                            WRITE_DAC | READ_CONTROL, ShareAccess=SHARE_ALL)
        except NTSTATUSError as e:
            return (status_name(e.args[0]), None)
        try:
            sd = security.descriptor.from_sddl(sddl,
                                               security.dom_sid(owner_sid))
            c.set_sd(fnum, sd, security.SECINFO_DACL)
            return (OK, OK)
        except NTSTATUSError as e:
            return (OK, status_name(e.args[0]))
        finally:
            c.close(fnum)
