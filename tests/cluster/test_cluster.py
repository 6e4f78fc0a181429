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

from harness import (Client, Cluster, NODES, Results, Server,  # noqa: E402
                     FILE_WRITE_DATA,
                     FILE_READ_DATA, MAXIMUM_ALLOWED, READ_CONTROL,
                     WRITE_DAC, PASSWORDS, profile_folder, profile_sync,
                     intruder_try, set_dacl_on, status_name,
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


def node_client(cluster, i):
    return Client(cluster.nodes[i])


def dacl_of(c, path):
    fnum = c.create(path, DesiredAccess=READ_CONTROL, ShareAccess=7)
    try:
        return c.get_sd(fnum, security.SECINFO_DACL).as_sddl()
    finally:
        c.close(fnum)


def sddl_norm(sddl, sid):
    """SDDL as this client's Samba renders it (4.22 writes FA where 4.17
    writes 0x001f01ff)"""
    return security.descriptor.from_sddl(sddl, sid).as_sddl()


def test_sync_across_nodes(R, cl):
    n1, n2 = node_client(cl, 0), node_client(cl, 1)
    for proto in ('SMB1', 'SMB2'):
        a1 = n1.conn('alice', 'profiles', proto)
        folder = 'alice-%s' % proto
        a1.mkdir(folder)
        a1.savefile(folder + '/NTUSER.DAT', b'regf' + b'\0' * 4092)
        fnum = a1.create(folder, DesiredAccess=READ_CONTROL)
        sid = a1.get_sd(fnum, 1).owner_sid
        a1.close(fnum)
        first = ('D:P(A;OICI;0x001f01ff;;;%s)(A;OICI;0x001f01ff;;;SY)' %
                 sid)
        second = ('D:P(A;OICI;0x001f01ff;;;%s)(A;OICI;0x001200a9;;;SY)' %
                  sid)
        a2 = n2.conn('alice', 'profiles', proto)
        for path in (folder, folder + '/NTUSER.DAT'):
            R.equal('node 1: alice sets the DACL of %s [%s]' % (path, proto),
                    set_dacl_on(a1, path, first), (OK, OK))
            R.equal('node 2 reads back exactly that DACL (%s) [%s]' %
                    (path, proto), dacl_of(a2, path), dacl_of(a1, path))
            R.equal('... which is the one node 1 set [%s]' % proto,
                    dacl_of(a2, path), sddl_norm(first, sid))
            R.equal('node 2: alice sets another DACL of %s [%s]' %
                    (path, proto), set_dacl_on(a2, path, second), (OK, OK))
            R.equal('node 1 reads back node 2\'s DACL (%s) [%s]' %
                    (path, proto), dacl_of(a1, path), dacl_of(a2, path))
            R.equal('... which is node 2\'s, not the first [%s]' % proto,
                    dacl_of(a1, path), sddl_norm(second, sid))
        for i, c in enumerate((n1, n2)):
            b = c.conn('bob', 'profiles', proto)
            for path in (folder, folder + '/NTUSER.DAT'):
                try:
                    fnum = b.create(path, DesiredAccess=WRITE_DAC,
                                    ShareAccess=7)
                    b.close(fnum)
                    st = OK
                except NTSTATUSError as e:
                    st = status_name(e.args[0])
                # refused for lack of access, not for any other reason
                R.equal('node %d: bob gets no WRITE_DAC on %s [%s]' %
                        (i + 1, path, proto), st, DENIED)
                st = max_allowed_set(b, path, first, sid)
                R.check('node %d: bob cannot set the DACL of %s through '
                        'MAXIMUM_ALLOWED (%s) [%s]' % (i + 1, path, st,
                                                       proto),
                        st in (DENIED, 'open:' + DENIED))


def max_allowed_set(c, path, sddl, sid):
    """Open asking MAXIMUM_ALLOWED and set the DACL: the status of the
    first step that failed, or OK"""
    try:
        fnum = c.create(path, DesiredAccess=MAXIMUM_ALLOWED, ShareAccess=7)
    except NTSTATUSError as e:
        return 'open:' + status_name(e.args[0])
    try:
        c.set_sd(fnum, security.descriptor.from_sddl(sddl, sid),
                 security.SECINFO_DACL)
        return OK
    except NTSTATUSError as e:
        return status_name(e.args[0])
    finally:
        c.close(fnum)


def test_share_mode_across_nodes(R, cl):
    n1, n2 = node_client(cl, 0), node_client(cl, 1)
    a1 = n1.conn('alice', 'profiles', 'SMB2')
    a1.mkdir('alice-lock')
    a1.savefile('alice-lock/NTUSER.DAT', b'regf')
    # granted WRITE_DAC on node 1, sharing read only
    fnum = a1.create('alice-lock/NTUSER.DAT',
                     DesiredAccess=WRITE_DAC | FILE_READ_DATA,
                     ShareAccess=1)
    try:
        a2 = n2.conn('alice', 'profiles', 'SMB2')
        try:
            f2 = a2.create('alice-lock/NTUSER.DAT',
                           DesiredAccess=FILE_WRITE_DATA, ShareAccess=7)
            a2.close(f2)
            st = OK
        except NTSTATUSError as e:
            st = status_name(e.args[0])
        R.equal('a granted open on node 1 holds its share mode against '
                'a write open on node 2', st, 'NT_STATUS_SHARING_VIOLATION')
    finally:
        a1.close(fnum)
    try:
        f2 = a2.create('alice-lock/NTUSER.DAT',
                       DesiredAccess=FILE_WRITE_DATA, ShareAccess=7)
        a2.close(f2)
        st = OK
    except NTSTATUSError as e:
        st = status_name(e.args[0])
    R.equal('... and node 2 may write once node 1 closed it', st, OK)


# --- the storm ----------------------------------------------------------

def storm_owner(node_root, host, idx, share, seconds, out):
    try:
        srv = Server(node_root, host=host)
        user = ('alice', 'bob')[idx % 2]
        c = Client(srv).conn(user, share, 'SMB2' if idx % 4 < 2 else 'SMB1')
        folder = '%s/s%s-%02d' % (user, host.rsplit('.', 1)[1], idx)
        sd = profile_folder(c, folder)
        ops = errors = 0
        deadline = time.time() + seconds
        i = 0
        while time.time() < deadline and i < 10000000:
            try:
                profile_sync(c, '%s/f%02d.dat' % (folder, i % 20), sd)
                ops += 1
            except NTSTATUSError:
                errors += 1
            i += 1
        out.put(('owner', host, ops, errors, 0))
    except Exception as e:  # reported, not swallowed
        out.put(('crash', host, 0, 1, repr(e)))


def storm_other(node_root, host, idx, seconds, out):
    try:
        srv = Server(node_root, host=host)
        c = Client(srv).conn('carol', 'profiles', 'SMB2' if idx % 2 else
                             'SMB1')
        targets = ('alice/shared.txt', 'bob/shared.txt')
        fnum = c.create(targets[0], DesiredAccess=READ_CONTROL,
                        ShareAccess=7)
        sd = c.get_sd(fnum, security.SECINFO_DACL)
        c.close(fnum)
        attempts = grants = errors = 0
        deadline = time.time() + seconds
        i = 0
        while time.time() < deadline and i < 10000000:
            attempts += 1
            # a refusal is NT_STATUS_ACCESS_DENIED from the step that
            # must refuse; any other error is an error
            try:
                grants += intruder_try(c, targets[i % 2], i % 2, sd)
            except NTSTATUSError:
                errors += 1
            i += 1
        out.put(('other', host, attempts, errors, grants))
    except Exception as e:
        out.put(('crash', host, 0, 1, repr(e)))


def storm_phase(cl, share):
    out = mp.Queue()
    procs = []
    for n, host in enumerate(NODES):
        root = cl.nodes[n].root
        for i in range(PER_NODE):
            procs.append(mp.Process(target=storm_owner, args=(
                root, host, i, share, SECONDS, out)))
        for i in range(OTHERS_PER_NODE):
            procs.append(mp.Process(target=storm_other, args=(
                root, host, i, SECONDS, out)))
    for p in procs:
        p.start()
    results = [out.get(timeout=SECONDS + 300) for _ in procs]
    for p in procs:
        p.join(60)
    return results


def test_storm(R, cl):
    setup = node_client(cl, 0)
    setup.make_shared_files('full')
    setup.drop()

    totals = {('profiles', h): [0, 0.0] for h in NODES}
    totals.update({('full', h): [0, 0.0] for h in NODES})
    owner_errors = {'profiles': 0, 'full': 0}
    grants = attempts = other_errors = 0
    crashes = []
    # A and B alternate, so that drift on the machine hits both
    for rnd in range(ROUNDS):
        for share in ('profiles', 'full'):
            results = storm_phase(cl, share)
            for kind, host, n, err, g in results:
                if kind == 'crash':
                    crashes.append(g)
                elif kind == 'owner':
                    totals[(share, host)][0] += n
                    owner_errors[share] += err
                else:
                    attempts += n
                    grants += g
                    other_errors += err
            for h in NODES:
                totals[(share, h)][1] += SECONDS
    print('storm: %d owners per node (alice and bob, SMB1 and SMB2), %d '
          'others per node (carol), %d rounds of %.0f s per share' %
          (PER_NODE, OTHERS_PER_NODE, ROUNDS, SECONDS))
    rate = {}
    for share in ('profiles', 'full'):
        for h in NODES:
            ops, secs = totals[(share, h)]
            rate[(share, h)] = ops / secs
        rate[(share, 'total')] = sum(rate[(share, h)] for h in NODES)
    print('storm:                     node 1    node 2    total')
    for share, label in (('profiles', 'A: Change + module'),
                         ('full', 'B: Full, no module')):
        print('storm: %-20s %8.0f  %8.0f  %8.0f ops/s' %
              (label, rate[(share, NODES[0])], rate[(share, NODES[1])],
               rate[(share, 'total')]))
    ratio = rate[('profiles', 'total')] / max(rate[('full', 'total')], 1)
    print('storm: ratio A/B (module / no module): %.3f' % ratio)
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
    shares = '\n[full]\n\tpath = @ROOT@/profiles\n\tread only = no\n' \
             '\tvfs objects = acl_xattr\n'
    cl = Cluster(ROOT, extra_shares=shares,
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
        for t in (test_sync_across_nodes, test_share_mode_across_nodes,
                  test_storm):
            print('# %s' % t.__name__)
            try:
                t(R, cl)
            except Exception as e:  # a crash is a failure, not a stop
                R.check('%s raised no exception' % t.__name__, False,
                        repr(e))
        for i, n in enumerate(cl.nodes):
            log = n.log_text()
            R.check('node %d: no panic' % (i + 1), 'PANIC' not in log)
            R.check('node %d: the module granted (log)' % (i + 1),
                    'granted WRITE_DAC' in log)
            R.check('node %d: smbd uses the clustered locking.tdb' % (i + 1),
                    b'locking.tdb' in cl.ctdb(i, 'getdbmap').stdout)
    finally:
        stopped = cl.stop()
    R.check('a server of another root with the same smb.conf path '
            'outlives our stop', decoy.poll() is None and
            decoy.pid not in stopped)
    kill_pids({decoy.pid} | descendants(decoy.pid), 5)
    decoy.wait()
    R.equal('no process of the cluster is left', sorted(cl.leftovers(stopped)),
            [])
    return R.summary('cluster')


if __name__ == '__main__':
    sys.exit(main())
