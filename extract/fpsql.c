/*
 * fpsql.c - the SQL of a sync by key ranges (fpsql.h).
 */
#include "fpsql.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "keyrange.h"
#include "query.h"
#include "util.h"

#define CONCAT_ARGS 200 /* SQL Server's CONCAT takes at most 254 */
#define IN_CHUNK 1000   /* keys per IN list */

/* The head of a statement of parts' sums: the part, its rows and the
 * sums of fp / 2^32 and fp % 2^32, over a derived table of [_dbs_p] and
 * [_dbs_fp] that the caller writes next. */
#define SUMS_SELECT                                                            \
	"SELECT [_dbs_p], COUNT_BIG(*), "                                      \
	"CAST(SUM([_dbs_fp] / CAST(4294967296 AS bigint)) AS bigint), "        \
	"CAST(SUM([_dbs_fp] % CAST(4294967296 AS bigint)) AS bigint)\n"        \
	"FROM (SELECT "

/* Is column i a character column (its value is text as stored)? */
static int
is_chars(const struct fmt_col *pCol)
{
	return pCol->type.kind == DTYPE_TEXT;
}

/* Append zPre, z and zPost. */
static void
wrap(struct buf *pB, const char *zPre, const char *z, const char *zPost)
{
	query_add(pB, zPre);
	query_add(pB, z);
	query_add(pB, zPost);
}

/* Is the source type of column pCol one of the NULL-ended list? */
static int
source_is(const struct fmt_col *pCol, const char *const *az)
{
	for (; *az != NULL; az++)
		if (strcmp(pCol->zSource, *az) == 0)
			return 1;
	return 0;
}

/* Append the arguments of CONCAT for column i; returns how many. */
static int
column_args(struct buf *pB, const struct keysql_cols *pC, int i)
{
	static const char *const azText[] = {"text", NULL};
	static const char *const azNtext[] = {"ntext", "xml", NULL};
	static const char *const azMoney[] = {"money", "smallmoney", NULL};
	static const char *const azDatetime[] = {
	    "datetime", "smalldatetime", NULL};
	const struct fmt_col *pCol = &pC->aCol[i];
	struct buf e = {0}, name = {0};

	/* e: the column, as something CONCAT and DATALENGTH take */
	query_add_ident(&name, pC->azName[i]);
	if (is_chars(pCol) && source_is(pCol, azText))
		wrap(&e, "CAST(", name.z, " AS varchar(max))");
	else if (is_chars(pCol) && source_is(pCol, azNtext))
		wrap(&e, "CAST(", name.z, " AS nvarchar(max))");
	else
		query_add(&e, name.z);
	buf_free(&name);
	if (is_chars(pCol)) {
		wrap(pB, "DATALENGTH(", e.z, "), N':', ");
		query_add(pB, e.z);
		buf_free(&e);
		return 3;
	}
	switch (pCol->type.kind) {
	case DTYPE_REAL:
		wrap(pB, "CAST(CAST(", e.z,
		    pCol->kind == FMT_REAL4 ? " AS varbinary(4)) AS int)"
		                            : " AS varbinary(8)) AS bigint)");
		break;
	case DTYPE_DECIMAL:
		if (source_is(pCol, azMoney))
			wrap(pB, "CAST(", e.z, " AS decimal(19,4))");
		else
			query_add(pB, e.z);
		break;
	case DTYPE_DATE:
	case DTYPE_TIME:
	case DTYPE_DATETIME:
	case DTYPE_DATETIMEOFFSET:
		/* CAST is exact but for datetime and smalldatetime, whose
		 * default text drops seconds; style 121 is slow on Babelfish */
		if (source_is(pCol, azDatetime))
			wrap(pB, "CONVERT(varchar(40), ", e.z, ", 121)");
		else
			wrap(pB, "CAST(", e.z, " AS varchar(40))");
		break;
	case DTYPE_BLOB:
		wrap(pB, "CAST(CAST(HASHBYTES('SHA2_256', CAST(", e.z,
		    " AS varbinary(max))) AS binary(8)) AS bigint)");
		break;
	default: /* int, bool, uuid: CONCAT's text is exact */
		query_add(pB, e.z);
		break;
	}
	query_add(pB, ", N'|'");
	buf_free(&e);
	return 2;
}

