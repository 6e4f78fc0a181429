/*
 * vfs_profileacl: let the owner of a roaming profile set its ACL on a
 * share whose share ACL grants only Change (Microsoft KB Q255113).
 * The module for the Samba releases without SMB_VFS_FGET_SHARE_ACCESS.
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

/*
 * smbd checks the share ACL inside create_file and has no hook for it:
 * this module adds the rights profileacl_decide() (profileacl_core.c)
 * grants to conn->share_access for the next module's create only. What
 * smbd cannot do for a module outside its tree is done here: the owner
 * is checked again on the opened handle (a name may be replaced between
 * smbd's stat and the open), a durable reconnect, which restores the
 * access mask without create_file, decides again, every write through
 * a grant can be audited, and the module refuses to load into another
 * samba build than its own.
 */

#include "includes.h"
#include "smbd/smbd.h"
#include "smbd/globals.h"
#include "system/syslog.h"
#include "libcli/security/security.h"
#include "auth.h"
#include "lib/tsocket/tsocket.h"
#include "lib/util/util_str_escape.h"
#include "libcli/security/sddl.h"
#include "passdb/machine_sid.h"
/* dl_iterate_phdr(): the load guard reads libsmbd-base's build ID */
#include <link.h>
#include "profileacl_core.h"

/*
 * Every smbd interface the module uses has the same shape in these
 * releases; another has not been checked, and the build stops.
 */
#if SMB_VFS_INTERFACE_VERSION != 47 && SMB_VFS_INTERFACE_VERSION != 50 && \
	SMB_VFS_INTERFACE_VERSION != 52
#error "vfs_profileacl is checked against SMB_VFS_INTERFACE_VERSION 47 (Samba 4.17), 50 (4.22) and 52 (4.24) only"
#endif

/* as nfs4_acls.c and open.c declare it */
extern const struct generic_mapping file_generic_mapping;

#undef DBGC_CLASS
#define DBGC_CLASS profileacl_debug_level

struct profileacl_data {
	struct profileacl_config *config;
	bool audit;
	/* audit lines to syslog(3) with this facility|priority, not log.smbd
	 */
	bool do_syslog;
	int syslog_priority;
};

/* Attached to each handle whose rights the module decided */
struct profileacl_fsp {
	uint32_t granted; /* the granted rights the handle holds */
};

/* vfs_full_audit's names */
static const struct enum_list profileacl_facilities[] = {
	{LOG_USER, "USER"},
	{LOG_LOCAL0, "LOCAL0"},
	{LOG_LOCAL1, "LOCAL1"},
	{LOG_LOCAL2, "LOCAL2"},
	{LOG_LOCAL3, "LOCAL3"},
	{LOG_LOCAL4, "LOCAL4"},
	{LOG_LOCAL5, "LOCAL5"},
	{LOG_LOCAL6, "LOCAL6"},
	{LOG_LOCAL7, "LOCAL7"},
	{-1, NULL},
};

static const struct enum_list profileacl_priorities[] = {
	{LOG_EMERG, "EMERG"},
	{LOG_ALERT, "ALERT"},
	{LOG_CRIT, "CRIT"},
	{LOG_ERR, "ERR"},
	{LOG_WARNING, "WARNING"},
	{LOG_NOTICE, "NOTICE"},
	{LOG_INFO, "INFO"},
	{LOG_DEBUG, "DEBUG"},
	{-1, NULL},
};

/* The options of this module beyond the core's */
static const char *const profileacl_audit_options[] = {
	"audit",
	"syslog",
	"facility",
	"priority",
	NULL,
};

/*
 * One audit option: a boolean (LIST NULL, read by set_boolean() as
 * lp_parm_bool() reads it) or a value of LIST (as vfs_full_audit reads
 * its own). A bad or empty value refuses the tree connect, never a
 * silent default. *VALUE is left alone when the option is not set.
 */
static bool profileacl_parm(int snum,
			    const char *option,
			    const struct enum_list *list,
			    int *value)
{
	const char *v = lp_parm_const_string(snum,
					     PROFILEACL_MODULE_NAME,
					     option,
					     NULL);
	bool b;

	if (v == NULL) {
		return true;
	}
	if (list == NULL && set_boolean(v, &b)) {
		*value = b;
		return true;
	}
	if (list != NULL) {
		*value = lp_parm_enum(
			snum, PROFILEACL_MODULE_NAME, option, list, -1);
		if (*value != -1) {
			return true;
		}
	}
	DBG_ERR("share [%s]: bad value of \"profileacl:%s\"\n",
		lp_const_servicename(snum),
		option);
	return false;
}

