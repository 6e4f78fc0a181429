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

#ifndef _PROFILEACL_CORE_H_
#define _PROFILEACL_CORE_H_

#define PROFILEACL_MODULE_NAME "profileacl"

/* The only rights the module ever adds to a share mask */
#define PROFILEACL_GRANTABLE (SEC_STD_WRITE_DAC | SEC_STD_WRITE_OWNER)

/* What a share mask must hold to count as granting write access */
#define PROFILEACL_SHARE_WRITE                                            \
	(SEC_FILE_WRITE_DATA | SEC_FILE_APPEND_DATA | SEC_FILE_WRITE_EA | \
	 SEC_FILE_WRITE_ATTRIBUTE)

extern int profileacl_debug_level;

enum profileacl_object {
	PROFILEACL_OBJ_UNKNOWN = 0, /* no usable stat: never grant */
	PROFILEACL_OBJ_ABSENT,
	PROFILEACL_OBJ_OWN, /* owned by the requester */
	PROFILEACL_OBJ_OTHER,
};

/* One request, as the decision sees it */
struct profileacl_request {
	uint32_t access_mask; /* generic rights mapped */
	uint32_t share_mask;
	uint32_t grantable;
	bool may_create; /* an absent object is created */
	bool guest;
	bool root;
	bool read_only;
	bool forced_user;
	bool forced_group;
	/* filled in by the lookups, only when they can change the answer */
	enum profileacl_object object;
	bool inherit_owner; /* a new object is its folder owner's */
	enum profileacl_object parent;
	bool outside_profile;
	uint32_t share_denied; /* by a deny ACE of the share ACL */
};

enum profileacl_reason {
	PROFILEACL_NOT_ASKED = 0,
	PROFILEACL_GRANTED,
	PROFILEACL_NO_CONFIG,
	PROFILEACL_GUEST,
	PROFILEACL_FORCED_USER,
	PROFILEACL_FORCED_GROUP,
	PROFILEACL_READ_ONLY,
	PROFILEACL_NO_WRITE_SHARE,
	PROFILEACL_WOULD_FAIL,
	PROFILEACL_OUTSIDE_PROFILE,
	PROFILEACL_NOT_OWNER,
	PROFILEACL_NOT_CREATED,
	PROFILEACL_OWNER_UNKNOWN,
	PROFILEACL_ROOT,
	PROFILEACL_INHERITS_OTHER,
	PROFILEACL_SHARE_DENIES,
};

/*
 * The facts that cost a system call or a database read: the decision
 * asks for each only when it can still change the answer, the share ACL
 * last. NULL leaves the fact as the request holds it.
 */
struct profileacl_lookup {
	void (*owner)(struct profileacl_request *r, void *private_data);
	void (*profile_dirs)(struct profileacl_request *r, void *private_data);
	void (*share_denied)(struct profileacl_request *r, void *private_data);
	void *private_data;
};

/* The rights to add to the share mask (a subset of r->grantable), or 0 */
uint32_t profileacl_grant(struct profileacl_request *r,
			  const struct profileacl_lookup *lookup,
			  enum profileacl_reason *reason);
const char *profileacl_reason_str(enum profileacl_reason reason);
const char *profileacl_rights_str(uint32_t rights);

struct profileacl_config {
	uint32_t grantable;
	char **profile_dirs; /* as written; NULL when unset */
};

/*
 * The share's options into CONFIG, a talloc object of the connection.
 * OPTIONS: the caller's own "profileacl:" option names beyond "grant"
 * and "profile dirs", NULL-terminated. False (logged): refuse the tree
 * connect.
 */
bool profileacl_config_load(struct connection_struct *conn,
			    const char *const *options,
			    struct profileacl_config *config);

/* Can the request use a right the share mask lacks? Most cannot. */
static inline bool profileacl_asks(uint32_t access_mask, uint32_t share_mask)
{
	return (access_mask & (PROFILEACL_GRANTABLE |
			       SEC_FLAG_MAXIMUM_ALLOWED | SEC_GENERIC_ALL)) !=
		       0 &&
	       (share_mask & PROFILEACL_GRANTABLE) != PROFILEACL_GRANTABLE;
}

/*
 * The decision for the session of CONN and one request on SMB_FNAME, as smbd
 * has stat'ed it (no VALID_STAT: absent; MAY_CREATE: created). It
 * answers NOT_ASKED by itself; profileacl_asks() is only the cheap test
 * a caller on the path of every open makes first.
 */
uint32_t profileacl_decide(struct connection_struct *conn,
			   const struct profileacl_config *config,
			   const struct smb_filename *smb_fname,
			   bool may_create,
			   uint32_t access_mask,
			   enum profileacl_reason *reason);

/* One top-level folder: no separator, not "." or "..", no < > " */
bool profileacl_pattern_valid(const char *pattern);

/*
 * RAW with each "%U" the account name, as Windows names the profile
 * folder; NULL when the account cannot name a folder.
 */
char *profileacl_subst_account(TALLOC_CTX *mem_ctx,
			       const char *raw,
			       const char *account);

/*
 * Does PATH lie in a top-level folder one of the N patterns MADE matches,
 * as Windows matches names? A NULL or "" pattern matches nothing.
 */
bool profileacl_in_dirs(const char *path, const char *const *made, size_t n);

/* NAME escaped for a log line: no name starts a line of its own */
const char *profileacl_name_dbg(const char *name);

#endif /* _PROFILEACL_CORE_H_ */
