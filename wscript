#!/usr/bin/env python3
#
# waf build of vfs_profileacl, out of Samba's tree but against the prepared
# source tree of exactly the installed Samba (make setup: scripts/setup-server.sh).
# Run it with the waf inside that tree, or simply with "make":
#
#   /usr/bin/python3 samba-src/current/buildtools/bin/waf configure build
#
# Outputs: build/profileacl.so, build/test_vfs_profileacl,
# build/vfs_profileacl.8, build/profileacl-rebuild.8,
# build/profileacl-check and build/profileacl-decide, build/profileacl-check.8

import glob
import os
import re
import subprocess

from waflib import Build, Logs

APPNAME = 'vfs_profileacl'
VERSION = '0.1.0'

top = '.'
out = 'build'

# Source directories a VFS module includes from; each is searched in the
# generated (bin/default) and in the source tree, as Samba's build does.
SAMBA_INCLUDES = ['include', 'source3', 'source3/include', 'source3/lib',
                  'include/public', 'source4', 'lib', 'lib/replace', '.',
                  'librpc', 'libcli/util', 'lib/param']

# The defines Samba's own build gives every module
SAMBA_DEFINES = ['_SAMBA_BUILD_=4', 'HAVE_CONFIG_H=1', '_GNU_SOURCE=1',
                 '_XOPEN_SOURCE_EXTENDED=1', '__STDC_WANT_LIB_EXT1__=1',
                 '_REENTRANT']

WARN_CFLAGS = ['-Wall', '-Wextra', '-Werror', '-Wshadow',
               '-Wstrict-prototypes', '-Wmissing-prototypes',
               '-Wpointer-arith', '-Wcast-align', '-Wwrite-strings']


def _rm_own_dirs(self, tgt):
    '''waf's uninstall removes every folder it leaves empty, the
    system's own too (/usr/local/sbin): remove only the project's'''
    d = os.path.dirname(tgt)
    if os.path.basename(d) == 'samba-vfs-profileacl':
        try:
            os.rmdir(d)
        except OSError:
            pass


Build.inst.rm_empty_dirs = _rm_own_dirs


def options(opt):
    opt.load('compiler_c')
    opt.add_option('--samba-source', dest='samba_source',
                   default='samba-src/current',
                   help='prepared Samba source tree [samba-src/current]')
    opt.add_option('--samba-root', dest='samba_root', default='/',
                   help='root of the system whose installed samba the '
                   'module is for (a chroot) [/]')
    opt.add_option('--rebuild-command', dest='rebuild_command',
                   default=None,
                   help='the command the load guard tells admins to run '
                   '[make -C <this tree> setup install]')
    opt.add_option('--module-only', dest='module_only', action='store_true',
                   default=False,
                   help='build profileacl.so alone: no unit tests, no '
                   'man page (profileacl-rebuild on a server)')
    opt.add_option('--samba-build-id', dest='samba_build_id', default=None,
                   help='tests only: the libsmbd-base build ID to build '
                   'for, instead of the installed one\'s')


def installed_samba_version(root):
    admindir = os.path.join(root, 'var/lib/dpkg')
    try:
        return subprocess.check_output(
            ['dpkg-query', '--admindir', admindir, '-W',
             '-f=${Version}', 'samba'],
            stderr=subprocess.DEVNULL).decode().strip()
    except (OSError, subprocess.CalledProcessError):
        return None


def tree_samba_version(src):
    '''The version of the source tree: the Debian version from
    debian/changelog, or, for an upstream tree (no Debian patches, as for
    trixie-backports), "upstream X.Y.Z" from its VERSION file.'''
    try:
        with open(os.path.join(src, 'debian', 'changelog')) as f:
            m = re.match(r'samba \(([^)]+)\)', f.readline())
        return m.group(1) if m else None
    except OSError:
        pass
    try:
        with open(os.path.join(src, 'VERSION')) as f:
            text = f.read()
    except OSError:
        return None
    parts = [re.search(r'^SAMBA_VERSION_%s=(\d+)' % k, text, re.M)
             for k in ('MAJOR', 'MINOR', 'RELEASE')]
    if None in parts:
        return None
    return 'upstream ' + '.'.join(p.group(1) for p in parts)


def upstream_of(debian_version):
    '''2:4.24.7+dfsg-1~bpo13+1 -> 4.24.7'''
    v = debian_version.split(':', 1)[-1].rsplit('-', 1)[0]
    return re.split(r'[+~]', v)[0]


def gnu_build_id(path):
    '''The GNU build ID of an ELF file, from readelf -n'''
    try:
        out = subprocess.check_output(['readelf', '-n', path],
                                      stderr=subprocess.DEVNULL).decode()
    except (OSError, subprocess.CalledProcessError):
        return None
    m = re.search(r'Build ID: ([0-9a-f]+)', out)
    return m.group(1) if m else None


