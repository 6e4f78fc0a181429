"""smbtorture's --format=subunit output, read per subtest (used by
tests/smbtorture_table.py and tests/smbtorture_ab.py).

A result is "pass", "skip", "fail@FILE:LINE" or "error@FILE:LINE" (where
the first assertion that failed is in smbtorture's source), "crash@SIGNAL"
(smbtorture died) or "timeout"; "fail@?" when smbtorture gave no place.
"""

import atexit
import re
import shutil
import signal
import tempfile

RESULT = re.compile(r'^(success|successful|failure|fail|error|skip|xfail|'
                    r'uxsuccess): (\S+)')
STATE = {'success': 'pass', 'successful': 'pass', 'failure': 'fail',
         'fail': 'fail', 'error': 'error', 'skip': 'skip', 'xfail': 'fail',
         'uxsuccess': 'pass'}
# "(../../source4/torture/smb2/acls.c:129) Incorrect status ..." or
# "../../source4/torture/smb2/acls.c:2369: status was ..."
PLACE = re.compile(r'([A-Za-z0-9_.-]+\.c):(\d+)')


def parse(out):
    """{subtest: (pass|fail|error|skip, place or '', first reason line)}
    in the order smbtorture reported them"""
    results = {}
    lines = out.splitlines()
    for i, line in enumerate(lines):
        m = RESULT.match(line)
        if not m:
            continue
        state = STATE[m.group(1)]
        reason = ''
        if line.rstrip().endswith('['):
            for more in lines[i + 1:]:
                if more.startswith(']'):
                    break
                if more.strip() and not reason:
                    reason = more.strip()
        place = ''
        if state in ('fail', 'error'):
            p = PLACE.search(reason)
            place = '%s:%s' % p.groups() if p else '?'
        results[m.group(2)] = (state, place, reason)
    return results


def started(out):
    """subtests smbtorture began ("test: NAME")"""
    return [l[6:].strip() for l in out.splitlines() if l.startswith('test: ')]


def signal_name(rc):
    try:
        return signal.Signals(-rc).name
    except ValueError:
        return 'signal %d' % -rc


def cell(state, place):
    return '%s@%s' % (state, place) if place else state


def outcome(test, rc, out):
    """The result of a process that ran one smbtorture test (rc None: it
    timed out): (result, reason). A test that is a suite of several
    subtests gets "NAME=RESULT,NAME=RESULT"."""
    if rc is None:
        return 'timeout', 'no result in time'
    if rc < 0:
        return 'crash@%s' % signal_name(rc), \
            'smbtorture died (%s) in %s' % (signal_name(rc),
                                          (started(out) or ['-'])[-1])
    res = parse(out)
    if not res:
        return 'error@?', 'no result line (exit %d)' % rc
    short = test.rsplit('.', 1)[-1]
    if list(res) == [short]:
        state, place, reason = res[short]
        return cell(state, place), reason
    return ','.join('%s=%s' % (n, cell(s, p)) for n, (s, p, _) in
                    res.items()), \
        '; '.join(r for _, _, r in res.values() if r)


def outcomes(tests, rc, out):
    """The results of a process that ran TESTS (one suite's, in order):
    {test: (result, reason)} for each test it reported, and for the one
    it was in when it died or hung; the tests it never reached are left
    out (run them again). One test always gets a result (outcome())."""
    if len(tests) == 1:
        return {tests[0]: outcome(tests[0], rc, out)}
    res = parse(out)
    got = {}
    for t in tests:
        short = t.rsplit('.', 1)[-1]
        if short in res:
            state, place, reason = res[short]
            got[t] = (cell(state, place), reason)
    begun = started(out)
    if begun and begun[-1] not in res and (rc is None or rc < 0):
        for t in tests:
            if t.rsplit('.', 1)[-1] == begun[-1]:
                got[t] = outcome(t, rc, out)
    return got


def torture_cwd():
    """smbtorture makes smbtortureXXXXXX folders in its working folder
    and leaves them when a test dies: one under /tmp, made once"""
    global _CWD
    if _CWD is None:
        _CWD = tempfile.mkdtemp(prefix='profileacl-torture-cwd.')
        atexit.register(shutil.rmtree, _CWD, True)
    return _CWD


_CWD = None
