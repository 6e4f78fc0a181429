"""Test harness of vfs_profileacl: a real smbd from Debian's packages,
real users with real passwords, Samba's own client library.

Run inside tests/netns-run.sh (private network and mount namespaces), as
root.
"""

import glob
import os
import pwd
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time

from samba import NTSTATUSError
import samba.ntstatus
from samba.credentials import Credentials, DONT_USE_KERBEROS
from samba.dcerpc import security
from samba.param import LoadParm
from samba.samba3 import libsmb_samba_internal as libsmb
from samba.samba3 import param as s3param

TESTS = os.path.dirname(os.path.abspath(__file__))
# The admin guide's smb.conf: the tests serve its [profiles] share
GUIDE_CONF = os.path.join(TESTS, '..', 'docs', 'smb.conf.example')
GUIDE_PATH = '/srv/samba/profiles'

PORT = 44445
PASSWORDS = {'alice': 'Alice-pw-1', 'bob': 'Bob-pw-2'}

SHARE_ACLS = {
    'CHANGE': 'S-1-1-0:ALLOWED/0/CHANGE',
    'FULL': 'S-1-1-0:ALLOWED/0/FULL',
    'READ': 'S-1-1-0:ALLOWED/0/READ',
}

WRITE_DAC = security.SEC_STD_WRITE_DAC
WRITE_OWNER = security.SEC_STD_WRITE_OWNER
READ_CONTROL = security.SEC_STD_READ_CONTROL
MAXIMUM_ALLOWED = security.SEC_FLAG_MAXIMUM_ALLOWED
FILE_READ_DATA = security.SEC_FILE_READ_DATA
FILE_WRITE_DATA = security.SEC_FILE_WRITE_DATA

FILE_OPEN = 1
FILE_CREATE = 2
FILE_OPEN_IF = 3
FILE_DIRECTORY_FILE = 0x1
FILE_NON_DIRECTORY_FILE = 0x40
SHARE_ALL = 7

_STATUS_NAMES = {v: k for k, v in vars(samba.ntstatus).items()
                 if k.startswith('NT_STATUS_')}


def status_name(code):
    code &= 0xffffffff
    return _STATUS_NAMES.get(code, '0x%08x' % code)


# Another Samba in a root of its own (scripts/setup-samba-root.sh): the
# server side (smbd, sharesec, smbpasswd, smbtorture) runs chrooted there,
# the clients are this machine's.
SAMBA_ROOT = os.environ.get('PROFILEACL_SAMBA_ROOT') or None


def server_cmd(argv):
    return (['chroot', SAMBA_ROOT] + list(argv)) if SAMBA_ROOT else \
        list(argv)


def run(*argv, **kw):
    return subprocess.run(argv, check=True, stdout=subprocess.PIPE,
                          stderr=subprocess.STDOUT, **kw).stdout.decode()


def ensure_unix_user(name):
    """Real Unix users; created once, left in place (see README)."""
    try:
        pw = pwd.getpwnam(name)
    except KeyError:
        run('useradd', '-M', '-s', '/usr/sbin/nologin', name)
        pw = pwd.getpwnam(name)
    if SAMBA_ROOT:
        # the same user, uid and gid in the other root
        with open(os.path.join(SAMBA_ROOT, 'etc/passwd')) as f:
            known = any(l.startswith(name + ':') for l in f)
        if not known:
            run('chroot', SAMBA_ROOT, 'groupadd', '-g', str(pw.pw_gid),
                name)
            run('chroot', SAMBA_ROOT, 'useradd', '-M', '-u',
                str(pw.pw_uid), '-g', str(pw.pw_gid), '-s',
                '/usr/sbin/nologin', name)


def root_mount_private():
    """Is / a private mount here (tests/netns-run.sh makes it so in the
    test's own mount namespace; a host's / is shared under systemd)?"""
    with open('/proc/self/mountinfo') as f:
        for line in f:
            fields = line.split()
            if fields[4] == '/':
                opt = fields[6:fields.index('-')]
                return not any(o.startswith('shared:') for o in opt)
    return False


