/*
 * value.c - typed values in dbs-load: a stream field decoded into the
 * SQLite storage class of its column, bound to a statement, or compared
 * the way SQLite compares values of one storage class under the BINARY
 * collation (integers and reals numerically, text and blobs by memcmp
 * and then length). The merge relies on this order being exactly the
 * order of "ORDER BY key" on the table.
 */
#include "value.h"

#include <stdlib.h>
#include <string.h>

#include "schema.h"
#include "util.h"

#define KEYTEXT_MAX 60 /* bytes of one key value shown in a message */

/*
 * The value of the n bytes at z, a canonical int or bool text checked by
 * the stream reader: -?[0-9]+ within the int64 range. (strtoll() would
 * do, at twice the cost, and this is done for every key of every row.)
 */
static int64_t
parse_int(const char *z, size_t n)
{
	uint64_t u = 0;
	size_t i = z[0] == '-';

	for (; i < n; i++)
		u = u * 10 + (uint64_t)(z[i] - '0');
	return z[0] == '-' ? (int64_t)(0 - u) : (int64_t)u;
}

/* Exact powers of ten as doubles: 10^0 .. 10^22 (10^22 < 2^53 * 2^22). */
static const double aPow10[] = {1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8,
    1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21,
    1e22};

/*
 * The value of the n bytes at z, a real or decimal checked by the
 * stream reader (JSON number syntax). Most are short decimals
 * ("4241.581"): when the digits form an integer m < 2^53 and there are
 * at most 22 of them after the point and no exponent, m / 10^k is one
 * IEEE division of two exact values, hence correctly rounded, the same
 * double strtod() returns (Clinger's fast path), at a fraction of its
 * cost. Anything else goes to strtod() (the field is NUL-terminated).
 */
double
value_real(const char *z, size_t n)
{
	uint64_t m = 0;
	size_t i = z[0] == '-', nFrac = 0, nDigit = 0;
	int bFrac = 0;
	double v;

	for (; i < n; i++) {
		if (z[i] == '.') {
			bFrac = 1;
			continue;
		}
		if (z[i] < '0' || z[i] > '9' || ++nDigit > 15)
			return strtod(z, NULL);
		m = m * 10 + (uint64_t)(z[i] - '0');
		nFrac += (size_t)bFrac;
	}
	v = (double)m / aPow10[nFrac];
	return z[0] == '-' ? -v : v;
}

/*
 * Decode the non-NULL field *pF (canonical text, checked by the stream
 * reader) into *pV as storage class st. Text points into the field;
 * blob bytes are decoded into *pBuf, which must outlive the use of *pV.
 */
void
value_decode(const struct stream_field *pF, enum storage_class st,
    struct load_val *pV, struct buf *pBuf)
{
	switch (st) {
	case STORAGE_INTEGER:
		pV->i = parse_int(pF->z, pF->n);
		break;
	case STORAGE_REAL:
		pV->r = value_real(pF->z, pF->n);
		break;
	case STORAGE_TEXT:
		pV->p = (const unsigned char *)pF->z;
		pV->n = pF->n;
		break;
	case STORAGE_DECIMAL:
		pV->isText = storage_decimal_digits(pF->z, pF->n) >
		    STORAGE_DECIMAL_DIGITS;
		if (!pV->isText)
			pV->r = value_real(pF->z, pF->n);
		pV->p = (const unsigned char *)pF->z;
		pV->n = pF->n;
		break;
	case STORAGE_BLOB:
		pBuf->n = 0;
		buf_reserve(pBuf, pF->n / 2 + 1);
		pBuf->n =
		    dtype_blob_decode(pF->z, pF->n, (unsigned char *)pBuf->z);
		pV->p = (const unsigned char *)pBuf->z;
		pV->n = pBuf->n;
		break;
	}
}

/*
 * Read result column iCol of the current row of pStmt into *pV. Text
 * and blob point into the statement: valid until it steps, resets or
 * the table is written.
 */