void
fpsql_row_fp(struct buf *pB, const struct fpsql *pQ)
{
	const struct keysql_cols *pC = pQ->pC;
	int i, nArg = 1, nOpen = 1;

	query_add(pB,
	    "CAST(CAST(HASHBYTES('SHA2_256', "
	    "CONCAT(CAST(N'' AS nvarchar(max))");
	for (i = 0; i < pC->nCol; i++) {
		if (nArg + 3 > CONCAT_ARGS) { /* nest: CONCAT(a, ..., CONCAT( */
			query_add(pB, ", CONCAT(CAST(N'' AS nvarchar(max))");
			nOpen++;
			nArg = 1;
		}
		query_add(pB, ", ");
		nArg += column_args(pB, pC, i);
	}
	for (; nOpen > 0; nOpen--)
		query_add(pB, ")");
	query_add(pB, ") AS binary(8)) AS bigint)");
}

/*
 * Append "key OP bound" (OP "<" or ">=") for the encoded key at z (n
 * bytes). Returns 0 or -1 with *pzWhy.
 */
static int
key_cmp(struct buf *pB, const struct fpsql *pQ, const struct buf *pKey,
    int bLess, const char **pzWhy)
{
	struct stream_field aF[64];
	struct buf store = {0};
	size_t k, nOpen = 0;
	int rc;

	if (pQ->nKey > 64 ||
	    keyrange_decode_key(
	        pKey->z, pKey->n, pQ->nKey, aF, &store, pzWhy) != 0) {
		buf_free(&store);
		if (pQ->nKey > 64)
			*pzWhy = "more than 64 key columns";
		return -1;
	}
	query_add(pB, "(");
	for (k = 0, rc = 0; k < pQ->nKey && rc == 0; k++) {
		int last = k + 1 == pQ->nKey;

		keysql_term(pB, pQ->pC, pQ->aiKey[k]);
		query_add(pB,
		    last ? (bLess ? " < " : " >= ") : (bLess ? " < " : " > "));
		rc = keysql_literal(
		    pB, pQ->pC, pQ->aiKey[k], aF[k].z, aF[k].n, pzWhy);
		if (rc != 0 || last)
			break;
		query_add(pB, " OR (");
		keysql_term(pB, pQ->pC, pQ->aiKey[k]);
		query_add(pB, " = ");
		rc = keysql_literal(
		    pB, pQ->pC, pQ->aiKey[k], aF[k].z, aF[k].n, pzWhy);
		query_add(pB, " AND (");
		nOpen += 2;
	}
	for (; nOpen > 0; nOpen--)
		query_add(pB, ")");
	query_add(pB, ")");
	buf_free(&store);
	return rc;
}

/* Append " FROM view WHERE (--where) AND (extra)" up to the ranges. */
static void
from_where(struct buf *pB, const struct fpsql *pQ)
{
	size_t i;

	query_add(pB, " FROM ");
	for (i = 0; i < pQ->pView->n; i++) {
		query_add(pB, i ? "." : "");
		query_add_ident(pB, pQ->pView->az[i]);
	}
	query_add(pB, "\nWHERE 1 = 1");
	if (pQ->zWhere != NULL) {
		query_add(pB, " AND (\n");
		query_add(pB, pQ->zWhere);
		query_add(pB, "\n)");
	}
}

/* Append the view's name. */
static void
view_name(struct buf *pB, const struct fpsql *pQ)
{
	size_t i;

	for (i = 0; i < pQ->pView->n; i++) {
		query_add(pB, i ? "." : "");
		query_add_ident(pB, pQ->pView->az[i]);
	}
}

/* Append "SELECT * FROM view WHERE 1 = 1 [AND (--where)] AND ". */
static void
branch(struct buf *pB, const struct fpsql *pQ)
{
	query_add(pB, "SELECT * FROM ");
	view_name(pB, pQ);
	query_add(pB, " WHERE 1 = 1");
	if (pQ->zWhere != NULL) {
		query_add(pB, " AND (\n");
		query_add(pB, pQ->zWhere);
		query_add(pB, "\n)");
	}
	query_add(pB, " AND ");
}

/*
 * Append " FROM (SELECT * FROM view WHERE range UNION ALL ...) AS
 * [_dbs_r]" for n sorted parts, parts that touch joined into one range:
 * one SELECT a range, so that every engine reads each range from the
 * key's index (SQLite scans the table for an OR of ranges under an
 * ORDER BY). Returns 0 or -1.
 */
