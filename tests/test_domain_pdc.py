#!/usr/bin/python3
"""A classic NT4-style profile server: the PDC of tests/harness.py
(smbd as "server role = classic primary domain controller") serving
Samba's NT4-style [profiles] share with the module to PDOM users, NTLM
over SMB1, SMB 2.1 and SMB 3. What it checks: docs/testing.md, "Domain
profile servers"; beside those, that a Kerberos logon is impossible, the
logon path the PDC hands out (pdbedit, SAMR), and that a Domain Admins
member, then with SeRestorePrivilege, gets the same with and without the
module. Runs inside tests/netns-run.sh (with PROFILEACL_SAMBA_ROOT, the
server side in another release's root); everything it starts is stopped
by pid.
"""

import itertools
import os
import re
import socket
import struct
import subprocess
import sys
import time
import traceback

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from harness import (DENIED, OK, PDC, PROTOS, Results, owner_checks,
                     policy_dacl, server_cmd, status_name)

from samba import NTSTATUSError
from samba.dcerpc import lsa, samr, security
from samba.samba3 import libsmb_samba_internal as libsmb

ROOT = os.environ.get('PROFILEACL_PDC_ROOT', '/tmp/pacl-pdc')
DOMAIN, PDC_NAME, USERS = PDC.DOMAIN, PDC.NAME, PDC.USERS
HOST = '127.0.0.1'
ADMIN = 'carol'
SMB13 = ('SMB1', 'SMB3')
# DER of the SPNEGO mechanism OIDs a server may offer
OID_NTLMSSP = bytes.fromhex('060a2b0601040182370202')
OID_KRB5 = bytes.fromhex('06092a864886f712010202')
OID_MS_KRB5 = bytes.fromhex('06092a864882f712010202')
# %U in "profileacl:profile dirs = %U %U.V2 %U.V6" for each logon form:
# the domain the client sends, the name, the logon's status; an NT4
# domain has no user principal names
LOGONS = ((DOMAIN, 'alice', OK), (DOMAIN.lower(), 'alice', OK),
          (PDC_NAME, 'alice', OK), ('', 'alice', OK), (DOMAIN, 'ALICE', OK),
          ('', 'alice@' + DOMAIN, 'NT_STATUS_LOGON_FAILURE'))
# ADMIN's phases, and what smbd does for him beside the module granting
# nothing: phase, check, the paths, the share, the result. A plain user
# is refused; a Domain Admins member is let by smbd itself, as
# BUILTIN\Administrators
PHASES = (('plain user', 'refused', ('alice.V6', 'alice.V6/NTUSER.DAT'),
           'profiles', (DENIED, None)),
          ('Domain Admins member', 'smbd itself lets him set the DACL on '
           'the twin', ('alice.V6',), 'nomod', (OK, OK)),
          ('Domain Admins member + SeRestorePrivilege', None, (), None,
           None))


def server_run(argv, stdin=None):
    """(exit status, stdout and stderr) of a server-side tool"""
    p = subprocess.run(server_cmd(argv), stdout=subprocess.PIPE,
                       stderr=subprocess.STDOUT, input=stdin)
    return p.returncode, p.stdout.decode(errors='replace')


def negotiate_blob():
    """The SMB2 NEGOTIATE response of the server on 445 (the nft redirect
    to PORT): its security buffer is the SPNEGO negTokenInit with the
    mechanisms the server offers"""
    header = (b'\xfeSMB' + struct.pack('<HHIHHIIQIIQ', 64, 0, 0, 0, 1, 0,
                                       0, 0, 0, 0, 0) + b'\0' * 16)
    body = (struct.pack('<HHHHI', 36, 2, 1, 0, 0) + b'\x11' * 16 +
            b'\0' * 8 + struct.pack('<HH', 0x0202, 0x0210))
    with socket.create_connection((HOST, 445), 10) as s, \
            s.makefile('rb') as f:
        s.sendall(struct.pack('>I', len(header + body)) + header + body)
        reply = f.read(struct.unpack('>I', f.read(4))[0])
    off, length = struct.unpack('<HH', reply[64 + 56:64 + 60])
    return reply[off:off + length]


