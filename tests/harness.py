"""Test harness of vfs_profileacl: a real smbd from Debian's packages,
real users with real passwords, Samba's own client library.

Run inside tests/netns-run.sh (private network and mount namespaces), as
root.
"""

import atexit
import contextlib
import glob
import inspect
import os
import pwd
import shutil
import signal
import socket
import subprocess
import sys
import time

from measure import descendants
from samba import NTSTATUSError
import samba.ntstatus
from samba.credentials import (Credentials, DONT_USE_KERBEROS,
                               MUST_USE_KERBEROS)
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

# a profile's registry hive, as a client uploads it
NTUSER = b'regf' + b'\0' * 4092
# what Windows asks when it makes a profile folder (not GENERIC_ALL)
MKDIR_ACCESS = (security.SEC_DIR_LIST | security.SEC_DIR_ADD_SUBDIR |
                security.SEC_DIR_TRAVERSE | security.SEC_FILE_READ_ATTRIBUTE |
                security.SEC_STD_SYNCHRONIZE)

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
        # A process of its own reads the socket into a file: a unix
        # datagram socket holds only a few unread datagrams (10 in a new
        # network namespace), then smbd's syslog(3) blocks, and a thread
        # of the test would wait for the GIL while a client call that
        # holds it waits for that smbd. smbd sends its own level 0 and 1
        # lines too.
        self.file = self.path + '.got'
        out = open(self.file, 'wb')
        parent = os.getpid()
        pid = os.fork()
        if pid == 0:
            # never back into the test: the child ends here, come what may
            try:
                self.sock.settimeout(1)
                while os.getppid() == parent:
                    try:
                        data = self.sock.recv(65536)
                    except socket.timeout:
                        continue
                    out.write(len(data).to_bytes(4, 'little') + data)
                    out.flush()
            finally:
                os._exit(0)
        out.close()
        self.pid = pid
        atexit.register(self.stop)
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

    def stop(self):
        """The reading process, by pid"""
        if self.pid is not None:
            kill_pids({self.pid}, 5)
            os.waitpid(self.pid, 0)
            self.pid = None

    def _got(self):
        with open(self.file, 'rb') as f:
            buf = f.read()
        got, off = [], 0
        while off + 4 <= len(buf):
            n = int.from_bytes(buf[off:off + 4], 'little')
            if off + 4 + n > len(buf):
                break
            got.append(buf[off + 4:off + 4 + n].decode(errors='replace'))
            off += 4 + n
        return got

    def lines(self, wait=2.0, until=None):
        """The datagrams received so far; with UNTIL (a function of the
        list), waits at most WAIT seconds until it holds"""
        deadline = time.time() + wait
        while True:
            got = self._got()
            if until is None or until(got) or time.time() > deadline:
                return got
            time.sleep(0.1)


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


def sees_file(pid, path):
    """Process PID, in its own root, sees PATH as this process does. A
    Debian root's make check runs its servers with the same /tmp paths,
    and this machine's /proc shows them too: they are not ours."""
    try:
        mine = os.stat(path)
    except OSError:
        return True  # gone here: count it rather than leave it running
    try:
        theirs = os.stat('/proc/%d/root%s' % (pid, os.path.abspath(path)))
    except OSError:
        return False
    return (mine.st_dev, mine.st_ino) == (theirs.st_dev, theirs.st_ino)


def conf_pids(conf):
    """Processes run with smb.conf CONF (-s CONF), or started on demand
    with --configfile=CONF (samba-dcerpcd and its rpcd_* workers, which
    outlive smbd), and their children"""
    pids = pids_with_arg(conf) | pids_with_arg('--configfile=' + conf)
    pids = {pid for pid in pids if sees_file(pid, conf)}
    for pid in list(pids):
        pids |= descendants(pid)
    return pids


def kill_pids(pids, timeout=30):
    """SIGTERM, then SIGKILL what is still there after TIMEOUT seconds,
    by pid"""
    for sig in (signal.SIGTERM, signal.SIGKILL):
        for pid in pids:
            try:
                os.kill(pid, sig)
            except ProcessLookupError:
                pass
        deadline = time.time() + timeout
        while time.time() < deadline:
            pids = {p for p in pids if alive(p)}
            if not pids:
                return
            time.sleep(0.1)


def listens(host, *ports):
    """Every one of PORTS takes a connection on HOST"""
    try:
        for port in ports:
            socket.create_connection((host, port), 1).close()
        return True
    except OSError:
        return False


