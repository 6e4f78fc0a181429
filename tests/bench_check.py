#!/usr/bin/python3
"""Benchmark of profileacl-check's walk against find over the same tree.

A share of FOLDERS profile folders (10,000), each named for an account of
its own and owned by it, with FILES files (100) of that account: a tenth
of them in the folder, the rest in AppData, AppData/Roaming and Documents.
A few folders are owned by root and a few hold a file of root's, so the
tool has problems to report; the first run of the tool must report those
and nothing else, and count every folder and file.

The accounts exist only here: a copy of /etc/passwd and /etc/group with
one entry per folder is bind-mounted over the originals in this private
mount namespace (tests/netns-run.sh), so the host is untouched and nothing
is left behind. No smbd runs: the tool needs only the smb.conf, the share
ACL (sharesec) and the module loadable by its helper.

Timed, alternating in each round, after one warm-up run of each (the page
cache is warmed for all of them alike, not dropped: the machine is shared):
  find PATH -printf '%u\\n'                       the issue's reference
  profileacl-check -s CONF --json SHARE           the whole run
  find PATH -printf '%U\\n'                       the walk alone, no names
Writes docs/benchmark-check.md. Exit status: 0 the tool's median is at
most twice find's (%u), 1 it is not, 2 the run failed. Run by
`make bench-check` inside tests/netns-run.sh, as root.
"""

import argparse
import hashlib
import json
import os
import platform
import resource
import shutil
import statistics
import subprocess
import sys
import textwrap
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from harness import Server, root_mount_private

TOP = os.path.abspath(os.path.join(os.path.dirname(__file__), '..'))
TOOL = os.path.join(TOP, 'build', 'profileacl-check')
SHARE = 'bench_check'
# the accounts: names and ids no host account uses
PREFIX, FIRST_ID = 'pcb', 300000
SUBDIRS = ('AppData', 'AppData/Roaming', 'Documents')


def account(i):
    return '%s%05d' % (PREFIX, i)


def add_accounts(root, n):
    """bind-mount copies of /etc/passwd and /etc/group with N accounts
    more over the originals; returns the function that unmounts them"""
    if not root_mount_private():
        raise RuntimeError('/ is not a private mount: run inside '
                           'tests/netns-run.sh')
    etc = os.path.join(root, 'etc')
    os.makedirs(etc)
    for name, line in (('passwd', '%s:x:%d:%d::/nonexistent:'
                                  '/usr/sbin/nologin\n'),
                       ('group', '%s:x:%d:\n')):
        with open('/etc/' + name) as f:
            text = f.read()
        if '\n%s' % account(0) in '\n' + text or \
                ':%d:' % FIRST_ID in text:
            raise RuntimeError('/etc/%s has the bench\'s accounts' % name)
        with open(os.path.join(etc, name), 'w') as f:
            f.write(text + ''.join(line % ((account(i),) +
                                          (FIRST_ID + i,) * (line.count('%d')))
                                   for i in range(n)))
    mounted = []
    for name in ('passwd', 'group'):
        subprocess.run(['mount', '--bind', os.path.join(etc, name),
                        '/etc/' + name], check=True)
        mounted.append('/etc/' + name)

    def undo():
        for m in reversed(mounted):
            subprocess.run(['umount', m])
    return undo


