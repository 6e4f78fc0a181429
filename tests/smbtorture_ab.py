#!/usr/bin/python3
"""Samba's broader smb2 suites (smbtorture) as the file owner, A/B: the
module's share against the reference share, compared subtest by subtest.

  module  share ACL Change, vfs objects = profileacl acl_xattr
          streams_xattr, profileacl:grant = write_dac write_owner
  full    share ACL Full, the same without the module: the reference

Both shares have what durable handles need (kernel share modes, kernel
oplocks and posix locking off). alice runs every subtest of SUITES on
both; a subtest whose results differ fails, unless
tests/smbtorture-ab-expected-<samba series>.tsv lists that very
difference with a reason, or as "A|B" a race of Samba's own that differs
between two Full shares as well (--reference).

Each side is its own smbd (127.0.0.1 and 127.0.0.2). The two sides of a
subtest run at the same time, in JOBS workers with a share each: oplock
and lease tests wait out smbd's 35 s break timeouts, some 12 minutes one
after the other. An smbtorture process runs up to CHUNK subtests of one
suite (a slow one alone); a subtest it never reached, because it crashed
or hung before, runs again alone.

An unlisted difference fails the first time; it runs twice more only to
show whether it comes back. A listed race may differ, but each run's
results must be in the listed sets, and the module side may give a
result the Full side never gave only if the sides agree in one of
RACE_RUNS runs: a module that fails every run while Full passes fails.

  --suites=smb2.streams,smb2.rename  these suites only
  --record           print each subtest's two results
  --plant=no-module  the module side without the module (Change alone):
                     a fault the comparison must catch
  --reference        both sides Full, no module: what differs is Samba's
  --control          make check's negative control: the judgement fed
                     crafted runs, then --plant=no-module on
                     CONTROL_SUITES ("smbtorture-ab-control: ...")
  PROFILEACL_AB_JOBS=N  workers (default 8)

The last line is "smbtorture-ab: N passed, N failed" (N counts compared
subtests, plus one for each side's smbd not panicking).
"""

import contextlib
import io
import os
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from harness import Results, Server
from torture_subunit import read_tsv, run, samba_series, subtests

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
TIMEOUT = 300  # seconds, one smbtorture process
RACE_RUNS = 5  # runs of a listed race ("A|B") at most, until its sides agree
CHUNK = 5  # subtests per smbtorture process
# the control: without the module the Change share fails the subtests of
# CONTROL_SUITES that Full passes (smbtorture's base folder wants
# WRITE_DAC); at least CONTROL_MIN_CAUGHT must be caught (4.17: 7 of its
# 11 subtests differ, and Full passes 9)
CONTROL_SUITES = ('smb2.rename',)
CONTROL_MIN_CAUGHT = 5
START = time.time()

SHARE = '''
[ab%d]
	path = %s/share/ab%d
	read only = no
	vfs objects = %s
	kernel share modes = no
	kernel oplocks = no
	posix locking = no
%s'''
STACK = 'acl_xattr streams_xattr'
# side: (host, vfs objects, extra lines, share ACL)
SIDES = {'module': ('127.0.0.1', 'profileacl ' + STACK,
                    '\tprofileacl:grant = write_dac write_owner\n', 'CHANGE'),
         'full': ('127.0.0.2', STACK, '', 'FULL')}
# the module side without the module: Change alone
PLANTS = {'no-module': ('127.0.0.1', STACK, '', 'CHANGE')}
REFERENCE = ('127.0.0.1', STACK, '', 'FULL')


def read_expected(series):
    path = os.path.join(TESTS, 'smbtorture-ab-expected-%s.tsv' % series)
    rows = read_tsv(path) if os.path.exists(path) else []
    for cols in rows:
        if len(cols) < 4 or not cols[3].strip():
            raise SystemExit('%s: every line needs test, module, full '
                             'and a reason: %r' % (path, cols))
    return path, {cols[0]: tuple(cols[1:4]) for cols in rows}