class Daemons:
    """What every test server shares: the processes it started (each in a
    session of its own), one way to wait until it is up, and one way to
    stop it: by pid, every process it started, every one those started,
    and every one run with its smb.conf (samba-dcerpcd and its rpcd_*
    workers, which smbd starts on demand and which outlive smbd)."""

    stop_timeout = 120

    def __init__(self, root, conf, log=None):
        self.root = root
        self.conf = conf
        self.log = log
        self.procs = []

    def spawn(self, argv, out):
        self.procs.append(subprocess.Popen(
            argv, stdout=open(out, 'a'), stderr=subprocess.STDOUT,
            start_new_session=True))
        return self.procs[-1]

    def wait_up(self, ready, timeout=60):
        """Until READY() holds, at most TIMEOUT seconds; a process of ours
        that exits, or a timeout, stops the server and raises"""
        deadline = time.time() + timeout
        while time.time() < deadline:
            for p in self.procs:
                if p.poll() is not None:
                    self.stop()
                    raise RuntimeError('%s exited with %d; see %s' %
                                       (' '.join(p.args), p.returncode,
                                        self.root))
            if ready():
                return
            time.sleep(0.2)
        self.stop()
        raise RuntimeError('%s did not come up in %d s' % (self.root,
                                                           timeout))

    def pids(self):
        """Every process of this server still running"""
        pids = {p.pid for p in self.procs if p.poll() is None}
        pids |= conf_pids(self.conf)
        for pid in list(pids):
            pids |= descendants(pid)
        return {p for p in pids if alive(p)}

    def stop(self):
        """Stop it all by pid; the pids stopped"""
        pids = self.pids()
        for p in self.procs:
            stop_popen(p, self.stop_timeout)
        self.procs = []
        kill_pids(pids | self.pids())
        return pids

    def leftovers(self, pids=()):
        """What is left of PIDS and of this server after stop(), once
        their exits had 10 s"""
        deadline = time.time() + 10
        while True:
            left = {p for p in pids if alive(p)} | self.pids()
            if not left or time.time() > deadline:
                return left
            time.sleep(0.1)

    def log_text(self):
        """The server's logs: every log.* file in its root, or its log"""
        names = [os.path.join(self.root, n) for n in os.listdir(self.root)
                 if n.startswith('log.')] or [self.log]
        text = ''
        for name in names:
            try:
                with open(name, errors='replace') as f:
                    text += f.read()
            except OSError:
                pass
        return text

    def log_size(self):
        try:
            return os.path.getsize(self.log)
        except OSError:
            return 0

    def log_since(self, offset):
        try:
            with open(self.log, 'rb') as f:
                f.seek(offset)
                return f.read().decode(errors='replace')
        except OSError:
            return ''


def make_dirs(root, *extra):
    for d in ('private', 'lock', 'state', 'cache', 'pid', 'ncalrpc') + \
            extra:
        os.makedirs(os.path.join(root, d), exist_ok=True)


class Server(Daemons):
    """The standalone server: one smbd on HOST:PORT serving the admin
    guide's [profiles] share and tests/smb.conf.in."""

    def __init__(self, root, template=None, extra_global='',
                 extra_shares='', host='127.0.0.1', share_root=None):
        super().__init__(root, os.path.join(root, 'smb.conf'),
                         os.path.join(root, 'log', 'smbd.log'))
        # where the shares' folders are: another server's root for the
        # nodes of a cluster, which serve one file system
        self.share_root = share_root or root
        self.host = host
        self.template = template or os.path.join(TESTS, 'smb.conf.in')
        self.extra_global = extra_global
        self.extra_shares = extra_shares

    @property
    def proc(self):
        return self.procs[0] if self.procs else None

    def prepare(self, users=('alice', 'bob'), share_acls=None,
                passwords=True):
        if os.path.exists(self.root):
            shutil.rmtree(self.root)
        make_dirs(self.root, 'log')
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
        self.add_users({u: PASSWORDS[u] for u in users}, passwords)
        for share, acl in (share_acls or {}).items():
            self.set_share_acl(share, acl)

    def add_users(self, users, passwords=True):
        """Unix users, and with PASSWORDS their passdb entries: USERS
        maps each name to its password"""
        for user, pw in users.items():
            ensure_unix_user(user)
            if passwords:
                subprocess.run(server_cmd(['smbpasswd', '-c', self.conf,
                                           '-a', '-s', user]),
                               input=('%s\n%s\n' % (pw, pw)).encode(),
                               check=True, stdout=subprocess.DEVNULL)

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
        prefix = list(argv_prefix) or self.valgrind_prefix()
        self.spawn(server_cmd(prefix + ['smbd', '-s', self.conf, '-F',
                                        '--no-process-group']),
                   os.path.join(self.root, 'log', 'smbd.stdout'))
        self.wait_up(lambda: listens(self.host, PORT),
                     300 if prefix else 60)

    def stop_proc(self):
        """Stop smbd alone (its helpers: stop_helpers())"""
        if self.proc is not None:
            stop_popen(self.proc, self.stop_timeout)
        self.procs = []

    def stop_helpers(self):
        kill_pids(self.pids())

    def lp(self):
        # The client library reads "smb ports" from the source3
        # loadparm context: load the test smb.conf into it as well.
        s3param.get_context().load(self.conf)
        lp = LoadParm()
        lp.load(self.conf)
        return lp

    def client(self):
        return Client(self)


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


