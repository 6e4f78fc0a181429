/*
 * vfs_profileacl: the decision policy, free of smbd state.
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

#include "replace.h"
#include "lib/util/samba_util.h"
#include "libcli/smb/smb_constants.h"
#include "system/syslog.h"
#include "profileacl_policy.h"

static bool disposition_creates(uint32_t create_disposition)
{
	switch (create_disposition) {
	case PROFILEACL_FILE_SUPERSEDE:
	case PROFILEACL_FILE_CREATE:
	case PROFILEACL_FILE_OPEN_IF:
	case PROFILEACL_FILE_OVERWRITE_IF:
		return true;
	default:
		return false;
	}
}

uint32_t profileacl_grant(struct profileacl_request *r,
			  const struct profileacl_lookup *lookup,
			  enum profileacl_reason *reason)
{
	uint32_t mapped = r->access_mask;
	bool maximum = (mapped & PROFILEACL_FLAG_MAXIMUM_ALLOWED) != 0;
	uint32_t grantable = r->grantable & PROFILEACL_GRANTABLE;
	uint32_t wanted;
	uint32_t missing;
	uint32_t denied;

	/*
	 * The bits the share mask lacks and this request would use:
	 * those asked explicitly, and with MAXIMUM_ALLOWED every bit we
	 * may grant. Checked first and cheaply: most opens stop here.
	 */
	wanted = mapped & PROFILEACL_GRANTABLE;
	if (maximum) {
		wanted |= PROFILEACL_GRANTABLE;
	}
	wanted &= ~r->share_mask;
	if (wanted == 0) {
		*reason = PROFILEACL_NOT_ASKED;
		return 0;
	}

	wanted &= grantable;
	if (wanted == 0) {
		*reason = PROFILEACL_NO_CONFIG;
		return 0;
	}

	if (r->guest) {
		*reason = PROFILEACL_GUEST;
		return 0;
	}
	if (r->root) {
		/* smbd skips the file ACL check for root: nothing to add */
		*reason = PROFILEACL_ROOT;
		return 0;
	}
	if (r->forced_user) {
		*reason = PROFILEACL_FORCED_USER;
		return 0;
	}
	if (r->forced_group) {
		*reason = PROFILEACL_FORCED_GROUP;
		return 0;
	}
	if (r->read_only) {
		*reason = PROFILEACL_READ_ONLY;
		return 0;
	}
	if ((r->share_mask & PROFILEACL_SHARE_WRITE) !=
	    PROFILEACL_SHARE_WRITE) {
		*reason = PROFILEACL_NO_WRITE_SHARE;
		return 0;
	}

	/*
	 * Without MAXIMUM_ALLOWED smbd refuses any bit outside the share
	 * mask. If the request needs bits we do not grant, the open fails
	 * whatever we do: widen nothing.
	 */
	missing = mapped & ~PROFILEACL_FLAG_MAXIMUM_ALLOWED &
		  ~(r->share_mask | wanted);
	if (!maximum && missing != 0) {
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
		if (!disposition_creates(r->create_disposition)) {
			*reason = PROFILEACL_NOT_CREATED;
			return 0;
		}
		if (r->inherit_owner && r->parent != PROFILEACL_OBJ_OWN) {
			/* The new object will belong to someone else */
			*reason = (r->parent == PROFILEACL_OBJ_OTHER)
					  ? PROFILEACL_INHERITS_OTHER
					  : PROFILEACL_OWNER_UNKNOWN;
			return 0;
		}
		/* The requester becomes the owner; checked after the open */
		break;
	case PROFILEACL_OBJ_OTHER:
		*reason = PROFILEACL_NOT_OWNER;
		return 0;
	case PROFILEACL_OBJ_UNKNOWN:
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
	 * A deny ACE of the share ACL is the admin's word: the module adds
	 * only what the share ACL leaves out, never what it denies this
	 * session. A request naming a denied right fails in smbd whatever
	 * else is added: widen nothing then. Asked last, as the dearest
	 * lookup (a tdb fetch and two access checks): only the owner's
	 * requests in a profile folder pay for it.
	 */
	if (lookup != NULL && lookup->share_denied != NULL) {
		lookup->share_denied(r, lookup->private_data);
	}
	denied = wanted & r->share_denied;
	wanted &= ~denied;
	if (wanted == 0 || (!maximum && (mapped & denied) != 0)) {
		*reason = PROFILEACL_SHARE_DENIES;
		return 0;
	}

	*reason = PROFILEACL_GRANTED;
	return wanted;
}

