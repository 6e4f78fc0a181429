"""smbtorture as alice, its --format=subunit output read per subtest (for
tests/smbtorture_table.py and tests/smbtorture_ab.py).

A result is "pass", "skip", "fail@FILE:LINE" or "error@FILE:LINE" (where
the first assertion that failed is in smbtorture's source), "crash@SIGNAL"
(smbtorture died) or "timeout"; "fail@?" when smbtorture gave no place.
"""

import atexit
import functools
import itertools
import re
import shutil
import signal
import subprocess
import tempfile
import time

from harness import PASSWORDS, PORT, server_cmd

RESULT = re.compile(r'^(success|successful|failure|fail|error|skip|xfail|'
                    r'uxsuccess): (\S+)')
STATE = {'success': 'pass', 'successful': 'pass', 'failure': 'fail',
         'fail': 'fail', 'error': 'error', 'skip': 'skip', 'xfail': 'fail',
         'uxsuccess': 'pass'}
# "(../../source4/torture/smb2/acls.c:129) Incorrect status ..." or
# "../../source4/torture/smb2/acls.c:2369: status was ..."
PLACE = re.compile(r'([A-Za-z0-9_.-]+\.c):(\d+)')


def samba_series():
    """'4.17', '4.22', ...: the expected tables are per Samba series"""
    out = subprocess.run(server_cmd(['smbd', '--version']),
                         stdout=subprocess.PIPE).stdout.decode()
    m = re.search(r'Version (\d+\.\d+)', out)
    return m.group(1) if m else 'unknown'


def subtests(suite, prefix=None):
    """smbtorture's own list of SUITE, the names it lists that start with
    PREFIX (SUITE + '.'): "--list smb2.create" lists smb2.create_no_streams
    too, another suite; "smb2.streams.io.io" runs as "smb2.streams.io\""""
    out = subprocess.run(server_cmd(['smbtorture', '//x/y', '--list',
                                     suite]), stdout=subprocess.PIPE,
                         stderr=subprocess.DEVNULL).stdout.decode()
    names = []
    for parts in (w.split('.') for w in out.split()
                  if w.startswith(prefix or suite + '.')):
        if len(parts) > 1 and parts[-1] == parts[-2]:
            parts = parts[:-1]
        names.append('.'.join(parts))
    return list(dict.fromkeys(names))


def read_tsv(path):
    """the rows of a table of expected results, split on tabs"""
    with open(path) as f:
        return [line.rstrip('\n').split('\t') for line in f
                if line.strip() and not line.startswith('#')]


def parse(out):
    """{subtest: (result, the first line of its reason)} in the order
    smbtorture reported them"""
    results = {}
    lines = out.splitlines()
    for i, line in enumerate(lines):
        m = RESULT.match(line)
        if not m:
            continue
        # its details, "[" to "]": the first line
        details = lines[i + 1:] if line.rstrip().endswith('[') else []
        reason = next((d.strip() for d in itertools.takewhile(
            lambda d: not d.startswith(']'), details) if d.strip()), '')
        state = STATE[m.group(1)]
        if state in ('fail', 'error'):
            p = PLACE.search(reason)
            state += '@' + ('%s:%s' % p.groups() if p else '?')
        results[m.group(2)] = (state, reason)
    return results


def outcomes(tests, rc, out):
    """The results of a process (exit status RC, None when it timed out)
    that ran TESTS, one suite's in order: {test: (result, reason)} for
    each test it reported, and for the one it was in when it died or
    hung; the tests it never reached are left out (run them again). One
    test always gets a result; one that is a suite of several subtests
    gets "NAME=RESULT,NAME=RESULT"."""
    res = parse(out)
    # the last subtest smbtorture began ("test: NAME")
    begun = ([l[6:].strip() for l in out.splitlines()
              if l.startswith('test: ')] or ['-'])[-1]
    died = None
    if rc is None:
        died = 'timeout', 'no result in time'
    elif rc < 0:
        sig = {s.value: s.name for s in signal.Signals}.get(
            -rc, 'signal %d' % -rc)
        died = 'crash@' + sig, 'smbtorture died (%s) in %s' % (sig, begun)
    if len(tests) == 1:
        short = tests[0].rsplit('.', 1)[-1]
        if died:
            got = died
        elif not res:
            got = 'error@?', 'no result line (exit %d)' % rc
        elif list(res) == [short]:
            got = res[short]
        else:
            got = ','.join('%s=%s' % (n, r) for n, (r, _) in res.items()), \
                '; '.join(why for _, why in res.values() if why)
        return {tests[0]: got}
    got = {}
    for t in tests:
        short = t.rsplit('.', 1)[-1]
        if short in res:
            got[t] = res[short]
        elif died and short == begun:
            got[t] = died
    return got


def run(target, tests, timeout):
    """({test: (result, reason)}, seconds, output) of one smbtorture
    process that runs TESTS against //TARGET as alice"""
    start = time.time()
    try:
        p = subprocess.run(
            server_cmd(['smbtorture', '//' + target,
                        '-U', 'alice%' + PASSWORDS['alice'],
                        '-p', str(PORT), '--target=samba3',
                        '--format=subunit'] + list(tests)),
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
            cwd=torture_cwd(), timeout=timeout)
        rc, out = p.returncode, p.stdout
    except subprocess.TimeoutExpired as e:
        rc, out = None, e.stdout or b''
    out = out.decode(errors='replace')
    return outcomes(tests, rc, out), time.time() - start, out


@functools.lru_cache(None)
def torture_cwd():
    """smbtorture makes smbtortureXXXXXX folders in its working folder
    and leaves them when a test dies: one under /tmp, made once"""
    cwd = tempfile.mkdtemp(prefix='profileacl-torture-cwd.')
    atexit.register(shutil.rmtree, cwd, True)
    return cwd
