#!/usr/bin/python3
"""The docs tell the truth about the code they describe:
- the admin guide shows docs/smb.conf.example exactly (the tests load that
  file, so guide and tests share one smb.conf);
- every option the module knows is in the man page, README and guide;
- the man page renders with man(1), with no DocBook left in it.
"""

import os
import re
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from harness import Results

TOP = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..')
R = Results()
check = R.check


def read(path):
    with open(os.path.join(TOP, path)) as f:
        return f.read()


guide = read('docs/profile-server.md')
m = re.search(r'<!-- begin docs/smb.conf.example -->\n```\n(.*?)```\n'
              r'<!-- end docs/smb.conf.example -->', guide, re.S)
check('the guide shows docs/smb.conf.example verbatim',
      m is not None and m.group(1) == read('docs/smb.conf.example'))

header = read('vfs_profileacl/profileacl_policy.h')
options = re.findall(r'#define PROFILEACL_OPT_\w+\s+"([^"]+)"', header)
check('the module knows 6 options', len(options) == 6, options)
for doc in ('docs/vfs_profileacl.8.xml', 'README.md',
            'docs/profile-server.md'):
    text = read(doc)
    for opt in options:
        check('%s documents profileacl:%s' % (doc, opt),
              'profileacl:' + opt in text)

man = os.path.join(TOP, 'build', 'vfs_profileacl.8')
out = subprocess.run(['man', '-l', man], stdout=subprocess.PIPE,
                     stderr=subprocess.STDOUT,
                     env=dict(os.environ, MANWIDTH='80')).stdout.decode()
for section in ('NAME', 'SYNOPSIS', 'DESCRIPTION', 'OPTIONS', 'EXAMPLES',
                'SECURITY', 'LIMITS', 'VERSION', 'AUTHOR'):
    check('man page has %s' % section,
          re.search(r'^%s$' % section, out, re.M) is not None)
check('man page has no DocBook tags left',
      re.search(r'</?[a-z]+', out) is None, re.findall(r'</?[a-z]+', out)[:5])
check('man page mentions KB Q255113', 'Q255113' in out)

# the commands the README and the guide give exist, and say which set-up
# is for a server and which for a test box
readme = read('README.md')
makefile = read('Makefile')
quick = readme[readme.index('## Quick start'):readme.index('What the demo prints')]
for target in ('demo', 'check', 'setup', 'setup-testbox', 'install'):
    check('the Makefile has the target %s the README names' % target,
          re.search(r'^%s:' % re.escape(target), makefile, re.M) is not None)
check('the quick start names the prerequisites: make and git, as root',
      'apt-get install -y make git' in quick and 'as root' in quick)
check('the quick start names the supported hosts, Debian 12 and 13',
      'Debian 12' in quick and 'Debian 13' in quick)
check('make setup is the server set-up, in the Makefile and the README',
      re.search(r'^setup:\n\tscripts/setup-server\.sh$', makefile, re.M)
      is not None and '`make setup` (`scripts/setup-server.sh`)' in quick)
check('make demo and make check run the test-box set-up',
      'scripts/setup-testbox.sh' in read('tests/demo.sh') and
      'scripts/setup-testbox.sh' in read('tests/run-all.sh'))
check('the guide installs with make setup and keeps the test kit off a '
      'production server',
      'make setup' in guide and 'make && make install' in guide and
      'production server' in guide)
check('no doc names the old set-up script as a command to run',
      not re.search(r'^\s+scripts/setup-debian\.sh', readme + guide, re.M))

sys.exit(R.summary('docs'))