enum profileacl_post_action
profileacl_post_open(uint32_t access_mask, uint32_t granted, bool handle_owned)
{
	uint32_t explicit;

	if (granted == 0 || handle_owned) {
		return PROFILEACL_POST_KEEP;
	}

	/*
	 * Someone else owns what was opened: the open gets what stock smbd
	 * would give. With MAXIMUM_ALLOWED smbd masks every bit, asked or
	 * not, with the share mask and the open succeeds without it
	 * (smbd_calculate_access_mask_fsp()): the handle loses the right.
	 * Without it, a request naming a right outside the share mask
	 * fails.
	 */
	if (access_mask & PROFILEACL_FLAG_MAXIMUM_ALLOWED) {
		return PROFILEACL_POST_STRIP;
	}
	explicit = access_mask & granted;
	if (explicit != 0) {
		return PROFILEACL_POST_DENY;
	}
	return PROFILEACL_POST_STRIP;
}

const char *profileacl_reason_str(enum profileacl_reason reason)
{
	switch (reason) {
	case PROFILEACL_NOT_ASKED:
		return "request needs no right the module grants";
	case PROFILEACL_GRANTED:
		return "granted to the profile owner";
	case PROFILEACL_NO_CONFIG:
		return "right not in profileacl:grant";
	case PROFILEACL_GUEST:
		return "guest or anonymous session";
	case PROFILEACL_FORCED_USER:
		return "share has force user: owner names no person";
	case PROFILEACL_FORCED_GROUP:
		return "share has force group: the share ACL cannot be checked "
		       "for this user";
	case PROFILEACL_READ_ONLY:
		return "share is read only for this user";
	case PROFILEACL_NO_WRITE_SHARE:
		return "share ACL grants this user no write access";
	case PROFILEACL_WOULD_FAIL:
		return "request needs other rights the share denies";
	case PROFILEACL_OUTSIDE_PROFILE:
		return "path is outside the profile folders";
	case PROFILEACL_NOT_OWNER:
		return "requester does not own the object";
	case PROFILEACL_NOT_CREATED:
		return "object does not exist and is not created";
	case PROFILEACL_OWNER_UNKNOWN:
		return "owner of the object unknown";
	case PROFILEACL_ROOT:
		return "uid 0 is nobody's profile owner";
	case PROFILEACL_INHERITS_OTHER:
		return "inherit owner: the new object would belong to the "
		       "folder's owner";
	case PROFILEACL_SHARE_DENIES:
		return "the share ACL denies this user the right";
	}
	return "unknown reason";
}

bool profileacl_option_known(const char *name)
{
	if (name == NULL) {
		return false;
	}
	return strwicmp(name, PROFILEACL_OPT_GRANT) == 0 ||
	       strwicmp(name, PROFILEACL_OPT_PROFILE_DIRS) == 0 ||
	       strwicmp(name, PROFILEACL_OPT_AUDIT) == 0 ||
	       strwicmp(name, PROFILEACL_OPT_SYSLOG) == 0 ||
	       strwicmp(name, PROFILEACL_OPT_FACILITY) == 0 ||
	       strwicmp(name, PROFILEACL_OPT_PRIORITY) == 0;
}

struct profileacl_syslog_name {
	const char *name;
	int value;
};

static const struct profileacl_syslog_name profileacl_facilities[] = {
	{"USER", LOG_USER},
	{"LOCAL0", LOG_LOCAL0},
	{"LOCAL1", LOG_LOCAL1},
	{"LOCAL2", LOG_LOCAL2},
	{"LOCAL3", LOG_LOCAL3},
	{"LOCAL4", LOG_LOCAL4},
	{"LOCAL5", LOG_LOCAL5},
	{"LOCAL6", LOG_LOCAL6},
	{"LOCAL7", LOG_LOCAL7},
};

static const struct profileacl_syslog_name profileacl_priorities[] = {
	{"EMERG", LOG_EMERG},
	{"ALERT", LOG_ALERT},
	{"CRIT", LOG_CRIT},
	{"ERR", LOG_ERR},
	{"WARNING", LOG_WARNING},
	{"NOTICE", LOG_NOTICE},
	{"INFO", LOG_INFO},
	{"DEBUG", LOG_DEBUG},
};

