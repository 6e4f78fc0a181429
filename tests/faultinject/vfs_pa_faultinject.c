/*
 * pa_faultinject: a test-only VFS module for vfs_profileacl's fault
 * injection tests. Stacked below profileacl, it makes chosen calls fail
 * with EIO for chosen names (by the prefix of the last path component):
 *
 *   statfail-*   every stat: stat, lstat, fstatat and fstat (smbd 4.17
 *                stats through the pathref handle, so the lookup fails)
 *   openfail-*   openat with O_CREAT, so that a create fails inside
 *                SMB_VFS_CREATE_FILE, after profileacl made its decision
 *   fstatfail-*  fstat of a handle once its create has returned, which is
 *                the check vfs_profileacl makes on the opened handle
 *   reconnectfail-*  fstat of a handle once its durable reconnect has
 *                returned: vfs_profileacl's decision on the reconnected
 *                handle, and so its error path
 *   wrapfail-*   a durable disconnect that vfs_default has done (share mode
 *                entry marked disconnected, fd closed) hands up its cookie
 *                as it is, with every further allocation on the
 *                disconnect's talloc context refused (a memory limit), so
 *                that vfs_profileacl's wrap of it fails for want of memory.
 *                Only for handles whose stored cookie vfs_profileacl
 *                wrapped, and only with a second instance,
 *                "pa_faultinject:restore", stacked above vfs_profileacl:
 *                it lifts the limit once vfs_profileacl has returned,
 *                before smbd stores the disconnected open
 *   linkrace-*   a race: the create of a new name (openat with O_CREAT and
 *                O_EXCL) finds a hard link to "pa_faultinject:link target"
 *                planted there first, after profileacl decided the name
 *                new; smbd retries without O_CREAT and opens the target
 *   racechown-*  a race: once opened, the object is given to the uid in
 *                "pa_faultinject:race uid", between profileacl's check
 *                of the name and its check of the opened handle
 *
 * Never install it: it exists to break things.
 *
 * Copyright (C) 2026 The vfs_profileacl authors
 *
 * This program is free software; you can redistribute it and/or modify
 * it under the terms of the GNU General Public License as published by
 * the Free Software Foundation; either version 3 of the License, or
 * (at your option) any later version.
 */

#include "includes.h"
#include "smbd/smbd.h"
/* the envelope vfs_profileacl.c wraps its durable cookies in */
#define PROFILEACL_COOKIE_MAGIC "vfs_profileacl:1"
#define PROFILEACL_COOKIE_MAGIC_LEN (sizeof(PROFILEACL_COOKIE_MAGIC) - 1)

struct pa_faultinject_fsp {
	bool opened;
};

static bool name_has_prefix(const char *path, const char *prefix)
{
	const char *last = strrchr(path, '/');

	last = (last != NULL) ? last + 1 : path;
	return strncmp(last, prefix, strlen(prefix)) == 0;
}

static int fail(const char *op, const char *path)
{
	DBG_ERR("pa_faultinject: failing %s of %s with EIO\n", op, path);
	errno = EIO;
	return -1;
}

static int pa_faultinject_stat(vfs_handle_struct *handle,
			       struct smb_filename *smb_fname)
{
	if (name_has_prefix(smb_fname->base_name, "statfail-")) {
		return fail("stat", smb_fname->base_name);
	}
	return SMB_VFS_NEXT_STAT(handle, smb_fname);
}

static int pa_faultinject_lstat(vfs_handle_struct *handle,
				struct smb_filename *smb_fname)
{
	if (name_has_prefix(smb_fname->base_name, "statfail-")) {
		return fail("lstat", smb_fname->base_name);
	}
	return SMB_VFS_NEXT_LSTAT(handle, smb_fname);
}

static int pa_faultinject_fstatat(vfs_handle_struct *handle,
				  const struct files_struct *dirfsp,
				  const struct smb_filename *smb_fname,
				  SMB_STRUCT_STAT *sbuf,
				  int flags)
{
	if (name_has_prefix(smb_fname->base_name, "statfail-")) {
		return fail("fstatat", smb_fname->base_name);
	}
	return SMB_VFS_NEXT_FSTATAT(handle, dirfsp, smb_fname, sbuf, flags);
}

