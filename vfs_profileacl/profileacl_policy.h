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

#ifndef _PROFILEACL_POLICY_H_
#define _PROFILEACL_POLICY_H_

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <talloc.h>

/*
 * The access bits the policy reasons about. They carry the values of
 * Samba's SEC_* constants (librpc/idl/security.idl); vfs_profileacl.c
 * checks that at compile time, so this header needs no Samba header and
 * the policy can be unit tested on its own.
 */
#define PROFILEACL_FILE_WRITE_DATA 0x00000002
#define PROFILEACL_FILE_APPEND_DATA 0x00000004
#define PROFILEACL_FILE_WRITE_EA 0x00000010
#define PROFILEACL_FILE_WRITE_ATTRIBUTE 0x00000100
#define PROFILEACL_STD_WRITE_DAC 0x00040000
#define PROFILEACL_STD_WRITE_OWNER 0x00080000
#define PROFILEACL_FLAG_MAXIMUM_ALLOWED 0x02000000

/* What a share mask must hold to count as granting write access */
#define PROFILEACL_SHARE_WRITE                                      \
	(PROFILEACL_FILE_WRITE_DATA | PROFILEACL_FILE_APPEND_DATA | \
	 PROFILEACL_FILE_WRITE_EA | PROFILEACL_FILE_WRITE_ATTRIBUTE)

/* The only rights the module can ever add to a share mask */
#define PROFILEACL_GRANTABLE \
	(PROFILEACL_STD_WRITE_DAC | PROFILEACL_STD_WRITE_OWNER)

/* Create dispositions (MS-SMB2 2.2.13, Samba's FILE_SUPERSEDE...) */
#define PROFILEACL_FILE_SUPERSEDE 0
#define PROFILEACL_FILE_OPEN 1
#define PROFILEACL_FILE_CREATE 2
#define PROFILEACL_FILE_OPEN_IF 3
#define PROFILEACL_FILE_OVERWRITE 4
#define PROFILEACL_FILE_OVERWRITE_IF 5

/* What is known about the object before the open */
enum profileacl_object {
	PROFILEACL_OBJ_UNKNOWN = 0, /* no usable stat: never grant */
	PROFILEACL_OBJ_ABSENT,	    /* does not exist (yet) */
	PROFILEACL_OBJ_OWN,	    /* owner uid == requester uid */
	PROFILEACL_OBJ_OTHER,	    /* owned by someone else */
};

struct profileacl_request {
	/* desired access, generic rights mapped (se_map_generic) */
	uint32_t access_mask;
	uint32_t share_mask; /* the user's share mask */
	uint32_t create_disposition;
	uint32_t grantable; /* configured rights to grant */
	bool guest;	    /* guest or anonymous session */
	bool root;	    /* requester runs as uid 0 (admin users) */
	bool read_only;	    /* share read only for this user */
	bool forced_user;   /* "force user": no person owns */
	/*
	 * "force group": smbd puts the forced group's SID where the
	 * session's primary group was, so a share ACL deny naming that
	 * group cannot be seen any more.
	 */
	bool forced_group;
	bool outside_profile; /* outside the profile dirs */
	/*
	 * The grantable rights a deny ACE of the share ACL refuses this
	 * session: the admin's word, never overridden.
	 */
	uint32_t share_denied;
	/*
	 * "inherit owner": a new object belongs to the owner of its
	 * parent folder, whose state is in parent.
	 */
	bool inherit_owner;
	enum profileacl_object object; /* the real owner, on disk */
	enum profileacl_object parent; /* only read with inherit_owner */
};

