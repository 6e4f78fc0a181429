/*
 * Unit tests of vfs_profileacl: the decision, its glue to smbd and the
 * module's own steps, as test_nfs4_acls.c tests nfs4_acls.c: by including
 * the code, run against the samba libraries smbd loads it with.
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

/* the share ACL comes from the test, not from share_info.tdb */
#define get_share_security test_get_share_security
#include "includes.h"
#include "smbd/smbd.h"
#include "smbd/globals.h"
#include "libcli/security/security.h"
struct security_descriptor *test_get_share_security(TALLOC_CTX *ctx,
						    const char *servicename,
						    size_t *psize);
#include "../vfs_profileacl/profileacl_core.c"
#include "../vfs_profileacl/vfs_profileacl.c"
#undef get_share_security
#include <cmocka.h>

#define SHARE_CHANGE 0x001301ff
#define SHARE_FULL 0x001f01ff
#define SHARE_READ 0x001200a9
#define READ_CONTROL SEC_STD_READ_CONTROL
#define SYSTEM_SECURITY SEC_FLAG_SYSTEM_SECURITY
#define WDAC SEC_STD_WRITE_DAC
#define WOWN SEC_STD_WRITE_OWNER
#define MAXA SEC_FLAG_MAXIMUM_ALLOWED
#define WDAC_RC (WDAC | READ_CONTROL)
#define GRANTABLE PROFILEACL_GRANTABLE
#define OWN PROFILEACL_OBJ_OWN
#define OTHER PROFILEACL_OBJ_OTHER
#define ABSENT PROFILEACL_OBJ_ABSENT
#define UNKNOWN PROFILEACL_OBJ_UNKNOWN

/* The share ACL the module reads; NULL: none can be read */
static const char *test_share_sddl;
static unsigned test_share_reads;

struct security_descriptor *test_get_share_security(TALLOC_CTX *ctx,
						    const char *servicename
							    _UNUSED_,
						    size_t *psize)
{
	struct dom_sid domain;

	test_share_reads++;
	if (test_share_sddl == NULL) {
		return NULL;
	}
	string_to_sid(&domain, "S-1-5-21-1-2-3");
	*psize = 0;
	return sddl_decode(ctx, test_share_sddl, &domain);
}

/* Generic rights mapped as the module maps them, with Samba's function */
static uint32_t map(uint32_t access_mask)
{
	se_map_generic(&access_mask, &file_generic_mapping);
	return access_mask;
}

/* assert_int_equal(got, want) for row I of a table, naming it if it fails */
static void check(uint64_t got, uint64_t want, size_t i, const char *row)
{
	if (got != want) {
		print_error("row %zu: %s\n", i, row);
	}
	assert_int_equal(got, want);
}

/* The owner of an existing object asks WRITE_DAC on a Change share */
#define OWNER_REQUEST                                       \
	.access_mask = WDAC_RC, .share_mask = SHARE_CHANGE, \
	.grantable = WDAC, .object = OWN
#define CREATE .object = ABSENT, .may_create = true
#define GRANT_BOTH .grantable = WDAC | WOWN
#define SHARE_NO_APPEND (SHARE_CHANGE & ~SEC_FILE_APPEND_DATA)

/*
 * A row names the fields it changes in the owner's request, and leaves
 * out the results it does not have (a refused option grants nothing)
 */
#pragma GCC diagnostic ignored "-Woverride-init"
#pragma GCC diagnostic ignored "-Wmissing-field-initializers"

/* The owner asks M, other fields as named: the module adds B, for W */
struct row {
	const char *name;
	uint32_t bits;
	enum profileacl_reason why;
	struct profileacl_request r;
};
#define ROW(m, b, w, ...)                                \
	{                                                \
		.name = #m ", " #__VA_ARGS__, .bits = b, \
		.why = PROFILEACL_##w,                   \
		.r = { OWNER_REQUEST,                    \
		       .access_mask = m,                 \
		       __VA_ARGS__ }                     \
	}

static void run_rows(const struct row *rows, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		struct profileacl_request r = rows[i].r;
		enum profileacl_reason reason = PROFILEACL_GRANTED + 100;
		uint32_t got;

		r.access_mask = map(r.access_mask);
		got = profileacl_grant(&r, NULL, &reason);
		check(got, rows[i].bits, i, rows[i].name);
		check(reason, rows[i].why, i, rows[i].name);
	}
}

/* A case that is a table of rows alone: cmocka names it after the table */
struct rows {
	const struct row *row;
	size_t n;
};
#define ROWS_OF(t) (&(struct rows){t, ARRAY_SIZE(t)})
#define ROWS_TEST(t)                                \
	{                                           \
		.name = #t, .test_func = test_rows, \
		.initial_state = ROWS_OF(t)         \
	}

static void test_rows(void **state)
{
	const struct rows *t = *state;

	run_rows(t->row, t->n);
}

static const struct row test_owner_write_dac_granted[] = {
	ROW(WDAC_RC, WDAC, GRANTED),
};

/* MAXIMUM_ALLOWED never fails on missing bits */
static const struct row test_maximum_allowed_granted[] = {
	ROW(MAXA, WDAC, GRANTED),
	ROW(MAXA | SYSTEM_SECURITY, WDAC, GRANTED),
};

static const struct row test_plain_open_not_asked[] = {
	ROW(0, 0, NOT_ASKED),
	ROW(FILE_READ_DATA, 0, NOT_ASKED),
	ROW(READ_CONTROL, 0, NOT_ASKED),
	ROW(SHARE_CHANGE, 0, NOT_ASKED),
	ROW(SEC_GENERIC_READ, 0, NOT_ASKED),
	ROW(SEC_GENERIC_WRITE, 0, NOT_ASKED),
	ROW(SEC_GENERIC_EXECUTE, 0, NOT_ASKED),
};

static const struct row test_write_owner_not_configured[] = {
	ROW(WOWN, 0, NO_CONFIG),
	ROW(WOWN, WOWN, GRANTED, GRANT_BOTH),
	/* smbcacls --set asks both */
	ROW(WDAC | WOWN, WDAC | WOWN, GRANTED, GRANT_BOTH),
	/* write_dac alone: the open would fail on WRITE_OWNER */
	ROW(WDAC | WOWN, 0, WOULD_FAIL),
};