class Clients:
    """What the clients of every server share: libsmb connections, kept
    per user, share, protocol (and logon form) until drop(), and the opens
    the suites make through them. A status is smbd's NT_STATUS name, a
    success is named OK."""

    OK = 'NT_STATUS_OK'

    def drop(self):
        self.conns = {}

    def try_(self, fn):
        try:
            fn()
            return self.OK
        except NTSTATUSError as e:
            return status_name(e.args[0])

    def open(self, user, share, proto, path, access,
             disposition=FILE_OPEN, options=0, **form):
        """(status name, fnum or None)"""
        c = self.conn(user, share, proto, **form)
        try:
            fnum = c.create(path, DesiredAccess=access,
                            ShareAccess=SHARE_ALL,
                            CreateDisposition=disposition,
                            CreateOptions=options)
        except NTSTATUSError as e:
            return status_name(e.args[0]), None
        return self.OK, fnum

    def close(self, user, share, proto, fnum, **form):
        self.conn(user, share, proto, **form).close(fnum)

    def status(self, user, share, proto, path, access,
               disposition=FILE_OPEN, options=0, **form):
        """Open and close again: the status of the open."""
        st, fnum = self.open(user, share, proto, path, access,
                             disposition, options, **form)
        if fnum is not None:
            self.close(user, share, proto, fnum, **form)
        return st

    def get_sd(self, user, share, proto, path,
               secinfo=security.SECINFO_OWNER | security.SECINFO_DACL,
               **form):
        c = self.conn(user, share, proto, **form)
        fnum = c.create(path, DesiredAccess=READ_CONTROL,
                        ShareAccess=SHARE_ALL)
        try:
            return c.get_sd(fnum, secinfo)
        finally:
            c.close(fnum)

    def owner_sid(self, user, share, proto, path, **form):
        return str(self.get_sd(user, share, proto, path,
                               security.SECINFO_OWNER, **form).owner_sid)

    def dacl_of(self, user, share, proto, path, **form):
        return self.get_sd(user, share, proto, path, security.SECINFO_DACL,
                           **form).as_sddl()

    def mkdir(self, user, share, proto, path, **form):
        """A folder made as Windows makes a profile folder"""
        return self.status(user, share, proto, path, MKDIR_ACCESS,
                           FILE_OPEN_IF, FILE_DIRECTORY_FILE, **form)

    def put(self, user, share, proto, path, data=NTUSER, **form):
        c = self.conn(user, share, proto, **form)
        return self.try_(lambda: c.savefile(path, data))


class Client(Clients):
    """The standalone server's clients: real users by their PASSWORDS,
    anonymous, or an unknown user (guest)."""

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

    def set_dacl(self, user, share, proto, fnum, sddl, domain_sid):
        c = self.conn(user, share, proto)
        sd = security.descriptor.from_sddl(sddl,
                                           security.dom_sid(domain_sid))
        try:
            c.set_sd(fnum, sd, security.SECINFO_DACL)
        except NTSTATUSError as e:
            return status_name(e.args[0])
        return 'NT_STATUS_OK'

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


# --- what the standalone server's suites share

# the durable handle kinds and the dialect each is asked over
DURABLE_KINDS = (('v1', 'SMB2.1'), ('v2', 'SMB3'))


def profile_shares(shares):
    """smb.conf sections on the profiles folder: SHARES maps each name to
    (vfs objects, the section's other lines...)"""
    return ''.join('\n[%s]\n\tpath = @ROOT@/profiles\n\tread only = no\n'
                   '\tvfs objects = %s\n%s' % (name, s[0], ''.join(
                       '\t%s\n' % p for p in s[1:]))
                   for name, s in shares.items())


def user_file(path, user, group=None, data=b'x'):
    """A file made on the server, as an admin would, owned by USER and
    GROUP's primary group (USER's unless given): its path"""
    with open(path, 'wb') as f:
        f.write(data)
    os.chown(path, pwd.getpwnam(user).pw_uid,
             pwd.getpwnam(group or user).pw_gid)
    return path


def run_cases(R, cases, *args):
    """case(*ARGS) for each of CASES; an exception is a failed check of
    Results R, not a stop"""
    for case in cases:
        print('# %s' % case.__name__)
        try:
            case(*args)
        except Exception as e:
            R.check('%s raised no exception' % case.__name__, False, repr(e))


def durable_open(R, name, user, share, dialect, kind, path, access,
                 timeout_ms=60000):
    """A durable open (smb2raw, batch oplock) checked in Results R as NAME
    % its status: (session, request, file id); on a failed open the file
    id is None and the session logged off"""
    from smb2raw import DurableRequest, Session, OPLOCK_BATCH
    s = Session(user, share, dialect)
    req = DurableRequest(kind, timeout_ms)
    st, fid, ctx = s.create(path, access, FILE_OPEN, oplock=OPLOCK_BATCH,
                            context=req.query())
    R.check(name % st, fid is not None and req.granted(ctx))
    if fid is None:
        s.logoff()
    return s, req, fid


@contextlib.contextmanager
def smb2_open(user, share, dialect, path, access, req=None, fid=None):
    """A session of its own (smb2raw) that opens PATH, or with REQ
    reconnects the durable handle FID: yields (session, status, file id),
    then closes the handle and logs off"""
    from smb2raw import Session
    s = Session(user, share, dialect)
    if req is None:
        st, got, _ = s.create(path, access, FILE_OPEN)
    else:
        st, got, _ = s.reconnect(path, access, req, fid)
    try:
        yield s, st, got
    finally:
        if got is not None:
            s.close(got)
        s.logoff()


# --- the domain servers: an AD DC, a member joined to it, a classic PDC

