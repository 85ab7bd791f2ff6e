/*
 * dtype.h - the logical types of a dbs stream (see dbs-stream(5)): their
 * names in the header, their canonical text forms, and their SQLite
 * storage classes.
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

enum dtype_storage {
	DTYPE_STORE_INTEGER, /* bound with sqlite3_bind_int64 */
	DTYPE_STORE_REAL,    /* bound with sqlite3_bind_double */
	DTYPE_STORE_TEXT,    /* bound with sqlite3_bind_text */
	DTYPE_STORE_BLOB,    /* hex-decoded, bound with sqlite3_bind_blob */
	DTYPE_STORE_DECIMAL  /* per value: REAL when DTYPE_DECIMAL_DIGITS
	                      * significant digits or fewer, else TEXT */
};

/*
 * A decimal of at most this many significant digits is exactly a
 * double: the double nearest to it, printed with the decimal's scale
 * (printf("%.*f")), gives back its text.
 */
#define DTYPE_DECIMAL_DIGITS 15

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
 * The SQLite storage class values of this type are bound as: INTEGER
 * for bool and int, REAL for real, DECIMAL (per value) for decimal,
 * BLOB for blob, TEXT for the others (dbs-stream(5)).
 */
enum dtype_storage dtype_storage(const struct dtype *pT);

/*
 * The declared type of a column whose values are stored as st, such
 * that SQLite's column affinity never changes a value: "INTEGER",
 * "TEXT", "BLOB", or "" (no declared type: BLOB affinity, which keeps a
 * double as it is, -0.0 too, and text as text) for REAL and DECIMAL.
 */
const char *dtype_decltype(enum dtype_storage st);

/*
 * The number of significant digits of the n bytes at z, a canonical
 * decimal text (dtype_check()): the digits from the first one that is
 * not zero to the last one, trailing zeros of the scale included
 * ("-0.0100" has 3, "100.00" 5, "0.0000" none).
 */
int dtype_decimal_digits(const char *z, size_t n);

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
