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

#include "profileacl_policy.h"

#include <stddef.h>
#include <string.h>

uint32_t profileacl_map_generic(uint32_t access_mask)
{
	uint32_t mapped =
		access_mask &
		~(PROFILEACL_GENERIC_ALL | PROFILEACL_GENERIC_EXECUTE |
		  PROFILEACL_GENERIC_WRITE | PROFILEACL_GENERIC_READ);

	if (access_mask & PROFILEACL_GENERIC_READ) {
		mapped |= PROFILEACL_FILE_GENERIC_READ;
	}
	if (access_mask & PROFILEACL_GENERIC_WRITE) {
		mapped |= PROFILEACL_FILE_GENERIC_WRITE;
	}
	if (access_mask & PROFILEACL_GENERIC_EXECUTE) {
		mapped |= PROFILEACL_FILE_GENERIC_EXECUTE;
	}
	if (access_mask & PROFILEACL_GENERIC_ALL) {
		mapped |= PROFILEACL_FILE_ALL_ACCESS;
	}
	return mapped;
}

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

uint32_t profileacl_grant(const struct profileacl_request *r,
			  enum profileacl_reason *reason)
{
	uint32_t mapped = profileacl_map_generic(r->access_mask);
	bool maximum = (mapped & PROFILEACL_FLAG_MAXIMUM_ALLOWED) != 0;
	uint32_t grantable = r->grantable & PROFILEACL_GRANTABLE;
	uint32_t wanted;
	uint32_t missing;

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

	if (r->outside_profile) {
		*reason = PROFILEACL_OUTSIDE_PROFILE;
		return 0;
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
			/* The new object will belong to the folder's owner */
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
	 * Someone else owns what was opened. A request that named a
	 * granted right cannot succeed; one that only got it through
	 * MAXIMUM_ALLOWED loses it.
	 */
	explicit = profileacl_map_generic(access_mask) & granted;
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
	}
	return "unknown reason";
}

bool profileacl_sd_write_allowed(uint32_t security_info_sent,
				 uint32_t handle_access)
{
	if (security_info_sent & PROFILEACL_SECINFO_SACL) {
		return false;
	}
	if ((security_info_sent & PROFILEACL_SECINFO_DACL) &&
	    !(handle_access & PROFILEACL_STD_WRITE_DAC)) {
		return false;
	}
	if ((security_info_sent &
	     (PROFILEACL_SECINFO_OWNER | PROFILEACL_SECINFO_GROUP)) &&
	    !(handle_access & PROFILEACL_STD_WRITE_OWNER)) {
		return false;
	}
	return true;
}

static char ascii_lower(char c)
{
	if (c >= 'A' && c <= 'Z') {
		return c - 'A' + 'a';
	}
	return c;
}

static bool is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

bool profileacl_option_name_equal(const char *a, const char *b)
{
	if (a == NULL || b == NULL) {
		return false;
	}
	for (;;) {
		while (is_space(*a)) {
			a++;
		}
		while (is_space(*b)) {
			b++;
		}
		if (ascii_lower(*a) != ascii_lower(*b)) {
			return false;
		}
		if (*a == '\0') {
			return true;
		}
		a++;
		b++;
	}
}

bool profileacl_option_known(const char *name)
{
	return profileacl_option_name_equal(name, PROFILEACL_OPT_GRANT) ||
	       profileacl_option_name_equal(name,
					    PROFILEACL_OPT_PROFILE_DIRS) ||
	       profileacl_option_name_equal(name, PROFILEACL_OPT_AUDIT);
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
		if (profileacl_option_name_equal(words[i], "write_dac")) {
			bits |= PROFILEACL_STD_WRITE_DAC;
		} else if (profileacl_option_name_equal(words[i],
							"write_owner")) {
			bits |= PROFILEACL_STD_WRITE_OWNER;
		} else {
			*bad = words[i];
			return false;
		}
	}
	*grant = bits;
	return true;
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
	if (strchr(pattern, '/') != NULL || strchr(pattern, '\\') != NULL) {
		return false;
	}
	if (strcmp(pattern, ".") == 0 || strcmp(pattern, "..") == 0) {
		return false;
	}
	return true;
}

/*
 * Iterative wildcard match with one backtrack point: linear in practice
 * and bounded by len(pattern) * len(name), no recursion.
 */
static bool wild_match_n(const char *p, const char *n, size_t nlen)
{
	const char *star = NULL;
	size_t star_n = 0;
	size_t i = 0;

	while (i < nlen) {
		if (*p == '*') {
			star = p++;
			star_n = i;
		} else if (*p != '\0' &&
			   (*p == '?' ||
			    ascii_lower(*p) == ascii_lower(n[i]))) {
			p++;
			i++;
		} else if (star != NULL) {
			p = star + 1;
			i = ++star_n;
		} else {
			return false;
		}
	}
	while (*p == '*') {
		p++;
	}
	return *p == '\0';
}

bool profileacl_wild_match(const char *pattern, const char *name)
{
	if (pattern == NULL || name == NULL) {
		return false;
	}
	return wild_match_n(pattern, name, strlen(name));
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

/* An ELF note: namesz, descsz, type (host order), name, desc (4-aligned) */
#define PROFILEACL_NT_GNU_BUILD_ID 3

static uint32_t note_word(const uint8_t *p)
{
	uint32_t v;

	memcpy(&v, p, sizeof(v));
	return v;
}

bool profileacl_gnu_build_id(const uint8_t *notes,
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
		    memcmp(notes + name_off, "GNU", 4) == 0) {
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
