#!/usr/bin/python3
"""Load: owners syncing profiles while others keep trying, one smbd with
the module (docs/testing.md, "load").

OWNERS clients loop for PROFILEACL_LOAD_SECONDS (60): create asking
WRITE_DAC, write 4 KiB, set the DACL, close; OTHERS clients as carol, who
owns nothing, try WRITE_DAC and MAXIMUM_ALLOWED + set DACL on files whose
file ACL gives Everyone full control. All meet at barriers with no
handle open (after a warm-up, halfway, at the end), where smbd's RSS and
descriptors are taken. Passes with 0 owner errors, 0 grants to others,
each of their tries refused with NT_STATUS_ACCESS_DENIED at the step that
must refuse, RSS growth in the second half < 10%, no descriptor more than
after the warm-up; then one connection per protocol and share syncs
2 x PROBE_SYNCS times and its talloc memory (smbcontrol pool-usage) may
grow less than PROBE_BOUND bytes per grant over the Full share's.
"""

import multiprocessing as mp
import os
import re
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from harness import (Client, Results, Server, PASSWORDS, profile_folder,
                     profile_sync, intruder_try, SHARE_ALL, descendants,
                     READ_CONTROL, run, server_cmd)
from samba import NTSTATUSError
from samba.dcerpc import security

ROOT = os.environ.get('PROFILEACL_LOAD_ROOT', '/tmp/profileacl-load')
SECONDS = float(os.environ.get('PROFILEACL_LOAD_SECONDS', '60'))
OWNERS = int(os.environ.get('PROFILEACL_LOAD_OWNERS', '50'))
OTHERS = int(os.environ.get('PROFILEACL_LOAD_OTHERS', '10'))
WARMUP_OPS = 20
# one connection's talloc growth per grant, measured over PROBE_SYNCS
PROBE_SYNCS = int(os.environ.get('PROFILEACL_LOAD_PROBE_SYNCS', '200'))
PROBE_BOUND = 32
PASSWORDS.setdefault('carol', 'Carol-pw-3')


def worker(fn):
    """Run a client; on any failure report it and break the barrier so
    that nobody waits forever."""
    def run(root, idx, barrier, out):
        try:
            fn(root, idx, barrier, out)
        except Exception as e:  # reported, not swallowed
            out.put(('crash', 0, 1, 0, '%s: %r' % (fn.__name__, e)))
            barrier.abort()
    return run


def owner(srv_conf_root, idx, barrier, out):
    srv = Server(srv_conf_root)
    user = ('alice', 'bob')[idx % 2]
    cli = Client(srv)
    c = cli.conn(user, 'profiles', 'SMB2' if idx % 4 < 2 else 'SMB1')
    folder = '%s/c%02d' % (user, idx)
    sd = profile_folder(c, folder)
    ops = errors = 0
    first_error = ''

    def one(i):
        profile_sync(c, '%s/f%02d.dat' % (folder, i % 20), sd)

    for i in range(WARMUP_OPS):
        one(i)
    at_rest(barrier)
    i = 0
    for _ in range(2):
        deadline = time.time() + SECONDS / 2
        while time.time() < deadline and i < 10000000:
            try:
                one(i)
                ops += 1
            except NTSTATUSError as e:
                errors += 1
                first_error = first_error or str(e)
            i += 1
        at_rest(barrier)
    out.put(('owner', ops, errors, 0, first_error))
    barrier.wait()


def other(srv_conf_root, idx, barrier, out):
    srv = Server(srv_conf_root)
    cli = Client(srv)
    c = cli.conn('carol', 'profiles', 'SMB2' if idx % 2 else 'SMB1')
    targets = ('alice/shared.txt', 'bob/shared.txt')
    fnum = c.create(targets[0], DesiredAccess=READ_CONTROL,
                    ShareAccess=SHARE_ALL)
    sd = c.get_sd(fnum, security.SECINFO_DACL)
    c.close(fnum)
    attempts = grants = 0
    errors = [0, '']

    def one(i):
        """1 for a grant, 0 for the refusal expected
        (NT_STATUS_ACCESS_DENIED from the WRITE_DAC open, or from setting
        the DACL through the MAXIMUM_ALLOWED handle); any other error is
        counted as an error, not as a refusal"""
        try:
            return intruder_try(c, targets[i % 2], i % 4 < 2, sd)
        except NTSTATUSError as e:
            errors[0] += 1
            errors[1] = errors[1] or str(e)
            return 0

    for i in range(WARMUP_OPS):
        grants += one(i)
    attempts += WARMUP_OPS
    at_rest(barrier)
    i = 0
    for _ in range(2):
        deadline = time.time() + SECONDS / 2
        while time.time() < deadline and i < 10000000:
            attempts += 1
            grants += one(i)
            i += 1
        at_rest(barrier)
    out.put(('other', attempts, errors[0], grants, errors[1]))
    barrier.wait()


