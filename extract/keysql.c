/*
 * keysql.c - the described columns of a view and the key order
 * (keysql.h).
 */
#include "keysql.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "conn.h"
#include "query.h"
#include "util.h"

int
keysql_describe(DBPROCESS *pDb, const struct ident_list *pView,
    const struct ident_list *pColumns, const char *zServer,
    struct keysql_cols *pC, char **pzErr)
{
	struct buf s = {0};
	struct fmt_colinfo info;
	const char *zName, *zWhy;
	char *zConn = NULL;
	size_t i;
	int rc, k, notnull, bCols = 0;

	memset(pC, 0, sizeof *pC);
	pC->tds5 = conn_tds5(pDb);
	query_add(&s, "SELECT ");
	for (i = 0; pColumns != NULL && i < pColumns->n; i++) {
		query_add(&s, i ? ", " : "");
		query_add_ident(&s, pColumns->az[i]);
	}
	query_add(
	    &s, pColumns != NULL && pColumns->n > 0 ? " FROM " : "* FROM ");
	for (i = 0; i < pView->n; i++) {
		query_add(&s, i ? "." : "");
		query_add_ident(&s, pView->az[i]);
	}
	query_add(&s, " WHERE 1 = 0");
	rc = conn_exec(pDb, s.z, &zConn);
	buf_free(&s);
	if (rc == 0 && (rc = conn_next_result(pDb, &bCols, &zConn)) == 0 &&
	    !bCols)
		rc = conn_fail(&zConn);
	if (rc != 0)
		goto server_failed;
	pC->nCol = dbnumcols(pDb);
	pC->aCol = util_calloc((size_t)pC->nCol + 1, sizeof *pC->aCol);
	pC->azName = util_calloc((size_t)pC->nCol + 1, sizeof *pC->azName);
	pC->aNotNull = util_calloc((size_t)pC->nCol + 1, sizeof *pC->aNotNull);
	for (k = 0; k < pC->nCol; k++) {
		rc = conn_column(pDb, k + 1, &zName, &notnull, &info, &zConn);
		if (rc != 0)
			goto server_failed;
		pC->azName[k] = util_strdup(zName);
		pC->aNotNull[k] = notnull;
		if (fmt_describe(&info, &pC->aCol[k], &zWhy) != 0)
			return util_fail(pzErr, DBS_EXIT_FAIL,
			    "%s: column \"%s\": %s is not supported", zServer,
			    zName, zWhy);
	}
	while ((rc = conn_next_result(pDb, &bCols, &zConn)) == 0 && bCols)
		;
	if (rc == 0)
		return 0;
server_failed:
	util_fail(pzErr, rc, "%s: %s", zServer, zConn);
	free(zConn);
	return rc;
}

void
keysql_cols_clear(struct keysql_cols *pC)
{
	int k;

	for (k = 0; pC->azName != NULL && k < pC->nCol; k++)
		free(pC->azName[k]);
	free(pC->azName);
	free(pC->aCol);
	free(pC->aNotNull);
	memset(pC, 0, sizeof *pC);
}

int
keysql_find(const struct keysql_cols *pC, const char *zName)
{
	int k, iFound = -1;

	for (k = 0; k < pC->nCol; k++) {
		if (strcmp(pC->azName[k], zName) == 0)
			return k;
		if (strcasecmp(pC->azName[k], zName) == 0)
			iFound = iFound == -1 ? k : -2;
	}
	return iFound < 0 ? -1 : iFound;
}

/* Is the source type a Unicode character type (nchar, nvarchar,
 * sysname)? */
static int
is_nchar(const char *zSource)
{
	return strncmp(zSource, "nchar", 5) == 0 ||
	    strncmp(zSource, "nvarchar", 8) == 0 ||
	    strcmp(zSource, "sysname") == 0;
}