def main():
    args = sys.argv[1:]
    if '--control' in args:
        return control()
    suites, sides, label, use_expected = SUITES, dict(SIDES), \
        'module vs full', True
    for arg in args:
        if arg.startswith('--suites='):
            suites = tuple(arg.split('=', 1)[1].split(','))
        elif arg.startswith('--plant='):
            sides['module'] = PLANTS[arg.split('=', 1)[1]]
            label = 'PLANTED FAULT %s' % arg.split('=', 1)[1]
        elif arg == '--reference':
            sides['module'] = REFERENCE
            label = 'reference: full vs full, no module'
            use_expected = False
        elif arg != '--record':
            raise SystemExit('unknown argument %s' % arg)
    tests, results, servers, path, expected = ab(suites, sides, label,
                                                 use_expected)
    if '--record' in args:
        for _, t in tests:
            print('%s\t%s\t%s' % (t, results[t]['module'][0],
                                  results[t]['full'][0]))
        return 0
    return compare(suites, tests, results, servers, path, expected)


def ab(suites, sides, label, use_expected):
    """every subtest of SUITES on both SIDES: (tests, results, servers,
    the table's path, the expected differences: none between two
    reference shares)"""
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
    path, expected = read_expected(series)
    expected = expected if use_expected else {}
    servers, logf = {}, {}
    os.makedirs(ROOT, exist_ok=True)
    try:
        for side, (host, vfs, extra, acl) in sides.items():
            root = os.path.join(ROOT, side)
            srv = Server(root, host=host, extra_shares=''.join(
                SHARE % (i, root, i, vfs, extra) for i in range(jobs)))
            srv.prepare(users=('alice', 'bob'),
                        share_acls={'ab%d' % i: acl for i in range(jobs)})
            for i in range(jobs):
                os.makedirs(os.path.join(root, 'share', 'ab%d' % i))
                os.chmod(os.path.join(root, 'share', 'ab%d' % i), 0o1777)
            srv.start()
            servers[side] = srv
            logf[side] = open(os.path.join(ROOT, 'torture-%s.log' % side),
                              'w')
        results = run_all(tests, sides, jobs, logf, expected)
    finally:
        for srv in servers.values():
            srv.stop()
        for f in logf.values():
            f.close()
    return tests, results, servers, path, expected


def control():
    """make check's negative control: the judgement must fail the
    differences it exists to catch, fed crafted runs, and the comparison
    must fail a real module side left without the module"""
    R = Results()
    table = {'t.fixed': ('fail@a.c:1', 'fail@a.c:2', 'MxAc'),
             't.race': ('pass|fail@l.c:9', 'pass|fail@l.c:9', 'race')}
    P, F, G = 'pass', 'fail@l.c:9', 'fail@l.c:7'
    for what, test, want, pairs in (
            ('an unlisted subtest whose sides agree passes', 't.x', True,
             [(P, P)]),
            ('an unlisted difference whose two reruns agree fails (it '
             'passed as "flaky")', 't.x', False, [(F, P), (P, P), (P, P)]),
            ('an unlisted difference whose every result came on both '
             'sides fails', 't.x', False, [(F, P), (P, F), (F, P)]),
            ('a listed race where the module fails every run and Full '
             'passes every run fails', 't.race', False, [(F, P)] * RACE_RUNS),
            ('a listed race that differs once and then agrees passes',
             't.race', True, [(F, P), (P, P)]),
            ('a listed race whose sides alternate, each giving what the '
             'other gave, passes', 't.race', True,
             [(P, F), (F, P), (P, F), (P, F), (P, F)]),
            ('a listed race with a result outside its sets fails',
             't.race', False, [(G, P), (G, G)]),
            ('a listed difference as the table says passes', 't.fixed',
             True, [('fail@a.c:1', 'fail@a.c:2')]),
            ('a listed difference that is gone fails', 't.fixed', False,
             [(P, P)])):
        runs = [{'module': m, 'full': f} for m, f in pairs]
        R.check('judge: %s' % what, judge(table, test, runs)[0] == want)
    R.check('an unlisted difference runs twice more, to show it, and a '
            'listed race up to %d runs in all' % RACE_RUNS,
            (reruns(table, 't.x', {'module': F, 'full': P}),
             reruns(table, 't.race', {'module': F, 'full': P}),
             reruns(table, 't.x', {'module': P, 'full': P})) ==
            (2, RACE_RUNS - 1, 0))

    tests, results, servers, path, expected = ab(
        CONTROL_SUITES, dict(SIDES, module=PLANTS['no-module']),
        'PLANTED FAULT no-module (the control)', True)
    # the planted run's own report, marked as such: its FAIL lines are
    # what the control wants
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        rc = compare(CONTROL_SUITES, tests, results, servers, path,
                     expected)
    for line in out.getvalue().splitlines():
        print('planted| %s' % line)
    caught = [t for _, t in tests
              if not judge(expected, t, results[t]['runs'])[0]]
    full_passed = [t for _, t in tests if results[t]['full'][0] == 'pass']
    R.check('the comparison fails with the module side left without the '
            'module (exit status %d)' % rc, rc == 1)
    R.check('it catches at least %d differences in %s: %d of %d subtests'
            % (CONTROL_MIN_CAUGHT, ','.join(CONTROL_SUITES), len(caught),
               len(tests)), len(caught) >= CONTROL_MIN_CAUGHT)
    R.check('the Full side passed them: %d of %d subtests passed there' %
            (len(full_passed), len(tests)),
            len(full_passed) >= CONTROL_MIN_CAUGHT)
    return R.summary('smbtorture-ab-control')