def role_of_release(pdc):
    """Does this release's testparm read the server's smb.conf as a
    classic PDC? (role read, testparm's exit status, evidence)"""
    rc, out = server_run(['testparm', '-s', pdc.conf])
    m = re.search(r'^Server role: (\S+)', out, re.M)
    role = m.group(1) if m else None
    evidence = 'testparm exit %d, %s' % (
        rc, ('"Server role: %s"' % role) if role else 'no server role')
    # what testparm says of a value or parameter it does not know:
    # "WARNING: Ignoring invalid value '...' for parameter 'server role'"
    refusal = [line.strip() for line in out.splitlines()
               if re.search(r'server role|domain logons', line, re.I) and
               re.search(r'unknown|invalid|not supported|removed', line,
                         re.I)]
    if refusal:
        evidence += ', ' + ' / '.join(refusal)
    return role == 'ROLE_DOMAIN_PDC', rc, evidence


def main():
    R = Results()
    if os.environ.get('PROFILEACL_IN_NETNS') != '1':
        print('test_domain_pdc: run me through tests/netns-run.sh')
        R.check('running in private namespaces', False)
        return R.summary('domain-pdc')
    t0 = time.time()
    pdc = PDC(ROOT)
    pdc.write_conf()
    version = server_run(['smbd', '-V'])[1].strip()
    supported, rc, evidence = role_of_release(pdc)
    print('domain-pdc: %s: %s' % (version, evidence))
    # every release tested (4.17, 4.22, 4.24) has the role: a release
    # that refuses it fails here, and the runner's minimum (the 125
    # checks of a full run) fails a run that stops here too
    if not R.check('%s reads the smb.conf as a classic PDC, without an '
                   'error (%s)' % (version, evidence),
                   supported and rc == 0):
        return R.summary('domain-pdc')
    cl = pdc.clients()
    stopped = set()
    try:
        pdc.prepare_domain()
        pdc.start()
        print('domain-pdc: PDC up after %.1f s' % (time.time() - t0))
        run_checks(R, pdc, cl)
    except Exception as e:
        traceback.print_exc()
        R.check('the PDC ran the checks', False, repr(e))
    finally:
        # the clients' sessions end first, then smbd and its children,
        # samba-dcerpcd and its rpcd_* workers, by pid
        cl.drop()
        smbd_pid = pdc.proc.pid if pdc.proc else None
        stopped = pdc.stop()
    left = pdc.leftovers(stopped)
    R.check('no process of the PDC is left (%d stopped by pid: smbd, its '
            'children, samba-dcerpcd and its workers)' % len(stopped),
            not left and smbd_pid in stopped, left)
    print('domain-pdc: %.0f s in all' % (time.time() - t0))
    return R.summary('domain-pdc')


def check_no_kerberos(R, cl):
    """An NT4 domain has no KDC and no Kerberos logon"""
    mechs = negotiate_blob()
    R.check('the PDC offers NTLMSSP in its SPNEGO negotiate',
            OID_NTLMSSP in mechs, mechs.hex())
    R.check('... and no Kerberos mechanism (krb5 or MS krb5 OID)',
            OID_KRB5 not in mechs and OID_MS_KRB5 not in mechs,
            mechs.hex())
    try:
        socket.create_connection((HOST, 88), 2).close()
        kdc = 'a KDC answers on port 88'
    except OSError as e:
        kdc = 'nothing on port 88 (%s)' % e.strerror
    R.check('no KDC: %s' % kdc, kdc.startswith('nothing'))
    krb5 = os.path.join(ROOT, 'krb5.conf')
    with open(krb5, 'w') as f:
        f.write('[libdefaults]\n default_realm = %s\n dns_lookup_kdc = '
                'false\n dns_lookup_realm = false\n[realms]\n %s = {\n'
                '  kdc = %s\n }\n' % (DOMAIN, DOMAIN, HOST))
    os.environ['KRB5_CONFIG'] = krb5
    lp = cl.lp('SMB3')
    try:
        libsmb.Conn(HOST, 'profiles', lp, cl.creds(lp, 'alice', krb5=True))
        got = 'logged on'
    except NTSTATUSError as e:
        got = status_name(e.args[0])
    except Exception as e:
        got = repr(e)
    R.check('a Kerberos-only logon as %s\\alice is impossible (%s)' %
            (DOMAIN, got), got != 'logged on')


