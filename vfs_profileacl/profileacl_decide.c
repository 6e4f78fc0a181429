/*
 * profileacl-decide: what the module decides, asked outside smbd.
 * profileacl-check runs it. It links the installed smbd's own libraries
 * and builds the module's decision from the same source, so an answer
 * comes from smbd's code for the session, the share mask and the stat,
 * and from the module's code for the rest.
 *
 *   profileacl-decide [-s CONF] share SHARE
 *   profileacl-decide [-s CONF] user SHARE USER PATH...
 *   profileacl-decide [-s CONF] match SHARE   (stdin: ACCOUNT<tab>FOLDER)
 *
 * One answer per line on stdout (a JSON object; for match 1 or 0),
 * smbd's log lines on stderr. Exit status: 0 answered, 2 could not ask.
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

#include "profileacl_core.c"
#include "vfs_profileacl.c"

#include "system/passwd.h"
#include "messages.h"
#include "lib/global_contexts.h"
#include "source3/lib/substitute.h"

static void json_str(const char *key, const char *s, bool last)
{
	const unsigned char *p = (const unsigned char *)(s != NULL ? s : "");

	printf("\"%s\": \"", key);
	for (; *p != '\0'; p++) {
		if (*p == '"' || *p == '\\') {
			printf("\\%c", *p);
		} else if (*p < 0x20 || *p == 0x7f) {
			printf("\\u%04x", *p);
		} else {
			putchar(*p);
		}
	}
	printf("\"%s", last ? "}\n" : ", ");
}

/*
 * The share's stack, connected as SESSION_INFO, as smbd connects it, its
 * path substituted for the user set_current_user_info() names
 */
static NTSTATUS decide_connect(int snum,
			       const struct auth_session_info *session_info,
			       struct conn_struct_tos **c)
{
	const struct loadparm_substitution
		*lp_sub = loadparm_s3_global_substitution();
	NTSTATUS status;

	status = create_conn_struct_tos_cwd(global_messaging_context(),
					    snum,
					    lp_path(talloc_tos(),
						    lp_sub,
						    snum),
					    session_info,
					    c);
	if (!NT_STATUS_IS_OK(status)) {
		return status;
	}
	file_init((*c)->conn->sconn);
	return NT_STATUS_OK;
}

static NTSTATUS decide_system_connect(int snum, struct conn_struct_tos **c)
{
	struct auth_session_info *session_info = NULL;
	NTSTATUS status;

	status = init_system_session_info(talloc_tos());
	if (NT_STATUS_IS_OK(status)) {
		status = make_session_info_system(talloc_tos(), &session_info);
	}
	if (NT_STATUS_IS_OK(status)) {
		status = decide_connect(snum, session_info, c);
	}
	return status;
}

/* The options, as the module's connect (which smbd ran) accepted them */
static struct profileacl_config *decide_config(struct connection_struct *conn)
{
	struct profileacl_config *config = talloc_zero(
		conn, struct profileacl_config);

	if (config == NULL ||
	    !profileacl_config_load(conn, profileacl_audit_options, config))
	{
		TALLOC_FREE(config);
	}
	return config;
}

/*
 * Does the module load and connect? And the share ACL, each ACE with
 * its SID as a string (no alias to resolve against a domain).
 */