def bad_folders(n):
    """(folders owned by root, folders holding a file of root's)"""
    stride = n // 10
    return ({i for i in range(n) if i % stride == stride - 1},
            {i for i in range(n) if i % stride == stride // 2})


def build_tree(path, n, files):
    """The share's folder, root's and 1733 as in the admin guide, with N
    profile folders of FILES files"""
    os.makedirs(path)
    os.chmod(path, 0o1733)
    by_root, root_file = bad_folders(n)
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC
    for i in range(n):
        uid = FIRST_ID + i
        name = account(i)
        top = os.path.join(path, name)
        os.mkdir(top, 0o700)
        dirs = [os.open(top, os.O_RDONLY | os.O_DIRECTORY)]
        for sub in SUBDIRS:
            os.mkdir(sub, 0o700, dir_fd=dirs[0])
            dirs.append(os.open(sub, os.O_RDONLY | os.O_DIRECTORY,
                                dir_fd=dirs[0]))
        for d in dirs:
            os.fchown(d, uid, uid)
        if i in by_root:
            os.fchown(dirs[0], 0, 0)
        for j in range(files):
            # a tenth in the folder itself, NTUSER.DAT first
            at = 0 if j < files // 10 else 1 + j % len(SUBDIRS)
            fd = os.open('NTUSER.DAT' if j == 0 else 'f%03d.dat' % j,
                         flags, 0o600, dir_fd=dirs[at])
            os.fchown(fd, 0 if (j == 0 and i in root_file) else uid,
                      0 if (j == 0 and i in root_file) else uid)
            os.close(fd)
        for d in dirs:
            os.close(d)


def snapshot(root):
    """A copy of the built tool and its helper, side by side as the tool
    looks for it: every run measures the same build, whatever make does
    in the checkout meanwhile"""
    bin_dir = os.path.join(root, 'bin')
    os.makedirs(bin_dir, mode=0o755)
    for name in ('profileacl-check', 'profileacl-decide'):
        shutil.copy2(os.path.join(os.path.dirname(TOOL), name), bin_dir)
    return os.path.join(bin_dir, 'profileacl-check')


def version():
    """The checkout's commit, and whether the source of the tool or its
    helper differs"""
    git = ['git', '-C', TOP]
    head = subprocess.run(git + ['rev-parse', '--short', 'HEAD'],
                          capture_output=True, text=True).stdout.strip()
    dirty = subprocess.run(git + ['diff', '--quiet', 'HEAD', '--',
                                  'scripts/profileacl-check',
                                  'vfs_profileacl', 'wscript']).returncode
    return 'the checkout at %s%s' % (
        head or '?', ' (the tool\'s or its helper\'s source changed in '
        'the work tree)' if dirty else '')


def timed(argv, out=subprocess.DEVNULL):
    """(wall seconds, CPU seconds of it and its children, the process)"""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.monotonic()
    p = subprocess.run(argv, stdout=out, stderr=subprocess.PIPE)
    wall = time.monotonic() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime + after.ru_stime) - \
        (before.ru_utime + before.ru_stime)
    return wall, cpu, p


def machine():
    model = '?'
    with open('/proc/cpuinfo') as f:
        for line in f:
            if line.startswith('model name'):
                model = line.split(':', 1)[1].strip()
                break
    with open('/proc/meminfo') as f:
        mem = int(f.readline().split()[1]) // 1024 // 1024
    smbd = subprocess.run(['smbd', '-V'], capture_output=True,
                          text=True).stdout.strip().replace('Version', 'Samba')
    find = subprocess.run(['find', '--version'], capture_output=True,
                          text=True).stdout.split('\n')[0]
    return '%d cores (%s), %d GiB RAM, Linux %s, Python %s, %s, %s' % (
        os.cpu_count(), model, mem, platform.release(),
        platform.python_version(), smbd, find)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('--folders', type=int, default=10000)
    ap.add_argument('--files', type=int, default=100,
                    help='files per profile folder')
    ap.add_argument('--rounds', type=int, default=3)
    ap.add_argument('--root', default='/var/tmp/profileacl-bench-check',
                    help='scratch folder, removed at the end')
    ap.add_argument('--out', default=os.path.join(TOP, 'docs',
                                                  'benchmark-check.md'))
    args = ap.parse_args()
    if args.folders < 30 or args.files < 10 or args.rounds < 1:
        ap.error('at least 30 folders, 10 files and 1 round')
    root = os.path.abspath(args.root)
    built = version()
    date = time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())
    tree = os.path.join(root, 'tree')
    entries = args.folders * (1 + len(SUBDIRS) + args.files)
    need = entries + 10000
    st = os.statvfs(os.path.dirname(root))
    if st.f_favail < 2 * need:
        raise RuntimeError('%s has %d free inodes, the bench wants %d' %
                           (os.path.dirname(root), st.f_favail, 2 * need))

    srv = Server(os.path.join(root, 'server'), extra_shares=(
        '\n[%s]\n\tpath = %s\n\tread only = no\n'
        '\tvfs objects = profileacl acl_xattr\n' % (SHARE, tree)))
    undo = None
    if os.path.exists(root):
        shutil.rmtree(root)
    try:
        srv.prepare(users=(), share_acls={SHARE: 'CHANGE'})
        tool = snapshot(root)
        digest = hashlib.sha256()
        for name in ('profileacl-check', 'profileacl-decide'):
            with open(os.path.join(os.path.dirname(tool), name), 'rb') as f:
                digest.update(f.read())
        built += ', sha256 %s (tool and helper)' % digest.hexdigest()[:12]
        undo = add_accounts(root, args.folders)
        start = time.monotonic()
        build_tree(tree, args.folders, args.files)
        subprocess.run(['sync', '-f', tree], check=True)
        build = time.monotonic() - start
        du = int(subprocess.run(['du', '-sB1', tree], capture_output=True,
                                text=True, check=True).stdout.split()[0])
        print('tree: %d entries in %.1f s, du %.1f MB' %
              (entries, build, du / 1e6), flush=True)

        runs = {
            'find %u': ['find', tree, '-printf', '%u\n'],
            'tool': [tool, '-s', srv.conf, '--json', SHARE],
            'find %U': ['find', tree, '-printf', '%U\n'],
        }
        # warm-up, which also shows each counts what the tree holds: the
        # cache warmed alike for all; find %u's names add nothing to it
        wall, cpu, p = timed(runs['tool'], subprocess.PIPE)
        doc = json.loads(p.stdout)
        by_root, root_file = bad_folders(args.folders)
        codes = sorted(x['code'] for x in doc['problems'])
        want = sorted(['folder-not-owned'] * len(by_root) +
                      ['content-not-owned'] * len(root_file))
        if p.returncode != 1 or codes != want or \
                doc['folders'] != args.folders or \
                doc['files'] != entries - args.folders:
            raise RuntimeError('the tool did not check the tree: exit %d, '
                               '%d folders, %d files, codes %s, %s' % (
                                   p.returncode, doc['folders'],
                                   doc['files'], sorted(set(codes)),
                                   p.stderr.decode()[-500:]))
        print('warm-up tool: %.2f s, %d problems' % (wall, len(codes)),
              flush=True)
        wall, cpu, p = timed(runs['find %U'], subprocess.PIPE)
        lines = p.stdout.split(b'\n')[:-1]
        if p.returncode != 0 or len(lines) != entries + 1:
            raise RuntimeError('find listed %d of %d' % (len(lines),
                                                         entries + 1))
        print('warm-up find %%U: %.2f s' % wall, flush=True)

        order = list(runs)
        res = {k: [] for k in order}
        load = [os.getloadavg()[0]]
        for r in range(args.rounds):
            for k in order if r % 2 == 0 else order[::-1]:
                wall, cpu, p = timed(runs[k])
                if p.returncode != (1 if k == 'tool' else 0):
                    raise RuntimeError('%s: exit %d: %s' % (
                        k, p.returncode, p.stderr.decode()[-500:]))
                res[k].append((wall, cpu))
                print('round %d %s: %.2f s (CPU %.2f s)' % (
                    r + 1, k, wall, cpu), flush=True)
            load.append(os.getloadavg()[0])
    finally:
        if undo:
            undo()
        start = time.monotonic()
        subprocess.run(['rm', '-rf', root])
        print('removed %s in %.1f s' % (root, time.monotonic() - start))

    run = {'date': date, 'built': built, 'folders': args.folders,
           'files': args.files, 'entries': entries, 'build': build,
           'du': du, 'res': res, 'load': load}
    ok, line = write(run, args.out)
    print(line)
    return 0 if ok else 1