static bool profileacl_syslog_lookup(const struct profileacl_syslog_name *t,
				     size_t n,
				     const char *name,
				     int *value)
{
	size_t i;

	if (name == NULL) {
		return false;
	}
	for (i = 0; i < n; i++) {
		/* as smb.conf enums compare: case only, no white space */
		if (strcasecmp(name, t[i].name) == 0) {
			*value = t[i].value;
			return true;
		}
	}
	return false;
}

bool profileacl_parse_facility(const char *name, int *value)
{
	return profileacl_syslog_lookup(profileacl_facilities,
					ARRAY_SIZE(profileacl_facilities),
					name,
					value);
}

static bool profileacl_log_escaped(unsigned char c)
{
	return c < 0x20 || c == 0x7f || c == '"' || c == '\\';
}

char *profileacl_log_escape(TALLOC_CTX *mem_ctx, const char *str)
{
	const unsigned char *p = NULL;
	size_t len = 0;
	char *out = NULL;
	char *q = NULL;

	if (str == NULL) {
		return talloc_strdup(mem_ctx, "(null)");
	}
	for (p = (const unsigned char *)str; *p != '\0'; p++) {
		len += profileacl_log_escaped(*p) ? 4 : 1;
	}
	out = talloc_array(mem_ctx, char, len + 1);
	if (out == NULL) {
		return NULL;
	}
	q = out;
	for (p = (const unsigned char *)str; *p != '\0'; p++) {
		if (profileacl_log_escaped(*p)) {
			snprintf(q, 5, "\\x%02x", (unsigned int)*p);
			q += 4;
		} else {
			*q++ = (char)*p;
		}
	}
	*q = '\0';
	return out;
}

bool profileacl_parse_priority(const char *name, int *value)
{
	return profileacl_syslog_lookup(profileacl_priorities,
					ARRAY_SIZE(profileacl_priorities),
					name,
					value);
}

bool profileacl_parse_grant(const char *const *words,
			    uint32_t *grant,
			    const char **bad)
{
	uint32_t bits = 0;
	size_t i;

	*bad = NULL;
	if (words == NULL || words[0] == NULL) {
		return false;
	}
	for (i = 0; words[i] != NULL; i++) {
		if (strwicmp(words[i], "write_dac") == 0) {
			bits |= PROFILEACL_STD_WRITE_DAC;
		} else if (strwicmp(words[i], "write_owner") == 0) {
			bits |= PROFILEACL_STD_WRITE_OWNER;
		} else {
			*bad = words[i];
			return false;
		}
	}
	*grant = bits;
	return true;
}

bool profileacl_vfs_object_is(const char *entry, const char *module)
{
	const char *end = NULL;
	const char *slash = NULL;
	size_t len;

	if (entry == NULL || module == NULL) {
		return false;
	}
	while (*entry == ' ') {
		entry++;
	}
	end = strchr(entry, ':');
	if (end == NULL) {
		end = entry + strlen(entry);
	}
	while (end > entry && end[-1] == ' ') {
		end--;
	}
	if (entry[0] == '/') {
		/*
		 * a path: the base name up to its first '.' (no memrchr(),
		 * a GNU extension lib/replace does not provide)
		 */
		slash = end - 1;
		while (*slash != '/') {
			slash--;
		}
		entry = slash + 1;
		len = strcspn(entry, ".");
		if (entry + len < end) {
			end = entry + len;
		}
	}
	len = end - entry;
	return len == strlen(module) && strncasecmp(entry, module, len) == 0;
}

bool profileacl_pattern_valid(const char *pattern)
{
	size_t len;

	if (pattern == NULL) {
		return false;
	}
	len = strlen(pattern);
	if (len == 0 || len > 255) {
		return false;
	}
	if (strpbrk(pattern, "/\\<>\"") != NULL) {
		/* a path, or DOS wildcards (ms_fnmatch_protocol) */
		return false;
	}
	if (strcmp(pattern, ".") == 0 || strcmp(pattern, "..") == 0) {
		return false;
	}
	return true;
}

