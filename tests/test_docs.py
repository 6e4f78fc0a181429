#!/usr/bin/python3
"""The docs tell the truth about the code they describe. Facts, not
headings, so the docs can be reshaped freely:
- every option the module reads (its lp_parm_*() calls, read from the C
  at test time) is in the man page, the README and the admin guide, and
  no doc names a profileacl: option the module does not read;
- every `make TARGET` the README and docs/ give is a Makefile target;
- every file the README and docs/*.md link or name in backquotes exists,
  and every #anchor of a link to a Markdown file is one of its headings;
- the README is at most 200 lines, its smb.conf snippet starts within its
  first 40 lines and agrees with docs/smb.conf.example;
- the admin guide shows docs/smb.conf.example exactly (the tests load that
  file, so guide and tests share one smb.conf);
- the man page renders with man(1), with no DocBook left in it;
- the install commands: prerequisites, supported hosts, which set-up is
  for a server and which for a test box.
Run by tests/run (tests/suites); ends "docs: N passed, N failed".
"""

import glob
import os
import re
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from harness import Results

TOP = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                    '..'))
R = Results()
check = R.check


def read(path):
    with open(os.path.join(TOP, path)) as f:
        return f.read()


def rel(pattern):
    return sorted(os.path.relpath(p, TOP)
                  for p in glob.glob(os.path.join(TOP, pattern)))


readme = read('README.md')
guide = read('docs/profile-server.md')
makefile = read('Makefile')
MODULE = 'profileacl'
# every doc that describes the module; upstream/ describes the series
DOCS = (['README.md'] + rel('docs/*.md') + rel('docs/*.xml') +
        ['docs/smb.conf.example'])
MARKDOWN = ['README.md'] + rel('docs/*.md')

# --- the options the module reads, from its C at test time


def strip_comments(c):
    """C without its comments, string literals kept"""
    return re.sub(r'//[^\n]*|/\*.*?\*/|("(?:\\.|[^"\\])*")',
                  lambda m: m.group(1) or ' ', c, flags=re.S)


def call_args(c, start):
    """the top-level arguments of the call whose '(' is at START"""
    depth, arg, args, i = 0, '', [], start
    while i < len(c):
        ch = c[i]
        if ch == '"':
            m = re.compile(r'"(?:\\.|[^"\\])*"').match(c, i)
            arg += m.group(0)
            i = m.end()
            continue
        if ch == '(':
            depth += 1
            if depth == 1:
                i += 1
                continue
        elif ch == ')':
            depth -= 1
            if depth == 0:
                args.append(arg.strip())
                return args
        elif ch == ',' and depth == 1:
            args.append(arg.strip())
            arg = ''
            i += 1
            continue
        arg += ch
        i += 1
    return args


csrc = {f: strip_comments(read(f)) for f in
        rel('vfs_profileacl/*.c') + rel('vfs_profileacl/*.h')}
defines = {}
for text in csrc.values():
    for name, value in re.findall(r'#define\s+(\w+)\s+"([^"]*)"\s*$', text,
                                  re.M):
        defines[name] = value


def enclosing(text, pos):
    """the name, the parameter names and the place of the name of the
    function defined around POS"""
    best = None
    for m in re.finditer(r'^\w[\w \t*]*?\b(\w+)\s*\(([^;{}]*?)\)\s*\{',
                         text, re.M):
        if m.start() > pos:
            break
        best = m
    if best is None:
        return None, [], -1
    params = [(re.findall(r'\w+', p) or [''])[-1]
              for p in best.group(2).split(',')]
    return best.group(1), params, best.start(1)


def resolve(f, pos, arg, depth=0):
    """the strings an argument at POS of file F can be: a literal, a
    #define of one, or a parameter of a static wrapper, resolved at each
    of the wrapper's calls; None where that cannot be told"""
    if re.fullmatch(r'"[^"\\]*"', arg):
        return {arg[1:-1]}
    if arg in defines:
        return {defines[arg]}
    text = csrc[f]
    func, params, defined = enclosing(text, pos)
    if depth > 3 or func is None or arg not in params:
        return None
    i = params.index(arg)
    values = set()
    for call in re.finditer(r'\b%s\s*\(' % re.escape(func), text):
        if call.start() == defined:
            continue
        args = call_args(text, call.end() - 1)
        if enclosing(text, call.start())[0] == func or len(args) <= i:
            continue
        got = resolve(f, call.start(), args[i], depth + 1)
        if got is None:
            return None
        values |= got
    return values or None


options = set()
unresolved = []
for f, text in csrc.items():
    for m in re.finditer(r'\blp_parm_\w+\s*\(', text):
        args = call_args(text, m.end() - 1)
        if len(args) < 3:
            unresolved.append('%s: %s' % (f, text[m.start():m.end() + 60]))
            continue
        module = resolve(f, m.start(), args[1])
        option = resolve(f, m.start(), args[2])
        if module is None or option is None:
            unresolved.append('%s: %s%s)' % (f, m.group(0), ', '.join(args)))
        elif module == {MODULE}:
            options |= option
