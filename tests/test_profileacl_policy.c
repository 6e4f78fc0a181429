/*
 * Unit tests of the vfs_profileacl decision policy.
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

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <string.h>
#include <cmocka.h>

#include "replace.h"
#include "system/syslog.h"
#include "libcli/security/security.h"
#include "profileacl_policy.h"
#include "profileacl_loadguard.h"

/* as nfs4_acls.c and open.c declare it */
extern const struct generic_mapping file_generic_mapping;

#ifndef ARRAY_SIZE
#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#endif

#define UNUSED __attribute__((unused))

#define SHARE_CHANGE 0x001301ff
#define SHARE_FULL 0x001f01ff
#define SHARE_READ 0x001200a9
#undef FILE_READ_DATA
#define FILE_READ_DATA 0x00000001
#define READ_CONTROL 0x00020000
#define SYSTEM_SECURITY 0x01000000
#define WDAC PROFILEACL_STD_WRITE_DAC
#define WOWN PROFILEACL_STD_WRITE_OWNER
#define MAXA PROFILEACL_FLAG_MAXIMUM_ALLOWED

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
		.create_disposition = PROFILEACL_FILE_OPEN,
		.grantable = WDAC,
		.object = PROFILEACL_OBJ_OWN,
	};
}

static void
expect(struct profileacl_request *r, uint32_t bits, enum profileacl_reason why)
{
	enum profileacl_reason reason = PROFILEACL_GRANTED + 100;
	uint32_t got = profileacl_grant(r, NULL, &reason);

	assert_int_equal(got, bits);
	assert_int_equal(reason, why);
}

static void test_owner_write_dac_granted(void **state UNUSED)
{
	struct profileacl_request r = owner_request();

	expect(&r, WDAC, PROFILEACL_GRANTED);
}

static void test_maximum_allowed_granted(void **state UNUSED)
{
	struct profileacl_request r = owner_request();

	r.access_mask = MAXA;
	expect(&r, WDAC, PROFILEACL_GRANTED);

	/* MAXIMUM_ALLOWED never fails on missing bits: still granted */
	r.access_mask = MAXA | SYSTEM_SECURITY;
	expect(&r, WDAC, PROFILEACL_GRANTED);
}

static void test_plain_open_not_asked(void **state UNUSED)
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

static void test_each_bit(void **state UNUSED)
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

static void test_write_owner_not_configured(void **state UNUSED)
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

static void test_generic_all(void **state UNUSED)
{
	struct profileacl_request r = owner_request();

	r.access_mask = map(SEC_GENERIC_ALL);
	expect(&r, 0, PROFILEACL_WOULD_FAIL);

	r.grantable = PROFILEACL_GRANTABLE;
	expect(&r, PROFILEACL_GRANTABLE, PROFILEACL_GRANTED);
}

static void test_grantable_is_capped(void **state UNUSED)
{
	struct profileacl_request r = owner_request();

	r.access_mask = MAXA;
	r.grantable = 0xffffffff;
	expect(&r, PROFILEACL_GRANTABLE, PROFILEACL_GRANTED);

	r.grantable = 0;
	expect(&r, 0, PROFILEACL_NO_CONFIG);
}

static void test_share_already_has_it(void **state UNUSED)
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

static void test_guest(void **state UNUSED)
{
	struct profileacl_request r = owner_request();

	r.guest = true;
	expect(&r, 0, PROFILEACL_GUEST);
	r.access_mask = MAXA;
	expect(&r, 0, PROFILEACL_GUEST);
}

/* admin users run as root, and smbd skips the file ACL check for root */
static void test_root(void **state UNUSED)
{
	struct profileacl_request r = owner_request();

	r.root = true;
	expect(&r, 0, PROFILEACL_ROOT);
	r.access_mask = MAXA;
	expect(&r, 0, PROFILEACL_ROOT);
	r.object = PROFILEACL_OBJ_ABSENT;
	r.create_disposition = PROFILEACL_FILE_CREATE;
	expect(&r, 0, PROFILEACL_ROOT);
}