static int
from_parts(struct buf *pB, const struct fpsql *pQ,
    struct local_part *const *apPart, size_t n, const char **pzWhy)
{
	size_t i, j;
	int rc = 0;

	query_add(pB, " FROM (");
	for (i = 0; i < n && rc == 0; i = j) {
		for (j = i + 1; j < n; j++)
			if (!apPart[j - 1]->hi.has || !apPart[j]->lo.has ||
			    apPart[j - 1]->hi.key.n != apPart[j]->lo.key.n ||
			    memcmp(apPart[j - 1]->hi.key.z, apPart[j]->lo.key.z,
			        apPart[j]->lo.key.n) != 0)
				break;
		query_add(pB, i ? "\nUNION ALL " : "");
		branch(pB, pQ);
		if (!apPart[i]->lo.has && !apPart[j - 1]->hi.has)
			query_add(pB, "1 = 1");
		if (apPart[i]->lo.has)
			rc = key_cmp(pB, pQ, &apPart[i]->lo.key, 0, pzWhy);
		if (rc == 0 && apPart[i]->lo.has && apPart[j - 1]->hi.has)
			query_add(pB, " AND ");
		if (rc == 0 && apPart[j - 1]->hi.has)
			rc = key_cmp(pB, pQ, &apPart[j - 1]->hi.key, 1, pzWhy);
	}
	query_add(pB, ") AS [_dbs_r]");
	return rc;
}

/* The CASE that gives a row's part index among parts i..j. */
static int
case_tree(struct buf *pB, const struct fpsql *pQ,
    struct local_part *const *apPart, size_t i, size_t j, const char **pzWhy)
{
	char z[24];
	size_t mid;
	int rc;

	if (i == j) {
		snprintf(z, sizeof z, "%zu", i);
		query_add(pB, z);
		return 0;
	}
	mid = (i + j + 1) / 2;
	query_add(pB, "CASE WHEN ");
	rc = key_cmp(pB, pQ, &apPart[mid]->lo.key, 1, pzWhy);
	query_add(pB, " THEN ");
	if (rc == 0)
		rc = case_tree(pB, pQ, apPart, i, mid - 1, pzWhy);
	query_add(pB, " ELSE ");
	if (rc == 0)
		rc = case_tree(pB, pQ, apPart, mid, j, pzWhy);
	query_add(pB, " END");
	return rc;
}

int
fpsql_parts(struct buf *pB, const struct fpsql *pQ,
    struct local_part *const *apPart, size_t n, const char **pzWhy)
{
	int rc;

	query_add(pB, SUMS_SELECT);
	rc = case_tree(pB, pQ, apPart, 0, n - 1, pzWhy);
	query_add(pB, " AS [_dbs_p], ");
	fpsql_row_fp(pB, pQ);
	query_add(pB, " AS [_dbs_fp]");
	if (rc == 0)
		rc = from_parts(pB, pQ, apPart, n, pzWhy);
	query_add(pB, ") AS [_dbs_x]\nGROUP BY [_dbs_p]");
	return rc;
}

/* Append the decimal text of v. */
static void
add_i64(struct buf *pB, int64_t v)
{
	char z[24];

	snprintf(z, sizeof z, "%" PRId64, v);
	query_add(pB, z);
}

void
fpsql_grid(struct buf *pB, const struct fpsql *pQ, int64_t base, int64_t w,
    const int64_t *aLo, const int64_t *aHi, size_t n, int64_t top)
{
	const char *zKey = pQ->pC->azName[pQ->aiKey[0]];
	size_t i;

	query_add(pB, SUMS_SELECT);
	if (n == 0) {
		query_add(pB, "CASE WHEN ");
		query_add_ident(pB, zKey);
		query_add(pB, " < ");
		add_i64(pB, base);
		query_add(pB, " THEN -1 WHEN ");
		query_add_ident(pB, zKey);
		query_add(pB, " >= ");
		add_i64(pB, top);
		query_add(pB, " THEN -2 ELSE ");
	}
	query_add(pB, "(");
	query_add_ident(pB, zKey);
	query_add(pB, " - CAST(");
	add_i64(pB, base);
	query_add(pB, " AS bigint)) / CAST(");
	add_i64(pB, w);
	query_add(pB, n == 0 ? " AS bigint) END" : " AS bigint)");
	query_add(pB, " AS [_dbs_p], ");
	fpsql_row_fp(pB, pQ);
	query_add(pB, " AS [_dbs_fp]");
	if (n == 0)
		from_where(pB, pQ);
	else
		query_add(pB, " FROM (");
	for (i = 0; i < n; i++) {
		query_add(pB, i ? "\nUNION ALL " : "");
		branch(pB, pQ);
		query_add_ident(pB, zKey);
		query_add(pB, " >= ");
		add_i64(pB, aLo[i]);
		query_add(pB, " AND ");
		query_add_ident(pB, zKey);
		query_add(pB, " < ");
		add_i64(pB, aHi[i]);
	}
	query_add(pB, n > 0 ? ") AS [_dbs_r]" : "");
	query_add(pB, ") AS [_dbs_x]\nGROUP BY [_dbs_p]\nORDER BY [_dbs_p]");
}