static bool profileacl_audit_config(int snum, struct profileacl_data *data)
{
	int audit = false;
	int to_syslog = false;
	int facility = -2;
	int priority = -2;

	if (!profileacl_parm(snum, "audit", NULL, &audit) ||
	    !profileacl_parm(snum, "syslog", NULL, &to_syslog) ||
	    !profileacl_parm(
		    snum, "facility", profileacl_facilities, &facility) ||
	    !profileacl_parm(
		    snum, "priority", profileacl_priorities, &priority))
	{
		return false;
	}
	/* a facility or priority left unused would be silently ignored */
	if (((facility != -2 || priority != -2) && !to_syslog) ||
	    (to_syslog && !audit))
	{
		DBG_ERR("share [%s]: \"profileacl:facility\" and "
			"\"profileacl:priority\" need \"profileacl:syslog = "
			"yes\", which needs \"profileacl:audit = yes\"\n",
			lp_const_servicename(snum));
		return false;
	}
	data->audit = audit;
	data->do_syslog = to_syslog;
	data->syslog_priority = (facility != -2 ? facility : LOG_USER) |
				(priority != -2 ? priority : LOG_NOTICE);
	return true;
}

static int profileacl_connect(struct vfs_handle_struct *handle,
			      const char *service,
			      const char *user)
{
	struct profileacl_data *data = NULL;
	int snum = SNUM(handle->conn);
	int ret;

	ret = SMB_VFS_NEXT_CONNECT(handle, service, user);
	if (ret < 0 || IS_IPC(handle->conn) || IS_PRINT(handle->conn)) {
		return ret;
	}

	data = talloc_zero(handle->conn, struct profileacl_data);
	if (data != NULL) {
		data->config = talloc_zero(data, struct profileacl_config);
	}
	if (data == NULL || data->config == NULL ||
	    !profileacl_config_load(handle->conn,
				    profileacl_audit_options,
				    data->config) ||
	    !profileacl_audit_config(snum, data))
	{
		DBG_ERR("refusing the connection to [%s] for %s: fix the "
			"profileacl options in smb.conf\n",
			service,
			user);
		TALLOC_FREE(data);
		SMB_VFS_NEXT_DISCONNECT(handle);
		errno = EACCES;
		return -1;
	}
	SMB_VFS_HANDLE_SET_DATA(
		handle, data, NULL, struct profileacl_data, return -1);
	return 0;
}

/*
 * A name for a quoted field of an audit line: log_escape() writes
 * controls and '\' as escapes; '"' too is written as one, so that a
 * name cannot end its field and fake another.
 */
static char *profileacl_field(TALLOC_CTX *mem_ctx, const char *str)
{
	char *esc = log_escape(mem_ctx, str != NULL ? str : "(null)");

	return (esc != NULL)
		       ? talloc_all_string_sub(mem_ctx, esc, "\"", "\\x22")
		       : NULL;
}

/*
 * One audit line: event, user, client, share, path, rights and what the
 * event adds; at level 1, or to syslog(3). False when it cannot be
 * written for want of memory.
 */
static bool profileacl_audit(const struct profileacl_data *data,
			     struct connection_struct *conn,
			     struct files_struct *fsp,
			     const char *event,
			     uint32_t rights,
			     const char *extra)
{
	const struct auth_session_info *si = conn->session_info;
	const struct security_token *token = si->security_token;
	const char *names[] = {
		si->unix_info->unix_name,
		si->info->domain_name,
		si->info->account_name,
		lp_const_servicename(SNUM(conn)),
		fsp_str_dbg(fsp),
	};
	char *f[ARRAY_SIZE(names)];
	TALLOC_CTX *frame = talloc_stackframe();
	const char *sid = "(none)";
	const char *client = NULL;
	struct dom_sid_buf buf;
	char *line = NULL;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(names); i++) {
		f[i] = profileacl_field(frame, names[i]);
		if (f[i] == NULL) {
			goto nomem;
		}
	}
	if (token != NULL && token->num_sids > PRIMARY_USER_SID_INDEX) {
		sid = dom_sid_str_buf(&token->sids[PRIMARY_USER_SID_INDEX],
				      &buf);
	}
	if (conn->sconn != NULL && conn->sconn->remote_address != NULL) {
		client = tsocket_address_inet_addr_string(
			conn->sconn->remote_address, frame);
	}
	line = talloc_asprintf(frame,
			       "profileacl audit: %s user=\"%s\" "
			       "account=\"%s\\%s\" sid=%s client=%s "
			       "share=\"%s\" path=\"%s\" rights=%s%s",
			       event,
			       f[0],
			       f[1],
			       f[2],
			       sid,
			       client != NULL ? client : "unknown",
			       f[3],
			       f[4],
			       profileacl_rights_str(rights),
			       extra);
	if (line == NULL) {
		goto nomem;
	}
	if (data->do_syslog) {
		/* no openlog(): smbd's own syslog ident stays */
		syslog(data->syslog_priority, "%s", line);
	} else {
		D_WARNING("%s\n", line);
	}
	TALLOC_FREE(frame);
	return true;
