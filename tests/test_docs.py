#!/usr/bin/python3
"""The docs tell the truth about the code they describe, in facts, not
headings: the options the module reads (from its C at test time), make
targets, long forms, links and paths, the README's length and smb.conf
snippet, the guide's smb.conf, the man page, the install commands.
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
MODULE = 'profileacl'
STRING = r'"(?:\\.|[^"\\])*"'
INDENTED = r'(    |\t)'


def read(path):
    with open(os.path.join(TOP, path)) as f:
        return f.read()


def rel(pattern):
    return sorted(os.path.relpath(p, TOP)
                  for p in glob.glob(os.path.join(TOP, pattern)))


readme, guide, makefile = (read(p) for p in (
    'README.md', 'docs/profile-server.md', 'Makefile'))
# every doc that describes the module; upstream/ describes the series
MARKDOWN = ['README.md'] + rel('docs/*.md')
DOCS = MARKDOWN + rel('docs/*.xml') + ['docs/smb.conf.example']

# --- the options the module reads, from its C at test time: the C
# without comments (string literals kept), its #defines of strings
csrc = {f: re.sub(r'//[^\n]*|/\*.*?\*/|(%s)' % STRING,
                  lambda m: m.group(1) or ' ', read(f), flags=re.S)
        for f in rel('vfs_profileacl/*.c') + rel('vfs_profileacl/*.h')}
defines = dict(kv for text in csrc.values() for kv in re.findall(
    r'#define\s+(\w+)\s+"([^"]*)"\s*$', text, re.M))


def call_args(c, start):
    """the top-level arguments of the call whose '(' is at START"""
    depth, args, arg = 0, [], ''
    for t in re.finditer(r'%s|[(),]|[^"(),]+' % STRING, c[start:]):
        t = t.group(0)
        depth += (t == '(') - (t == ')')
        if depth == 0:
            return args + [arg.strip()]
        if t == ',' and depth == 1:
            args, arg = args + [arg.strip()], ''
        elif t != '(' or depth > 1:
            arg += t
    return args


def enclosing(text, pos):
    """the name, the parameter names and the place of the name of the
    function defined around POS"""
    defs = [m for m in re.finditer(r'^\w[\w \t*]*?\b(\w+)\s*\(([^;{}]*?)'
                                   r'\)\s*\{', text, re.M) if m.start() <= pos]
    if not defs:
        return None, [], -1
    return defs[-1].group(1), [(re.findall(r'\w+', p) or [''])[-1] for p in
                               defs[-1].group(2).split(',')], defs[-1].start(1)


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
    i, values = params.index(arg), set()
    for call in re.finditer(r'\b%s\s*\(' % re.escape(func), text):
        args = call_args(text, call.end() - 1)
        if (call.start() == defined or len(args) <= i or
                enclosing(text, call.start())[0] == func):
            continue
        got = resolve(f, call.start(), args[i], depth + 1)
        if got is None:
            return None
        values |= got
    return values or None


options, unresolved = set(), []
for f, text in csrc.items():
    for m in re.finditer(r'\blp_parm_\w+\s*\(', text):
        args = call_args(text, m.end() - 1)
        module, option = ((resolve(f, m.start(), a) for a in args[1:3])
                          if len(args) >= 3 else (None, None))
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
        if not re.match(r'[A-Z]\b', rest):
            found.append(max((o for o in options if rest.lower().startswith(
                o.lower()) and not re.match(r'[A-Za-z_]', rest[len(o):])),
                key=len, default=None) or
                re.match(r'[\w ]*', rest).group(0).strip())
    return found


for doc in DOCS:
    named = named_options(read(doc))
    for opt in options if doc in ('docs/vfs_profileacl.8.xml', 'README.md',
                                  'docs/profile-server.md') else ():
        check('%s documents profileacl:%s' % (doc, opt), opt in named)
    stray = sorted(set(named) - set(options))
    check('%s names only options the module reads (%d mentions)' %
          (doc, len(named)), not stray, stray)
stray = sorted({n for text in csrc.values()
                for lit in re.findall(STRING, text)
                for n in named_options(lit.replace('\\"', '"'))} -
               set(options))
check('the module\'s own messages name only options it reads', not stray,
      stray)

# --- make targets


def code_text(doc, text):
    """the commands of a doc: code spans and code blocks of Markdown,
    without shell comments; a man page's text"""
    if not doc.endswith('.md'):
        return [text]
    out, fenced = re.findall(r'`([^`\n]+)`', text), False
    for line in text.split('\n'):
        if line.startswith('```'):
            fenced = not fenced
        elif fenced or re.match(INDENTED, line):
            out.append(re.sub(r'(^|\s)#.*', '', line))
    return out


targets = set(re.findall(r'^([a-z][\w-]*):', makefile, re.M))
named_targets = {}
for doc in DOCS[:-1]:
    for piece in code_text(doc, read(doc)):
        # make as a command: first on its line, or after && ; || ( sudo;
        # its targets up to the first word that is none
        for m in re.finditer(r'(?:^|&&|;|\|\||\(|\bsudo)[ \t]*make'
                             r'((?:[ \t]+-C[ \t]+\S+'
                             r'|[ \t]+[^\s`&;|<>()]+)*)', piece, re.M):
            for w in re.sub(r'(^|\s)-C\s+\S+', ' ', m.group(1)).split():
                if not (w.startswith('-') or '=' in w):
                    if not re.fullmatch(r'[a-z][\w-]*', w):
                        break
                    named_targets.setdefault(w, set()).add(doc)
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