def at_rest(barrier, timeout=None):
    """Two barriers: every client has stopped with no handle open, and
    the main process has taken its snapshot of smbd in between"""
    barrier.wait(timeout)
    barrier.wait(timeout)


def smbd_pids(srv):
    return {srv.proc.pid} | descendants(srv.proc.pid)


def snapshot(srv):
    """(RSS in KiB, all descriptors, descriptors to files of the share)
    over all smbd processes. Sockets are counted apart: Samba's messaging
    keeps one per peer process it talked to."""
    time.sleep(1)   # let the last closes finish
    share = os.path.join(ROOT, 'profiles')
    rss = fds = files = 0
    for pid in smbd_pids(srv):
        try:
            with open('/proc/%d/status' % pid) as f:
                for line in f:
                    if line.startswith('VmRSS:'):
                        rss += int(line.split()[1])
            for fd in os.listdir('/proc/%d/fd' % pid):
                fds += 1
                try:
                    target = os.readlink('/proc/%d/fd/%s' % (pid, fd))
                except OSError:
                    continue
                files += target.startswith(share)
        except OSError:
            pass
    return rss, fds, files


def talloc_bytes(srv, pid):
    """All the memory smbd process PID holds through talloc (smbd tracks
    every context: smbcontrol pool-usage reports on the null context)"""
    out = run(*server_cmd(['smbcontrol', '-s', srv.conf, str(pid),
                           'pool-usage']))
    m = re.search(r"^full talloc report on '[^']*' \(total +([0-9]+) "
                  r"bytes", out, re.M)
    if m is None:
        raise RuntimeError('no talloc report from smbd %d: %r' %
                           (pid, out[:200]))
    return int(m.group(1))


def per_grant(srv, share, user, proto, folder, n):
    """Bytes smbd's talloc memory grows per profile sync over one
    connection to SHARE: after a warm-up, N syncs, then N more, each
    over 20 files; the growth of the second N, per sync. Memory hung on
    the connection (freed only at disconnect, so memcheck never sees it)
    grows with every grant."""
    before = smbd_pids(srv)
    cli = Client(srv)
    c = cli.conn(user, share, proto)
    sd = profile_folder(c, folder)
    # a client's smbd: "smbd" (4.17) or "smbd[CLIENT ADDRESS]" (4.24);
    # smbd's own helpers are "smbd-notifyd" and the like
    new = [p for p in smbd_pids(srv) - before
           if comm(p) == 'smbd' or comm(p).startswith('smbd[')]
    if len(new) != 1:
        raise RuntimeError('no one new smbd for the connection: %r' % new)
    pid = new[0]
    for i in range(WARMUP_OPS):
        profile_sync(c, '%s/f%02d.dat' % (folder, i % 20), sd)
    sizes = [talloc_bytes(srv, pid)]
    for _ in range(2):
        for i in range(n):
            profile_sync(c, '%s/f%02d.dat' % (folder, i % 20), sd)
        sizes.append(talloc_bytes(srv, pid))
    cli.drop()
    return sizes, (sizes[2] - sizes[1]) / float(n)


def comm(pid):
    try:
        with open('/proc/%d/comm' % pid) as f:
            return f.read().strip()
    except OSError:
        return ''


