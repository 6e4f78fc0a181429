#!/usr/bin/python3
"""Samba's broader smb2 suites (smbtorture) as the file owner, A/B: the
module's share against the reference share, compared subtest by subtest.

  module  share ACL Change, vfs objects = profileacl acl_xattr
          streams_xattr, profileacl:grant = write_dac write_owner
  full    share ACL Full, vfs objects = acl_xattr streams_xattr (no
          module): the reference

Both shares have what durable handles need (kernel share modes, kernel
oplocks and posix locking off); everything else is the same. alice, a
normal user, runs every subtest of SUITES on both, and a subtest whose
result (pass, fail, skip, error, crash) differs between the two is a
failure, unless tests/smbtorture-ab-expected-<samba series>.tsv lists that
very difference with a reason (or, as "A|B", a race of Samba's own that
differs between two Full shares as well, --reference).

Each side is its own smbd (127.0.0.1 and 127.0.0.2, one port). The two
sides of a subtest run at the same time, in JOBS workers with a share
each: oplock and lease tests wait out smbd's 35 s break timeouts, which
one after the other would add up to about 12 minutes. An smbtorture
process runs up to CHUNK subtests of one suite (a slow one alone); a
subtest it never reached, because it crashed or hung before, runs again
alone, so a crash costs only the subtest it happened in. A subtest whose
two sides differ runs again, alone and side by side, twice. It is
printed as flaky and not counted as a failure if both reruns agree, or
if every result it gave came on both sides (Samba's own races under
load: 4.24's smb2.lease.two-leases failed once on each side). A
difference that comes back, with a result one side never gave, is a
failure.

  smbtorture_ab.py                   run and compare (every suite)
  smbtorture_ab.py --suites=smb2.streams,smb2.rename
  smbtorture_ab.py --record          print each subtest's two results
  smbtorture_ab.py --plant=no-module the module side without the module
                                     (share ACL Change alone): a fault
                                     the comparison must catch
  smbtorture_ab.py --reference       both sides Full, no module: what
                                     differs here is Samba's, not ours
  PROFILEACL_AB_JOBS=N               workers (default 8)

The last line is "smbtorture-ab: N passed, N failed" (N counts compared
subtests, plus one for each side's smbd not panicking).
"""

import os
import re
import subprocess
import sys
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from harness import Server, PASSWORDS, PORT, server_cmd
import torture_subunit

TESTS = os.path.dirname(os.path.abspath(__file__))
ROOT = os.environ.get('PROFILEACL_AB_ROOT', '/tmp/profileacl-ab')

SUITES = ('smb2.durable-open', 'smb2.durable-v2-open', 'smb2.lease',
          'smb2.oplock', 'smb2.create', 'smb2.rename', 'smb2.streams',
          'smb2.delete-on-close-perms')

# subtests that wait out a break timeout or time a loop (seconds, alone,
# on 4.17 and 4.22): started first, so that none of them ends the run
SLOW = {'smb2.durable-v2-open.purge-disconnected-rh-with-write': 42,
        'smb2.lease.timeout': 38, 'smb2.oplock.batch22a': 36,
        'smb2.lease.oplock': 30, 'smb2.lease.break': 24,
        'smb2.create.mkdir-visible': 20,
        'smb2.create.bench-path-contention-shared': 10}

# one smbtorture process may not take longer than this
TIMEOUT = 300
# subtests per smbtorture process
CHUNK = 5
START = time.time()

SHARE = '''
[%(name)s]
	path = %(path)s
	read only = no
	vfs objects = %(vfs)s
	kernel share modes = no
	kernel oplocks = no
	posix locking = no
%(extra)s'''

GRANT = '\tprofileacl:grant = write_dac write_owner\n'

# side: (host, vfs objects, extra lines, share ACL)
SIDES = {
    'module': ('127.0.0.1', 'profileacl acl_xattr streams_xattr', GRANT,
               'CHANGE'),
    'full': ('127.0.0.2', 'acl_xattr streams_xattr', '', 'FULL'),
}
PLANTS = {
    # the module side without the module: Change alone
    'no-module': {'module': ('127.0.0.1', 'acl_xattr streams_xattr', '',
                             'CHANGE')},
}
REFERENCE = {'module': ('127.0.0.1', 'acl_xattr streams_xattr', '', 'FULL')}


