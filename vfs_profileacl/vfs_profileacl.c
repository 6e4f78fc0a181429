/*
 * vfs_profileacl: let the owner of a roaming profile set its ACL on a
 * share whose share ACL grants only Change (Microsoft KB Q255113).
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
 * A Windows client syncing a roaming profile opens the server copy with
 * WRITE_DAC to set its ACL. A share ACL of Change (0x001301FF) lacks
 * WRITE_DAC, so smbd refuses the open before the file's own ACL is
 * consulted. This module adds the configured rights (WRITE_DAC by
 * default) to the user's share mask for the duration of one open, and
 * only when the requesting user owns the object. The file system ACL
 * check still runs, and the owner is checked again on the opened handle.
 *
 * The decision is made by the pure functions in profileacl_policy.c;
 * this file only gathers the facts from smbd and applies the result.
 */

#include "includes.h"
#include "smbd/smbd.h"
#include "smbd/globals.h"
#include "system/filesys.h"
#include "libcli/security/security.h"
#include "libcli/security/session.h"
#include "auth.h"
#include "lib/param/loadparm.h"
#include "lib/tsocket/tsocket.h"
#include "libcli/security/sddl.h"
#include "passdb/machine_sid.h"
#include "profileacl_policy.h"

#undef DBGC_CLASS
#define DBGC_CLASS vfs_profileacl_debug_level
static int vfs_profileacl_debug_level = DBGC_VFS;

#define PROFILEACL_MODULE_NAME "profileacl"

/* The policy header mirrors Samba's constants: make sure they agree. */
_Static_assert(PROFILEACL_STD_WRITE_DAC == SEC_STD_WRITE_DAC, "WRITE_DAC");
_Static_assert(PROFILEACL_STD_WRITE_OWNER == SEC_STD_WRITE_OWNER,
	       "WRITE_OWNER");
_Static_assert(PROFILEACL_FLAG_MAXIMUM_ALLOWED == SEC_FLAG_MAXIMUM_ALLOWED,
	       "MAXIMUM_ALLOWED");
_Static_assert(PROFILEACL_GENERIC_ALL == SEC_GENERIC_ALL, "GENERIC_ALL");
_Static_assert(PROFILEACL_GENERIC_READ == SEC_GENERIC_READ, "GENERIC_READ");
_Static_assert(PROFILEACL_GENERIC_WRITE == SEC_GENERIC_WRITE, "GENERIC_WRITE");
_Static_assert(PROFILEACL_GENERIC_EXECUTE == SEC_GENERIC_EXECUTE,
	       "GENERIC_EXECUTE");
_Static_assert(PROFILEACL_FILE_ALL_ACCESS == SEC_RIGHTS_FILE_ALL,
	       "FILE_ALL_ACCESS");
_Static_assert(PROFILEACL_FILE_GENERIC_READ == SEC_RIGHTS_FILE_READ,
	       "FILE_GENERIC_READ");
_Static_assert(PROFILEACL_FILE_GENERIC_WRITE == SEC_RIGHTS_FILE_WRITE,
	       "FILE_GENERIC_WRITE");
_Static_assert(PROFILEACL_FILE_GENERIC_EXECUTE == SEC_RIGHTS_FILE_EXECUTE,
	       "FILE_GENERIC_EXECUTE");
_Static_assert(PROFILEACL_FILE_WRITE_DATA == SEC_FILE_WRITE_DATA,
	       "FILE_WRITE_DATA");
_Static_assert(PROFILEACL_FILE_APPEND_DATA == SEC_FILE_APPEND_DATA,
	       "FILE_APPEND_DATA");
_Static_assert(PROFILEACL_FILE_WRITE_EA == SEC_FILE_WRITE_EA, "FILE_WRITE_EA");
_Static_assert(PROFILEACL_FILE_WRITE_ATTRIBUTE == SEC_FILE_WRITE_ATTRIBUTE,
	       "FILE_WRITE_ATTRIBUTE");