def main():
    R = Results()
    srv = Server(ROOT)
    srv.prepare(users=('alice', 'bob', 'carol'),
                share_acls={'profiles': 'CHANGE', 'full': 'FULL'})
    srv.start()
    try:
        cli = Client(srv)
        cli.make_shared_files('full')
        cli.drop()

        n = OWNERS + OTHERS
        barrier = mp.Barrier(n + 1)
        out = mp.Queue()
        procs = [mp.Process(target=worker(owner),
                            args=(ROOT, i, barrier, out))
                 for i in range(OWNERS)]
        procs += [mp.Process(target=worker(other),
                             args=(ROOT, i, barrier, out))
                  for i in range(OTHERS)]
        for p in procs:
            p.start()
        try:
            barrier.wait(timeout=300)
            rss0, fds0, files0 = snapshot(srv)
            barrier.wait(timeout=60)
            t0 = time.time()
            barrier.wait(timeout=SECONDS / 2 + 300)
            elapsed = time.time() - t0
            rss_mid = snapshot(srv)[0]
            barrier.wait(timeout=60)
            t0 = time.time()
            barrier.wait(timeout=SECONDS / 2 + 300)
            elapsed += time.time() - t0
            rss1, fds1, files1 = snapshot(srv)
            barrier.wait(timeout=60)
            results = [out.get(timeout=60) for _ in range(n)]
            barrier.wait(timeout=60)
        except Exception as e:
            for p in procs:
                p.terminate()
            crashes = []
            while not out.empty():
                crashes.append(out.get()[4])
            R.check('load run completed', False, '%r %s' % (e, crashes[:3]))
            return R.summary('load')
        finally:
            for p in procs:
                p.join(60)

        owner_ops = sum(r[1] for r in results if r[0] == 'owner')
        owner_err = sum(r[2] for r in results if r[0] == 'owner')
        first = [r[4] for r in results if r[0] == 'owner' and r[4]]
        attempts = sum(r[1] for r in results if r[0] == 'other')
        other_err = sum(r[2] for r in results if r[0] == 'other')
        other_first = [r[4] for r in results if r[0] == 'other' and r[4]]
        grants = sum(r[3] for r in results if r[0] == 'other')
        growth = (rss1 - rss0) / rss0 * 100.0
        growth1 = (rss_mid - rss0) / rss0 * 100.0
        growth2 = (rss1 - rss_mid) / rss_mid * 100.0
        print('load: %d owner clients, %d others, %.0f s' %
              (OWNERS, OTHERS, elapsed))
        print('load: owners %d profile-sync ops (%.0f ops/s), %d errors%s'
              % (owner_ops, owner_ops / elapsed, owner_err,
                 (' first: ' + first[0]) if first else ''))
        print('load: others %d attempts, %d grants, %d errors (not '
              'NT_STATUS_ACCESS_DENIED)%s' %
              (attempts, grants, other_err,
               (' first: ' + other_first[0]) if other_first else ''))
        print('load: smbd RSS %d -> %d -> %d KiB (%+.2f%%, then %+.2f%%; '
              'in all %+.2f%%); descriptors to files of the share %d -> '
              '%d; all descriptors (with messaging sockets) %d -> %d' %
              (rss0, rss_mid, rss1, growth1, growth2, growth, files0,
               files1, fds0, fds1))
        R.equal('every client reported', len(results), n)
        R.equal('no client crashed',
                [r[4] for r in results if r[0] == 'crash'], [])
        R.check('owners did work', owner_ops > 0)
        R.equal('0 errors for owners', owner_err, 0)
        R.check('others tried', attempts > 0)
        R.equal('0 grants for others', grants, 0)
        R.equal('others refused with NT_STATUS_ACCESS_DENIED only (0 '
                'other errors)', other_err, 0)
        # A leak grows in both halves; filling smbd's caches mostly in
        # the first. Small leaks are memcheck's to find (the valgrind
        # suites: 0 bytes lost from the module); this bounds smbd's
        # growth under load: 4.17 +0.80% then +0.13%, 4.22 under the
        # 2-core make check +4.82% then +2.90% (smbd's own, memcheck
        # finds no module leak there); a planted leak of 64 KiB per
        # grant: +26.05% then +20.00%, red.
        R.check('smbd memory growth in the second half < 10%% (%+.2f%%; '
                'first half %+.2f%%)' % (growth2, growth1), growth2 < 10)
        R.check('no file descriptor leak (%d -> %d)' % (files0, files1),
                files1 <= files0)
        # Memory hung on the connection is freed at disconnect, where
        # memcheck cannot see it, and under load it hides in the RSS of
        # 60 processes (a planted 16 KiB per grant: +2.97%). One
        # connection's own talloc memory shows it to the byte: 4.17,
        # +0 to +1 byte per sync on either share; the planted leak,
        # +16384 bytes per grant.
        for proto in ('SMB2', 'SMB1'):
            growth = {}
            for share in ('full', 'profiles'):
                folder = 'alice/probe-%s-%s' % (share, proto)
                try:
                    sizes, growth[share] = per_grant(
                        srv, share, 'alice', proto, folder, PROBE_SYNCS)
                except Exception as e:  # a failed probe fails its check
                    print('load: one %s connection to [%s]: %r' %
                          (proto, share, e))
                    growth[share] = None
                    continue
                print('load: one %s connection to [%s], %d then %d syncs: '
                      'talloc %s bytes, %+.0f bytes per sync' %
                      (proto, share, PROBE_SYNCS, PROBE_SYNCS,
                       ' -> '.join(str(x) for x in sizes), growth[share]))
            R.check('one connection: the syncs on [profiles] were grants '
                    '[%s]' % proto,
                    'share [profiles] path [alice/probe-profiles-%s/f00.dat]'
                    ': granted' % proto in srv.log_text())
            measured = None not in growth.values()
            extra = growth['profiles'] - growth['full'] if measured else 0
            R.check('one connection: smbd\'s talloc memory grows < %d '
                    'bytes per grant over the Full share\'s per sync '
                    '(%+.0f) [%s]' % (PROBE_BOUND, extra, proto),
                    measured and extra < PROBE_BOUND,
                    '' if measured else 'not measured')
        R.check('smbd logged no panic', 'PANIC' not in srv.log_text())
    finally:
        srv.stop()
    return R.summary('load')


if __name__ == '__main__':
    sys.exit(main())
