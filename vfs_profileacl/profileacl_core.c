/*
 * vfs_profileacl: the decision, shared by the module built in Samba's
 * tree and the one built outside it.
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

#include "includes.h"
#include "smbd/smbd.h"
#include "libcli/security/security.h"
#include "auth.h"
#include "lib/param/loadparm.h"
#include "lib/param/param_global.h"
#include "lib/util/util_str_escape.h"
#include "profileacl_core.h"

/* as nfs4_acls.c and open.c declare it */
extern const struct generic_mapping file_generic_mapping;

int profileacl_debug_level = DBGC_VFS;

#undef DBGC_CLASS
#define DBGC_CLASS profileacl_debug_level

uint32_t profileacl_grant(struct profileacl_request *r,
			  const struct profileacl_lookup *lookup,
			  enum profileacl_reason *reason)
{
	bool maximum = (r->access_mask & SEC_FLAG_MAXIMUM_ALLOWED) != 0;
	uint32_t wanted = maximum ? PROFILEACL_GRANTABLE
				  : (r->access_mask & PROFILEACL_GRANTABLE);
	/* Whatever the object, nothing is added for these */
	const struct {
		bool refused;
		enum profileacl_reason reason;
	} refusals[] = {
		{r->guest, PROFILEACL_GUEST},
		/* smbd skips the file ACL check for root: nothing to add */
		{r->root, PROFILEACL_ROOT},
		/* every session acts as one uid: ownership names no person */
		{r->forced_user, PROFILEACL_FORCED_USER},
		/* a share ACL deny for the user's own group is invisible */
		{r->forced_group, PROFILEACL_FORCED_GROUP},
		{r->read_only, PROFILEACL_READ_ONLY},
		{(r->share_mask & PROFILEACL_SHARE_WRITE) !=
			 PROFILEACL_SHARE_WRITE,
		 PROFILEACL_NO_WRITE_SHARE},
	};
	uint32_t denied;
	size_t i;

	/* Most opens stop here: they ask for nothing the share lacks */
	wanted &= ~r->share_mask;
	if (wanted == 0) {
		*reason = PROFILEACL_NOT_ASKED;
		return 0;
	}
	wanted &= r->grantable;
	if (wanted == 0) {
		*reason = PROFILEACL_NO_CONFIG;
		return 0;
	}

	for (i = 0; i < ARRAY_SIZE(refusals); i++) {
		if (refusals[i].refused) {
			*reason = refusals[i].reason;
			return 0;
		}
	}
	/* smbd refuses any right named outside the share mask */
	if (!maximum && (r->access_mask & ~(r->share_mask | wanted)) != 0) {
		*reason = PROFILEACL_WOULD_FAIL;
		return 0;
	}

	if (lookup != NULL && lookup->owner != NULL) {
		lookup->owner(r, lookup->private_data);
	}
	switch (r->object) {
	case PROFILEACL_OBJ_OWN:
		break;
	case PROFILEACL_OBJ_ABSENT:
		if (!r->may_create) {
			*reason = PROFILEACL_NOT_CREATED;
			return 0;
		}
		/*
		 * The creator owns the new object, also in a folder an admin
		 * made for them, unless "inherit owner" gives it to the
		 * folder's owner. A name opened without being created (a
		 * link planted after the stat) is checked on the handle.
		 */
		if (r->inherit_owner && r->parent != PROFILEACL_OBJ_OWN) {
			*reason = (r->parent == PROFILEACL_OBJ_OTHER)
					  ? PROFILEACL_INHERITS_OTHER
					  : PROFILEACL_OWNER_UNKNOWN;
			return 0;
		}
		break;
	case PROFILEACL_OBJ_OTHER:
		*reason = PROFILEACL_NOT_OWNER;
		return 0;
	default:
		*reason = PROFILEACL_OWNER_UNKNOWN;
		return 0;
	}

	if (lookup != NULL && lookup->profile_dirs != NULL) {
		lookup->profile_dirs(r, lookup->private_data);
	}
	if (r->outside_profile) {
		*reason = PROFILEACL_OUTSIDE_PROFILE;
		return 0;
	}

