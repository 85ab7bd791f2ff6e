/*
 * dtype.h - the logical types of a dbs stream (see dbs-stream(5)): their
 * names in the header and their canonical text forms.
 */
#ifndef DBS_DTYPE_H
#define DBS_DTYPE_H

#include <stddef.h>

enum dtype_kind {
	DTYPE_BOOL,          /* "0" or "1" */
	DTYPE_INT,           /* signed 64-bit decimal */
	DTYPE_REAL,          /* shortest round-tripping decimal text */
	DTYPE_DECIMAL,       /* exact, exactly s fraction digits */
	DTYPE_TEXT,          /* UTF-8 */
	DTYPE_BLOB,          /* lowercase hex */
	DTYPE_UUID,          /* 36 chars, uppercase hex */
	DTYPE_DATE,          /* YYYY-MM-DD */
	DTYPE_TIME,          /* HH:MM:SS[.f...] with s digits */
	DTYPE_DATETIME,      /* YYYY-MM-DD HH:MM:SS[.f...] with s digits */
	DTYPE_DATETIMEOFFSET /* datetime plus " +HH:MM"? see dbs-stream(5) */
};

struct dtype {
	enum dtype_kind kind; /* which logical type */
	int p;                /* decimal: precision 1..38; else 0 */
	int s;                /* decimal: scale 0..p; time, datetime,
	                       * datetimeoffset: fraction digits 0..7 */
};

/* Longest type name dtype_format() can produce, with its NUL. */
#define DTYPE_NAME_MAX 32

/*
 * Parse a header type name ("int", "decimal(18,4)", "datetime(7)") into
 * *pT. Returns 0, or -1 if the name is not a valid logical type.
 */
int dtype_parse(const char *zName, struct dtype *pT);

/*
 * Write the canonical name of *pT into zBuf (DTYPE_NAME_MAX bytes) and
 * return zBuf.
 */
char *dtype_format(const struct dtype *pT, char *zBuf);

/*
 * Check that the n bytes at z are a canonical text form of *pT. Returns
 * 0, or -1 and sets *pzWhy to a static phrase ("not an integer",
 * "expected 4 fraction digits", "invalid UTF-8") for the message.
 */
int dtype_check(
    const struct dtype *pT, const char *z, size_t n, const char **pzWhy);

/*
 * Compare two canonical texts of type *pT (both checked by dtype_check)
 * by value, as the server orders them: numbers numerically, reals as
 * doubles, datetimeoffset by its UTC instant, text, uuid and blob texts
 * by their bytes (SQLite's BINARY order), dates and times by their text
 * (fixed width). Returns <0, 0 or >0. Used for watermarks.
 */
int dtype_cmp(const struct dtype *pT, const char *zA, size_t nA, const char *zB,
    size_t nB);

/*
 * Is the n bytes at z valid UTF-8? Strict: overlong forms, encoded
 * UTF-16 surrogates, code points above U+10FFFF and truncated sequences
 * are invalid; U+0000 is valid. Returns 1 or 0.
 */
int dtype_utf8_valid(const char *z, size_t n);

/*
 * Decode the n lowercase hex digits at z (a checked DTYPE_BLOB value)
 * into pOut, which has room for n / 2 bytes. Returns n / 2.
 */
size_t dtype_blob_decode(const char *z, size_t n, unsigned char *pOut);

#endif