options = sorted(options)
check('the module reads its options through lp_parm_*() (%d: %s)' %
      (len(options), ', '.join(options)), len(options) >= 1)
check('every lp_parm_*() call of the module names its module and option '
      'as a string or a #define of one', not unresolved, unresolved)


def named_options(text):
    """each 'profileacl:NAME' in TEXT that names an option (not the debug
    class, profileacl:3; not a placeholder, profileacl:X): the option, as
    the longest option read that it starts with, or the text itself"""
    found = []
    for m in re.finditer(r'(?<![\w/.-])%s:(?=[A-Za-z])' % MODULE, text):
        rest = text[m.end():m.end() + 40]
        if re.match(r'[A-Z]\b', rest):
            continue
        best = None
        for opt in options:
            if (rest.lower().startswith(opt.lower()) and
                    not re.match(r'[A-Za-z_]', rest[len(opt):len(opt) + 1])):
                if best is None or len(opt) > len(best):
                    best = opt
        found.append(best or re.match(r'[\w ]*', rest).group(0).strip())
    return found


for doc in ('docs/vfs_profileacl.8.xml', 'README.md',
            'docs/profile-server.md'):
    text = read(doc)
    named = named_options(text)
    for opt in options:
        check('%s documents profileacl:%s' % (doc, opt), opt in named)
for doc in DOCS:
    named = named_options(read(doc))
    stray = sorted(set(n for n in named if n not in options))
    check('%s names only options the module reads (%d mentions)' %
          (doc, len(named)), not stray, stray)
c_named = set()
for text in csrc.values():
    for lit in re.findall(r'"(?:\\.|[^"\\])*"', text):
        c_named.update(named_options(lit.replace('\\"', '"')))
stray = sorted(c_named - set(options))
check('the module\'s own messages name only options it reads', not stray,
      stray)

# --- make targets


def code_text(doc, text):
    """the commands of a doc: code spans and code blocks of Markdown,
    without shell comments; a man page's text"""
    if not doc.endswith('.md'):
        return [text]
    out = re.findall(r'`([^`\n]+)`', text)
    fenced = False
    for line in text.split('\n'):
        if line.startswith('```'):
            fenced = not fenced
            continue
        if fenced or re.match(r'(    |\t)', line):
            out.append(re.sub(r'(^|\s)#.*', '', line))
    return out


targets = set(re.findall(r'^([a-z][\w-]*):', makefile, re.M))
named_targets = {}
for doc in DOCS:
    if doc.endswith('.example'):
        continue
    text = read(doc)
    for piece in code_text(doc, text):
        # make as a command: first on its line, or after && ; || ( sudo
        for m in re.finditer(r'(?:^|&&|;|\|\||\(|\bsudo)[ \t]*make'
                             r'((?:[ \t]+-C[ \t]+\S+'
                             r'|[ \t]+[^\s`&;|<>()]+)*)', piece, re.M):
            words = m.group(1).split()
            i = 0
            while i < len(words):
                w = words[i]
                if w == '-C':
                    i += 2
                    continue
                if w.startswith('-') or '=' in w:
                    i += 1
                    continue
                if not re.fullmatch(r'[a-z][\w-]*', w):
                    break
                named_targets.setdefault(w, set()).add(doc)
                i += 1
check('the README and docs name make targets (%d: %s)' %
      (len(named_targets), ', '.join(sorted(named_targets))),
      len(named_targets) >= 1)
for t in sorted(named_targets):
    check('the Makefile has the target %s that %s names' %
          (t, ', '.join(sorted(named_targets[t]))), t in targets)

# --- the long forms: the blocks "Long forms, not part of ..." of the
# README and docs/testing.md are run by tests/run --check-table; the prose
# of every doc names only forms of those blocks


def long_forms(text):
    block, on = [], False
    for line in text.split('\n'):
        if line.startswith('Long forms, not part of'):
            on = True
        elif on and re.match(r'    \S', line):
            block.append(line[4:])
        elif on and block and re.match(r'\S', line):
            break
    return block


blocks = []
for doc in ('README.md', 'docs/testing.md'):
    forms = long_forms(read(doc))
    check('%s lists its long forms (%d)' % (doc, len(forms)), len(forms) >= 1)
    blocks += forms
for doc in MARKDOWN:
    for form in sorted(set(re.findall(r'long forms?:? `([^`]*)`',
                                      re.sub(r'\s+', ' ', read(doc)),
                                      re.I))):
        check('%s names the long form `%s`, which a block lists' %
              (doc, form), form in blocks)

# --- links and paths


def slug(heading):
    h = re.sub(r'[`*_]', '', heading.strip().lower())
    h = re.sub(r'[^\w\- ]', '', h)
    return h.replace(' ', '-')


def anchors(path):
    return {slug(h) for h in re.findall(r'^#+\s+(.*)$', read(path), re.M)}