	/*
	 * A deny ACE of the share ACL is the admin's word: add only what
	 * the share ACL leaves out. A request naming a denied right fails
	 * in smbd anyway: widen nothing then.
	 */
	if (lookup != NULL && lookup->share_denied != NULL) {
		lookup->share_denied(r, lookup->private_data);
	}
	denied = wanted & r->share_denied;
	wanted &= ~denied;
	if (wanted == 0 || (!maximum && (r->access_mask & denied) != 0)) {
		*reason = PROFILEACL_SHARE_DENIES;
		return 0;
	}

	*reason = PROFILEACL_GRANTED;
	return wanted;
}

static const char *const profileacl_reasons[] = {
	[PROFILEACL_NOT_ASKED] = "request needs no right the module grants",
	[PROFILEACL_GRANTED] = "granted to the profile owner",
	[PROFILEACL_NO_CONFIG] = "right not in profileacl:grant",
	[PROFILEACL_GUEST] = "guest or anonymous session",
	[PROFILEACL_FORCED_USER] = "share has force user: owner names no "
				   "person",
	[PROFILEACL_FORCED_GROUP] = "share has force group: the share ACL "
				    "cannot be checked for this user",
	[PROFILEACL_READ_ONLY] = "share is read only for this user",
	[PROFILEACL_NO_WRITE_SHARE] = "share ACL grants this user no write "
				      "access",
	[PROFILEACL_WOULD_FAIL] = "request needs other rights the share "
				  "denies",
	[PROFILEACL_OUTSIDE_PROFILE] = "path is outside the profile folders",
	[PROFILEACL_NOT_OWNER] = "requester does not own the object",
	[PROFILEACL_NOT_CREATED] = "object does not exist and is not created",
	[PROFILEACL_OWNER_UNKNOWN] = "owner of the object unknown",
	[PROFILEACL_ROOT] = "uid 0 is nobody's profile owner",
	[PROFILEACL_INHERITS_OTHER] = "inherit owner: the new object would "
				      "belong to the folder's owner",
	[PROFILEACL_SHARE_DENIES] = "the share ACL denies this user the right",
};

const char *profileacl_reason_str(enum profileacl_reason reason)
{
	return ((size_t)reason < ARRAY_SIZE(profileacl_reasons))
		       ? profileacl_reasons[reason]
		       : "unknown reason";
}

const char *profileacl_rights_str(uint32_t rights)
{
	switch (rights & PROFILEACL_GRANTABLE) {
	case SEC_STD_WRITE_DAC:
		return "WRITE_DAC";
	case SEC_STD_WRITE_OWNER:
		return "WRITE_OWNER";
	case PROFILEACL_GRANTABLE:
		return "WRITE_DAC|WRITE_OWNER";
	default:
		return "none";
	}
}

const char *profileacl_name_dbg(const char *name)
{
	char *esc = log_escape(talloc_tos(), name != NULL ? name : "(null)");

	return (esc != NULL) ? esc : "(no memory)";
}

bool profileacl_pattern_valid(const char *pattern)
{
	size_t len = (pattern != NULL) ? strlen(pattern) : 0;

	return len > 0 && len <= 255 && strpbrk(pattern, "/\\<>\"") == NULL &&
	       !ISDOT(pattern) && !ISDOTDOT(pattern);
}

char *profileacl_subst_account(TALLOC_CTX *mem_ctx,
			       const char *raw,
			       const char *account)
{
	const char *p = raw;
	const char *u = NULL;
	char *out = NULL;
	size_t len = (account != NULL) ? strlen(account) : 0;
	bool control = false;

	for (u = account; len > 0 && *u != '\0'; u++) {
		control |= (unsigned char)*u < 0x20;
	}
	if (strstr(raw, "%U") != NULL &&
	    (len == 0 || control || len > 255 || ISDOT(account) ||
	     ISDOTDOT(account) || strpbrk(account, "/\\*?%<>\":|") != NULL))
	{
		return NULL;
	}
	/*
	 * Byte by byte, as smbd reads the pattern: talloc_all_string_sub()
	 * searches with strstr_m(), which finds no "%U" after a byte that
	 * is not UTF-8.
	 */
	out = talloc_strdup(mem_ctx, "");
	while (out != NULL && (u = strstr(p, "%U")) != NULL) {
		out = talloc_asprintf_append_buffer(
			out, "%.*s%s", (int)(u - p), p, account);
		p = u + 2;
	}
	return (out != NULL) ? talloc_strdup_append_buffer(out, p) : NULL;
}