static int decide_share(int snum)
{
	const char *service = lp_const_servicename(snum);
	struct conn_struct_tos *c = NULL;
	struct security_descriptor *psd = NULL;
	struct dom_sid_buf buf;
	size_t size = 0;
	uint32_t i;
	NTSTATUS status;

	status = decide_system_connect(snum, &c);
	psd = get_share_security(talloc_tos(), service, &size);
	if (psd == NULL) {
		fprintf(stderr,
			"no share security descriptor for [%s]\n",
			service);
		return 2;
	}
	printf("{\"loads\": %s, \"dacl\": %s, \"aces\": [",
	       NT_STATUS_IS_OK(status) ? "true" : "false",
	       psd->dacl != NULL ? "true" : "false");
	for (i = 0; psd->dacl != NULL && i < psd->dacl->num_aces; i++) {
		struct security_ace *a = &psd->dacl->aces[i];

		printf("%s{\"type\": %d, \"flags\": %d, \"mask\": %" PRIu32
		       ", \"sid\": \"%s\"}",
		       i > 0 ? ", " : "",
		       (int)a->type,
		       (int)a->flags,
		       a->access_mask,
		       dom_sid_str_buf(&a->trustee, &buf));
	}
	printf("], ");
	json_str("share", service, false);
	json_str("status", nt_errstr(status), true);
	return 0;
}

/*
 * The session smbd would give USER on the share, with the names smbd
 * takes from the logon: the account name without its domain. The share
 * mask, "read only", admin users and the forced user and group come
 * from smbd's own check_user_ok(), through becoming the user.
 */
static NTSTATUS decide_session(int snum,
			       const char *user,
			       struct conn_struct_tos **c)
{
	struct auth_session_info *session_info = NULL;
	struct auth_user_info *info = NULL;
	struct connection_struct *conn = NULL;
	struct passwd *pwd = NULL;
	const char *sep = lp_winbind_separator();
	char *name = NULL;
	NTSTATUS status;

	pwd = Get_Pwnam_alloc(talloc_tos(), user);
	if (pwd == NULL) {
		return NT_STATUS_NO_SUCH_USER;
	}
	status = make_session_info_from_username(talloc_tos(),
						 user,
						 lp_guest_only(snum),
						 &session_info);
	if (!NT_STATUS_IS_OK(status)) {
		return status;
	}
	/*
	 * The token is built from the account's SID; a name of this
	 * server's own SAM (an AD DC) is looked up again, and may find a
	 * local namesake. A logon would act as NSS's uid: not asked then.
	 */
	if (session_info->unix_token->uid != pwd->pw_uid) {
		fprintf(stderr,
			"%s: the session's uid is %u, the account's %u (a "
			"local "
			"account of the same name): not asked\n",
			user,
			(unsigned)session_info->unix_token->uid,
			(unsigned)pwd->pw_uid);
		return NT_STATUS_INVALID_ACCOUNT_NAME;
	}
	info = session_info->info;
	name = strchr(info->account_name, sep != NULL ? *sep : '\\');
	if (name != NULL) {
		info->domain_name = talloc_strndup(info,
						   info->account_name,
						   name - info->account_name);
		info->account_name = talloc_strdup(info, name + 1);
		if (info->domain_name == NULL || info->account_name == NULL) {
			return NT_STATUS_NO_MEMORY;
		}
	}
	set_current_user_info(info->account_name,
			      session_info->unix_info->unix_name,
			      info->domain_name);
	status = decide_connect(snum, session_info, c);
	if (!NT_STATUS_IS_OK(status)) {
		return status;
	}
	conn = (*c)->conn;
	/* what smbd's tree connect starts from: the share's own setting */
	conn->read_only = lp_read_only(snum);
	status = set_conn_force_user_group(conn, snum);
	if (!NT_STATUS_IS_OK(status)) {
		return status;
	}
	/* smbd's check_user_ok() makes the share's user check in here */
	if (!become_user_without_service_by_session(conn, session_info)) {
		return NT_STATUS_ACCESS_DENIED;
	}
	return NT_STATUS_OK;
}

static bool decide_name_ok(const char *path)
{
	const char *p = path;
	size_t len;

	if (path == NULL || *path == '/' || *path == '\0') {
		return false;
	}
	while (*p != '\0') {
		len = strcspn(p, "/");
		if (len == 0 || (len == 2 && strncmp(p, "..", 2) == 0) ||
		    (len == 1 && *p == '.'))
		{
			return false;
		}
		p += len + (p[len] == '/');
	}
	return true;
}

