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
 * The decision is made once, by profileacl_grant() in
 * profileacl_policy.c; this file gathers the facts it asks for and acts
 * where smbd does not already: the share mask of one create, the check
 * on the opened handle, a durable reconnect (which never passes through
 * create_file), and the audit of security descriptor writes.
 */

#include "includes.h"
#include "smbd/smbd.h"
#include "smbd/globals.h"
#include "system/filesys.h"
#include "system/syslog.h"
#include "libcli/security/security.h"
#include "libcli/security/session.h"
#include "auth.h"
#include "lib/param/loadparm.h"
#include "lib/tsocket/tsocket.h"
#include "libcli/security/sddl.h"
#include "libcli/security/secdesc.h"
#include "passdb/machine_sid.h"
#include "profileacl_compat.h"
#include "profileacl_policy.h"
#include "profileacl_loadguard.h"

/* as nfs4_acls.c and open.c declare it */
extern const struct generic_mapping file_generic_mapping;

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

struct profileacl_config {
	uint32_t grantable;
	bool audit;
	/*
	 * "profileacl:syslog = yes": the audit lines go to syslog(3), with
	 * this facility and priority, instead of smbd's log
	 */
	bool do_syslog;
	int syslog_priority;
	/*
	 * "profileacl:profile dirs" split into patterns as written, before
	 * substitution (so that a %U holding a space stays one pattern);
	 * NULL when unset.
	 */
	char **profile_dirs;
};

/* Attached to each handle whose rights the module decided */
struct profileacl_fsp {
	/* the rights the module granted that the handle holds */
	uint32_t granted;
};

#define PROFILEACL_OPT_PREFIX PROFILEACL_MODULE_NAME ":"

/*
 * Modules whose stat results say nothing of who owns a file: with one of
 * them in the stack, ownership cannot be decided, so the share is
 * refused.
 */
static const char *const profileacl_stat_fakers[] = {
	"fake_perms", /* reports every object as the requester's */
};

static bool profileacl_check_stack(int snum, const char *service)
{
	const char **objects = lp_vfs_objects(snum);
	size_t i;
	size_t j;

	for (i = 0; objects != NULL && objects[i] != NULL; i++) {
		for (j = 0; j < ARRAY_SIZE(profileacl_stat_fakers); j++) {
			if (!profileacl_vfs_object_is(
				    objects[i],
				    profileacl_stat_fakers[j])) {
				continue;
			}
			DBG_ERR("share [%s]: \"vfs objects\" holds %s, whose "
				"stat reports no real owner; profileacl "
				"decides by the owner and cannot run with "
				"it\n",
				service,
				objects[i]);
			return false;
		}
	}
	return true;
}

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
				"profileacl knows \"grant\", \"profile dirs\", "
				"\"audit\", \"syslog\", \"facility\" and "
				"\"priority\"\n",
				service,
				opt->key,
				opt->value);
			return false;
		}
	}
	return true;
}

/*
 * One "profile dirs" pattern after the substitutions (%U, %G, ...) of the
 * session now in force, on mem_ctx. With ACCOUNT_U, %U is the session's
 * account name (profileacl_subst_account()), otherwise smbd's %U (the
 * name the client sent, as a username map needs it). "" when it
 * substitutes to nothing (an anonymous session's %U): such a pattern
 * matches no folder. NULL (and a log line) on error or when the result is
 * not a valid pattern.
 */
static char *profileacl_dir_pattern(TALLOC_CTX *mem_ctx,
				    struct connection_struct *conn,
				    const char *raw,
				    bool account_u)
{
	const struct loadparm_substitution *lp_sub =
		loadparm_s3_global_substitution();
	const char *service = lp_const_servicename(SNUM(conn));
	const char *account = conn->session_info->info->account_name;
	char *own = NULL;
	char *pattern = NULL;

	if (account_u) {
		own = profileacl_subst_account(mem_ctx, raw, account);
		if (own == NULL) {
			/* the name is not logged: it may hold anything */
			DBG_NOTICE("share [%s]: the session's account name "
				   "cannot name a folder in "
				   "\"profileacl:profile dirs\" pattern "
				   "\"%s\"\n",
				   service,
				   raw);
			return NULL;
		}
	}
	pattern = lpcfg_substituted_string(mem_ctx,
					   lp_sub,
					   own != NULL ? own : raw);
	TALLOC_FREE(own);
	if (pattern == NULL) {
		DBG_ERR("no memory\n");
		return NULL;
	}
	if (pattern[0] != '\0' && !profileacl_pattern_valid(pattern)) {
		DBG_ERR("share [%s]: \"profileacl:profile dirs\" pattern "
			"\"%s\" gives \"%s\" for this session; a pattern "
			"names one top-level folder, with * and ? "
			"wildcards: it matches nothing, the other patterns "
			"still count\n",
			service,
			raw,
			pattern);
		TALLOC_FREE(pattern);
	}
	return pattern;
}