static const struct row test_generic_all[] = {
	ROW(SEC_GENERIC_ALL, 0, WOULD_FAIL),
	ROW(SEC_GENERIC_ALL, GRANTABLE, GRANTED, .grantable = GRANTABLE),
};

static const struct row test_grantable_is_capped[] = {
	ROW(MAXA, GRANTABLE, GRANTED, .grantable = 0xffffffff),
	ROW(MAXA, 0, NO_CONFIG, .grantable = 0),
};

/* WRITE_OWNER via SeTakeOwnership, WRITE_DAC still missing */
static const struct row test_share_already_has_it[] = {
	ROW(WDAC_RC, 0, NOT_ASKED, .share_mask = SHARE_FULL),
	ROW(MAXA, 0, NOT_ASKED, .share_mask = SHARE_FULL),
	ROW(MAXA, WDAC, GRANTED, .share_mask = SHARE_CHANGE | WOWN),
};

static const struct row test_guest[] = {
	ROW(WDAC_RC, 0, GUEST, .guest = true),
	ROW(MAXA, 0, GUEST, .guest = true),
};

/* admin users run as root, and smbd skips the file ACL check for root */
static const struct row test_root[] = {
	ROW(WDAC_RC, 0, ROOT, .root = true),
	ROW(MAXA, 0, ROOT, .root = true),
	ROW(MAXA, 0, ROOT, .root = true, CREATE),
};

/*
 * inherit owner: a create is decided by who will own the new object; an
 * existing object by its owner, not the folder's; without inherit owner
 * the parent is not read.
 */
#define INHERIT CREATE, .inherit_owner = true
static const struct row test_inherit_owner[] = {
	ROW(WDAC_RC, WDAC, GRANTED, INHERIT, .parent = OWN),
	ROW(WDAC_RC, 0, INHERITS_OTHER, INHERIT, .parent = OTHER),
	ROW(MAXA, 0, INHERITS_OTHER, INHERIT, .parent = OTHER),
	ROW(MAXA, 0, OWNER_UNKNOWN, INHERIT, .parent = UNKNOWN),
	ROW(MAXA, 0, OWNER_UNKNOWN, INHERIT, .parent = ABSENT),
	ROW(MAXA, WDAC, GRANTED, INHERIT, .object = OWN, .parent = ABSENT),
	ROW(MAXA, 0, NOT_OWNER, INHERIT, .object = OTHER, .parent = OWN),
	ROW(MAXA, WDAC, GRANTED, CREATE, .parent = OTHER),
};

static const struct row test_forced_user[] = {
	ROW(WDAC_RC, 0, FORCED_USER, .forced_user = true),
};

static const struct row test_read_only[] = {
	ROW(WDAC_RC, 0, READ_ONLY, .read_only = true),
};

/* any one write bit missing is enough */
static const struct row test_read_share_acl[] = {
	ROW(WDAC_RC, 0, NO_WRITE_SHARE, .share_mask = SHARE_READ),
	ROW(MAXA, 0, NO_WRITE_SHARE, .share_mask = SHARE_READ),
	ROW(MAXA, 0, NO_WRITE_SHARE, .share_mask = SHARE_NO_APPEND),
};

static const struct row test_would_fail[] = {
	ROW(WDAC | SYSTEM_SECURITY, 0, WOULD_FAIL),
};

/*
 * A deny ACE of the share ACL is the admin's word: only the rights the
 * share ACL leaves out are added, never one it denies this session.
 * MAXIMUM_ALLOWED gets what is left; asking a denied right by name gets
 * nothing, as smbd refuses it; a share ACL that cannot be read denies
 * both; a deny of a right the share mask already holds changes nothing.
 */
static const struct row test_share_denies[] = {
	ROW(WDAC_RC, 0, SHARE_DENIES, .share_denied = WDAC),
	ROW(MAXA, 0, SHARE_DENIES, .share_denied = WDAC),
	ROW(MAXA, WOWN, GRANTED, .share_denied = WDAC, GRANT_BOTH),
	ROW(WDAC | WOWN, 0, SHARE_DENIES, .share_denied = WDAC, GRANT_BOTH),
	ROW(WOWN, WOWN, GRANTED, .share_denied = WDAC, GRANT_BOTH),
	ROW(WOWN | READ_CONTROL,
	    0,
	    SHARE_DENIES,
	    .share_denied = WOWN,
	    GRANT_BOTH),
	ROW(WDAC_RC, WDAC, GRANTED, .share_denied = WOWN, GRANT_BOTH),
	ROW(MAXA, WDAC, GRANTED, .share_denied = WOWN, GRANT_BOTH),
	ROW(MAXA, 0, SHARE_DENIES, .share_denied = GRANTABLE, GRANT_BOTH),
	ROW(WDAC_RC, WDAC, GRANTED, .share_denied = WOWN),
};

static const struct row test_outside_profile[] = {
	ROW(WDAC_RC, 0, OUTSIDE_PROFILE, .outside_profile = true),
};

static const struct row test_objects[] = {
	ROW(WDAC_RC, 0, NOT_OWNER, .object = OTHER),
	ROW(MAXA, 0, NOT_OWNER, .object = OTHER),
	ROW(MAXA, 0, OWNER_UNKNOWN, .object = UNKNOWN),
	ROW(MAXA, 0, OWNER_UNKNOWN, .object = 77),
};

/* An absent object is granted only to a request that creates it */
static const struct row test_creates[] = {
	ROW(WDAC_RC, 0, NOT_CREATED, .object = ABSENT),
	ROW(WDAC_RC, WDAC, GRANTED, CREATE),
	ROW(WDAC_RC, WDAC, GRANTED, .object = OWN, .may_create = true),
	ROW(WDAC_RC, 0, NOT_OWNER, .object = OTHER, .may_create = true),
	ROW(WDAC_RC, 0, NOT_OWNER, .object = OTHER),
};

/* "force group" hides a share ACL deny for the session's primary group */
static void test_forced_group(void **state _UNUSED_)
{
	const struct row rows[] = {
		ROW(WDAC_RC, 0, FORCED_GROUP, .forced_group = true),
		ROW(MAXA, 0, FORCED_GROUP, .forced_group = true),
	};

	run_rows(rows, ARRAY_SIZE(rows));
	assert_string_equal(profileacl_reason_str(PROFILEACL_FORCED_GROUP),
			    "share has force group: the share ACL cannot be "
			    "checked for this user");
}