def vfs_interface_version(src):
    try:
        with open(os.path.join(src, 'source3/include/vfs.h')) as f:
            m = re.search(r'^#define SMB_VFS_INTERFACE_VERSION (\d+)',
                          f.read(), re.M)
    except OSError:
        return None
    return int(m.group(1)) if m else None


def check_samba_match(ctx, src, root):
    '''Stop unless the tree is exactly the installed samba.'''
    installed = installed_samba_version(root)
    tree = tree_samba_version(src)
    if installed is None:
        ctx.fatal('samba is not installed under %s: run '
                  'make setup (scripts/setup-server.sh) first' % root)
    if tree is None:
        ctx.fatal('%s is not a prepared Samba source tree: run '
                  'make setup (scripts/setup-server.sh) first' % src)
    if tree.startswith('upstream ') and \
            tree == 'upstream ' + upstream_of(installed):
        return installed
    if tree != installed:
        ctx.fatal('Samba version mismatch: the source tree %s is %s but '
                  'the installed samba is %s. A module built from it '
                  'would be refused by smbd (SMB_VFS_INTERFACE_VERSION). '
                  'Run make setup (scripts/setup-server.sh) to fetch the matching '
                  'source.' % (src, tree, installed))
    return tree


def configure(conf):
    conf.load('compiler_c')

    src = os.path.abspath(conf.options.samba_source)
    root = conf.options.samba_root
    version = check_samba_match(conf, src, root)
    conf.msg('Samba source tree', src)
    conf.msg('Installed samba version', version)
    conf.msg('SMB_VFS_INTERFACE_VERSION', vfs_interface_version(src))
    # param_global.h: the core reads [global]'s options through it, and a
    # tree an older make setup prepared lacks it
    for header in ('include/config.h', 'lib/param/param_global.h'):
        if not os.path.exists(os.path.join(src, 'bin/default', header)):
            conf.fatal('%s lacks bin/default/%s: run make setup' %
                       (src, header))

    conf.env.SAMBA_SRC = src
    conf.env.SAMBA_ROOT = root
    conf.env.SAMBA_VERSION = version
    # Samba's headers are included as system headers: our own code is
    # held to -Wall -Wextra -Werror, Samba's is not ours to change.
    conf.env.CFLAGS_SAMBA = []
    for d in SAMBA_INCLUDES:
        for base in (os.path.join(src, 'bin/default'), src):
            conf.env.CFLAGS_SAMBA += ['-isystem', os.path.join(base, d)]
    conf.env.CFLAGS_SAMBA += ['-isystem', '/usr/include/tirpc']
    conf.env.DEFINES_SAMBA = SAMBA_DEFINES
    conf.env.append_value('CFLAGS', ['-g', '-O2', '-std=gnu11'] +
                          WARN_CFLAGS)

    conf.check_cfg(package='talloc', args=['--cflags', '--libs'],
                   uselib_store='TALLOC')
    conf.check_cfg(package='tevent', args=['--cflags', '--libs'],
                   uselib_store='TEVENT')
    conf.env.MODULE_ONLY = conf.options.module_only
    if not conf.env.MODULE_ONLY:
        conf.check_cfg(package='cmocka', args=['--cflags', '--libs'],
                       uselib_store='CMOCKA')
        conf.find_program('xsltproc', var='XSLTPROC')
        xsl = ('/usr/share/xml/docbook/stylesheet/docbook-xsl/manpages/'
               'docbook.xsl')
        if not os.path.exists(xsl):
            conf.fatal('docbook-xsl is not installed (%s)' % xsl)
        conf.env.MAN_XSL = xsl

    # Where the installed smbd loads VFS modules from
    modulesdir = '/usr/lib/x86_64-linux-gnu/samba'
    try:
        b = subprocess.check_output(['smbd', '-b']).decode()
        m = re.search(r'^\s*MODULESDIR:\s*(\S+)', b, re.M)
        if m:
            modulesdir = m.group(1)
    except (OSError, subprocess.CalledProcessError):
        pass
    conf.env.SAMBA_MODULESDIR = modulesdir
    conf.msg('smbd MODULESDIR', modulesdir)

    # The unit tests and profileacl-decide run the module's code against
    # the samba libraries smbd loads it with: libsmbd-base and its needs.
    libdir = os.path.dirname(modulesdir.rstrip('/'))
    smbd_base = sorted(glob.glob(os.path.join(
        root, modulesdir.lstrip('/'), 'libsmbd-base-*.so.0')))
    if not smbd_base:
        conf.fatal('no libsmbd-base-*.so.0 in %s' % modulesdir)
    conf.env.LINKFLAGS_SAMBALIBS = [
        '-Wl,--no-as-needed', '-Wl,--copy-dt-needed-entries',
        os.path.join(modulesdir, os.path.basename(smbd_base[0])),
        os.path.join(libdir, 'libsamba-util.so.0'),
        os.path.join(libdir, 'libsamba-errors.so.1'),
        '-Wl,-rpath,%s' % modulesdir]
    conf.msg('smbd\'s libraries', ' '.join(conf.env.LINKFLAGS_SAMBALIBS))

    # The load guard: the module runs only in the samba build whose
    # libsmbd-base has this build ID (vfs_profileacl.c)
    # libsmbd-base-samba4.so.0 (4.17), libsmbd-base-private-samba.so.0
    libs = sorted(glob.glob(os.path.join(root, modulesdir.lstrip('/'),
                                         'libsmbd-base-*.so.0')))
    libsmbd = libs[0] if libs else os.path.join(modulesdir,
                                                'libsmbd-base-*.so.0')
    build_id = conf.options.samba_build_id or gnu_build_id(libsmbd)
    if not build_id:
        conf.fatal('no GNU build ID in %s: the load guard needs it' %
                   libsmbd)
    conf.msg('libsmbd-base build ID', build_id)
    rebuild = conf.options.rebuild_command or \
        'make -C %s setup install' % os.path.abspath('.')
    conf.env.DEFINES_GUARD = [
        'PROFILEACL_SAMBA_BUILD_ID="%s"' % build_id,
        'PROFILEACL_SAMBA_VERSION="%s"' % version,
        'PROFILEACL_REBUILD_COMMAND="%s"' % rebuild.replace('"', "'"),
    ]
    conf.env.MANDIR = os.path.join(conf.env.PREFIX, 'share', 'man')
    conf.env.LIBEXECDIR = os.path.join(conf.env.PREFIX, 'libexec',
                                       'samba-vfs-profileacl')
    conf.msg('man pages go to', conf.env.MANDIR)


