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
check('the module knows 3 options', len(options) == 3, options)
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

sys.exit(R.summary('docs'))