_Static_assert(PROFILEACL_FILE_SUPERSEDE == FILE_SUPERSEDE, "SUPERSEDE");
_Static_assert(PROFILEACL_FILE_OPEN == FILE_OPEN, "OPEN");
_Static_assert(PROFILEACL_FILE_CREATE == FILE_CREATE, "CREATE");
_Static_assert(PROFILEACL_FILE_OPEN_IF == FILE_OPEN_IF, "OPEN_IF");
_Static_assert(PROFILEACL_FILE_OVERWRITE == FILE_OVERWRITE, "OVERWRITE");
_Static_assert(PROFILEACL_FILE_OVERWRITE_IF == FILE_OVERWRITE_IF,
	       "OVERWRITE_IF");
_Static_assert(PROFILEACL_SECINFO_OWNER == SECINFO_OWNER, "SECINFO_OWNER");
_Static_assert(PROFILEACL_SECINFO_GROUP == SECINFO_GROUP, "SECINFO_GROUP");
_Static_assert(PROFILEACL_SECINFO_DACL == SECINFO_DACL, "SECINFO_DACL");
_Static_assert(PROFILEACL_SECINFO_SACL == SECINFO_SACL, "SECINFO_SACL");

struct profileacl_config {
	uint32_t grantable;
	bool audit;
	/* "profileacl:profile dirs" as written, NULL when unset */
	const char *profile_dirs;
	/* ... and substituted for the user with uid dirs_uid */
	char **dirs;
	uid_t dirs_uid;
};

/* Attached to each handle that got a right from the module */
struct profileacl_fsp {
	uint32_t granted;
};

#define PROFILEACL_OPT_PREFIX PROFILEACL_MODULE_NAME ":"

/*
 * Refuse unknown "profileacl:" options of the share: a typo must not
 * silently leave the default in force.
 */
static bool profileacl_check_option_names(int snum, const char *service)
{
	struct loadparm_service *svc = lp_servicebynum(snum);
	struct parmlist_entry *opt = NULL;
	size_t plen = strlen(PROFILEACL_OPT_PREFIX);

	if (svc == NULL) {
		DBG_ERR("share [%s]: no service definition\n", service);
		return false;
	}
	for (opt = svc->param_opt; opt != NULL; opt = opt->next) {
		if (strncasecmp_m(opt->key, PROFILEACL_OPT_PREFIX, plen) != 0) {
			continue;
		}
		if (!profileacl_option_known(opt->key + plen)) {
			DBG_ERR("share [%s]: unknown option \"%s = %s\"; "
				"profileacl knows \"grant\", \"profile dirs\" "
				"and \"audit\"\n",
				service,
				opt->key,
				opt->value);
			return false;
		}
	}
	return true;
}

static bool profileacl_parse_config(struct vfs_handle_struct *handle,
				    const char *service,
				    struct profileacl_config *config)
{
	int snum = SNUM(handle->conn);
	const char *value = NULL;
	const char *bad = NULL;
	char **words = NULL;
	bool ok;

	if (!profileacl_check_option_names(snum, service)) {
		return false;
	}

	config->grantable = PROFILEACL_STD_WRITE_DAC;
	value = lp_parm_const_string(snum,
				     PROFILEACL_MODULE_NAME,
				     PROFILEACL_OPT_GRANT,
				     NULL);
	if (value != NULL) {
		words = str_list_make_v3(talloc_tos(), value, NULL);
		ok = profileacl_parse_grant((const char *const *)words,
					    &config->grantable,
					    &bad);
		if (!ok) {
			DBG_ERR("share [%s]: bad value \"profileacl:grant = "
				"%s\": %s%s%s; allowed: a list of write_dac "
				"and write_owner\n",
				service,
				value,
				bad != NULL ? "unknown right \"" : "empty list",
				bad != NULL ? bad : "",
				bad != NULL ? "\"" : "");
			TALLOC_FREE(words);
			return false;
		}
		TALLOC_FREE(words);
	}