def build(bld):
    # The installed samba may have been upgraded since configure.
    check_samba_match(bld, bld.env.SAMBA_SRC, bld.env.SAMBA_ROOT)

    bld.env.cshlib_PATTERN = '%s.so'

    bld(features='c cshlib',
        source=['vfs_profileacl/vfs_profileacl.c',
                'vfs_profileacl/profileacl_core.c'],
        target='profileacl',
        includes=['vfs_profileacl'],
        use=['SAMBA', 'TALLOC', 'GUARD'],
        install_path=os.path.join(bld.env.SAMBA_MODULESDIR, 'vfs'))

    # profileacl-check asks it, from the checkout's build/ or installed
    bld(features='c cprogram',
        source=['vfs_profileacl/profileacl_decide.c'],
        target='profileacl-decide',
        includes=['vfs_profileacl'],
        use=['SAMBA', 'TALLOC', 'GUARD', 'SAMBALIBS'],
        install_path='${LIBEXECDIR}')
    bld(features='subst',
        source='scripts/profileacl-check',
        target='profileacl-check',
        LIBEXECDIR=bld.env.LIBEXECDIR,
        chmod=0o755,
        install_path='${PREFIX}/sbin')

    if bld.env.MODULE_ONLY:
        return

    # test-only: fault injection below profileacl, never installed
    bld(features='c cshlib',
        source=['tests/faultinject/vfs_pa_faultinject.c'],
        target='pa_faultinject',
        use=['SAMBA', 'TALLOC'],
        install_path=None)

    bld(features='c cprogram',
        source=['tests/test_vfs_profileacl.c'],
        target='test_vfs_profileacl',
        includes=['vfs_profileacl'],
        use=['SAMBA', 'TALLOC', 'GUARD', 'CMOCKA', 'SAMBALIBS'],
        install_path=None)

    bld(rule='${XSLTPROC} --nonet --xinclude -o ${TGT} ${MAN_XSL} ${SRC}',
        source='docs/vfs_profileacl.8.xml',
        target='vfs_profileacl.8',
        install_path='${MANDIR}/man8')

    bld(rule='${XSLTPROC} --nonet --xinclude -o ${TGT} ${MAN_XSL} ${SRC}',
        source='docs/profileacl-check.8.xml',
        target='profileacl-check.8',
        install_path='${MANDIR}/man8')

    # profileacl-rebuild comes with the Debian package alone, and its
    # page with it (debian/rules)
    bld(rule='${XSLTPROC} --nonet --xinclude -o ${TGT} ${MAN_XSL} ${SRC}',
        source='docs/profileacl-rebuild.8.xml',
        target='profileacl-rebuild.8',
        install_path=None)
