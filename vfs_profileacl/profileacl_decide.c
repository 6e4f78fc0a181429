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
 * One JSON object per line on stdout, smbd's log lines on stderr. Exit
 * status: 0 answered, 2 could not ask.
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

/* The share's stack, connected as SESSION_INFO, as smbd connects it */
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
	(*c)->conn->force_user = *lp_force_user(talloc_tos(), lp_sub, snum) !=
				 '\0';
	/* a marker only: the module asks whether a group is forced */
	(*c)->conn->force_group_gid = (*lp_force_group(talloc_tos(),
						       lp_sub,
						       snum) != '\0')
					      ? 0
					      : (gid_t)-1;
	return NT_STATUS_OK;
}

static struct profileacl_config *decide_config(struct connection_struct *conn)
{
	struct profileacl_config *config = talloc_zero(
		conn, struct profileacl_config);
	struct profileacl_data data = {0};

	if (config == NULL ||
	    !profileacl_config_load(conn, profileacl_audit_options, config) ||
	    !profileacl_audit_config(SNUM(conn), &data))
	{
		TALLOC_FREE(config);
	}
	return config;
}

static int decide_share(int snum)
{
	const char *service = lp_const_servicename(snum);
	struct auth_session_info *session_info = NULL;
	struct conn_struct_tos *c = NULL;
	struct security_descriptor *psd = NULL;
	char *sddl = NULL;
	size_t size = 0;
	NTSTATUS status;

	status = init_system_session_info(talloc_tos());
	if (NT_STATUS_IS_OK(status)) {
		status = make_session_info_system(talloc_tos(), &session_info);
	}
	if (NT_STATUS_IS_OK(status)) {
		status = decide_connect(snum, session_info, &c);
	}
	psd = get_share_security(talloc_tos(), service, &size);
	if (psd != NULL) {
		sddl = sddl_encode(talloc_tos(), psd, get_global_sam_sid());
	}
	printf("{\"loads\": %s, ", NT_STATUS_IS_OK(status) ? "true" : "false");
	json_str("share", service, false);
	json_str("status", nt_errstr(status), false);
	json_str("share_acl", sddl, true);
	return (sddl != NULL) ? 0 : 2;
}

/*
 * The session smbd would give USER on the share: the share mask and
 * "read only" for its token, root's uid for an admin user, as
 * check_user_ok() does.
 */
static NTSTATUS decide_session(int snum,
			       const char *user,
			       struct conn_struct_tos **c)
{
	struct auth_session_info *session_info = NULL;
	struct connection_struct *conn = NULL;
	bool admin = false;
	NTSTATUS status;

