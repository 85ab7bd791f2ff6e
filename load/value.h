/*
 * value.h - typed values in dbs-load (value.c): a stream field decoded
 * into the SQLite storage class of its column, bound to a statement, or
 * compared as SQLite compares values of that class under the BINARY
 * collation. The merge relies on this order being exactly the order of
 * "ORDER BY key" on the table.
 */
#ifndef DBS_LOAD_VALUE_H
#define DBS_LOAD_VALUE_H

#include <stddef.h>
#include <stdint.h>

#include <sqlite3.h>

#include "storage.h"
#include "buf.h"
#include "dtype.h"
#include "stream.h"

struct load_table;

/* A decoded value. Text and blob point at bytes owned elsewhere. */
struct load_val {
	int64_t i;              /* INTEGER */
	double r;               /* REAL */
	const unsigned char *p; /* TEXT, BLOB */
	size_t n;
	int isText; /* DECIMAL: the value is TEXT (p, n), not REAL (r) */
};

/* An owned copy of a key: n values, their bytes in aBuf. */
struct load_key {
	struct load_val *aVal;
	struct buf *aBuf;
	size_t n;
};

/*
 * Decode the non-NULL field *pF (canonical text, checked by the stream
 * reader) into *pV as storage class st. Text points into the field;
 * blob bytes are decoded into *pBuf, which must outlive the use of *pV.
 */
void value_decode(const struct stream_field *pF, enum storage_class st,
    struct load_val *pV, struct buf *pBuf);

/*
 * The double of the n bytes at z, a canonical decimal or real text (the
 * nearest double, as strtod() gives it).
 */
double value_real(const char *z, size_t n);

/*
 * Read result column iCol of the current row of pStmt into *pV as
 * storage class st. Text and blob point into the statement: valid until
 * it steps, resets or the table is written.
 */
void value_column(
    sqlite3_stmt *pStmt, int iCol, enum storage_class st, struct load_val *pV);

/* Compare two values of storage class st as SQLite does: <0, 0, >0
 * (DECIMAL: REAL values by value, before TEXT values by their bytes). */
int value_cmp(const struct load_val *pA, const struct load_val *pB,
    enum storage_class st);

/*
 * Bind *pV (never NULL) to parameter iParam as storage class st. The
 * bytes are not copied: they must stay valid until the statement has
 * stepped. Returns an SQLite result code.
 */
int value_bind(sqlite3_stmt *pStmt, int iParam, const struct load_val *pV,
    enum storage_class st);

/* Allocate an empty key of n values; value_key_free() releases it. */
void value_key_init(struct load_key *pK, size_t n);
void value_key_free(struct load_key *pK);

/* Copy the key values aKeyVal (in key order of pTab) into *pK. */
void value_key_set(struct load_key *pK, const struct load_val *aKeyVal,
    const struct load_table *pTab);

/* Compare key values aKeyVal with the key *pK, column by column. */
int value_key_cmp(const struct load_val *aKeyVal, const struct load_key *pK,
    const struct load_table *pTab);

/* Bind the key values to parameters iFirst, iFirst+1, ...; returns an
 * SQLite result code. */
int value_key_bind(sqlite3_stmt *pStmt, int iFirst,
    const struct load_val *aKeyVal, const struct load_table *pTab);

/*
 * The key of row aF as text for messages: "id=5", "(region,id)=(EU,5)",
 * control bytes shown as '?', long values cut. The caller frees it.
 */
char *value_key_text(
    const struct stream_field *aF, const struct load_table *pTab);

#endif
