#!/usr/bin/python3
"""The docs tell the truth about the code they describe, in facts, not
headings: the options the module reads (from its C at test time), make
targets, long forms, links and paths, the README's length and smb.conf
snippet, the guide's smb.conf, the man page, the install commands;
profileacl-check's problem codes, options, exit statuses and JSON keys
(from its code) in its man page and the guide, and what the README,
docs/security.md and docs/testing.md say of it.
Run by tests/run (tests/suites); ends "docs: N passed, N failed".
"""

import ast
import glob
import os
import re
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from harness import Results
from samba.dcerpc import security

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
# the symptom's masks as the README gives them, against Samba's: WRITE_DAC,
# the share ACL Change (sharesec's CHANGE, source3/lib/util_sd.c) and the
# share's mask in smbd's log line
masks = [int(m.group(1), 16) if m else None for m in (
    re.search(r'WRITE_DAC \((0x[0-9A-Fa-f]{8})\)', readme),
    re.search(r'share ACL Change\s+\((0x[0-9A-Fa-f]{8})\)', readme),
    re.search(r'rejected by share access mask\[(0x[0-9A-Fa-f]{8})\]', readme))]
change = (security.SEC_RIGHTS_DIR_READ | security.SEC_STD_DELETE |
          security.SEC_DIR_DELETE_CHILD | security.SEC_RIGHTS_DIR_WRITE |
          security.SEC_DIR_TRAVERSE)
