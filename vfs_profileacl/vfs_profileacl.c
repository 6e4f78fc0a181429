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
#include "messages.h"
#include "librpc/gen_ndr/open_files.h"
#include "locking/share_mode_lock.h"
#include "lib/util/server_id.h"
#include <link.h>
#include "profileacl_compat.h"
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
	/*
	 * Rights of a create the module widened that carries a security
	 * descriptor from the client, while the next module runs it: the
	 * initial SD smbd writes then goes through the grant.
	 */
	uint32_t creating;
	/* Inside our own SD write: nested ACL writes are part of it */
	bool writing;
};

/* Attached to each handle whose rights the module granted or stripped */
struct profileacl_fsp {
	uint32_t granted;
	/*
	 * The handle lost a right in a race (the object changed owner
	 * between the check and the open): it gets no durable handle.
	 */
	bool stripped;
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
 * %I, ...) for the session now in force, on mem_ctx. Made anew for each
 * decision that would grant, never cached: the substitutions depend on
 * the session and the client, not on the uid alone, and an SMB1 tree
 * connect serves several sessions. NULL (and a log line) when the value
 * gives no valid pattern.
 */
static char **profileacl_dirs(TALLOC_CTX *mem_ctx,
			      struct vfs_handle_struct *handle,
			      const struct profileacl_config *config)
{
	const struct loadparm_substitution *lp_sub =
		loadparm_s3_global_substitution();
	const char *service = lp_const_servicename(SNUM(handle->conn));
	char *value = NULL;
	char **dirs = NULL;
	size_t i;

	value = lp_parm_substituted_string(mem_ctx,
					   lp_sub,
					   SNUM(handle->conn),
					   PROFILEACL_MODULE_NAME,
					   PROFILEACL_OPT_PROFILE_DIRS,
					   "");
	if (value == NULL) {
		return NULL;
	}
	dirs = str_list_make_v3(mem_ctx, value, NULL);
	if (dirs == NULL || dirs[0] == NULL) {
		DBG_ERR("share [%s]: \"profileacl:profile dirs = %s\" "
			"gives no pattern\n",
			service,
			config->profile_dirs);
		goto fail;
	}
	for (i = 0; dirs[i] != NULL; i++) {
		if (!profileacl_pattern_valid(dirs[i])) {
			DBG_ERR("share [%s]: bad pattern \"%s\" in "
				"\"profileacl:profile dirs = %s\" (after "
				"substitution: %s); a pattern names one "
				"top-level folder, with * and ? wildcards\n",
				service,
				dirs[i],
				config->profile_dirs,
				value);
			goto fail;
		}
	}
	TALLOC_FREE(value);
	return dirs;
fail:
	TALLOC_FREE(value);
	TALLOC_FREE(dirs);
	return NULL;
}