void
keysql_term(struct buf *pB, const struct keysql_cols *pC, int iCol)
{
	const struct fmt_col *pCol = &pC->aCol[iCol];
	const char *zParen;
	long n;

	if (pC->tds5 ||
	    (pCol->type.kind != DTYPE_TEXT && pCol->type.kind != DTYPE_UUID)) {
		query_add_ident(pB, pC->azName[iCol]);
		return;
	}
	if (pCol->type.kind == DTYPE_UUID) {
		query_add(pB, "CONVERT(char(36), ");
		query_add_ident(pB, pC->azName[iCol]);
		query_add(pB, ") COLLATE Latin1_General_BIN2");
		return;
	}
	if (is_nchar(pCol->zSource)) {
		query_add_ident(pB, pC->azName[iCol]);
		query_add(pB, " COLLATE Latin1_General_BIN2");
		return;
	}
	/* char, varchar: as Unicode, in code point order */
	zParen = strchr(pCol->zSource, '(');
	n = zParen != NULL ? strtol(zParen + 1, NULL, 10) : 0;
	query_add(pB, "CAST(");
	query_add_ident(pB, pC->azName[iCol]);
	query_add(
	    pB, n > 0 && n <= 4000 ? " AS nvarchar(" : " AS nvarchar(max");
	if (n > 0 && n <= 4000) {
		char z[16];

		snprintf(z, sizeof z, "%ld", n);
		query_add(pB, z);
	}
	query_add(pB, ")) COLLATE Latin1_General_BIN2");
}

int
keysql_literal(struct buf *pB, const struct keysql_cols *pC, int iCol,
    const char *z, size_t n, const char **pzWhy)
{
	const struct fmt_col *pCol = &pC->aCol[iCol];
	char *zLit;
	size_t i;

	if (memchr(z, 0, n) != NULL) {
		*pzWhy = "a key value holds U+0000, which a SQL literal "
		         "cannot carry";
		return -1;
	}
	if (pCol->type.kind == DTYPE_TEXT || pCol->type.kind == DTYPE_UUID) {
		query_add(pB,
		    !pC->tds5 && pCol->type.kind == DTYPE_TEXT ? "N'" : "'");
		for (i = 0; i < n; i++) {
			buf_append(pB, &z[i], 1);
			if (z[i] == '\'')
				buf_append(pB, "'", 1);
		}
		query_add(pB, "'");
		return 0;
	}
	zLit = query_literal(pCol, z, pC->tds5, pzWhy);
	if (zLit == NULL)
		return -1;
	query_add(pB, zLit);
	free(zLit);
	return 0;
}

int
keysql_rangeable(const struct keysql_cols *pC, int iCol)
{
	switch (pC->aCol[iCol].type.kind) {
	case DTYPE_INT:
	case DTYPE_BOOL:
	case DTYPE_TEXT:
	case DTYPE_UUID:
	case DTYPE_DATE:
	case DTYPE_TIME:
	case DTYPE_DATETIME:
		return 1;
	default:
		return 0;
	}
}

/* The value of a canonical int text. */
static int64_t
int_of(const struct stream_field *pF)
{
	int64_t v = 0;

	util_parse_i64(pF->z, INT64_MIN, INT64_MAX, &v);
	return v;
}

int
keysql_cmp(const struct keysql_cols *pC, const int *aiKey, size_t nKey,
    const struct stream_field *aA, const struct stream_field *aB)
{
	enum dtype_kind kind;
	int64_t a, b;
	size_t k, n;
	int c;

	for (k = 0; k < nKey; k++) {
		kind = pC->aCol[aiKey[k]].type.kind;
		if (kind == DTYPE_INT || kind == DTYPE_BOOL) {
			a = int_of(&aA[k]);
			b = int_of(&aB[k]);
			if (a != b)
				return a < b ? -1 : 1;
			continue;
		}
		n = aA[k].n < aB[k].n ? aA[k].n : aB[k].n;
		c = memcmp(aA[k].z, aB[k].z, n);
		if (c != 0)
			return c < 0 ? -1 : 1;
		if (aA[k].n != aB[k].n)
			return aA[k].n < aB[k].n ? -1 : 1;
	}
	return 0;
}