for name, ok in (
        ('the README names the symptom: KB Q255113, Userenv event 1000, '
         'and Samba\'s masks: WRITE_DAC 0x%08X, Change 0x%08X without it, '
         'in smbd\'s log line (README: %s)' % (
             security.SEC_STD_WRITE_DAC, change,
             ', '.join('0x%08X' % m if m is not None else 'none'
                       for m in masks)),
         'Q255113' in readme and 'event 1000' in readme and
         masks == [security.SEC_STD_WRITE_DAC, change, change] and
         not change & security.SEC_STD_WRITE_DAC),
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

# --- profileacl-check: its problem codes, options, exit statuses and
# output keys, read from its code (scripts/profileacl-check, and
# profileacl-decide's C for --user's answers), against its man page, the
# guide's section, the README, docs/security.md and docs/testing.md

TOOL = 'scripts/profileacl-check'
tool_tree = ast.parse(read(TOOL))
tool_funcs = [n for n in ast.walk(tool_tree) if isinstance(n, ast.FunctionDef)]


def values(func, node, seen=()):
    """the strings expression NODE of function FUNC can be: a literal, or
    a name bound in FUNC by an assignment or a for loop over a list of
    tuples; None where that cannot be told"""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return {node.value}
    if not isinstance(node, ast.Name) or node.id in seen:
        return None
    name, found = node.id, set()

    def bind(target, value):
        if isinstance(target, ast.Name) and target.id == name:
            return values(func, value, seen + (name,))
        if isinstance(target, ast.Tuple) and isinstance(value, ast.Tuple) \
                and len(target.elts) == len(value.elts):
            got = set()
            for t, v in zip(target.elts, value.elts):
                b = bind(t, v)
                if b is None:
                    return None
                got |= b
            return got
        return set()

    for n in ast.walk(func):
        if isinstance(n, ast.Assign):
            for t in n.targets:
                b = bind(t, n.value)
                if b is None:
                    return None
                found |= b
        elif isinstance(n, ast.For) and isinstance(n.target, ast.Tuple):
            names = [e.id if isinstance(e, ast.Name) else None
                     for e in n.target.elts]
            if name not in names:
                continue
            i, rows = names.index(name), n.iter
            if isinstance(rows, ast.Name):
                rows = next((a.value for a in ast.walk(func)
                             if isinstance(a, ast.Assign) and
                             any(isinstance(t, ast.Name) and
                                 t.id == rows.id for t in a.targets)), None)
            if not isinstance(rows, (ast.List, ast.Tuple)):
                return None
            for row in rows.elts:
                if not isinstance(row, ast.Tuple) or len(row.elts) <= i:
                    return None
                b = values(func, row.elts[i], seen + (name,))
                if b is None:
                    return None
                found |= b
    return found or None


codes, unresolved = set(), []
for func in tool_funcs:
    for call in ast.walk(func):
        if isinstance(call, ast.Call) and \
                isinstance(call.func, ast.Attribute) and \
                call.func.attr == 'problem':
            arg = call.args[2] if len(call.args) > 2 else next(
                (k.value for k in call.keywords if k.arg == 'code'), None)
            got = values(func, arg) if arg is not None else None
            if got is None:
                unresolved.append('%s: line %d' % (func.name, call.lineno))
            else:
                codes |= got
codes = sorted(codes)
check('profileacl-check emits its problem codes through problem() (%d: '
      '%s)' % (len(codes), ', '.join(codes)), len(codes) >= 10)
check('every problem() call of profileacl-check names its code as a '
      'string, or a name bound to strings', not unresolved, unresolved)

check_man = read('docs/profileacl-check.8.xml')


def refsect(xml, title):
    m = re.search(r'<refsect1>\s*<title>%s</title>(.*?)</refsect1>' %
                  re.escape(title), xml, re.S)
    return m.group(1) if m else ''


def terms(xml):
    return [re.sub(r'<[^>]+>|\s+', lambda m: ' ' if m.group(0).strip() == ''
                   else '', t).strip()
            for t in re.findall(r'<term>(.*?)</term>', xml, re.S)]


man_codes = terms(refsect(check_man, 'PROBLEM CODES'))
check('profileacl-check(8) PROBLEM CODES lists every code the tool emits',
      not set(codes) - set(man_codes), sorted(set(codes) - set(man_codes)))
check('profileacl-check(8) PROBLEM CODES lists only codes the tool emits, '
      'each once', not set(man_codes) - set(codes) and
      len(man_codes) == len(set(man_codes)),
      (sorted(set(man_codes) - set(codes)), man_codes))

# the guide's section, up to the next section
section = re.search(r'^## \d+\. Check a profile share\n(.*?)(?=^## )', guide,
                    re.M | re.S)
section = section.group(1) if section else ''
guide_codes = {c for c in re.findall(r'`([a-z]+(?:-[a-z]+)+)`', section)
               if c not in ('profileacl-check', 'profileacl-decide',
                            'profileacl-rebuild')}
check('the guide\'s "Check a profile share" names every problem code',
      not set(codes) - guide_codes, sorted(set(codes) - guide_codes))
check('the guide\'s "Check a profile share" names only codes the tool '
      'emits', not guide_codes - set(codes), sorted(guide_codes - set(codes)))

# the options, from its argparse
options, metavars, defaults = [], {}, {}
for call in ast.walk(tool_tree):
    if isinstance(call, ast.Call) and isinstance(call.func, ast.Attribute) \
            and call.func.attr == 'add_argument':
        forms = [a.value for a in call.args if isinstance(a, ast.Constant)
                 and a.value.startswith('-')]
        if not forms:
            continue
        kw = {k.arg: k.value for k in call.keywords}
        options.append(forms)
        if isinstance(kw.get('metavar'), ast.Constant):
            metavars[forms[0]] = kw['metavar'].value
        if isinstance(kw.get('default'), ast.Constant) and \
                kw['default'].value not in (None, False):
            defaults[forms[0]] = kw['default'].value
check('profileacl-check has options (%d: %s)' % (len(options), ', '.join(
    '/'.join(f) for f in options)), len(options) >= 4)
opt_terms = terms(refsect(check_man, 'OPTIONS'))
entries = dict(re.findall(r'<term>(.*?)</term>\s*<listitem>(.*?)</listitem>',
                          refsect(check_man, 'OPTIONS'), re.S))


def named(form, text):
    return re.search(r'(?<![\w-])%s(?![\w-])' % re.escape(form), text)


for forms in options:
    term = next((t for t in opt_terms if named(forms[0], t)), None)
    check('profileacl-check(8) OPTIONS has %s (%s)' % (
        ', '.join(forms), term), term is not None and
        all(named(f, term) for f in forms) and
        (forms[0] not in metavars or metavars[forms[0]] in term))
    if forms[0] in defaults:
        body = next((re.sub(r'<[^>]+>', '', b) for t, b in entries.items()
                     if named(forms[0], re.sub(r'<[^>]+>', '', t))), '')
        check('profileacl-check(8) gives the default of %s, %s' %
              (forms[0], defaults[forms[0]]),
              str(defaults[forms[0]]) in body)
known_forms = {f for forms in options for f in forms}
stray = sorted({f for t in opt_terms for f in re.findall(
    r'(?<![\w-])--?[a-z][\w-]*', t)} - known_forms)
check('profileacl-check(8) OPTIONS names only options the tool has',
      not stray, stray)
synopsis = re.sub(r'<[^>]+>', ' ', re.search(
    r'<refsynopsisdiv>(.*?)</refsynopsisdiv>', check_man, re.S).group(1))
stray = sorted(set(re.findall(r'(?<![\w-])--?[a-z][\w-]*', synopsis)) -
               known_forms)
check('profileacl-check(8) SYNOPSIS shows every option and no other',
      all(any(named(f, synopsis) for f in forms) for forms in options) and
      not stray, stray)

# the exit statuses: the integers main() and report_user() return
statuses = set()
for func in tool_funcs:
    if func.name in ('main', 'report_user'):
        for r in ast.walk(func):
            if isinstance(r, ast.Return) and r.value is not None:
                statuses |= {n.value for n in ast.walk(r.value)
                             if isinstance(n, ast.Constant) and
                             type(n.value) is int}
statuses |= {c.args[0].value for c in ast.walk(tool_tree)
             if isinstance(c, ast.Call) and
             isinstance(c.func, ast.Attribute) and c.func.attr == 'exit' and
             c.args and isinstance(c.args[0], ast.Constant)}
man_statuses = {int(t) for t in terms(refsect(check_man, 'EXIT STATUS'))
                if t.isdigit()}
check('profileacl-check(8) EXIT STATUS lists the statuses the tool returns '
      '(%s)' % sorted(statuses), statuses == man_statuses == {0, 1, 2},
      (sorted(statuses), sorted(man_statuses)))


# the keys of --json: of each document json.dump() prints (the report,
# --user's answers, the error's) and of each problem (the dict problem()
# records); --user's answers are profileacl-decide's JSON, with the keys
# the tool sets on each answer it loads (not those of its other dicts)
def dict_keys(node):
    return {k.value for k in node.keys if isinstance(k, ast.Constant)}


def calls(node, name):
    """the calls under NODE of a function or method named NAME"""
    return [c for c in ast.walk(node) if isinstance(c, ast.Call) and
            (getattr(c.func, 'attr', None) or
             getattr(c.func, 'id', None)) == name]


keys = set()
for call in calls(tool_tree, 'dump'):
    if call.args and isinstance(call.args[0], ast.Dict):
        keys |= dict_keys(call.args[0])
for func in tool_funcs:
    if func.name == 'problem':
        for d in ast.walk(func):
            if isinstance(d, ast.Dict):
                keys |= dict_keys(d)
decide_c = read('vfs_profileacl/profileacl_decide.c')
# an answer is written by decide_user() and, per path, decide_path()
user_c = ''.join(m.group(0) for m in re.finditer(
    r'\nstatic \w+ decide_(?:user|path)\(.*?\n}\n', decide_c, re.S))
c_keys = set(re.findall(r'json_str\(\s*"(\w+)"', user_c) +
             re.findall(r'\\"(\w+)\\": ', user_c))
answer_keys = set(c_keys)
for func in tool_funcs:
    loaded = {t.id for a in ast.walk(func) if isinstance(a, ast.Assign) and
              calls(a.value, 'loads')
              for t in a.targets if isinstance(t, ast.Name)}
    items = {f.target.id for f in ast.walk(func)
             if isinstance(f, ast.For) and isinstance(f.target, ast.Name) and
             isinstance(f.iter, ast.Name) and f.iter.id in loaded}
    answer_keys |= {n.slice.value for n in ast.walk(func)
                    if isinstance(n, ast.Subscript) and
                    isinstance(n.ctx, ast.Store) and
                    isinstance(n.value, ast.Name) and n.value.id in items and
                    isinstance(n.slice, ast.Constant)}
output = refsect(check_man, 'OUTPUT')
missing = sorted(k for k in keys | answer_keys
                 if '<literal>%s</literal>' % k not in output)
check('profileacl-check(8) OUTPUT names every key of --json (%d) and of '
      '--user\'s answers (%d, %d of them from profileacl-decide)' %
      (len(keys), len(answer_keys), len(c_keys)),
      len(keys) >= 10 and len(c_keys) >= 8 and
      len(answer_keys) > len(c_keys) and not missing, missing)

# the examples of output are in the tool's format: its summary line, and
# each problem's first line with a code it emits
summary = [c.left.value for c in ast.walk(tool_tree)
           if isinstance(c, ast.BinOp) and isinstance(c.op, ast.Mod) and
           isinstance(c.left, ast.Constant) and
           str(c.left.value).endswith(' checked')]
summary_re = re.escape(summary[0]).replace(r'%d', r'\d+').replace(
    r'%s', r'.*?') if len(summary) == 1 else r'(?!)'
for doc, text in (('profileacl-check(8)', check_man),
                  ('the guide\'s section', section)):
    lines = [ln.strip() for ln in text.split('\n')]
    firsts = [re.match(r'\[(\w+)\] ([a-z-]+) /', ln) for ln in lines]
    firsts = [m.group(2) for m in firsts if m]
    sums = [ln for ln in lines if re.match(r'\d+ problems?\b', ln)]
    check('%s shows the tool\'s output: its summary lines (%d), and '
          'problems with codes it emits (%s)' % (doc, len(sums),
                                                  ', '.join(firsts)),
          sums and all(re.fullmatch(summary_re, ln) for ln in sums) and
          firsts and set(firsts) <= set(codes), (summary_re, sums, firsts))
check('the guide\'s "Check a profile share" runs profileacl-check, --fix '
      'and --user as commands',
      all(re.search(r'^(    |    # )profileacl-check\b.*%s' % o, section,
                    re.M) for o in ('', '--fix', '--user')))

# where it runs from and where it is installed
wscript = read('wscript')
check('the README names profileacl-check, build/profileacl-check after '
      'make, and links its man page',
      '`build/profileacl-check`' in readme and 'after `make`' in readme and
      '](docs/profileacl-check.8.xml)' in readme and
      re.search(r"source='scripts/profileacl-check',\s*target="
                r"'profileacl-check'", wscript) is not None)
libexec = re.search(r"LIBEXECDIR = os\.path\.join\(conf\.env\.PREFIX, "
                    r"'libexec',\s*'([\w-]+)'\)", wscript)
check('profileacl-check(8) FILES names profileacl-decide where the package '
      '(PREFIX /usr) installs it',
      libexec is not None and '--prefix=/usr' in read('debian/rules') and
      '<filename>/usr/libexec/%s/profileacl-decide</filename>' %
      libexec.group(1) in refsect(check_man, 'FILES'))

# docs/security.md: what --fix's walk does holds in the tool, and the
# tests it names are test_check.py's
sec = re.search(r'^## profileacl-check --fix\n(.*?)(?=^## )',
                read('docs/security.md'), re.M | re.S)
sec = re.sub(r'\s+', ' ', sec.group(1)) if sec else ''
src = read(TOOL)


def names_in(node):
    return {n.attr if isinstance(n, ast.Attribute) else n.id
            for n in ast.walk(node)
            if isinstance(n, (ast.Name, ast.Attribute))}


def on(func, name, fd):
    """the lines of FUNC's calls of NAME with FD as the first argument"""
    return [c.lineno for c in calls(func, name) if c.args and
            isinstance(c.args[0], ast.Name) and c.args[0].id == fd]


# the functions that change what their first argument, a handle, is:
# fchownat(fd, "", ..., AT_EMPTY_PATH)
on_handle = {f.name for f in tool_funcs if f.args.args and any(
    len(c.args) > 1 and isinstance(c.args[0], ast.Name) and
    c.args[0].id == f.args.args[0].arg and
    isinstance(c.args[1], ast.Constant) and c.args[1].value in ('', b'') and
    'AT_EMPTY_PATH' in names_in(c) for c in calls(f, 'fchownat'))}
# in one function: a handle opened O_PATH|O_NOFOLLOW by dir_fd, read by
# fstat, then changed by one of those
one_handle = set()
for func in tool_funcs:
    for a in ast.walk(func):
        if isinstance(a, ast.Assign) and len(a.targets) == 1 and \
                isinstance(a.targets[0], ast.Name) and any(
                    {'O_PATH', 'O_NOFOLLOW'} <= names_in(c) and
                    any(k.arg == 'dir_fd' for k in c.keywords)
                    for c in calls(a.value, 'open')):
            fd = a.targets[0].id
            stats = on(func, 'fstat', fd)
            changes = [n for f in on_handle for n in on(func, f, fd)]
            if stats and changes and min(stats) < min(changes):
                one_handle.add(func.name)
named_calls = sorted(set(re.findall(r'`os\.(\w+)', sec)))
check('docs/security.md describes --fix\'s walk as the tool does it: '
      'os.fwalk on one file system, each entry opened O_PATH|O_NOFOLLOW '
      'by dir_fd, fstat and fchownat(AT_EMPTY_PATH) on that one handle '
      '(%s), no chown by name, hard links and others\' entries refused; '
      'the os calls it names (%s) are the tool\'s' %
      (', '.join(sorted(one_handle)), ', '.join(named_calls)),
      all(x in sec for x in ('os.fwalk', 'O_PATH', 'O_NOFOLLOW', 'dir_fd',
                             'fstat', 'fchownat', 'AT_EMPTY_PATH',
                             'fix-refused-link', 'fix-refused-owner',
                             'walk-error')) and
      calls(tool_tree, 'fwalk') and
      re.search(r'\.st_dev\s*!=', src) is not None and one_handle and
      not calls(tool_tree, 'chown') and not calls(tool_tree, 'lchown') and
      re.search(r'st_nlink > 1', src) is not None and
      all(calls(tool_tree, n) for n in named_calls),
      (sorted(one_handle), [n for n in named_calls
                            if not calls(tool_tree, n)]))
test_check = {n.value for n in ast.walk(ast.parse(read('tests/test_check.py')))
              if isinstance(n, ast.Constant) and isinstance(n.value, str)}
named_tests = re.findall(r'"((?:\[c_\w+\]|--fix)[^"]*)"', sec)
missing = [t for t in named_tests if t not in test_check]
check('docs/security.md names tests of tests/test_check.py (%d)' %
      len(named_tests), len(named_tests) >= 3 and not missing, missing)

# docs/testing.md gives the check row's count
suites = read('tests/suites')
row = re.search(r'^check\s+(\d+)\s', suites, re.M)
check('docs/testing.md gives the check suite\'s count, its row\'s minimum '
      '(%s)' % (row.group(1) if row else None),
      row is not None and re.search(
          r'## profileacl-check\n.*?\b%s\s+checks' % row.group(1),
          read('docs/testing.md'), re.S) is not None)
out = subprocess.run(['man', '-l', os.path.join(TOP, 'build',
                                                'profileacl-check.8')],
                     stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                     env=dict(os.environ, MANWIDTH='80')).stdout.decode()
check('build/profileacl-check.8 renders, with no DocBook tags left',
      'PROBLEM CODES' in out and all(c in out for c in codes) and
      re.search(r'</?[a-z]+', out) is None,
      re.findall(r'</?[a-z]+', out)[:5])

sys.exit(R.summary('docs'))