def fill(text):
    return textwrap.fill(' '.join(text.split()), 76,
                         break_on_hyphens=False) + '\n'


def write(run, out):
    """docs/benchmark-check.md from RUN's figures: (target met, a line)"""
    res, n = run['res'], run['folders']
    med = {k: statistics.median(w for w, _ in v) for k, v in res.items()}
    cpu = {k: statistics.median(c for _, c in v) for k, v in res.items()}
    ratio = med['tool'] / med['find %u']
    ratio_u = med['tool'] / med['find %U']
    ok = ratio <= 2
    by_root, root_file = bad_folders(n)
    rows = ''.join(
        '| %d | %.2f (%.2f) | %.2f (%.2f) | %.2f (%.2f) |\n' % (
            (r + 1,) + tuple(res['find %u'][r]) + tuple(res['tool'][r]) +
            tuple(res['find %U'][r])) for r in range(len(res['tool'])))
    rows += '| **median** | **%.2f** (%.2f) | **%.2f** (%.2f) | ' \
        '**%.2f** (%.2f) |\n' % (med['find %u'], cpu['find %u'],
                                 med['tool'], cpu['tool'], med['find %U'],
                                 cpu['find %U'])
    text = '# profileacl-check benchmark\n\n' + '\n'.join([
        fill(f'''Made by `make bench-check` (`tests/bench_check.py`) on
             {run['date']}. The tool: build/ as made from {run['built']};
             the bench runs a copy of it and its helper, so every run
             measures that build.'''),
        fill(f'''**Tree.** One share of {n:,} profile folders, each named
             for an account of its own and owned by it, with {run['files']}
             files of that account: a tenth in the folder, the rest in
             `AppData`, `AppData/Roaming` and `Documents`;
             {run['entries'] + 1:,} entries in all, on ext4 on the
             machine's disk. {len(by_root)} folders are owned by root and
             {len(root_file)} hold a file of root's: the tool reports those
             {len(by_root) + len(root_file)} problems and nothing else, and
             counts every folder and file (checked on its warm-up run). The
             {n:,} accounts are in a copy of `/etc/passwd` and `/etc/group`
             bind-mounted in the bench's private mount namespace (NSS
             `files`, as on a server without winbind or sssd). Built in
             {run['build']:.0f} s; it took {run['du'] / 1e6:.0f} MB (du) and
             {run['entries'] + 1:,} inodes, its peak: the runs write nothing
             to it. Removed at the end.'''),
        fill(f'''**Machine.** {machine()}. The machine is shared with
             other sessions running test suites; the load average (1 min)
             was {', '.join('%.1f' % l for l in run['load'])} at the start
             and after each round.'''),
        fill('''**Method.** The three commands below run alternately in
             each round, in the same run (the order reversed every other
             round), so load from other work affects them alike. Before the
             rounds the tool and `find -printf '%U'` run once each: the page
             cache is warm for all of them, not dropped (dropping it would
             slow every other session on the machine). Each is timed whole,
             from start to exit, output to /dev/null; CPU is the user and
             system time of it and its children.'''),
        f'''- find %u: `find TREE -printf '%u\\n'`, the issue's reference
- tool: `profileacl-check -s CONF --json {SHARE}`, everything it does:
  loadparm, profileacl-decide for the share and for the {n:,} (account,
  folder) pairs, the walk, the report
- find %U: `find TREE -printf '%U\\n'`, the same walk without the
  owner's name
''',
        '| round | find %u, s (CPU) | tool, s (CPU) | find %U, s (CPU) |\n'
        '|---|---|---|---|\n' + rows,
        fill(f'''**Ratio.** The tool's median is {ratio:.2f} times find's
             (`%u`): the target, at most 2, is
             {'met' if ok else 'missed'}. Against `find -printf '%U'` it is
             {ratio_u:.2f} times.''')] + ([fill('''find %u spends most of
             its time on the names: it looks up each file's owner through
             NSS, with no cache of its own, and with `files` each lookup
             reads `/etc/passwd` up to the account's line. `%U` shows the
             walk alone.''')] if med['find %u'] > 2 * med['find %U']
                                   else []))
    with open(out, 'w') as f:
        f.write(text)
    return ok, ('median: find %%u %.2f s, tool %.2f s, find %%U %.2f s; '
                'tool/find %%u %.2f, tool/find %%U %.2f: %s' % (
                    med['find %u'], med['tool'], med['find %U'], ratio,
                    ratio_u, 'target met' if ok else 'TARGET MISSED'))


if __name__ == '__main__':
    try:
        sys.exit(main())
    except (OSError, RuntimeError, ValueError, KeyError,
            subprocess.CalledProcessError) as e:
        print('bench-check: %s' % e, file=sys.stderr)
        sys.exit(2)
