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

/* The owner of an existing object asks WRITE_DAC on a Change share */
static struct profileacl_request owner_request(void)
{
	return (struct profileacl_request){
		.access_mask = WDAC | READ_CONTROL,
		.share_mask = SHARE_CHANGE,
		.may_create = false,
		.grantable = WDAC,
		.object = PROFILEACL_OBJ_OWN,
	};
}

static void expect(struct profileacl_request *r,
		   uint32_t bits,
		   enum profileacl_reason why)
{
	enum profileacl_reason reason = PROFILEACL_GRANTED + 100;
	uint32_t got = profileacl_grant(r, NULL, &reason);

	assert_int_equal(got, bits);
	assert_int_equal(reason, why);
}

static void test_owner_write_dac_granted(void **state _UNUSED_)
{
	struct profileacl_request r = owner_request();

	expect(&r, WDAC, PROFILEACL_GRANTED);
}

static void test_maximum_allowed_granted(void **state _UNUSED_)
{
	struct profileacl_request r = owner_request();

	r.access_mask = MAXA;
	expect(&r, WDAC, PROFILEACL_GRANTED);

	/* MAXIMUM_ALLOWED never fails on missing bits: still granted */
	r.access_mask = MAXA | SYSTEM_SECURITY;
	expect(&r, WDAC, PROFILEACL_GRANTED);
}

static void test_plain_open_not_asked(void **state _UNUSED_)
{
	struct profileacl_request r = owner_request();
	uint32_t masks[] = {
		0,
		FILE_READ_DATA,
		READ_CONTROL,
		SHARE_CHANGE,
		map(SEC_GENERIC_READ),
		map(SEC_GENERIC_WRITE),
		map(SEC_GENERIC_EXECUTE),
	};
	size_t i;

	for (i = 0; i < sizeof(masks) / sizeof(masks[0]); i++) {
		r.access_mask = masks[i];
		expect(&r, 0, PROFILEACL_NOT_ASKED);
	}
}

static void test_each_bit(void **state _UNUSED_)
{
	struct profileacl_request r = owner_request();
	uint32_t bit;

	/* No single right other than WRITE_DAC/WRITE_OWNER is granted */
	for (bit = 1; bit != 0; bit <<= 1) {
		enum profileacl_reason reason;
		uint32_t got;

		r.access_mask = map(bit);
		r.grantable = PROFILEACL_GRANTABLE;
		got = profileacl_grant(&r, NULL, &reason);
		assert_int_equal(got & ~PROFILEACL_GRANTABLE, 0);
		if (bit == WDAC || bit == WOWN) {
			assert_int_equal(got, bit);
		} else if (bit == MAXA || bit == SEC_GENERIC_ALL) {
			assert_int_equal(got, PROFILEACL_GRANTABLE);
		} else {
			assert_int_equal(got, 0);
		}
	}
}

static void test_write_owner_not_configured(void **state _UNUSED_)
{
	struct profileacl_request r = owner_request();

	r.access_mask = WOWN;
	expect(&r, 0, PROFILEACL_NO_CONFIG);

	r.grantable = WDAC | WOWN;
	expect(&r, WOWN, PROFILEACL_GRANTED);

	/* smbcacls --set asks both */
	r.access_mask = WDAC | WOWN;
	expect(&r, WDAC | WOWN, PROFILEACL_GRANTED);

	/* only write_dac configured: the open would fail on WRITE_OWNER */
	r.grantable = WDAC;
	expect(&r, 0, PROFILEACL_WOULD_FAIL);
}

static void test_generic_all(void **state _UNUSED_)
{
	struct profileacl_request r = owner_request();

	r.access_mask = map(SEC_GENERIC_ALL);
	expect(&r, 0, PROFILEACL_WOULD_FAIL);

	r.grantable = PROFILEACL_GRANTABLE;
	expect(&r, PROFILEACL_GRANTABLE, PROFILEACL_GRANTED);
}

static void test_grantable_is_capped(void **state _UNUSED_)
{
	struct profileacl_request r = owner_request();

	r.access_mask = MAXA;
	r.grantable = 0xffffffff;
	expect(&r, PROFILEACL_GRANTABLE, PROFILEACL_GRANTED);

	r.grantable = 0;
	expect(&r, 0, PROFILEACL_NO_CONFIG);
}

