#!/usr/bin/python3
"""Samba's own ACL test suites (smbtorture) against a Change share with
the module, compared with a committed table of expected results: each
cell is the subtest's result (tests/torture_subunit.py), so an expected
failure that fails at another place is a deviation.

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
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from harness import Server
from torture_subunit import read_tsv, run, samba_series, subtests

# PROFILEACL_TORTURE_TABLE: another table (to show a planted deviation)
TABLE = os.environ.get('PROFILEACL_TORTURE_TABLE') or os.path.join(
    os.path.dirname(os.path.abspath(__file__)),
    'smbtorture-expected-%s.tsv' % samba_series())
ROOT = os.environ.get('PROFILEACL_TORTURE_ROOT', '/tmp/profileacl-torture')
SUITES = ('smb2.acls', 'smb2.acls_non_canonical', 'raw.acls',
          'smb2.create.aclfile', 'smb2.create.acldir', 'smb2.create.nulldacl',
          'smb2.sdread', 'smb2.maximum_allowed', 'base.maximum_allowed',
          'raw.composite.appendacl', 'smb2.ea.acl_xattr')

SHARE = '''
[%s]
	path = @ROOT@/%s
	read only = no
	vfs objects = %s
%s'''
# configuration: (vfs objects, extra lines, share ACL)
CONFIG_SHARES = {
    'change': ('acl_xattr', '', 'CHANGE'),
    'module': ('profileacl acl_xattr', '', 'CHANGE'),
    'write_owner': ('profileacl acl_xattr',
                    '\tprofileacl:grant = write_dac write_owner\n', 'CHANGE'),
    'full': ('acl_xattr', '', 'FULL'),
}
ALL_CONFIGS = tuple(CONFIG_SHARES)


def run_config(config, tests):
    """({test: (result, reason)}, smbd panicked)"""
    vfs, extra, acl = CONFIG_SHARES[config]
    shares = {'torture': '', 'hideunread': '\thide unreadable = yes\n'}
    srv = Server(os.path.join(ROOT, config), extra_shares=''.join(
        SHARE % (n, n, vfs, extra + more) for n, more in shares.items()))
    srv.prepare(users=('alice', 'bob'), share_acls=dict.fromkeys(shares, acl))
    results = {}
    srv.start()
    try:
        with open(os.path.join(ROOT, 'torture-%s.log' % config), 'a') as log:
            for t in tests:
                got, secs, out = run('127.0.0.1/torture', [t], 600)
                results[t] = got[t]
                log.write('=== %s %s %.1fs\n%s\n' % (t, got[t][0], secs, out))
    finally:
        srv.stop()
    return results, 'PANIC' in srv.log_text()


def main():
    configs = ALL_CONFIGS
    for arg in sys.argv[1:]:
        if arg.startswith('--configs='):
            configs = tuple(arg.split('=', 1)[1].split(','))
    tests = list(dict.fromkeys(n for s in SUITES
                               for n in subtests(s, s.split('.')[0])))
    os.makedirs(ROOT, exist_ok=True)
    observed, panics = {}, {}
    for c in configs:
        observed[c], panics[c] = run_config(c, tests)
    table = {r[0]: (dict(zip(ALL_CONFIGS, r[1:5])), (r + [''] * 5)[5])
             for r in (read_tsv(TABLE) if os.path.exists(TABLE) else [])}
    if '--record' in sys.argv:
        for t in tests:
            print('\t'.join([t] + [observed[c][t][0] for c in configs] +
                            [table.get(t, ({}, ''))[1]]))
        return 0

    passed, failures = 0, []
    for t in tests:
        if t not in table:
            failures.append('%s: not in %s' % (t, TABLE))
            continue
        expected, reason = table[t]
        for c in configs:
            got, why = observed[c][t]
            if got == expected[c]:
                passed += 1
            else:
                failures.append('%s [%s]: got %s, expected %s (%s)%s' % (
                    t, c, got, expected[c], reason,
                    '\n     smbtorture: ' + why if why else ''))
    failures += ['%s: in the table but not run' % t for t in table
                 if t not in tests]
    failures += ['smbd panicked in configuration %s' % c for c in configs
                 if panics[c]]
    passed += sum(not panics[c] for c in configs)
    for f in failures:
        print('FAIL ' + f)
    print('\n%-14s %s' % ('configuration', 'tests passing'))
    for c in configs:
        n = sum(1 for t in tests if observed[c][t][0] == 'pass')
        print('%-14s %d of %d' % (c, n, len(tests)))
    print('smbtorture-table (Samba %s): %d passed, %d failed' %
          (samba_series(), passed, len(failures)))
    return 0 if not failures else 1


if __name__ == '__main__':
    sys.exit(main())