def samba_series():
    out = subprocess.run(server_cmd(['smbd', '--version']),
                         stdout=subprocess.PIPE).stdout.decode()
    m = re.search(r'Version (\d+\.\d+)', out)
    return m.group(1) if m else 'unknown'


def subtests(suite):
    """smbtorture's own list: "smb2.streams.io.io" runs as
    "smb2.streams.io"; "--list smb2.create" lists smb2.create_no_streams
    too, which is another suite"""
    out = subprocess.run(server_cmd(['smbtorture', '//x/y', '--list',
                                     suite]),
                         stdout=subprocess.PIPE,
                         stderr=subprocess.DEVNULL).stdout.decode()
    names = []
    for line in out.split():
        if not line.startswith(suite + '.'):
            continue
        parts = line.split('.')
        if parts[-1] == parts[-2]:
            parts = parts[:-1]
        name = '.'.join(parts)
        if name not in names:
            names.append(name)
    return names


def run_chunk(host, share, tests):
    """({test: (result, reason)}, seconds, output) of one smbtorture
    process that runs TESTS on one side"""
    start = time.time()
    try:
        p = subprocess.run(
            server_cmd(['smbtorture', '//%s/%s' % (host, share),
                        '-U', 'alice%' + PASSWORDS['alice'],
                        '-p', str(PORT), '--target=samba3',
                        '--format=subunit'] + list(tests)),
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
            # its temporary folders, not in the work tree
            cwd=torture_subunit.torture_cwd(),
            timeout=TIMEOUT)
        rc = p.returncode
        out = p.stdout.decode(errors='replace')
    except subprocess.TimeoutExpired as e:
        rc = None
        out = (e.stdout or b'').decode(errors='replace')
    secs = time.time() - start
    return torture_subunit.outcomes(tests, rc, out), secs, out


def read_expected(series):
    path = os.path.join(TESTS, 'smbtorture-ab-expected-%s.tsv' % series)
    table = {}
    if not os.path.exists(path):
        return path, table
    with open(path) as f:
        for line in f:
            if line.startswith('#') or not line.strip():
                continue
            cols = line.rstrip('\n').split('\t')
            if len(cols) < 4 or not cols[3].strip():
                raise SystemExit('%s: every line needs test, module, full '
                                 'and a reason: %r' % (path, line))
            table[cols[0]] = (cols[1], cols[2], cols[3])
    return path, table


def main():
    record = '--record' in sys.argv
    suites = SUITES
    sides = dict(SIDES)
    label = 'module vs full'
    use_expected = True
    for arg in sys.argv[1:]:
        if arg.startswith('--suites='):
            suites = tuple(arg.split('=', 1)[1].split(','))
        elif arg.startswith('--plant='):
            sides.update(PLANTS[arg.split('=', 1)[1]])
            label = 'PLANTED FAULT %s' % arg.split('=', 1)[1]
        elif arg == '--reference':
            sides.update(REFERENCE)
            label = 'reference: full vs full, no module'
            use_expected = False
        elif arg != '--record':
            raise SystemExit('unknown argument %s' % arg)
    jobs = int(os.environ.get('PROFILEACL_AB_JOBS', '8'))
    series = samba_series()
    print('smbtorture-ab: Samba %s, %s, %d workers' % (series, label, jobs))
    sys.stdout.flush()

    tests = []
    for suite in suites:
        names = subtests(suite)
        if not names:
            print('FAIL %s: smbtorture lists no subtest' % suite)
        tests += [(suite, t) for t in names]
    order = sorted(tests, key=lambda st: -SLOW.get(st[1], 0))

    path, expected = read_expected(series)
    if not use_expected:
        # the expected differences are the module's share's: none
        # between two reference shares
        expected = {}
    servers = {}
    os.makedirs(ROOT, exist_ok=True)
    logf = {}
    try:
        for side, (host, vfs, extra, acl) in sides.items():
            root = os.path.join(ROOT, side)
            shares = ''.join(SHARE % {
                'name': 'ab%d' % i,
                'path': os.path.join(root, 'share', 'ab%d' % i),
                'vfs': vfs, 'extra': extra} for i in range(jobs))
            srv = Server(root, extra_shares=shares, host=host)
            srv.prepare(users=('alice', 'bob'),
                        share_acls={'ab%d' % i: acl for i in range(jobs)})
            for i in range(jobs):
                d = os.path.join(root, 'share', 'ab%d' % i)
                os.makedirs(d)
                os.chmod(d, 0o1777)
            srv.start()
            servers[side] = srv
            logf[side] = open(os.path.join(ROOT, 'torture-%s.log' % side),
                              'w')
        results = run_all(order, sides, jobs, logf, expected)
    finally:
        for srv in servers.values():
            srv.stop()
        for f in logf.values():
            f.close()

    if record:
        for suite, t in tests:
            r = results[t]
            print('%s\t%s\t%s' % (t, r['module'][0], r['full'][0]))
        return 0
    return compare(suites, tests, results, servers, path, expected)