static void test_share_already_has_it(void **state _UNUSED_)
{
	struct profileacl_request r = owner_request();

	r.share_mask = SHARE_FULL;
	expect(&r, 0, PROFILEACL_NOT_ASKED);

	r.access_mask = MAXA;
	expect(&r, 0, PROFILEACL_NOT_ASKED);

	/* WRITE_OWNER via SeTakeOwnership, WRITE_DAC still missing */
	r.share_mask = SHARE_CHANGE | WOWN;
	expect(&r, WDAC, PROFILEACL_GRANTED);
}

static void test_guest(void **state _UNUSED_)
{
	struct profileacl_request r = owner_request();

	r.guest = true;
	expect(&r, 0, PROFILEACL_GUEST);
	r.access_mask = MAXA;
	expect(&r, 0, PROFILEACL_GUEST);
}

/* admin users run as root, and smbd skips the file ACL check for root */
static void test_root(void **state _UNUSED_)
{
	struct profileacl_request r = owner_request();

	r.root = true;
	expect(&r, 0, PROFILEACL_ROOT);
	r.access_mask = MAXA;
	expect(&r, 0, PROFILEACL_ROOT);
	r.object = PROFILEACL_OBJ_ABSENT;
	r.may_create = true;
	expect(&r, 0, PROFILEACL_ROOT);
}

/* inherit owner: a create is decided by who will own the new object */
static void test_inherit_owner(void **state _UNUSED_)
{
	struct profileacl_request r = owner_request();

	r.object = PROFILEACL_OBJ_ABSENT;
	r.may_create = true;
	r.inherit_owner = true;
	r.parent = PROFILEACL_OBJ_OWN;
	expect(&r, WDAC, PROFILEACL_GRANTED);
	r.parent = PROFILEACL_OBJ_OTHER;
	expect(&r, 0, PROFILEACL_INHERITS_OTHER);
	r.access_mask = MAXA;
	expect(&r, 0, PROFILEACL_INHERITS_OTHER);
	r.parent = PROFILEACL_OBJ_UNKNOWN;
	expect(&r, 0, PROFILEACL_OWNER_UNKNOWN);
	r.parent = PROFILEACL_OBJ_ABSENT;
	expect(&r, 0, PROFILEACL_OWNER_UNKNOWN);
	/* an existing object: its owner decides, not the folder's */
	r.object = PROFILEACL_OBJ_OWN;
	r.may_create = true;
	expect(&r, WDAC, PROFILEACL_GRANTED);
	r.object = PROFILEACL_OBJ_OTHER;
	r.parent = PROFILEACL_OBJ_OWN;
	expect(&r, 0, PROFILEACL_NOT_OWNER);
	/* without inherit owner the parent is not read */
	r.inherit_owner = false;
	r.object = PROFILEACL_OBJ_ABSENT;
	r.parent = PROFILEACL_OBJ_OTHER;
	expect(&r, WDAC, PROFILEACL_GRANTED);
}

/*
 * No object state may grant more than OWN does.
 */
static void test_own_is_the_most(void **state _UNUSED_)
{
	const uint32_t masks[] = {WDAC,
				  MAXA,
				  WDAC | WOWN,
				  MAXA | WOWN,
				  map(SEC_GENERIC_ALL),
				  READ_CONTROL};
	const enum profileacl_object objects[] = {PROFILEACL_OBJ_UNKNOWN,
						  PROFILEACL_OBJ_ABSENT,
						  PROFILEACL_OBJ_OWN,
						  PROFILEACL_OBJ_OTHER};
	size_t m, d, o, p, i, g;
	enum profileacl_reason reason;

	for (m = 0; m < ARRAY_SIZE(masks); m++) {
		for (d = 0; d < 2; d++) {
			for (g = 1; g <= 3; g++) {
				for (i = 0; i < 2; i++) {
					for (o = 0; o < ARRAY_SIZE(objects);
					     o++) {
						for (p = 0;
						     p < ARRAY_SIZE(objects);
						     p++) {
							struct profileacl_request r =
								owner_request();
							uint32_t own, other;

							r.access_mask =
								masks[m];
							r.may_create = d;
							r.grantable =
								(g & 1 ? WDAC
								       : 0) |
								(g & 2 ? WOWN
								       : 0);
							own = profileacl_grant(
								&r,
								NULL,
								&reason);
							r.inherit_owner = i;
							r.object = objects[o];
							r.parent = objects[p];
							other = profileacl_grant(
								&r,
								NULL,
								&reason);
							assert_int_equal(
								other & ~own,
								0);
						}
					}
				}
			}
		}
	}
}

