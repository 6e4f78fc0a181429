/*
 * vfs_profileacl: the one place for differences between Samba releases.
 *
 * Copyright (C) 2026 The vfs_profileacl authors
 *
 * This program is free software; you can redistribute it and/or modify
 * it under the terms of the GNU General Public License as published by
 * the Free Software Foundation; either version 3 of the License, or
 * (at your option) any later version.
 *
 * This program is distributed in the hope that it will be useful,
 * but WITHOUT ANY WARRANTY; without even the implied warranty of
 * MERCHANTABILITY or FITNESS FOR A PARTICULAR PURPOSE.  See the
 * GNU General Public License for more details.
 *
 * You should have received a copy of the GNU General Public License
 * along with this program; if not, see <http://www.gnu.org/licenses/>.
 */

#ifndef _PROFILEACL_COMPAT_H_
#define _PROFILEACL_COMPAT_H_

/*
 * Checked against the tree of each release the module is built and
 * tested for: 4.17 (SMB_VFS_INTERFACE_VERSION 47), 4.22 (50) and 4.24
 * (52). Every smbd interface the module uses has the same shape in all
 * three: connect_fn, create_file_fn, fset_nt_acl_fn, durable_cookie_fn,
 * durable_disconnect_fn, durable_reconnect_fn, SMB_VFS_NEXT_FSTAT,
 * parent_pathref(), synthetic_pathref(), close_file_free(),
 * lpcfg_substituted_string(), se_map_generic(), get_sec_info(),
 * sddl_encode(), the fsp extension macros and conn->share_access. What
 * changed in between (connectpath_fn and audit_file_fn removed and
 * rename_stream_fn added in 52, a new argument to
 * smbd_calculate_access_mask_fsp() in 4.23.9 and 4.24.2) is nothing the
 * module uses, so nothing is adapted here yet.
 *
 * An interface version not in that list has not been checked: the build
 * stops rather than guess.
 */
#if SMB_VFS_INTERFACE_VERSION != 47 && SMB_VFS_INTERFACE_VERSION != 50 && \
	SMB_VFS_INTERFACE_VERSION != 52
#error "vfs_profileacl has been checked against SMB_VFS_INTERFACE_VERSION 47 (Samba 4.17), 50 (4.22) and 52 (4.24) only: see the README, Samba releases"
#endif

#endif /* _PROFILEACL_COMPAT_H_ */