DELETE = security.SEC_STD_DELETE
GENERIC_ALL = security.SEC_GENERIC_ALL
OK = 'OK'
DENIED = 'NT_STATUS_ACCESS_DENIED'
PROTOS = ('SMB1', 'SMB2_10', 'SMB3')


def policy_dacl(owner_sid):
    """The DACL Windows writes under "Add the Administrators security
    group to roaming user profiles": owner, Administrators, SYSTEM full,
    inheritable, protected"""
    return ('D:P(A;OICI;0x001f01ff;;;%s)(A;OICI;0x001f01ff;;;BA)'
            '(A;OICI;0x001f01ff;;;SY)' % owner_sid)


def owner_checks(R, cl, sids, proto, path, tag, bob='bob', **form):
    """The owner alice's DACL write on PATH, checked in Results R: the
    twin refuses her (the KB's symptom), the module lets her (the fix),
    it reads back as she set it, and bob, another domain user (BOB names
    him in the check), is refused. SIDS maps alice and bob to SIDs"""
    dacl = policy_dacl(sids['alice'])
    R.equal('symptom: the twin without the module refuses the owner %s' %
            tag, cl.set_dacl('alice', 'nomod', proto, path, dacl, **form),
            (DENIED, None))
    R.equal('fix: the module lets the owner set the policy DACL %s' % tag,
            cl.set_dacl('alice', 'profiles', proto, path, dacl, **form),
            (OK, OK))
    R.equal('... and it is what she set %s' % tag,
            cl.dacl_of('alice', 'profiles', proto, path, **form),
            security.descriptor.from_sddl(
                dacl, security.dom_sid(sids['alice'])).as_sddl())
    R.equal('another domain user (%s) is refused %s' % (bob, tag),
            cl.set_dacl('bob', 'profiles', proto, path,
                        policy_dacl(sids['bob']), **form), (DENIED, None))


class DomainClients(Clients):
    """libsmb connections to HOST as the users of a domain server. The
    server says how a user logs on: creds(lp, user, **form); a form
    given or left to its default is one session."""

    OK = OK

    def __init__(self, host, client_conf, conf_text, creds):
        self.conns = {}
        self.host = host
        self.client_conf = client_conf
        self.creds = creds
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

    def conn(self, user, share, proto, fresh=False, **form):
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

    def set_dacl(self, user, share, proto, path, sddl, access=None, c=None,
                 **form):
        """set_dacl_on() as USER, or over connection C"""
        return set_dacl_on(c or self.conn(user, share, proto, **form), path,
                           sddl, access, self.OK)


def set_dacl_on(c, path, sddl, access=None, ok='NT_STATUS_OK'):
    """(open status, set status) of an open over connection C asking
    ACCESS (WRITE_DAC and READ_CONTROL unless given) and a DACL set
    through it (SDDL, whose first ACE names the owner); OK names a
    success"""
    owner = sddl.split(';;;')[1].split(')')[0]
    try:
        fnum = c.create(path, DesiredAccess=access or
                        WRITE_DAC | READ_CONTROL, ShareAccess=SHARE_ALL)
    except NTSTATUSError as e:
        return (status_name(e.args[0]), None)
    try:
        c.set_sd(fnum, security.descriptor.from_sddl(
            sddl, security.dom_sid(owner)), security.SECINFO_DACL)
        return (ok, ok)
    except NTSTATUSError as e:
        return (ok, status_name(e.args[0]))
    finally:
        c.close(fnum)


def new_creds(lp, user, password, domain, realm=None, krb5=False,
              upn=False):
    creds = Credentials()
    creds.guess(lp)
    if upn:
        creds.parse_string(user)
    else:
        creds.set_username(user)
        creds.set_domain(domain)
    creds.set_password(password)
    if krb5:
        creds.set_realm(realm)
        creds.set_kerberos_state(MUST_USE_KERBEROS)
    else:
        creds.set_kerberos_state(DONT_USE_KERBEROS)
    return creds