	config->audit = false;
	value = lp_parm_const_string(snum,
				     PROFILEACL_MODULE_NAME,
				     PROFILEACL_OPT_AUDIT,
				     NULL);
	if (value != NULL && !set_boolean(value, &config->audit)) {
		/* set_boolean() is what smb.conf's own booleans use */
		DBG_ERR("share [%s]: bad value \"profileacl:audit = "
			"%s\"; allowed: yes or no\n",
			service,
			value);
		return false;
	}

	value = lp_parm_const_string(snum,
				     PROFILEACL_MODULE_NAME,
				     PROFILEACL_OPT_PROFILE_DIRS,
				     NULL);
	if (value != NULL) {
		config->profile_dirs = talloc_strdup(config, value);
		if (config->profile_dirs == NULL) {
			DBG_ERR("talloc_strdup failed\n");
			return false;
		}
	}
	return true;
}

/*
 * The "profile dirs" patterns after smb.conf substitutions (%U, %u, %G,
 * ...) for the current user. An SMB1 tree connect can be used by several
 * sessions, so the list is kept per uid and made again when it changes.
 */
static const char *const *profileacl_dirs(struct vfs_handle_struct *handle,
					  struct profileacl_config *config,
					  uid_t uid)
{
	const struct loadparm_substitution *lp_sub =
		loadparm_s3_global_substitution();
	char *value = NULL;
	char **dirs = NULL;
	size_t i;

	if (config->dirs != NULL && config->dirs_uid == uid) {
		return (const char *const *)config->dirs;
	}
	TALLOC_FREE(config->dirs);

	value = lp_parm_substituted_string(talloc_tos(),
					   lp_sub,
					   SNUM(handle->conn),
					   PROFILEACL_MODULE_NAME,
					   PROFILEACL_OPT_PROFILE_DIRS,
					   "");
	if (value == NULL) {
		return NULL;
	}
	dirs = str_list_make_v3(config, value, NULL);
	if (dirs == NULL || dirs[0] == NULL) {
		DBG_ERR("share [%s]: \"profileacl:profile dirs = %s\" "
			"gives no pattern for uid %u\n",
			lp_const_servicename(SNUM(handle->conn)),
			config->profile_dirs,
			(unsigned)uid);
		TALLOC_FREE(value);
		TALLOC_FREE(dirs);
		return NULL;
	}
	for (i = 0; dirs[i] != NULL; i++) {
		if (!profileacl_pattern_valid(dirs[i])) {
			DBG_ERR("share [%s]: bad pattern \"%s\" in "
				"\"profileacl:profile dirs = %s\" (after "
				"substitution: %s); a pattern names one "
				"top-level folder, with * and ? wildcards\n",
				lp_const_servicename(SNUM(handle->conn)),
				dirs[i],
				config->profile_dirs,
				value);
			TALLOC_FREE(value);
			TALLOC_FREE(dirs);
			return NULL;
		}
	}
	TALLOC_FREE(value);
	config->dirs = dirs;
	config->dirs_uid = uid;
	return (const char *const *)config->dirs;
}

static int profileacl_connect(struct vfs_handle_struct *handle,
			      const char *service,
			      const char *user)
{
	struct profileacl_config *config = NULL;
	int ret;

	ret = SMB_VFS_NEXT_CONNECT(handle, service, user);
	if (ret < 0) {
		return ret;
	}

	if (IS_IPC(handle->conn) || IS_PRINT(handle->conn)) {
		return 0;
	}

	config = talloc_zero(handle->conn, struct profileacl_config);
	if (config == NULL) {
		DBG_ERR("talloc_zero() failed\n");
		goto fail;
	}

	if (!profileacl_parse_config(handle, service, config)) {
		DBG_ERR("refusing the connection to [%s] for %s: fix the "
			"profileacl options in smb.conf\n",
			service,
			user);
		goto fail;
	}
	if (config->profile_dirs != NULL &&
	    profileacl_dirs(handle, config, get_current_uid(handle->conn)) ==
		    NULL) {
		DBG_ERR("refusing the connection to [%s] for %s\n",
			service,
			user);
		goto fail;
	}

	if (handle->conn->force_user) {
		DBG_NOTICE("share [%s] has \"force user\": every session acts "
			   "as one uid, so ownership names no person; "
			   "profileacl grants nothing here\n",
			   service);
	}

	SMB_VFS_HANDLE_SET_DATA(handle,
				config,
				NULL,
				struct profileacl_config,
				goto fail);
	return 0;

fail:
	TALLOC_FREE(config);
	SMB_VFS_NEXT_DISCONNECT(handle);
	errno = EACCES;
	return -1;
}

