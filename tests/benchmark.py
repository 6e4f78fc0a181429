#!/usr/bin/python3
"""A/B benchmark of vfs_profileacl against the same smbd without it.

One smbd, three shares on one folder, identical but for vfs objects and
the share ACL:
  [bench_mod]    Change, vfs objects = profileacl acl_xattr   (A)
  [bench_nomod]  Change, vfs objects = acl_xattr              (B)
  [bench_full]   Full,   vfs objects = acl_xattr   (reference for WRITE_DAC)

Workloads, A and B alternating in rounds:
  1. common path: smbtorture smb2.bench.path-contention-shared (opens and
     closes of an existing file asking no WRITE_DAC), 4 connections;
  2. profile sync: the owner opens her file asking WRITE_DAC, sets its
     DACL, closes (A: module on Change; B: no module on Full);
  3. callgrind instruction counts and strace system call counts of the
     smbd child serving a fixed sequence of opens, per open.

Writes docs/benchmark.md and docs/benchmark.png (gnuplot). Run by
scripts/benchmark.sh inside tests/netns-run.sh.
"""

import glob
import os
import re
import shutil
import signal
import statistics
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from harness import (Client, Server, PASSWORDS, PORT, FILE_OPEN,
                     READ_CONTROL, WRITE_DAC, alive, conf_pids,
                     descendants)
from samba.dcerpc import security

TOP = os.path.abspath(os.path.join(os.path.dirname(__file__), '..'))
ROOT = os.environ.get('PROFILEACL_BENCH_ROOT', '/tmp/profileacl-bench')
ROUNDS = int(os.environ.get('PROFILEACL_BENCH_ROUNDS', '7'))
SECONDS = int(os.environ.get('PROFILEACL_BENCH_SECONDS', '4'))
FILE_READ_ATTRIBUTES = 0x80
# Client and server on separate cores, so that they do not steal each
# other's time slices: less noise between rounds.
SERVER_CPU, CLIENT_CPU = ('1', '0') if os.cpu_count() > 1 else ('0', '0')