/*
 * The rest of one answer for IN: the name looked up as smbd looks up a
 * client's (case, mangled names, streams), then the module's decision.
 * Its own frame: the lookup leaves a handle on the folder there too.
 */
static void decide_path(struct connection_struct *conn,
			const struct profileacl_config *config,
			const char *in)
{
	TALLOC_CTX *frame = talloc_stackframe();
	struct files_struct *dirfsp = NULL;
	struct smb_filename *fname = NULL;
	enum profileacl_reason reason;
	uint32_t granted;
	bool absent;
	char *path = talloc_all_string_sub(frame, in, "\\", "/");
	NTSTATUS status;

	if (path == NULL) {
		json_str("status", "NT_STATUS_NO_MEMORY", true);
		goto done;
	}
	if (!decide_name_ok(path)) {
		json_str("status", "NT_STATUS_OBJECT_PATH_SYNTAX_BAD", true);
		goto done;
	}
	status = filename_convert_dirfsp(
		frame, conn, path, 0, 0, &dirfsp, &fname);
	if (!NT_STATUS_IS_OK(status)) {
		/* smbd fails the open alike, before the module */
		printf("\"allowed\": false, ");
		json_str("status", "NT_STATUS_OK", false);
		json_str("granted", "", false);
		json_str("reason",
			 talloc_asprintf(frame,
					 "smbd cannot look the name up for "
					 "this user: %s",
					 nt_errstr(status)),
			 true);
		goto done;
	}
	absent = !VALID_STAT(fname->st);
	granted = profileacl_decide(
		conn, config, fname, absent, config->grantable, &reason);
	/* the share mask alone may hold them already */
	printf("\"allowed\": %s, \"share_mask\": %" PRIu32 ", "
	       "\"read_only\": %s, \"absent\": %s, ",
	       ((conn->share_access | granted) & config->grantable) ==
			       config->grantable
		       ? "true"
		       : "false",
	       conn->share_access,
	       conn->read_only ? "true" : "false",
	       absent ? "true" : "false");
	json_str("asked", profileacl_rights_str(config->grantable), false);
	json_str("status", "NT_STATUS_OK", false);
	json_str("granted",
		 granted != 0 ? profileacl_rights_str(granted) : "",
		 false);
	json_str("reason", profileacl_reason_str(reason), true);
done:
	TALLOC_FREE(frame);
}

/* One answer per path, as USER smbd would connect the share */
static int decide_user(int snum, const char *user, int n, const char **paths)
{
	struct conn_struct_tos *c = NULL;
	struct profileacl_config *config = NULL;
	bool became;
	NTSTATUS session;
	int i;

	session = decide_session(snum, user, &c);
	became = NT_STATUS_IS_OK(session);
	if (became) {
		config = decide_config(c->conn);
	}
	for (i = 0; i < n; i++) {
		printf("{");
		json_str("user", user, false);
		json_str("path", paths[i], false);
		if (!NT_STATUS_IS_OK(session) || config == NULL) {
			json_str("status",
				 NT_STATUS_IS_OK(session)
					 ? "the module refuses "
					   "the share's "
					   "options"
					 : nt_errstr(session),
				 true);
			continue;
		}
		decide_path(c->conn, config, paths[i]);
	}
	if (became) {
		unbecome_user_without_service();
	}
	return 0;
}

/*
 * The module's own profile dirs matching, one ACCOUNT<tab>FOLDER line of
 * stdin at a time. Each account gets names of its own: smbd's
 * substitution caches the last ones by pointer.
 */