nomem:
	DBG_ERR("no memory for the audit line of %s\n",
		profileacl_name_dbg(fsp_str_dbg(fsp)));
	TALLOC_FREE(frame);
	return false;
}

/* The audit line of a security descriptor written through a grant */
static void profileacl_audit_sd(const struct profileacl_data *data,
				struct connection_struct *conn,
				struct files_struct *fsp,
				uint32_t rights,
				uint32_t security_info_sent,
				const struct security_descriptor *psd,
				NTSTATUS status)
{
	TALLOC_CTX *frame = talloc_stackframe();
	char *sddl = sddl_encode(frame, psd, get_global_sam_sid());
	char *esc = profileacl_field(frame,
				     sddl != NULL ? sddl : "(unencodable)");
	char *extra = NULL;

	if (esc != NULL) {
		extra = talloc_asprintf(frame,
					" secinfo=0x%" PRIx32 " status=%s "
					"sd=\"%s\"",
					security_info_sent,
					nt_errstr(status),
					esc);
	}
	if (extra == NULL ||
	    !profileacl_audit(data, conn, fsp, "write", rights, extra))
	{
		DBG_ERR("no audit line for the security descriptor written "
			"to %s (%s)\n",
			profileacl_name_dbg(fsp_str_dbg(fsp)),
			nt_errstr(status));
	}
	TALLOC_FREE(frame);
}

/*
 * Does the requester own what the handle FSP opened (a stream: its base
 * file)? Read from the handle, below this module; an error is "no".
 */
static bool profileacl_handle_owned(struct vfs_handle_struct *handle,
				    struct files_struct *fsp)
{
	SMB_STRUCT_STAT sbuf;

	if (fsp->base_fsp != NULL) {
		fsp = fsp->base_fsp;
	}
	if (SMB_VFS_NEXT_FSTAT(handle, fsp, &sbuf) != 0) {
		DBG_WARNING("fstat of %s failed: %s; owner unknown\n",
			    profileacl_name_dbg(fsp_str_dbg(fsp)),
			    strerror(errno));
		return false;
	}
	return sbuf.st_ex_uid == get_current_uid(handle->conn);
}

/*
 * Record the rights the module decided for the handle FSP: GRANTED, which
 * it keeps (its writes are audited, its durable cookie is wrapped), and
 * LOST, which are taken off the handle. False: the handle must be closed.
 */
static bool profileacl_keep(vfs_handle_struct *handle,
			    struct files_struct *fsp,
			    uint32_t granted,
			    uint32_t lost,
			    const char *event)
{
	struct connection_struct *conn = handle->conn;
	struct profileacl_data *data = NULL;
	struct profileacl_fsp *ext = NULL;

	SMB_VFS_HANDLE_GET_DATA(handle,
				data,
				struct profileacl_data,
				return false);
	if (lost != 0) {
		DBG_WARNING("user [%s] path [%s]: removing %s from the handle "
			    "(%s)\n",
			    conn->session_info->unix_info->unix_name,
			    profileacl_name_dbg(fsp_str_dbg(fsp)),
			    profileacl_rights_str(lost),
			    event);
		fsp->access_mask &= ~lost;
	}
	/* the handle's own extension if it has one (vfs.c), else a new one */
	ext = VFS_ADD_FSP_EXTENSION(handle, fsp, struct profileacl_fsp, NULL);
	if (ext == NULL) {
		DBG_ERR("no memory for the handle extension\n");
		return false;
	}
	ext->granted = granted;
	if (granted == 0) {
		return true;
	}
	DBG_NOTICE("user [%s] share [%s] path [%s]: %s %s\n",
		   conn->session_info->unix_info->unix_name,
		   lp_const_servicename(SNUM(conn)),
		   profileacl_name_dbg(fsp_str_dbg(fsp)),
		   strcmp(event, "grant") == 0 ? "granted"
					       : "kept on reconnect",
		   profileacl_rights_str(granted));
	/* no grant goes unaudited */
	return !data->audit ||
	       profileacl_audit(data, conn, fsp, event, granted, "");
}