static const char *profileacl_client(struct connection_struct *conn)
{
	char *addr = NULL;

	if (conn->sconn == NULL || conn->sconn->remote_address == NULL) {
		return "unknown";
	}
	addr = tsocket_address_inet_addr_string(conn->sconn->remote_address,
						talloc_tos());
	return addr != NULL ? addr : "unknown";
}

/*
 * One "profileacl:audit" line: event, user, client, share, path, rights
 * and what the event adds. Level 1 of the profileacl class, so that
 * "log level = 0 profileacl:1" shows these lines alone.
 */
static void profileacl_audit(struct connection_struct *conn,
			     struct files_struct *fsp,
			     const char *event,
			     uint32_t rights,
			     const char *extra)
{
	DEBUG(1,
	      ("profileacl audit: %s user=%s client=%s share=%s path=%s "
	       "rights=%s%s\n",
	       event,
	       conn->session_info->unix_info->unix_name,
	       profileacl_client(conn),
	       lp_const_servicename(SNUM(conn)),
	       fsp_str_dbg(fsp),
	       profileacl_rights_str(rights),
	       extra));
}

static enum profileacl_object
profileacl_object_state(const struct smb_filename *smb_fname, uid_t uid)
{
	if (!VALID_STAT(smb_fname->st)) {
		/* filename_convert() leaves a zeroed stat for a new name */
		return PROFILEACL_OBJ_ABSENT;
	}
	if (smb_fname->st.st_ex_uid == uid) {
		return PROFILEACL_OBJ_OWN;
	}
	return PROFILEACL_OBJ_OTHER;
}

/*
 * Does the requester own what the handle refers to? Asked of the open
 * handle itself, so a rename, symlink or hardlink swapped in between the
 * check and the open cannot pass. A stream belongs to its base file.
 */
static bool profileacl_handle_owned(struct files_struct *fsp, uid_t uid)
{
	struct files_struct *owner_fsp = fsp;
	SMB_STRUCT_STAT sbuf;
	int ret;

	if (fsp->base_fsp != NULL) {
		owner_fsp = fsp->base_fsp;
	}

	ret = SMB_VFS_FSTAT(owner_fsp, &sbuf);
	if (ret != 0) {
		DBG_WARNING("fstat of %s failed: %s; treating as not owned\n",
			    fsp_str_dbg(owner_fsp),
			    strerror(errno));
		return false;
	}
	return sbuf.st_ex_uid == uid;
}

/*
 * The rights to add to the share mask for this one open, or 0. Most opens
 * leave at the first test, touching nothing but the request's bits.
 */