/* No single right other than WRITE_DAC/WRITE_OWNER is granted */
static void test_each_bit(void **state _UNUSED_)
{
	uint32_t bit;

	for (bit = 1; bit != 0; bit <<= 1) {
		struct profileacl_request r = {OWNER_REQUEST};
		enum profileacl_reason reason;
		uint32_t got, want = 0;

		r.access_mask = map(bit);
		r.grantable = GRANTABLE;
		got = profileacl_grant(&r, NULL, &reason);
		if (bit == WDAC || bit == WOWN) {
			want = bit;
		} else if (bit == MAXA || bit == SEC_GENERIC_ALL) {
			want = GRANTABLE;
		}
		if (got != want) {
			print_error("bit 0x%08x\n", bit);
		}
		assert_int_equal(got & ~GRANTABLE, 0);
		assert_int_equal(got, want);
	}
}

/* No object state may grant more than OWN does */
static void test_own_is_the_most(void **state _UNUSED_)
{
	const uint32_t masks[] = {WDAC,
				  MAXA,
				  GRANTABLE,
				  MAXA | WOWN,
				  SEC_GENERIC_ALL,
				  READ_CONTROL};
	const uint32_t grantable[] = {WDAC, WOWN, GRANTABLE};
	const enum profileacl_object objects[] = {UNKNOWN, ABSENT, OWN, OTHER};
	enum profileacl_reason reason;
	size_t k;

	/*
	 * k in mixed radix: mask (6), create or not (2), grantable (3),
	 * inherit owner (2), object (4), parent (4)
	 */
	for (k = 0; k < 6 * 2 * 3 * 2 * 4 * 4; k++) {
		struct profileacl_request r = {OWNER_REQUEST};
		uint32_t own, other;

		r.access_mask = map(masks[k % 6]);
		r.may_create = k / 6 % 2;
		r.grantable = grantable[k / 12 % 3];
		own = profileacl_grant(&r, NULL, &reason);
		r.inherit_owner = k / 36 % 2;
		r.object = objects[k / 72 % 4];
		r.parent = objects[k / 288];
		other = profileacl_grant(&r, NULL, &reason);
		if ((other & ~own) != 0) {
			print_error("combination %zu\n", k);
		}
		assert_int_equal(other & ~own, 0);
	}
}

/* The lookups of one decision: what they answer, and how often asked */
struct lookup_state {
	enum profileacl_object object;
	bool outside;
	uint32_t denied;
	int owner_calls;
	int dirs_calls;
	int share_calls;
};

static void lookup_share(struct profileacl_request *r, void *private_data)
{
	struct lookup_state *l = private_data;

	l->share_calls++;
	r->share_denied = l->denied;
}

static void lookup_owner(struct profileacl_request *r, void *private_data)
{
	struct lookup_state *l = private_data;

	l->owner_calls++;
	r->object = l->object;
}

static void lookup_dirs(struct profileacl_request *r, void *private_data)
{
	struct lookup_state *l = private_data;

	l->dirs_calls++;
	r->outside_profile = l->outside;
}

/*
 * One decision asks for the owner (a system call) only when the cheap
 * facts leave a grant possible, for the profile dirs (a substitution)
 * only when the owner does too, and for the share ACL (a tdb fetch and
 * two access checks) only when everything else grants; each at most once.
 */
static void test_lookups_only_when_needed(void **state _UNUSED_)
{
	/* the request, what the lookups answer, how often each is asked */
	const struct {
		struct row row;
		struct lookup_state l;
		int owner, dirs, share;
	} rows[] = {
		{ROW(WDAC_RC, WDAC, GRANTED), {OWN}, 1, 1, 1},
		{ROW(FILE_READ_DATA, 0, NOT_ASKED), {OWN}, 0, 0, 0},
		{ROW(WDAC_RC, 0, SHARE_DENIES), {OWN, false, WDAC}, 1, 1, 1},
		{ROW(WDAC_RC, 0, GUEST, .guest = true), {OWN}, 0, 0, 0},
		{ROW(WDAC_RC, 0, NOT_OWNER), {OTHER}, 1, 0, 0},
		{ROW(WDAC_RC, 0, OUTSIDE_PROFILE), {OWN, true}, 1, 1, 0},
		{ROW(WDAC_RC, 0, OWNER_UNKNOWN), {UNKNOWN}, 1, 0, 0},
	};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(rows); i++) {
		struct lookup_state l = rows[i].l;
		struct profileacl_lookup lookup = {
			.share_denied = lookup_share,
			.owner = lookup_owner,
			.profile_dirs = lookup_dirs,
			.private_data = &l,
		};
		struct profileacl_request r = rows[i].row.r;
		enum profileacl_reason reason;
		uint32_t got;

		/* the glue knows no fact before the decision asks */
		r.object = UNKNOWN;
		got = profileacl_grant(&r, &lookup, &reason);
		check(got, rows[i].row.bits, i, rows[i].row.name);
		check(reason, rows[i].row.why, i, rows[i].row.name);
		check(l.owner_calls, rows[i].owner, i, rows[i].row.name);
		check(l.dirs_calls, rows[i].dirs, i, rows[i].row.name);
		check(l.share_calls, rows[i].share, i, rows[i].row.name);
	}
}

/*
 * The glue: one session of alice (uid 1000) on share [profiles] of an
 * smb.conf the test writes, a share mask of Change, smbd's stat of the
 * name as create_file gets it.
 */
#define ALICE_UID 1000
#define ALICE_SID "S-1-5-21-1-2-3-1000"

/* what get_current_uid() answers (source3/lib/smbrun.c) */
extern struct current_user current_user;

struct glue {
	struct connection_struct conn;
	struct share_params params;
	struct auth_session_info si;
	struct auth_user_info info;
	struct auth_user_info_unix unix_info;
	struct security_token token;
	struct dom_sid sids[4];
	struct profileacl_config *config;
	struct smb_filename name;
};

/* smb.conf with [profiles] holding EXTRA, loaded as smbd loads it */
static int load_conf(const char *extra)
{
	char path[] = "/tmp/test_vfs_profileacl.XXXXXX";
	int fd = mkstemp(path);
	FILE *f = fdopen(fd, "w");
	bool ok;

	assert_non_null(f);
	fprintf(f,
		"[global]\n"
		"\tlog level = 0\n"
		"[profiles]\n"
		"\tpath = /tmp\n"
		"%s\n",
		extra);
	fclose(f);
	ok = lp_load_with_shares(path);
	unlink(path);
	assert_true(ok);
	return lp_servicenumber("profiles");
}