bool profileacl_in_dirs(const char *path, const char *const *made, size_t n)
{
	char top[256];
	size_t len;
	size_t i;

	if (path == NULL) {
		return false;
	}
	while (*path == '/') {
		path++;
	}
	len = strcspn(path, "/");
	if (len == 0 || len >= sizeof(top)) {
		/* the share root, or longer than any file name */
		return false;
	}
	strlcpy(top, path, len + 1);
	if (ISDOT(top) || ISDOTDOT(top)) {
		return false;
	}
	for (i = 0; i < n; i++) {
		if (made[i] != NULL && made[i][0] != '\0' &&
		    ms_fnmatch_protocol(made[i], top, PROTOCOL_NT1, false) ==
			    0)
		{
			return true;
		}
	}
	return false;
}

/*
 * A module whose stat says nothing of who owns a file: with it in the
 * stack ownership cannot be decided. An entry loads a module as "name",
 * "name:param" or "/path/name.so". vfs_fake_acls, built only for
 * Samba's selftest, is how a test user owns a file under uid_wrapper,
 * and is let be.
 */
static bool profileacl_stack_ok(int snum)
{
	const char **objects = lp_vfs_objects(snum);
	const char *name = NULL;
	size_t i;

	for (i = 0; objects != NULL && objects[i] != NULL; i++) {
		name = strrchr(objects[i], '/');
		name = (name != NULL) ? name + 1 : objects[i];
		if (strncasecmp_m(name, "fake_perms", 10) == 0 &&
		    (name[10] == '\0' || name[10] == ':' || name[10] == '.'))
		{
			DBG_ERR("share [%s]: \"vfs objects\" holds %s, whose "
				"stat reports no real owner\n",
				lp_const_servicename(snum),
				objects[i]);
			return false;
		}
	}
	return true;
}

/*
 * The "profileacl:" options of LIST, the options of section WHERE, are
 * the module's: "grant", "profile dirs" and OPTIONS. lp_parm_*() finds
 * "TYPE:NAME" with strwicmp(), which skips case and blanks, so the
 * names are read the same way: "profile acl:profile dir" is the
 * module's, misspelt.
 */
static bool profileacl_opts_ok(int snum,
			       const char *where,
			       const struct parmlist_entry *list,
			       const char *const *options)
{
	const char *service = lp_const_servicename(snum);
	const struct parmlist_entry *opt = NULL;
	const char *colon = NULL;
	const char *name = NULL;
	bool ours;
	size_t i;

	for (opt = list; opt != NULL; opt = opt->next) {
		colon = strchr(opt->key, ':');
		if (colon == NULL) {
			continue;
		}
		/* a copy on the stack, as lp_wi_scan_global_parametrics() */
		{
			char type[colon - opt->key + 1];

			memcpy(type, opt->key, sizeof(type) - 1);
			type[sizeof(type) - 1] = '\0';
			ours = strwicmp(type, PROFILEACL_MODULE_NAME) == 0;
		}
		name = colon + 1;
		if (!ours || strwicmp(name, "grant") == 0 ||
		    strwicmp(name, "profile dirs") == 0)
		{
			continue;
		}
		for (i = 0; options != NULL && options[i] != NULL; i++) {
			if (strwicmp(name, options[i]) == 0) {
				break;
			}
		}
		if (options == NULL || options[i] == NULL) {
			DBG_ERR("share [%s]: unknown option \"%s\" in [%s]\n",
				service,
				opt->key,
				where);
			return false;
		}
	}
	return true;
}

/*
 * A misspelt option must not leave its default in force unnoticed: a
 * "profileacl:" option the module does not know, in the share or in
 * [global] (which lp_parm_*() falls back to), refuses the share.
 */
static bool profileacl_names_ok(int snum, const char *const *options)
{
	struct loadparm_service *svc = lp_servicebynum(snum);

	if (svc == NULL) {
		DBG_ERR("share [%s]: no such service\n",
			lp_const_servicename(snum));
		return false;
	}
	return profileacl_opts_ok(snum,
				  lp_const_servicename(snum),
				  svc->param_opt,
				  options) &&
	       profileacl_opts_ok(snum,
				  GLOBAL_NAME,
				  get_globals()->param_opt,
				  options);
}

bool profileacl_config_load(struct connection_struct *conn,
			    const char *const *options,
			    struct profileacl_config *config)
{
	int snum = SNUM(conn);
	const char *service = lp_const_servicename(snum);
	const char *def[] = {"write_dac", NULL};
	const char **words = lp_parm_string_list(snum,
						 PROFILEACL_MODULE_NAME,
						 "grant",
						 def);
	size_t i;