	status = make_session_info_from_username(talloc_tos(),
						 user,
						 lp_guest_only(snum),
						 &session_info);
	if (!NT_STATUS_IS_OK(status)) {
		return status;
	}
	status = decide_connect(snum, session_info, c);
	if (!NT_STATUS_IS_OK(status)) {
		return status;
	}
	conn = (*c)->conn;
	status = check_user_share_access(conn,
					 conn->session_info,
					 &conn->share_access,
					 &conn->read_only);
	if (!NT_STATUS_IS_OK(status)) {
		return status;
	}
#if SMB_VFS_INTERFACE_VERSION >= 50
	if (!token_contains_name_in_list(
		    conn->session_info->unix_info->unix_name,
		    conn->session_info->info->domain_name,
		    NULL,
		    conn->session_info->security_token,
		    lp_admin_users(snum),
		    &admin))
	{
		return NT_STATUS_NO_MEMORY;
	}
#else
	admin = token_contains_name_in_list(
		conn->session_info->unix_info->unix_name,
		conn->session_info->info->domain_name,
		NULL,
		conn->session_info->security_token,
		lp_admin_users(snum));
#endif
	if (admin) {
		conn->session_info->unix_token->uid = sec_initial_uid();
	}
	if (!become_user_without_service_by_session(conn, conn->session_info))
	{
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

static int decide_user(int snum, const char *user, int n, const char **paths)
{
	struct conn_struct_tos *c = NULL;
	struct profileacl_config *config = NULL;
	struct vfs_handle_struct handle = {0};
	struct smb_filename *fname = NULL;
	enum profileacl_reason reason;
	uint32_t granted;
	bool absent;
	char *path = NULL;
	NTSTATUS status;
	int i;

	status = decide_session(snum, user, &c);
	if (NT_STATUS_IS_OK(status)) {
		config = decide_config(c->conn);
		handle.conn = c->conn;
	}
	for (i = 0; i < n; i++) {
		printf("{");
		json_str("user", user, false);
		json_str("path", paths[i], false);
		if (!NT_STATUS_IS_OK(status) || config == NULL) {
			json_str("status",
				 NT_STATUS_IS_OK(status)
					 ? "the module refuses "
					   "the share's options"
					 : nt_errstr(status),
				 true);
			continue;
		}
		path = talloc_all_string_sub(talloc_tos(),
					     paths[i],
					     "\\",
					     "/");
		/* a name as smbd hands it to the module: in the share */
		status = decide_name_ok(path)
				 ? NT_STATUS_OK
				 : NT_STATUS_OBJECT_PATH_SYNTAX_BAD;
		if (NT_STATUS_IS_OK(status)) {
			status = synthetic_pathref(talloc_tos(),
						   c->conn->cwd_fsp,
						   path,
						   NULL,
						   NULL,
						   0,
						   0,
						   &fname);
		}
		absent = NT_STATUS_EQUAL(status,
					 NT_STATUS_OBJECT_NAME_NOT_FOUND);
		if (absent) {
			fname = synthetic_smb_fname(
				talloc_tos(), path, NULL, NULL, 0, 0);
			status = (fname != NULL) ? NT_STATUS_OK
						 : NT_STATUS_NO_MEMORY;
		}
		if (!NT_STATUS_IS_OK(status)) {
			json_str("status", nt_errstr(status), true);
			status = NT_STATUS_OK;
			continue;
		}
		granted = profileacl_decide(&handle,
					    config,
					    fname,
					    absent,
					    config->grantable,
					    &reason);
		/* the share mask alone may hold them already */
		printf("\"allowed\": %s, \"share_mask\": %" PRIu32 ", "
		       "\"read_only\": %s, \"absent\": %s, ",
		       ((c->conn->share_access | granted) &
			config->grantable) == config->grantable
			       ? "true"
			       : "false",
		       c->conn->share_access,
		       c->conn->read_only ? "true" : "false",
		       absent ? "true" : "false");
		json_str("asked",
			 profileacl_rights_str(config->grantable),
			 false);
		json_str("status", "NT_STATUS_OK", false);
		json_str("granted",
			 granted != 0 ? profileacl_rights_str(granted) : "",
			 false);
		json_str("reason", profileacl_reason_str(reason), true);
		TALLOC_FREE(fname);
	}
	return NT_STATUS_IS_OK(status) && config != NULL ? 0 : 2;
}

/* The module's own profile dirs matching, one line of stdin at a time */
static int decide_match(int snum)
{
	struct auth_session_info *session_info = NULL;
	struct conn_struct_tos *c = NULL;
	struct profileacl_config *config = NULL;
	struct smb_filename fname = {0};
	struct profileacl_facts f = {.smb_fname = &fname};
	struct profileacl_request r = {0};
	char line[1024];
	char *tab = NULL;
	NTSTATUS status;

	status = init_system_session_info(talloc_tos());
	if (NT_STATUS_IS_OK(status)) {
		status = make_session_info_system(talloc_tos(), &session_info);
	}
	if (NT_STATUS_IS_OK(status)) {
		status = decide_connect(snum, session_info, &c);
	}
	if (!NT_STATUS_IS_OK(status) ||
	    (config = decide_config(c->conn)) == NULL) {
		fprintf(stderr,
			"cannot connect to the share: %s\n",
			nt_errstr(status));
		return 2;
	}
	f.conn = c->conn;
	f.config = config;
	while (fgets(line, sizeof(line), stdin) != NULL) {
		line[strcspn(line, "\n")] = '\0';
		tab = strchr(line, '\t');
		if (tab == NULL) {
			return 2;
		}
		*tab = '\0';
		fname.base_name = tab + 1;
		c->conn->session_info->info->account_name = line;
		set_current_user_info(line, line, "");
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
	const char *conf = get_dyn_CONFIGFILE();
	char running[2 * 64 + 1];
	int snum;
	int ret = 2;

	if (argc >= 3 && strcmp(argv[1], "-s") == 0) {
		conf = argv[2];
		argv += 2;
		argc -= 2;
	}
	if (argc < 3 || (strcmp(argv[1], "user") == 0 && argc < 5)) {
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

	talloc_stackframe();
	smb_init_locale();
	sec_init();
	setup_logging("profileacl-decide", DEBUG_STDERR);
	if (!lp_load_with_registry_shares(conf)) {
		fprintf(stderr, "cannot load %s\n", conf);
		return 2;
	}
	/* errors only: why a share or a module is refused */
	debug_parse_levels("0");
	snum = lp_servicenumber(argv[2]);
	if (snum < 0) {
		fprintf(stderr, "no share [%s] in %s\n", argv[2], conf);
		return 2;
	}
	if (strcmp(argv[1], "share") == 0) {
		ret = decide_share(snum);
	} else if (strcmp(argv[1], "user") == 0) {
		ret = decide_user(snum, argv[3], argc - 4, argv + 4);
	} else if (strcmp(argv[1], "match") == 0) {
		ret = decide_match(snum);
	}
	fflush(stdout);
	return ret;
}
