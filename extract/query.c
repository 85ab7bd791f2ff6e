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

int
query_ase_quotable(const struct ident_list *pL, const char **pzBad)
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

void
query_add(struct buf *p, const char *z)
{
	buf_append(p, z, strlen(z) + 1);
	p->n--; /* the NUL stays, uncounted */
}

void
query_add_ident(struct buf *p, const char *zIdent)
{
	char *z = ident_quote(zIdent);

	query_add(p, z);
	free(z);
}

/* Append identifiers quoted and joined by zSep. */
static void
sql_list(struct buf *p, const struct ident_list *pL, const char *zSep)
{
	size_t i;

	for (i = 0; i < pL->n; i++) {
		if (i > 0)
			query_add(p, zSep);
		query_add_ident(p, pL->az[i]);
	}
}

char *
query_select(const struct query_spec *pQ)
{
	struct buf s = {0};

	query_add(&s, "SELECT ");
	if (pQ->pColumns && pQ->pColumns->n > 0)
		sql_list(&s, pQ->pColumns, ", ");
	else
		query_add(&s, "*");
	query_add(&s, " FROM ");
	sql_list(&s, pQ->pView, ".");
	/* line breaks keep a "--" comment in --where from eating the rest */
	if (pQ->zWhere) {
		query_add(&s, "\nWHERE (\n");
		query_add(&s, pQ->zWhere);
		query_add(&s, "\n)");
	}
	if (pQ->zSinceCol) {
		query_add(&s, pQ->zWhere ? " AND " : "\nWHERE ");
		query_add_ident(&s, pQ->zSinceCol);
		query_add(&s, " > ");
		query_add(&s, pQ->zSinceLit);
	}
	if (pQ->zOrderSql != NULL) {
		query_add(&s, "\nORDER BY ");
		query_add(&s, pQ->zOrderSql);
	} else if (pQ->pOrder && pQ->pOrder->n > 0) {
		query_add(&s, "\nORDER BY ");
		sql_list(&s, pQ->pOrder, ", ");
	}
	return buf_detach(&s, NULL);
}

char *
query_probe(const struct ident_list *pView, const char *zCol)
{
	struct buf s = {0};

	/* not TOP (0): Sybase ASE does not know it */
	query_add(&s, "SELECT ");
	query_add_ident(&s, zCol);
	query_add(&s, " FROM ");
	sql_list(&s, pView, ".");
	query_add(&s, " WHERE 1 = 0");
	return buf_detach(&s, NULL);
}

/* Append z as a string literal, quotes doubled; N'' when bN. */
static void
sql_string(struct buf *p, const char *z, int bN)
{
	char c[2] = {0, 0};

	query_add(p, bN ? "N'" : "'");
	for (; *z; z++) {
		c[0] = *z;
		query_add(p, c);
		if (*z == '\'')
			query_add(p, "'");
	}
	query_add(p, "'");
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
		if (dtype_check(&pCol->type, zValue, strlen(zValue), pzWhy) !=
		    0)
			return NULL;
		/* ASE has no N'' literals: its server charset does */
		sql_string(&s, zValue,
		    !tds5 && (is_unicode(pCol->zSource) || !is_ascii(zValue)));
		return buf_detach(&s, NULL);
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
		query_add(&s, "0x");
		query_add(&s, zValue);
		return buf_detach(&s, NULL);
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
			query_add(&s, zValue);
			return buf_detach(&s, NULL);
		}
		break;
	}
	/* numbers, uuid, dates and times: a conversion to the column's type */
	query_add(&s, "CONVERT(");
	query_add(&s, pCol->zSource);
	query_add(&s, ", ");
	sql_string(&s, zValue, 0);
	if (!tds5 && pCol->type.kind != DTYPE_REAL &&
	    pCol->type.kind != DTYPE_UUID && pCol->type.kind != DTYPE_DECIMAL)
		query_add(&s, ", 121");
	query_add(&s, ")");
	return buf_detach(&s, NULL);
}

char *
query_canonical(const struct fmt_col *pCol, const char *zValue)
{
	struct buf s = {0};
	char zNum[40];
	const char *z = zValue, *zDot;
	size_t nInt, nFrac, i;
	int neg, nonZero;
	double d;

	switch (pCol->type.kind) {
	case DTYPE_DECIMAL: /* fits_decimal() checked it */
		neg = *z == '-';
		z += neg;
		z += strspn(z, "0");
		zDot = strchr(z, '.');
		nInt = zDot ? (size_t)(zDot - z) : strlen(z);
		nFrac = zDot ? strlen(zDot + 1) : 0;
		nonZero = strspn(z, "0.") != strlen(z);
		query_add(&s, neg && nonZero ? "-" : "");
		buf_append(&s, nInt ? z : "0", nInt ? nInt : 1);
		if (pCol->type.s > 0)
			buf_append(&s, ".", 1);
		if (nFrac > 0)
			buf_append(&s, zDot + 1, nFrac);
		for (i = nFrac; i < (size_t)pCol->type.s; i++)
			buf_append(&s, "0", 1);
		query_add(&s, "");
		return buf_detach(&s, NULL);
	case DTYPE_REAL:
		d = strtod(zValue, NULL);
		if (pCol->kind == FMT_REAL4)
			fmt_num_float((float)d, zNum);
		else
			fmt_num_double(d, zNum);
		return util_strdup(zNum);
	case DTYPE_BLOB:
		query_add(&s, zValue);
		for (i = 0; i < s.n; i++)
			if (s.z[i] >= 'A' && s.z[i] <= 'F')
				s.z[i] = (char)(s.z[i] - 'A' + 'a');
		return buf_detach(&s, NULL);
	default: /* query_literal() required the canonical text */
		return util_strdup(zValue);
	}
}