/* Does the first LEN bytes of NAME match PATTERN as a whole name? */
static bool wild_match_n(const char *pattern, const char *name, size_t len)
{
	char component[256];

	if (len >= sizeof(component)) {
		/* longer than any file name: no folder has it */
		return false;
	}
	memcpy(component, name, len);
	component[len] = '\0';
	return ms_fnmatch_protocol(pattern, component, PROTOCOL_NT1, false) ==
	       0;
}

bool profileacl_wild_match(const char *pattern, const char *name)
{
	if (pattern == NULL || name == NULL) {
		return false;
	}
	return wild_match_n(pattern, name, strlen(name));
}

static bool account_names_folder(const char *account)
{
	const char *c = NULL;

	if (account == NULL || account[0] == '\0' ||
	    strcmp(account, ".") == 0 || strcmp(account, "..") == 0 ||
	    strlen(account) > 255) {
		return false;
	}
	for (c = account; *c != '\0'; c++) {
		if ((unsigned char)*c < 0x20 ||
		    strchr("/\\*?%<>\":|", *c) != NULL) {
			return false;
		}
	}
	return true;
}

char *profileacl_subst_account(TALLOC_CTX *mem_ctx,
			       const char *raw,
			       const char *account)
{
	char *out = NULL;
	char *next = NULL;
	const char *p = raw;
	const char *u = NULL;

	if (strstr(raw, "%U") != NULL && !account_names_folder(account)) {
		return NULL;
	}
	/*
	 * Byte by byte, as smbd reads the pattern: talloc_all_string_sub()
	 * searches with strstr_m(), which finds no "%U" after a byte that
	 * is not UTF-8 (the fuzzer's find).
	 */
	out = talloc_strdup(mem_ctx, "");
	while (out != NULL && (u = strstr(p, "%U")) != NULL) {
		next = talloc_asprintf_append_buffer(out,
						     "%.*s%s",
						     (int)(u - p),
						     p,
						     account);
		if (next == NULL) {
			TALLOC_FREE(out);
			return NULL;
		}
		out = next;
		p = u + 2;
	}
	if (out == NULL) {
		return NULL;
	}
	next = talloc_strdup_append_buffer(out, p);
	if (next == NULL) {
		TALLOC_FREE(out);
	}
	return next;
}

bool profileacl_in_profile_dirs(const char *path, const char *const *patterns)
{
	const char *slash = NULL;
	size_t len;
	size_t i;

	if (patterns == NULL || patterns[0] == NULL) {
		return true;
	}
	if (path == NULL) {
		return false;
	}
	while (*path == '/') {
		path++;
	}
	slash = strchr(path, '/');
	len = (slash != NULL) ? (size_t)(slash - path) : strlen(path);
	if (len == 0 || (len == 1 && path[0] == '.') ||
	    (len == 2 && path[0] == '.' && path[1] == '.')) {
		return false; /* the share root is nobody's profile */
	}
	for (i = 0; patterns[i] != NULL; i++) {
		if (wild_match_n(patterns[i], path, len)) {
			return true;
		}
	}
	return false;
}

bool profileacl_in_made_dirs(const char *path,
			     const char *const *made,
			     size_t n)
{
	const char *one[2] = {NULL, NULL};
	size_t i;

	for (i = 0; i < n; i++) {
		if (made[i] == NULL || made[i][0] == '\0') {
			continue;
		}
		one[0] = made[i];
		if (profileacl_in_profile_dirs(path, one)) {
			return true;
		}
	}
	return false;
}

size_t profileacl_cookie_envelope(const uint8_t *cookie, size_t len)
{
	if (cookie == NULL || len < PROFILEACL_COOKIE_MAGIC_LEN ||
	    memcmp(cookie,
		   PROFILEACL_COOKIE_MAGIC,
		   PROFILEACL_COOKIE_MAGIC_LEN) != 0) {
		return 0;
	}
	return PROFILEACL_COOKIE_MAGIC_LEN;
}

const char *profileacl_rights_str(uint32_t rights)
{
	rights &= PROFILEACL_GRANTABLE;

	switch (rights) {
	case PROFILEACL_STD_WRITE_DAC:
		return "WRITE_DAC";
	case PROFILEACL_STD_WRITE_OWNER:
		return "WRITE_OWNER";
	case PROFILEACL_GRANTABLE:
		return "WRITE_DAC|WRITE_OWNER";
	default:
		return "none";
	}
}