static int pa_faultinject_openat(vfs_handle_struct *handle,
				 const struct files_struct *dirfsp,
				 const struct smb_filename *smb_fname,
				 struct files_struct *fsp,
				 const struct vfs_open_how *how)
{
	if ((how->flags & O_CREAT) &&
	    name_has_prefix(smb_fname->base_name, "openfail-"))
	{
		return fail("openat", smb_fname->base_name);
	}
	if ((how->flags & (O_CREAT | O_EXCL)) == (O_CREAT | O_EXCL) &&
	    name_has_prefix(fsp->fsp_name->base_name, "linkrace-"))
	{
		const char *target = lp_parm_const_string(SNUM(handle->conn),
							  "pa_faultinject",
							  "link target",
							  "");
		int ret;

		/* smbd's working directory is the share's root */
		become_root();
		ret = linkat(AT_FDCWD,
			     target,
			     AT_FDCWD,
			     fsp->fsp_name->base_name,
			     0);
		unbecome_root();
		DBG_ERR("pa_faultinject: linked %s to %s: %s\n",
			fsp->fsp_name->base_name,
			target,
			ret == 0 ? "ok" : strerror(errno));
	}
	return SMB_VFS_NEXT_OPENAT(handle, dirfsp, smb_fname, fsp, how);
}

static NTSTATUS pa_faultinject_create_file(
	vfs_handle_struct *handle,
	struct smb_request *req,
	struct files_struct *dirfsp,
	struct smb_filename *smb_fname,
	uint32_t access_mask,
	uint32_t share_access,
	uint32_t create_disposition,
	uint32_t create_options,
	uint32_t file_attributes,
	uint32_t oplock_request,
	const struct smb2_lease *lease,
	uint64_t allocation_size,
	uint32_t private_flags,
	struct security_descriptor *sd,
	struct ea_list *ea_list,
	files_struct **result,
	int *pinfo,
	const struct smb2_create_blobs *in_blobs,
	struct smb2_create_blobs *out_blobs)
{
	struct pa_faultinject_fsp *ext = NULL;
	NTSTATUS status;

	status = SMB_VFS_NEXT_CREATE_FILE(handle,
					  req,
					  dirfsp,
					  smb_fname,
					  access_mask,
					  share_access,
					  create_disposition,
					  create_options,
					  file_attributes,
					  oplock_request,
					  lease,
					  allocation_size,
					  private_flags,
					  sd,
					  ea_list,
					  result,
					  pinfo,
					  in_blobs,
					  out_blobs);
	if (NT_STATUS_IS_OK(status) && *result != NULL &&
	    name_has_prefix(smb_fname->base_name, "racechown-"))
	{
		int uid = lp_parm_int(SNUM(handle->conn),
				      "pa_faultinject",
				      "race uid",
				      -1);
		int ret;

		become_root();
		ret = SMB_VFS_NEXT_FCHOWN(handle, *result, uid, (gid_t)-1);
		unbecome_root();
		DBG_ERR("pa_faultinject: gave %s to uid %d: %s\n",
			fsp_str_dbg(*result),
			uid,
			ret == 0 ? "ok" : strerror(errno));
	}
	if (NT_STATUS_IS_OK(status) && *result != NULL &&
	    name_has_prefix(smb_fname->base_name, "fstatfail-"))
	{
		ext = VFS_ADD_FSP_EXTENSION(handle,
					    *result,
					    struct pa_faultinject_fsp,
					    NULL);
		if (ext != NULL) {
			ext->opened = true;
		}
	}
	return status;
}

static NTSTATUS pa_faultinject_durable_reconnect(
	struct vfs_handle_struct *handle,
	struct smb_request *smb1req,
	struct smbXsrv_open *op,
	const DATA_BLOB old_cookie,
	TALLOC_CTX *mem_ctx,
	struct files_struct **fsp,
	DATA_BLOB *new_cookie)
{
	struct pa_faultinject_fsp *ext = NULL;
	NTSTATUS status;

	status = SMB_VFS_NEXT_DURABLE_RECONNECT(
		handle, smb1req, op, old_cookie, mem_ctx, fsp, new_cookie);
	if (NT_STATUS_IS_OK(status) &&
	    name_has_prefix((*fsp)->fsp_name->base_name, "reconnectfail-"))
	{
		ext = VFS_ADD_FSP_EXTENSION(handle,
					    *fsp,
					    struct pa_faultinject_fsp,
					    NULL);
		if (ext != NULL) {
			ext->opened = true;
		}
		DBG_ERR("pa_faultinject: reconnected %s: its fstat fails "
			"from now on\n",
			fsp_str_dbg(*fsp));
	}
	return status;
}