def chunks(order):
    """one smbtorture process per slow subtest, one per CHUNK others of a
    suite: a process costs about half a second before its first test"""
    out = [[t] for t in order if t[1] in SLOW]
    rest = [t for t in order if t[1] not in SLOW]
    for suite in dict.fromkeys(s for s, _ in rest):
        names = [t for t in rest if t[0] == suite]
        out += [names[i:i + CHUNK] for i in range(0, len(names), CHUNK)]
    return out


def run_all(order, sides, jobs, logf, expected):
    """Each chunk on both sides at once, in JOBS workers with a share
    each; a subtest a process never reached (it crashed or hung before)
    runs again alone; a subtest whose two sides differ, other than as
    EXPECTED allows, runs again twice, alone and side by side; (results
    per test)"""
    lock = threading.Lock()
    todo = chunks(order)
    results = {}

    def both(share, chunk):
        out = {}
        tests = [t for _, t in chunk]

        def one(side):
            out[side] = run_chunk(sides[side][0], share, tests)
        threads = [threading.Thread(target=one, args=(s,)) for s in sides]
        for th in threads:
            th.start()
        for th in threads:
            th.join()
        with lock:
            for side in sides:
                got, secs, text = out[side]
                logf[side].write('=== %s %.1fs [%s]\n%s\n%s\n' % (
                    ' '.join(tests), secs, share,
                    '\n'.join('    %s %s' % (t, got[t][0])
                              for t in tests if t in got), text))
                logf[side].flush()
        return out

    def worker(i):
        share = 'ab%d' % i
        while True:
            with lock:
                if not todo:
                    return
                chunk = todo.pop(0)
            first = both(share, chunk)
            for suite, test in chunk:
                if any(test not in first[s][0] for s in sides):
                    with lock:
                        todo.insert(0, [(suite, test)])
                    continue
                # a process's time, shared among its tests
                r = {s: first[s][0][test] +
                     (first[s][1] / len(chunk),) for s in sides}
                r['runs'] = [{s: first[s][0][test][0] for s in sides}]
                if r['module'][0] != r['full'][0] and \
                        not allowed(expected, test, r['runs'][0]):
                    for _ in range(2):
                        again = both(share, [(suite, test)])
                        r['runs'].append({s: again[s][0][test][0]
                                          for s in sides})
                with lock:
                    results[test] = r

    threads = [threading.Thread(target=worker, args=(i,))
               for i in range(jobs)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    return results


def allowed(expected, test, run):
    """the expected results of TEST ("A|B": either, a race of Samba's
    own) allow RUN's"""
    if test not in expected:
        return False
    mod, full = (set(e.split('|')) for e in expected[test][:2])
    return run['module'] in mod and run['full'] in full


def compare(suites, tests, results, servers, path, expected):
    passed = failed = 0
    per_suite = {}
    for suite, t in tests:
        r = results[t]
        per_suite.setdefault(suite, [0, 0, 0.0, 0.0])
        per_suite[suite][2] += r['module'][2]
        per_suite[suite][3] += r['full'][2]
        runs = r['runs']
        differs = [run['module'] != run['full'] for run in runs]
        got = (r['module'][0], r['full'][0])
        if t in expected:
            if all(allowed(expected, t, run) for run in runs):
                passed += 1
                per_suite[suite][0] += 1
                print('ok   %s: module %s, full %s, as %s says (%s)' %
                      (t, got[0], got[1], os.path.basename(path),
                       expected[t][2]))
            else:
                failed += 1
                per_suite[suite][1] += 1
                print('FAIL %s: runs %s; %s expects module %s, full %s (%s)'
                      % (t, ', '.join('%s/%s' % (run['module'], run['full'])
                                      for run in runs),
                         os.path.basename(path), expected[t][0],
                         expected[t][1], expected[t][2]))
            continue
        if not differs[0]:
            passed += 1
            per_suite[suite][0] += 1
            continue
        if not any(differs[1:]):
            # differed once, under load, and agreed twice alone
            passed += 1
            per_suite[suite][0] += 1
            print('flaky %s: module %s, full %s once (%s | %s); the same '
                  'on both sides in %d reruns' %
                  (t, got[0], got[1], r['module'][1], r['full'][1],
                   len(runs) - 1))
            continue
        seen = {side: {run[side] for run in runs}
                for side in ('module', 'full')}
        if seen['module'] == seen['full']:
            # each result came on both sides: Samba's own
            # nondeterminism (a lease break race under load), not ours
            passed += 1
            per_suite[suite][0] += 1
            print('flaky %s: module %s, full %s (runs: %s); each result '
                  'came on both sides' %
                  (t, got[0], got[1],
                   ', '.join('%s/%s' % (run['module'], run['full'])
                             for run in runs)))
            continue
        failed += 1
        per_suite[suite][1] += 1
        print('FAIL %s: module %s, full %s (runs: %s)' %
              (t, got[0], got[1],
               ', '.join('%s/%s' % (run['module'], run['full'])
                         for run in runs)))
        print('     module: %s' % (r['module'][1] or '-'))
        print('     full:   %s' % (r['full'][1] or '-'))
    for t in expected:
        if t not in results and any(t.startswith(s + '.') for s in suites):
            print('FAIL %s: in %s but not run' % (t, os.path.basename(path)))
            failed += 1
    ran = ('pass', 'fail', 'skip')
    for suite in suites:
        names = [t for s, t in tests if s == suite]
        for side in ('module', 'full'):
            if not any(results[t][side][0].split('@')[0] in ran
                       for t in names):
                # nothing listed, or nothing got as far as a result
                print('FAIL %s: no subtest ran on the %s side' %
                      (suite, side))
                failed += 1
    for side, srv in servers.items():
        if 'PANIC' in srv.log_text():
            print('FAIL smbd panicked on the %s side (%s)' % (side, srv.log))
            failed += 1
        else:
            passed += 1
    print()
    print('%-28s %9s %7s %8s %8s %8s' % ('suite', 'subtests', 'differ',
                                        'module', 'full', 'pass m/f'))
    for suite in suites:
        ok, bad, ms, fs = per_suite.get(suite, [0, 0, 0.0, 0.0])
        names = [t for s, t in tests if s == suite]
        pm = sum(1 for t in names if results[t]['module'][0] == 'pass')
        pf = sum(1 for t in names if results[t]['full'][0] == 'pass')
        print('%-28s %9d %7d %7.0fs %7.0fs %4d/%d' %
              (suite, len(names), bad, ms, fs, pm, pf))
    print('wall time %.0f s' % (time.time() - START))
    print('smbtorture-ab: %d passed, %d failed' % (passed, failed))
    return 0 if failed == 0 else 1


if __name__ == '__main__':
    sys.exit(main())