def parallel(fn, args):
    with ThreadPoolExecutor(len(args)) as pool:
        return dict(zip(args, pool.map(fn, args)))


def chunks(tests):
    """one smbtorture process per slow subtest, the slowest first, one
    per CHUNK others of a suite: a process costs about half a second
    before its first test"""
    out = [[t] for t in sorted(tests, key=lambda st: -SLOW.get(st[1], 0))
           if t[1] in SLOW]
    rest = [t for t in tests if t[1] not in SLOW]
    for suite in dict.fromkeys(s for s, _ in rest):
        names = [t for t in rest if t[0] == suite]
        out += [names[i:i + CHUNK] for i in range(0, len(names), CHUNK)]
    return out


def run_all(tests, sides, jobs, logf, expected):
    """Each chunk on both sides at once, in JOBS workers with a share
    each; a subtest a process never reached runs again alone, one whose
    sides differ as often as reruns() says; {test: {side: (result,
    reason, seconds), 'runs': [{side: result}]}}"""
    lock = threading.Lock()
    todo = chunks(tests)
    results = {}

    def both(share, names):
        out = parallel(lambda side: run('%s/%s' % (sides[side][0], share),
                                        names, TIMEOUT), list(sides))
        with lock:
            for side in sides:
                got, secs, text = out[side]
                logf[side].write('=== %s %.1fs [%s]\n%s\n%s\n' % (
                    ' '.join(names), secs, share,
                    '\n'.join('    %s %s' % (t, got[t][0])
                              for t in names if t in got), text))
                logf[side].flush()
        return out

    def worker(i):
        share = 'ab%d' % i
        while True:
            with lock:
                if not todo:
                    return
                chunk = todo.pop(0)
            first = both(share, [t for _, t in chunk])
            for suite, test in chunk:
                if any(test not in first[s][0] for s in sides):
                    with lock:
                        todo.insert(0, [(suite, test)])
                    continue
                # a process's time, shared among its tests
                r = {s: first[s][0][test] + (first[s][1] / len(chunk),)
                     for s in sides}
                r['runs'] = [{s: first[s][0][test][0] for s in sides}]
                for _ in range(reruns(expected, test, r['runs'][0])):
                    again = both(share, [test])
                    r['runs'].append({s: again[s][0][test][0]
                                      for s in sides})
                    if race(expected, test) and \
                            r['runs'][-1]['module'] == r['runs'][-1]['full']:
                        break
                with lock:
                    results[test] = r

    parallel(worker, list(range(jobs)))
    return results


def race(expected, test):
    """TEST is listed as a race of Samba's own ("A|B")"""
    return test in expected and any('|' in e for e in expected[test][:2])