SHARES = '''
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


def new_server(name):
    # logging as in the admin guide's smb.conf (grants not logged); the
    # cost of logging every grant is measured apart
    srv = Server(os.path.join(ROOT, name), extra_shares=SHARES,
                 extra_global='\tlog level = 1\n')
    srv.prepare(users=('alice', 'bob'), share_acls=ACLS)
    return srv


def tracer_of(pid):
    """the pid tracing pid (strace), or 0"""
    try:
        with open('/proc/%d/status' % pid) as f:
            for line in f:
                if line.startswith('TracerPid:'):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def smbd_pid(srv):
    """smbd's own pid: the process the harness started, or, when that is
    a tracer (strace -ff), the first of its descendants it traces"""
    tree = [srv.proc.pid] + sorted(descendants(srv.proc.pid))
    for pid in tree:
        if tracer_of(pid) == srv.proc.pid:
            return pid
    return srv.proc.pid


def wait_gone(pids, timeout):
    """the pids still running after timeout s"""
    deadline = time.time() + timeout
    while True:
        pids = {p for p in pids if alive(p)}
        if not pids or time.time() > deadline:
            return pids
        time.sleep(0.1)


def signal_until_gone(pids, timeout):
    """SIGTERM, then SIGKILL after timeout s"""
    for sig, wait in ((signal.SIGTERM, timeout), (signal.SIGKILL, 10)):
        for pid in pids:
            try:
                os.kill(pid, sig)
            except ProcessLookupError:
                pass
        pids = wait_gone(pids, wait)
        if not pids:
            return


def stop(srv):
    """Stop the server by smbd's own pid, not the harness's: under strace
    that is strace, which detaches on SIGTERM and leaves smbd running.
    Then the wrapper (strace exits with its last tracee), samba-dcerpcd and
    its rpcd_* workers (by pid, tests/harness.py), and any process still
    running with this smb.conf: one there 10 s later fails the bench (and
    is killed)."""
    if srv.proc is None:
        return
    smbd = smbd_pid(srv)
    tree = {srv.proc.pid, smbd} | descendants(srv.proc.pid)
    if smbd != srv.proc.pid:
        signal_until_gone({smbd}, 120)
        try:
            srv.proc.wait(30)
        except subprocess.TimeoutExpired:
            pass
    srv.stop_proc()
    srv.stop_helpers()
    left = wait_gone(tree | conf_pids(srv.conf), 10)
    if left:
        signal_until_gone(left, 10)
        raise RuntimeError('processes of %s were left running (killed): %s'
                           % (srv.conf, sorted(left)))


def make_files(srv):
    cli = Client(srv)
    c = cli.conn('alice', 'bench_full', 'SMB2')
    c.mkdir('alice')
    for i in range(8):
        c.savefile('alice/f%d.txt' % i, b'x' * 100)
    cli.drop()


def common_path_round(share):
    p = subprocess.run(
        ['taskset', '-c', CLIENT_CPU, 'smbtorture', '//127.0.0.1/' + share,
         '-U', 'alice%' + PASSWORDS['alice'], '-p', str(PORT),
         '--option=torture:bench_path=alice\\f0.txt',
         '--option=torture:timelimit=%d' % SECONDS,
         '--option=torture:nprocs=4', '--option=torture:progress=no',
         'smb2.bench.path-contention-shared'],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, timeout=120)
    out = p.stdout.decode(errors='replace')
    m = re.search(r'open\[num/s=(\d+)', out)
    if p.returncode != 0 or m is None:
        raise RuntimeError('smbtorture bench failed:\n' + out[-2000:])
    return float(m.group(1))


def profile_sync_round(cli, share):
    """ops/s of open(WRITE_DAC) + set DACL + close by the owner"""
    c = cli.conn('alice', share, 'SMB2')
    sid = c.get_sd(c.create('alice/f1.txt', DesiredAccess=READ_CONTROL),
                   1).owner_sid
    sd = security.descriptor.from_sddl(
        'D:P(A;;0x001f01ff;;;%s)(A;;0x001f01ff;;;SY)' % sid, sid)
    n = 0
    deadline = time.time() + SECONDS
    start = time.time()
    while time.time() < deadline and n < 1000000:
        fnum = c.create('alice/f%d.txt' % (1 + n % 7),
                        DesiredAccess=WRITE_DAC, CreateDisposition=FILE_OPEN)
        c.set_sd(fnum, sd, security.SECINFO_DACL)
        c.close(fnum)
        n += 1
    return n / (time.time() - start)


def rounds(fn, a, b):
    """Alternate A and B, ROUNDS each, starting with a warm-up of each."""
    fn(a)
    fn(b)
    res = {a: [], b: []}
    for i in range(ROUNDS):
        order = (a, b) if i % 2 == 0 else (b, a)
        for s in order:
            res[s].append(fn(s))
    return res


def stats(values):
    return (statistics.median(values), min(values), max(values))


def open_sequence(srv, share, n):
    """One connection, n opens of existing files asking no WRITE_DAC."""
    cli = Client(srv)
    c = cli.conn('alice', share, 'SMB2')
    for i in range(n):
        fnum = c.create('alice/f%d.txt' % (i % 8),
                        DesiredAccess=FILE_READ_ATTRIBUTES,
                        CreateDisposition=FILE_OPEN)
        c.close(fnum)
    cli.drop()
    del c


def sync_sequence(srv, share, n):
    """One connection, n profile-sync operations by the owner."""
    cli = Client(srv)
    c = cli.conn('alice', share, 'SMB2')
    fnum = c.create('alice/f1.txt', DesiredAccess=READ_CONTROL)
    sid = c.get_sd(fnum, 1).owner_sid
    c.close(fnum)
    sd = security.descriptor.from_sddl(
        'D:P(A;;0x001f01ff;;;%s)(A;;0x001f01ff;;;SY)' % sid, sid)
    for i in range(n):
        fnum = c.create('alice/f%d.txt' % (1 + i % 7),
                        DesiredAccess=WRITE_DAC, CreateDisposition=FILE_OPEN)
        c.set_sd(fnum, sd, security.SECINFO_DACL)
        c.close(fnum)
    cli.drop()
    del c


def settle(srv, baseline):
    """wait until the smbd children serving finished connections exit"""
    deadline = time.time() + 120
    while descendants(srv.proc.pid) - baseline:
        if time.time() > deadline:
            raise RuntimeError('smbd children did not exit')
        time.sleep(0.2)


def per_child(tool_dir, pattern, value_fn, srv, share, n, baseline, seq):
    """Run one sequence; the value of the child process that served it:
    the one process that came and went during the sequence."""
    before = set(glob.glob(os.path.join(tool_dir, pattern)))
    seq(srv, share, n)
    settle(srv, baseline)
    new = set(glob.glob(os.path.join(tool_dir, pattern))) - before
    vals = [value_fn(f) for f in new]
    if len(vals) != 1 or vals[0] is None:
        raise RuntimeError('expected one complete %s output for %s, got '
                           '%r' % (pattern, share, sorted(new)))
    return vals[0]


def callgrind_total(path):
    with open(path, errors='replace') as f:
        text = f.read()
    m = re.search(r'^totals: (\d+)', text, re.M) or \
        re.search(r'^summary: (\d+)', text, re.M)
    return int(m.group(1)) if m else None


def strace_count(path):
    # a child still running has an incomplete trace: wait for its exit
    with open(path, errors='replace') as f:
        lines = f.read().splitlines()
    if not lines or '+++ exited' not in lines[-1]:
        return None
    return sum(1 for l in lines if re.match(r'^[a-z_0-9]+\(', l))


def per_open(tool, prefix, pattern, value_fn, n1=100, n2=300):
    """Per operation, from the difference of n2 and n1 operations: the
    common path (open/close, module vs none on Change) and profile sync
    (module on Change vs none on Full), each twice."""
    srv = new_server('bench-' + tool)
    tool_dir = os.path.join(ROOT, 'out-' + tool)
    shutil.rmtree(tool_dir, ignore_errors=True)
    os.makedirs(tool_dir)
    srv.start(argv_prefix=prefix(tool_dir))
    try:
        time.sleep(2)
        baseline = descendants(srv.proc.pid)
        make_files(srv)
        settle(srv, baseline)
        result = {}
        # twice, to show the figure is repeatable
        for suffix in ('', ' (again)'):
            for seq, share in ((open_sequence, 'bench_mod'),
                               (open_sequence, 'bench_nomod'),
                               (sync_sequence, 'bench_mod'),
                               (sync_sequence, 'bench_full')):
                v1 = per_child(tool_dir, pattern, value_fn, srv, share, n1,
                               baseline, seq)
                v2 = per_child(tool_dir, pattern, value_fn, srv, share, n2,
                               baseline, seq)
                key = '%s %s%s' % (seq.__name__, share, suffix)
                result[key] = (v2 - v1) / (n2 - n1)
    finally:
        stop(srv)
    return result


def main():
    if os.path.exists(ROOT):
        shutil.rmtree(ROOT)
    os.makedirs(ROOT)

    # 1 and 2: throughput, one smbd, alternating rounds
    os.sched_setaffinity(0, {int(CLIENT_CPU)})
    srv = new_server('bench')
    srv.start(argv_prefix=['taskset', '-c', SERVER_CPU])
    try:
        make_files(srv)
        common = rounds(common_path_round, 'bench_mod', 'bench_nomod')
        cli = Client(srv)
        sync = rounds(lambda s: profile_sync_round(cli, s),
                      'bench_mod', 'bench_full')
        # the same with every grant logged (log level = 1 profileacl:3)
        subprocess.run(['smbcontrol', '-s', srv.conf, 'smbd', 'debug',
                        '1 profileacl:3'], check=True)
        time.sleep(1)
        sync_logged = rounds(lambda s: profile_sync_round(cli, s),
                             'bench_mod', 'bench_full')
        cli.drop()
        granted = srv.log_text().count('granted WRITE_DAC')
    finally:
        stop(srv)

    # 3: instructions and system calls per open
    ir = per_open('callgrind',
                  lambda d: ['valgrind', '--tool=callgrind',
                             '--trace-children=yes',
                             '--callgrind-out-file=%s/cg.%%p' % d],
                  'cg.*', callgrind_total)
    sc = per_open('strace',
                  lambda d: ['strace', '-ff', '-q', '-o', '%s/st' % d],
                  'st.*', strace_count)

    c_mod, c_nomod = stats(common['bench_mod']), stats(common['bench_nomod'])
    s_mod, s_full = stats(sync['bench_mod']), stats(sync['bench_full'])
    l_mod = stats(sync_logged['bench_mod'])
    l_full = stats(sync_logged['bench_full'])
    common_ratio = c_mod[0] / c_nomod[0]
    sync_ratio = s_mod[0] / s_full[0]
    logged_ratio = l_mod[0] / l_full[0]
    o_mod, o_nomod = 'open_sequence bench_mod', 'open_sequence bench_nomod'
    y_mod, y_full = 'sync_sequence bench_mod', 'sync_sequence bench_full'
    ir_ratio = ir[o_mod] / ir[o_nomod]
    ir_ratio2 = ir[o_mod + ' (again)'] / ir[o_nomod + ' (again)']
    sc_diff = sc[o_mod] - sc[o_nomod]

    rows = [
        ('common path: open/close, no WRITE_DAC (4 conns)',
         'Change + profileacl', c_mod, 'Change, no module', c_nomod,
         common_ratio),
        ('profile sync: open WRITE_DAC, set DACL, close',
         'Change + profileacl', s_mod, 'Full, no module', s_full,
         sync_ratio),
        ('profile sync, every grant logged (profileacl:3)',
         'Change + profileacl', l_mod, 'Full, no module', l_full,
         logged_ratio),
    ]
    ir_ok = ir_ratio <= 1.002 and ir_ratio2 <= 1.002
    sc_ok = abs(sc_diff) < 0.005
    sync_sc_ok = sc[y_mod] - sc[y_full] <= 1.005
    md = ['# vfs_profileacl benchmark', '',
          'Made by `make bench` (scripts/benchmark.sh) on %s, %d cores '
          '(smbd on one, the clients on the other), smbd %s, logging as '
          'in docs/smb.conf.example; %d rounds of %d s per side, A and B '
          'alternating, one smbd, shares on one folder.' % (
              time.strftime('%Y-%m-%d'), os.cpu_count(),
              subprocess.run(['smbd', '--version'], stdout=subprocess.PIPE)
              .stdout.decode().strip(), ROUNDS, SECONDS),
          '',
          '| workload | A | A ops/s median (min-max) | B | '
          'B ops/s median (min-max) | A/B |',
          '| --- | --- | --- | --- | --- | --- |']
    for name, an, a, bn, b, r in rows:
        md.append('| %s | %s | %.0f (%.0f-%.0f) | %s | %.0f (%.0f-%.0f) '
                  '| %.4f |' % (name, an, a[0], a[1], a[2], bn, b[0], b[1],
                                b[2], r))
    md += ['',
           '| per operation, smbd child (callgrind / strace, 200 ops) | '
           'with profileacl | without | ratio or difference |',
           '| --- | --- | --- | --- |',
           '| common path: instructions per open | %.0f | %.0f | %.5f |' % (
               ir[o_mod], ir[o_nomod], ir_ratio),
           '| common path: instructions, second run | %.0f | %.0f | %.5f |'
           % (ir[o_mod + ' (again)'], ir[o_nomod + ' (again)'], ir_ratio2),
           '| common path: system calls per open | %.2f | %.2f | %+.2f |' % (
               sc[o_mod], sc[o_nomod], sc_diff),
           '| profile sync (vs Full): instructions per op | %.0f | %.0f | '
           '%.5f |' % (ir[y_mod], ir[y_full], ir[y_mod] / ir[y_full]),
           '| profile sync (vs Full): system calls per op | %.2f | %.2f | '
           '%+.2f |' % (sc[y_mod], sc[y_full], sc[y_mod] - sc[y_full]),
           '',
           'A granted open costs the fstat of the opened handle that '
           'checks its owner and the two fcntl calls of the share ACL '
           'read (the share_info.tdb chain lock), made for each decision '
           'so that a deny added to the share ACL is seen at once; before '
           'the open the module reads the owner from the stat smbd '
           'already made of the name. Samba\'s VFS_FIND walks one more layer for each VFS '
           'call the module does not implement, which is where the '
           'common path\'s extra instructions go.',
           '',
           'Grants logged during the profile-sync rounds: %d.' % granted,
           '',
           'Targets, judged on counts (callgrind, strace): common path '
           'within 0.2%% instructions of no module (%s) and no extra '
           'system call (%s); a granted profile sync at most one system '
           'call more than Full (%s). Throughput is reported, not judged: '
           'on this machine its noise between rounds is larger than the '
           'difference (common path A/B %.4f, profile sync A/B %.4f).' % (
               'met' if ir_ok else 'MISSED',
               'met' if sc_ok else 'MISSED',
               'met' if sync_sc_ok else 'MISSED',
               common_ratio, sync_ratio),
           '', '![benchmark](benchmark.png)', '']
    with open(os.path.join(TOP, 'docs', 'benchmark.md'), 'w') as f:
        f.write('\n'.join(md))

    dat = os.path.join(ROOT, 'bench.dat')
    with open(dat, 'w') as f:
        f.write('"profileacl\\n(Change)" %f %f %f\n' % c_mod)
        f.write('"no module\\n(Change)" %f %f %f\n\n\n' % c_nomod)
        f.write('"profileacl\\n(Change)" %f %f %f\n' % s_mod)
        f.write('"no module\\n(Full)" %f %f %f\n' % s_full)
    png = os.path.join(TOP, 'docs', 'benchmark.png')
    panel = ('set title "%s" noenhanced\n'
             'plot "{dat}" index %d using 0:2:xtic(1) with boxes '
             'lc rgb "#4a7ebb", "" index %d using 0:2:3:4 with yerrorbars '
             'lc rgb "black" pt 0\n')
    subprocess.run(['gnuplot'], check=True, input=(
        'set terminal pngcairo size 900,450\n'
        'set output "%s"\n'
        'set multiplot layout 1,2 title "vfs_profileacl A/B: median '
        'ops/s over %d rounds, min-max bars" noenhanced\n'
        'set style fill solid 0.6\nset boxwidth 0.5\n'
        'set ylabel "ops/s"\nset yrange [0:*]\nset grid ytics\n'
        'set xrange [-0.6:1.6]\nset bmargin 4\nunset key\n' %
        (png, ROUNDS) +
        panel % ('common path: open/close, no WRITE_DAC', 0, 0) +
        panel % ('profile sync: WRITE_DAC open, set DACL', 1, 1) +
        'unset multiplot\n').replace('{dat}', dat).encode())

    print('\n'.join(md))
    ok = ir_ok and sc_ok and sync_sc_ok
    print('benchmark: targets %s' % ('met' if ok else 'MISSED'))
    return 0 if ok else 1


if __name__ == '__main__':
    sys.exit(main())