static bool profileacl_creates(uint32_t create_disposition)
{
	return create_disposition == FILE_SUPERSEDE ||
	       create_disposition == FILE_CREATE ||
	       create_disposition == FILE_OPEN_IF ||
	       create_disposition == FILE_OVERWRITE_IF;
}

/* The rights to add for one request, 0 on a share the module left */
static uint32_t profileacl_rights(vfs_handle_struct *handle,
				  const struct smb_filename *smb_fname,
				  bool may_create,
				  uint32_t access_mask,
				  enum profileacl_reason *reason)
{
	struct profileacl_data *data = NULL;

	*reason = PROFILEACL_NOT_ASKED;
	if (!profileacl_asks(access_mask, handle->conn->share_access) ||
	    !SMB_VFS_HANDLE_TEST_DATA(handle))
	{
		/* most opens leave here; IPC$ and printers have no data */
		return 0;
	}
	SMB_VFS_HANDLE_GET_DATA(handle,
				data,
				struct profileacl_data,
				return 0);
	return profileacl_decide(handle->conn,
				 data->config,
				 smb_fname,
				 may_create,
				 access_mask,
				 reason);
}

/*
 * After the open, the handle keeps a granted right only if the requester
 * owns what it opened. Otherwise it gets what stock smbd would give: a
 * MAXIMUM_ALLOWED open, or one that named none of the granted rights,
 * succeeds without them; one that named them fails.
 */
static bool profileacl_post_open_denies(uint32_t access_mask, uint32_t granted)
{
	return (access_mask & SEC_FLAG_MAXIMUM_ALLOWED) == 0 &&
	       (access_mask & granted) != 0;
}

static NTSTATUS profileacl_create_file(
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
	struct connection_struct *conn = handle->conn;
	uint32_t saved_share_access = conn->share_access;
	struct profileacl_data *data = NULL;
	enum profileacl_reason reason;
	uint32_t mapped = access_mask;
	uint32_t granted;
	int info = 0;
	NTSTATUS status;

	granted = profileacl_rights(handle,
				    smb_fname,
				    profileacl_creates(create_disposition),
				    access_mask,
				    &reason);

	/* Widened for the next module's create only, restored at once */
	conn->share_access |= granted;
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
					  &info,
					  in_blobs,
					  out_blobs);
	conn->share_access = saved_share_access;
	if (granted == 0 || !NT_STATUS_IS_OK(status) || *result == NULL) {
		goto out;
	}

	if (!profileacl_handle_owned(handle, *result)) {
		se_map_generic(&mapped, &file_generic_mapping);
		if (profileacl_post_open_denies(mapped, granted)) {
			DBG_WARNING("%s: opened object is not owned by %s, "
				    "refusing %s\n",
				    profileacl_name_dbg(fsp_str_dbg(*result)),
				    conn->session_info->unix_info->unix_name,
				    profileacl_rights_str(granted));
			status = NT_STATUS_ACCESS_DENIED;
			goto fail;
		}
		if (!profileacl_keep(handle, *result, 0, granted, "grant")) {
			status = NT_STATUS_NO_MEMORY;
			goto fail;
		}
		goto out;
	}
	granted &= (*result)->access_mask;
	if (granted == 0) {
		/* the file's own ACL gave none of it */
		goto out;
	}
	if (!profileacl_keep(handle, *result, granted, 0, "grant")) {
		status = NT_STATUS_NO_MEMORY;
		goto fail;
	}

	/* The client's initial security descriptor, as smbd applies it */
	SMB_VFS_HANDLE_GET_DATA(handle,
				data,
				struct profileacl_data,
				goto out);
	if (data->audit && sd != NULL && info == FILE_WAS_CREATED &&
	    lp_nt_acl_support(SNUM(conn)) && !is_named_stream(smb_fname) &&
	    (get_sec_info(sd) & (SECINFO_OWNER | SECINFO_GROUP | SECINFO_DACL |
				 SECINFO_SACL)) != 0)
	{
		profileacl_audit_sd(data,
				    conn,
				    *result,
				    granted,
				    get_sec_info(sd),
				    sd,
				    NT_STATUS_OK);
	}