static int decide_match(int snum)
{
	struct conn_struct_tos *c = NULL;
	struct profileacl_config *config = NULL;
	struct smb_filename fname = {0};
	struct profileacl_facts f = {.smb_fname = &fname};
	struct profileacl_request r = {0};
	char line[1024];
	char *tab = NULL;
	char *account = NULL;
	char *last = NULL;
	NTSTATUS status;

	status = decide_system_connect(snum, &c);
	if (!NT_STATUS_IS_OK(status)) {
		fprintf(stderr,
			"cannot connect the share: %s\n",
			nt_errstr(status));
		return 2;
	}
	config = decide_config(c->conn);
	if (config == NULL) {
		fprintf(stderr, "the module refuses the share's options\n");
		return 2;
	}
	f.conn = c->conn;
	f.config = config;
	while (fgets(line, sizeof(line), stdin) != NULL) {
		line[strcspn(line, "\n")] = '\0';
		tab = strchr(line, '\t');
		if (tab == NULL) {
			fprintf(stderr, "a line without a tab\n");
			return 2;
		}
		*tab = '\0';
		/*
		 * set_current_user_info() returns early when it is handed
		 * the pointers it has: a new copy while the last is alive
		 * is never at the same address
		 */
		account = talloc_strdup(c, line);
		fname.base_name = tab + 1;
		if (account == NULL) {
			return 2;
		}
		c->conn->session_info->info->account_name = account;
		set_current_user_info(account, account, "");
		TALLOC_FREE(last);
		last = account;
		r.outside_profile = false;
		if (config->profile_dirs != NULL) {
			profileacl_lookup_dirs(&r, &f);
		}
		printf("%d\n", r.outside_profile ? 0 : 1);
	}
	return 0;
}

int main(int argc, const char **argv)
{
	TALLOC_CTX *frame = NULL;
	const char *conf = get_dyn_CONFIGFILE();
	char running[2 * 64 + 1];
	int snum;
	int ret = 2;

	if (argc >= 3 && strcmp(argv[1], "-s") == 0) {
		conf = argv[2];
		argv += 2;
		argc -= 2;
	}
	if (argc < 3 ||
	    (strcmp(argv[1], "share") != 0 && strcmp(argv[1], "match") != 0 &&
	     (strcmp(argv[1], "user") != 0 || argc < 5)))
	{
		fprintf(stderr,
			"usage: profileacl-decide [-s CONF] share SHARE\n"
			"       profileacl-decide [-s CONF] user SHARE USER "
			"PATH...\n"
			"       profileacl-decide [-s CONF] match SHARE\n");
		return 2;
	}
	/* smbd's structures are only ours to read in the build we know */
	if (profileacl_check_build(PROFILEACL_SAMBA_BUILD_ID,
				   running,
				   sizeof(running)) != PROFILEACL_BUILD_MATCH)
	{
		fprintf(stderr,
			"profileacl-decide was built for samba %s, not the "
			"installed one; rebuild it: %s\n",
			PROFILEACL_SAMBA_VERSION,
			PROFILEACL_REBUILD_COMMAND);
		return 2;
	}
	if (geteuid() != 0) {
		fprintf(stderr, "profileacl-decide must run as root\n");
		return 2;
	}

	frame = talloc_stackframe();
	smb_init_locale();
	sec_init();
	setup_logging("profileacl-decide", DEBUG_STDERR);
	if (!lp_load_with_registry_shares(conf)) {
		fprintf(stderr, "cannot load %s\n", conf);
		TALLOC_FREE(frame);
		return 2;
	}
	/* errors only: why a share or a module is refused */
	debug_parse_levels("0");
	/* name lookups use the mangling method, as in smbd */
	mangle_reset_cache();
	snum = lp_servicenumber(argv[2]);
	if (snum < 0) {
		fprintf(stderr, "no share [%s] in %s\n", argv[2], conf);
	} else if (strcmp(argv[1], "share") == 0) {
		ret = decide_share(snum);
	} else if (strcmp(argv[1], "user") == 0) {
		ret = decide_user(snum, argv[3], argc - 4, argv + 4);
	} else {
		ret = decide_match(snum);
	}
	fflush(stdout);
	/* the connection's destructor disconnects the stack */
	TALLOC_FREE(frame);
	return ret;
}