void
fpsql_cells(struct buf *pB, const struct fpsql *pQ, int64_t base, int64_t w,
    int64_t lo, int64_t hi, const int64_t *aId, size_t n)
{
	const char *zKey = pQ->pC->azName[pQ->aiKey[0]];
	size_t i;

	query_add(pB, "SELECT ");
	query_add_ident(pB, zKey);
	query_add(pB, ", ");
	fpsql_row_fp(pB, pQ);
	query_add(pB, " AS [_dbs_fp]");
	from_where(pB, pQ);
	query_add(pB, " AND ");
	query_add_ident(pB, zKey);
	query_add(pB, " >= ");
	add_i64(pB, lo);
	query_add(pB, " AND ");
	query_add_ident(pB, zKey);
	query_add(pB, " < ");
	add_i64(pB, hi);
	query_add(pB, "\nAND (");
	query_add_ident(pB, zKey);
	query_add(pB, " - CAST(");
	add_i64(pB, base);
	query_add(pB, " AS bigint)) / CAST(");
	add_i64(pB, w);
	query_add(pB, " AS bigint) IN (");
	for (i = 0; i < n; i++) {
		query_add(pB, i ? ", " : "");
		add_i64(pB, aId[i]);
	}
	query_add(pB, ")\nORDER BY ");
	query_add_ident(pB, zKey);
}

/* Append the key columns, and the ORDER BY of the key. */
static void
key_list(struct buf *pB, const struct fpsql *pQ, int bOrder)
{
	size_t k;

	for (k = 0; k < pQ->nKey; k++) {
		query_add(pB, k ? ", " : "");
		if (bOrder)
			keysql_term(pB, pQ->pC, pQ->aiKey[k]);
		else
			query_add_ident(pB, pQ->pC->azName[pQ->aiKey[k]]);
	}
}

int
fpsql_rows(struct buf *pB, const struct fpsql *pQ,
    struct local_part *const *apPart, size_t n, const char **pzWhy)
{
	int rc;

	query_add(pB, "SELECT ");
	key_list(pB, pQ, 0);
	query_add(pB, ", ");
	fpsql_row_fp(pB, pQ);
	query_add(pB, " AS [_dbs_fp]");
	rc = from_parts(pB, pQ, apPart, n, pzWhy);
	query_add(pB, "\nORDER BY ");
	key_list(pB, pQ, 1);
	return rc;
}

void
fpsql_keys(struct buf *pB, const struct fpsql *pQ)
{
	query_add(pB, "SELECT ");
	key_list(pB, pQ, 0);
	from_where(pB, pQ);
	query_add(pB, "\nORDER BY ");
	key_list(pB, pQ, 1);
}

/* Append "key = point" (several key columns: "(a = x AND b = y)"). */
static int
key_eq(struct buf *pB, const struct fpsql *pQ, const struct buf *pKey,
    const char **pzWhy)
{
	struct stream_field aF[64];
	struct buf store = {0};
	size_t k;
	int rc =
	    keyrange_decode_key(pKey->z, pKey->n, pQ->nKey, aF, &store, pzWhy);

	query_add(pB, pQ->nKey > 1 ? "(" : "");
	for (k = 0; k < pQ->nKey && rc == 0; k++) {
		query_add(pB, k ? " AND " : "");
		query_add_ident(pB, pQ->pC->azName[pQ->aiKey[k]]);
		query_add(pB, " = ");
		rc = keysql_literal(
		    pB, pQ->pC, pQ->aiKey[k], aF[k].z, aF[k].n, pzWhy);
	}
	query_add(pB, pQ->nKey > 1 ? ")" : "");
	buf_free(&store);
	return rc;
}