out:
	/* only for an open that stands, as vfs_default sets it */
	if (NT_STATUS_IS_OK(status) && pinfo != NULL) {
		*pinfo = info;
	}
	return status;

fail:
	close_file_free(req, result, ERROR_CLOSE);
	return status;
}

/*
 * The share mode entry keeps the access a handle was opened with, and a
 * durable reconnect restores the handle from it on any node, through any
 * share on the same path (source3/smbd/durable.c). The cookie of a handle
 * whose rights the module decided is therefore wrapped: vfs_default, and
 * so every share without profileacl, refuses it, and a share with
 * profileacl unwraps it and decides the rights again.
 */
#define PROFILEACL_COOKIE_MAGIC "vfs_profileacl:1"
#define PROFILEACL_COOKIE_MAGIC_LEN (sizeof(PROFILEACL_COOKIE_MAGIC) - 1)

static NTSTATUS profileacl_cookie_wrap(TALLOC_CTX *mem_ctx, DATA_BLOB *cookie)
{
	DATA_BLOB wrapped = data_blob_talloc(
		mem_ctx, NULL, PROFILEACL_COOKIE_MAGIC_LEN + cookie->length);

	if (wrapped.data == NULL) {
		return NT_STATUS_NO_MEMORY;
	}
	memcpy(wrapped.data,
	       PROFILEACL_COOKIE_MAGIC,
	       PROFILEACL_COOKIE_MAGIC_LEN);
	memcpy(wrapped.data + PROFILEACL_COOKIE_MAGIC_LEN,
	       cookie->data,
	       cookie->length);
	data_blob_free(cookie);
	*cookie = wrapped;
	return NT_STATUS_OK;
}

/* The cookie inside the envelope, or COOKIE itself when it has none */
static DATA_BLOB profileacl_cookie_inner(const DATA_BLOB cookie, bool *wrapped)
{
	*wrapped = cookie.length >= PROFILEACL_COOKIE_MAGIC_LEN &&
		   memcmp(cookie.data,
			  PROFILEACL_COOKIE_MAGIC,
			  PROFILEACL_COOKIE_MAGIC_LEN) == 0;
	if (!*wrapped) {
		return cookie;
	}
	return data_blob_const(cookie.data + PROFILEACL_COOKIE_MAGIC_LEN,
			       cookie.length - PROFILEACL_COOKIE_MAGIC_LEN);
}

static NTSTATUS profileacl_durable_cookie(struct vfs_handle_struct *handle,
					  struct files_struct *fsp,
					  TALLOC_CTX *mem_ctx,
					  DATA_BLOB *cookie)
{
	NTSTATUS status;

	status = SMB_VFS_NEXT_DURABLE_COOKIE(handle, fsp, mem_ctx, cookie);
	if (!NT_STATUS_IS_OK(status) ||
	    VFS_FETCH_FSP_EXTENSION(handle, fsp) == NULL) {
		return status;
	}
	return profileacl_cookie_wrap(mem_ctx, cookie);
}

static NTSTATUS profileacl_durable_disconnect(struct vfs_handle_struct *handle,
					      struct files_struct *fsp,
					      const DATA_BLOB old_cookie,
					      TALLOC_CTX *mem_ctx,
					      DATA_BLOB *new_cookie)
{
	bool wrapped;
	DATA_BLOB inner = profileacl_cookie_inner(old_cookie, &wrapped);
	NTSTATUS status;

	status = SMB_VFS_NEXT_DURABLE_DISCONNECT(
		handle, fsp, inner, mem_ctx, new_cookie);
	if (!NT_STATUS_IS_OK(status) || !wrapped) {
		return status;
	}
	status = profileacl_cookie_wrap(mem_ctx, new_cookie);
	if (NT_STATUS_IS_OK(status)) {
		return status;
	}
	/*
	 * vfs_default has marked the share mode entry disconnected and
	 * closed the fd: an error now would make smbd close the handle as if
	 * it were still open, and the scavenger would never hear of it. The
	 * plain cookie must not be stored either, as any share could
	 * reconnect it undecided. An empty cookie no share reconnects, and
	 * the scavenger removes the entry once the durable timeout passes.
	 */
	DBG_ERR("%s: no memory to wrap the durable cookie (%s); the handle "
		"cannot be reconnected and is cleaned up by the scavenger\n",
		profileacl_name_dbg(fsp_str_dbg(fsp)),
		nt_errstr(status));
	data_blob_free(new_cookie);
	return NT_STATUS_OK;
}

