"""What the benchmarks read, without Samba's bindings: make bench
(tests/benchmark.py) here and the series' bench (upstream/bench.py,
copied next to it into the Debian root of scripts/upstream-check.sh)."""

import glob
import re


def descendants(pid):
    """pids of all processes below pid (smbd's children, for example)"""
    children = {}
    for stat in glob.glob('/proc/[0-9]*/stat'):
        try:
            with open(stat) as f:
                fields = f.read().rsplit(')', 1)[1].split()
        except OSError:
            continue
        children.setdefault(int(fields[1]), []).append(
            int(stat.split('/')[2]))
    out, todo = set(), [pid]
    while todo:
        for c in children.get(todo.pop(), []):
            out.add(c)
            todo.append(c)
    return out


def callgrind_total(path):
    """The instructions of one callgrind dump; None while incomplete"""
    with open(path, errors='replace') as f:
        text = f.read()
    m = re.search(r'^totals: (\d+)', text, re.M) or \
        re.search(r'^summary: (\d+)', text, re.M)
    return int(m.group(1)) if m else None


def strace_count(path):
    """The system calls of one strace -ff trace; None until the traced
    process has exited (its trace is complete only then)"""
    with open(path, errors='replace') as f:
        lines = f.read().splitlines()
    if not lines or '+++ exited' not in lines[-1]:
        return None
    return sum(1 for line in lines if re.match(r'^[a-z_0-9]+\(', line))