	if (!profileacl_names_ok(snum, options) || !profileacl_stack_ok(snum))
	{
		return false;
	}
	config->grantable = 0;
	for (i = 0; words != NULL && words[i] != NULL; i++) {
		if (strequal(words[i], "write_dac")) {
			config->grantable |= SEC_STD_WRITE_DAC;
		} else if (strequal(words[i], "write_owner")) {
			config->grantable |= SEC_STD_WRITE_OWNER;
		} else {
			DBG_ERR("share [%s]: unknown right \"%s\" in "
				"\"profileacl:grant\"; allowed: write_dac, "
				"write_owner\n",
				service,
				words[i]);
			return false;
		}
	}
	if (config->grantable == 0) {
		DBG_ERR("share [%s]: \"profileacl:grant\" is empty\n",
			service);
		return false;
	}

	/* a copy: loadparm frees its own list on a reload */
	config->profile_dirs = str_list_copy(
		config,
		lp_parm_string_list(
			snum, PROFILEACL_MODULE_NAME, "profile dirs", NULL));
	if (lp_parm_const_string(snum,
				 PROFILEACL_MODULE_NAME,
				 "profile dirs",
				 NULL) != NULL &&
	    str_list_length((const char *const *)config->profile_dirs) == 0)
	{
		DBG_ERR("share [%s]: \"profileacl:profile dirs\" gives no "
			"pattern\n",
			service);
		return false;
	}
	for (i = 0;
	     config->profile_dirs != NULL && config->profile_dirs[i] != NULL;
	     i++)
	{
		/* as written: each session checks what it substitutes to */
		if (!profileacl_pattern_valid(config->profile_dirs[i])) {
			DBG_ERR("share [%s]: bad pattern \"%s\" in "
				"\"profileacl:profile dirs\"; a pattern names "
				"one top-level folder, with * and ? "
				"wildcards\n",
				service,
				config->profile_dirs[i]);
			return false;
		}
	}
	if (conn->force_user) {
		DBG_NOTICE("share [%s] has \"force user\": every session acts "
			   "as one uid; profileacl grants nothing here\n",
			   service);
	}
	if (conn->force_group_gid != (gid_t)-1) {
		DBG_NOTICE("share [%s] has \"force group\": a share ACL deny "
			   "for the user's group cannot be seen; profileacl "
			   "grants nothing here\n",
			   service);
	}
	return true;
}

/* What one decision needs from smbd, for the lookups */
struct profileacl_facts {
	struct connection_struct *conn;
	const struct profileacl_config *config;
	const struct smb_filename *smb_fname;
	uid_t uid;
};

static enum profileacl_object profileacl_owner_of(const SMB_STRUCT_STAT *st,
						  uid_t uid)
{
	return (st->st_ex_uid == uid) ? PROFILEACL_OBJ_OWN
				      : PROFILEACL_OBJ_OTHER;
}

/*
 * The owner of an object as smbd stat'ed it. A stream belongs to its
 * base file. A new name is the creator's, or with "inherit owner" its
 * folder owner's; a new stream on an existing file is the file owner's.
 */