def anchors(path):
    return {re.sub(r'[^\w\- ]', '', re.sub(r'[`*_]', '', h.strip().lower())
                   ).replace(' ', '-')
            for h in re.findall(r'^#+\s+(.*)$', read(path), re.M)}


for doc in MARKDOWN:
    text = read(doc)
    for link in sorted(set(re.findall(r'\]\(([^)\s]+)\)', text))):
        if re.match(r'[a-z]+:', link):
            continue
        target, _, anchor = link.partition('#')
        path = os.path.normpath(os.path.join(os.path.dirname(doc), target)
                                ) if target else doc
        check('%s links %s, which exists' % (doc, link),
              os.path.exists(os.path.join(TOP, path)) and not (
                  anchor and path.endswith('.md') and
                  anchor not in anchors(path)))
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

# --- the README's shape and its smb.conf: the snippet is the indented
# block around its "vfs objects = profileacl" line

lines = readme.split('\n')
if lines[-1] == '':
    lines.pop()
check('the README is at most 200 lines (%d)' % len(lines), len(lines) <= 200)
start = next((i for i, line in enumerate(lines) if re.match(
    INDENTED + r'\s*vfs objects\s*=\s*%s\b' % MODULE, line)), None)
while start and re.match(INDENTED, lines[start - 1]):
    start -= 1
check('the README\'s smb.conf snippet starts within its first 40 lines '
      '(line %s)' % (start + 1 if start is not None else None),
      start is not None and start + 1 <= 40)
example = read('docs/smb.conf.example')
section = re.search(r'^\[profiles\]\n(.*?)(?=^\[|\Z)', example, re.M | re.S)
settings = {re.sub(r'\s+', ' ', ln.strip()) for ln in
            (section.group(1) if section else '').split('\n')
            if ln.strip() and not ln.strip().startswith('#')}
snippet = []
for line in lines[start:] if start is not None else []:
    if not re.match(INDENTED, line):
        break
    snippet.append(re.sub(r'\s+', ' ', line.strip()))
check('the README\'s snippet is the [profiles] share of '
      'docs/smb.conf.example',
      snippet[:1] == ['[profiles]'] and len(snippet) > 1 and
      set(snippet[1:]) <= settings, (snippet, sorted(settings)))
m = re.search(r'<!-- begin docs/smb.conf.example -->\n```\n(.*?)```\n'
              r'<!-- end docs/smb.conf.example -->', guide, re.S)
check('the guide shows docs/smb.conf.example verbatim',
      m is not None and m.group(1) == example)

# --- the man page

out = subprocess.run(['man', '-l', os.path.join(TOP, 'build',
                                                'vfs_profileacl.8')],
                     stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                     env=dict(os.environ, MANWIDTH='80')).stdout.decode()
for sect in ('NAME', 'SYNOPSIS', 'DESCRIPTION', 'OPTIONS', 'EXAMPLES',
             'SECURITY', 'LIMITS', 'VERSION', 'AUTHOR'):
    check('man page has %s' % sect,
          re.search(r'^%s$' % sect, out, re.M) is not None)
check('man page has no DocBook tags left',
      re.search(r'</?[a-z]+', out) is None, re.findall(r'</?[a-z]+', out)[:5])
check('man page mentions KB Q255113', 'Q255113' in out)

# --- what the README and the guide say, in words and commands: the
# symptom, the install, which set-up is for a server and which for a
# test box

code = '\n'.join(code_text('README.md', readme))
stale = [d for d in MARKDOWN if re.search(r'^\s+scripts/setup-debian\.sh',
                                          read(d), re.M)]
for name, ok in (
        ('the README names the symptom: KB Q255113, Userenv event 1000, '
         'Change 0x001301FF without WRITE_DAC 0x00040000',
         all(s in readme for s in ('Q255113', 'event 1000', '0x001301FF',
                                   '0x00040000')) and
         0x001301FF & 0x00040000 == 0),
        ('the README names the prerequisites: make and git, as root',
         'apt-get install -y make git' in code and 'as root' in readme),
        ('the README names the supported hosts, Debian 12 and 13',
         'Debian 12' in readme and 'Debian 13' in readme),
        ('the README gives the test box\'s two commands, make demo and '
         'make check', re.search(r'^\s*make demo\b', code, re.M) and
         re.search(r'^\s*make check\b', code, re.M)),
        ('make setup is the server set-up, in the Makefile and the README',
         re.search(r'^setup:\n\tscripts/setup-server\.sh$', makefile, re.M)
         and '`make setup` (`scripts/setup-server.sh`)' in readme and
         'make && make install' in code),
        ('make demo and make check run the test-box set-up',
         'scripts/setup-testbox.sh' in read('tests/demo.sh') and
         'scripts/setup-testbox.sh' in read('tests/run')),
        ('the guide installs with make setup and keeps the test kit off a '
         'production server', 'make setup' in guide and
         'make && make install' in guide and 'production server' in guide)):
    check(name, ok)
check('no doc names the old set-up script as a command to run', not stale,
      stale)

sys.exit(R.summary('docs'))
