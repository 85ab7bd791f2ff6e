/*
 * query.c - identifiers and SQL text for dbs-extract. Every identifier
 * that reaches the server is bracket-quoted here; values reach it only as
 * literals built by query_literal() after they were checked against the
 * column's type. Only --where (and --query) are passed verbatim: they are
 * trusted SQL by definition.
 */
#include "query.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "util.h"

static void
list_add(struct query_list *pL, const char *z, size_t n)
{
	pL->az = util_realloc(pL->az, (pL->n + 1) * sizeof *pL->az);
	pL->az[pL->n++] = util_strndup(z, n);
}

void
query_list_clear(struct query_list *pL)
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
    const char **pz, char cStop, struct query_list *pL, const char **pzWhy)
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
query_parse_list(
    const char *z, char cSep, struct query_list *pL, const char **pzWhy)
{
	memset(pL, 0, sizeof *pL);
	for (;;) {
		if (read_ident(&z, cSep, pL, pzWhy) != 0) {
			query_list_clear(pL);
			return -1;
		}
		if (*z == '\0')
			return 0;
		z++; /* the separator */
	}
}

int
query_parse_since(
    const char *z, char **pzCol, char **pzValue, const char **pzWhy)
{
	struct query_list l = {0};

	if (read_ident(&z, '=', &l, pzWhy) != 0)
		return -1;
	if (*z != '=') {
		query_list_clear(&l);
		*pzWhy = "expected COLUMN=VALUE";
		return -1;
	}
	*pzCol = l.az[0];
	free(l.az);
	*pzValue = util_strdup(z + 1);
	return 0;
}

int
query_ase_quotable(const struct query_list *pL, const char **pzBad)
{
	size_t i, n;

	for (i = 0; i < pL->n; i++) {
		n = strlen(pL->az[i]);
		if (strpbrk(pL->az[i], "].") != NULL ||
		    (n > 0 &&
		        (pL->az[i][n - 1] == ' ' ||
		            pL->az[i][n - 1] == '\t'))) {
			*pzBad = pL->az[i];
			return -1;
		}
	}
	return 0;
}

char *
query_quote(const char *zIdent)
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

/* Append z to the SQL being built in *p, keeping it NUL-terminated. */
static void
sql_add(struct buf *p, const char *z)
{
	buf_append(p, z, strlen(z) + 1);
	p->n--; /* the NUL stays, uncounted */
}

static void
sql_ident(struct buf *p, const char *zIdent)
{
	char *z = query_quote(zIdent);

	sql_add(p, z);
	free(z);
}

/* Append identifiers quoted and joined by zSep. */
static void
sql_list(struct buf *p, const struct query_list *pL, const char *zSep)
{
	size_t i;

	for (i = 0; i < pL->n; i++) {
		if (i > 0)
			sql_add(p, zSep);
		sql_ident(p, pL->az[i]);
	}
}

char *
query_display(const struct query_list *pL, char cSep)
{
	struct buf s = {0};
	struct query_list one;
	const char *zWhy;
	char zSep[2] = {cSep, '\0'};
	size_t i;

	sql_add(&s, "");
	for (i = 0; i < pL->n; i++) {
		const char *z = pL->az[i];
		int parsed = query_parse_list(z, cSep, &one, &zWhy) == 0;
		int bare = parsed && one.n == 1 && strcmp(one.az[0], z) == 0;

		if (parsed)
			query_list_clear(&one);
		if (i > 0)
			sql_add(&s, zSep);
		if (bare)
			sql_add(&s, z);
		else
			sql_ident(&s, z);
	}
	return s.z;
}

char *
query_select(const struct query_spec *pQ)
{
	struct buf s = {0};

	sql_add(&s, "SELECT ");
	if (pQ->pColumns && pQ->pColumns->n > 0)
		sql_list(&s, pQ->pColumns, ", ");
	else
		sql_add(&s, "*");
	sql_add(&s, " FROM ");
	sql_list(&s, pQ->pView, ".");
	/* line breaks keep a "--" comment in --where from eating the rest */
	if (pQ->zWhere) {
		sql_add(&s, "\nWHERE (\n");
		sql_add(&s, pQ->zWhere);
		sql_add(&s, "\n)");
	}
	if (pQ->zSinceCol) {
		sql_add(&s, pQ->zWhere ? " AND " : "\nWHERE ");
		sql_ident(&s, pQ->zSinceCol);
		sql_add(&s, " > ");
		sql_add(&s, pQ->zSinceLit);
	}
	if (pQ->pOrder && pQ->pOrder->n > 0) {
		sql_add(&s, "\nORDER BY ");
		sql_list(&s, pQ->pOrder, ", ");
	}
	return s.z;
}