/*
 * wrapfail: the restore instance arms the fault for one disconnect, the
 * instance below vfs_profileacl limits the context, the restore instance
 * lifts the limit. smbd runs one request at a time per process.
 */
static bool wrapfail_armed;
static TALLOC_CTX *wrapfail_limited;

/* talloc deprecates its memory limit for servers; this is a test */
static void set_memlimit(TALLOC_CTX *ctx, size_t max_size)
{
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wdeprecated-declarations"
	talloc_set_memlimit(ctx, max_size);
#pragma GCC diagnostic pop
}

static bool is_restore_instance(struct vfs_handle_struct *handle)
{
	return handle->param != NULL && strcmp(handle->param, "restore") == 0;
}

static NTSTATUS pa_faultinject_durable_disconnect(
	struct vfs_handle_struct *handle,
	struct files_struct *fsp,
	const DATA_BLOB old_cookie,
	TALLOC_CTX *mem_ctx,
	DATA_BLOB *new_cookie)
{
	NTSTATUS status;

	if (is_restore_instance(handle)) {
		wrapfail_armed = name_has_prefix(fsp->fsp_name->base_name,
						 "wrapfail-") &&
				 old_cookie.length >=
					 PROFILEACL_COOKIE_MAGIC_LEN &&
				 memcmp(old_cookie.data,
					PROFILEACL_COOKIE_MAGIC,
					PROFILEACL_COOKIE_MAGIC_LEN) == 0;
		status = SMB_VFS_NEXT_DURABLE_DISCONNECT(
			handle, fsp, old_cookie, mem_ctx, new_cookie);
		wrapfail_armed = false;
		if (wrapfail_limited != NULL) {
			set_memlimit(wrapfail_limited, 0);
			wrapfail_limited = NULL;
			DBG_ERR("pa_faultinject: %s: memory limit lifted "
				"(%s)\n",
				fsp_str_dbg(fsp),
				nt_errstr(status));
		}
		return status;
	}

	status = SMB_VFS_NEXT_DURABLE_DISCONNECT(
		handle, fsp, old_cookie, mem_ctx, new_cookie);
	if (NT_STATUS_IS_OK(status) && wrapfail_armed) {
		/* nothing more fits: a limit at or below the size in use */
		set_memlimit(mem_ctx, 1);
		wrapfail_limited = mem_ctx;
		DBG_ERR("pa_faultinject: disconnected %s: no memory for its "
			"cookie (%zu bytes) from now on\n",
			fsp_str_dbg(fsp),
			new_cookie->length);
	}
	return status;
}

static int pa_faultinject_fstat(vfs_handle_struct *handle,
				files_struct *fsp,
				SMB_STRUCT_STAT *sbuf)
{
	struct pa_faultinject_fsp *ext = VFS_FETCH_FSP_EXTENSION(handle, fsp);

	if ((ext != NULL && ext->opened) ||
	    name_has_prefix(fsp->fsp_name->base_name, "statfail-"))
	{
		return fail("fstat", fsp_str_dbg(fsp));
	}
	return SMB_VFS_NEXT_FSTAT(handle, fsp, sbuf);
}

static struct vfs_fn_pointers pa_faultinject_fns = {
	.stat_fn = pa_faultinject_stat,
	.lstat_fn = pa_faultinject_lstat,
	.fstatat_fn = pa_faultinject_fstatat,
	.openat_fn = pa_faultinject_openat,
	.create_file_fn = pa_faultinject_create_file,
	.fstat_fn = pa_faultinject_fstat,
	.durable_reconnect_fn = pa_faultinject_durable_reconnect,
	.durable_disconnect_fn = pa_faultinject_durable_disconnect,
};

NTSTATUS samba_init_module(TALLOC_CTX *ctx);
NTSTATUS samba_init_module(TALLOC_CTX *ctx _UNUSED_)
{
	return smb_register_vfs(SMB_VFS_INTERFACE_VERSION,
				"pa_faultinject",
				&pa_faultinject_fns);
}
