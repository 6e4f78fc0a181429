/*
 * libFuzzer harness: the profile dirs patterns and matcher of vfs_profileacl,
 * checked against a plain reference matcher.
 *
 * Input: NUL-separated strings: a pattern, then a name (also the account
 * for %U); all of them are the list of profile dirs.
 */

#include "includes.h"
#include "smbd/smbd.h"
#include "profileacl_core.h"

#define MAX_WORDS 16

/* a broken promise is a crash: libFuzzer keeps the input */
static void promise(bool held)
{
	if (!held) {
		abort();
	}
}

/* Reference: the obvious recursive matcher, on short inputs only */
static int ref_match(const char *p, const char *n, size_t nlen)
{
	size_t i;

	if (*p == '*') {
		for (i = 0; i <= nlen; i++) {
			if (ref_match(p + 1, n + i, nlen - i)) {
				return 1;
			}
		}
		return 0;
	}
	if (*p == '\0' || nlen == 0) {
		return *p == '\0' && nlen == 0;
	}
	return (*p == '?' ||
		tolower((unsigned char)*p) == tolower((unsigned char)*n)) &&
	       ref_match(p + 1, n + 1, nlen - 1);
}

/* whether the reference can judge s: ASCII, at most max_stars stars */
static bool ref_fits(const char *s, size_t max_stars)
{
	size_t stars = 0;

	for (; *s != '\0'; s++) {
		if ((unsigned char)*s >= 0x80) {
			return false;
		}
		stars += (*s == '*');
	}
	return stars <= max_stars;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *buf = NULL;
	const char *words[MAX_WORDS + 1];
	size_t nwords = 0, i;

	if (size == 0 || size > 4096) {
		return 0;
	}
	buf = malloc(size + 1);
	if (buf == NULL) {
		return 0;
	}
	memcpy(buf, data, size);
	buf[size] = '\0';

	words[nwords++] = buf;
	for (i = 0; i < size && nwords < MAX_WORDS; i++) {
		if (buf[i] == '\0') {
			words[nwords++] = &buf[i + 1];
		}
	}
	words[nwords] = NULL;

	promise(!profileacl_pattern_valid(words[0]) ||
		(strpbrk(words[0], "/\\<>\"") == NULL &&
		 strlen(words[0]) > 0));

	if (nwords >= 2) {
		const char *pattern = words[0];
		const char *name = words[1];
		size_t nlen = strlen(name);
		int got = profileacl_in_dirs(name, &pattern, 1);

		/*
		 * The reference folds ASCII only; Samba's matcher folds
		 * Unicode (tested in the unit tests) and maps ".." to "."
		 */
		promise(strlen(pattern) > 24 || nlen > 24 ||
			!ref_fits(pattern, 4) || !ref_fits(name, SIZE_MAX) ||
			strpbrk(pattern, "<>\"") != NULL ||
			strcmp(name, "..") == 0 || strcmp(name, ".") == 0 ||
			nlen == 0 || strchr(name, '/') != NULL ||
			got == ref_match(pattern, name, nlen));
		/* a path below a matching folder matches as the folder */
		(void)profileacl_in_dirs(name,
					 (const char *const *)words,
					 nwords);
	}

	/*
	 * %U as the account name: with a %U in the pattern, only an
	 * account that names one folder is put in, and exactly there
	 */
	{
		const char *raw = words[0];
		const char *account = words[1];
		char *out = profileacl_subst_account(NULL, raw, account);
		size_t n = 0;
		const char *u = raw;

		for (; (u = strstr(u, "%U")) != NULL; u += 2) {
			n++;
		}
		promise(out == NULL || n == 0 ||
			(account != NULL && account[0] != '\0' &&
			 strpbrk(account, "/\\*?%<>\":|") == NULL &&
			 strlen(out) ==
				 strlen(raw) + n * strlen(account) - 2 * n));
		promise(out == NULL || n > 0 || strcmp(out, raw) == 0);
		talloc_free(out);
	}

	free(buf);
	return 0;
}