static uint32_t profileacl_decide(vfs_handle_struct *handle,
				  const struct smb_filename *smb_fname,
				  uint32_t access_mask,
				  uint32_t create_disposition,
				  uid_t *puid)
{
	struct connection_struct *conn = handle->conn;
	struct profileacl_config *config = NULL;
	struct profileacl_request r;
	enum profileacl_reason reason;
	uint32_t granted;
	bool outside = false;
	uid_t uid;

	if ((access_mask & (SEC_STD_WRITE_DAC | SEC_STD_WRITE_OWNER |
			    SEC_FLAG_MAXIMUM_ALLOWED | SEC_GENERIC_ALL)) == 0 ||
	    (conn->share_access & PROFILEACL_GRANTABLE) ==
		    PROFILEACL_GRANTABLE) {
		return 0;
	}

	if (!SMB_VFS_HANDLE_TEST_DATA(handle)) {
		/* IPC$ or a print share: nothing to grant */
		return 0;
	}
	SMB_VFS_HANDLE_GET_DATA(handle,
				config,
				struct profileacl_config,
				return 0);

	uid = get_current_uid(conn);

	if (config->profile_dirs != NULL) {
		const char *const *dirs = profileacl_dirs(handle, config, uid);

		/* A list that cannot be made grants nothing */
		outside =
			(dirs == NULL) ||
			!profileacl_in_profile_dirs(smb_fname->base_name, dirs);
	}

	r = (struct profileacl_request){
		.access_mask = access_mask,
		.share_mask = conn->share_access,
		.create_disposition = create_disposition,
		.grantable = config->grantable,
		.guest = security_session_user_level(conn->session_info, NULL) <
			 SECURITY_USER,
		.read_only = conn->read_only,
		.forced_user = conn->force_user,
		.outside_profile = outside,
		.object = profileacl_object_state(smb_fname, uid),
	};

	granted = profileacl_grant(&r, &reason);
	if (granted == 0) {
		if (reason != PROFILEACL_NOT_ASKED &&
		    reason != PROFILEACL_NO_CONFIG) {
			DBG_INFO("%s: no grant for %s, access 0x%08x: %s\n",
				 conn->session_info->unix_info->unix_name,
				 smb_fname_str_dbg(smb_fname),
				 access_mask,
				 profileacl_reason_str(reason));
		}
		return 0;
	}

	DBG_DEBUG("%s: adding %s to the share mask 0x%08x for this open\n",
		  smb_fname_str_dbg(smb_fname),
		  profileacl_rights_str(granted),
		  conn->share_access);
	*puid = uid;
	return granted;
}

/*
 * The open succeeded with a widened share mask: check on the handle that
 * the requester owns what was opened, and keep, strip or refuse.
 */
static NTSTATUS profileacl_after_open(vfs_handle_struct *handle,
				      struct smb_request *req,
				      files_struct **result,
				      uint32_t access_mask,
				      uint32_t granted,
				      uid_t uid)
{
	struct connection_struct *conn = handle->conn;
	struct profileacl_config *config = NULL;
	struct profileacl_fsp *ext = NULL;
	enum profileacl_post_action action;

	SMB_VFS_HANDLE_GET_DATA(handle,
				config,
				struct profileacl_config,
				return NT_STATUS_INTERNAL_ERROR);

	action = profileacl_post_open(access_mask,
				      granted,
				      profileacl_handle_owned(*result, uid));
	switch (action) {
	case PROFILEACL_POST_KEEP:
		granted &= (*result)->access_mask;
		if (granted == 0) {
			break;
		}
		ext = VFS_ADD_FSP_EXTENSION(handle,
					    *result,
					    struct profileacl_fsp,
					    NULL);
		if (ext == NULL) {
			DBG_ERR("no memory for the handle extension of %s: "
				"refusing the open\n",
				fsp_str_dbg(*result));
			close_file_free(req, result, ERROR_CLOSE);
			return NT_STATUS_NO_MEMORY;
		}
		ext->granted = granted;
		DBG_NOTICE("user [%s] share [%s] path [%s]: granted %s\n",
			   conn->session_info->unix_info->unix_name,
			   lp_const_servicename(SNUM(conn)),
			   fsp_str_dbg(*result),
			   profileacl_rights_str(granted));
		if (config->audit) {
			profileacl_audit(conn, *result, "grant", granted, "");
		}
		break;
	case PROFILEACL_POST_STRIP:
		DBG_WARNING("%s: opened object is not owned by %s, "
			    "removing %s from MAXIMUM_ALLOWED\n",
			    fsp_str_dbg(*result),
			    conn->session_info->unix_info->unix_name,
			    profileacl_rights_str(granted));
		(*result)->access_mask &= ~granted;
		break;
	case PROFILEACL_POST_DENY:
		DBG_WARNING("%s: opened object is not owned by %s, "
			    "refusing %s\n",
			    fsp_str_dbg(*result),
			    conn->session_info->unix_info->unix_name,
			    profileacl_rights_str(granted));
		close_file_free(req, result, ERROR_CLOSE);
		return NT_STATUS_ACCESS_DENIED;
	}
	return NT_STATUS_OK;
}

