/*
 * libFuzzer harness: the grant decision of vfs_profileacl. Whatever the
 * request, the result must keep the module's promises.
 */

#include "includes.h"
#include "smbd/smbd.h"
#include "profileacl_core.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct profileacl_request r;
	enum profileacl_reason reason;
	uint32_t w[5];
	uint8_t flags;
	uint32_t granted;
	uint32_t mapped;

	if (size < sizeof(w) + 2) {
		return 0;
	}
	memcpy(w, data, sizeof(w));
	flags = data[sizeof(w)];

	r = (struct profileacl_request){
		.access_mask = w[0],
		.share_mask = w[1],
		.may_create = w[2] & 1,
		.grantable = w[3],
		.share_denied = w[4],
		.guest = flags & 1,
		.read_only = flags & 2,
		.forced_user = flags & 4,
		.outside_profile = flags & 8,
		.root = flags & 16,
		.inherit_owner = flags & 32,
		.forced_group = flags & 64,
		.object = (enum profileacl_object)(data[sizeof(w) + 1] % 5),
		.parent = (enum profileacl_object)((data[sizeof(w) + 1] / 5) %
						   5),
	};

	/* the glue maps generic rights first (se_map_generic) */
	granted = profileacl_grant(&r, NULL, &reason);
	mapped = r.access_mask;

	/* only WRITE_DAC/WRITE_OWNER, only what is configured, only new */
	if (granted & ~(r.grantable & PROFILEACL_GRANTABLE)) {
		abort();
	}
	if (granted & r.share_mask) {
		abort();
	}
	/* never a right a deny ACE of the share ACL refuses */
	if (granted & r.share_denied) {
		abort();
	}
	if ((granted != 0) != (reason == PROFILEACL_GRANTED)) {
		abort();
	}
	if (granted != 0) {
		/* never for these */
		if (r.guest || r.read_only || r.forced_user ||
		    r.forced_group || r.outside_profile || r.root)
		{
			abort();
		}
		/* a new object that will be another's (inherit owner) */
		if (r.object == PROFILEACL_OBJ_ABSENT && r.inherit_owner &&
		    r.parent != PROFILEACL_OBJ_OWN)
		{
			abort();
		}
		if (r.object != PROFILEACL_OBJ_OWN &&
		    r.object != PROFILEACL_OBJ_ABSENT) {
			abort();
		}
		if ((r.share_mask & PROFILEACL_SHARE_WRITE) !=
		    PROFILEACL_SHARE_WRITE) {
			abort();
		}
		/* asked for it, explicitly or by MAXIMUM_ALLOWED */
		if (!(mapped & SEC_FLAG_MAXIMUM_ALLOWED) &&
		    (granted & ~mapped) != 0) {
			abort();
		}
		/* an absent object is granted only when the open creates it */
		if (r.object == PROFILEACL_OBJ_ABSENT && !r.may_create) {
			abort();
		}
	}

	(void)profileacl_reason_str(reason);
	(void)profileacl_rights_str(granted);
	return 0;
}