def check_logon_path(R, pdc, cl):
    """The profile path the PDC hands out names the profiles share"""
    out = server_run(['pdbedit', '-s', pdc.conf, '-v', '-u', 'alice'])[1]
    m = re.search(r'^Profile Path:\s*(\S.*)$', out, re.M)
    path = m.group(1).strip() if m else out
    R.equal('pdbedit: alice\'s profile path is \\\\%s\\profiles\\alice' %
            PDC_NAME, path.lower(),
            ('\\\\%s\\profiles\\alice' % PDC_NAME).lower())
    m = re.search(r'^User SID:\s*(S-\S+)', out, re.M)
    sid = m.group(1) if m else None
    lp = cl.lp('SMB3')
    pipe = samr.samr('ncacn_np:%s[\\pipe\\samr]' % HOST, lp,
                     cl.creds(lp, 'alice'))
    handle = pipe.Connect2(None, security.SEC_FLAG_MAXIMUM_ALLOWED)
    dom_sid = pipe.LookupDomain(handle, lsa.String(DOMAIN))
    dom = pipe.OpenDomain(handle, security.SEC_FLAG_MAXIMUM_ALLOWED,
                          dom_sid)
    rids, _ = pipe.LookupNames(dom, [lsa.String('alice')])
    user = pipe.OpenUser(dom, security.SEC_FLAG_MAXIMUM_ALLOWED,
                         rids.ids[0])
    samr_path = pipe.QueryUserInfo(user, 3).profile_path.string
    R.check('SAMR: the profile path the PDC hands alice names the profiles '
            'share (%s)' % samr_path,
            re.match(r'^\\\\[^\\]+\\profiles\\alice$', samr_path or '',
                     re.I) is not None)
    R.equal('SAMR: alice\'s SID is %s\'s domain SID and her RID' % DOMAIN,
            '%s-%d' % (dom_sid, rids.ids[0]), sid)
    return sid


def run_checks(R, pdc, cl):
    alice_sid = check_logon_path(R, pdc, cl)
    check_no_kerberos(R, cl)
    # first logoff: each user makes his profile folders
    for user in ('alice', 'bob'):
        for folder in (user, user + '.V6'):
            R.equal('%s\\%s makes the profile folder %s over SMB '
                    '(Change, module)' % (DOMAIN, user, folder),
                    cl.mkdir(user, 'profiles', 'SMB1', folder), OK)
            R.equal('%s\\%s uploads %s/NTUSER.DAT' % (DOMAIN, user, folder),
                    cl.put(user, 'profiles', 'SMB1',
                           folder + '/NTUSER.DAT'), OK)
    R.equal('alice\'s folder belongs to her unix uid',
            os.stat(os.path.join(pdc.share, 'alice')).st_uid,
            int(subprocess.check_output(['id', '-u', 'alice'])))
    sids = {u: cl.owner_sid(u, 'profiles', 'SMB3', u) for u in ('alice',
                                                                'bob')}
    R.equal('alice\'s folder is owned by her domain SID',
            sids['alice'], alice_sid)
    for proto, path in itertools.product(PROTOS, (
            'alice.V6', 'alice.V6/NTUSER.DAT', 'alice', 'alice/NTUSER.DAT')):
        owner_checks(R, cl, sids, proto, path, '[%s %s]' % (proto, path),
                     bob='%s\\bob' % DOMAIN)
    for (domain, name, logon), proto in itertools.product(LOGONS, SMB13):
        who = '%s\\%s' % (domain, name)
        start = pdc.log_size()
        try:
            c = cl.conn('alice', 'profiles', proto, domain=domain, name=name,
                        fresh=True)
            got = OK
        except NTSTATUSError as e:
            got = status_name(e.args[0])
        R.equal('NTLM logon as %s over %s: %s' % (who, proto, logon), got,
                logon)
        if got != OK:
            continue
        R.equal('%%U matches alice and alice.V6 for %s (%s)' % (who, proto),
                [cl.set_dacl(None, None, None, folder,
                             policy_dacl(sids['alice']), c=c)
                 for folder in ('alice', 'alice.V6')], [(OK, OK), (OK, OK)])
        seen = sorted(set(re.findall(
            r'pattern "%U" is "([^"]*)" for this session \(%U: ([^)]*)\)',
            pdc.log_since(start))))
        print('domain-pdc: logon %s (%s): %%U was %s' %
              (who, proto, ', '.join('"%s" (%s)' % s for s in seen)))
        R.check('the log shows %%U for %s (%s)' % (who, proto), seen)
    R.equal('alice makes a folder outside %U %U.V2 %U.V6 (alice.old)',
            cl.mkdir('alice', 'profiles', 'SMB3', 'alice.old'), OK)
    R.equal('... where the module grants her nothing',
            cl.set_dacl('alice', 'profiles', 'SMB3', 'alice.old',
                        policy_dacl(sids['alice'])), (DENIED, None))
    check_admin(R, pdc, cl, sids)
    # the audit names the domain account and its SID
    want = 'account="%s\\alice" sid=%s' % (DOMAIN, alice_sid)
    lines = [line for line in pdc.log_text().splitlines()
             if 'profileacl audit: grant' in line]
    print('domain-pdc: %d audit grant lines, e.g. %s' %
          (len(lines), lines[0].strip() if lines else '-'))
    R.check('the audit line names %s' % want,
            any(want in line for line in lines))
    R.check('no audit grant names %s\\bob or %s\\%s' %
            (DOMAIN, DOMAIN, ADMIN),
            lines and not any(('account="%s\\%s" ' % (DOMAIN, u)) in line
                              for line in lines for u in ('bob', ADMIN)))


