#!/usr/bin/python3
"""The series' own cost: instructions per open and system calls per
operation of the smbd built from the series, measured as
tests/benchmark.py (make bench) measures the out-of-tree module: the
smbd child serving one connection, under callgrind and strace -ff, per
operation from the difference of 300 and 100 operations, each twice.

  common path: opens and closes of an existing file asking no WRITE_DAC,
    [bench_mod] (share ACL Change, profileacl acl_xattr) against
    [bench_nomod] (Change, acl_xattr);
  profile sync: the owner opens her file asking WRITE_DAC, sets its DACL
    and closes, [bench_mod] against [bench_full] (Full, acl_xattr).

Run by "scripts/upstream-check.sh --bench TREE" as root inside the
Debian root, in namespaces of its own; TREE is the built Samba tree
there. Prints a markdown table and "bench: targets met" or "MISSED".
"""

import glob
import os
import shutil
import signal
import subprocess
import sys
import time

TREE = sys.argv[1]
BIN = os.path.join(TREE, 'bin')
sys.path.insert(0, os.path.join(BIN, 'python'))
# tests/measure.py, copied next to this script
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from measure import callgrind_total, descendants, strace_count  # noqa: E402

from samba.samba3 import libsmb_samba_internal as libsmb  # noqa: E402
from samba.samba3 import param as s3param  # noqa: E402
from samba import credentials  # noqa: E402
from samba.dcerpc import security  # noqa: E402

ROOT = '/tmp/pacl-series-bench'
PASSWORD = 'Pacl-bench-1'
FILE_READ_ATTRIBUTES = 0x80
CONF = '''[global]
	netbios name = PACLBENCH
	workgroup = PACL
	server role = standalone server
	passdb backend = tdbsam
	private dir = @ROOT@/private
	lock directory = @ROOT@/lock
	state directory = @ROOT@/state
	cache directory = @ROOT@/cache
	pid directory = @ROOT@/pid
	ncalrpc dir = @ROOT@/ncalrpc
	log file = @ROOT@/log/log.%m
	log level = 1
	interfaces = lo
	bind interfaces only = yes
	smb ports = 445
	load printers = no
	disable spoolss = yes

[bench_mod]
	path = @ROOT@/profiles
	read only = no
	vfs objects = profileacl acl_xattr

[bench_nomod]
	path = @ROOT@/profiles
	read only = no
	vfs objects = acl_xattr

[bench_full]
	path = @ROOT@/profiles
	read only = no
	vfs objects = acl_xattr
'''
ACLS = {'bench_mod': 'CHANGE', 'bench_nomod': 'CHANGE',
        'bench_full': 'FULL'}


def conf_path():
    return os.path.join(ROOT, 'smb.conf')


def prepare():
    shutil.rmtree(ROOT, ignore_errors=True)
    for d in ('private', 'lock', 'state', 'cache', 'pid', 'ncalrpc', 'log',
              'profiles', 'out-strace', 'out-callgrind'):
        os.makedirs(os.path.join(ROOT, d))
    os.chmod(os.path.join(ROOT, 'profiles'), 0o777)
    with open(conf_path(), 'w') as f:
        f.write(CONF.replace('@ROOT@', ROOT))
    subprocess.run([os.path.join(BIN, 'smbpasswd'), '-c', conf_path(),
                    '-s', '-a', 'alice'], check=True,
                   input=('%s\n%s\n' % (PASSWORD, PASSWORD)).encode(),
                   stdout=subprocess.DEVNULL)
    for share, acl in ACLS.items():
        subprocess.run([os.path.join(BIN, 'sharesec'), '-s', conf_path(),
                        share, '--replace=S-1-1-0:ALLOWED/0/' + acl],
                       check=True, stdout=subprocess.DEVNULL)


def conn(share):
    lp = s3param.get_context()
    lp.load(conf_path())
    creds = credentials.Credentials()
    creds.guess(lp)
    creds.set_username('alice')
    creds.set_password(PASSWORD)
    return libsmb.Conn('127.0.0.1', share, lp, creds)


def make_files():
    c = conn('bench_full')
    c.mkdir('alice')
    for i in range(8):
        c.savefile('alice\\f%d.txt' % i, b'x' * 100)


def open_sequence(share, n):
    """n opens of existing files asking no WRITE_DAC"""
    c = conn(share)
    for i in range(n):
        f = c.create('alice\\f%d.txt' % (i % 8),
                     DesiredAccess=FILE_READ_ATTRIBUTES,
                     CreateDisposition=libsmb.FILE_OPEN)
        c.close(f)


def sync_sequence(share, n):
    """n profile syncs by the owner: open WRITE_DAC, set the DACL, close"""
    c = conn(share)
    f = c.create('alice\\f1.txt', DesiredAccess=security.SEC_STD_READ_CONTROL)
    sid = c.get_sd(f, security.SECINFO_OWNER).owner_sid
    c.close(f)
    sd = security.descriptor.from_sddl(
        'D:P(A;;0x001f01ff;;;%s)(A;;0x001f01ff;;;SY)' % sid, sid)
    for i in range(n):
        f = c.create('alice\\f%d.txt' % (1 + i % 7),
                     DesiredAccess=security.SEC_STD_WRITE_DAC,
                     CreateDisposition=libsmb.FILE_OPEN)
        c.set_sd(f, sd, security.SECINFO_DACL)
        c.close(f)