static struct glue *glue_new(const char *extra)
{
	struct glue *g = talloc_zero(NULL, struct glue);

	assert_non_null(g);
	g->params.service = load_conf(extra);
	assert_true(g->params.service >= 0);
	g->conn.params = &g->params;
	g->conn.force_group_gid = (gid_t)-1;
	g->config = talloc_zero(g, struct profileacl_config);
	assert_non_null(g->config);
	assert_true(profileacl_config_load(&g->conn,
					   profileacl_audit_options,
					   g->config));
	g->conn.share_access = SHARE_CHANGE;
	g->conn.session_info = &g->si;
	g->si.info = &g->info;
	g->si.unix_info = &g->unix_info;
	g->si.security_token = &g->token;
	g->info.account_name = "alice";
	g->unix_info.unix_name = "alice";
	string_to_sid(&g->sids[0], ALICE_SID);
	string_to_sid(&g->sids[1], "S-1-5-21-1-2-3-513");
	string_to_sid(&g->sids[2], SID_NT_AUTHENTICATED_USERS);
	string_to_sid(&g->sids[3], SID_WORLD);
	g->token.sids = g->sids;
	g->token.num_sids = ARRAY_SIZE(g->sids);
	current_user.ut.uid = ALICE_UID;
	test_share_sddl = "D:(A;;0x001301ff;;;WD)";
	test_share_reads = 0;
	return g;
}

/*
 * NAME as smbd stat'ed it, owned by UID or absent when UID is -1, asked
 * ACCESS_MASK: the module adds BITS, for WHY
 */
static void expect_ask(struct glue *g,
		       const char *name,
		       uid_t uid,
		       bool may_create,
		       uint32_t access_mask,
		       uint32_t bits,
		       enum profileacl_reason why)
{
	enum profileacl_reason reason;
	uint32_t got;

	g->name = (struct smb_filename){
		.base_name = discard_const_p(char, name)};
	if (uid != (uid_t)-1) {
		g->name.st.st_ex_uid = uid;
		g->name.st.st_ex_mode = S_IFREG | 0600;
		g->name.st.st_ex_nlink = 1;
	}
	got = profileacl_decide(&g->conn,
				g->config,
				&g->name,
				may_create,
				access_mask,
				&reason);
	if (got != bits || reason != why) {
		print_error(
			"%s of uid %d, create %d, mask 0x%x, share ACL %s\n",
			name,
			(int)uid,
			may_create,
			access_mask,
			test_share_sddl);
	}
	assert_int_equal(got, bits);
	assert_int_equal(reason, why);
}

/* expect_ask() in a test whose glue is g */
#define ASK(name, uid, create, mask, bits, why) \
	expect_ask(g, name, uid, create, mask, bits, PROFILEACL_##why)

static void test_decide_owner(void **state _UNUSED_)
{
	struct glue *g = glue_new("");

	ASK("alice/NTUSER.DAT", ALICE_UID, false, WDAC_RC, WDAC, GRANTED);
	assert_int_equal(test_share_reads, 1);
	/* read for each decision: a deny added later is seen at once */
	test_share_sddl = "D:(D;;WD;;;WD)(A;;0x001301ff;;;WD)";
	ASK("alice/y", ALICE_UID, false, WDAC, 0, SHARE_DENIES);
	assert_int_equal(test_share_reads, 2);
	test_share_sddl = "D:(A;;0x001301ff;;;WD)";
	/* someone else's file: refused before the share ACL is read */
	ASK("bob/NTUSER.DAT", 1001, false, WDAC, 0, NOT_OWNER);
	assert_int_equal(test_share_reads, 2);
	/* the common path: nothing asked, nothing read */
	ASK("bob/x",
	    1001,
	    true,
	    FILE_READ_DATA | FILE_WRITE_DATA,
	    0,
	    NOT_ASKED);
	ASK("alice/x", ALICE_UID, false, SEC_GENERIC_ALL, 0, WOULD_FAIL);
	assert_int_equal(test_share_reads, 2);
	/* generic rights are mapped before the decision */
	g->config->grantable = GRANTABLE;
	ASK("alice/x", ALICE_UID, false, SEC_GENERIC_ALL, GRANTABLE, GRANTED);
	TALLOC_FREE(g);
}

/*
 * A new object is its creator's: granted in a folder an admin made for
 * the user (owned by root), whatever the folder's owner, unless
 * "inherit owner" gives it to that owner.
 */
static void test_decide_new_object(void **state _UNUSED_)
{
	struct glue *g = glue_new("");

	ASK("alice/new.dat", -1, true, WDAC, WDAC, GRANTED);
	ASK("alice/new.dat", -1, false, WDAC, 0, NOT_CREATED);
	TALLOC_FREE(g);
}

/* The share ACL's denies are the admin's word, generic rights mapped */
static void test_decide_share_acl(void **state _UNUSED_)
{
	struct glue *g = glue_new("");
	const struct {
		const char *sddl;
		uint32_t granted;
	} rows[] = {
		{"D:(A;;0x001301ff;;;WD)", WDAC},
		{"D:(D;;WD;;;WD)(A;;0x001301ff;;;WD)", 0},
		{"D:(D;;GA;;;" ALICE_SID ")(A;;0x001301ff;;;WD)", 0},
		{"D:(D;;WD;;;S-1-5-21-1-2-3-513)(A;;0x001301ff;;;WD)", 0},
		{"D:(D;;WD;;;S-1-5-21-1-2-3-1001)(A;;0x001301ff;;;WD)", WDAC},
		{"D:(A;;0x001301ff;;;WD)(D;;WD;;;WD)", 0},
		/* an allow of GENERIC_ALL before it takes nothing from a deny
		 */
		{"D:(A;;GA;;;" ALICE_SID ")(D;;WD;;;" ALICE_SID
		 ")(A;;0x001301ff;;;WD)",
		 0},
		{NULL, 0},
	};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(rows); i++) {
		test_share_sddl = rows[i].sddl;
		expect_ask(g,
			   "alice/x",
			   ALICE_UID,
			   false,
			   WDAC_RC,
			   rows[i].granted,
			   rows[i].granted != 0 ? PROFILEACL_GRANTED
						: PROFILEACL_SHARE_DENIES);
	}
	TALLOC_FREE(g);
}