static void profileacl_lookup_owner(struct profileacl_request *r,
				    void *private_data)
{
	struct profileacl_facts *f = private_data;
	struct connection_struct *conn = f->conn;
	const struct smb_filename *name = f->smb_fname;
	struct smb_filename *base = NULL;
	struct smb_filename *parent = NULL;
	struct smb_filename *atname = NULL;
	NTSTATUS status;

	if (is_named_stream(name)) {
		status = synthetic_pathref(talloc_tos(),
					   conn->cwd_fsp,
					   name->base_name,
					   NULL,
					   NULL,
					   name->twrp,
					   name->flags &
						   ~SMB_FILENAME_POSIX_PATH,
					   &base);
		if (NT_STATUS_IS_OK(status)) {
			r->object = VALID_STAT(name->st)
					    ? profileacl_owner_of(&base->st,
								  f->uid)
					    : PROFILEACL_OBJ_ABSENT;
			r->inherit_owner = true;
			r->parent = profileacl_owner_of(&base->st, f->uid);
			TALLOC_FREE(base);
			return;
		}
		if (!NT_STATUS_EQUAL(status, NT_STATUS_OBJECT_NAME_NOT_FOUND))
		{
			DBG_INFO("%s: no handle on the base file: %s\n",
				 profileacl_name_dbg(name->base_name),
				 nt_errstr(status));
			r->object = PROFILEACL_OBJ_UNKNOWN;
			return;
		}
	} else if (VALID_STAT(name->st)) {
		r->object = profileacl_owner_of(&name->st, f->uid);
		return;
	}

	r->object = PROFILEACL_OBJ_ABSENT;
	if (lp_inherit_owner(SNUM(conn)) == INHERIT_OWNER_NO) {
		return;
	}
	r->inherit_owner = true;
	status = parent_pathref(
		talloc_tos(), conn->cwd_fsp, name, &parent, &atname);
	if (!NT_STATUS_IS_OK(status)) {
		DBG_INFO("%s: no handle on the parent folder: %s\n",
			 profileacl_name_dbg(name->base_name),
			 nt_errstr(status));
		r->parent = PROFILEACL_OBJ_UNKNOWN;
		return;
	}
	r->parent = profileacl_owner_of(&parent->st, f->uid);
	TALLOC_FREE(parent);
}

/*
 * One "profile dirs" pattern for this session, "" when it substitutes
 * to nothing, NULL when it cannot be made or names no folder.
 */
static char *profileacl_dir_pattern(TALLOC_CTX *mem_ctx,
				    struct connection_struct *conn,
				    const char *raw,
				    bool account_u)
{
	char *own = NULL;
	char *pattern = NULL;

	if (account_u) {
		own = profileacl_subst_account(
			mem_ctx, raw, conn->session_info->info->account_name);
		if (own == NULL) {
			/* the name is not logged: it may hold anything */
			DBG_NOTICE("the account name cannot name a folder in "
				   "pattern \"%s\"\n",
				   raw);
			return NULL;
		}
	}
	pattern = lpcfg_substituted_string(mem_ctx,
					   loadparm_s3_global_substitution(),
					   own != NULL ? own : raw);
	TALLOC_FREE(own);
	if (pattern != NULL && pattern[0] != '\0' &&
	    !profileacl_pattern_valid(pattern))
	{
		DBG_ERR("share [%s]: \"profileacl:profile dirs\" pattern "
			"\"%s\" gives \"%s\" for this session: it matches "
			"nothing\n",
			lp_const_servicename(SNUM(conn)),
			raw,
			profileacl_name_dbg(pattern));
		TALLOC_FREE(pattern);
	} else if (pattern != NULL) {
		DBG_INFO("share [%s]: \"profileacl:profile dirs\" pattern "
			 "\"%s\" is \"%s\" for this session (%%U: %s)\n",
			 lp_const_servicename(SNUM(conn)),
			 raw,
			 profileacl_name_dbg(pattern),
			 account_u ? "account name" : "smbd's");
	}
	return pattern;
}

/*
 * Each pattern with %U is made twice: with the account name (what
 * Windows names the folder) and with smbd's %U (what a username map
 * needs). Each stands on its own; ownership still decides.
 */
static void profileacl_lookup_dirs(struct profileacl_request *r,
				   void *private_data)
{
	struct profileacl_facts *f = private_data;
	char **dirs = f->config->profile_dirs;
	size_t n = str_list_length((const char *const *)dirs);
	char **made = talloc_zero_array(talloc_tos(), char *, 2 * n);
	size_t i;

	r->outside_profile = true;
	if (made == NULL) {
		DBG_ERR("no memory for the profile dirs; nothing is "
			"granted\n");
		return;
	}
	for (i = 0; i < n; i++) {
		if (strstr(dirs[i], "%U") != NULL) {
			made[2 * i] = profileacl_dir_pattern(made,
							     f->conn,
							     dirs[i],
							     true);
		}
		made[2 * i + 1] = profileacl_dir_pattern(made,
							 f->conn,
							 dirs[i],
							 false);
	}
	r->outside_profile = !profileacl_in_dirs(f->smb_fname->base_name,
						 (const char *const *)made,
						 2 * n);
	TALLOC_FREE(made);
}