enum profileacl_reason {
	PROFILEACL_NOT_ASKED = 0, /* request needs nothing we grant */
	PROFILEACL_GRANTED,
	PROFILEACL_NO_CONFIG, /* nothing configured to grant */
	PROFILEACL_GUEST,
	PROFILEACL_FORCED_USER,
	PROFILEACL_FORCED_GROUP, /* the session's token is not its own */
	PROFILEACL_READ_ONLY,
	PROFILEACL_NO_WRITE_SHARE,
	PROFILEACL_WOULD_FAIL, /* other rights missing anyway */
	PROFILEACL_OUTSIDE_PROFILE,
	PROFILEACL_NOT_OWNER,
	PROFILEACL_NOT_CREATED, /* absent and not created */
	PROFILEACL_OWNER_UNKNOWN,
	PROFILEACL_ROOT,	   /* uid 0 is nobody's profile owner */
	PROFILEACL_INHERITS_OTHER, /* new object would be another's */
	PROFILEACL_SHARE_DENIES,   /* the share ACL denies the right */
};

/*
 * The facts that cost a system call, a substitution or a database read,
 * looked up by the decision only once the answer can still change it, the
 * share ACL last (a tdb fetch and two access checks). share_denied sets
 * r->share_denied (all of PROFILEACL_GRANTABLE when no share security
 * descriptor comes back); owner fills in r->object (and r->inherit_owner,
 * r->parent for an absent object); profile_dirs, NULL when no profile dirs are
 * configured, sets r->outside_profile.
 */
struct profileacl_lookup {
	void (*share_denied)(struct profileacl_request *r, void *private_data);
	void (*owner)(struct profileacl_request *r, void *private_data);
	void (*profile_dirs)(struct profileacl_request *r, void *private_data);
	void *private_data;
};

/*
 * The one decision: the rights to add to the share mask for this one
 * request, a subset of r->grantable & PROFILEACL_GRANTABLE, or 0.
 * *reason says why. The cheap questions come first; the lookups are made
 * only when they can still matter. With lookup NULL, r holds every fact.
 */
uint32_t profileacl_grant(struct profileacl_request *r,
			  const struct profileacl_lookup *lookup,
			  enum profileacl_reason *reason);

/* What to do with an open the module widened, once it has a handle */
enum profileacl_post_action {
	PROFILEACL_POST_KEEP = 0, /* owner verified on the handle */
	PROFILEACL_POST_STRIP,	  /* drop the granted bits */
	PROFILEACL_POST_DENY,	  /* close, ACCESS_DENIED */
};

enum profileacl_post_action
profileacl_post_open(uint32_t access_mask, uint32_t granted, bool handle_owned);
/* access_mask as in struct profileacl_request: generic rights mapped */

const char *profileacl_reason_str(enum profileacl_reason reason);

/* smb.conf options: the names after "profileacl:" this module knows */
#define PROFILEACL_OPT_GRANT "grant"
#define PROFILEACL_OPT_PROFILE_DIRS "profile dirs"
#define PROFILEACL_OPT_AUDIT "audit"
#define PROFILEACL_OPT_SYSLOG "syslog"
#define PROFILEACL_OPT_FACILITY "facility"
#define PROFILEACL_OPT_PRIORITY "priority"

/*
 * Is NAME (the part after "profileacl:") an option of this module? Names
 * compare as smb.conf compares them (strwicmp: case and white space do
 * not count).
 */
bool profileacl_option_known(const char *name);

/*
 * Parse the words of "profileacl:grant" (write_dac, write_owner, any
 * case) into *grant. On an unknown word or an empty list return false
 * and point *bad at the offending word (NULL for an empty list).
 */
bool profileacl_parse_grant(const char *const *words,
			    uint32_t *grant,
			    const char **bad);

/*
 * "profileacl:facility" and "profileacl:priority", as vfs_full_audit
 * names them: USER or LOCAL0 to LOCAL7; EMERG, ALERT, CRIT, ERR, WARNING,
 * NOTICE, INFO or DEBUG (any case). Into *value as <syslog.h> defines
 * them; false for any other name, *value untouched.
 */
bool profileacl_parse_facility(const char *name, int *value);