static NTSTATUS profileacl_create_file(vfs_handle_struct *handle,
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
	uint32_t granted;
	uid_t uid = (uid_t)-1;
	NTSTATUS status;

	granted = profileacl_decide(handle,
				    smb_fname,
				    access_mask,
				    create_disposition,
				    &uid);

	/* Widened for the next module's create only, restored on any path */
	if (granted != 0) {
		conn->share_access |= granted;
	}
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
	if (granted == 0) {
		return status;
	}
	conn->share_access = saved_share_access;

	if (!NT_STATUS_IS_OK(status) || *result == NULL) {
		return status;
	}
	return profileacl_after_open(handle,
				     req,
				     result,
				     access_mask,
				     granted,
				     uid);
}

/*
 * A handle that got WRITE_DAC or WRITE_OWNER from the module may write
 * what those rights allow and nothing else, and each write is audited.
 * Handles the module did not touch pass straight through.
 */
static NTSTATUS profileacl_fset_nt_acl(vfs_handle_struct *handle,
				       files_struct *fsp,
				       uint32_t security_info_sent,
				       const struct security_descriptor *psd)
{
	struct connection_struct *conn = handle->conn;
	struct profileacl_config *config = NULL;
	struct profileacl_fsp *ext = VFS_FETCH_FSP_EXTENSION(handle, fsp);
	char *sddl = NULL;
	char *extra = NULL;
	NTSTATUS status;

	if (ext == NULL) {
		return SMB_VFS_NEXT_FSET_NT_ACL(handle,
						fsp,
						security_info_sent,
						psd);
	}
	SMB_VFS_HANDLE_GET_DATA(handle,
				config,
				struct profileacl_config,
				return NT_STATUS_INTERNAL_ERROR);

	if (!profileacl_sd_write_allowed(security_info_sent,
					 fsp->access_mask)) {
		DBG_WARNING("user [%s] path [%s]: refusing security "
			    "information 0x%x through a handle granted %s\n",
			    conn->session_info->unix_info->unix_name,
			    fsp_str_dbg(fsp),
			    security_info_sent,
			    profileacl_rights_str(ext->granted));
		return NT_STATUS_ACCESS_DENIED;
	}

	status = SMB_VFS_NEXT_FSET_NT_ACL(handle, fsp, security_info_sent, psd);
	if (config->audit) {
		sddl = sddl_encode(talloc_tos(), psd, get_global_sam_sid());
		extra = talloc_asprintf(talloc_tos(),
					" secinfo=0x%x status=%s sd=%s",
					security_info_sent,
					nt_errstr(status),
					sddl != NULL ? sddl : "(unencodable)");
		profileacl_audit(conn,
				 fsp,
				 "write",
				 ext->granted,
				 extra != NULL ? extra : "");
		TALLOC_FREE(extra);
		TALLOC_FREE(sddl);
	}
	return status;
}

static struct vfs_fn_pointers vfs_profileacl_fns = {
	.connect_fn = profileacl_connect,
	.create_file_fn = profileacl_create_file,
	.fset_nt_acl_fn = profileacl_fset_nt_acl,
};

NTSTATUS samba_init_module(TALLOC_CTX *ctx);
NTSTATUS samba_init_module(TALLOC_CTX *ctx _UNUSED_)
{
	NTSTATUS status;

	status = smb_register_vfs(SMB_VFS_INTERFACE_VERSION,
				  PROFILEACL_MODULE_NAME,
				  &vfs_profileacl_fns);
	if (!NT_STATUS_IS_OK(status)) {
		return status;
	}

	vfs_profileacl_debug_level = debug_add_class(PROFILEACL_MODULE_NAME);
	if (vfs_profileacl_debug_level == -1) {
		vfs_profileacl_debug_level = DBGC_VFS;
		DBG_ERR("Couldn't register custom debugging class!\n");
	} else {
		DBG_DEBUG("Debug class number: %d\n",
			  vfs_profileacl_debug_level);
	}
	return status;
}