/*
 * The grantable rights a deny ACE of the share ACL refuses this session.
 * smbd's access check answers, on the share's descriptor with an allow
 * of the grantable rights for the user appended: a right still refused
 * is denied before it. Generic rights in a deny count as the file
 * rights they stand for; in an allow they stay unmapped, as smbd's share
 * check reads them, so that an allow of GENERIC_ALL cannot cancel a
 * later deny (the stricter reading, both ways). Read for each decision: a deny
 * added to the share ACL later changes no share mask, so smbd keeps the tree,
 * and the module must see it at once. No descriptor: everything is refused.
 */
static void profileacl_lookup_share_denied(struct profileacl_request *r,
					   void *private_data)
{
	struct profileacl_facts *f = private_data;
	const struct security_token *token = f->conn->session_info
						     ->security_token;
	const char *service = lp_const_servicename(SNUM(f->conn));
	TALLOC_CTX *frame = talloc_stackframe();
	struct security_descriptor *psd = NULL;
	struct security_ace ace;
	size_t sd_size = 0;
	uint32_t granted = 0;
	uint32_t i;

	r->share_denied = PROFILEACL_GRANTABLE;
	if (token == NULL || token->num_sids <= PRIMARY_USER_SID_INDEX) {
		DBG_WARNING("share [%s]: the session has no token; nothing is "
			    "granted\n",
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
	for (i = 0; psd->dacl != NULL && i < psd->dacl->num_aces; i++) {
		struct security_ace *a = &psd->dacl->aces[i];

		if (a->type != SEC_ACE_TYPE_ACCESS_ALLOWED &&
		    a->type != SEC_ACE_TYPE_ACCESS_ALLOWED_OBJECT)
		{
			se_map_generic(&a->access_mask, &file_generic_mapping);
		}
	}
	init_sec_ace(&ace,
		     &token->sids[PRIMARY_USER_SID_INDEX],
		     SEC_ACE_TYPE_ACCESS_ALLOWED,
		     PROFILEACL_GRANTABLE,
		     0);
	if (!NT_STATUS_IS_OK(security_descriptor_dacl_add(psd, &ace))) {
		DBG_ERR("share [%s]: no memory; nothing is granted\n",
			service);
		goto done;
	}
	/*
	 * MAXIMUM_ALLOWED, as smbd asks for the share mask (through
	 * se_file_access_check(), whose privileges smbd adds to the mask
	 * anyway): what the appended allow does not bring is denied before it
	 */
	if (NT_STATUS_IS_OK(se_access_check(
		    psd, token, SEC_FLAG_MAXIMUM_ALLOWED, &granted)))
	{
		r->share_denied = PROFILEACL_GRANTABLE & ~granted;
	}
done:
	TALLOC_FREE(frame);
}

uint32_t profileacl_decide(struct connection_struct *conn,
			   const struct profileacl_config *config,
			   const struct smb_filename *smb_fname,
			   bool may_create,
			   uint32_t access_mask,
			   enum profileacl_reason *reason)
{
	struct profileacl_facts f = {
		.conn = conn,
		.config = config,
		.smb_fname = smb_fname,
	};
	struct profileacl_lookup lookup = {
		.owner = profileacl_lookup_owner,
		.profile_dirs = (config->profile_dirs != NULL)
					? profileacl_lookup_dirs
					: NULL,
		.share_denied = profileacl_lookup_share_denied,
		.private_data = &f,
	};
	struct profileacl_request r = {
		.access_mask = access_mask,
		.share_mask = conn->share_access,
		.grantable = config->grantable,
		.may_create = may_create,
	};
	uint32_t granted;

	f.uid = get_current_uid(conn);
	r.guest = security_session_user_level(conn->session_info, NULL) <
		  SECURITY_USER;
	r.root = (f.uid == 0);
	r.read_only = conn->read_only;
	r.forced_user = conn->force_user;
	r.forced_group = conn->force_group_gid != (gid_t)-1;
	se_map_generic(&r.access_mask, &file_generic_mapping);
	granted = profileacl_grant(&r, &lookup, reason);
	if (*reason != PROFILEACL_NOT_ASKED && *reason != PROFILEACL_NO_CONFIG)
	{
		DBG_INFO("%s: %s for %s, access 0x%08" PRIx32 ": %s\n",
			 conn->session_info->unix_info->unix_name,
			 granted != 0 ? profileacl_rights_str(granted)
				      : "no grant",
			 profileacl_name_dbg(smb_fname_str_dbg(smb_fname)),
			 access_mask,
			 profileacl_reason_str(*reason));
	}
	return granted;
}