void
value_column(
    sqlite3_stmt *pStmt, int iCol, enum storage_class st, struct load_val *pV)
{
	switch (st) {
	case STORAGE_INTEGER:
		pV->i = sqlite3_column_int64(pStmt, iCol);
		break;
	case STORAGE_REAL:
		pV->r = sqlite3_column_double(pStmt, iCol);
		break;
	case STORAGE_TEXT:
		pV->p = sqlite3_column_text(pStmt, iCol);
		pV->n = (size_t)sqlite3_column_bytes(pStmt, iCol);
		break;
	case STORAGE_BLOB:
		pV->p = sqlite3_column_blob(pStmt, iCol);
		pV->n = (size_t)sqlite3_column_bytes(pStmt, iCol);
		break;
	case STORAGE_DECIMAL:
		pV->isText = sqlite3_column_type(pStmt, iCol) == SQLITE_TEXT;
		if (!pV->isText) {
			pV->r = sqlite3_column_double(pStmt, iCol);
			break;
		}
		pV->p = sqlite3_column_text(pStmt, iCol);
		pV->n = (size_t)sqlite3_column_bytes(pStmt, iCol);
		break;
	}
}

/* memcmp, then shorter first: SQLite's BINARY collation and blob order. */
static int
bytes_cmp(
    const unsigned char *pA, size_t nA, const unsigned char *pB, size_t nB)
{
	size_t n = nA < nB ? nA : nB;
	int c = n > 0 ? memcmp(pA, pB, n) : 0;

	if (c != 0)
		return c < 0 ? -1 : 1;
	return nA < nB ? -1 : nA > nB;
}

/* Compare two values of storage class st: <0, 0 or >0. */
int
value_cmp(
    const struct load_val *pA, const struct load_val *pB, enum storage_class st)
{
	switch (st) {
	case STORAGE_INTEGER:
		return pA->i < pB->i ? -1 : pA->i > pB->i;
	case STORAGE_REAL:
		return pA->r < pB->r ? -1 : pA->r > pB->r;
	case STORAGE_DECIMAL:
		if (pA->isText != pB->isText)
			return pA->isText ? 1 : -1;
		if (!pA->isText)
			return pA->r < pB->r ? -1 : pA->r > pB->r;
		break;
	case STORAGE_TEXT:
	case STORAGE_BLOB:
		break;
	}
	return bytes_cmp(pA->p, pA->n, pB->p, pB->n);
}

/*
 * Bind *pV (never NULL) to parameter iParam as storage class st. The
 * bytes are not copied: they must stay valid until the statement has
 * stepped. Returns an SQLite result code.
 */
int
value_bind(sqlite3_stmt *pStmt, int iParam, const struct load_val *pV,
    enum storage_class st)
{
	const void *p = pV->p != NULL ? (const void *)pV->p : (const void *)"";

	switch (st) {
	case STORAGE_INTEGER:
		return sqlite3_bind_int64(pStmt, iParam, pV->i);
	case STORAGE_REAL:
		return sqlite3_bind_double(pStmt, iParam, pV->r);
	case STORAGE_DECIMAL:
		if (!pV->isText)
			return sqlite3_bind_double(pStmt, iParam, pV->r);
		return sqlite3_bind_text64(
		    pStmt, iParam, p, pV->n, SQLITE_STATIC, SQLITE_UTF8);
	case STORAGE_TEXT:
		return sqlite3_bind_text64(
		    pStmt, iParam, p, pV->n, SQLITE_STATIC, SQLITE_UTF8);
	case STORAGE_BLOB:
		break;
	}
	return sqlite3_bind_blob64(pStmt, iParam, p, pV->n, SQLITE_STATIC);
}

/* Allocate an empty key of n values. Free with value_key_free(). */
void
value_key_init(struct load_key *pK, size_t n)
{
	pK->aVal = util_calloc(n, sizeof *pK->aVal);
	pK->aBuf = util_calloc(n, sizeof *pK->aBuf);
	pK->n = n;
}

