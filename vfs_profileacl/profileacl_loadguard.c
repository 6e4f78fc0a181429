/*
 * vfs_profileacl: the load guard of the out-of-tree module.
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

#include <link.h>
#include <string.h>

#include "profileacl_loadguard.h"

/* libsmbd-base-samba4.so.0 (4.17), libsmbd-base-private-samba.so.0 (4.2x) */
#define PROFILEACL_SMBD_BASE "/libsmbd-base-"

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
		    memcmp(notes + name_off, "GNU", 4) == 0)
		{
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

struct profileacl_build_state {
	char *hex;
	size_t size;
	bool lib_found;
	bool id_found;
};

static int profileacl_find_build_id(struct dl_phdr_info *info,
				    size_t size,
				    void *private_data)
{
	struct profileacl_build_state *state = private_data;
	ElfW(Half) i;

	(void)size;
	if (info->dlpi_name == NULL ||
	    strstr(info->dlpi_name, PROFILEACL_SMBD_BASE) == NULL)
	{
		return 0;
	}
	state->lib_found = true;
	for (i = 0; i < info->dlpi_phnum; i++) {
		const ElfW(Phdr) *ph = &info->dlpi_phdr[i];

		if (ph->p_type != PT_NOTE) {
			continue;
		}
		if (profileacl_gnu_build_id((const uint8_t *)(info->dlpi_addr +
							      ph->p_vaddr),
					    ph->p_memsz,
					    state->hex,
					    state->size))
		{
			state->id_found = true;
			break;
		}
	}
	return 1;
}

enum profileacl_build profileacl_check_build(const char *expected,
					     char *running,
					     size_t size)
{
	struct profileacl_build_state state = {
		.hex = running,
		.size = size,
	};

	if (size == 0) {
		return PROFILEACL_BUILD_NO_ID;
	}
	running[0] = '\0';
	dl_iterate_phdr(profileacl_find_build_id, &state);
	if (!state.lib_found) {
		return PROFILEACL_BUILD_NO_LIB;
	}
	if (!state.id_found) {
		running[0] = '\0';
		return PROFILEACL_BUILD_NO_ID;
	}
	return strcmp(running, expected) == 0 ? PROFILEACL_BUILD_MATCH
					      : PROFILEACL_BUILD_OTHER;
}
