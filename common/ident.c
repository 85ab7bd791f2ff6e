/*
 * ident.c - the identifier grammar of ident.h: parsing bare and
 * bracketed names and lists, quoting, and the display form.
 */
#include "ident.h"

#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "util.h"

static void
list_add(struct ident_list *pL, const char *z, size_t n)
{
	pL->az = util_realloc(pL->az, (pL->n + 1) * sizeof *pL->az);
	pL->az[pL->n++] = util_strndup(z, n);
}

void
ident_list_clear(struct ident_list *pL)
{
	size_t i;

	for (i = 0; i < pL->n; i++)
		free(pL->az[i]);
	free(pL->az);
	pL->az = NULL;
	pL->n = 0;
}

static int
is_blank(char c)
{
	return c == ' ' || c == '\t';
}

/*
 * Read one identifier at *pz, stopping at cStop (or the end). Appends it
 * to pL and advances *pz past it (not past cStop). Returns 0 or -1.
 */
static int
read_ident(
    const char **pz, char cStop, struct ident_list *pL, const char **pzWhy)
{
	const char *z = *pz;
	char *zBuf;
	size_t n = 0;

	while (is_blank(*z))
		z++;
	if (*z == '[') {
		zBuf = util_malloc(strlen(z) + 1);
		for (z++;; z++) {
			if (*z == '\0') {
				free(zBuf);
				*pzWhy = "missing ']'";
				return -1;
			}
			if (*z == ']' && z[1] != ']')
				break;
			if (*z == ']')
				z++;
			zBuf[n++] = *z;
		}
		z++;
		while (is_blank(*z))
			z++;
		if (n == 0 || (*z != '\0' && *z != cStop)) {
			free(zBuf);
			*pzWhy = n == 0 ? "empty name" : "junk after ']'";
			return -1;
		}
		list_add(pL, zBuf, n);
		free(zBuf);
	} else {
		const char *zStart = z;

		while (*z && *z != cStop && !strchr(".,[]", *z) &&
		    (unsigned char)*z >= 0x20 && *z != 0x7f)
			z++;
		n = (size_t)(z - zStart);
		while (n > 0 && is_blank(zStart[n - 1]))
			n--;
		if (*z != '\0' && *z != cStop) {
			*pzWhy = "unexpected character in a name (use "
			         "[brackets])";
			return -1;
		}
		if (n == 0) {
			*pzWhy = "empty name";
			return -1;
		}
		list_add(pL, zStart, n);
	}
	*pz = z;
	return 0;
}

int
ident_parse_list(
    const char *z, char cSep, struct ident_list *pL, const char **pzWhy)
{
	memset(pL, 0, sizeof *pL);
	for (;;) {
		if (read_ident(&z, cSep, pL, pzWhy) != 0) {
			ident_list_clear(pL);
			return -1;
		}
		if (*z == '\0')
			return 0;
		z++; /* the separator */
	}
}

int
ident_parse_since(
    const char *z, char **pzCol, char **pzValue, const char **pzWhy)
{
	struct ident_list l = {0};

	if (read_ident(&z, '=', &l, pzWhy) != 0)
		return -1;
	if (*z != '=') {
		ident_list_clear(&l);
		*pzWhy = "expected COLUMN=VALUE";
		return -1;
	}
	*pzCol = l.az[0];
	free(l.az);
	*pzValue = util_strdup(z + 1);
	return 0;
}

char *
ident_quote(const char *zIdent)
{
	size_t n = strlen(zIdent), i, k = 0;
	char *z = util_malloc(2 * n + 3);

	z[k++] = '[';
	for (i = 0; i < n; i++) {
		z[k++] = zIdent[i];
		if (zIdent[i] == ']')
			z[k++] = ']';
	}
	z[k++] = ']';
	z[k] = '\0';
	return z;
}

/* Append the NUL-terminated z to *pB, keeping it NUL-terminated. */
static void
add_str(struct buf *pB, const char *z)
{
	buf_append(pB, z, strlen(z) + 1);
	pB->n--; /* the NUL stays, uncounted */
}

char *
ident_display(const struct ident_list *pL, char cSep)
{
	struct buf s = {0};
	struct ident_list one;
	const char *zWhy;
	char zSep[2] = {cSep, '\0'};
	size_t i;

	add_str(&s, "");
	for (i = 0; i < pL->n; i++) {
		const char *z = pL->az[i];
		int parsed = ident_parse_list(z, cSep, &one, &zWhy) == 0;
		int bare = parsed && one.n == 1 && strcmp(one.az[0], z) == 0;

		if (parsed)
			ident_list_clear(&one);
		if (i > 0)
			add_str(&s, zSep);
		if (bare)
			add_str(&s, z);
		else {
			char *zQ = ident_quote(z);

			add_str(&s, zQ);
			free(zQ);
		}
	}
	return buf_detach(&s, NULL);
}