class SyslogSink:
    """A /dev/log of this mount namespace (the test's: tests/netns-run.sh)
    that the test reads: smbd's syslog(3) lines land here, nowhere else.
    Where the namespace has a /dev/log (journald's or rsyslog's socket),
    a socket of the test's is bind-mounted over it; where it has none,
    /dev is covered with a tmpfs holding binds of every entry of the old
    one and the test's socket. With PROFILEACL_SAMBA_ROOT, the root's
    /dev (where its chrooted smbd looks) is the one covered."""

    def __init__(self, scratch):
        # only ever in the test's own mount namespace: a bind over the
        # machine's /dev/log would take its syslog away
        if os.environ.get('PROFILEACL_IN_NETNS') != '1' or \
                not root_mount_private():
            raise RuntimeError('SyslogSink outside a private mount '
                               'namespace (tests/netns-run.sh)')
        self.dev = os.path.join(SAMBA_ROOT, 'dev') if SAMBA_ROOT else '/dev'
        os.makedirs(scratch, exist_ok=True)
        self.path = os.path.join(scratch, 'log.sock')
        if os.path.exists(self.path):
            os.unlink(self.path)
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        self.sock.bind(self.path)
        # as /dev/log is: smbd calls syslog(3) as the connected user
        os.chmod(self.path, 0o666)
        self.got = []
        self.lock = threading.Lock()
        threading.Thread(target=self._drain, daemon=True).start()
        log = os.path.join(self.dev, 'log')
        # in a Samba root, a /dev/log symlink would resolve here, not in
        # the root: there the tmpfs below is always used
        if not SAMBA_ROOT and os.path.lexists(log) and os.path.exists(log):
            run('mount', '--bind', self.path, os.path.realpath(log))
            return
        new = os.path.join(scratch, 'dev')
        os.makedirs(new, exist_ok=True)
        run('mount', '-t', 'tmpfs', '-o', 'mode=0755', 'pacl-dev', new)
        for name in os.listdir(self.dev):
            old = os.path.join(self.dev, name)
            dst = os.path.join(new, name)
            if name == 'log':
                continue
            if os.path.islink(old):
                os.symlink(os.readlink(old), dst)
            elif os.path.isdir(old):
                os.mkdir(dst)
                run('mount', '--rbind', old, dst)
            else:
                open(dst, 'w').close()
                run('mount', '--bind', old, dst)
        open(os.path.join(new, 'log'), 'w').close()
        run('mount', '--bind', self.path, os.path.join(new, 'log'))
        run('mount', '--move', new, self.dev)

    def _drain(self):
        # always read: a unix datagram socket holds only a few unread
        # datagrams, and then smbd's syslog(3) would block (smbd sends
        # its own level 0 and 1 lines too)
        while True:
            try:
                data = self.sock.recv(65536)
            except OSError:
                return
            with self.lock:
                self.got.append(data.decode(errors='replace'))

    def lines(self, wait=2.0, until=None):
        """The datagrams received so far; with UNTIL (a function of the
        list), waits at most WAIT seconds until it holds"""
        deadline = time.time() + wait
        while True:
            with self.lock:
                got = list(self.got)
            if until is None or until(got) or time.time() > deadline:
                return got
            time.sleep(0.1)


def descendants(pid):
    """pids of all processes below pid (smbd's children, for example)"""
    children = {}
    for stat in glob.glob('/proc/[0-9]*/stat'):
        try:
            with open(stat) as f:
                fields = f.read().rsplit(')', 1)[1].split()
        except OSError:
            continue
        children.setdefault(int(fields[1]), []).append(
            int(stat.split('/')[2]))
    out, todo = set(), [pid]
    while todo:
        for c in children.get(todo.pop(), []):
            out.add(c)
            todo.append(c)
    return out


def pids_with_arg(arg):
    """pids of processes with ARG among their arguments"""
    out = set()
    want = arg.encode()
    for d in glob.glob('/proc/[0-9]*'):
        try:
            with open(d + '/cmdline', 'rb') as f:
                args = f.read().split(b'\0')
        except OSError:
            continue
        if want in args:
            out.add(int(d.split('/')[2]))
    return out


def alive(pid):
    """pid runs (a zombie no longer does)"""
    try:
        with open('/proc/%d/stat' % pid) as f:
            return f.read().rsplit(')', 1)[1].split()[0] != 'Z'
    except OSError:
        return False


def stop_popen(proc, timeout):
    """SIGTERM a process the test started (a subprocess.Popen), then
    SIGKILL if it is still there after TIMEOUT seconds"""
    if proc.poll() is None:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


