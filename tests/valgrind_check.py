#!/usr/bin/python3
"""Read memcheck logs of smbd processes; fail on any error or leak whose
stack has a frame in profileacl.so.

  valgrind_check.py DIR
  valgrind_check.py --self-test    the checker on tests/data/vg-*.log
"""

import glob
import os
import re
import shutil
import sys
import tempfile

# memcheck's error reports (leak records are counted apart)
ERROR_KINDS = ('Invalid ', 'Conditional jump', 'Use of uninitialised',
               'Syscall param', 'Mismatched free', 'Source and destination',
               'Argument ')
MODULE_FRAMES = ('profileacl.so', 'vfs_profileacl', 'profileacl_core')


def scan(vdir):
    """(smbd processes, memory errors in all, errors with a profileacl
    frame, leaks from the module) of the memcheck logs in VDIR"""
    processes = memory_errors = errors = leaks = 0
    for log in sorted(glob.glob(os.path.join(vdir, '*.log'))):
        with open(log, errors='replace') as f:
            text = f.read()
        if 'Memcheck' not in text:
            continue
        processes += 1
        # one report per blank-line separated block
        body = re.sub(r'^==\d+== ?', '', text, flags=re.M)
        for b in re.split(r'\n\s*\n', body):
            b = [l for l in b.splitlines() if l.strip()]
            if not b:
                continue
            memory_errors += b[0].startswith(ERROR_KINDS)
            if not any(m in l for l in b for m in MODULE_FRAMES):
                continue
            if 'definitely lost' in b[0] or 'indirectly lost' in b[0]:
                leaks += 1
            else:
                errors += 1
            print('%s:\n  %s' % (log, '\n  '.join(b[:20])))
    return processes, memory_errors, errors, leaks


def accepted(processes, errors, leaks):
    """the verdict: memcheck ran, and the module has no error and no
    leak"""
    return processes > 0 and errors == 0 and leaks == 0


def self_test():
    """the checker on one crafted log per kind (tests/data/vg-*.log): a
    module error alone and a module leak alone must each be rejected as
    that kind, and a log whose error and leak are not the module's must
    pass"""
    data = os.path.join(os.path.dirname(os.path.abspath(__file__)), 'data')
    cases = (('vg-error.log', (1, 0), 'a module error alone is rejected'),
             ('vg-leak.log', (0, 1), 'a module leak alone is rejected'),
             ('vg-clean.log', (0, 0), 'an error and a leak with no module '
              'frame are not the module\'s: accepted'))
    failed = 0
    for name, want, what in cases:
        with tempfile.TemporaryDirectory(prefix='profileacl-vgself.') as d:
            shutil.copy(os.path.join(data, name), d)
            processes, _, errors, leaks = scan(d)
        ok = processes == 1 and (errors, leaks) == want and \
            accepted(processes, errors, leaks) == (want == (0, 0))
        print('%s %s (%s: %d module errors, %d module leaks)' %
              ('ok  ' if ok else 'FAIL', what, name, errors, leaks))
        failed += not ok
    print('valgrind-check: %d passed, %d failed' %
          (len(cases) - failed, failed))
    return 0 if failed == 0 else 1


def main():
    if sys.argv[1] == '--self-test':
        return self_test()
    processes, memory_errors, errors, leaks = scan(sys.argv[1])
    print('valgrind: %d smbd processes checked; memory errors: %d in all, '
          '%d with a profileacl frame; leaks from the module: %d' %
          (processes, memory_errors, errors, leaks))
    ok = accepted(processes, errors, leaks)
    print('valgrind: %d passed, %d failed' % (ok, not ok))
    return 0 if ok else 1


if __name__ == '__main__':
    sys.exit(main())
