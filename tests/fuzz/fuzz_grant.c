/*
 * libFuzzer harness: the grant decision of vfs_profileacl. Whatever the
 * request, the result must keep the module's promises.
 */

#include "includes.h"
#include "smbd/smbd.h"
#include "profileacl_core.h"

/* a broken promise is a crash: libFuzzer keeps the input */
static void promise(bool held)
{
	if (!held) {
		abort();
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct profileacl_request r;
	enum profileacl_reason reason;
	uint32_t w[5], granted, mapped;
	uint8_t flags;

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
	(void)profileacl_reason_str(reason);
	(void)profileacl_rights_str(granted);

	/* only WRITE_DAC/WRITE_OWNER, only what is configured, only new */
	promise(!(granted & ~(r.grantable & PROFILEACL_GRANTABLE)));
	promise(!(granted & r.share_mask));
	/* never a right a deny ACE of the share ACL refuses */
	promise(!(granted & r.share_denied));
	promise((granted != 0) == (reason == PROFILEACL_GRANTED));
	if (granted == 0) {
		return 0;
	}
	/* never for these */
	promise(!(r.guest || r.read_only || r.forced_user || r.forced_group ||
		  r.outside_profile || r.root));
	/* a new object that will be another's (inherit owner) */
	promise(!(r.object == PROFILEACL_OBJ_ABSENT && r.inherit_owner &&
		  r.parent != PROFILEACL_OBJ_OWN));
	promise(r.object == PROFILEACL_OBJ_OWN ||
		r.object == PROFILEACL_OBJ_ABSENT);
	promise((r.share_mask & PROFILEACL_SHARE_WRITE) ==
		PROFILEACL_SHARE_WRITE);
	/* asked for it, explicitly or by MAXIMUM_ALLOWED */
	promise((mapped & SEC_FLAG_MAXIMUM_ALLOWED) || !(granted & ~mapped));
	/* an absent object is granted only when the open creates it */
	promise(r.object != PROFILEACL_OBJ_ABSENT || r.may_create);
	return 0;
}