/*
 * "profileacl:syslog", "profileacl:facility" and "profileacl:priority",
 * named as vfs_full_audit names its own. A facility or priority without
 * "syslog = yes" is refused too: it would be silently unused.
 */
static bool profileacl_parse_syslog(int snum,
				    const char *service,
				    struct profileacl_config *config)
{
	const char *value = NULL;
	int facility = LOG_USER;
	int priority = LOG_NOTICE;
	const char *fac = NULL;
	const char *pri = NULL;

	config->do_syslog = false;
	value = lp_parm_const_string(snum,
				     PROFILEACL_MODULE_NAME,
				     PROFILEACL_OPT_SYSLOG,
				     NULL);
	if (value != NULL && !set_boolean(value, &config->do_syslog)) {
		DBG_ERR("share [%s]: bad value \"profileacl:syslog = %s\"; "
			"allowed: yes or no\n",
			service,
			value);
		return false;
	}
	fac = lp_parm_const_string(snum,
				   PROFILEACL_MODULE_NAME,
				   PROFILEACL_OPT_FACILITY,
				   NULL);
	pri = lp_parm_const_string(snum,
				   PROFILEACL_MODULE_NAME,
				   PROFILEACL_OPT_PRIORITY,
				   NULL);
	if (fac != NULL && !profileacl_parse_facility(fac, &facility)) {
		DBG_ERR("share [%s]: bad value \"profileacl:facility = %s\"; "
			"allowed: USER, LOCAL0 to LOCAL7\n",
			service,
			fac);
		return false;
	}
	if (pri != NULL && !profileacl_parse_priority(pri, &priority)) {
		DBG_ERR("share [%s]: bad value \"profileacl:priority = %s\"; "
			"allowed: EMERG, ALERT, CRIT, ERR, WARNING, NOTICE, "
			"INFO, DEBUG\n",
			service,
			pri);
		return false;
	}
	if ((fac != NULL || pri != NULL) && !config->do_syslog) {
		DBG_ERR("share [%s]: \"profileacl:facility\" and "
			"\"profileacl:priority\" need \"profileacl:syslog = "
			"yes\"\n",
			service);
		return false;
	}
	if (config->do_syslog && !config->audit) {
		DBG_ERR("share [%s]: \"profileacl:syslog = yes\" sends the "
			"audit lines to syslog, and needs \"profileacl:audit = "
			"yes\"\n",
			service);
		return false;
	}
	config->syslog_priority = facility | priority;
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
	size_t i;
	bool ok;

