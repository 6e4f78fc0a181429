#!/usr/bin/python3
"""Samba's own ACL test suites (smbtorture) against a Change share with
the module, compared with a committed table of expected results.

Each cell of the table is the subtest's result from smbtorture's subunit
output (tests/torture_subunit.py), not the process's exit status: pass,
skip, fail@FILE:LINE (the smbtorture assertion that failed), crash@SIGNAL.
An expected failure that fails at another place is a deviation.

Four configurations, each its own smbd, in one run:
  change         share ACL Change, no module (the KB Q255113 symptom)
  module         Change, vfs objects = profileacl acl_xattr
  write_owner    Change, profileacl:grant = write_dac write_owner
  full           share ACL Full, no module (the reference)

One smbtorture process per test: 4.17's smb2.acls.DYNAMIC crashes the
client when WRITE_DAC is denied, which would hide the tests after it.

  smbtorture_table.py            run and compare with the table
  smbtorture_table.py --record   run and print the observed table
  --configs=module,write_owner   run only these configurations
"""

import os
import re
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from harness import Server, PASSWORDS, PORT, server_cmd
import torture_subunit

TESTS = os.path.dirname(os.path.abspath(__file__))


def samba_series():
    """'4.17' or '4.22': the expected table is per Samba version"""
    out = subprocess.run(server_cmd(['smbd', '--version']),
                         stdout=subprocess.PIPE).stdout.decode()
    m = re.search(r'Version (\d+\.\d+)', out)
    return m.group(1) if m else 'unknown'


# PROFILEACL_TORTURE_TABLE: another table (to show a planted deviation)
TABLE = os.environ.get('PROFILEACL_TORTURE_TABLE') or \
    os.path.join(TESTS, 'smbtorture-expected-%s.tsv' % samba_series())
ROOT = os.environ.get('PROFILEACL_TORTURE_ROOT', '/tmp/profileacl-torture')
ALL_CONFIGS = ('change', 'module', 'write_owner', 'full')
CONFIGS = ALL_CONFIGS

SHARE = '''
[%(name)s]
	path = @ROOT@/%(name)s
	read only = no
	vfs objects = %(vfs)s
%(extra)s'''

CONFIG_SHARES = {
    'change': ('acl_xattr', '', 'CHANGE'),
    'module': ('profileacl acl_xattr', '', 'CHANGE'),
    'write_owner': ('profileacl acl_xattr',
                    '\tprofileacl:grant = write_dac write_owner\n',
                    'CHANGE'),
    'full': ('acl_xattr', '', 'FULL'),
}


def torture_tests():
    """The tests of the suites we run, from smbtorture itself."""
    names = []
    for suite in ('smb2.acls', 'smb2.acls_non_canonical', 'raw.acls',
                  'smb2.create.aclfile', 'smb2.create.acldir',
                  'smb2.create.nulldacl', 'smb2.sdread',
                  'smb2.maximum_allowed', 'base.maximum_allowed',
                  'raw.composite.appendacl', 'smb2.ea.acl_xattr'):
        out = subprocess.run(server_cmd(['smbtorture', '//x/y', '--list',
                                         suite]),
                             stdout=subprocess.PIPE,
                             stderr=subprocess.DEVNULL).stdout.decode()
        for line in out.splitlines():
            parts = line.strip().split('.')
            if len(parts) < 2 or not line.startswith(suite.split('.')[0]):
                continue
            # "smb2.acls.OWNER.OWNER" runs as "smb2.acls.OWNER"
            if len(parts) >= 2 and parts[-1] == parts[-2]:
                parts = parts[:-1]
            name = '.'.join(parts)
            if name not in names:
                names.append(name)
    return names


def run_config(config, tests):
    vfs, extra, acl = CONFIG_SHARES[config]
    shares = ''.join(SHARE % {'name': n, 'vfs': vfs,
                              'extra': extra + more}
                     for n, more in (('torture', ''),
                                     ('hideunread',
                                      '\thide unreadable = yes\n')))
    srv = Server(os.path.join(ROOT, config), extra_shares=shares)
    srv.prepare(users=('alice', 'bob'),
                share_acls={'torture': acl, 'hideunread': acl})
    results = {}
    srv.start()
    try:
        for t in tests:
            start = time.time()
            try:
                p = subprocess.run(
                    server_cmd(['smbtorture', '//127.0.0.1/torture',
                                '-U', 'alice%' + PASSWORDS['alice'],
                                '-p', str(PORT), '--target=samba3',
                                '--format=subunit', t]),
                    stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                    # its temporary folders, not in the work tree
                    cwd=torture_subunit.torture_cwd(),
                    timeout=600)
                rc = p.returncode
                out = p.stdout.decode(errors='replace')
            except subprocess.TimeoutExpired:
                rc, out = None, 'timeout'
            res, why = torture_subunit.outcome(t, rc, out)
            results[t] = (res, why)
            log = os.path.join(ROOT, 'torture-%s.log' % config)
            with open(log, 'a') as f:
                f.write('=== %s %s rc=%s %.1fs\n%s\n' %
                        (t, res, rc, time.time() - start, out))
    finally:
        srv.stop()
    panic = 'PANIC' in srv.log_text()
    return results, panic


def read_table():
    table = {}
    with open(TABLE) as f:
        for line in f:
            if line.startswith('#') or not line.strip():
                continue
            cols = line.rstrip('\n').split('\t')
            table[cols[0]] = (dict(zip(ALL_CONFIGS, cols[1:5])),
                              cols[5] if len(cols) > 5 else '')
    return table


def main():
    global CONFIGS
    record = '--record' in sys.argv
    for arg in sys.argv[1:]:
        if arg.startswith('--configs='):
            CONFIGS = tuple(arg.split('=', 1)[1].split(','))
    tests = torture_tests()
    observed = {}
    panics = {}
    os.makedirs(ROOT, exist_ok=True)
    for config in CONFIGS:
        observed[config], panics[config] = run_config(config, tests)

    table = read_table() if os.path.exists(TABLE) else {}
    if record:
        for t in tests:
            print('\t'.join([t] + [observed[c][t][0] for c in CONFIGS] +
                            [table.get(t, ({}, ''))[1]]))
        return 0

    passed = failed = 0
    for t in tests:
        if t not in table:
            print('FAIL %s: not in %s' % (t, TABLE))
            failed += 1
            continue
        expected, reason = table[t]
        for c in CONFIGS:
            got, why = observed[c][t]
            if got == expected[c]:
                passed += 1
            else:
                failed += 1
                print('FAIL %s [%s]: got %s, expected %s (%s)' %
                      (t, c, got, expected[c], reason))
                if why:
                    print('     smbtorture: %s' % why)
    for t in table:
        if t not in tests:
            print('FAIL %s: in the table but not run' % t)
            failed += 1
    for c in CONFIGS:
        if panics[c]:
            print('FAIL smbd panicked in configuration %s' % c)
            failed += 1
        else:
            passed += 1
    print()
    print('%-14s %s' % ('configuration', 'tests passing'))
    for c in CONFIGS:
        n = sum(1 for t in tests if observed[c][t][0] == 'pass')
        print('%-14s %d of %d' % (c, n, len(tests)))
    print('smbtorture-table (Samba %s): %d passed, %d failed' %
          (samba_series(), passed, failed))
    return 0 if failed == 0 else 1


if __name__ == '__main__':
    sys.exit(main())