static void test_forced_user(void **state _UNUSED_)
{
	struct profileacl_request r = owner_request();

	r.forced_user = true;
	expect(&r, 0, PROFILEACL_FORCED_USER);
}

/*
 * "force group" puts the forced group's SID where the session's primary
 * group was: a share ACL deny for that group cannot be seen, so nothing
 * is granted, and the share ACL is not even read.
 */
static void test_forced_group(void **state _UNUSED_)
{
	struct profileacl_request r = owner_request();

	r.forced_group = true;
	expect(&r, 0, PROFILEACL_FORCED_GROUP);
	r.access_mask = MAXA;
	expect(&r, 0, PROFILEACL_FORCED_GROUP);
	assert_string_equal(profileacl_reason_str(PROFILEACL_FORCED_GROUP),
			    "share has force group: the share ACL cannot be "
			    "checked for this user");
}

static void test_read_only(void **state _UNUSED_)
{
	struct profileacl_request r = owner_request();

	r.read_only = true;
	expect(&r, 0, PROFILEACL_READ_ONLY);
}

static void test_read_share_acl(void **state _UNUSED_)
{
	struct profileacl_request r = owner_request();

	r.share_mask = SHARE_READ;
	expect(&r, 0, PROFILEACL_NO_WRITE_SHARE);
	r.access_mask = MAXA;
	expect(&r, 0, PROFILEACL_NO_WRITE_SHARE);

	/* any one write bit missing is enough */
	r.share_mask = SHARE_CHANGE & ~SEC_FILE_APPEND_DATA;
	expect(&r, 0, PROFILEACL_NO_WRITE_SHARE);
}

static void test_would_fail(void **state _UNUSED_)
{
	struct profileacl_request r = owner_request();

	r.access_mask = WDAC | SYSTEM_SECURITY;
	expect(&r, 0, PROFILEACL_WOULD_FAIL);
}

/*
 * A deny ACE of the share ACL is the admin's word: only the rights the
 * share ACL leaves out are added, never one it denies this session.
 */
static void test_share_denies(void **state _UNUSED_)
{
	struct profileacl_request r = owner_request();

	r.share_denied = WDAC;
	expect(&r, 0, PROFILEACL_SHARE_DENIES);
	/* MAXIMUM_ALLOWED gets what is left: nothing here */
	r.access_mask = MAXA;
	expect(&r, 0, PROFILEACL_SHARE_DENIES);
	r.grantable = WDAC | WOWN;
	expect(&r, WOWN, PROFILEACL_GRANTED);
	/* asking both by name: smbd refuses the denied one, so nothing */
	r.access_mask = WDAC | WOWN;
	expect(&r, 0, PROFILEACL_SHARE_DENIES);
	r.access_mask = WOWN;
	expect(&r, WOWN, PROFILEACL_GRANTED);

	/* WRITE_OWNER denied, WRITE_DAC left out: WRITE_DAC only */
	r.share_denied = WOWN;
	r.access_mask = WOWN | READ_CONTROL;
	expect(&r, 0, PROFILEACL_SHARE_DENIES);
	r.access_mask = WDAC | READ_CONTROL;
	expect(&r, WDAC, PROFILEACL_GRANTED);
	r.access_mask = MAXA;
	expect(&r, WDAC, PROFILEACL_GRANTED);

	/* a share ACL that cannot be read denies both */
	r.share_denied = PROFILEACL_GRANTABLE;
	expect(&r, 0, PROFILEACL_SHARE_DENIES);

	/* a deny of a right the share mask already holds changes nothing */
	r = owner_request();
	r.share_denied = WOWN;
	expect(&r, WDAC, PROFILEACL_GRANTED);
}

static void test_outside_profile(void **state _UNUSED_)
{
	struct profileacl_request r = owner_request();

	r.outside_profile = true;
	expect(&r, 0, PROFILEACL_OUTSIDE_PROFILE);
}

static void test_objects(void **state _UNUSED_)
{
	struct profileacl_request r = owner_request();

	r.object = PROFILEACL_OBJ_OTHER;
	expect(&r, 0, PROFILEACL_NOT_OWNER);
	r.access_mask = MAXA;
	expect(&r, 0, PROFILEACL_NOT_OWNER);

	r.object = PROFILEACL_OBJ_UNKNOWN;
	expect(&r, 0, PROFILEACL_OWNER_UNKNOWN);

	r.object = 77;
	expect(&r, 0, PROFILEACL_OWNER_UNKNOWN);
}