class DC(Daemons):
    """A Samba AD DC (samba-tool domain provision, Debian's samba-ad-dc)
    on 127.0.0.1 (smb ports PORT, its KDC on 88) that serves the profile
    share itself, in this test's network and mount namespaces:
      [profiles]  share ACL Change, vfs objects = profileacl dfs_samba4
                  acl_xattr, profileacl:profile dirs = %U %U.V2 %U.V6
      [nomod]     the twin: the same without profileacl
    on one folder whose ACL is the one Microsoft's roaming profile guide
    gives: CREATOR OWNER full on subfolders and files, SYSTEM and
    Administrators full, Domain Users list folder and create folders on
    this folder only (written as 0x1f01ff: Samba 4.17 reads the SDDL
    right FA as 0x1ff)."""

    REALM = 'PROFILES.TEST'
    DOMAIN = 'PROFILES'
    NAME = 'dc1'
    FQDN = 'dc1.profiles.test'
    ADMIN_PW = 'Adm1n-Pass!x'
    USERS = {'alice': 'Al1ce-Pass!x', 'bob': 'B0b-Pass!x',
             'carol smith': 'C4rol-Pass!x', 'jürgen': 'J8rgen-Pass!x',
             'dadmin': 'D4dmin-Pass!x'}
    ADMINS = ('dadmin',)
    ROOT_SDDL = ('O:BAG:DUD:P(A;OICIIO;0x001f01ff;;;CO)'
                 '(A;OICI;0x001f01ff;;;BA)(A;OICI;0x001f01ff;;;SY)'
                 '(A;;0x001000a5;;;DU)')
    stop_timeout = 60

    def __init__(self, root):
        super().__init__(root, os.path.join(root, 'etc', 'smb.conf'))
        self.share = os.path.join(root, 'profiles')

    def provision(self):
        subprocess.run(['rm', '-rf', self.root], check=True)
        os.makedirs(self.root)
        t0 = time.time()
        run('samba-tool', 'domain', 'provision', '--realm=' + self.REALM,
            '--domain=' + self.DOMAIN, '--server-role=dc',
            '--dns-backend=NONE', '--adminpass=' + self.ADMIN_PW,
            '--host-name=' + self.NAME, '--targetdir=' + self.root,
            '--option=interfaces = 127.0.0.1',
            '--option=bind interfaces only = yes',
            '--option=smb ports = %d' % PORT,
            '--option=server min protocol = NT1',
            '--option=log file = %s/log.samba' % self.root,
            '--option=log level = 1 profileacl:5')
        self.provision_s = time.time() - t0
        os.makedirs(self.share)
        with open(self.conf, 'a') as f:
            f.write(DOMAIN_SHARES % {'share': self.share,
                                     'vfs': 'dfs_samba4 acl_xattr'})
        run('samba-tool', 'ntacl', 'set', self.ROOT_SDDL, self.share,
            '-s', self.conf)
        for user, pw in self.USERS.items():
            run('samba-tool', 'user', 'create', user, pw, '-s', self.conf)
        for user in self.ADMINS:
            run('samba-tool', 'group', 'addmembers', 'Domain Admins', user,
                '-s', self.conf)
        for share in ('profiles', 'nomod'):
            run('sharesec', '-s', self.conf, share,
                '--replace=' + SHARE_ACLS['CHANGE'])

    def start(self):
        # /run/samba of this mount namespace is a folder of the test's:
        # the DC's winbindd socket is not seen by the machine's own NSS
        d = os.path.join(self.root, 'run-samba')
        os.makedirs(d, exist_ok=True)
        os.makedirs('/run/samba', exist_ok=True)
        run('mount', '--bind', d, '/run/samba')
        # krb5.conf for the KDC on 127.0.0.1, and the names in a hosts
        # file bind-mounted over /etc/hosts (this mount namespace only)
        krb5 = os.path.join(self.root, 'krb5.conf')
        with open(krb5, 'w') as f:
            f.write('[libdefaults]\n default_realm = %s\n dns_lookup_kdc ='
                    ' false\n dns_lookup_realm = false\n rdns = false\n'
                    '[realms]\n %s = {\n  kdc = 127.0.0.1\n }\n'
                    '[domain_realm]\n .profiles.test = %s\n' %
                    ((self.REALM,) * 3))
        os.environ['KRB5_CONFIG'] = krb5
        hosts = os.path.join(self.root, 'hosts')
        with open(hosts, 'w') as f:
            f.write('127.0.0.1 localhost\n127.0.0.1 %s %s\n%s %s %s\n' %
                    (self.FQDN, self.NAME, Member.IP, Member.FQDN,
                     Member.NAME))
        run('mount', '--bind', hosts, '/etc/hosts')
        self.spawn(['samba', '-s', self.conf, '-F', '--no-process-group'],
                   os.path.join(self.root, 'samba.stdout'))
        self.wait_up(lambda: listens('127.0.0.1', PORT, 88), 120)

    def creds(self, lp, user, auth='ntlm', name_form='domain'):
        """NTLM or Kerberos (auth='krb5'), as DOMAIN\\user or user@REALM
        (name_form='upn')"""
        pw = self.ADMIN_PW if user == 'Administrator' else self.USERS[user]
        upn = name_form == 'upn'
        return new_creds(lp, '%s@%s' % (user, self.REALM) if upn else user,
                         pw, self.DOMAIN, self.REALM, auth == 'krb5', upn)

    def clients(self, root=None, host=None):
        root = root or self.root
        return DomainClients(host or self.FQDN,
                             os.path.join(root, 'client.conf'),
                             '[global]\n\tworkgroup = %s\n\trealm = %s\n'
                             '\tclient min protocol = NT1\n'
                             '\tlog file = %s/log.client\n' %
                             (self.DOMAIN, self.REALM, root), self.creds)


DOMAIN_SHARES = '''
[profiles]
	path = %(share)s
	read only = no
	vfs objects = profileacl %(vfs)s
	profileacl:profile dirs = %%U %%U.V2 %%U.V6
	profileacl:audit = yes

[nomod]
	path = %(share)s
	read only = no
	vfs objects = %(vfs)s
'''


