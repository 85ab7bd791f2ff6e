/*
 * storage.h - how dbs-load stores the values of each logical type in
 * SQLite: the storage class a value is bound as, and the type a column
 * is declared with so that SQLite's column affinity never converts it.
 * The stream format knows nothing of this; it is the loader's choice.
 */
#ifndef DBS_LOAD_STORAGE_H
#define DBS_LOAD_STORAGE_H

#include <stddef.h>

#include "dtype.h"

enum storage_class {
	STORAGE_INTEGER, /* bound with sqlite3_bind_int64 */
	STORAGE_REAL,    /* bound with sqlite3_bind_double */
	STORAGE_TEXT,    /* bound with sqlite3_bind_text */
	STORAGE_BLOB,    /* hex-decoded, bound with sqlite3_bind_blob */
	STORAGE_DECIMAL  /* per value: REAL when STORAGE_DECIMAL_DIGITS
	                      * significant digits or fewer, else TEXT */
};

/*
 * A decimal of at most this many significant digits is exactly a
 * double: the double nearest to it, printed with the decimal's scale
 * (printf("%.*f")), gives back its text.
 */
#define STORAGE_DECIMAL_DIGITS 15

/*
 * The SQLite storage class values of this type are bound as: INTEGER
 * for bool and int, REAL for real, DECIMAL (per value) for decimal,
 * BLOB for blob, TEXT for the others (dbs-stream(5)).
 */
enum storage_class storage_of(const struct dtype *pT);

/*
 * The declared type of a column whose values are stored as st, such
 * that SQLite's column affinity never changes a value: "INTEGER",
 * "TEXT", "BLOB", or "" (no declared type: BLOB affinity, which keeps a
 * double as it is, -0.0 too, and text as text) for REAL and DECIMAL.
 */
const char *storage_decltype(enum storage_class st);

/*
 * The number of significant digits of the n bytes at z, a canonical
 * decimal text (dtype_check()): the digits from the first one that is
 * not zero to the last one, trailing zeros of the scale included
 * ("-0.0100" has 3, "100.00" 5, "0.0000" none).
 */
int storage_decimal_digits(const char *z, size_t n);

#endif