char *
query_probe(const struct query_list *pView, const char *zCol)
{
	struct buf s = {0};

	/* not TOP (0): Sybase ASE does not know it */
	sql_add(&s, "SELECT ");
	sql_ident(&s, zCol);
	sql_add(&s, " FROM ");
	sql_list(&s, pView, ".");
	sql_add(&s, " WHERE 1 = 0");
	return s.z;
}

/* Append z as a string literal, quotes doubled; N'' when bN. */
static void
sql_string(struct buf *p, const char *z, int bN)
{
	char c[2] = {0, 0};

	sql_add(p, bN ? "N'" : "'");
	for (; *z; z++) {
		c[0] = *z;
		sql_add(p, c);
		if (*z == '\'')
			sql_add(p, "'");
	}
	sql_add(p, "'");
}

static int
is_ascii(const char *z)
{
	for (; *z; z++) {
		if ((unsigned char)*z >= 0x80)
			return 0;
	}
	return 1;
}

/* Is the source type a Unicode text type (nchar, sysname, ...)? */
static int
is_unicode(const char *zSource)
{
	return zSource[0] == 'n' || strncmp(zSource, "uni", 3) == 0 ||
	    strcmp(zSource, "sysname") == 0;
}

/* Check a plain decimal number: -?digits[.digits]. */
static int
is_decimal(const char *z)
{
	size_t n;

	if (*z == '-')
		z++;
	n = strspn(z, "0123456789");
	if (n == 0)
		return 0;
	z += n;
	if (*z == '.') {
		z++;
		n = strspn(z, "0123456789");
		if (n == 0)
			return 0;
		z += n;
	}
	return *z == '\0';
}

/*
 * Is z a decimal number that the type holds exactly (no more integer or
 * fraction digits than it has)? A literal converted to the column's type
 * must not be rounded, or the comparison would move.
 */
static int
fits_decimal(const char *z, const struct dtype *pT, const char **pzWhy)
{
	size_t nInt, nFrac = 0;

	if (!is_decimal(z)) {
		*pzWhy = "not a decimal number";
		return 0;
	}
	if (*z == '-')
		z++;
	z += strspn(z, "0");
	nInt = strspn(z, "0123456789");
	if (z[nInt] == '.')
		nFrac = strlen(z + nInt + 1);
	if (nInt > (size_t)(pT->p - pT->s) || nFrac > (size_t)pT->s) {
		*pzWhy = "more digits than the column's type holds";
		return 0;
	}
	return 1;
}

char *
query_literal(const struct fmt_col *pCol, const char *zValue, int tds5,
    const char **pzWhy)
{
	struct buf s = {0};

	switch (pCol->type.kind) {
	case DTYPE_TEXT:
		/* ASE has no N'' literals: its server charset does */
		sql_string(&s, zValue,
		    !tds5 && (is_unicode(pCol->zSource) || !is_ascii(zValue)));
		return s.z;
	case DTYPE_DECIMAL:
		if (!fits_decimal(zValue, &pCol->type, pzWhy))
			return NULL;
		break;
	case DTYPE_BLOB:
		if (strspn(zValue, "0123456789abcdefABCDEF") !=
		        strlen(zValue) ||
		    strlen(zValue) % 2 != 0) {
			*pzWhy = "not hexadecimal digits";
			return NULL;
		}
		sql_add(&s, "0x");
		sql_add(&s, zValue);
		return s.z;
	case DTYPE_REAL:
		if (!is_decimal(zValue) &&
		    dtype_check(&pCol->type, zValue, strlen(zValue), pzWhy) !=
		        0)
			return NULL;
		break;
	default:
		if (dtype_check(&pCol->type, zValue, strlen(zValue), pzWhy) !=
		    0)
			return NULL;
		if (pCol->type.kind == DTYPE_INT ||
		    pCol->type.kind == DTYPE_BOOL) {
			sql_add(&s, zValue);
			return s.z;
		}
		break;
	}
	/* numbers, uuid, dates and times: a conversion to the column's type */
	sql_add(&s, "CONVERT(");
	sql_add(&s, pCol->zSource);
	sql_add(&s, ", ");
	sql_string(&s, zValue, 0);
	if (!tds5 && pCol->type.kind != DTYPE_REAL &&
	    pCol->type.kind != DTYPE_UUID && pCol->type.kind != DTYPE_DECIMAL)
		sql_add(&s, ", 121");
	sql_add(&s, ")");
	return s.z;
}