/* Each "profile dirs" pattern stands on its own; %U is the account */
static void test_decide_profile_dirs(void **state _UNUSED_)
{
	struct glue *g = glue_new("\tprofileacl:profile dirs = \"%T\" %U.V6");

	ASK("alice.V6/x", ALICE_UID, false, WDAC, WDAC, GRANTED);
	ASK("ALICE.v6/x", ALICE_UID, false, WDAC, WDAC, GRANTED);
	ASK("bob.V6/x", ALICE_UID, false, WDAC, 0, OUTSIDE_PROFILE);
	ASK("x", ALICE_UID, false, WDAC, 0, OUTSIDE_PROFILE);
	/* an account that names no folder matches nothing */
	g->info.account_name = "a/b";
	ASK("alice.V6/x", ALICE_UID, false, WDAC, 0, OUTSIDE_PROFILE);
	TALLOC_FREE(g);
}

/* Who the session is, and what the share is, can refuse outright */
static void test_decide_session(void **state _UNUSED_)
{
	struct glue *g = glue_new("");

	string_to_sid(&g->sids[2], SID_BUILTIN_GUESTS);
	ASK("alice/x", ALICE_UID, false, WDAC, 0, GUEST);
	string_to_sid(&g->sids[2], SID_NT_AUTHENTICATED_USERS);
	current_user.ut.uid = 0;
	ASK("alice/x", 0, false, WDAC, 0, ROOT);
	current_user.ut.uid = ALICE_UID;
	g->conn.force_group_gid = 100;
	ASK("alice/x", ALICE_UID, false, WDAC, 0, FORCED_GROUP);
	g->conn.force_group_gid = (gid_t)-1;
	g->conn.force_user = true;
	ASK("alice/x", ALICE_UID, false, WDAC, 0, FORCED_USER);
	g->conn.force_user = false;
	g->conn.read_only = true;
	ASK("alice/x", ALICE_UID, false, WDAC, 0, READ_ONLY);
	g->conn.read_only = false;
	g->conn.share_access = SHARE_READ;
	ASK("alice/x", ALICE_UID, false, WDAC, 0, NO_WRITE_SHARE);
	assert_int_equal(test_share_reads, 0);
	TALLOC_FREE(g);
}

/* Loads CONF with the core's options and OPTIONS: the rights it grants */
static bool config_load(const char *conf,
			const char *const *options,
			uint32_t *grantable)
{
	struct share_params params = {.service = load_conf(conf)};
	struct connection_struct conn = {
		.params = &params,
		.force_group_gid = (gid_t)-1,
	};
	struct profileacl_config *config = talloc_zero(
		NULL, struct profileacl_config);
	bool ok;

	assert_non_null(config);
	ok = profileacl_config_load(&conn, options, config);
	*grantable = config->grantable;
	TALLOC_FREE(config);
	return ok;
}

/*
 * The options: a value the module cannot use refuses the tree connect, a
 * misspelt option too; a row without the rights granted is refused.
 */
static void test_config(void **state _UNUSED_)
{
	const struct {
		const char *conf;
		uint32_t grantable;
	} rows[] = {
		{"", WDAC},
		{"profileacl:grant = write_dac write_owner", WDAC | WOWN},
		{"profileacl:grant = WRITE_OWNER", WOWN},
		{"profileacl:grant = write_dac, write_dac", WDAC},
		{"profileacl:grant = write_dac read_data"},
		{"profileacl:grant = full"},
		{"profileacl:grant ="},
		{"profileacl:profile dirs = %U %U.V6 *.V?", WDAC},
		{"profileacl:profile dirs = \"Anna Maria\"", WDAC},
		{"profileacl:profile dirs = a/b"},
		{"profileacl:profile dirs = .."},
		{"profileacl:profile dirs = ann<"},
		{"profileacl:profile dirs ="},
		{"profileacl:grnat = write_dac"},
		{"profileacl:profile dir = alice"},
		{"profileacl:Profile Dirs = alice", WDAC},
		{"profileacl:audit = yes", WDAC},
		{"vfs objects = fake_perms profileacl"},
		{"vfs objects = /usr/lib/vfs/FAKE_PERMS.so profileacl"},
		{"vfs objects = fake_perms2 profileacl", WDAC},
		{"vfs objects = /fake_perms/acl_xattr.so profileacl", WDAC},
		/* lp_parm_*() reads "profile acl:" as "profileacl:" */
		{"profile acl:profile dir = alice"},
		{"profileacl :grnat = write_dac"},
		{"Profile ACL:profile dirs = alice", WDAC},
		/* lp_parm_*() falls back to [global] */
		{"[global]\nprofileacl:grnat = write_dac"},
		{"[global]\nprofileacl:profile dir = alice"},
		{"[global]\nprofileacl:ProfileDirs = alice", WDAC},
		{"[global]\nprofileaclx:grnat = write_dac", WDAC},
		{"[global]\nprofile acl:grnat = write_dac"},
		{"[global]\nprofileacl:grant = write_owner", WOWN},
		/* built for selftest only, where test users own files by it */
		{"vfs objects = fake_acls profileacl", WDAC},
	};
	uint32_t grantable;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(rows); i++) {
		bool ok = config_load(rows[i].conf,
				      profileacl_audit_options,
				      &grantable);

		check(ok, rows[i].grantable != 0, i, rows[i].conf);
		if (ok) {
			check(grantable, rows[i].grantable, i, rows[i].conf);
		}
	}
	/* the options of the out-of-tree layer are unknown to the core */
	assert_false(config_load("profileacl:audit = yes", NULL, &grantable));
}