/* inherit owner: a create is decided by who will own the new object */
static void test_inherit_owner(void **state UNUSED)
{
	struct profileacl_request r = owner_request();

	r.object = PROFILEACL_OBJ_ABSENT;
	r.create_disposition = PROFILEACL_FILE_CREATE;
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
	r.create_disposition = PROFILEACL_FILE_OPEN_IF;
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
static void test_own_is_the_most(void **state UNUSED)
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
		for (d = 0; d <= PROFILEACL_FILE_OVERWRITE_IF; d++) {
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
							r.create_disposition =
								d;
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

static void test_forced_user(void **state UNUSED)
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
static void test_forced_group(void **state UNUSED)
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

static void test_read_only(void **state UNUSED)
{
	struct profileacl_request r = owner_request();

	r.read_only = true;
	expect(&r, 0, PROFILEACL_READ_ONLY);
}

static void test_read_share_acl(void **state UNUSED)
{
	struct profileacl_request r = owner_request();

	r.share_mask = SHARE_READ;
	expect(&r, 0, PROFILEACL_NO_WRITE_SHARE);
	r.access_mask = MAXA;
	expect(&r, 0, PROFILEACL_NO_WRITE_SHARE);

	/* any one write bit missing is enough */
	r.share_mask = SHARE_CHANGE & ~PROFILEACL_FILE_APPEND_DATA;
	expect(&r, 0, PROFILEACL_NO_WRITE_SHARE);
}

static void test_would_fail(void **state UNUSED)
{
	struct profileacl_request r = owner_request();

	r.access_mask = WDAC | SYSTEM_SECURITY;
	expect(&r, 0, PROFILEACL_WOULD_FAIL);
}

/*
 * A deny ACE of the share ACL is the admin's word: only the rights the
 * share ACL leaves out are added, never one it denies this session.
 */
static void test_share_denies(void **state UNUSED)
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

static void test_outside_profile(void **state UNUSED)
{
	struct profileacl_request r = owner_request();

	r.outside_profile = true;
	expect(&r, 0, PROFILEACL_OUTSIDE_PROFILE);
}

static void test_objects(void **state UNUSED)
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

static void test_dispositions(void **state UNUSED)
{
	struct {
		uint32_t disposition;
		uint32_t absent; /* bits for an absent object */
	} cases[] = {
		{PROFILEACL_FILE_SUPERSEDE, WDAC},
		{PROFILEACL_FILE_OPEN, 0},
		{PROFILEACL_FILE_CREATE, WDAC},
		{PROFILEACL_FILE_OPEN_IF, WDAC},
		{PROFILEACL_FILE_OVERWRITE, 0},
		{PROFILEACL_FILE_OVERWRITE_IF, WDAC},
		{6, 0},
		{0xffffffff, 0},
	};
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct profileacl_request r = owner_request();

		r.create_disposition = cases[i].disposition;

		r.object = PROFILEACL_OBJ_ABSENT;
		expect(&r,
		       cases[i].absent,
		       cases[i].absent ? PROFILEACL_GRANTED
				       : PROFILEACL_NOT_CREATED);

		/* an existing object: ownership alone decides */
		r.object = PROFILEACL_OBJ_OWN;
		expect(&r, WDAC, PROFILEACL_GRANTED);
		r.object = PROFILEACL_OBJ_OTHER;
		expect(&r, 0, PROFILEACL_NOT_OWNER);
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
static void test_lookups_only_when_needed(void **state UNUSED)
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

static void test_post_open(void **state UNUSED)
{
	/* nothing granted: never touched */
	assert_int_equal(profileacl_post_open(WDAC, 0, false),
			 PROFILEACL_POST_KEEP);
	/* owner verified on the handle */
	assert_int_equal(profileacl_post_open(WDAC, WDAC, true),
			 PROFILEACL_POST_KEEP);
	assert_int_equal(profileacl_post_open(MAXA, WDAC, true),
			 PROFILEACL_POST_KEEP);
	/* someone else's object behind the name */
	assert_int_equal(profileacl_post_open(WDAC, WDAC, false),
			 PROFILEACL_POST_DENY);
	assert_int_equal(profileacl_post_open(map(SEC_GENERIC_ALL),
					      PROFILEACL_GRANTABLE,
					      false),
			 PROFILEACL_POST_DENY);
	/* as stock smbd: MAXIMUM_ALLOWED masks explicit bits too */
	assert_int_equal(profileacl_post_open(MAXA | WDAC, WDAC, false),
			 PROFILEACL_POST_STRIP);
	assert_int_equal(profileacl_post_open(MAXA, WDAC, false),
			 PROFILEACL_POST_STRIP);
	assert_int_equal(profileacl_post_open(MAXA | WOWN, WDAC, false),
			 PROFILEACL_POST_STRIP);
}

static void test_strings(void **state UNUSED)
{
	enum profileacl_reason reason;

	for (reason = PROFILEACL_NOT_ASKED; reason <= PROFILEACL_SHARE_DENIES;
	     reason++) {
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
static void test_cookie_envelope(void **state UNUSED)
{
	uint8_t buf[64];
	size_t n = PROFILEACL_COOKIE_MAGIC_LEN;

	memcpy(buf, PROFILEACL_COOKIE_MAGIC, n);
	memcpy(buf + n, "VFS_DEFAULT_DURABLE_COOKIE", 26);
	assert_int_equal(profileacl_cookie_envelope(buf, n + 26), n);
	assert_int_equal(profileacl_cookie_envelope(buf, n), n);
	assert_int_equal(profileacl_cookie_envelope(buf, n - 1), 0);
	assert_int_equal(profileacl_cookie_envelope(buf + n, 26), 0);
	assert_int_equal(profileacl_cookie_envelope(NULL, 0), 0);
	buf[0] ^= 1;
	assert_int_equal(profileacl_cookie_envelope(buf, n + 26), 0);
}

static void test_option_names(void **state UNUSED)
{
	assert_true(profileacl_option_known("grant"));
	assert_true(profileacl_option_known("Grant"));
	assert_true(profileacl_option_known("profile dirs"));
	assert_true(profileacl_option_known("profiledirs"));
	assert_true(profileacl_option_known(" Profile  Dirs "));
	assert_true(profileacl_option_known("audit"));
	assert_true(profileacl_option_known("syslog"));
	assert_true(profileacl_option_known("Facility"));
	assert_true(profileacl_option_known("priority"));
	assert_false(profileacl_option_known("grnat"));
	assert_false(profileacl_option_known("sys log facility"));
	assert_false(profileacl_option_known("grants"));
	assert_false(profileacl_option_known("profile dir"));
	assert_false(profileacl_option_known(""));
	assert_false(profileacl_option_known(NULL));
}

static void test_parse_syslog(void **state UNUSED)
{
	int v = -1;

	assert_true(profileacl_parse_facility("USER", &v));
	assert_int_equal(v, LOG_USER);
	assert_true(profileacl_parse_facility("local5", &v));
	assert_int_equal(v, LOG_LOCAL5);
	assert_true(profileacl_parse_facility("LOCAL7", &v));
	assert_int_equal(v, LOG_LOCAL7);
	v = -1;
	/* not what full_audit offers, nor a number: refused, untouched */
	assert_false(profileacl_parse_facility("AUTH", &v));
	assert_false(profileacl_parse_facility("LOCAL8", &v));
	assert_false(profileacl_parse_facility("8", &v));
	assert_false(profileacl_parse_facility("", &v));
	assert_false(profileacl_parse_facility(NULL, &v));
	assert_int_equal(v, -1);

	assert_true(profileacl_parse_priority("NOTICE", &v));
	assert_int_equal(v, LOG_NOTICE);
	assert_true(profileacl_parse_priority("emerg", &v));
	assert_int_equal(v, LOG_EMERG);
	assert_true(profileacl_parse_priority("Debug", &v));
	assert_int_equal(v, LOG_DEBUG);
	assert_true(profileacl_parse_priority("WARNING", &v));
	assert_int_equal(v, LOG_WARNING);
	v = -1;
	assert_false(profileacl_parse_priority("WARN", &v));
	assert_false(profileacl_parse_priority("LOCAL0", &v));
	assert_false(profileacl_parse_priority(NULL, &v));
	assert_int_equal(v, -1);
}

static void test_log_escape(void **state UNUSED)
{
	TALLOC_CTX *ctx = talloc_new(NULL);

	assert_string_equal(profileacl_log_escape(ctx, "alice/NTUSER.DAT"),
			    "alice/NTUSER.DAT");
	/* a name cannot end its quoted field or start a line */
	assert_string_equal(profileacl_log_escape(ctx,
						  "x\" user=\"bob\nprofileacl "
						  "audit: grant"),
			    "x\\x22 user=\\x22bob\\x0aprofileacl audit: grant");
	assert_string_equal(profileacl_log_escape(ctx, "D\\u\tc\x7f"),
			    "D\\x5cu\\x09c\\x7f");
	/*
	 * every backslash starts an escape: a name holding the four
	 * characters \x22 reads back as them, not as a quote
	 */
	assert_string_equal(profileacl_log_escape(ctx, "a\\x22b"),
			    "a\\x5cx22b");
	assert_string_equal(profileacl_log_escape(ctx, "\\\\"), "\\x5c\\x5c");
	/* UTF-8 stays readable, spaces too (the field is quoted) */
	assert_string_equal(profileacl_log_escape(ctx, "j\xc3\xbcrgen smith"),
			    "j\xc3\xbcrgen smith");
	assert_string_equal(profileacl_log_escape(ctx, ""), "");
	assert_string_equal(profileacl_log_escape(ctx, NULL), "(null)");
	TALLOC_FREE(ctx);
}

static void test_parse_grant(void **state UNUSED)
{
	const char *dac[] = {"write_dac", NULL};
	const char *both[] = {"WRITE_DAC", "write_owner", NULL};
	const char *own[] = {"write_owner", NULL};
	const char *twice[] = {"write_dac", "write_dac", NULL};
	const char *bad[] = {"write_dac", "read_data", NULL};
	const char *full[] = {"full", NULL};
	const char *empty[] = {NULL};
	const char *why = "unset";
	uint32_t g = 0;

	assert_true(profileacl_parse_grant(dac, &g, &why));
	assert_int_equal(g, WDAC);
	assert_true(profileacl_parse_grant(both, &g, &why));
	assert_int_equal(g, WDAC | WOWN);
	assert_true(profileacl_parse_grant(own, &g, &why));
	assert_int_equal(g, WOWN);
	assert_true(profileacl_parse_grant(twice, &g, &why));
	assert_int_equal(g, WDAC);

	g = 1234;
	assert_false(profileacl_parse_grant(bad, &g, &why));
	assert_string_equal(why, "read_data");
	assert_int_equal(g, 1234);
	assert_false(profileacl_parse_grant(full, &g, &why));
	assert_string_equal(why, "full");
	assert_false(profileacl_parse_grant(empty, &g, &why));
	assert_null(why);
	assert_false(profileacl_parse_grant(NULL, &g, &why));
	assert_null(why);
}

static void expect_subst(const char *raw, const char *account, const char *want)
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
static void test_subst_account(void **state UNUSED)
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

static void test_pattern_valid(void **state UNUSED)
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

static void test_wild_match(void **state UNUSED)
{
	assert_true(profileacl_wild_match("ann", "ann"));
	assert_true(profileacl_wild_match("ann", "ANN"));
	assert_false(profileacl_wild_match("ann", "anna"));
	assert_false(profileacl_wild_match("anna", "ann"));
	assert_true(profileacl_wild_match("ann*", "anna"));
	assert_true(profileacl_wild_match("ann.V?", "ann.V6"));
	assert_true(profileacl_wild_match("ann.V?", "Ann.v2"));
	assert_false(profileacl_wild_match("ann.V?", "ann.V10"));
	assert_false(profileacl_wild_match("ann.V?", "ann.V"));
	assert_true(profileacl_wild_match("*", ""));
	assert_true(profileacl_wild_match("*a*b*c", "xxaybzzc"));
	assert_false(profileacl_wild_match("*a*b*c", "xxaybzzcd"));
	assert_true(profileacl_wild_match("a**b", "ab"));
	assert_false(profileacl_wild_match("", "a"));
	assert_true(profileacl_wild_match("", ""));
	/* Unicode case folding, as Windows names fold */
	assert_true(profileacl_wild_match("J\xc3\xb6rg", "J\xc3\x96RG"));
	assert_true(profileacl_wild_match("\xc3\xa9lodie", "\xc3\x89LODIE"));
	assert_true(profileacl_wild_match("\xd0\xb0\xd0\xbd\xd0\xbd\xd0\xb0",
					  "\xd0\x90\xd0\x9d\xd0\x9d\xd0\x90"));
	/* ? is one character, not one byte */
	assert_true(profileacl_wild_match("J?rg", "J\xc3\xb6rg"));
	assert_false(profileacl_wild_match("J??rg", "J\xc3\xb6rg"));
	assert_true(profileacl_wild_match("Anna Maria", "anna maria"));
	assert_false(profileacl_wild_match("Anna", "Anna Maria"));
	assert_false(profileacl_wild_match(NULL, "a"));
	assert_false(profileacl_wild_match("a", NULL));
}

static void test_in_profile_dirs(void **state UNUSED)
{
	const char *ann[] = {"ann", "ann.V2", "ann.V5", "ann.V6", NULL};
	const char *none[] = {NULL};

	assert_true(profileacl_in_profile_dirs("ann", ann));
	assert_true(profileacl_in_profile_dirs("ann/NTUSER.DAT", ann));
	assert_true(profileacl_in_profile_dirs("ANN/ntuser.dat", ann));
	assert_true(profileacl_in_profile_dirs("ann.V6", ann));
	assert_true(profileacl_in_profile_dirs("ann.V6/AppData/x", ann));
	assert_true(profileacl_in_profile_dirs("/ann/x", ann));
	assert_false(profileacl_in_profile_dirs("anna", ann));
	assert_false(profileacl_in_profile_dirs("anna/NTUSER.DAT", ann));
	assert_false(profileacl_in_profile_dirs("ann.V3", ann));
	assert_false(profileacl_in_profile_dirs("bob/ann", ann));
	assert_false(profileacl_in_profile_dirs("", ann));
	assert_false(profileacl_in_profile_dirs(".", ann));
	{
		/* wildcards never match the share root */
		const char *star[] = {"*", NULL};
		const char *q[] = {"?", NULL};
		const char *qq[] = {"??", NULL};

		assert_false(profileacl_in_profile_dirs(".", star));
		assert_false(profileacl_in_profile_dirs("./x", star));
		assert_false(profileacl_in_profile_dirs("", star));
		assert_false(profileacl_in_profile_dirs("..", star));
		assert_false(profileacl_in_profile_dirs(".", q));
		assert_false(profileacl_in_profile_dirs("..", qq));
		assert_true(profileacl_in_profile_dirs("ann", star));
		assert_true(profileacl_in_profile_dirs(".ann", star));
		assert_true(profileacl_in_profile_dirs("a", q));
	}
	assert_false(profileacl_in_profile_dirs(NULL, ann));
	{
		/* %U of "Anna Maria" is one pattern, not two */
		const char *anna[] = {"Anna Maria", NULL};
		const char *split[] = {"Anna", "Maria", NULL};

		assert_true(profileacl_in_profile_dirs("Anna Maria/x", anna));
		assert_true(profileacl_in_profile_dirs("ANNA MARIA", anna));
		assert_false(profileacl_in_profile_dirs("Anna Maria/x", split));
	}
	/* no list: ownership alone decides */
	assert_true(profileacl_in_profile_dirs("anything", none));
	assert_true(profileacl_in_profile_dirs("anything", NULL));
}

/*
 * Each "profile dirs" pattern stands on its own: one that cannot be made
 * for the session (NULL) or that substituted to nothing ("") matches no
 * folder, and the patterns after it still count.
 */
static void test_in_made_dirs(void **state UNUSED)
{
	const char *t_then_u[] = {NULL, "alice"};
	const char *u_then_t[] = {"alice", NULL};
	const char *none_made[] = {NULL, NULL};
	const char *empty[] = {"", NULL, "alice.V6"};

	assert_true(profileacl_in_made_dirs("alice/NTUSER.DAT", t_then_u, 2));
	assert_true(profileacl_in_made_dirs("alice", t_then_u, 2));
	assert_true(profileacl_in_made_dirs("alice/NTUSER.DAT", u_then_t, 2));
	assert_false(profileacl_in_made_dirs("bob/NTUSER.DAT", t_then_u, 2));
	/* no pattern made: nothing matches (not "no list") */
	assert_false(profileacl_in_made_dirs("alice", none_made, 2));
	assert_false(profileacl_in_made_dirs("alice", none_made, 0));
	assert_false(profileacl_in_made_dirs("alice", empty, 2));
	assert_true(profileacl_in_made_dirs("ALICE.V6/x", empty, 3));
	/* the share root lies in no folder */
	assert_false(profileacl_in_made_dirs("", t_then_u, 2));
	assert_false(profileacl_in_made_dirs(".", t_then_u, 2));
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

static void test_gnu_build_id(void **state UNUSED)
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

/* "vfs objects" entries name modules as vfs_init_custom() reads them */
static void test_vfs_object_is(void **state UNUSED)
{
	assert_true(profileacl_vfs_object_is("fake_perms", "fake_perms"));
	assert_true(profileacl_vfs_object_is("FAKE_PERMS", "fake_perms"));
	assert_true(profileacl_vfs_object_is("fake_perms:x", "fake_perms"));
	assert_true(profileacl_vfs_object_is(" fake_perms : x", "fake_perms"));
	assert_true(profileacl_vfs_object_is("/usr/lib/samba/vfs/fake_perms.so",
					     "fake_perms"));
	assert_true(
		profileacl_vfs_object_is("/x/fake_perms.so:p", "fake_perms"));
	assert_false(profileacl_vfs_object_is("fake_perms2", "fake_perms"));
	assert_false(profileacl_vfs_object_is("fake", "fake_perms"));
	assert_false(profileacl_vfs_object_is("acl_xattr", "fake_perms"));
	assert_false(profileacl_vfs_object_is("/fake_perms/acl_xattr.so",
					      "fake_perms"));
	assert_true(profileacl_vfs_object_is("/fake_perms.so", "fake_perms"));
	assert_true(profileacl_vfs_object_is("/fake_perms ", "fake_perms"));
	assert_false(profileacl_vfs_object_is("/", "fake_perms"));
	assert_false(profileacl_vfs_object_is("/:fake_perms", "fake_perms"));
	assert_false(profileacl_vfs_object_is(NULL, "fake_perms"));
}

/* Outside smbd no libsmbd-base is loaded: the guard says so */
static void test_check_build(void **state UNUSED)
{
	char running[129] = "x";

	assert_int_equal(profileacl_check_build("00", running, sizeof(running)),
			 PROFILEACL_BUILD_NO_LIB);
	assert_string_equal(running, "");
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
		cmocka_unit_test(test_dispositions),
		cmocka_unit_test(test_lookups_only_when_needed),
		cmocka_unit_test(test_post_open),
		cmocka_unit_test(test_strings),
		cmocka_unit_test(test_cookie_envelope),
		cmocka_unit_test(test_option_names),
		cmocka_unit_test(test_parse_grant),
		cmocka_unit_test(test_parse_syslog),
		cmocka_unit_test(test_log_escape),
		cmocka_unit_test(test_pattern_valid),
		cmocka_unit_test(test_wild_match),
		cmocka_unit_test(test_in_profile_dirs),
		cmocka_unit_test(test_in_made_dirs),
		cmocka_unit_test(test_subst_account),
		cmocka_unit_test(test_gnu_build_id),
		cmocka_unit_test(test_check_build),
		cmocka_unit_test(test_vfs_object_is),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