class Member(Daemons):
    """A file server joined to the DC (security = ads, winbind, idmap rid
    or autorid), on 127.0.0.2, serving [profiles], [nomod] and the admin's
    [profiles-admin] (share ACL Full) on one folder. It runs in a mount
    namespace of its own, held by a sleeping process: there /run/samba
    is its own folder (its winbindd socket) and /etc/nsswitch.conf asks
    winbind, as on a member server; net, winbindd and smbd enter it with
    nsenter."""

    NAME = 'fs1'
    FQDN = 'fs1.profiles.test'
    IP = '127.0.0.2'
    # idmap rid for the domain: a domain user's uid is RID_BASE + RID
    RID_BASE = 100000
    AUTORID_LOW = 1000000
    # the two idmap setups the guide describes: rid per domain, or autorid
    IDMAP = {
        'rid': ('\tidmap config * : backend = tdb\n'
                '\tidmap config * : range = 3000-7999\n'
                '\tidmap config %(domain)s : backend = rid\n'
                '\tidmap config %(domain)s : range = %(rid)d-999999'),
        'autorid': ('\tidmap config * : backend = autorid\n'
                    '\tidmap config * : range = 1000000-19999999\n'
                    '\tidmap config * : rangesize = 1000000'),
    }
    stop_timeout = 30

    def __init__(self, root, dc):
        super().__init__(root, os.path.join(root, 'smb.conf'))
        self.dc = dc
        self.share = os.path.join(root, 'profiles')
        self.holder = None

    def write_conf(self, idmap='rid'):
        make_dirs(self.root, 'run', 'profiles')
        r, dc = self.root, self.dc
        with open(self.conf, 'w') as f:
            f.write(MEMBER_CONF % {
                'root': r, 'port': PORT, 'ip': self.IP, 'realm': dc.REALM,
                'domain': dc.DOMAIN, 'name': self.NAME.upper(),
                'dc': dc.FQDN, 'idmap': self.IDMAP[idmap] % {
                    'domain': dc.DOMAIN, 'rid': self.RID_BASE},
                'loglevel': os.environ.get('PROFILEACL_MEMBER_LOG_LEVEL',
                                           '1 profileacl:5')})
            f.write(DOMAIN_SHARES % {'share': self.share,
                                     'vfs': 'acl_xattr'})
            f.write(MEMBER_ADMIN_SHARE % {'share': self.share})
        # the domain Administrator is root here, as Samba's guide for
        # domain members maps it: it sets the share root's ACL
        with open(os.path.join(r, 'user.map'), 'w') as f:
            f.write('!root = %s\\Administrator %s\\administrator\n' %
                    (dc.DOMAIN, dc.DOMAIN))
        with open(os.path.join(r, 'nsswitch.conf'), 'w') as f:
            f.write('passwd: files winbind\ngroup: files winbind\n'
                    'shadow: files\nhosts: files\n')

    def enter(self, *argv):
        # -r -w: the holder's root and cwd. Entering a mount namespace
        # resets both to the namespace's own, which would leave a
        # chroot (a Debian 13 root on a Debian 12 host runs the member
        # from the host's samba, and its join fails)
        return ['nsenter', '-t', str(self.holder.pid), '-m', '-r', '-w',
                '--'] + list(argv)

    def run(self, *argv):
        return run(*self.enter(*argv))

    def start_holder(self):
        r = self.root
        self.holder = subprocess.Popen(
            ['unshare', '--mount', '--propagation', 'private', '--',
             'sh', '-c', 'mount --bind "$1/run" /run/samba && '
             'mount --bind "$1/nsswitch.conf" /etc/nsswitch.conf && '
             'exec sleep 100000', 'holder', r],
            start_new_session=True)
        # the binds are in place once /run/samba of the holder shows ours
        open(os.path.join(r, 'run', '.member'), 'w').close()
        self.wait_up(lambda: os.path.exists(
            '/proc/%d/root/run/samba/.member' % self.holder.pid), 10)

    def join(self, extra=()):
        """net ads join; the DC's LDAP may answer "Operations error" for
        a few seconds after its first logon: bounded retries (5)"""
        t0 = time.time()
        for attempt in range(5):
            out = subprocess.run(
                self.enter('net', 'ads', 'join', '-s', self.conf, *extra,
                           '-U', 'Administrator%' + self.dc.ADMIN_PW,
                           '-S', self.dc.FQDN, '--no-dns-updates'),
                stdout=subprocess.PIPE, stderr=subprocess.STDOUT
            ).stdout.decode(errors='replace')
            if extra or 'Joined' in out or 'Operations error' not in out:
                break
            time.sleep(2)
        self.join_s = time.time() - t0
        return out

    def start(self):
        out = os.path.join(self.root, 'daemons.stdout')
        for daemon in ('winbindd', 'smbd'):
            self.spawn(self.enter(daemon, '-s', self.conf, '-F',
                                  '--no-process-group'), out)
        self.wait_up(lambda: listens(self.IP, PORT) and 'succeeded' in
                     subprocess.run(self.enter('wbinfo', '-t'),
                                    stdout=subprocess.PIPE,
                                    stderr=subprocess.STDOUT
                                    ).stdout.decode())

    def stop(self):
        """winbindd, smbd and theirs (Daemons.stop), then the holder"""
        pids = super().stop()
        if self.holder is not None:
            pids.add(self.holder.pid)
            stop_popen(self.holder, 10)
            self.holder = None
        return pids

    def switch_idmap(self, idmap):
        """Stop winbindd and smbd, rewrite smb.conf with another idmap
        backend, forget every mapping and cached id (the join stays),
        start again"""
        Daemons.stop(self)
        self.write_conf(idmap)
        for d in ('cache', 'state', 'lock'):
            for name in os.listdir(os.path.join(self.root, d)):
                if name.endswith('.tdb') and name != 'share_info.tdb':
                    os.unlink(os.path.join(self.root, d, name))
        self.start()

    def clients(self, root=None):
        return self.dc.clients(root or self.root, self.FQDN)


