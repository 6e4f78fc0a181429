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
alone, so a crash costs only the subtest it happened in.

A difference the table does not list fails, the first time it is seen.
It runs again twice, alone and side by side, only to show whether it
comes back: a rerun may confirm a failure, never excuse it. A race the
table lists ("A|B") may differ in a run, but each run's results must be
in the listed sets, and the module side may give no result the Full
side never gave unless the two sides agree in one of RACE_RUNS runs: a
module that fails it in every run while Full passes is a failure, not a
race; a race that fails on Full whenever the module passes (the two
alternate) is the race.

  smbtorture_ab.py                   run and compare (every suite)
  smbtorture_ab.py --suites=smb2.streams,smb2.rename
  smbtorture_ab.py --record          print each subtest's two results
  smbtorture_ab.py --plant=no-module the module side without the module
                                     (share ACL Change alone): a fault
                                     the comparison must catch
  smbtorture_ab.py --reference       both sides Full, no module: what
                                     differs here is Samba's, not ours
  smbtorture_ab.py --control         the negative control of make check:
                                     the judgement fed crafted runs, then
                                     --plant=no-module on CONTROL_SUITES;
                                     passes only when both fail what they
                                     must ("smbtorture-ab-control: ...")
  PROFILEACL_AB_JOBS=N               workers (default 8)

The last line is "smbtorture-ab: N passed, N failed" (N counts compared
subtests, plus one for each side's smbd not panicking).
"""

import contextlib
import io
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
# runs of a listed race ("A|B") at most, until its two sides agree
RACE_RUNS = 5
# the control's suite: without the module, the Change share fails its
# subtests that Full passes (smbtorture's base folder wants WRITE_DAC)
CONTROL_SUITES = ('smb2.rename',)
# of them at least this many must be caught as differences (4.17: 7 of
# its 11 subtests differ, and Full passes 9)
CONTROL_MIN_CAUGHT = 5
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
    if '--control' in sys.argv[1:]:
        return control()
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
    tests, results, servers, path, expected = ab(suites, sides, label,
                                                 use_expected)
    if record:
        for suite, t in tests:
            r = results[t]
            print('%s\t%s\t%s' % (t, r['module'][0], r['full'][0]))
        return 0
    return compare(suites, tests, results, servers, path, expected)


def ab(suites, sides, label, use_expected):
    """every subtest of SUITES on both SIDES: (tests, results, servers,
    the table's path, the expected differences)"""
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
    return tests, results, servers, path, expected


def control():
    """make check's negative control: the judgement must fail the
    differences it exists to catch, fed crafted runs, and the comparison
    must fail a real module side left without the module"""
    passed = failed = 0

    def check(what, ok):
        nonlocal passed, failed
        print('%s %s' % ('ok  ' if ok else 'FAIL', what))
        passed += ok
        failed += not ok

    table = {'t.fixed': ('fail@a.c:1', 'fail@a.c:2', 'MxAc'),
             't.race': ('pass|fail@l.c:9', 'pass|fail@l.c:9', 'race')}
    P, F, G = 'pass', 'fail@l.c:9', 'fail@l.c:7'

    def runs(*pairs):
        return [{'module': m, 'full': f} for m, f in pairs]
    for what, test, rs, want in (
            ('an unlisted subtest whose sides agree passes', 't.x',
             runs((P, P)), True),
            ('an unlisted difference whose two reruns agree fails (it '
             'passed as "flaky")', 't.x', runs((F, P), (P, P), (P, P)),
             False),
            ('an unlisted difference whose every result came on both '
             'sides fails', 't.x', runs((F, P), (P, F), (F, P)), False),
            ('a listed race where the module fails every run and Full '
             'passes every run fails', 't.race',
             runs(*[(F, P)] * RACE_RUNS), False),
            ('a listed race that differs once and then agrees passes',
             't.race', runs((F, P), (P, P)), True),
            ('a listed race whose sides alternate, each giving what the '
             'other gave, passes', 't.race',
             runs((P, F), (F, P), (P, F), (P, F), (P, F)), True),

            ('a listed race with a result outside its sets fails',
             't.race', runs((G, P), (G, G)), False),
            ('a listed difference as the table says passes', 't.fixed',
             runs(('fail@a.c:1', 'fail@a.c:2')), True),
            ('a listed difference that is gone fails', 't.fixed',
             runs((P, P)), False)):
        check('judge: %s' % what, judge(table, test, rs)[0] == want)
    check('an unlisted difference runs twice more, to show it, and a '
          'listed race up to %d runs in all' % RACE_RUNS,
          reruns(table, 't.x', {'module': F, 'full': P}) == 2 and
          reruns(table, 't.race', {'module': F, 'full': P}) ==
          RACE_RUNS - 1 and reruns(table, 't.x', {'module': P,
                                                  'full': P}) == 0)

    plant = 'no-module'
    sides = dict(SIDES)
    sides.update(PLANTS[plant])
    tests, results, servers, path, expected = ab(
        CONTROL_SUITES, sides, 'PLANTED FAULT %s (the control)' % plant,
        True)
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
    check('the comparison fails with the module side left without the '
          'module (exit status %d)' % rc, rc == 1)
    check('it catches at least %d differences in %s: %d of %d subtests' %
          (CONTROL_MIN_CAUGHT, ','.join(CONTROL_SUITES), len(caught),
           len(tests)), len(caught) >= CONTROL_MIN_CAUGHT)
    check('the Full side passed them: %d of %d subtests passed there' %
          (len(full_passed), len(tests)),
          len(full_passed) >= CONTROL_MIN_CAUGHT)
    print('smbtorture-ab-control: %d passed, %d failed' % (passed, failed))
    return 0 if failed == 0 else 1


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
                for _ in range(reruns(expected, test, r['runs'][0])):
                    again = both(share, [(suite, test)])
                    run = {s: again[s][0][test][0] for s in sides}
                    r['runs'].append(run)
                    if race(expected, test) and \
                            run['module'] == run['full']:
                        break
                with lock:
                    results[test] = r

    threads = [threading.Thread(target=worker, args=(i,))
               for i in range(jobs)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
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
    if test in expected:
        return 0
    return 2


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
        ok, why = judge(expected, t, r['runs'])
        if ok:
            passed += 1
            per_suite[suite][0] += 1
            if why:
                print('ok   %s: %s' % (t, why))
            continue
        failed += 1
        per_suite[suite][1] += 1
        print('FAIL %s: %s' % (t, why))
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
