/*
 * vfs_profileacl: the load guard of the out-of-tree module.
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

#ifndef _PROFILEACL_LOADGUARD_H_
#define _PROFILEACL_LOADGUARD_H_

/*
 * Every smbd interface the module uses has the same shape in these
 * releases; another has not been checked, and the build stops.
 */
#if defined(SMB_VFS_INTERFACE_VERSION) && SMB_VFS_INTERFACE_VERSION != 47 && \
	SMB_VFS_INTERFACE_VERSION != 50 && SMB_VFS_INTERFACE_VERSION != 52
#error "vfs_profileacl is checked against SMB_VFS_INTERFACE_VERSION 47 (Samba 4.17), 50 (4.22) and 52 (4.24) only"
#endif

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * smbd checks only SMB_VFS_INTERFACE_VERSION, but its internal
 * structures (connection_struct, files_struct, ...) are not stable
 * between builds of one release. A module built out of Samba's tree
 * therefore runs only in the exact samba build it was compiled against,
 * told apart by the GNU build ID of libsmbd-base. An in-tree module does
 * not need any of this.
 */

/*
 * The GNU build ID (NT_GNU_BUILD_ID) in a run of ELF notes (a PT_NOTE
 * segment), as lower-case hex into hex[hexsize]. false when the notes
 * hold none, are malformed, or the ID does not fit.
 */
bool profileacl_gnu_build_id(const uint8_t *notes,
			     size_t len,
			     char *hex,
			     size_t hexsize);

/* What the running process's libsmbd-base says of its build */
enum profileacl_build {
	PROFILEACL_BUILD_MATCH = 0,
	PROFILEACL_BUILD_OTHER,	 /* another build ID */
	PROFILEACL_BUILD_NO_ID,	 /* libsmbd-base has no build ID */
	PROFILEACL_BUILD_NO_LIB, /* libsmbd-base is not loaded */
};

/*
 * Compare the build ID of the loaded libsmbd-base with EXPECTED; the
 * running one goes to running[size] ("" when there is none).
 */
enum profileacl_build profileacl_check_build(const char *expected,
					     char *running,
					     size_t size);

#endif /* _PROFILEACL_LOADGUARD_H_ */