static int profileacl_connect(struct vfs_handle_struct *handle,
			      const char *service,
			      const char *user)
{
	struct profileacl_config *config = NULL;
	char **dirs = NULL;
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
	if (config->profile_dirs != NULL) {
		/* Only checked here: each decision makes the list anew */
		dirs = profileacl_dirs(talloc_tos(), handle, config);
		if (dirs == NULL) {
			DBG_ERR("refusing the connection to [%s] for %s\n",
				service,
				user);
			goto fail;
		}
		TALLOC_FREE(dirs);
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

/*
 * Who owns what FSP refers to, on disk. A stream belongs to its base
 * file. The owner comes from the backend at the bottom of the VFS stack,
 * below any module that fakes stat (vfs_fake_perms reports every object
 * as the requester's). The modules below this one must be able to stat
 * the handle too: an error anywhere leaves the owner unknown.
 */
static enum profileacl_object
profileacl_fsp_owner(struct vfs_handle_struct *handle,
		     struct files_struct *fsp,
		     uid_t uid)
{
	struct vfs_handle_struct *backend = handle;
	SMB_STRUCT_STAT sbuf;
	SMB_STRUCT_STAT real;
	int ret;

	if (fsp == NULL) {
		return PROFILEACL_OBJ_UNKNOWN;
	}
	if (fsp->base_fsp != NULL) {
		fsp = fsp->base_fsp;
	}
	ret = SMB_VFS_NEXT_FSTAT(handle, fsp, &sbuf);
	if (ret != 0) {
		DBG_WARNING("fstat of %s failed: %s; owner unknown\n",
			    fsp_str_dbg(fsp),
			    strerror(errno));
		return PROFILEACL_OBJ_UNKNOWN;
	}
	while (backend->next != NULL) {
		backend = backend->next;
	}
	ret = smb_vfs_call_fstat(backend, fsp, &real);
	if (ret != 0) {
		DBG_WARNING("fstat of %s in the file system failed: %s; "
			    "owner unknown\n",
			    fsp_str_dbg(fsp),
			    strerror(errno));
		return PROFILEACL_OBJ_UNKNOWN;
	}
	if (S_ISLNK(real.st_ex_mode)) {
		/*
		 * smbd follows links to their target; a handle on a link
		 * itself means a module above misreported its type
		 */
		DBG_NOTICE("%s: the handle is a symlink itself; owner "
			   "unknown\n",
			   fsp_str_dbg(fsp));
		return PROFILEACL_OBJ_UNKNOWN;
	}
	if (real.st_ex_uid != sbuf.st_ex_uid) {
		char *stack = str_list_join(talloc_tos(),
					    lp_vfs_objects(SNUM(handle->conn)),
					    ' ');

		DBG_NOTICE("%s: the modules below profileacl in \"vfs objects "
			   "= %s\" report owner uid %u, the file system uid "
			   "%u: the file system decides\n",
			   fsp_str_dbg(fsp),
			   stack != NULL ? stack : "?",
			   (unsigned)sbuf.st_ex_uid,
			   (unsigned)real.st_ex_uid);
		TALLOC_FREE(stack);
	}
	return (real.st_ex_uid == uid) ? PROFILEACL_OBJ_OWN
				       : PROFILEACL_OBJ_OTHER;
}

/*
 * Who will own the object a create would make: with "inherit owner" the
 * owner of the parent folder, for a new stream the owner of its base
 * file. Sets *container to that owner's state and returns true when one
 * of these rules applies.
 */
static bool profileacl_new_owner(struct vfs_handle_struct *handle,
				 const struct smb_filename *smb_fname,
				 uid_t uid,
				 enum profileacl_object *container)
{
	struct connection_struct *conn = handle->conn;
	struct smb_filename *other = NULL;
	struct smb_filename *atname = NULL;
	NTSTATUS status;

	/* smb_fname is relative to the share root, whatever dirfsp is */
	if (is_named_stream(smb_fname)) {
		status = synthetic_pathref(talloc_tos(),
					   conn->cwd_fsp,
					   smb_fname->base_name,
					   NULL,
					   NULL,
					   smb_fname->twrp,
					   smb_fname->flags &
						   ~SMB_FILENAME_POSIX_PATH,
					   &other);
	} else if (lp_inherit_owner(SNUM(conn)) != INHERIT_OWNER_NO) {
		status = parent_pathref(talloc_tos(),
					conn->cwd_fsp,
					smb_fname,
					&other,
					&atname);
	} else {
		return false;
	}
	if (!NT_STATUS_IS_OK(status)) {
		DBG_INFO("%s: no handle on the new object's container: %s\n",
			 smb_fname_str_dbg(smb_fname),
			 nt_errstr(status));
		*container = PROFILEACL_OBJ_UNKNOWN;
		return true;
	}
	*container = profileacl_fsp_owner(handle, other->fsp, uid);
	TALLOC_FREE(atname);
	TALLOC_FREE(other);
	return true;
}

/* Does this request ask for a right the share mask lacks? (cheap) */
static bool profileacl_wants(struct connection_struct *conn,
			     uint32_t access_mask)
{
	return (access_mask & (SEC_STD_WRITE_DAC | SEC_STD_WRITE_OWNER |
			       SEC_FLAG_MAXIMUM_ALLOWED | SEC_GENERIC_ALL)) !=
		       0 &&
	       (conn->share_access & PROFILEACL_GRANTABLE) !=
		       PROFILEACL_GRANTABLE;
}

/*
 * What is known of the owner of the object a request is about: from an
 * open handle (a durable reconnect), or from the name smbd resolved for
 * a create (the pathref handle on it, or who will own a new object).
 */
static void profileacl_learn_owner(struct vfs_handle_struct *handle,
				   const struct smb_filename *smb_fname,
				   struct files_struct *fsp,
				   uid_t uid,
				   struct profileacl_request *r)
{
	if (fsp != NULL) {
		r->object = profileacl_fsp_owner(handle, fsp, uid);
	} else if (!VALID_STAT(smb_fname->st)) {
		/* filename_convert() leaves a zeroed stat for a new name */
		r->object = PROFILEACL_OBJ_ABSENT;
		r->inherit_owner = profileacl_new_owner(handle,
							smb_fname,
							uid,
							&r->parent);
	} else {
		r->object = profileacl_fsp_owner(handle, smb_fname->fsp, uid);
	}
}

/*
 * The rights to add to the share mask for this one request, or 0, about
 * the object named by smb_fname (a create) or open as fsp (a reconnect);
 * *puid is set to the requester. The questions are asked cheapest first:
 * the owner (one or two fstat calls) is looked up only for a request that
 * the owner could be granted, the profile dirs only for one that would be.
 */
static uint32_t profileacl_decide(vfs_handle_struct *handle,
				  const struct smb_filename *smb_fname,
				  struct files_struct *fsp,
				  uint32_t access_mask,
				  uint32_t create_disposition,
				  uid_t *puid)
{
	struct connection_struct *conn = handle->conn;
	struct profileacl_config *config = NULL;
	struct profileacl_request r;
	enum profileacl_reason reason;
	const char *path =
		(fsp != NULL) ? fsp->fsp_name->base_name : smb_fname->base_name;
	uint32_t granted;
	uid_t uid;

	if (!profileacl_wants(conn, access_mask) ||
	    !SMB_VFS_HANDLE_TEST_DATA(handle)) {
		/* Most opens leave here; IPC$ and printers have no data */
		return 0;
	}
	SMB_VFS_HANDLE_GET_DATA(handle,
				config,
				struct profileacl_config,
				return 0);

	uid = get_current_uid(conn);
	r = (struct profileacl_request){
		.access_mask = access_mask,
		.share_mask = conn->share_access,
		.create_disposition = create_disposition,
		.grantable = config->grantable,
		.guest = security_session_user_level(conn->session_info, NULL) <
			 SECURITY_USER,
		.root = (uid == 0),
		.read_only = conn->read_only,
		.forced_user = conn->force_user,
		/* the most the owner could get: nothing more for anyone */
		.object = PROFILEACL_OBJ_OWN,
	};

	granted = profileacl_grant(&r, &reason);
	if (granted != 0) {
		profileacl_learn_owner(handle, smb_fname, fsp, uid, &r);
		granted = profileacl_grant(&r, &reason);
	}
	if (granted != 0 && config->profile_dirs != NULL) {
		char **dirs = profileacl_dirs(talloc_tos(), handle, config);

		/* A list that cannot be made grants nothing */
		r.outside_profile =
			(dirs == NULL) ||
			!profileacl_in_profile_dirs(path,
						    (const char *const *)dirs);
		TALLOC_FREE(dirs);
		granted = profileacl_grant(&r, &reason);
	}
	if (granted == 0) {
		if (reason != PROFILEACL_NOT_ASKED &&
		    reason != PROFILEACL_NO_CONFIG) {
			DBG_INFO("%s: no grant for %s, access 0x%08x: %s\n",
				 conn->session_info->unix_info->unix_name,
				 path,
				 access_mask,
				 profileacl_reason_str(reason));
		}
		return 0;
	}

	DBG_DEBUG("%s: adding %s to the share mask 0x%08x for this open\n",
		  path,
		  profileacl_rights_str(granted),
		  conn->share_access);
	*puid = uid;
	return granted;
}

struct profileacl_strip_state {
	struct server_id pid;
	uint64_t share_file_id;
	uint32_t bits;
	bool found;
};

static bool profileacl_strip_entry_fn(struct share_mode_entry *e,
				      bool *modified,
				      void *private_data)
{
	struct profileacl_strip_state *state = private_data;

	if (!server_id_equal(&e->pid, &state->pid) ||
	    e->share_file_id != state->share_file_id) {
		return false;
	}
	e->access_mask &= ~state->bits;
	*modified = true;
	state->found = true;
	return true;
}

/*
 * Take BITS away from the handle and from its share mode entry, which a
 * durable reconnect (on any node) restores the handle's access from.
 */
static bool profileacl_strip(struct files_struct *fsp, uint32_t bits)
{
	struct profileacl_strip_state state = {
		.pid = messaging_server_id(fsp->conn->sconn->msg_ctx),
		.share_file_id = fh_get_gen_id(fsp->fh),
		.bits = bits,
	};
	struct share_mode_lock *lck = NULL;
	bool ok;

	fsp->access_mask &= ~bits;

	lck = get_existing_share_mode_lock(talloc_tos(), fsp->file_id);
	if (lck == NULL) {
		DBG_ERR("%s: no share mode lock\n", fsp_str_dbg(fsp));
		return false;
	}
	ok = share_mode_forall_entries(lck, profileacl_strip_entry_fn, &state);
	TALLOC_FREE(lck);
	if (!ok || !state.found) {
		DBG_ERR("%s: no share mode entry to strip %s from\n",
			fsp_str_dbg(fsp),
			profileacl_rights_str(bits));
		return false;
	}
	return true;
}

static struct profileacl_fsp *profileacl_add_ext(vfs_handle_struct *handle,
						 struct files_struct *fsp)
{
	struct profileacl_fsp *ext = VFS_FETCH_FSP_EXTENSION(handle, fsp);

	if (ext != NULL) {
		return ext;
	}
	ext = VFS_ADD_FSP_EXTENSION(handle, fsp, struct profileacl_fsp, NULL);
	if (ext == NULL) {
		DBG_ERR("no memory for the handle extension of %s\n",
			fsp_str_dbg(fsp));
	}
	return ext;
}

/*
 * A handle holds rights the module granted: check on the handle that the
 * requester owns what it refers to, and keep, strip or refuse. event
 * names the path in the log and the audit ("grant", "reconnect").
 * Returns false when the handle must be closed.
 */
static bool profileacl_settle(vfs_handle_struct *handle,
			      struct files_struct *fsp,
			      uint32_t access_mask,
			      uint32_t granted,
			      uid_t uid,
			      const char *event,
			      NTSTATUS *pstatus)
{
	struct connection_struct *conn = handle->conn;
	struct profileacl_config *config = NULL;
	struct profileacl_fsp *ext = NULL;
	enum profileacl_post_action action;
	bool owned;

	SMB_VFS_HANDLE_GET_DATA(handle,
				config,
				struct profileacl_config,
				*pstatus = NT_STATUS_INTERNAL_ERROR;
				return false);

	owned = profileacl_fsp_owner(handle, fsp, uid) == PROFILEACL_OBJ_OWN;
	action = profileacl_post_open(access_mask, granted, owned);
	switch (action) {
	case PROFILEACL_POST_KEEP:
		granted &= fsp->access_mask;
		if (granted == 0) {
			return true;
		}
		ext = profileacl_add_ext(handle, fsp);
		if (ext == NULL) {
			*pstatus = NT_STATUS_NO_MEMORY;
			return false;
		}
		ext->granted = granted;
		DBG_NOTICE("user [%s] share [%s] path [%s]: %s %s\n",
			   conn->session_info->unix_info->unix_name,
			   lp_const_servicename(SNUM(conn)),
			   fsp_str_dbg(fsp),
			   strcmp(event, "grant") == 0 ? "granted"
						       : "kept on reconnect",
			   profileacl_rights_str(granted));
		if (config->audit) {
			profileacl_audit(conn, fsp, event, granted, "");
		}
		return true;
	case PROFILEACL_POST_STRIP:
		DBG_WARNING("%s: opened object is not owned by %s, "
			    "removing %s from MAXIMUM_ALLOWED (%s)\n",
			    fsp_str_dbg(fsp),
			    conn->session_info->unix_info->unix_name,
			    profileacl_rights_str(granted),
			    event);
		ext = profileacl_add_ext(handle, fsp);
		if (ext == NULL || !profileacl_strip(fsp, granted)) {
			/* The right may survive elsewhere: close */
			*pstatus = NT_STATUS_ACCESS_DENIED;
			return false;
		}
		ext->granted = 0;
		ext->stripped = true;
		return true;
	case PROFILEACL_POST_DENY:
		DBG_WARNING("%s: opened object is not owned by %s, "
			    "refusing %s (%s)\n",
			    fsp_str_dbg(fsp),
			    conn->session_info->unix_info->unix_name,
			    profileacl_rights_str(granted),
			    event);
		*pstatus = NT_STATUS_ACCESS_DENIED;
		return false;
	}
	*pstatus = NT_STATUS_INTERNAL_ERROR;
	return false;
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
	struct profileacl_config *config = NULL;
	uint32_t saved_share_access = conn->share_access;
	uint32_t granted;
	uid_t uid = (uid_t)-1;
	NTSTATUS status;

	granted = profileacl_decide(handle,
				    smb_fname,
				    NULL,
				    access_mask,
				    create_disposition,
				    &uid);

	/* Widened for the next module's create only, restored on any path */
	if (granted != 0) {
		SMB_VFS_HANDLE_GET_DATA(handle,
					config,
					struct profileacl_config,
					return NT_STATUS_INTERNAL_ERROR);
		conn->share_access |= granted;
		config->creating = (sd != NULL) ? granted : 0;
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
	config->creating = 0;

	if (!NT_STATUS_IS_OK(status) || *result == NULL) {
		return status;
	}
	if (!profileacl_settle(handle,
			       *result,
			       access_mask,
			       granted,
			       uid,
			       "grant",
			       &status)) {
		close_file_free(req, result, ERROR_CLOSE);
		return status;
	}
	return NT_STATUS_OK;
}

/*
 * No durable handle for a handle that lost a right in a race: its
 * reconnect must not even have to be reasoned about.
 */
static NTSTATUS profileacl_durable_cookie(struct vfs_handle_struct *handle,
					  struct files_struct *fsp,
					  TALLOC_CTX *mem_ctx,
					  DATA_BLOB *cookie)
{
	struct profileacl_fsp *ext = VFS_FETCH_FSP_EXTENSION(handle, fsp);

	if (ext != NULL && ext->stripped) {
		DBG_NOTICE("%s: no durable handle for a handle that lost "
			   "a right\n",
			   fsp_str_dbg(fsp));
		return NT_STATUS_NOT_SUPPORTED;
	}
	return SMB_VFS_NEXT_DURABLE_COOKIE(handle, fsp, mem_ctx, cookie);
}

/*
 * A durable reconnect restores the handle's access mask from the share
 * mode entry (source3/smbd/durable.c) and never passes through
 * create_file. Any right in it that the share mask lacks is decided again
 * for the session that reconnects, on this node, as an open would be.
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
	uint32_t extra;
	uint32_t granted;
	uid_t uid = (uid_t)-1;
	NTSTATUS status;

	status = SMB_VFS_NEXT_DURABLE_RECONNECT(handle,
						smb1req,
						op,
						old_cookie,
						mem_ctx,
						fsp,
						new_cookie);
	if (!NT_STATUS_IS_OK(status)) {
		return status;
	}

	extra = (*fsp)->access_mask & PROFILEACL_GRANTABLE &
		~conn->share_access;
	if (extra == 0) {
		return NT_STATUS_OK;
	}
	/*
	 * As an open asking MAXIMUM_ALLOWED: each right on its own, and
	 * never more than the handle had.
	 */
	granted = profileacl_decide(handle,
				    NULL,
				    *fsp,
				    extra | SEC_FLAG_MAXIMUM_ALLOWED,
				    FILE_OPEN,
				    &uid) &
		  extra;
	if ((extra & ~granted) != 0) {
		DBG_WARNING("%s: durable reconnect by %s: removing %s, "
			    "which the share mask lacks\n",
			    fsp_str_dbg(*fsp),
			    conn->session_info->unix_info->unix_name,
			    profileacl_rights_str(extra & ~granted));
		if (!profileacl_strip(*fsp, extra & ~granted)) {
			status = NT_STATUS_ACCESS_DENIED;
			goto fail;
		}
	}
	/*
	 * Keep the rest with the guard and audit of a granted handle. A
	 * reconnect that finds another owner after all loses the right
	 * (as MAXIMUM_ALLOWED would), it does not fail.
	 */
	if (granted != 0 && !profileacl_settle(handle,
					       *fsp,
					       SEC_FLAG_MAXIMUM_ALLOWED,
					       granted,
					       uid,
					       "reconnect",
					       &status)) {
		goto fail;
	}
	return NT_STATUS_OK;

fail:
	close_file_free(smb1req, fsp, ERROR_CLOSE);
	data_blob_free(new_cookie);
	return status;
}

/*
 * The grant a security descriptor or ACL write on fsp goes through, or
 * NULL. smbd writes a stream's security through its base file
 * (metadata_fsp()), so a base handle opened for a stream carries the
 * stream handle's grant.
 */
static struct profileacl_fsp *
profileacl_write_grant(vfs_handle_struct *handle,
		       struct files_struct *fsp,
		       struct files_struct **granted_fsp)
{
	struct profileacl_fsp *ext = VFS_FETCH_FSP_EXTENSION(handle, fsp);

	*granted_fsp = fsp;
	if (ext == NULL && fsp->stream_fsp != NULL) {
		*granted_fsp = fsp->stream_fsp;
		ext = VFS_FETCH_FSP_EXTENSION(handle, fsp->stream_fsp);
	}
	if (ext == NULL || ext->granted == 0) {
		return NULL;
	}
	return ext;
}

/*
 * A security descriptor written through a right the module granted may
 * hold what those rights allow and nothing else, and each write gives one
 * audit line. That covers a granted handle, a stream's base handle, and
 * the initial security descriptor of a create the module widened. Other
 * writes pass straight through.
 */
static NTSTATUS profileacl_fset_nt_acl(vfs_handle_struct *handle,
				       files_struct *fsp,
				       uint32_t security_info_sent,
				       const struct security_descriptor *psd)
{
	struct connection_struct *conn = handle->conn;
	struct profileacl_config *config = NULL;
	struct profileacl_fsp *ext = NULL;
	struct files_struct *granted_fsp = NULL;
	uint32_t rights;
	char *sddl = NULL;
	char *extra = NULL;
	NTSTATUS status;

	if (SMB_VFS_HANDLE_TEST_DATA(handle)) {
		SMB_VFS_HANDLE_GET_DATA(handle,
					config,
					struct profileacl_config,
					return NT_STATUS_INTERNAL_ERROR);
		ext = profileacl_write_grant(handle, fsp, &granted_fsp);
	}
	if (ext != NULL) {
		rights = ext->granted;
	} else if (config != NULL && config->creating != 0) {
		/*
		 * The client's initial SD on a create the module widened.
		 * smbd writes it with its own override of the handle's access
		 * (FILE_GENERIC_ALL) for any create, granted or not, so the
		 * grant adds nothing here and smbd's own checks decide: audit
		 * it only. Guarding it would refuse creates stock Samba
		 * serves.
		 */
		granted_fsp = fsp;
		rights = config->creating;
	} else {
		return SMB_VFS_NEXT_FSET_NT_ACL(handle,
						fsp,
						security_info_sent,
						psd);
	}

	if (ext != NULL &&
	    !profileacl_sd_write_allowed(security_info_sent,
					 granted_fsp->access_mask)) {
		DBG_WARNING("user [%s] path [%s]: refusing security "
			    "information 0x%x through a handle granted %s\n",
			    conn->session_info->unix_info->unix_name,
			    fsp_str_dbg(granted_fsp),
			    security_info_sent,
			    profileacl_rights_str(rights));
		return NT_STATUS_ACCESS_DENIED;
	}

	config->writing = true;
	status = SMB_VFS_NEXT_FSET_NT_ACL(handle, fsp, security_info_sent, psd);
	config->writing = false;
	if (config->audit) {
		sddl = sddl_encode(talloc_tos(), psd, get_global_sam_sid());
		extra = talloc_asprintf(talloc_tos(),
					" secinfo=0x%x status=%s sd=%s",
					security_info_sent,
					nt_errstr(status),
					sddl != NULL ? sddl : "(unencodable)");
		profileacl_audit(conn,
				 granted_fsp,
				 "write",
				 rights,
				 extra != NULL ? extra : "");
		TALLOC_FREE(extra);
		TALLOC_FREE(sddl);
	}
	return status;
}

/*
 * A POSIX ACL written straight to a granted handle (SMB1 unix extensions,
 * SMB_SET_POSIX_ACL) is guarded and audited like a security descriptor.
 * The ACL writes smbd makes inside our own fset_nt_acl are part of that
 * write. Returns false to refuse; *audit_fsp is set (with *rights) when
 * the write is to be audited.
 */
static bool profileacl_acl_write_check(vfs_handle_struct *handle,
				       struct files_struct *fsp,
				       const char *what,
				       struct files_struct **audit_fsp,
				       uint32_t *rights)
{
	struct connection_struct *conn = handle->conn;
	struct profileacl_config *config = NULL;
	struct files_struct *granted_fsp = NULL;
	struct profileacl_fsp *ext = NULL;

	*audit_fsp = NULL;
	if (!SMB_VFS_HANDLE_TEST_DATA(handle)) {
		return true;
	}
	SMB_VFS_HANDLE_GET_DATA(handle,
				config,
				struct profileacl_config,
				return false);
	ext = profileacl_write_grant(handle, fsp, &granted_fsp);
	if (ext == NULL || config->writing) {
		return true;
	}
	if (!profileacl_sd_write_allowed(PROFILEACL_SECINFO_DACL,
					 granted_fsp->access_mask)) {
		DBG_WARNING("user [%s] path [%s]: refusing a POSIX ACL "
			    "write (%s) through a handle granted %s\n",
			    conn->session_info->unix_info->unix_name,
			    fsp_str_dbg(granted_fsp),
			    what,
			    profileacl_rights_str(ext->granted));
		return false;
	}
	if (config->audit) {
		*audit_fsp = granted_fsp;
		*rights = ext->granted;
	}
	return true;
}

static void profileacl_acl_audit(struct connection_struct *conn,
				 struct files_struct *audit_fsp,
				 uint32_t rights,
				 const char *what,
				 SMB_ACL_T theacl,
				 int ret)
{
	int saved_errno = errno;
	char *extra =
		talloc_asprintf(talloc_tos(),
				" posix_acl=%s entries=%d status=%s",
				what,
				theacl != NULL ? theacl->count : 0,
				ret == 0 ? "NT_STATUS_OK" : strerror(errno));

	profileacl_audit(conn,
			 audit_fsp,
			 "write",
			 rights,
			 extra != NULL ? extra : "");
	TALLOC_FREE(extra);
	errno = saved_errno;
}

static int profileacl_sys_acl_set_fd(vfs_handle_struct *handle,
				     struct files_struct *fsp,
				     SMB_ACL_TYPE_T type,
				     SMB_ACL_T theacl)
{
	const char *what =
		(type == SMB_ACL_TYPE_DEFAULT) ? "default" : "access";
	struct files_struct *audit_fsp = NULL;
	uint32_t rights = 0;
	int ret;

	if (!profileacl_acl_write_check(handle,
					fsp,
					what,
					&audit_fsp,
					&rights)) {
		errno = EACCES;
		return -1;
	}
	ret = SMB_VFS_NEXT_SYS_ACL_SET_FD(handle, fsp, type, theacl);
	if (audit_fsp != NULL) {
		profileacl_acl_audit(handle->conn,
				     audit_fsp,
				     rights,
				     what,
				     theacl,
				     ret);
	}
	return ret;
}

static int profileacl_sys_acl_delete_def_fd(vfs_handle_struct *handle,
					    struct files_struct *fsp)
{
	const char *what = "delete default";
	struct files_struct *audit_fsp = NULL;
	uint32_t rights = 0;
	int ret;

	if (!profileacl_acl_write_check(handle,
					fsp,
					what,
					&audit_fsp,
					&rights)) {
		errno = EACCES;
		return -1;
	}
	ret = SMB_VFS_NEXT_SYS_ACL_DELETE_DEF_FD(handle, fsp);
	if (audit_fsp != NULL) {
		profileacl_acl_audit(handle->conn,
				     audit_fsp,
				     rights,
				     what,
				     NULL,
				     ret);
	}
	return ret;
}

static struct vfs_fn_pointers vfs_profileacl_fns = {
	.connect_fn = profileacl_connect,
	.create_file_fn = profileacl_create_file,
	.fset_nt_acl_fn = profileacl_fset_nt_acl,
	.sys_acl_set_fd_fn = profileacl_sys_acl_set_fd,
	.sys_acl_delete_def_fd_fn = profileacl_sys_acl_delete_def_fd,
	.durable_cookie_fn = profileacl_durable_cookie,
	.durable_reconnect_fn = profileacl_durable_reconnect,
};

/*
 * The load guard. smbd checks only SMB_VFS_INTERFACE_VERSION, but its
 * internal structures (connection_struct, files_struct, ...) are not
 * stable between builds of one release, so the module runs only in the
 * exact samba build it was compiled against, told apart by the GNU build
 * ID of libsmbd-base. The build (wscript) records that ID, the samba
 * version and the command that rebuilds the module.
 */
#ifndef PROFILEACL_SAMBA_BUILD_ID
#error "PROFILEACL_SAMBA_BUILD_ID is set by the build (wscript)"
#endif

/* libsmbd-base-samba4.so.0 (4.17), libsmbd-base-private-samba.so.0 (4.2x) */
#define PROFILEACL_SMBD_BASE "/libsmbd-base-"

/*
 * What the module was built for, in a section of its own so that
 * "readelf -p .profileacl profileacl.so" (profileacl-rebuild --status)
 * can tell without loading it.
 */
static const char profileacl_built_for[]
	__attribute__((section(".profileacl"), used)) =
		"samba=" PROFILEACL_SAMBA_VERSION
		" build-id=" PROFILEACL_SAMBA_BUILD_ID;

struct profileacl_build_id {
	char hex[2 * 64 + 1];
	bool lib_found;
	bool id_found;
};

static int profileacl_find_build_id(struct dl_phdr_info *info,
				    size_t size _UNUSED_,
				    void *private_data)
{
	struct profileacl_build_id *state = private_data;
	ElfW(Half) i;

	if (info->dlpi_name == NULL ||
	    strstr(info->dlpi_name, PROFILEACL_SMBD_BASE) == NULL) {
		return 0;
	}
	state->lib_found = true;
	for (i = 0; i < info->dlpi_phnum; i++) {
		const ElfW(Phdr) *ph = &info->dlpi_phdr[i];

		if (ph->p_type != PT_NOTE) {
			continue;
		}
		if (profileacl_gnu_build_id(
			    (const uint8_t *)(info->dlpi_addr + ph->p_vaddr),
			    ph->p_memsz,
			    state->hex,
			    sizeof(state->hex))) {
			state->id_found = true;
			break;
		}
	}
	return 1;
}

static bool profileacl_running_build_ok(void)
{
	struct profileacl_build_id state = {.lib_found = false};

	dl_iterate_phdr(profileacl_find_build_id, &state);
	if (state.id_found &&
	    strcmp(state.hex, PROFILEACL_SAMBA_BUILD_ID) == 0) {
		return true;
	}
	DBG_ERR("vfs_profileacl: refusing to load: the module was built for "
		"samba %s (libsmbd-base build id %s), but this smbd (Samba "
		"%s) runs libsmbd-base build id %s; smbd's internal "
		"structures differ between builds. Shares with \"vfs objects "
		"= profileacl\" refuse connections until the module is "
		"rebuilt for the running samba: %s\n",
		PROFILEACL_SAMBA_VERSION,
		PROFILEACL_SAMBA_BUILD_ID,
		samba_version_string(),
		state.id_found	  ? state.hex
		: state.lib_found ? "(none)"
				  : "(libsmbd-base not loaded)",
		PROFILEACL_REBUILD_COMMAND);
	return false;
}

NTSTATUS samba_init_module(TALLOC_CTX *ctx);
NTSTATUS samba_init_module(TALLOC_CTX *ctx _UNUSED_)
{
	NTSTATUS status;

	if (!profileacl_running_build_ok()) {
		return NT_STATUS_REVISION_MISMATCH;
	}

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