/*
 * Append the condition on points i..j of aPoint: for one key column
 * "k IN (...)", in the column's own collation (an index seek; rows the
 * collation calls equal come too, and are true rows); else one
 * comparison per point, ORed. With bNot, the negation.
 */
static int
points_cond(struct buf *pB, const struct fpsql *pQ, const struct buf *aPoint,
    size_t i, size_t j, int bNot, const char **pzWhy)
{
	struct stream_field f;
	struct buf store = {0};
	size_t k;
	int rc = 0;

	if (pQ->nKey == 1) {
		query_add_ident(pB, pQ->pC->azName[pQ->aiKey[0]]);
		query_add(pB, bNot ? " NOT IN (" : " IN (");
	} else {
		query_add(pB, bNot ? "NOT (" : "(");
	}
	for (k = i; k < j && rc == 0; k++) {
		if (pQ->nKey > 1) {
			query_add(pB, k > i ? " OR " : "");
			rc = key_eq(pB, pQ, &aPoint[k], pzWhy);
			continue;
		}
		query_add(pB, k > i ? ", " : "");
		store.n = 0;
		rc = keyrange_decode_key(
		    aPoint[k].z, aPoint[k].n, 1, &f, &store, pzWhy);
		if (rc == 0)
			rc = keysql_literal(
			    pB, pQ->pC, pQ->aiKey[0], f.z, f.n, pzWhy);
	}
	query_add(pB, ")");
	buf_free(&store);
	return rc;
}

/*
 * Append " FROM (...) AS [_dbs_r]": one SELECT per chunk of points (each
 * an index seek), and, with pQ->zExtra, one of the rows that meet it and
 * are not points, so that every row comes from one read of it.
 */
static int
from_points(struct buf *pB, const struct fpsql *pQ, const struct buf *aPoint,
    size_t n, const char **pzWhy)
{
	size_t chunk = pQ->nKey == 1 ? IN_CHUNK : IN_CHUNK / 10, i;
	int rc = 0;

	query_add(pB, " FROM (");
	if (pQ->zExtra != NULL) {
		branch(pB, pQ);
		query_add(pB, "(");
		query_add(pB, pQ->zExtra);
		query_add(pB, ")");
		for (i = 0; i < n && rc == 0; i += chunk) {
			query_add(pB, " AND ");
			rc = points_cond(pB, pQ, aPoint, i,
			    n - i < chunk ? n : i + chunk, 1, pzWhy);
		}
	}
	for (i = 0; i < n && rc == 0; i += chunk) {
		query_add(pB, i || pQ->zExtra ? "\nUNION ALL " : "");
		branch(pB, pQ);
		rc = points_cond(
		    pB, pQ, aPoint, i, n - i < chunk ? n : i + chunk, 0, pzWhy);
	}
	query_add(pB, ") AS [_dbs_r]");
	return rc;
}

int
fpsql_fetch(struct buf *pB, const struct fpsql *pQ, const struct buf *aPoint,
    size_t n, int bAll, int bFp, const char **pzWhy)
{
	int i, rc = 0;

	query_add(pB, "SELECT ");
	for (i = 0; i < pQ->pC->nCol; i++) {
		query_add(pB, i ? ", " : "");
		query_add_ident(pB, pQ->pC->azName[i]);
	}
	if (bFp) {
		query_add(pB, ", ");
		fpsql_row_fp(pB, pQ);
		query_add(pB, " AS [_dbs_fp]");
	}
	if (bAll || n == 0)
		from_where(pB, pQ);
	if (!bAll && n == 0 && pQ->zExtra == NULL)
		query_add(pB, " AND 1 = 0");
	else if (!bAll && n == 0) {
		/* the rows changed since the watermark alone: a plain WHERE
		 * (Babelfish reads a derived table of the view 15% slower) */
		query_add(pB, " AND (");
		query_add(pB, pQ->zExtra);
		query_add(pB, ")");
	} else if (!bAll)
		rc = from_points(pB, pQ, aPoint, n, pzWhy);
	query_add(pB, "\nORDER BY ");
	key_list(pB, pQ, 1);
	return rc;
}