def settle(smbd, baseline):
    """wait until the smbd children of finished connections have exited
    (and so written their output)"""
    deadline = time.time() + 300
    while descendants(smbd.pid) - baseline:
        if time.time() > deadline:
            raise RuntimeError('smbd children did not exit')
        time.sleep(0.2)


def per_child(out, value_fn, seq, share, n, smbd, baseline):
    """the value of the one smbd child that served the sequence"""
    before = set(glob.glob(os.path.join(out, '*')))
    seq(share, n)
    settle(smbd, baseline)
    new = set(glob.glob(os.path.join(out, '*'))) - before
    vals = [value_fn(p) for p in new]
    if len(vals) != 1 or vals[0] is None:
        raise RuntimeError('no one complete output for %s: %r'
                           % (share, sorted(new)))
    return vals[0]


def measure(tool, prefix, value_fn, n1=100, n2=300):
    out = os.path.join(ROOT, 'out-' + tool)
    smbd = subprocess.Popen(prefix(out) + [
        os.path.join(BIN, 'smbd'), '-s', conf_path(), '-F',
        '--no-process-group'], stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL, start_new_session=True)
    try:
        # smbd writes its pid file when it is ready; its long-lived
        # helpers are the baseline of its process tree
        pidfile = os.path.join(ROOT, 'pid', 'smbd.pid')
        deadline = time.time() + 120
        while not os.path.exists(pidfile):
            if time.time() > deadline:
                raise RuntimeError('smbd did not start')
            time.sleep(0.5)
        time.sleep(5)
        baseline = descendants(smbd.pid)
        if not os.path.isdir(os.path.join(ROOT, 'profiles', 'alice')):
            make_files()
        settle(smbd, baseline)
        res = {}
        for again in ('', ' (again)'):
            for seq, share in ((open_sequence, 'bench_mod'),
                               (open_sequence, 'bench_nomod'),
                               (sync_sequence, 'bench_mod'),
                               (sync_sequence, 'bench_full')):
                v1 = per_child(out, value_fn, seq, share, n1, smbd,
                               baseline)
                v2 = per_child(out, value_fn, seq, share, n2, smbd,
                               baseline)
                if v2 <= v1:
                    raise RuntimeError('%s %s: %d ops cost %s, %d ops %s'
                                       % (tool, share, n1, v1, n2, v2))
                res['%s %s%s' % (seq.__name__, share, again)] = \
                    (v2 - v1) / (n2 - n1)
        return res
    finally:
        # smbd ends its process group: a session of its own keeps this
        # script out of it
        smbd.send_signal(signal.SIGTERM)
        try:
            smbd.wait(60)
        except subprocess.TimeoutExpired:
            smbd.kill()
            smbd.wait()


def main():
    prepare()
    ir = measure('callgrind',
                 lambda d: ['valgrind', '--tool=callgrind',
                            '--trace-children=yes',
                            '--callgrind-out-file=%s/cg.%%p' % d],
                 callgrind_total)
    sc = measure('strace', lambda d: ['strace', '-ff', '-q', '-o',
                                      '%s/st' % d], strace_count)
    o_mod, o_nomod = 'open_sequence bench_mod', 'open_sequence bench_nomod'
    y_mod, y_full = 'sync_sequence bench_mod', 'sync_sequence bench_full'
    rows = []
    for again in ('', ' (again)'):
        rows.append(('common path: instructions per open%s' % again,
                     ir[o_mod + again], ir[o_nomod + again],
                     '%.5f' % (ir[o_mod + again] / ir[o_nomod + again])))
        rows.append(('common path: system calls per open%s' % again,
                     sc[o_mod + again], sc[o_nomod + again],
                     '%+.2f' % (sc[o_mod + again] - sc[o_nomod + again])))
        rows.append(('profile sync (vs Full): instructions per op%s' % again,
                     ir[y_mod + again], ir[y_full + again],
                     '%.5f' % (ir[y_mod + again] / ir[y_full + again])))
        rows.append(('profile sync (vs Full): system calls per op%s' % again,
                     sc[y_mod + again], sc[y_full + again],
                     '%+.2f' % (sc[y_mod + again] - sc[y_full + again])))
    print('| per operation, smbd child (callgrind / strace, 200 ops) | '
          'with profileacl | without | ratio or difference |')
    print('| --- | --- | --- | --- |')
    for name, a, b, d in rows:
        print('| %s | %.2f | %.2f | %s |' % (name, a, b, d))
    # a few system calls of smbd's timers fall into one run or the
    # other: a difference under half a call per operation is none
    ok = all(ir[o_mod + a] / ir[o_nomod + a] <= 1.002 and
             abs(sc[o_mod + a] - sc[o_nomod + a]) < 0.5 and
             sc[y_mod + a] - sc[y_full + a] < 0.5
             for a in ('', ' (again)'))
    print('bench: targets %s (common path within 0.2%% instructions and '
          '+0 system calls; a granted sync +0 system calls against Full)'
          % ('met' if ok else 'MISSED'))
    return 0 if ok else 1


if __name__ == '__main__':
    sys.exit(main())
