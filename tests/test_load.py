#!/usr/bin/python3
"""Load: owners syncing profiles while others keep trying, one smbd with
the module (docs/testing.md, "load").

OWNERS clients loop for PROFILEACL_LOAD_SECONDS (60): create asking
WRITE_DAC, write 4 KiB, set the DACL, close; OTHERS clients as carol, who
owns nothing, try WRITE_DAC and MAXIMUM_ALLOWED + set DACL on files whose
file ACL gives Everyone full control. All meet at barriers with no handle
open (after a warm-up, halfway, at the end), where smbd's RSS and
descriptors are taken. Then one connection per protocol and share syncs
2 x PROBE_SYNCS times, and its talloc memory (smbcontrol pool-usage)
shows what hangs on the connection.
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


def loop(barrier, one):
    """ONE(i) WARMUP_OPS times, then as often as it can in two halves of
    SECONDS, each of the three ended at rest: [tries after the warm-up,
    NTSTATUSErrors, ONE's results summed, the first error]"""
    n = [0, 0, 0, '']

    def step(i):
        try:
            n[2] += one(i)
        except NTSTATUSError as e:
            n[1] += 1
            n[3] = n[3] or str(e)

    for i in range(WARMUP_OPS):
        step(i)
    at_rest(barrier)
    for _ in range(2):
        deadline = time.time() + SECONDS / 2
        while time.time() < deadline and n[0] < 10000000:
            step(n[0])
            n[0] += 1
        at_rest(barrier)
    return n


def client(root, idx, barrier, out):
    """Client IDX: an owner's syncs (the first OWNERS), or carol's tries:
    1 for a grant, 0 for the refusal expected (NT_STATUS_ACCESS_DENIED
    from the WRITE_DAC open, or from setting the DACL through the
    MAXIMUM_ALLOWED handle), any other error an error. On any failure it
    reports and breaks the barrier, so that nobody waits forever."""
    kind = 'owner' if idx < OWNERS else 'other'
    try:
        cli = Client(Server(root))
        if kind == 'owner':
            user = ('alice', 'bob')[idx % 2]
            c = cli.conn(user, 'profiles', 'SMB2' if idx % 4 < 2 else 'SMB1')
            folder = '%s/c%02d' % (user, idx)
            sd = profile_folder(c, folder)
            tries, errors, _, first = loop(barrier, lambda i: profile_sync(
                c, '%s/f%02d.dat' % (folder, i % 20), sd) or 0)
            out.put(('owner', tries - errors, errors, 0, first))
        else:
            c = cli.conn('carol', 'profiles',
                         'SMB2' if (idx - OWNERS) % 2 else 'SMB1')
            targets = ('alice/shared.txt', 'bob/shared.txt')
            fnum = c.create(targets[0], DesiredAccess=READ_CONTROL,
                            ShareAccess=SHARE_ALL)
            sd = c.get_sd(fnum, security.SECINFO_DACL)
            c.close(fnum)
            tries, errors, grants, first = loop(barrier, lambda i: (
                intruder_try(c, targets[i % 2], i % 4 < 2, sd)))
            out.put(('other', tries + WARMUP_OPS, errors, grants, first))
        barrier.wait()
    except Exception as e:  # reported, not swallowed
        out.put(('crash', 0, 1, 0, '%s: %r' % (kind, e)))
        barrier.abort()


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
                rss += sum(int(line.split()[1]) for line in f
                           if line.startswith('VmRSS:'))
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
    sizes = []
    for count in (WARMUP_OPS, n, n):
        for i in range(count):
            profile_sync(c, '%s/f%02d.dat' % (folder, i % 20), sd)
        sizes.append(talloc_bytes(srv, new[0]))
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
        procs = [mp.Process(target=client, args=(ROOT, i, barrier, out))
                 for i in range(n)]
        for p in procs:
            p.start()
        try:
            # at rest after the warm-up, halfway and at the end
            snaps, elapsed = [], 0
            for timeout in (300, SECONDS / 2 + 300, SECONDS / 2 + 300):
                t0 = time.time()
                barrier.wait(timeout=timeout)
                elapsed += (time.time() - t0) if snaps else 0
                snaps.append(snapshot(srv))
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
                if p.is_alive():
                    p.kill()
                    p.join()

        def first(kind):
            errs = [r[4] for r in results if r[0] == kind and r[4]]
            return ' first: ' + errs[0] if errs else ''
        (rss0, fds0, files0), (rss_mid, _, _), (rss1, fds1, files1) = snaps
        # owners: ops, errors; others: attempts, errors, grants
        owner_ops, owner_err, _, attempts, other_err, grants = (
            sum(r[col] for r in results if r[0] == kind)
            for kind in ('owner', 'other') for col in (1, 2, 3))
        growth1 = (rss_mid - rss0) / rss0 * 100.0
        growth2 = (rss1 - rss_mid) / rss_mid * 100.0
        print('load: %d owner clients, %d others, %.0f s' %
              (OWNERS, OTHERS, elapsed))
        print('load: owners %d profile-sync ops (%.0f ops/s), %d errors%s'
              % (owner_ops, owner_ops / elapsed, owner_err, first('owner')))
        print('load: others %d attempts, %d grants, %d errors (not '
              'NT_STATUS_ACCESS_DENIED)%s' %
              (attempts, grants, other_err, first('other')))
        print('load: smbd RSS %d -> %d -> %d KiB (%+.2f%%, then %+.2f%%; '
              'in all %+.2f%%); descriptors to files of the share %d -> '
              '%d; all descriptors (with messaging sockets) %d -> %d' %
              (rss0, rss_mid, rss1, growth1, growth2,
               (rss1 - rss0) / rss0 * 100.0, files0, files1, fds0, fds1))
        R.equal('every client reported', len(results), n)
        R.equal('no client crashed',
                [r[4] for r in results if r[0] == 'crash'], [])
        R.check('owners did work', owner_ops > 0)
        R.equal('0 errors for owners', owner_err, 0)
        R.check('others tried', attempts > 0)
        R.equal('0 grants for others', grants, 0)
        R.equal('others refused with NT_STATUS_ACCESS_DENIED only (0 '
                'other errors)', other_err, 0)
        # A leak grows in both halves, smbd's caches mostly in the first
        # (4.17 +0.80% then +0.13%, 4.22 in make check +4.82% then
        # +2.90%; a planted 64 KiB per grant +26.05% then +20.00%).
        R.check('smbd memory growth in the second half < 10%% (%+.2f%%; '
                'first half %+.2f%%)' % (growth2, growth1), growth2 < 10)
        R.check('no file descriptor leak (%d -> %d)' % (files0, files1),
                files1 <= files0)
        # Memory hung on the connection is freed at disconnect, where
        # memcheck cannot see it, and hides in the RSS of 60 processes (a
        # planted 16 KiB per grant: +2.97%); one connection's talloc
        # memory shows it to the byte (4.17: +0 to +1 byte per sync).
        for proto in ('SMB2', 'SMB1'):
            growth = {}
            for share in ('full', 'profiles'):
                try:
                    sizes, growth[share] = per_grant(
                        srv, share, 'alice', proto,
                        'alice/probe-%s-%s' % (share, proto), PROBE_SYNCS)
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
