"""A two-node CTDB cluster on one machine, for vfs_profileacl's tests.

Both nodes run inside the private network namespace of tests/netns-run.sh:
node 1 on 127.0.0.1 and node 2 on 127.0.0.2, each a ctdbd (Debian's ctdb)
and an smbd with "clustering = yes" serving the same folder, with the
module on both. passdb, secrets, share_info and locking.tdb are clustered
databases, so a user, a share ACL or a share mode made through one node is
seen by the other. Every process started here, and every one smbd
starts, is stopped by pid.
"""

import os
import shutil
import signal
import subprocess
import sys
import time

TESTS = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, TESTS)

from harness import Server, alive  # noqa: E402

NODES = ('127.0.0.1', '127.0.0.2')

CLUSTER_GLOBAL = '''	clustering = yes
	ctdbd socket = @CTDB@/run/ctdbd.socket
	kernel share modes = no
	kernel oplocks = no
	posix locking = no
'''


class Cluster:
    def __init__(self, root, extra_shares='', extra_global=''):
        self.root = root
        self.shared = os.path.join(root, 'shared')
        self.bases = [os.path.join(root, 'ctdb%d' % (i + 1))
                      for i in range(len(NODES))]
        self.ctdbd = []
        self.nodes = []
        for i, host in enumerate(NODES):
            self.nodes.append(Server(
                os.path.join(root, 'node%d' % (i + 1)),
                extra_shares=extra_shares,
                extra_global=CLUSTER_GLOBAL.replace('@CTDB@', self.bases[i])
                + extra_global,
                host=host, share_root=self.shared))

    def ctdb(self, i, *args):
        env = dict(os.environ, CTDB_BASE=self.bases[i], CTDB_TEST_MODE='yes')
        return subprocess.run(['ctdb'] + list(args), env=env,
                              stdout=subprocess.PIPE,
                              stderr=subprocess.STDOUT)

    def start_ctdb(self):
        for i, host in enumerate(NODES):
            b = self.bases[i]
            for d in ('run', 'var', 'db/volatile', 'db/persistent',
                      'db/state', 'events/legacy'):
                os.makedirs(os.path.join(b, d))
            open(os.path.join(b, 'public_addresses'), 'w').close()
            with open(os.path.join(b, 'nodes'), 'w') as f:
                f.write('\n'.join(NODES) + '\n')
            with open(os.path.join(b, 'ctdb.conf'), 'w') as f:
                f.write('[logging]\n\tlocation = file:%s/log.ctdb\n'
                        '[cluster]\n\tnode address = %s\n'
                        '\tcluster lock = %s/cluster.lock\n'
                        '[database]\n\tvolatile database directory = '
                        '%s/db/volatile\n\tpersistent database directory = '
                        '%s/db/persistent\n\tstate database directory = '
                        '%s/db/state\n[failover]\n\tdisabled = true\n'
                        '[legacy]\n\trealtime scheduling = false\n' %
                        (b, host, self.shared, b, b, b))
            env = dict(os.environ, CTDB_BASE=b, CTDB_TEST_MODE='yes')
            out = open(os.path.join(b, 'ctdbd.stdout'), 'w')
            self.ctdbd.append(subprocess.Popen(
                ['ctdbd', '-i'], env=env, stdout=out,
                stderr=subprocess.STDOUT, start_new_session=True))
        deadline = time.time() + 60
        while time.time() < deadline:
            ok = all(self.ctdb(i, 'nodestatus', 'all').returncode == 0 and
                     b'RUNNING' in self.ctdb(i, 'runstate').stdout
                     for i in range(len(NODES)))
            if ok:
                return
            time.sleep(0.5)
        raise RuntimeError('the CTDB cluster did not get healthy: %s' %
                           self.ctdb(0, 'status').stdout.decode())

    def start(self, users=('alice', 'bob'), share_acls=None):
        if os.path.exists(self.root):
            shutil.rmtree(self.root)
        os.makedirs(self.shared)
        self.start_ctdb()
        # users and share ACLs go into clustered databases: set them
        # through node 1 only
        self.nodes[0].prepare(users=users, share_acls=share_acls)
        for n in self.nodes[1:]:
            n.prepare(users=users, passwords=False)
        for n in self.nodes:
            n.start()

    def stop(self):
        for n in self.nodes:
            n.stop()
        for i, p in enumerate(self.ctdbd):
            if p.poll() is None:
                self.ctdb(i, 'shutdown')
                try:
                    p.wait(30)
                except subprocess.TimeoutExpired:
                    os.killpg(p.pid, signal.SIGKILL)
                    p.wait()
        self.ctdbd = []

    def leftovers(self):
        """pids of this cluster's processes still running"""
        out = []
        for p in self.ctdbd:
            if alive(p.pid):
                out.append(p.pid)
        for n in self.nodes:
            out += list(n.helper_pids())
        return out