/* An absent object is granted only to a request that creates it */
static void test_creates(void **state _UNUSED_)
{
	struct profileacl_request r = owner_request();

	r.object = PROFILEACL_OBJ_ABSENT;
	expect(&r, 0, PROFILEACL_NOT_CREATED);
	r.may_create = true;
	expect(&r, WDAC, PROFILEACL_GRANTED);
	/* an existing object: ownership alone decides */
	r.object = PROFILEACL_OBJ_OWN;
	expect(&r, WDAC, PROFILEACL_GRANTED);
	r.object = PROFILEACL_OBJ_OTHER;
	expect(&r, 0, PROFILEACL_NOT_OWNER);
	r.may_create = false;
	expect(&r, 0, PROFILEACL_NOT_OWNER);
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

static uint32_t decide(struct profileacl_request *r,
		       struct lookup_state *l,
		       enum profileacl_reason *reason)
{
	struct profileacl_lookup lookup = {
		.share_denied = lookup_share,
		.owner = lookup_owner,
		.profile_dirs = lookup_dirs,
		.private_data = l,
	};

	l->owner_calls = 0;
	l->dirs_calls = 0;
	l->share_calls = 0;
	/* the glue knows no fact before the decision asks */
	r->object = PROFILEACL_OBJ_UNKNOWN;
	r->outside_profile = false;
	r->share_denied = 0;
	return profileacl_grant(r, &lookup, reason);
}

/*
 * One decision asks for the owner (a system call) only when the cheap
 * facts leave a grant possible, for the profile dirs (a substitution)
 * only when the owner does too, and for the share ACL (a tdb fetch and
 * two access checks) only when everything else grants; each at most once.
 */
static void test_lookups_only_when_needed(void **state _UNUSED_)
{
	struct profileacl_request r = owner_request();
	struct lookup_state l = {.object = PROFILEACL_OBJ_OWN};
	enum profileacl_reason reason;

	assert_int_equal(decide(&r, &l, &reason), WDAC);
	assert_int_equal(reason, PROFILEACL_GRANTED);
	assert_int_equal(l.share_calls, 1);
	assert_int_equal(l.owner_calls, 1);
	assert_int_equal(l.dirs_calls, 1);

	/* the common path: a request for nothing the module grants */
	r.access_mask = FILE_READ_DATA;
	assert_int_equal(decide(&r, &l, &reason), 0);
	assert_int_equal(reason, PROFILEACL_NOT_ASKED);
	assert_int_equal(l.share_calls, 0);
	assert_int_equal(l.owner_calls, 0);
	assert_int_equal(l.dirs_calls, 0);

	/* the share ACL denies it: asked last, once */
	r = owner_request();
	l.denied = WDAC;
	assert_int_equal(decide(&r, &l, &reason), 0);
	assert_int_equal(reason, PROFILEACL_SHARE_DENIES);
	assert_int_equal(l.owner_calls, 1);
	assert_int_equal(l.dirs_calls, 1);
	assert_int_equal(l.share_calls, 1);
	l.denied = 0;

	/* a guest: no lookup */
	r = owner_request();
	r.guest = true;
	assert_int_equal(decide(&r, &l, &reason), 0);
	assert_int_equal(reason, PROFILEACL_GUEST);
	assert_int_equal(l.owner_calls, 0);
	assert_int_equal(l.share_calls, 0);

	/* someone else's: neither profile dirs nor share ACL */
	r = owner_request();
	l.object = PROFILEACL_OBJ_OTHER;
	assert_int_equal(decide(&r, &l, &reason), 0);
	assert_int_equal(reason, PROFILEACL_NOT_OWNER);
	assert_int_equal(l.owner_calls, 1);
	assert_int_equal(l.dirs_calls, 0);
	assert_int_equal(l.share_calls, 0);

	/* the owner, outside the profile dirs: no share ACL read */
	l.object = PROFILEACL_OBJ_OWN;
	l.outside = true;
	assert_int_equal(decide(&r, &l, &reason), 0);
	assert_int_equal(reason, PROFILEACL_OUTSIDE_PROFILE);
	assert_int_equal(l.dirs_calls, 1);
	assert_int_equal(l.share_calls, 0);

	/* the owner's lookup failed: nothing */
	l.object = PROFILEACL_OBJ_UNKNOWN;
	l.outside = false;
	assert_int_equal(decide(&r, &l, &reason), 0);
	assert_int_equal(reason, PROFILEACL_OWNER_UNKNOWN);
	assert_int_equal(l.share_calls, 0);
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
	struct vfs_handle_struct handle;
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
	g->handle.conn = &g->conn;
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

/* NAME as smbd stat'ed it: owned by UID, or absent when UID is -1 */
static uint32_t ask(struct glue *g,
		    const char *name,
		    uid_t uid,
		    bool may_create,
		    uint32_t access_mask,
		    enum profileacl_reason *reason)
{
	g->name = (struct smb_filename){
		.base_name = discard_const_p(char, name)};
	if (uid != (uid_t)-1) {
		g->name.st.st_ex_uid = uid;
		g->name.st.st_ex_mode = S_IFREG | 0600;
		g->name.st.st_ex_nlink = 1;
	}
	return profileacl_decide(&g->handle,
				 g->config,
				 &g->name,
				 may_create,
				 access_mask,
				 reason);
}

static void test_decide_owner(void **state _UNUSED_)
{
	struct glue *g = glue_new("");
	enum profileacl_reason reason;

	assert_int_equal(ask(g,
			     "alice/NTUSER.DAT",
			     ALICE_UID,
			     false,
			     WDAC | READ_CONTROL,
			     &reason),
			 WDAC);
	assert_int_equal(reason, PROFILEACL_GRANTED);
	assert_int_equal(test_share_reads, 1);
	/* read for each decision: a deny added later is seen at once */
	test_share_sddl = "D:(D;;WD;;;WD)(A;;0x001301ff;;;WD)";
	assert_int_equal(ask(g, "alice/y", ALICE_UID, false, WDAC, &reason),
			 0);
	assert_int_equal(reason, PROFILEACL_SHARE_DENIES);
	assert_int_equal(test_share_reads, 2);
	test_share_sddl = "D:(A;;0x001301ff;;;WD)";
	/* someone else's file: refused before the share ACL is read */
	assert_int_equal(ask(g, "bob/NTUSER.DAT", 1001, false, WDAC, &reason),
			 0);
	assert_int_equal(reason, PROFILEACL_NOT_OWNER);
	assert_int_equal(test_share_reads, 2);
	/* the common path: nothing asked, nothing read */
	assert_int_equal(ask(g,
			     "bob/x",
			     1001,
			     true,
			     SEC_FILE_READ_DATA | SEC_FILE_WRITE_DATA,
			     &reason),
			 0);
	assert_int_equal(reason, PROFILEACL_NOT_ASKED);
	assert_int_equal(
		ask(g, "alice/x", ALICE_UID, false, SEC_GENERIC_ALL, &reason),
		0);
	assert_int_equal(reason, PROFILEACL_WOULD_FAIL);
	assert_int_equal(test_share_reads, 2);
	/* generic rights are mapped before the decision */
	g->config->grantable = PROFILEACL_GRANTABLE;
	assert_int_equal(
		ask(g, "alice/x", ALICE_UID, false, SEC_GENERIC_ALL, &reason),
		PROFILEACL_GRANTABLE);
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
	enum profileacl_reason reason;

	assert_int_equal(ask(g, "alice/new.dat", -1, true, WDAC, &reason),
			 WDAC);
	assert_int_equal(reason, PROFILEACL_GRANTED);
	assert_int_equal(ask(g, "alice/new.dat", -1, false, WDAC, &reason), 0);
	assert_int_equal(reason, PROFILEACL_NOT_CREATED);
	TALLOC_FREE(g);
}

/* The share ACL's denies are the admin's word, generic rights mapped */
static void test_decide_share_acl(void **state _UNUSED_)
{
	struct glue *g = glue_new("");
	enum profileacl_reason reason;
	struct {
		const char *sddl;
		uint32_t granted;
	} cases[] = {
		{"D:(A;;0x001301ff;;;WD)", WDAC},
		{"D:(D;;WD;;;WD)(A;;0x001301ff;;;WD)", 0},
		{"D:(D;;GA;;;" ALICE_SID ")(A;;0x001301ff;;;WD)", 0},
		{"D:(D;;WD;;;S-1-5-21-1-2-3-513)(A;;0x001301ff;;;WD)", 0},
		{"D:(D;;WD;;;S-1-5-21-1-2-3-1001)(A;;0x001301ff;;;WD)", WDAC},
		{"D:(A;;0x001301ff;;;WD)(D;;WD;;;WD)", 0},
		{NULL, 0},
	};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		test_share_sddl = cases[i].sddl;
		if (ask(g,
			"alice/x",
			ALICE_UID,
			false,
			WDAC | READ_CONTROL,
			&reason) != cases[i].granted)
		{
			fail_msg("%s", cases[i].sddl);
		}
		assert_int_equal(reason,
				 cases[i].granted != 0
					 ? PROFILEACL_GRANTED
					 : PROFILEACL_SHARE_DENIES);
	}
	TALLOC_FREE(g);
}

/* Each "profile dirs" pattern stands on its own; %U is the account */
static void test_decide_profile_dirs(void **state _UNUSED_)
{
	struct glue *g = glue_new("\tprofileacl:profile dirs = \"%T\" %U.V6");
	enum profileacl_reason reason;

	assert_int_equal(ask(g, "alice.V6/x", ALICE_UID, false, WDAC, &reason),
			 WDAC);
	assert_int_equal(ask(g, "ALICE.v6/x", ALICE_UID, false, WDAC, &reason),
			 WDAC);
	assert_int_equal(ask(g, "bob.V6/x", ALICE_UID, false, WDAC, &reason),
			 0);
	assert_int_equal(reason, PROFILEACL_OUTSIDE_PROFILE);
	assert_int_equal(ask(g, "x", ALICE_UID, false, WDAC, &reason), 0);
	assert_int_equal(reason, PROFILEACL_OUTSIDE_PROFILE);
	/* an account that names no folder matches nothing */
	g->info.account_name = "a/b";
	assert_int_equal(ask(g, "alice.V6/x", ALICE_UID, false, WDAC, &reason),
			 0);
	TALLOC_FREE(g);
}

/* Who the session is, and what the share is, can refuse outright */
static void test_decide_session(void **state _UNUSED_)
{
	struct glue *g = glue_new("");
	enum profileacl_reason reason;

	string_to_sid(&g->sids[2], SID_BUILTIN_GUESTS);
	assert_int_equal(ask(g, "alice/x", ALICE_UID, false, WDAC, &reason),
			 0);
	assert_int_equal(reason, PROFILEACL_GUEST);
	string_to_sid(&g->sids[2], SID_NT_AUTHENTICATED_USERS);
	current_user.ut.uid = 0;
	assert_int_equal(ask(g, "alice/x", 0, false, WDAC, &reason), 0);
	assert_int_equal(reason, PROFILEACL_ROOT);
	current_user.ut.uid = ALICE_UID;
	g->conn.force_group_gid = 100;
	assert_int_equal(ask(g, "alice/x", ALICE_UID, false, WDAC, &reason),
			 0);
	assert_int_equal(reason, PROFILEACL_FORCED_GROUP);
	g->conn.force_group_gid = (gid_t)-1;
	g->conn.force_user = true;
	assert_int_equal(ask(g, "alice/x", ALICE_UID, false, WDAC, &reason),
			 0);
	assert_int_equal(reason, PROFILEACL_FORCED_USER);
	g->conn.force_user = false;
	g->conn.read_only = true;
	assert_int_equal(ask(g, "alice/x", ALICE_UID, false, WDAC, &reason),
			 0);
	assert_int_equal(reason, PROFILEACL_READ_ONLY);
	g->conn.read_only = false;
	g->conn.share_access = SHARE_READ;
	assert_int_equal(ask(g, "alice/x", ALICE_UID, false, WDAC, &reason),
			 0);
	assert_int_equal(reason, PROFILEACL_NO_WRITE_SHARE);
	assert_int_equal(test_share_reads, 0);
	TALLOC_FREE(g);
}

/* The options: a value the module cannot use refuses the tree connect */
static void test_config(void **state _UNUSED_)
{
	struct {
		const char *conf;
		bool ok;
		uint32_t grantable;
	} cases[] = {
		{"", true, WDAC},
		{"\tprofileacl:grant = write_dac write_owner",
		 true,
		 WDAC | WOWN},
		{"\tprofileacl:grant = WRITE_OWNER", true, WOWN},
		{"\tprofileacl:grant = write_dac, write_dac", true, WDAC},
		{"\tprofileacl:grant = write_dac read_data", false, 0},
		{"\tprofileacl:grant = full", false, 0},
		{"\tprofileacl:grant =", false, 0},
		{"\tprofileacl:profile dirs = %U %U.V6 *.V?", true, WDAC},
		{"\tprofileacl:profile dirs = \"Anna Maria\"", true, WDAC},
		{"\tprofileacl:profile dirs = a/b", false, 0},
		{"\tprofileacl:profile dirs = ..", false, 0},
		{"\tprofileacl:profile dirs = ann<", false, 0},
		{"\tprofileacl:profile dirs =", false, 0},
		/* a misspelt option is refused, not ignored */
		{"\tprofileacl:grnat = write_dac", false, 0},
		{"\tprofileacl:profile dir = alice", false, 0},
		{"\tprofileacl:Profile Dirs = alice", true, WDAC},
		{"\tprofileacl:audit = yes", true, WDAC},
		{"\tvfs objects = fake_perms profileacl", false, 0},
		{"\tvfs objects = /usr/lib/vfs/FAKE_PERMS.so profileacl",
		 false,
		 0},
		{"\tvfs objects = fake_perms2 profileacl", true, WDAC},
		{"\tvfs objects = /fake_perms/acl_xattr.so profileacl",
		 true,
		 WDAC},
	};
	struct share_params params = {};
	struct connection_struct conn = {
		.params = &params,
		.force_group_gid = (gid_t)-1,
	};
	struct profileacl_config *config = NULL;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		params.service = load_conf(cases[i].conf);
		config = talloc_zero(NULL, struct profileacl_config);
		assert_non_null(config);
		if (profileacl_config_load(&conn,
					   profileacl_audit_options,
					   config) != cases[i].ok)
		{
			fail_msg("%s", cases[i].conf);
		}
		if (cases[i].ok) {
			assert_int_equal(config->grantable,
					 cases[i].grantable);
		}
		TALLOC_FREE(config);
	}
	/* the options of the out-of-tree layer are unknown to the core */
	params.service = load_conf("\tprofileacl:audit = yes");
	config = talloc_zero(NULL, struct profileacl_config);
	assert_false(profileacl_config_load(&conn, NULL, config));
	TALLOC_FREE(config);
}

