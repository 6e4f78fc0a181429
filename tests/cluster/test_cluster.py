#!/usr/bin/python3
"""vfs_profileacl on the two-node CTDB cluster of tests/harness.py
(Cluster): what one node grants, refuses or writes is what the other node
sees; a logoff storm, A/B, with others trying. What it checks:
docs/testing.md, "Clustered servers"; the deny matrix against node 2 is
tests/test_deny_matrix.py with PROFILEACL_MATRIX_CLUSTER=1. Runs inside
tests/netns-run.sh (tests/cluster/run.sh), as root.
"""

import multiprocessing as mp
import os
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(
    __file__))))

from harness import (Client, Cluster, NODES, NTUSER, Results,  # noqa: E402
                     Server, FILE_WRITE_DATA, FILE_READ_DATA, MAXIMUM_ALLOWED,
                     WRITE_DAC, PASSWORDS, profile_folder, profile_sync,
                     profile_shares, intruder_try, set_dacl_on, run_cases,
                     descendants, kill_pids)
from samba import NTSTATUSError  # noqa: E402
from samba.dcerpc import security  # noqa: E402

ROOT = os.environ.get('PROFILEACL_CLUSTER_ROOT', '/tmp/profileacl-cluster')
SECONDS = float(os.environ.get('PROFILEACL_STORM_SECONDS', '10'))
PER_NODE = int(os.environ.get('PROFILEACL_STORM_OWNERS', '10'))
OTHERS_PER_NODE = int(os.environ.get('PROFILEACL_STORM_OTHERS', '2'))
ROUNDS = int(os.environ.get('PROFILEACL_STORM_ROUNDS', '2'))
OK = 'NT_STATUS_OK'
DENIED = 'NT_STATUS_ACCESS_DENIED'
PASSWORDS.setdefault('carol', 'Carol-pw-3')
# the storm's shares: A, the module on Change, and B, Full without it
SHARES = (('profiles', 'A: Change + module'), ('full', 'B: Full, no module'))


def test_sync_across_nodes(R, cl):
    n = [Client(node) for node in cl.nodes]
    for proto in ('SMB1', 'SMB2'):
        a1 = n[0].conn('alice', 'profiles', proto)
        folder = 'alice-%s' % proto
        a1.mkdir(folder)
        a1.savefile(folder + '/NTUSER.DAT', NTUSER)
        sid = n[0].get_sd('alice', 'profiles', proto, folder).owner_sid
        first, second = ('D:P(A;OICI;0x001f01ff;;;%s)(A;OICI;%s;;;SY)' %
                         (sid, sy) for sy in ('0x001f01ff', '0x001200a9'))
        tag = ' [%s]' % proto

        def dacl(i, path):
            return n[i].dacl_of('alice', 'profiles', proto, path)
        for path in (folder, folder + '/NTUSER.DAT'):
            # one node writes, the other reads back that DACL, rendered as
            # this client's Samba renders it (4.22 writes FA where 4.17
            # writes 0x001f01ff)
            for w, r, sddl, names in (
                    (0, 1, first, ('node 1: alice sets the DACL of %s',
                                   'node 2 reads back exactly that DACL (%s)',
                                   '... which is the one node 1 set')),
                    (1, 0, second, ('node 2: alice sets another DACL of %s',
                                    'node 1 reads back node 2\'s DACL (%s)',
                                    '... which is node 2\'s, not the first'))):
                R.equal(names[0] % path + tag, set_dacl_on(
                    n[w].conn('alice', 'profiles', proto), path, sddl),
                    (OK, OK))
                R.equal(names[1] % path + tag, dacl(r, path), dacl(w, path))
                R.equal(names[2] + tag, dacl(r, path),
                        security.descriptor.from_sddl(sddl, sid).as_sddl())
        for i, c in enumerate(n):
            for path in (folder, folder + '/NTUSER.DAT'):
                # refused for lack of access, not for any other reason
                R.equal('node %d: bob gets no WRITE_DAC on %s%s' %
                        (i + 1, path, tag),
                        c.status('bob', 'profiles', proto, path, WRITE_DAC),
                        DENIED)
                o, s = set_dacl_on(c.conn('bob', 'profiles', proto), path,
                                   first, MAXIMUM_ALLOWED)
                st = 'open:' + o if s is None else s
                R.check('node %d: bob cannot set the DACL of %s through '
                        'MAXIMUM_ALLOWED (%s)%s' % (i + 1, path, st, tag),
                        st in (DENIED, 'open:' + DENIED))