/*
 * A durable reconnect restores the handle's access mask from the share
 * mode entry, without create_file. Every right in it that the share mask
 * lacks is decided again for the session that reconnects, on this node,
 * as MAXIMUM_ALLOWED would: a right the owner keeps keeps its audit, a
 * lost one leaves the handle. A handle whose owner cannot be read is not
 * reconnected, as smbd does not reconnect one it cannot stat.
 */
static NTSTATUS profileacl_durable_reconnect(struct vfs_handle_struct *handle,
					     struct smb_request *smb1req,
					     struct smbXsrv_open *op,
					     const DATA_BLOB old_cookie,
					     TALLOC_CTX *mem_ctx,
					     struct files_struct **fsp,
					     DATA_BLOB *new_cookie)
{
	struct connection_struct *conn = handle->conn;
	enum profileacl_reason reason = PROFILEACL_OWNER_UNKNOWN;
	struct smb_filename name;
	uint32_t extra;
	uint32_t granted = 0;
	bool wrapped;
	int ret;
	DATA_BLOB inner = profileacl_cookie_inner(old_cookie, &wrapped);
	NTSTATUS status;

	status = SMB_VFS_NEXT_DURABLE_RECONNECT(
		handle, smb1req, op, inner, mem_ctx, fsp, new_cookie);
	if (!NT_STATUS_IS_OK(status)) {
		return status;
	}

	extra = (*fsp)->access_mask & PROFILEACL_GRANTABLE &
		~conn->share_access;
	if (extra != 0) {
		/*
		 * The owner as the handle reads it, below this module, on a
		 * copy of the name: smbd keeps its own stat in fsp_name (its
		 * birth time goes into the next durable cookie)
		 */
		name = *(*fsp)->fsp_name;
		ret = SMB_VFS_NEXT_FSTAT(handle, *fsp, &name.st);
		if (ret == 0) {
			granted = profileacl_rights(
					  handle,
					  &name,
					  false,
					  extra | SEC_FLAG_MAXIMUM_ALLOWED,
					  &reason) &
				  extra;
		}
		if (ret != 0 || reason == PROFILEACL_OWNER_UNKNOWN) {
			DBG_WARNING("%s: durable reconnect by %s refused: the "
				    "owner cannot be read\n",
				    profileacl_name_dbg(fsp_str_dbg(*fsp)),
				    conn->session_info->unix_info->unix_name);
			status = NT_STATUS_ACCESS_DENIED;
			goto fail;
		}
		if (!profileacl_keep(handle,
				     *fsp,
				     granted,
				     extra & ~granted,
				     "reconnect")) {
			status = NT_STATUS_NO_MEMORY;
			goto fail;
		}
	}
	if (extra != 0 || wrapped) {
		/* once wrapped, always wrapped */
		status = profileacl_cookie_wrap(mem_ctx, new_cookie);
		if (!NT_STATUS_IS_OK(status)) {
			goto fail;
		}
	}
	return NT_STATUS_OK;

fail:
	/*
	 * The smbXsrv_open is the caller's: detach it first, as vfs_default
	 * detaches it on its own failures (durable.c), or file_free() frees
	 * it. vfs_default then only frees its fsp; this handle is open and
	 * in the share mode entry, so it gets an error close, which also
	 * removes the entry: the handle is gone.
	 */
	data_blob_free(new_cookie);
	op->compat = NULL;
	(*fsp)->op = NULL;
	close_file_free(smb1req, fsp, ERROR_CLOSE);
	return status;
}

/*
 * A security descriptor written through a right the module granted gets
 * an audit line. smbd's set_sd() has already checked the handle's rights
 * for each part of it; smbd writes a stream's security through its base
 * file (metadata_fsp()), so a base handle opened for a stream carries the
 * stream handle's grant.
 */