def reruns(expected, test, run):
    """how many times more TEST runs after its first RUN: a listed race
    until its sides agree (RACE_RUNS in all); an unlisted difference
    twice, to show whether it comes back (it has failed already)"""
    if run['module'] == run['full'] and test not in expected:
        return 0
    if race(expected, test):
        if run['module'] == run['full'] or \
                not allowed(expected, test, run):
            return 0
        return RACE_RUNS - 1
    return 0 if test in expected else 2


def judge(expected, test, runs):
    """(ok, why): TEST's RUNS (each {'module': result, 'full': result})
    against the EXPECTED table. Unlisted: the first run must agree, and a
    rerun never excuses a difference. Listed: every run as the table
    says; a listed race must also agree in some run, or give on the
    module side only results the Full side gave too"""
    shown = ', '.join('%s/%s' % (run['module'], run['full'])
                      for run in runs)
    if test not in expected:
        if runs[0]['module'] == runs[0]['full']:
            return True, ''
        again = sum(1 for run in runs[1:] if run['module'] != run['full'])
        return False, ('module and full differ (runs module/full: %s; '
                       'the difference came back in %d of %d reruns)' %
                       (shown, again, len(runs) - 1))
    mod, full, reason = expected[test]
    if not all(allowed(expected, test, run) for run in runs):
        return False, ('runs module/full: %s; expected module %s, full %s '
                       '(%s)' % (shown, mod, full, reason))
    only_module = set(run['module'] for run in runs) - \
        set(run['full'] for run in runs)
    if race(expected, test) and only_module and \
            not any(run['module'] == run['full'] for run in runs):
        return False, ('runs module/full: %s: the sides never agreed and '
                       'the module alone gave %s, so the difference is '
                       'one-sided, not the race the table lists (%s)' %
                       (shown, ', '.join(sorted(only_module)), reason))
    return True, ('runs module/full: %s, as the table says (%s)' %
                  (shown, reason))


def allowed(expected, test, run):
    """the expected results of TEST ("A|B": either) allow RUN's"""
    if test not in expected:
        return False
    mod, full = (set(e.split('|')) for e in expected[test][:2])
    return run['module'] in mod and run['full'] in full


def compare(suites, tests, results, servers, path, expected):
    passed = failed = 0
    differ = dict.fromkeys(suites, 0)
    for suite, t in tests:
        r = results[t]
        ok, why = judge(expected, t, r['runs'])
        if ok:
            passed += 1
            if why:
                print('ok   %s: %s' % (t, why))
            continue
        failed += 1
        differ[suite] += 1
        print('FAIL %s: %s\n     module: %s\n     full:   %s' %
              (t, why, r['module'][1] or '-', r['full'][1] or '-'))
    for t in expected:
        if t not in results and any(t.startswith(s + '.') for s in suites):
            print('FAIL %s: in %s but not run' % (t, os.path.basename(path)))
            failed += 1
    rows = []
    for suite in suites:
        names = [t for s, t in tests if s == suite]
        rows.append((suite, len(names), differ[suite]) + tuple(
            sum(results[t][side][2] for t in names) for side in SIDES) +
            tuple(sum(results[t][side][0] == 'pass' for t in names)
                  for side in SIDES))
        for side in SIDES:
            # nothing listed, or nothing got as far as a result
            if not any(results[t][side][0].split('@')[0] in
                       ('pass', 'fail', 'skip') for t in names):
                print('FAIL %s: no subtest ran on the %s side' %
                      (suite, side))
                failed += 1
    for side, srv in servers.items():
        if 'PANIC' in srv.log_text():
            print('FAIL smbd panicked on the %s side (%s)' % (side, srv.log))
            failed += 1
        else:
            passed += 1
    print('\n%-28s %9s %7s %8s %8s %8s' % ('suite', 'subtests', 'differ',
                                          'module', 'full', 'pass m/f'))
    for row in rows:
        print('%-28s %9d %7d %7.0fs %7.0fs %4d/%d' % row)
    print('wall time %.0f s' % (time.time() - START))
    print('smbtorture-ab: %d passed, %d failed' % (passed, failed))
    return 0 if failed == 0 else 1


if __name__ == '__main__':
    sys.exit(main())