def test_share_mode_across_nodes(R, cl):
    n1, n2 = Client(cl.nodes[0]), Client(cl.nodes[1])
    a1 = n1.conn('alice', 'profiles', 'SMB2')
    a1.mkdir('alice-lock')
    a1.savefile('alice-lock/NTUSER.DAT', b'regf')
    # granted WRITE_DAC on node 1, sharing read only
    fnum = a1.create('alice-lock/NTUSER.DAT',
                     DesiredAccess=WRITE_DAC | FILE_READ_DATA,
                     ShareAccess=1)
    try:
        R.equal('a granted open on node 1 holds its share mode against '
                'a write open on node 2', n2.status(
                    'alice', 'profiles', 'SMB2', 'alice-lock/NTUSER.DAT',
                    FILE_WRITE_DATA), 'NT_STATUS_SHARING_VIOLATION')
    finally:
        a1.close(fnum)
    R.equal('... and node 2 may write once node 1 closed it', n2.status(
        'alice', 'profiles', 'SMB2', 'alice-lock/NTUSER.DAT',
        FILE_WRITE_DATA), OK)


def storm_client(kind, node_root, host, idx, share, out):
    """One client of the storm for SECONDS: an owner (alice or bob, SMB1
    or SMB2) syncing her profile on SHARE, or carol trying WRITE_DAC and
    MAXIMUM_ALLOWED on their files. Puts (kind, host, tries, errors,
    grants); a refusal is NT_STATUS_ACCESS_DENIED from the step that must
    refuse, any other error is an error"""
    try:
        cli = Client(Server(node_root, host=host))
        if kind == 'owner':
            user = ('alice', 'bob')[idx % 2]
            c = cli.conn(user, share, 'SMB2' if idx % 4 < 2 else 'SMB1')
            folder = '%s/s%s-%02d' % (user, host.rsplit('.', 1)[1], idx)
            sd = profile_folder(c, folder)

            def step(i):
                profile_sync(c, '%s/f%02d.dat' % (folder, i % 20), sd)
                return 0
        else:
            proto = 'SMB2' if idx % 2 else 'SMB1'
            c = cli.conn('carol', 'profiles', proto)
            targets = ('alice/shared.txt', 'bob/shared.txt')
            sd = cli.get_sd('carol', 'profiles', proto, targets[0],
                            security.SECINFO_DACL)

            def step(i):
                return intruder_try(c, targets[i % 2], i % 2, sd)
        tries = errors = grants = 0
        deadline = time.time() + SECONDS
        while time.time() < deadline and tries < 10000000:
            try:
                grants += step(tries)
            except NTSTATUSError:
                errors += 1
            tries += 1
        out.put((kind, host, tries, errors, grants))
    except Exception as e:  # reported, not swallowed
        out.put(('crash', host, 0, 1, repr(e)))


def storm_phase(cl, share):
    out = mp.Queue()
    procs = [mp.Process(target=storm_client, args=(
        kind, cl.nodes[n].root, host, i, share, out))
        for n, host in enumerate(NODES)
        for kind, count in (('owner', PER_NODE), ('other', OTHERS_PER_NODE))
        for i in range(count)]
    for p in procs:
        p.start()
    results = [out.get(timeout=SECONDS + 300) for _ in procs]
    for p in procs:
        p.join(60)
    return results