MEMBER_CONF = """[global]
	security = ads
	realm = %(realm)s
	workgroup = %(domain)s
	netbios name = %(name)s
	password server = %(dc)s
	interfaces = %(ip)s
	bind interfaces only = yes
	smb ports = %(port)d
	disable netbios = yes
	server min protocol = NT1
%(idmap)s
	template shell = /usr/sbin/nologin
	winbind use default domain = no
	username map = %(root)s/user.map
	# the mapping to root needs this (Samba 4.15 and later)
	min domain uid = 0
	private dir = %(root)s/private
	lock directory = %(root)s/lock
	state directory = %(root)s/state
	cache directory = %(root)s/cache
	pid directory = %(root)s/pid
	ncalrpc dir = %(root)s/ncalrpc
	winbindd socket directory = %(root)s/run/winbindd
	log file = %(root)s/log.%%m
	log level = %(loglevel)s
	load printers = no
	printcap name = /dev/null
	disable spoolss = yes
"""
MEMBER_ADMIN_SHARE = """
# the admin's own share on the same folder (default share ACL: Full)
[profiles-admin]
	path = %(share)s
	read only = no
	vfs objects = acl_xattr
	# the domain Administrator, mapped to root
	valid users = root
"""


class PDC(Server):
    """smbd as a classic NT4-style PDC on 127.0.0.1 ("server role =
    classic primary domain controller", domain logons, logon path =
    \\\\%L\\profiles\\%U, passdb tdbsam) serving the [profiles] share
    Samba's documentation gives for NT4-style domains (create mask 0600,
    directory mask 0700, not browseable, no guest) with the module and
    acl_xattr, share ACL Change, and [nomod], its twin without the
    module. PDOM users log on with NTLM. acl_xattr is there because the
    POSIX ACL mapping of a plain share cannot hold the policy DACL on a
    PDC without winbind: BUILTIN\\Administrators and SYSTEM have no unix
    id there, so their ACEs would be dropped."""

    DOMAIN = 'PDOM'
    NAME = 'PDC1'
    USERS = {'alice': 'Al1ce-Pdc!x', 'bob': 'B0b-Pdc!x',
             # a member of Domain Admins (its unix group mapped to it)
             'carol': 'C4rol-Pdc!x'}

    def __init__(self, root):
        super().__init__(root)
        self.share = os.path.join(root, 'profiles')

    def write_conf(self):
        subprocess.run(['rm', '-rf', self.root], check=True)
        make_dirs(self.root, 'log')
        # the profile share's root, as Samba's NT4 docs make it: every
        # user may make his folder, nobody may remove another's
        os.makedirs(self.share)
        os.chmod(self.share, 0o1777)
        values = {'domain': self.DOMAIN, 'pdc': self.NAME, 'root': self.root,
                  'host': self.host, 'port': PORT, 'share': self.share}
        with open(self.conf, 'w') as f:
            f.write((PDC_GLOBAL % values).replace('\n    ', '\n\t'))
            f.write((DOMAIN_SHARES % {'share': self.share,
                                      'vfs': 'acl_xattr'}).replace(
                '\tread only = no\n', PDC_SHARE))

    def prepare_domain(self):
        self.add_users(self.USERS)
        for share in ('profiles', 'nomod'):
            self.set_share_acl(share, 'CHANGE')

    def creds(self, lp, user, domain=DOMAIN, name=None, krb5=False):
        return new_creds(lp, name or user, self.USERS[user], domain,
                         self.DOMAIN, krb5)

    def clients(self):
        return DomainClients(self.host, os.path.join(self.root,
                                                     'client.conf'),
                             '[global]\n\tworkgroup = %s\n'
                             '\tclient min protocol = NT1\n'
                             '\tlog file = %s/log/client.log\n' %
                             (self.DOMAIN, self.root), self.creds)


# the PDC as Samba's docs set one up, with every state path in its root
# and the test network's address and port
PDC_GLOBAL = r'''[global]
    server role = classic primary domain controller
    workgroup = %(domain)s
    netbios name = %(pdc)s
    domain logons = yes
    logon path = \\%%L\profiles\%%U
    passdb backend = tdbsam:%(root)s/private/passdb.tdb
    # Windows 2000 and XP speak SMB1
    server min protocol = NT1
    map to guest = never
    interfaces = %(host)s
    bind interfaces only = yes
    smb ports = %(port)d
    disable netbios = yes
    load printers = no
    printcap name = /dev/null
    disable spoolss = yes
    lock directory = %(root)s/lock
    state directory = %(root)s/state
    cache directory = %(root)s/cache
    private dir = %(root)s/private
    pid directory = %(root)s/pid
    ncalrpc dir = %(root)s/ncalrpc
    log file = %(root)s/log/smbd.log
    max log size = 0
    log level = 1 profileacl:5
'''
# Samba's NT4-style [profiles] share, beside "read only = no"
PDC_SHARE = ('\tread only = no\n\tcreate mask = 0600\n'
             '\tdirectory mask = 0700\n\tbrowseable = no\n\tguest ok = no\n')