for doc in MARKDOWN:
    text = read(doc)
    base = os.path.dirname(doc)
    links = re.findall(r'\]\(([^)\s]+)\)', text)
    for link in sorted(set(links)):
        if re.match(r'[a-z]+:', link):
            continue
        target, _, anchor = link.partition('#')
        path = os.path.normpath(os.path.join(base, target)) if target else doc
        ok = os.path.exists(os.path.join(TOP, path))
        if ok and anchor and path.endswith('.md'):
            ok = anchor in anchors(path)
        check('%s links %s, which exists' % (doc, link), ok)
    for path in sorted(set(re.findall(
            r'`((?:docs|tests|scripts|vfs_profileacl|upstream|debian)/'
            r'[\w./-]+)`', text))):
        check('%s names %s, which exists' % (doc, path),
              os.path.exists(os.path.join(TOP, path)))
check('the README links the admin guide, the man page, docs/security.md '
      'and upstream/README.md',
      all('](%s)' % p in readme for p in
          ('docs/profile-server.md', 'docs/vfs_profileacl.8.xml',
           'docs/security.md', 'upstream/README.md')))

# --- the README's shape and its smb.conf

lines = readme.split('\n')
if lines and lines[-1] == '':
    lines.pop()
check('the README is at most 200 lines (%d)' % len(lines), len(lines) <= 200)
start = None
for i, line in enumerate(lines):
    if re.match(r'(    |\t)\s*vfs objects\s*=\s*%s\b' % MODULE, line):
        start = i
        while start > 0 and re.match(r'(    |\t)', lines[start - 1]):
            start -= 1
        break
check('the README\'s smb.conf snippet starts within its first 40 lines '
      '(line %s)' % (start + 1 if start is not None else None),
      start is not None and start + 1 <= 40)
example = read('docs/smb.conf.example')
section = re.search(r'^\[profiles\]\n(.*?)(?=^\[|\Z)', example,
                    re.M | re.S)
settings = {re.sub(r'\s+', ' ', ln.strip()) for ln in
            (section.group(1) if section else '').split('\n')
            if ln.strip() and not ln.strip().startswith('#')}
snippet = []
for line in lines[start:] if start is not None else []:
    if not re.match(r'(    |\t)', line):
        break
    snippet.append(re.sub(r'\s+', ' ', line.strip()))
check('the README\'s snippet is the [profiles] share of '
      'docs/smb.conf.example',
      snippet[:1] == ['[profiles]'] and len(snippet) > 1 and
      set(snippet[1:]) <= settings, (snippet, sorted(settings)))
check('the README names the symptom: KB Q255113, Userenv event 1000, '
      'Change 0x001301FF without WRITE_DAC 0x00040000',
      all(s in readme for s in ('Q255113', 'event 1000', '0x001301FF',
                                '0x00040000')) and
      0x001301FF & 0x00040000 == 0)

m = re.search(r'<!-- begin docs/smb.conf.example -->\n```\n(.*?)```\n'
              r'<!-- end docs/smb.conf.example -->', guide, re.S)
check('the guide shows docs/smb.conf.example verbatim',
      m is not None and m.group(1) == example)

# --- the man page

man = os.path.join(TOP, 'build', 'vfs_profileacl.8')
out = subprocess.run(['man', '-l', man], stdout=subprocess.PIPE,
                     stderr=subprocess.STDOUT,
                     env=dict(os.environ, MANWIDTH='80')).stdout.decode()
for sect in ('NAME', 'SYNOPSIS', 'DESCRIPTION', 'OPTIONS', 'EXAMPLES',
             'SECURITY', 'LIMITS', 'VERSION', 'AUTHOR'):
    check('man page has %s' % sect,
          re.search(r'^%s$' % sect, out, re.M) is not None)
check('man page has no DocBook tags left',
      re.search(r'</?[a-z]+', out) is None, re.findall(r'</?[a-z]+', out)[:5])
check('man page mentions KB Q255113', 'Q255113' in out)

# --- the install commands: which set-up is for a server, which for a
# test box

readme_code = '\n'.join(code_text('README.md', readme))
check('the README names the prerequisites: make and git, as root',
      'apt-get install -y make git' in readme_code and 'as root' in readme)
check('the README names the supported hosts, Debian 12 and 13',
      'Debian 12' in readme and 'Debian 13' in readme)
check('the README gives the test box\'s two commands, make demo and '
      'make check', re.search(r'^\s*make demo\b', readme_code, re.M) and
      re.search(r'^\s*make check\b', readme_code, re.M))
check('make setup is the server set-up, in the Makefile and the README',
      re.search(r'^setup:\n\tscripts/setup-server\.sh$', makefile, re.M)
      is not None and '`make setup` (`scripts/setup-server.sh`)' in readme
      and 'make && make install' in readme_code)
check('make demo and make check run the test-box set-up',
      'scripts/setup-testbox.sh' in read('tests/demo.sh') and
      'scripts/setup-testbox.sh' in read('tests/run'))
check('the guide installs with make setup and keeps the test kit off a '
      'production server',
      'make setup' in guide and 'make && make install' in guide and
      'production server' in guide)
stale = [d for d in MARKDOWN if re.search(r'^\s+scripts/setup-debian\.sh',
                                          read(d), re.M)]
check('no doc names the old set-up script as a command to run', not stale,
      stale)

sys.exit(R.summary('docs'))