/* A row without a syslog priority is refused */
static void test_audit_config(void **state _UNUSED_)
{
	const struct {
		const char *conf;
		bool audit;
		bool to_syslog;
		int priority;
	} rows[] = {
		{"", false, false, LOG_USER | LOG_NOTICE},
		{"profileacl:audit = yes", true, false, LOG_USER | LOG_NOTICE},
		{"profileacl:audit = True\nprofileacl:syslog = on",
		 true,
		 true,
		 LOG_USER | LOG_NOTICE},
		{"profileacl:audit = yes\nprofileacl:syslog = yes\n"
		 "profileacl:facility = local5\nprofileacl:priority = Debug",
		 true,
		 true,
		 LOG_LOCAL5 | LOG_DEBUG},
		{"profileacl:audit = maybe"},
		/* lp_parm_enum() would take an empty value as the default */
		{"profileacl:audit ="},
		{"profileacl:audit = yes\nprofileacl:syslog = 2"},
		{"profileacl:audit = yes\nprofileacl:syslog = yes\n"
		 "profileacl:facility = AUTH"},
		{"profileacl:audit = yes\nprofileacl:syslog = yes\n"
		 "profileacl:priority = WARN"},
		/* unused without syslog: refused, not ignored */
		{"profileacl:audit = yes\nprofileacl:facility = USER"},
		{"profileacl:syslog = yes"},
	};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(rows); i++) {
		struct profileacl_data data = {};
		bool ok = profileacl_audit_config(load_conf(rows[i].conf),
						  &data);

		check(ok, rows[i].priority != 0, i, rows[i].conf);
		if (ok) {
			check(data.audit, rows[i].audit, i, rows[i].conf);
			check(data.do_syslog,
			      rows[i].to_syslog,
			      i,
			      rows[i].conf);
			check(data.syslog_priority,
			      rows[i].priority,
			      i,
			      rows[i].conf);
		}
	}
}

/* After the open: what a handle on someone else's object keeps */
static void test_post_open(void **state _UNUSED_)
{
	/* a request that named the right fails, as without the module */
	assert_true(profileacl_post_open_denies(WDAC, WDAC));
	assert_true(
		profileacl_post_open_denies(SEC_RIGHTS_FILE_ALL, GRANTABLE));
	assert_true(profileacl_post_open_denies(WOWN, WDAC | WOWN));
	/* MAXIMUM_ALLOWED, or not named: the handle loses the right */
	assert_false(profileacl_post_open_denies(MAXA | WDAC, WDAC));
	assert_false(profileacl_post_open_denies(MAXA, WDAC));
	assert_false(profileacl_post_open_denies(READ_CONTROL, WDAC));
}

static void test_strings(void **state _UNUSED_)
{
	enum profileacl_reason reason;

	for (reason = PROFILEACL_NOT_ASKED; reason <= PROFILEACL_SHARE_DENIES;
	     reason++)
	{
		assert_string_not_equal(profileacl_reason_str(reason),
					"unknown reason");
	}
	assert_string_equal(profileacl_reason_str(99), "unknown reason");
	assert_string_equal(profileacl_rights_str(WDAC), "WRITE_DAC");
	assert_string_equal(profileacl_rights_str(WOWN), "WRITE_OWNER");
	assert_string_equal(profileacl_rights_str(WDAC | WOWN | 1),
			    "WRITE_DAC|WRITE_OWNER");
	assert_string_equal(profileacl_rights_str(0), "none");
}

/* The durable cookie envelope is recognised by its magic alone */
static void test_cookie_envelope(void **state _UNUSED_)
{
	uint8_t buf[64];
	size_t n = PROFILEACL_COOKIE_MAGIC_LEN;
	DATA_BLOB inner;
	bool wrapped;

	memcpy(buf, PROFILEACL_COOKIE_MAGIC, n);
	memcpy(buf + n, "VFS_DEFAULT_DURABLE_COOKIE", 26);
	inner = profileacl_cookie_inner(data_blob_const(buf, n + 26),
					&wrapped);
	assert_true(wrapped);
	assert_ptr_equal(inner.data, buf + n);
	assert_int_equal(inner.length, 26);
	inner = profileacl_cookie_inner(data_blob_const(buf, n), &wrapped);
	assert_true(wrapped);
	assert_int_equal(inner.length, 0);
	inner = profileacl_cookie_inner(data_blob_const(buf, n - 1), &wrapped);
	assert_false(wrapped);
	assert_int_equal(inner.length, n - 1);
	profileacl_cookie_inner(data_blob_const(buf + n, 26), &wrapped);
	assert_false(wrapped);
	profileacl_cookie_inner(data_blob_null, &wrapped);
	assert_false(wrapped);
	buf[0] ^= 1;
	profileacl_cookie_inner(data_blob_const(buf, n + 26), &wrapped);
	assert_false(wrapped);
}

/*
 * A name cannot end its quoted field or start a line; every backslash
 * starts an escape, so "\x22" is not a quote; UTF-8 stays readable, and
 * spaces too (the field is quoted).
 */
static void test_log_escape(void **state _UNUSED_)
{
	const struct {
		const char *name;
		const char *field;
	} rows[] = {
		{"alice/NTUSER.DAT", "alice/NTUSER.DAT"},
		{"x\" user=\"bob\nprofileacl audit: grant",
		 "x\\x22 user=\\x22bob\\nprofileacl audit: grant"},
		{"D\\u\tc\x7f", "D\\\\u\\tc\\x7F"},
		{"a\\x22b", "a\\\\x22b"},
		{"j\xc3\xbcrgen smith", "j\xc3\xbcrgen smith"},
		{"", ""},
		{NULL, "(null)"},
	};
	TALLOC_CTX *ctx = talloc_new(NULL);
	size_t i;

	for (i = 0; i < ARRAY_SIZE(rows); i++) {
		assert_string_equal(profileacl_field(ctx, rows[i].name),
				    rows[i].field);
	}
	/* a debug line: no name starts a line of its own */
	assert_string_equal(profileacl_name_dbg("a\nb"), "a\\nb");
	TALLOC_FREE(ctx);
}

/*
 * %U is the account name as Windows names the folder, not smbd's %U,
 * which mangles non-ASCII, case and spaces. Other codes are left for
 * smbd, and a pattern without %U needs no account; an account that cannot
 * name one folder makes no pattern at all (NULL).
 */
