#!/usr/bin/python3
"""Read memcheck logs of smbd processes; fail on any error or leak whose
stack has a frame in profileacl.so.

  valgrind_check.py DIR
"""

import glob
import os
import re
import sys


# memcheck's error reports (leak records are counted apart)
ERROR_KINDS = ('Invalid ', 'Conditional jump', 'Use of uninitialised',
               'Syscall param', 'Mismatched free', 'Source and destination',
               'Argument ')


def blocks(text):
    """memcheck reports, one per blank-line separated block"""
    cur = []
    for line in text.splitlines():
        body = re.sub(r'^==\d+== ?', '', line)
        if body.strip() == '':
            if cur:
                yield cur
            cur = []
        else:
            cur.append(body)
    if cur:
        yield cur


def main():
    vdir = sys.argv[1]
    logs = sorted(glob.glob(os.path.join(vdir, '*.log')))
    errors = 0
    leaks = 0
    memory_errors = 0
    processes = 0
    for log in logs:
        with open(log, errors='replace') as f:
            text = f.read()
        if 'Memcheck' not in text:
            continue
        processes += 1
        for b in blocks(text):
            if b[0].startswith(ERROR_KINDS):
                memory_errors += 1
            if not any('profileacl.so' in l or 'vfs_profileacl' in l
                       or 'profileacl_policy' in l for l in b):
                continue
            if 'definitely lost' in b[0] or 'indirectly lost' in b[0]:
                leaks += 1
            else:
                errors += 1
            print('%s:\n  %s' % (log, '\n  '.join(b[:20])))
    print('valgrind: %d smbd processes checked; memory errors: %d in all, '
          '%d with a profileacl frame; leaks from the module: %d' %
          (processes, memory_errors, errors, leaks))
    ok = processes > 0 and errors == 0 and leaks == 0
    print('valgrind: %d passed, %d failed' % (1 if ok else 0,
                                             0 if ok else 1))
    return 0 if ok else 1


if __name__ == '__main__':
    sys.exit(main())