static NTSTATUS profileacl_fset_nt_acl(vfs_handle_struct *handle,
				       files_struct *fsp,
				       uint32_t security_info_sent,
				       const struct security_descriptor *psd)
{
	struct profileacl_data *data = NULL;
	struct profileacl_fsp *ext = NULL;
	struct files_struct *granted_fsp = fsp;
	NTSTATUS status;

	if (SMB_VFS_HANDLE_TEST_DATA(handle)) {
		SMB_VFS_HANDLE_GET_DATA(handle,
					data,
					struct profileacl_data,
					return NT_STATUS_INTERNAL_ERROR);
	}
	if (data != NULL && data->audit) {
		ext = VFS_FETCH_FSP_EXTENSION(handle, fsp);
		if (ext == NULL && fsp->stream_fsp != NULL) {
			granted_fsp = fsp->stream_fsp;
			ext = VFS_FETCH_FSP_EXTENSION(handle, granted_fsp);
		}
	}
	status = SMB_VFS_NEXT_FSET_NT_ACL(handle,
					  fsp,
					  security_info_sent,
					  psd);
	if (ext != NULL && ext->granted != 0) {
		profileacl_audit_sd(data,
				    handle->conn,
				    granted_fsp,
				    ext->granted,
				    security_info_sent,
				    psd,
				    status);
	}
	return status;
}

static struct vfs_fn_pointers vfs_profileacl_fns = {
	.connect_fn = profileacl_connect,
	.create_file_fn = profileacl_create_file,
	.fset_nt_acl_fn = profileacl_fset_nt_acl,
	.durable_cookie_fn = profileacl_durable_cookie,
	.durable_disconnect_fn = profileacl_durable_disconnect,
	.durable_reconnect_fn = profileacl_durable_reconnect,
};

/*
 * The load guard. smbd checks only SMB_VFS_INTERFACE_VERSION, but its internal
 * structures (connection_struct, files_struct, ...) are not stable
 * between builds of one release. A module built out of Samba's tree
 * therefore runs only in the exact samba build it was compiled against,
 * told apart by the GNU build ID of libsmbd-base. An in-tree module does
 * not need any of this.
 */

/* What the running process's libsmbd-base says of its build */
enum profileacl_build {
	PROFILEACL_BUILD_MATCH = 0,
	PROFILEACL_BUILD_OTHER,	 /* another build ID */
	PROFILEACL_BUILD_NO_ID,	 /* libsmbd-base has no build ID */
	PROFILEACL_BUILD_NO_LIB, /* libsmbd-base is not loaded */
};

/* libsmbd-base-samba4.so.0 (4.17), libsmbd-base-private-samba.so.0 (4.2x) */
#define PROFILEACL_SMBD_BASE "/libsmbd-base-"

/* An ELF note: namesz, descsz, type (host order), name, desc (4-aligned) */
#define PROFILEACL_NT_GNU_BUILD_ID 3

static uint32_t note_word(const uint8_t *p)
{
	uint32_t v;

	memcpy(&v, p, sizeof(v));
	return v;
}

/*
 * The GNU build ID (NT_GNU_BUILD_ID) in a run of ELF notes (a PT_NOTE
 * segment), as lower-case hex into hex[hexsize]. false when the notes
 * hold none, are malformed, or the ID does not fit.
 */
static bool profileacl_gnu_build_id(const uint8_t *notes,
				    size_t len,
				    char *hex,
				    size_t hexsize)
{
	static const char digits[] = "0123456789abcdef";
	size_t off = 0;

	if (notes == NULL || hex == NULL) {
		return false;
	}
	while (len - off >= 12) {
		uint32_t namesz = note_word(notes + off);
		uint32_t descsz = note_word(notes + off + 4);
		uint32_t type = note_word(notes + off + 8);
		size_t name_off = off + 12;
		size_t desc_off;
		size_t next;
		size_t i;

		/* sizes rounded up to 4, each checked against what is left */
		if (namesz > len || descsz > len) {
			return false;
		}
		desc_off = name_off + ((namesz + 3) & ~(size_t)3);
		next = desc_off + ((descsz + 3) & ~(size_t)3);
		if (desc_off > len || next > len) {
			return false;
		}
		if (type == PROFILEACL_NT_GNU_BUILD_ID && namesz == 4 &&
		    memcmp(notes + name_off, "GNU", 4) == 0)
		{
			if (descsz == 0 || 2 * (size_t)descsz + 1 > hexsize) {
				return false;
			}
			for (i = 0; i < descsz; i++) {
				hex[2 * i] = digits[notes[desc_off + i] >> 4];
				hex[2 * i + 1] =
					digits[notes[desc_off + i] & 15];
			}
			hex[2 * descsz] = '\0';
			return true;
		}
		off = next;
	}
	return false;
}