def test_storm(R, cl):
    setup = Client(cl.nodes[0])
    setup.make_shared_files('full')
    setup.drop()
    ops = {(share, h): 0 for share, _ in SHARES for h in NODES}
    owner_errors = {share: 0 for share, _ in SHARES}
    grants = attempts = other_errors = 0
    crashes = []
    # A and B alternate, so that drift on the machine hits both
    for rnd in range(ROUNDS):
        for share, _ in SHARES:
            for kind, host, n, err, g in storm_phase(cl, share):
                if kind == 'crash':
                    crashes.append(g)
                elif kind == 'owner':
                    ops[(share, host)] += n - err
                    owner_errors[share] += err
                else:
                    attempts += n
                    grants += g
                    other_errors += err
    print('storm: %d owners per node (alice and bob, SMB1 and SMB2), %d '
          'others per node (carol), %d rounds of %.0f s per share' %
          (PER_NODE, OTHERS_PER_NODE, ROUNDS, SECONDS))
    rate = {k: v / (ROUNDS * SECONDS) for k, v in ops.items()}
    print('storm:                     node 1    node 2    total')
    for share, label in SHARES:
        rate[(share, 'total')] = sum(rate[(share, h)] for h in NODES)
        print('storm: %-20s %8.0f  %8.0f  %8.0f ops/s' %
              (label, rate[(share, NODES[0])], rate[(share, NODES[1])],
               rate[(share, 'total')]))
    print('storm: ratio A/B (module / no module): %.3f' %
          (rate[('profiles', 'total')] / max(rate[('full', 'total')], 1)))
    print('storm: others %d attempts, %d grants, %d errors (not '
          'NT_STATUS_ACCESS_DENIED)' % (attempts, grants, other_errors))
    print('storm: both nodes share this machine\'s 2 cores: node scaling '
          'is not measured here')
    R.equal('storm: no client crashed', crashes, [])
    R.equal('storm: 0 errors for owners with the module',
            owner_errors['profiles'], 0)
    R.equal('storm: 0 errors for owners without it',
            owner_errors['full'], 0)
    R.check('storm: owners synced on both nodes',
            all(rate[('profiles', h)] > 0 for h in NODES))
    R.check('storm: others tried', attempts > 0)
    R.equal('storm: 0 grants for others', grants, 0)
    R.equal('storm: others refused with NT_STATUS_ACCESS_DENIED only (0 '
            'other errors)', other_errors, 0)


def main():
    R = Results()
    cl = Cluster(ROOT, extra_shares=profile_shares({'full': ('acl_xattr',)}),
                 extra_global='\tlog level = 1 profileacl:3\n')
    # another root's cluster (a Debian root's make check) runs its nodes
    # with the same smb.conf paths, in its own /tmp
    conf = cl.nodes[0].conf
    decoy = subprocess.Popen(
        ['unshare', '--mount', '--', 'sh', '-c',
         'mount -t tmpfs tmpfs /tmp && mkdir -p "${1%/*}" && : >"$1" && '
         'sleep 600; :', 'smbd', conf, '-s', conf], start_new_session=True)
    try:
        cl.start(users=('alice', 'bob', 'carol'),
                 share_acls={'profiles': 'CHANGE', 'full': 'FULL',
                             'nomod': 'CHANGE'})
        for i in range(len(NODES)):
            R.check('node %d: CTDB sees both nodes healthy' % (i + 1),
                    cl.ctdb(i, 'nodestatus', 'all').returncode == 0)
        run_cases(R, (test_sync_across_nodes, test_share_mode_across_nodes,
                      test_storm), R, cl)
        for i, n in enumerate(cl.nodes):
            log = n.log_text()
            R.check('node %d: no panic' % (i + 1), 'PANIC' not in log)
            R.check('node %d: the module granted (log)' % (i + 1),
                    'granted WRITE_DAC' in log)
            R.check('node %d: smbd uses the clustered locking.tdb' % (i + 1),
                    b'locking.tdb' in cl.ctdb(i, 'getdbmap').stdout)
    finally:
        stopped = set()
        try:
            stopped = cl.stop()
        finally:
            outlived = decoy.poll() is None and decoy.pid not in stopped
            kill_pids({decoy.pid} | descendants(decoy.pid), 5)
            decoy.wait()
    R.check('a server of another root with the same smb.conf path '
            'outlives our stop', outlived)
    R.equal('no process of the cluster is left', sorted(cl.leftovers(stopped)),
            [])
    return R.summary('cluster')


if __name__ == '__main__':
    sys.exit(main())