	if (!profileacl_check_option_names(snum, service) ||
	    !profileacl_check_stack(snum, service)) {
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

	if (!profileacl_parse_syslog(snum, service, config)) {
		return false;
	}

	value = lp_parm_const_string(snum,
				     PROFILEACL_MODULE_NAME,
				     PROFILEACL_OPT_PROFILE_DIRS,
				     NULL);
	if (value == NULL) {
		return true;
	}
	/* Split first, substitute each pattern later: "%U" stays one */
	config->profile_dirs = str_list_make_v3(config, value, NULL);
	if (config->profile_dirs == NULL || config->profile_dirs[0] == NULL) {
		DBG_ERR("share [%s]: \"profileacl:profile dirs = %s\" gives "
			"no pattern\n",
			service,
			value);
		return false;
	}
	for (i = 0; config->profile_dirs[i] != NULL; i++) {
		/*
		 * The pattern as written; what it substitutes to is checked
		 * by each decision, for its session, and grants nothing when
		 * it is no pattern (a %D\%U of a domain user)
		 */
		if (!profileacl_pattern_valid(config->profile_dirs[i])) {
			DBG_ERR("share [%s]: bad pattern \"%s\" in "
				"\"profileacl:profile dirs = %s\"; a pattern "
				"names one top-level folder, with * and ? "
				"wildcards\n",
				service,
				config->profile_dirs[i],
				value);
			return false;
		}
	}
	return true;
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

	if (handle->conn->force_user) {
		DBG_NOTICE("share [%s] has \"force user\": every session acts "
			   "as one uid, so ownership names no person; "
			   "profileacl grants nothing here\n",
			   service);
	}
	if (handle->conn->force_group_gid != (gid_t)-1) {
		DBG_NOTICE("share [%s] has \"force group\": smbd replaces the "
			   "session's primary group in its token, so a share "
			   "ACL deny for that group cannot be seen; profileacl "
			   "grants nothing here\n",
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
 * A name for a debug line, escaped as the audit escapes it: with
 * "syslog = no" log.smbd holds the audit lines too, and a name with a
 * newline must not start a line that reads as one. On talloc_tos(), the
 * request's frame; only evaluated when the line's level is on.
 */
static const char *profileacl_name_dbg(const char *name)
{
	const char *esc = profileacl_log_escape(talloc_tos(), name);

	return (esc != NULL) ? esc : "(no memory)";
}

/*
 * One "profileacl:audit" line: event, user, client, share, path, rights
 * and what the event adds: at level 1 of the profileacl class, or to
 * syslog(3) with "profileacl:syslog = yes". False (and a log line) when
 * it cannot be written for want of memory.
 */
static bool profileacl_audit(const struct profileacl_config *config,
			     struct connection_struct *conn,
			     struct files_struct *fsp,
			     const char *event,
			     uint32_t rights,
			     const char *extra)
{
	const struct auth_session_info *si = conn->session_info;
	const struct security_token *token = si->security_token;
	TALLOC_CTX *frame = talloc_stackframe();
	const char *sid = "(none)";
	struct dom_sid_buf buf;
	char *user = NULL;
	char *domain = NULL;
	char *account = NULL;
	char *share = NULL;
	char *path = NULL;
	char *line = NULL;

	if (token != NULL && token->num_sids > PRIMARY_USER_SID_INDEX) {
		sid = dom_sid_str_buf(&token->sids[PRIMARY_USER_SID_INDEX],
				      &buf);
	}

	/*
	 * The unix name, then the account as admins of a domain know it
	 * (DOMAIN\user) and its SID: a domain user's unix name is an
	 * idmap artefact. Names and the path are quoted and escaped: a
	 * file name must not fake a field or a line.
	 */
	user = profileacl_log_escape(frame, si->unix_info->unix_name);
	domain = profileacl_log_escape(frame, si->info->domain_name);
	account = profileacl_log_escape(frame, si->info->account_name);
	share = profileacl_log_escape(frame, lp_const_servicename(SNUM(conn)));
	path = profileacl_log_escape(frame, fsp_str_dbg(fsp));
	if (user != NULL && domain != NULL && account != NULL &&
	    share != NULL && path != NULL) {
		line = talloc_asprintf(frame,
				       "profileacl audit: %s user=\"%s\" "
				       "account=\"%s\\%s\" sid=%s client=%s "
				       "share=\"%s\" path=\"%s\" rights=%s%s",
				       event,
				       user,
				       domain,
				       account,
				       sid,
				       profileacl_client(conn),
				       share,
				       path,
				       profileacl_rights_str(rights),
				       extra);
	}
	if (line == NULL) {
		DBG_ERR("no memory for the audit line of %s\n",
			profileacl_name_dbg(fsp_str_dbg(fsp)));
		TALLOC_FREE(frame);
		return false;
	}
	if (config->do_syslog) {
		/*
		 * The facility goes with the priority: no openlog(), which
		 * would change the ident and facility of smbd's own syslog
		 * logging
		 */
		syslog(config->syslog_priority, "%s", line);
	} else {
		D_WARNING("%s\n", line);
	}
	TALLOC_FREE(frame);
	return true;
}

/* The audit line of a security descriptor written through a grant */
static void profileacl_audit_sd(const struct profileacl_config *config,
				struct connection_struct *conn,
				struct files_struct *fsp,
				uint32_t rights,
				uint32_t security_info_sent,
				const struct security_descriptor *psd,
				NTSTATUS status)
{
	TALLOC_CTX *frame = talloc_stackframe();
	char *sddl = sddl_encode(frame, psd, get_global_sam_sid());
	char *esc =
		profileacl_log_escape(frame,
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
	    !profileacl_audit(config, conn, fsp, "write", rights, extra)) {
		DBG_ERR("no audit line for the security descriptor written "
			"to %s (%s)\n",
			profileacl_name_dbg(fsp_str_dbg(fsp)),
			nt_errstr(status));
	}
	TALLOC_FREE(frame);
}

static enum profileacl_object profileacl_owner_state(const SMB_STRUCT_STAT *st,
						     uid_t uid)
{
	return (st->st_ex_uid == uid) ? PROFILEACL_OBJ_OWN
				      : PROFILEACL_OBJ_OTHER;
}

/*
 * Who owns what the open handle FSP refers to, read from the handle by
 * the modules below this one. A stream belongs to its base file. An
 * error leaves the owner unknown.
 */
static enum profileacl_object
profileacl_handle_owner(struct vfs_handle_struct *handle,
			struct files_struct *fsp,
			uid_t uid)
{
	SMB_STRUCT_STAT sbuf;
	int ret;

	if (fsp->base_fsp != NULL) {
		fsp = fsp->base_fsp;
	}
	ret = SMB_VFS_NEXT_FSTAT(handle, fsp, &sbuf);
	if (ret != 0) {
		DBG_WARNING("fstat of %s failed: %s; owner unknown\n",
			    profileacl_name_dbg(fsp_str_dbg(fsp)),
			    strerror(errno));
		return PROFILEACL_OBJ_UNKNOWN;
	}
	return profileacl_owner_state(&sbuf, uid);
}

/* What one decision needs from smbd, for the lookups of the policy */
struct profileacl_decision {
	struct vfs_handle_struct *handle;
	const struct profileacl_config *config;
	/* a create: the name smbd resolved; a reconnect: the handle */
	const struct smb_filename *smb_fname;
	struct files_struct *fsp;
	uid_t uid;
};

/*
 * The owner of the folder a new object is created in ("inherit owner"),
 * which will own the new object too.
 */
static enum profileacl_object
profileacl_parent_owner(struct profileacl_decision *d,
			const struct smb_filename *smb_fname)
{
	struct smb_filename *parent = NULL;
	struct smb_filename *atname = NULL;
	enum profileacl_object state;
	NTSTATUS status;

	status = parent_pathref(talloc_tos(),
				d->handle->conn->cwd_fsp,
				smb_fname,
				&parent,
				&atname);
	if (!NT_STATUS_IS_OK(status)) {
		DBG_INFO("%s: no handle on the parent folder: %s\n",
			 profileacl_name_dbg(smb_fname_str_dbg(smb_fname)),
			 nt_errstr(status));
		return PROFILEACL_OBJ_UNKNOWN;
	}
	state = profileacl_owner_state(&parent->st, d->uid);
	TALLOC_FREE(atname);
	TALLOC_FREE(parent);
	return state;
}

/*
 * A name that does not exist yet: it is created by the requester, or with
 * "inherit owner" for the owner of its folder.
 */
static void profileacl_new_object(struct profileacl_request *r,
				  struct profileacl_decision *d,
				  const struct smb_filename *smb_fname)
{
	r->object = PROFILEACL_OBJ_ABSENT;
	if (lp_inherit_owner(SNUM(d->handle->conn)) != INHERIT_OWNER_NO) {
		r->inherit_owner = true;
		r->parent = profileacl_parent_owner(d, smb_fname);
	}
}

/*
 * A stream belongs to its base file: an existing stream is the base
 * file's owner's, a new stream on an existing file will be too, and a
 * new stream on a new file is created with its file, as any new name.
 */
static void profileacl_stream_owner(struct profileacl_request *r,
				    struct profileacl_decision *d)
{
	const struct smb_filename *smb_fname = d->smb_fname;
	struct smb_filename *base = NULL;
	enum profileacl_object state;
	NTSTATUS status;

	status = synthetic_pathref(talloc_tos(),
				   d->handle->conn->cwd_fsp,
				   smb_fname->base_name,
				   NULL,
				   NULL,
				   smb_fname->twrp,
				   smb_fname->flags & ~SMB_FILENAME_POSIX_PATH,
				   &base);
	if (NT_STATUS_EQUAL(status, NT_STATUS_OBJECT_NAME_NOT_FOUND)) {
		profileacl_new_object(r, d, smb_fname);
		return;
	}
	if (!NT_STATUS_IS_OK(status)) {
		DBG_INFO("%s: no handle on the base file: %s\n",
			 profileacl_name_dbg(smb_fname_str_dbg(smb_fname)),
			 nt_errstr(status));
		r->object = PROFILEACL_OBJ_UNKNOWN;
		return;
	}
	state = profileacl_owner_state(&base->st, d->uid);
	TALLOC_FREE(base);
	if (VALID_STAT(smb_fname->st)) {
		r->object = state;
		return;
	}
	r->object = PROFILEACL_OBJ_ABSENT;
	r->inherit_owner = true;
	r->parent = state;
}

/* The policy's owner lookup */
static void profileacl_lookup_owner(struct profileacl_request *r,
				    void *private_data)
{
	struct profileacl_decision *d = private_data;

	if (d->fsp != NULL) {
		r->object = profileacl_handle_owner(d->handle, d->fsp, d->uid);
	} else if (is_named_stream(d->smb_fname)) {
		profileacl_stream_owner(r, d);
	} else if (VALID_STAT(d->smb_fname->st)) {
		/* smbd stat'ed the name: the open checks the handle again */
		r->object = profileacl_owner_state(&d->smb_fname->st, d->uid);
	} else {
		/* filename_convert() leaves a zeroed stat for a new name */
		profileacl_new_object(r, d, d->smb_fname);
	}
}

/*
 * The policy's profile dirs lookup, for the session now in force. A
 * pattern with %U is made twice, each a folder of one session: with %U
 * as the account name (what Windows names the folder in a domain) and
 * as smbd's %U (the name the client sent, what a username map needs);
 * ownership still decides. Each pattern stands on its own: one smbd
 * cannot make for this session (profileacl_dir_pattern() logs it)
 * matches nothing, and the others still count.
 */
static void profileacl_lookup_dirs(struct profileacl_request *r,
				   void *private_data)
{
	struct profileacl_decision *d = private_data;
	struct connection_struct *conn = d->handle->conn;
	const char *path = (d->fsp != NULL) ? d->fsp->fsp_name->base_name
					    : d->smb_fname->base_name;
	char **dirs = d->config->profile_dirs;
	size_t n = str_list_length((const char **)dirs);
	char **made = NULL;
	size_t i;
	size_t k;

	r->outside_profile = true;
	made = talloc_zero_array(talloc_tos(), char *, 2 * n);
	if (made == NULL) {
		DBG_ERR("no memory for the profile dirs of %s\n",
			profileacl_name_dbg(path));
		return;
	}
	for (i = 0; i < n; i++) {
		if (strstr(dirs[i], "%U") != NULL) {
			made[2 * i] = profileacl_dir_pattern(made,
							     conn,
							     dirs[i],
							     true);
		}
		made[2 * i + 1] =
			profileacl_dir_pattern(made, conn, dirs[i], false);
		for (k = 2 * i; k < 2 * i + 2; k++) {
			if (made[k] == NULL) {
				continue;
			}
			DBG_INFO("share [%s]: \"profileacl:profile dirs\" "
				 "pattern \"%s\" is \"%s\" for this session "
				 "(%%U: %s)\n",
				 lp_const_servicename(SNUM(conn)),
				 dirs[i],
				 made[k],
				 (k == 2 * i) ? "account name" : "smbd's");
		}
	}
	r->outside_profile = !profileacl_in_made_dirs(path,
						      (const char *const *)made,
						      2 * n);
	TALLOC_FREE(made);
}

/*
 * The policy's share ACL lookup: the grantable rights a deny ACE of the
 * share's security descriptor refuses this session's token. smbd's own
 * access check answers it, on the share's descriptor with an allow of
 * every grantable right for the user appended after its last ACE: a
 * right still refused is denied by an ACE before it (or the descriptor
 * gives nothing at all), one the share ACL merely leaves out is not.
 * Generic rights in any ACE count as the file rights they stand for:
 * smbd's share check (share_access_check()) reads them unmapped, so a deny
 * of GENERIC_ALL denies its share mask nothing, but the admin meant every
 * right by it, and the module reads the stricter way.
 * get_share_security() answers a missing or unparsable record with the
 * default descriptor (Everyone: full control); only a NULL (no memory,
 * share_info.tdb unopenable) denies everything here.
 */
static void profileacl_lookup_share_denied(struct profileacl_request *r,
					   void *private_data)
{
	struct profileacl_decision *d = private_data;
	struct connection_struct *conn = d->handle->conn;
	const struct security_token *token = conn->session_info->security_token;
	const char *service = lp_const_servicename(SNUM(conn));
	TALLOC_CTX *frame = talloc_stackframe();
	struct security_descriptor *psd = NULL;
	struct security_ace ace = {};
	size_t sd_size = 0;
	uint32_t bits[] = {SEC_STD_WRITE_DAC, SEC_STD_WRITE_OWNER};
	uint32_t granted;
	uint32_t i;
	NTSTATUS status;

	r->share_denied = PROFILEACL_GRANTABLE;
	if (token == NULL || token->num_sids <= PRIMARY_USER_SID_INDEX) {
		DBG_WARNING("share [%s]: the session has no token; the share "
			    "ACL cannot be asked, nothing is granted\n",
			    service);
		goto done;
	}
	psd = get_share_security(frame, service, &sd_size);
	if (psd == NULL) {
		DBG_WARNING("share [%s]: no share security descriptor (no "
			    "memory, or share_info.tdb cannot be opened); "
			    "nothing is granted\n",
			    service);
		goto done;
	}
	security_acl_map_generic(psd->dacl, &file_generic_mapping);
	init_sec_ace(&ace,
		     &token->sids[PRIMARY_USER_SID_INDEX],
		     SEC_ACE_TYPE_ACCESS_ALLOWED,
		     PROFILEACL_GRANTABLE,
		     0);
	status = security_descriptor_dacl_add(psd, &ace);
	if (!NT_STATUS_IS_OK(status)) {
		DBG_WARNING("share [%s]: %s; nothing is granted\n",
			    service,
			    nt_errstr(status));
		goto done;
	}
	r->share_denied = 0;
	for (i = 0; i < ARRAY_SIZE(bits); i++) {
		status = se_access_check(psd, token, bits[i], &granted);
		if (!NT_STATUS_IS_OK(status)) {
			r->share_denied |= bits[i];
		}
	}
	if (r->share_denied != 0) {
		DBG_INFO("share [%s]: the share ACL denies %s to %s\n",
			 service,
			 profileacl_rights_str(r->share_denied),
			 conn->session_info->unix_info->unix_name);
	}
done:
	TALLOC_FREE(frame);
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
 * The rights to add to the share mask for this one request, or 0, about
 * the object named by smb_fname (a create) or open as fsp (a reconnect):
 * one call of the policy, which asks for the owner and the profile dirs
 * only when they can still matter. *preason says why.
 */
static uint32_t profileacl_decide(vfs_handle_struct *handle,
				  const struct smb_filename *smb_fname,
				  struct files_struct *fsp,
				  uint32_t access_mask,
				  uint32_t create_disposition,
				  enum profileacl_reason *preason)
{
	struct connection_struct *conn = handle->conn;
	struct profileacl_config *config = NULL;
	struct profileacl_decision d;
	struct profileacl_lookup lookup;
	struct profileacl_request r;
	const char *path = NULL;
	uint32_t granted;

	*preason = PROFILEACL_NOT_ASKED;
	if (!profileacl_wants(conn, access_mask) ||
	    !SMB_VFS_HANDLE_TEST_DATA(handle)) {
		/* Most opens leave here; IPC$ and printers have no data */
		return 0;
	}
	SMB_VFS_HANDLE_GET_DATA(handle,
				config,
				struct profileacl_config,
				return 0);

	d = (struct profileacl_decision){
		.handle = handle,
		.config = config,
		.smb_fname = smb_fname,
		.fsp = fsp,
		.uid = get_current_uid(conn),
	};
	lookup = (struct profileacl_lookup){
		.share_denied = profileacl_lookup_share_denied,
		.owner = profileacl_lookup_owner,
		.profile_dirs = (config->profile_dirs != NULL)
					? profileacl_lookup_dirs
					: NULL,
		.private_data = &d,
	};
	se_map_generic(&access_mask, &file_generic_mapping);
	r = (struct profileacl_request){
		.access_mask = access_mask,
		.share_mask = conn->share_access,
		.create_disposition = create_disposition,
		.grantable = config->grantable,
		.guest = security_session_user_level(conn->session_info, NULL) <
			 SECURITY_USER,
		.root = (d.uid == 0),
		.read_only = conn->read_only,
		.forced_user = conn->force_user,
		.forced_group = conn->force_group_gid != (gid_t)-1,
	};

	granted = profileacl_grant(&r, &lookup, preason);
	path = (fsp != NULL) ? fsp_str_dbg(fsp) : smb_fname_str_dbg(smb_fname);
	if (granted == 0) {
		if (*preason != PROFILEACL_NOT_ASKED &&
		    *preason != PROFILEACL_NO_CONFIG) {
			DBG_INFO("%s: no grant for %s, access 0x%08" PRIx32
				 ": %s\n",
				 conn->session_info->unix_info->unix_name,
				 profileacl_name_dbg(path),
				 access_mask,
				 profileacl_reason_str(*preason));
		}
		return 0;
	}
	DBG_DEBUG("%s: adding %s to the share mask 0x%08" PRIx32 "\n",
		  profileacl_name_dbg(path),
		  profileacl_rights_str(granted),
		  conn->share_access);
	return granted;
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
			profileacl_name_dbg(fsp_str_dbg(fsp)));
	}
	return ext;
}

/*
 * Record the rights the module decided for the handle FSP: GRANTED, which
 * it keeps, for the audit of its writes; LOST, which it does not. Its
 * durable cookie is then wrapped (profileacl_durable_cookie). Returns
 * false when it cannot be recorded: the handle must be closed.
 */
static bool profileacl_keep(vfs_handle_struct *handle,
			    struct files_struct *fsp,
			    uint32_t granted,
			    uint32_t lost,
			    const char *event)
{
	struct connection_struct *conn = handle->conn;
	struct profileacl_config *config = NULL;
	struct profileacl_fsp *ext = NULL;

	SMB_VFS_HANDLE_GET_DATA(handle,
				config,
				struct profileacl_config,
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
	ext = profileacl_add_ext(handle, fsp);
	if (ext == NULL) {
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
	if (config->audit &&
	    !profileacl_audit(config, conn, fsp, event, granted, "")) {
		/* no grant goes unaudited */
		return false;
	}
	return true;
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
	enum profileacl_reason reason;
	enum profileacl_post_action action;
	enum profileacl_object owner;
	struct profileacl_config *config = NULL;
	uint32_t mapped = access_mask;
	uint32_t granted;
	int info = 0;
	NTSTATUS status;

	granted = profileacl_decide(handle,
				    smb_fname,
				    NULL,
				    access_mask,
				    create_disposition,
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
	if (pinfo != NULL) {
		*pinfo = info;
	}
	if (granted == 0 || !NT_STATUS_IS_OK(status) || *result == NULL) {
		return status;
	}

	/* The check on the opened handle: the object opened is the owner's */
	owner = profileacl_handle_owner(handle, *result, get_current_uid(conn));
	se_map_generic(&mapped, &file_generic_mapping);
	action = profileacl_post_open(mapped,
				      granted,
				      owner == PROFILEACL_OBJ_OWN);
	switch (action) {
	case PROFILEACL_POST_KEEP:
		granted &= (*result)->access_mask;
		if (granted == 0) {
			/* the file's own ACL gave none of it */
			return NT_STATUS_OK;
		}
		if (!profileacl_keep(handle, *result, granted, 0, "grant")) {
			status = NT_STATUS_NO_MEMORY;
			goto fail;
		}
		break;
	case PROFILEACL_POST_STRIP:
		if (!profileacl_keep(handle, *result, 0, granted, "grant")) {
			status = NT_STATUS_ACCESS_DENIED;
			goto fail;
		}
		return NT_STATUS_OK;
	case PROFILEACL_POST_DENY:
	default:
		DBG_WARNING("%s: opened object is not owned by %s, "
			    "refusing %s\n",
			    profileacl_name_dbg(fsp_str_dbg(*result)),
			    conn->session_info->unix_info->unix_name,
			    profileacl_rights_str(granted));
		status = NT_STATUS_ACCESS_DENIED;
		goto fail;
	}

	/* The client's initial security descriptor, written by smbd */
	SMB_VFS_HANDLE_GET_DATA(handle,
				config,
				struct profileacl_config,
				return NT_STATUS_OK);
	if (config->audit && sd != NULL && granted != 0 &&
	    info == FILE_WAS_CREATED && lp_nt_acl_support(SNUM(conn)) &&
	    !is_named_stream(smb_fname) &&
	    (get_sec_info(sd) & (SECINFO_OWNER | SECINFO_GROUP | SECINFO_DACL |
				 SECINFO_SACL)) != 0) {
		/* as smbd applies it (create_file_unixpath()) */
		profileacl_audit_sd(config,
				    conn,
				    *result,
				    granted,
				    get_sec_info(sd),
				    sd,
				    NT_STATUS_OK);
	}
	return NT_STATUS_OK;

fail:
	close_file_free(req, result, ERROR_CLOSE);
	return status;
}

static NTSTATUS profileacl_cookie_wrap(TALLOC_CTX *mem_ctx, DATA_BLOB *cookie)
{
	DATA_BLOB wrapped =
		data_blob_talloc(mem_ctx,
				 NULL,
				 PROFILEACL_COOKIE_MAGIC_LEN + cookie->length);

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
	size_t n = profileacl_cookie_envelope(cookie.data, cookie.length);

	*wrapped = (n != 0);
	return data_blob_const(cookie.data + n, cookie.length - n);
}

/*
 * The share mode entry keeps the access a handle was opened with, and a
 * durable reconnect restores the handle from it on any node, through any
 * share on the same path (source3/smbd/durable.c). The cookie of a handle
 * whose rights the module decided is therefore wrapped: vfs_default, and
 * so every share without profileacl, refuses it, and a share with
 * profileacl unwraps it and decides the rights again.
 */
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

	status = SMB_VFS_NEXT_DURABLE_DISCONNECT(handle,
						 fsp,
						 inner,
						 mem_ctx,
						 new_cookie);
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
	 * it were still open, which finds no entry to remove, and the
	 * scavenger would never hear of the disconnected one. The plain
	 * cookie must not be stored either, as any share could reconnect it
	 * undecided. So the disconnect succeeds with an empty cookie, which
	 * no share reconnects (vfs_default cannot parse it): the handle is
	 * lost to its client, and smbd's scavenger removes the entry once
	 * the durable timeout passes.
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
 * mode entry and never passes through create_file. Every right in it
 * that the share mask lacks is decided again for the session that
 * reconnects, on this node, each on its own as MAXIMUM_ALLOWED would: a
 * right the owner keeps keeps its audit, a lost one leaves the handle. A
 * handle whose owner cannot be read is not reconnected, as smbd does not
 * reconnect one it cannot stat.
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
	enum profileacl_reason reason;
	uint32_t extra;
	uint32_t granted;
	bool wrapped;
	DATA_BLOB inner = profileacl_cookie_inner(old_cookie, &wrapped);
	NTSTATUS status;

	status = SMB_VFS_NEXT_DURABLE_RECONNECT(handle,
						smb1req,
						op,
						inner,
						mem_ctx,
						fsp,
						new_cookie);
	if (!NT_STATUS_IS_OK(status)) {
		return status;
	}

	extra = (*fsp)->access_mask & PROFILEACL_GRANTABLE &
		~conn->share_access;
	if (extra != 0) {
		granted = profileacl_decide(handle,
					    NULL,
					    *fsp,
					    extra | SEC_FLAG_MAXIMUM_ALLOWED,
					    FILE_OPEN,
					    &reason) &
			  extra;
		if (granted == 0 && reason == PROFILEACL_OWNER_UNKNOWN) {
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
	 * The smbXsrv_open is the caller's (smb2_create.c frees it on a
	 * failed reconnect): detach it first, as vfs_default does on its own
	 * failures, so that closing the handle does not free it.
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
	struct profileacl_config *config = NULL;
	struct profileacl_fsp *ext = NULL;
	struct files_struct *granted_fsp = fsp;
	NTSTATUS status;

	if (SMB_VFS_HANDLE_TEST_DATA(handle)) {
		SMB_VFS_HANDLE_GET_DATA(handle,
					config,
					struct profileacl_config,
					return NT_STATUS_INTERNAL_ERROR);
	}
	if (config != NULL && config->audit) {
		ext = VFS_FETCH_FSP_EXTENSION(handle, fsp);
		if (ext == NULL && fsp->stream_fsp != NULL) {
			granted_fsp = fsp->stream_fsp;
			ext = VFS_FETCH_FSP_EXTENSION(handle, granted_fsp);
		}
	}
	status = SMB_VFS_NEXT_FSET_NT_ACL(handle, fsp, security_info_sent, psd);
	if (ext != NULL && ext->granted != 0) {
		profileacl_audit_sd(config,
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

#ifndef PROFILEACL_SAMBA_BUILD_ID
#error "PROFILEACL_SAMBA_BUILD_ID is set by the build (wscript)"
#endif

/*
 * What the module was built for, in a section of its own so that
 * "readelf -p .profileacl profileacl.so" (profileacl-rebuild --status)
 * can tell without loading it.
 */
static const char profileacl_built_for[]
	__attribute__((section(".profileacl"), used)) =
		"samba=" PROFILEACL_SAMBA_VERSION
		" build-id=" PROFILEACL_SAMBA_BUILD_ID;

NTSTATUS samba_init_module(TALLOC_CTX *ctx);
NTSTATUS samba_init_module(TALLOC_CTX *ctx _UNUSED_)
{
	char running[2 * 64 + 1];
	enum profileacl_build build;
	NTSTATUS status;

	/* The load guard (profileacl_loadguard.h) */
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
			build == PROFILEACL_BUILD_OTHER	  ? running
			: build == PROFILEACL_BUILD_NO_ID ? "(none)"
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