static void test_audit_config(void **state _UNUSED_)
{
	struct {
		const char *conf;
		bool ok;
		bool audit;
		bool to_syslog;
		int priority;
	} cases[] = {
		{"", true, false, false, LOG_USER | LOG_NOTICE},
		{"\tprofileacl:audit = yes",
		 true,
		 true,
		 false,
		 LOG_USER | LOG_NOTICE},
		{"\tprofileacl:audit = True\n\tprofileacl:syslog = on",
		 true,
		 true,
		 true,
		 LOG_USER | LOG_NOTICE},
		{"\tprofileacl:audit = yes\n\tprofileacl:syslog = yes\n"
		 "\tprofileacl:facility = local5\n"
		 "\tprofileacl:priority = Debug",
		 true,
		 true,
		 true,
		 LOG_LOCAL5 | LOG_DEBUG},
		{"\tprofileacl:audit = maybe", false, false, false, 0},
		/* lp_parm_enum() would take an empty value as the default */
		{"\tprofileacl:audit =", false, false, false, 0},
		{"\tprofileacl:audit = yes\n\tprofileacl:syslog = 2",
		 false,
		 false,
		 false,
		 0},
		{"\tprofileacl:audit = yes\n\tprofileacl:syslog = yes\n"
		 "\tprofileacl:facility = AUTH",
		 false,
		 false,
		 false,
		 0},
		{"\tprofileacl:audit = yes\n\tprofileacl:syslog = yes\n"
		 "\tprofileacl:priority = WARN",
		 false,
		 false,
		 false,
		 0},
		/* unused without syslog: refused, not ignored */
		{"\tprofileacl:audit = yes\n\tprofileacl:facility = USER",
		 false,
		 false,
		 false,
		 0},
		{"\tprofileacl:syslog = yes", false, false, false, 0},
	};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		struct profileacl_data data = {};
		int snum = load_conf(cases[i].conf);

		assert_int_equal(profileacl_audit_config(snum, &data),
				 cases[i].ok);
		if (cases[i].ok) {
			assert_int_equal(data.audit, cases[i].audit);
			assert_int_equal(data.do_syslog, cases[i].to_syslog);
			assert_int_equal(data.syslog_priority,
					 cases[i].priority);
		}
	}
}