void
value_key_free(struct load_key *pK)
{
	size_t k;

	for (k = 0; k < pK->n && pK->aBuf != NULL; k++)
		buf_free(&pK->aBuf[k]);
	free(pK->aVal);
	free(pK->aBuf);
	memset(pK, 0, sizeof *pK);
}

/* Storage class of key position k of *pTab. */
static enum storage_class
key_st(const struct load_table *pTab, size_t k)
{
	return pTab->aCol[pTab->aiKey[k]].st;
}

/* Copy the key values aKeyVal (in key order) into *pK. */
void
value_key_set(struct load_key *pK, const struct load_val *aKeyVal,
    const struct load_table *pTab)
{
	size_t k;

	for (k = 0; k < pK->n; k++) {
		pK->aVal[k] = aKeyVal[k];
		if (key_st(pTab, k) == STORAGE_TEXT ||
		    key_st(pTab, k) == STORAGE_BLOB ||
		    (key_st(pTab, k) == STORAGE_DECIMAL && aKeyVal[k].isText)) {
			buf_set(&pK->aBuf[k], aKeyVal[k].p, aKeyVal[k].n);
			pK->aVal[k].p = (const unsigned char *)pK->aBuf[k].z;
		}
	}
}

/* Compare key values aKeyVal with the key *pK, column by column. */
int
value_key_cmp(const struct load_val *aKeyVal, const struct load_key *pK,
    const struct load_table *pTab)
{
	size_t k;
	int c;

	for (k = 0; k < pK->n; k++) {
		c = value_cmp(&aKeyVal[k], &pK->aVal[k], key_st(pTab, k));
		if (c != 0)
			return c;
	}
	return 0;
}

/* Bind the key values to parameters iFirst, iFirst+1, ... */
int
value_key_bind(sqlite3_stmt *pStmt, int iFirst, const struct load_val *aKeyVal,
    const struct load_table *pTab)
{
	size_t k;
	int rc = SQLITE_OK;

	for (k = 0; k < pTab->nKey && rc == SQLITE_OK; k++)
		rc = value_bind(
		    pStmt, iFirst + (int)k, &aKeyVal[k], key_st(pTab, k));
	return rc;
}

/* Append a value for a message: control bytes as '?', long ones cut. */
static void
append_shown(struct buf *pB, const struct stream_field *pF)
{
	size_t i, n;
	char c;

	if (pF->z == NULL) {
		buf_append(pB, "NULL", 4);
		return;
	}
	n = pF->n > KEYTEXT_MAX ? KEYTEXT_MAX : pF->n;
	for (i = 0; i < n; i++) {
		c = pF->z[i];
		if ((unsigned char)c < 0x20 || c == 0x7f)
			c = '?';
		buf_append(pB, &c, 1);
	}
	if (n < pF->n)
		buf_append(pB, "...", 3);
}

/*
 * The key of row aF as text for messages: "id=5", "(region,id)=(EU,5)".
 * Returns a string the caller frees.
 */
char *
value_key_text(const struct stream_field *aF, const struct load_table *pTab)
{
	struct buf b = {0};
	size_t k;
	const char *zName;
	int many = pTab->nKey > 1;

	buf_append(&b, "(", (size_t)many);
	for (k = 0; k < pTab->nKey; k++) {
		zName = pTab->aCol[pTab->aiKey[k]].zName;
		buf_append(&b, ",", k > 0);
		buf_append(&b, zName, strlen(zName));
	}
	if (many)
		buf_append(&b, ")=(", 3);
	else
		buf_append(&b, "=", 1);
	for (k = 0; k < pTab->nKey; k++) {
		buf_append(&b, ",", k > 0);
		append_shown(&b, &aF[pTab->aiKey[k]]);
	}
	buf_append(&b, ")", (size_t)many);
	return buf_detach(&b, NULL);
}