static void test_subst_account(void **state _UNUSED_)
{
	const struct {
		const char *raw;
		const char *account;
		const char *want;
	} rows[] = {
		{"%U", "alice", "alice"},
		{"%U.V6", "alice", "alice.V6"},
		{"%U-%U", "bob", "bob-bob"},
		{"%U.V2", "j\xc3\xbcrgen", "j\xc3\xbcrgen.V2"},
		{"%U", "Alice", "Alice"},
		{"%U", "carol smith", "carol smith"},
		/* a byte that is not UTF-8 before %U */
		{"a\226%U.V", "alice", "a\226alice.V"},
		{"%G-%u", NULL, "%G-%u"},
		{"profiles", "", "profiles"},
		{"%U", NULL, NULL},
		{"%U", "", NULL},
		{"%U", ".", NULL},
		{"%U.V2", "..", NULL},
		{"%U", "a/b", NULL},
		{"%U", "a\\b", NULL},
		{"%U", "*", NULL},
		{"%U", "al?ce", NULL},
		{"%U", "%H", NULL},
		{"%U", "a\nb", NULL},
		{"%U", "a<b", NULL},
		{"%U", "a:b", NULL},
		{"%U", "a\"b", NULL},
	};
	TALLOC_CTX *ctx = talloc_new(NULL);
	size_t i;

	for (i = 0; i < ARRAY_SIZE(rows); i++) {
		char *got = profileacl_subst_account(ctx,
						     rows[i].raw,
						     rows[i].account);

		check(got == NULL, rows[i].want == NULL, i, rows[i].account);
		if (rows[i].want != NULL) {
			assert_string_equal(got, rows[i].want);
		}
	}
	TALLOC_FREE(ctx);
}

static void test_pattern_valid(void **state _UNUSED_)
{
	char longname[300];

	assert_true(profileacl_pattern_valid("alice"));
	assert_true(profileacl_pattern_valid("alice.V2"));
	assert_true(profileacl_pattern_valid("*.V?"));
	assert_false(profileacl_pattern_valid(""));
	assert_false(profileacl_pattern_valid(NULL));
	assert_false(profileacl_pattern_valid("alice/sub"));
	assert_false(profileacl_pattern_valid("alice\\sub"));
	assert_false(profileacl_pattern_valid("."));
	assert_false(profileacl_pattern_valid(".."));
	/* DOS wildcards would change what * and ? mean */
	assert_false(profileacl_pattern_valid("ann<"));
	assert_false(profileacl_pattern_valid("ann>"));
	assert_false(profileacl_pattern_valid("ann\""));
	/* a user name with a space (username map, AD accounts) */
	assert_true(profileacl_pattern_valid("Anna Maria"));
	memset(longname, 'a', sizeof(longname) - 1);
	longname[sizeof(longname) - 1] = '\0';
	assert_false(profileacl_pattern_valid(longname));
	longname[255] = '\0';
	assert_true(profileacl_pattern_valid(longname));
}

static bool in(const char *path, const char *pattern)
{
	return profileacl_in_dirs(path, &pattern, 1);
}

/* Top-level folders match as Windows matches names */
static void test_wild_match(void **state _UNUSED_)
{
	assert_true(in("ann", "ann"));
	assert_true(in("ANN", "ann"));
	assert_false(in("anna", "ann"));
	assert_false(in("ann", "anna"));
	assert_true(in("anna", "ann*"));
	assert_true(in("ann.V6", "ann.V?"));
	assert_true(in("Ann.v2", "ann.V?"));
	assert_false(in("ann.V10", "ann.V?"));
	assert_false(in("ann.V", "ann.V?"));
	assert_true(in("xxaybzzc", "*a*b*c"));
	assert_false(in("xxaybzzcd", "*a*b*c"));
	assert_true(in("ab", "a**b"));
	/* Unicode case folding, as Windows names fold */
	assert_true(in("J\xc3\x96RG", "J\xc3\xb6rg"));
	assert_true(in("\xc3\x89LODIE", "\xc3\xa9lodie"));
	assert_true(in("\xd0\x90\xd0\x9d\xd0\x9d\xd0\x90",
		       "\xd0\xb0\xd0\xbd\xd0\xbd\xd0\xb0"));
	/* ? is one character, not one byte */
	assert_true(in("J\xc3\xb6rg", "J?rg"));
	assert_false(in("J\xc3\xb6rg", "J??rg"));
	assert_true(in("anna maria", "Anna Maria"));
	assert_false(in("Anna Maria", "Anna"));
}

static void test_in_profile_dirs(void **state _UNUSED_)
{
	const char *ann[] = {"ann", "ann.V2", "ann.V5", "ann.V6"};
	char longname[300];

	assert_true(profileacl_in_dirs("ann", ann, 4));
	assert_true(profileacl_in_dirs("ann/NTUSER.DAT", ann, 4));
	assert_true(profileacl_in_dirs("ANN/ntuser.dat", ann, 4));
	assert_true(profileacl_in_dirs("ann.V6", ann, 4));
	assert_true(profileacl_in_dirs("ann.V6/AppData/x", ann, 4));
	assert_true(profileacl_in_dirs("/ann/x", ann, 4));
	assert_false(profileacl_in_dirs("anna", ann, 4));
	assert_false(profileacl_in_dirs("anna/NTUSER.DAT", ann, 4));
	assert_false(profileacl_in_dirs("ann.V3", ann, 4));
	assert_false(profileacl_in_dirs("bob/ann", ann, 4));
	assert_false(profileacl_in_dirs(NULL, ann, 4));
	/* wildcards never match the share root */
	assert_false(in("", "*"));
	assert_false(in(".", "*"));
	assert_false(in("./x", "*"));
	assert_false(in("..", "*"));
	assert_false(in(".", "?"));
	assert_false(in("..", "??"));
	assert_true(in("ann", "*"));
	assert_true(in(".ann", "*"));
	assert_true(in("a", "?"));
	/* %U of "Anna Maria" is one pattern, not two */
	assert_true(in("Anna Maria/x", "Anna Maria"));
	assert_false(profileacl_in_dirs("Anna Maria/x",
					(const char *[]){"Anna", "Maria"},
					2));
	/* longer than any file name: no folder has it */
	memset(longname, 'a', sizeof(longname) - 1);
	longname[sizeof(longname) - 1] = '\0';
	assert_false(in(longname, "*"));
}

/*
 * Each pattern stands on its own: one that cannot be made for the
 * session (NULL) or that substituted to nothing ("") matches no folder,
 * and the patterns after it still count.
 */