/* After the open: what a handle on someone else's object keeps */
static void test_post_open(void **state _UNUSED_)
{
	/* a request that named the right fails, as without the module */
	assert_true(profileacl_post_open_denies(WDAC, WDAC));
	assert_true(profileacl_post_open_denies(SEC_RIGHTS_FILE_ALL,
						PROFILEACL_GRANTABLE));
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

static void test_log_escape(void **state _UNUSED_)
{
	TALLOC_CTX *ctx = talloc_new(NULL);

	assert_string_equal(profileacl_field(ctx, "alice/NTUSER.DAT"),
			    "alice/NTUSER.DAT");
	/* a name cannot end its quoted field or start a line */
	assert_string_equal(profileacl_field(ctx,
					     "x\" user=\"bob\nprofileacl "
					     "audit: grant"),
			    "x\\x22 user=\\x22bob\\nprofileacl audit: grant");
	assert_string_equal(profileacl_field(ctx, "D\\u\tc\x7f"),
			    "D\\\\u\\tc\\x7F");
	/* every backslash starts an escape: "\x22" is not a quote */
	assert_string_equal(profileacl_field(ctx, "a\\x22b"), "a\\\\x22b");
	/* UTF-8 stays readable, spaces too (the field is quoted) */
	assert_string_equal(profileacl_field(ctx, "j\xc3\xbcrgen smith"),
			    "j\xc3\xbcrgen smith");
	assert_string_equal(profileacl_field(ctx, ""), "");
	assert_string_equal(profileacl_field(ctx, NULL), "(null)");
	/* a debug line: no name starts a line of its own */
	assert_string_equal(profileacl_name_dbg("a\nb"), "a\\nb");
	TALLOC_FREE(ctx);
}

static void expect_subst(const char *raw,
			 const char *account,
			 const char *want)
{
	TALLOC_CTX *mem_ctx = talloc_new(NULL);
	char *got = profileacl_subst_account(mem_ctx, raw, account);

	if (want == NULL) {
		assert_null(got);
	} else {
		assert_non_null(got);
		assert_string_equal(got, want);
	}
	talloc_free(mem_ctx);
}

/* %U is the account name as Windows names the folder, not smbd's %U */
static void test_subst_account(void **state _UNUSED_)
{
	expect_subst("%U", "alice", "alice");
	expect_subst("%U.V6", "alice", "alice.V6");
	expect_subst("%U-%U", "bob", "bob-bob");
	/* what smbd's %U mangles: non-ASCII, case, a space */
	expect_subst("%U.V2", "j\xc3\xbcrgen", "j\xc3\xbcrgen.V2");
	expect_subst("%U", "Alice", "Alice");
	expect_subst("%U", "carol smith", "carol smith");
	/* a byte that is not UTF-8 before %U (the fuzzer's find) */
	expect_subst("a\x96%U.V",
		     "alice",
		     "a\x96"
		     "alice.V");
	/* other codes are left for smbd; no %U needs no account */
	expect_subst("%G-%u", NULL, "%G-%u");
	expect_subst("profiles", "", "profiles");
	/* an account that cannot name one folder: no pattern at all */
	expect_subst("%U", NULL, NULL);
	expect_subst("%U", "", NULL);
	expect_subst("%U", ".", NULL);
	expect_subst("%U.V2", "..", NULL);
	expect_subst("%U", "a/b", NULL);
	expect_subst("%U", "a\\b", NULL);
	expect_subst("%U", "*", NULL);
	expect_subst("%U", "al?ce", NULL);
	expect_subst("%U", "%H", NULL);
	expect_subst("%U", "a\nb", NULL);
	expect_subst("%U", "a<b", NULL);
	expect_subst("%U", "a:b", NULL);
	expect_subst("%U", "a\"b", NULL);
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
		cmocka_unit_test(test_owner_write_dac_granted),
		cmocka_unit_test(test_maximum_allowed_granted),
		cmocka_unit_test(test_plain_open_not_asked),
		cmocka_unit_test(test_each_bit),
		cmocka_unit_test(test_write_owner_not_configured),
		cmocka_unit_test(test_generic_all),
		cmocka_unit_test(test_grantable_is_capped),
		cmocka_unit_test(test_share_already_has_it),
		cmocka_unit_test(test_guest),
		cmocka_unit_test(test_root),
		cmocka_unit_test(test_inherit_owner),
		cmocka_unit_test(test_own_is_the_most),
		cmocka_unit_test(test_forced_user),
		cmocka_unit_test(test_forced_group),
		cmocka_unit_test(test_read_only),
		cmocka_unit_test(test_read_share_acl),
		cmocka_unit_test(test_would_fail),
		cmocka_unit_test(test_share_denies),
		cmocka_unit_test(test_outside_profile),
		cmocka_unit_test(test_objects),
		cmocka_unit_test(test_creates),
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