# --- the CTDB cluster

NODES = ('127.0.0.1', '127.0.0.2')

CLUSTER_GLOBAL = '''	clustering = yes
	ctdbd socket = @CTDB@/run/ctdbd.socket
	kernel share modes = no
	kernel oplocks = no
	posix locking = no
'''


class Cluster:
    """A two-node CTDB cluster on one machine: node 1 on 127.0.0.1 and
    node 2 on 127.0.0.2 (tests/netns-run.sh gives the namespace both),
    each a ctdbd (Debian's ctdb) and a Server with "clustering = yes"
    serving the same folder, with the module on both. passdb, secrets,
    share_info and locking.tdb are clustered databases, so a user, a share
    ACL or a share mode made through one node is seen by the other."""

    def __init__(self, root, extra_shares='', extra_global=''):
        self.root = root
        self.shared = os.path.join(root, 'shared')
        self.bases = [os.path.join(root, 'ctdb%d' % (i + 1))
                      for i in range(len(NODES))]
        self.ctdbd = []
        self.nodes = [Server(
            os.path.join(root, 'node%d' % (i + 1)),
            extra_shares=extra_shares,
            extra_global=CLUSTER_GLOBAL.replace('@CTDB@', self.bases[i]) +
            extra_global, host=host, share_root=self.shared)
            for i, host in enumerate(NODES)]

    def ctdb(self, i, *args):
        env = dict(os.environ, CTDB_BASE=self.bases[i], CTDB_TEST_MODE='yes')
        return subprocess.run(['ctdb'] + list(args), env=env,
                              stdout=subprocess.PIPE,
                              stderr=subprocess.STDOUT)

    def start_ctdb(self):
        for i, host in enumerate(NODES):
            b = self.bases[i]
            for d in ('run', 'var', 'db/volatile', 'db/persistent',
                      'db/state', 'events/legacy'):
                os.makedirs(os.path.join(b, d))
            open(os.path.join(b, 'public_addresses'), 'w').close()
            with open(os.path.join(b, 'nodes'), 'w') as f:
                f.write('\n'.join(NODES) + '\n')
            with open(os.path.join(b, 'ctdb.conf'), 'w') as f:
                f.write('[logging]\n\tlocation = file:%s/log.ctdb\n'
                        '[cluster]\n\tnode address = %s\n'
                        '\tcluster lock = %s/cluster.lock\n'
                        '[database]\n\tvolatile database directory = '
                        '%s/db/volatile\n\tpersistent database directory = '
                        '%s/db/persistent\n\tstate database directory = '
                        '%s/db/state\n[failover]\n\tdisabled = true\n'
                        '[legacy]\n\trealtime scheduling = false\n' %
                        (b, host, self.shared, b, b, b))
            env = dict(os.environ, CTDB_BASE=b, CTDB_TEST_MODE='yes')
            out = open(os.path.join(b, 'ctdbd.stdout'), 'w')
            self.ctdbd.append(subprocess.Popen(
                ['ctdbd', '-i'], env=env, stdout=out,
                stderr=subprocess.STDOUT, start_new_session=True))
        deadline = time.time() + 60
        while time.time() < deadline:
            if all(self.ctdb(i, 'nodestatus', 'all').returncode == 0 and
                   b'RUNNING' in self.ctdb(i, 'runstate').stdout
                   for i in range(len(NODES))):
                return
            time.sleep(0.5)
        raise RuntimeError('the CTDB cluster did not get healthy: %s' %
                           self.ctdb(0, 'status').stdout.decode())

    def start(self, users=('alice', 'bob'), share_acls=None):
        if os.path.exists(self.root):
            shutil.rmtree(self.root)
        os.makedirs(self.shared)
        self.start_ctdb()
        # users and share ACLs go into clustered databases: set them
        # through node 1 only
        self.nodes[0].prepare(users=users, share_acls=share_acls)
        for n in self.nodes[1:]:
            n.prepare(users=users, passwords=False)
        for n in self.nodes:
            n.start()

    def stop(self):
        """Every node's smbd and theirs, then each ctdbd (ctdb shutdown,
        SIGKILL after 30 s), by pid; the pids stopped"""
        pids = set()
        for n in self.nodes:
            pids |= n.stop()
        for i, p in enumerate(self.ctdbd):
            pids |= {p.pid} | descendants(p.pid)
            if p.poll() is None:
                self.ctdb(i, 'shutdown')
                try:
                    p.wait(30)
                except subprocess.TimeoutExpired:
                    os.killpg(p.pid, signal.SIGKILL)
                    p.wait()
        self.ctdbd = []
        return pids

    def leftovers(self, pids=()):
        left = set()
        for n in self.nodes:
            left |= n.leftovers(pids)
        return left