struct profileacl_build_state {
	char *hex;
	size_t size;
	bool lib_found;
	bool id_found;
};

static int profileacl_find_build_id(struct dl_phdr_info *info,
				    size_t size,
				    void *private_data)
{
	struct profileacl_build_state *state = private_data;
	ElfW(Half) i;

	(void)size;
	if (info->dlpi_name == NULL ||
	    strstr(info->dlpi_name, PROFILEACL_SMBD_BASE) == NULL)
	{
		return 0;
	}
	state->lib_found = true;
	for (i = 0; i < info->dlpi_phnum; i++) {
		const ElfW(Phdr) *ph = &info->dlpi_phdr[i];

		if (ph->p_type != PT_NOTE) {
			continue;
		}
		if (profileacl_gnu_build_id((const uint8_t *)(info->dlpi_addr +
							      ph->p_vaddr),
					    ph->p_memsz,
					    state->hex,
					    state->size))
		{
			state->id_found = true;
			break;
		}
	}
	return 1;
}

/*
 * Compare the build ID of the loaded libsmbd-base with EXPECTED; the
 * running one goes to running[size] ("" when there is none).
 */
static enum profileacl_build profileacl_check_build(const char *expected,
						    char *running,
						    size_t size)
{
	struct profileacl_build_state state = {
		.hex = running,
		.size = size,
	};

	if (size == 0) {
		return PROFILEACL_BUILD_NO_ID;
	}
	running[0] = '\0';
	dl_iterate_phdr(profileacl_find_build_id, &state);
	if (!state.lib_found) {
		return PROFILEACL_BUILD_NO_LIB;
	}
	if (!state.id_found) {
		running[0] = '\0';
		return PROFILEACL_BUILD_NO_ID;
	}
	return strcmp(running, expected) == 0 ? PROFILEACL_BUILD_MATCH
					      : PROFILEACL_BUILD_OTHER;
}

#ifndef PROFILEACL_SAMBA_BUILD_ID
#error "PROFILEACL_SAMBA_BUILD_ID is set by the build (wscript)"
#endif

/*
 * What the module was built for, in a section of its own so that
 * "readelf -p .profileacl profileacl.so" (profileacl-rebuild --status)
 * can tell without loading it.
 */
static const char profileacl_built_for[]
	__attribute__((section(".profileacl"),
		       used)) = "samba=" PROFILEACL_SAMBA_VERSION
				" build-id=" PROFILEACL_SAMBA_BUILD_ID;

NTSTATUS samba_init_module(TALLOC_CTX *ctx _UNUSED_)
{
	char running[2 * 64 + 1];
	enum profileacl_build build;
	NTSTATUS status;

	build = profileacl_check_build(PROFILEACL_SAMBA_BUILD_ID,
				       running,
				       sizeof(running));
	if (build != PROFILEACL_BUILD_MATCH) {
		DBG_ERR("vfs_profileacl: refusing to load: the module was "
			"built for samba %s (libsmbd-base build id %s), but "
			"this smbd (Samba %s) runs libsmbd-base build id %s; "
			"smbd's internal structures differ between builds. "
			"Shares with \"vfs objects = profileacl\" refuse "
			"connections until the module is rebuilt for the "
			"running samba: %s\n",
			PROFILEACL_SAMBA_VERSION,
			PROFILEACL_SAMBA_BUILD_ID,
			samba_version_string(),
			build == PROFILEACL_BUILD_OTHER ? running
			: build == PROFILEACL_BUILD_NO_ID
				? "(none)"
				: "(libsmbd-base not "
				  "loaded)",
			PROFILEACL_REBUILD_COMMAND);
		return NT_STATUS_REVISION_MISMATCH;
	}

	status = smb_register_vfs(SMB_VFS_INTERFACE_VERSION,
				  PROFILEACL_MODULE_NAME,
				  &vfs_profileacl_fns);
	if (!NT_STATUS_IS_OK(status)) {
		return status;
	}

	profileacl_debug_level = debug_add_class(PROFILEACL_MODULE_NAME);
	if (profileacl_debug_level == -1) {
		profileacl_debug_level = DBGC_VFS;
		DBG_ERR("Couldn't register custom debugging class!\n");
	}
	return status;
}