def log_level(pdc, level):
    """smbd's log level for the sessions that start from now on (each new
    smbd child reloads the changed smb.conf; smbcontrol's debug message
    does not outlive that reload)"""
    with open(pdc.conf) as f:
        text = f.read()
    with open(pdc.conf, 'w') as f:
        f.write(re.sub(r'(?m)^(\s*log level = ).*$', r'\g<1>' + level, text))


def admin_token(text, sid):
    """SIDs and privileges of the first token smbd logged (auth:10) for
    the user SID"""
    for block in text.split('Security token SIDs')[1:]:
        items = re.findall(r'(?:SID|Privilege)\[\s*\d+\]: (\S+)', block)
        if items and items[0] == sid:
            return items
    return []


def check_admin(R, pdc, cl, sids):
    """ADMIN as a plain domain user, then as a member of Domain Admins,
    then with SeRestorePrivilege granted to him as well (PHASES): on each
    the module grants him nothing beyond what smbd does"""
    admin = '%s\\%s' % (DOMAIN, ADMIN)
    out = server_run(['pdbedit', '-s', pdc.conf, '-v', '-u', ADMIN])[1]
    admin_sid = re.search(r'^User SID:\s*(S-\S+)', out, re.M).group(1)

    def net(*argv):
        return server_run(['net', '-s', pdc.conf] + list(argv))

    for i, (phase, smbd, paths, share, want) in enumerate(PHASES):
        if i == 1:
            # the admin's own unix group becomes Domain Admins
            net('groupmap', 'add', 'ntgroup=Domain Admins',
                'unixgroup=' + ADMIN, 'rid=512', 'type=domain')
            out = net('sam', 'listmem', 'Domain Admins')[1]
            R.check('%s is a member of Domain Admins (net groupmap)' % admin,
                    admin.lower() in out.lower(), out)
        if i == 2:
            rc, out = net('sam', 'rights', 'grant', admin,
                          'SeRestorePrivilege')
            R.check('net sam rights grant %s SeRestorePrivilege' % admin,
                    rc == 0, out)
        out = net('sam', 'rights', 'list', 'SeRestorePrivilege')[1]
        print('domain-pdc: %s: SeRestorePrivilege is held by: %s' %
              (phase, ', '.join(out.split('\n')).strip(', ')))
        if i == 0:
            R.check('BUILTIN\\Administrators hold SeRestorePrivilege (every '
                    'privilege, Samba\'s default)',
                    'BUILTIN\\Administrators' in out, out)
        if i == 1:
            # smbd logs each session's token at auth:10: for these logons
            start = pdc.log_size()
            log_level(pdc, '1 profileacl:5 auth:10')
        for proto, path in itertools.product(SMB13, ('alice.V6',
                                                     'alice.V6/NTUSER.DAT')):
            # a new session: groups and privileges are read at logon
            got = {s: cl.set_dacl(ADMIN, s, proto, path,
                                  policy_dacl(sids['alice']), fresh=True)
                   for s in ('nomod', 'profiles')}
            tag = '%s, %s [%s %s]' % (ADMIN, phase, proto, path)
            R.equal('%s: the module grants nothing beyond smbd (module %s, '
                    'twin %s)' % (tag, got['profiles'], got['nomod']),
                    got['profiles'], got['nomod'])
            if path in paths:
                R.equal('%s: %s' % (tag, smbd), got[share], want)
        if i == 1:
            log_level(pdc, '1 profileacl:5')
            token = admin_token(pdc.log_since(start), admin_sid)
            print('domain-pdc: the token of %s, a Domain Admins member: %s' %
                  (admin, ' '.join(token)))
            R.check('his token holds Domain Admins (-512), BUILTIN\\'
                    'Administrators (S-1-5-32-544) and SeRestorePrivilege',
                    {'S-1-5-32-544', 'SeRestorePrivilege',
                     admin_sid.rsplit('-', 1)[0] + '-512'} <= set(token),
                    token)


if __name__ == '__main__':
    sys.exit(main())