static void test_in_made_dirs(void **state _UNUSED_)
{
	const char *t_then_u[] = {NULL, "alice"};
	const char *u_then_t[] = {"alice", NULL};
	const char *none_made[] = {NULL, NULL};
	const char *empty[] = {"", NULL, "alice.V6"};

	assert_true(profileacl_in_dirs("alice/NTUSER.DAT", t_then_u, 2));
	assert_true(profileacl_in_dirs("alice", t_then_u, 2));
	assert_true(profileacl_in_dirs("alice/NTUSER.DAT", u_then_t, 2));
	assert_false(profileacl_in_dirs("bob/NTUSER.DAT", t_then_u, 2));
	assert_false(profileacl_in_dirs("alice", none_made, 2));
	assert_false(profileacl_in_dirs("alice", none_made, 0));
	assert_false(profileacl_in_dirs("alice", empty, 2));
	assert_true(profileacl_in_dirs("ALICE.V6/x", empty, 3));
	assert_false(profileacl_in_dirs("", t_then_u, 2));
	assert_false(profileacl_in_dirs(".", t_then_u, 2));
}

/* Append one ELF note to buf at *off */
static void add_note(uint8_t *buf,
		     size_t *off,
		     const char *name,
		     uint32_t type,
		     const uint8_t *desc,
		     uint32_t descsz)
{
	uint32_t namesz = strlen(name) + 1;
	uint32_t words[3] = {namesz, descsz, type};

	memcpy(buf + *off, words, sizeof(words));
	*off += sizeof(words);
	memset(buf + *off, 0, (namesz + 3) & ~3u);
	memcpy(buf + *off, name, namesz);
	*off += (namesz + 3) & ~3u;
	memset(buf + *off, 0, (descsz + 3) & ~3u);
	memcpy(buf + *off, desc, descsz);
	*off += (descsz + 3) & ~3u;
}

static void test_gnu_build_id(void **state _UNUSED_)
{
	const uint8_t id[20] = {0x18, 0xbe, 0xbc, 0x47, 0xac, 0x6e, 0xd5,
				0xf3, 0x8c, 0x4a, 0x65, 0xae, 0xd0, 0xa2,
				0x9d, 0xf9, 0xb8, 0xe8, 0xad, 0xe7};
	const uint8_t abi[16] = {0, 0, 0, 0, 3, 0, 0, 0, 2, 0, 0, 0};
	uint8_t buf[256];
	char hex[41];
	size_t off = 0;

	/* another note first (NT_GNU_ABI_TAG), then the build ID */
	add_note(buf, &off, "GNU", 1, abi, sizeof(abi));
	add_note(buf, &off, "GNU", 3, id, sizeof(id));
	assert_true(profileacl_gnu_build_id(buf, off, hex, sizeof(hex)));
	assert_string_equal(hex, "18bebc47ac6ed5f38c4a65aed0a29df9b8e8ade7");
	/* too small a buffer, a cut note, no notes */
	assert_false(profileacl_gnu_build_id(buf, off, hex, 40));
	assert_false(profileacl_gnu_build_id(buf, off - 4, hex, sizeof(hex)));
	assert_false(profileacl_gnu_build_id(buf, 0, hex, sizeof(hex)));
	assert_false(profileacl_gnu_build_id(NULL, off, hex, sizeof(hex)));
	/* a build ID note of another vendor is not it */
	off = 0;
	add_note(buf, &off, "XYZ", 3, id, sizeof(id));
	assert_false(profileacl_gnu_build_id(buf, off, hex, sizeof(hex)));
	/* sizes that run past the end */
	off = 0;
	add_note(buf, &off, "GNU", 3, id, sizeof(id));
	memset(buf + 4, 0xff, 4);
	assert_false(profileacl_gnu_build_id(buf, off, hex, sizeof(hex)));
}

/* In this process libsmbd-base is loaded: the guard reads its build ID */
static void test_check_build(void **state _UNUSED_)
{
	char running[129] = "x";

	assert_int_equal(profileacl_check_build("00",
						running,
						sizeof(running)),
			 PROFILEACL_BUILD_OTHER);
	assert_int_equal(strlen(running), 40);
	assert_int_equal(profileacl_check_build(PROFILEACL_SAMBA_BUILD_ID,
						running,
						sizeof(running)),
			 PROFILEACL_BUILD_MATCH);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		ROWS_TEST(test_owner_write_dac_granted),
		ROWS_TEST(test_maximum_allowed_granted),
		ROWS_TEST(test_plain_open_not_asked),
		cmocka_unit_test(test_each_bit),
		ROWS_TEST(test_write_owner_not_configured),
		ROWS_TEST(test_generic_all),
		ROWS_TEST(test_grantable_is_capped),
		ROWS_TEST(test_share_already_has_it),
		ROWS_TEST(test_guest),
		ROWS_TEST(test_root),
		ROWS_TEST(test_inherit_owner),
		cmocka_unit_test(test_own_is_the_most),
		ROWS_TEST(test_forced_user),
		cmocka_unit_test(test_forced_group),
		ROWS_TEST(test_read_only),
		ROWS_TEST(test_read_share_acl),
		ROWS_TEST(test_would_fail),
		ROWS_TEST(test_share_denies),
		ROWS_TEST(test_outside_profile),
		ROWS_TEST(test_objects),
		ROWS_TEST(test_creates),
		cmocka_unit_test(test_lookups_only_when_needed),
		cmocka_unit_test(test_decide_owner),
		cmocka_unit_test(test_decide_new_object),
		cmocka_unit_test(test_decide_share_acl),
		cmocka_unit_test(test_decide_profile_dirs),
		cmocka_unit_test(test_decide_session),
		cmocka_unit_test(test_config),
		cmocka_unit_test(test_audit_config),
		cmocka_unit_test(test_post_open),
		cmocka_unit_test(test_strings),
		cmocka_unit_test(test_cookie_envelope),
		cmocka_unit_test(test_log_escape),
		cmocka_unit_test(test_pattern_valid),
		cmocka_unit_test(test_wild_match),
		cmocka_unit_test(test_in_profile_dirs),
		cmocka_unit_test(test_in_made_dirs),
		cmocka_unit_test(test_subst_account),
		cmocka_unit_test(test_gnu_build_id),
		cmocka_unit_test(test_check_build),
	};
	TALLOC_CTX *frame = talloc_stackframe();
	int ret;

	setup_logging("test_vfs_profileacl", DEBUG_STDERR);
	ret = cmocka_run_group_tests(tests, NULL, NULL);
	TALLOC_FREE(frame);
	return ret;
}