/*
 * Samba's log_escape() (lib/util/util_str_escape.c) leaves '"' as it is,
 * which would let a name end a quoted audit field and fake another: this
 * one escapes it too, and is used for every name in a log line.
 *
 * STR for a quoted field of an audit line, on mem_ctx: every byte below
 * 0x20, 0x7f, '"' and '\\' written as \xNN, all else as it is (UTF-8
 * stays readable). A name cannot end the field, fake another field or
 * start a new line, and every \ in the field starts an escape, so a name
 * holding the text "\x22" reads back as that text, not as a quote. NULL
 * STR gives "(null)"; NULL on no memory.
 */
char *profileacl_log_escape(TALLOC_CTX *mem_ctx, const char *str);
bool profileacl_parse_priority(const char *name, int *value);

/*
 * Does the "vfs objects" entry ENTRY load the module MODULE? As smbd's
 * vfs_init_custom() reads an entry: "name", "name:param" and
 * "/path/name.so" all load "name". Case-insensitive.
 */
bool profileacl_vfs_object_is(const char *entry, const char *module);

/*
 * A "profileacl:profile dirs" pattern names one top-level folder: not
 * empty, no path separator, not "." or "..", none of the DOS wildcards
 * < > ", no more than 255 bytes.
 */
bool profileacl_pattern_valid(const char *pattern);

/*
 * "%U" in a "profileacl:profile dirs" pattern is the session's account
 * name (a domain user's sAMAccountName, a local user's name), as Windows
 * names the profile folder (%USERNAME%). smbd's own %U is the name the
 * client sent, lower-cased, with '@' and every non-ASCII byte made '_':
 * "j__rgen" for jürgen, "alice_profiles.test" for an NTLM logon as
 * alice@PROFILES.TEST. Returns RAW with each "%U" replaced by ACCOUNT, on
 * MEM_CTX; NULL when RAW has a "%U" and ACCOUNT cannot name a folder
 * (empty, ".", "..", longer than 255 bytes, or with / \ * ? % < > " : |
 * or a control character), or on no memory. smbd substitutes the other
 * % codes afterwards.
 */
char *profileacl_subst_account(TALLOC_CTX *mem_ctx,
			       const char *raw,
			       const char *account);

/*
 * '*' and '?' wildcards as a whole name, case-insensitive as Windows
 * names are (Samba's ms_fnmatch_protocol(): Unicode case folding, '?'
 * is one character).
 */
bool profileacl_wild_match(const char *pattern, const char *name);

/*
 * Does the share-relative PATH lie in (or is it) a top-level folder
 * matching one of PATTERNS (NULL-terminated)? An empty or NULL list
 * matches everything. The share root ("", "." or "..") lies in no
 * profile folder, whatever the pattern.
 */
bool profileacl_in_profile_dirs(const char *path, const char *const *patterns);

/*
 * Does PATH lie in (or is it) a top-level folder matching one of the N
 * patterns MADE, the "profile dirs" patterns as substituted for one
 * session? Each pattern stands on its own: a NULL entry (a pattern that
 * could not be made for this session) and an empty one (it substituted
 * to nothing) match no folder, and the others still count. With no
 * pattern made, nothing matches: unlike profileacl_in_profile_dirs(),
 * an empty result never means "no list".
 */
bool profileacl_in_made_dirs(const char *path,
			     const char *const *made,
			     size_t n);

/*
 * The durable cookie of a handle whose rights the module decided is
 * wrapped in an envelope: only a share with profileacl unwraps it, so the
 * handle reconnects only where the module decides its rights again
 * (vfs_default refuses the unknown cookie). Returns the envelope's length
 * when COOKIE carries one, 0 otherwise.
 */
#define PROFILEACL_COOKIE_MAGIC "vfs_profileacl:1"
#define PROFILEACL_COOKIE_MAGIC_LEN (sizeof(PROFILEACL_COOKIE_MAGIC) - 1)
size_t profileacl_cookie_envelope(const uint8_t *cookie, size_t len);

/* "WRITE_DAC", "WRITE_OWNER", "WRITE_DAC|WRITE_OWNER" or "none" */
const char *profileacl_rights_str(uint32_t rights);

#endif /* _PROFILEACL_POLICY_H_ */