class Results:
    """Counts assertions and prints the closing line CI reads."""

    def __init__(self):
        self.passed = 0
        self.failed = 0
        self.failures = []

    def check(self, name, ok, detail=''):
        if ok:
            self.passed += 1
            print('ok   %s' % name)
        else:
            self.failed += 1
            self.failures.append(name)
            print('FAIL %s %s' % (name, detail))
        sys.stdout.flush()
        return ok

    def equal(self, name, got, expected):
        return self.check(name, got == expected,
                          'got %r, expected %r' % (got, expected))

    def summary(self, label='integration'):
        for f in self.failures:
            print('failed: %s' % f)
        print('%s: %d passed, %d failed' % (label, self.passed,
                                              self.failed))
        return 0 if self.failed == 0 else 1


class Server:
    """One smbd on 127.0.0.1:PORT with tests/smb.conf.in."""

    def __init__(self, root, template=None, extra_global='',
                 extra_shares='', host='127.0.0.1', share_root=None):
        self.root = root
        # where the shares' folders are: another server's root for the
        # nodes of a cluster, which serve one file system
        self.share_root = share_root or root
        self.host = host
        self.template = template or os.path.join(TESTS, 'smb.conf.in')
        self.extra_global = extra_global
        self.extra_shares = extra_shares
        self.conf = os.path.join(root, 'smb.conf')
        self.log = os.path.join(root, 'log', 'smbd.log')
        self.proc = None

    def prepare(self, users=('alice', 'bob'), share_acls=None,
                passwords=True):
        if os.path.exists(self.root):
            shutil.rmtree(self.root)
        for d in ('private', 'lock', 'state', 'cache', 'pid', 'ncalrpc',
                  'log'):
            os.makedirs(os.path.join(self.root, d))
        for d in ('profiles', 'posix', 'torture', 'hideunread'):
            d = os.path.join(self.share_root, d)
            if not os.path.isdir(d):
                os.makedirs(d)
                os.chmod(d, 0o1777)
        with open(GUIDE_CONF) as f:
            guide = f.read()
        if 'path = %s\n' % GUIDE_PATH not in guide:
            raise RuntimeError('%s has no "path = %s"' %
                               (GUIDE_CONF, GUIDE_PATH))
        text = guide.replace(GUIDE_PATH, '@ROOT@/profiles')
        with open(self.template) as f:
            text += '\n' + f.read()
        text += self.extra_shares
        for d in ('profiles', 'posix', 'torture', 'hideunread'):
            text = text.replace('@ROOT@/' + d, '%s/%s' % (self.share_root, d))
        text = text.replace('@ROOT@', self.root)
        text = text.replace('@HOST@', self.host)
        text = text.replace('@PORT@', str(PORT))
        if self.extra_global:
            # a [global] section may appear again: the last value wins
            text += '\n[global]\n' + self.extra_global
        with open(self.conf, 'w') as f:
            f.write(text)
        for u in users:
            ensure_unix_user(u)
            if not passwords:
                continue
            subprocess.run(server_cmd(['smbpasswd', '-c', self.conf, '-a',
                                       '-s', u]),
                           input=('%s\n%s\n' % (PASSWORDS[u],
                                                PASSWORDS[u])).encode(),
                           check=True, stdout=subprocess.DEVNULL)
        for share, acl in (share_acls or {}).items():
            self.set_share_acl(share, acl)

    def set_share_acl(self, share, acl):
        run(*server_cmd(['sharesec', '-s', self.conf, share,
                         '--replace=%s' % SHARE_ACLS.get(acl, acl)]))

    def valgrind_prefix(self):
        """PROFILEACL_VALGRIND=DIR: smbd and its children under memcheck,
        one log per process in DIR (checked by tests/valgrind_check.py)."""
        vdir = os.environ.get('PROFILEACL_VALGRIND')
        if not vdir:
            return []
        os.makedirs(vdir, exist_ok=True)
        return ['valgrind', '--tool=memcheck', '--trace-children=yes',
                '--child-silent-after-fork=no', '--leak-check=full',
                '--show-leak-kinds=definite,indirect',
                '--num-callers=40',
                '--log-file=%s/vg.%s.%%p.log' %
                (vdir, os.path.basename(self.root))]

    def start(self, argv_prefix=()):
        out = open(os.path.join(self.root, 'log', 'smbd.stdout'), 'w')
        prefix = list(argv_prefix) or self.valgrind_prefix()
        self.proc = subprocess.Popen(
            server_cmd(prefix +
                       ['smbd', '-s', self.conf, '-F', '--no-process-group']),
            stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
        deadline = time.time() + (300 if prefix else 60)
        while time.time() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError('smbd exited with %d; see %s' %
                                   (self.proc.returncode, self.log))
            try:
                socket.create_connection((self.host, PORT), 1).close()
                return
            except OSError:
                time.sleep(0.1)
        self.stop()
        raise RuntimeError('smbd did not listen on port %d' % PORT)

    def stop_proc(self):
        """SIGTERM the process started() started, then SIGKILL if it is
        still there after 120 s"""
        stop_popen(self.proc, 120)
        self.proc = None

    def stop(self):
        if self.proc is None:
            return
        self.stop_proc()
        self.stop_helpers()

    def helper_pids(self):
        """samba-dcerpcd and its rpcd_* workers for this smb.conf: smbd
        starts them on demand, and they outlive smbd. Found by the pid
        file samba-dcerpcd writes, and by the configfile they run with."""
        pids = set()
        try:
            with open(os.path.join(self.root, 'pid',
                                   'samba-dcerpcd.pid')) as f:
                pids.add(int(f.read().split()[0]))
        except (OSError, ValueError, IndexError):
            pass
        pids |= pids_with_arg('--configfile=' + self.conf)
        for pid in list(pids):
            pids |= descendants(pid)
        return {p for p in pids if os.path.exists('/proc/%d' % p)}

    def stop_helpers(self):
        pids = self.helper_pids()
        for sig in (signal.SIGTERM, signal.SIGKILL):
            for pid in pids:
                try:
                    os.kill(pid, sig)
                except ProcessLookupError:
                    pass
            deadline = time.time() + 10
            while time.time() < deadline:
                pids = {p for p in pids if alive(p)}
                if not pids:
                    return
                time.sleep(0.1)

    def log_text(self):
        try:
            with open(self.log, errors='replace') as f:
                return f.read()
        except OSError:
            return ''

    def lp(self):
        # The client library reads "smb ports" from the source3
        # loadparm context: load the test smb.conf into it as well.
        s3param.get_context().load(self.conf)
        lp = LoadParm()
        lp.load(self.conf)
        return lp


FILE_OVERWRITE_IF = 5
PROFILE_DATA = b'p' * 4096


def profile_folder(c, folder):
    """Make (if need be) a profile folder over connection c: the DACL a
    Windows client sets on the files it syncs there (its owner and SYSTEM
    in full control)"""
    try:
        c.mkdir(folder)
    except NTSTATUSError:
        pass
    fnum = c.create(folder, DesiredAccess=READ_CONTROL, ShareAccess=SHARE_ALL)
    sid = c.get_sd(fnum, security.SECINFO_OWNER).owner_sid
    c.close(fnum)
    return security.descriptor.from_sddl(
        'D:P(A;;0x001f01ff;;;%s)(A;;0x001f01ff;;;SY)' % sid, sid)


def profile_sync(c, path, sd):
    """One file of a logoff: create asking WRITE_DAC, write 4 KiB, set its
    DACL, close"""
    fnum = c.create(path, DesiredAccess=WRITE_DAC | FILE_WRITE_DATA |
                    FILE_READ_DATA, ShareAccess=SHARE_ALL,
                    CreateDisposition=FILE_OVERWRITE_IF)
    try:
        c.write(fnum, PROFILE_DATA, 0)
        c.set_sd(fnum, sd, security.SECINFO_DACL)
    finally:
        c.close(fnum)


def intruder_try(c, path, explicit, sd):
    """One try, over connection c, of a user who owns nothing at PATH:
    an open asking WRITE_DAC (explicit), or else a MAXIMUM_ALLOWED open
    and a write of the DACL sd through it. 1 if granted, 0 if refused
    with NT_STATUS_ACCESS_DENIED by the step that must refuse (the
    WRITE_DAC open, the DACL write); any other error is raised, to be
    counted as an error and never as a refusal."""
    if explicit:
        try:
            fnum = c.create(path, DesiredAccess=WRITE_DAC,
                            ShareAccess=SHARE_ALL)
        except NTSTATUSError as e:
            if status_name(e.args[0]) == 'NT_STATUS_ACCESS_DENIED':
                return 0
            raise
        c.close(fnum)
        return 1
    fnum = c.create(path, DesiredAccess=MAXIMUM_ALLOWED,
                    ShareAccess=SHARE_ALL)
    try:
        c.set_sd(fnum, sd, security.SECINFO_DACL)
        return 1
    except NTSTATUSError as e:
        if status_name(e.args[0]) == 'NT_STATUS_ACCESS_DENIED':
            return 0
        raise
    finally:
        c.close(fnum)


class Client:
    """Connections as real users, over SMB1 or SMB2/3, cached."""

    def __init__(self, server):
        self.server = server
        self.lp = server.lp()
        self.conns = {}

    def conn(self, user, share, proto):
        key = (user, share, proto)
        if key not in self.conns:
            creds = Credentials()
            creds.guess(self.lp)
            creds.set_kerberos_state(DONT_USE_KERBEROS)
            if user == 'anonymous':
                creds.set_anonymous()
            elif user == 'guest':
                # an unknown user, mapped to the guest account where the
                # server has "map to guest = bad user"
                creds.set_username('nosuchuser')
                creds.set_password('whatever')
            else:
                creds.set_username(user)
                creds.set_password(PASSWORDS[user])
            self.conns[key] = libsmb.Conn(self.server.host, share, self.lp,
                                          creds,
                                          force_smb1=(proto == 'SMB1'))
        return self.conns[key]

    def drop(self):
        self.conns = {}

    def open(self, user, share, proto, path, access,
             disposition=FILE_OPEN, options=0):
        """(status name, fnum or None)"""
        c = self.conn(user, share, proto)
        try:
            fnum = c.create(path, DesiredAccess=access,
                            ShareAccess=SHARE_ALL,
                            CreateDisposition=disposition,
                            CreateOptions=options)
        except NTSTATUSError as e:
            return status_name(e.args[0]), None
        return 'NT_STATUS_OK', fnum

    def status(self, user, share, proto, path, access,
               disposition=FILE_OPEN, options=0):
        """Open and close again: the status of the open."""
        st, fnum = self.open(user, share, proto, path, access,
                             disposition, options)
        if fnum is not None:
            self.close(user, share, proto, fnum)
        return st

    def set_dacl(self, user, share, proto, fnum, sddl, domain_sid):
        c = self.conn(user, share, proto)
        sd = security.descriptor.from_sddl(sddl,
                                           security.dom_sid(domain_sid))
        try:
            c.set_sd(fnum, sd, security.SECINFO_DACL)
        except NTSTATUSError as e:
            return status_name(e.args[0])
        return 'NT_STATUS_OK'

    def get_sd(self, user, share, proto, path):
        c = self.conn(user, share, proto)
        fnum = c.create(path, DesiredAccess=READ_CONTROL,
                        ShareAccess=SHARE_ALL)
        try:
            return c.get_sd(fnum, security.SECINFO_OWNER |
                            security.SECINFO_DACL)
        finally:
            c.close(fnum)

    def close(self, user, share, proto, fnum):
        self.conn(user, share, proto).close(fnum)

    def make_shared_files(self, share, users=('alice', 'bob')):
        """USER/shared.txt for each user, whose file ACL lets everyone do
        anything (only the share mask stands between another user and
        WRITE_DAC on it), in USER's folder, which everyone may read."""
        for user in users:
            c = self.conn(user, share, 'SMB2')
            try:
                c.mkdir(user)
            except NTSTATUSError:
                pass
            c.savefile(user + '/shared.txt', b'x')
            fnum = c.create(user + '/shared.txt',
                            DesiredAccess=WRITE_DAC | READ_CONTROL)
            sid = c.get_sd(fnum, 1).owner_sid
            c.set_sd(fnum, security.descriptor.from_sddl(
                'D:(A;;0x001f01ff;;;WD)', sid), security.SECINFO_DACL)
            c.close(fnum)
            fnum = c.create(user, DesiredAccess=WRITE_DAC | READ_CONTROL)
            c.set_sd(fnum, security.descriptor.from_sddl(
                'D:(A;OICI;0x001f01ff;;;%s)(A;;0x001200a9;;;WD)' % sid,
                sid), security.SECINFO_DACL)
            c.close(fnum)
