/*
 * storage.c - the SQLite storage of each logical type (storage.h).
 */
#include "storage.h"

enum storage_class
storage_of(const struct dtype *pT)
{
	switch (pT->kind) {
	case DTYPE_BOOL:
	case DTYPE_INT:
		return STORAGE_INTEGER;
	case DTYPE_REAL:
		return STORAGE_REAL;
	case DTYPE_DECIMAL:
		return STORAGE_DECIMAL;
	case DTYPE_BLOB:
		return STORAGE_BLOB;
	default:
		return STORAGE_TEXT;
	}
}

const char *
storage_decltype(enum storage_class st)
{
	switch (st) {
	case STORAGE_INTEGER:
		return "INTEGER";
	case STORAGE_TEXT:
		return "TEXT";
	case STORAGE_BLOB:
		return "BLOB";
	case STORAGE_REAL:
	case STORAGE_DECIMAL:
		break;
	}
	return "";
}

int
storage_decimal_digits(const char *z, size_t n)
{
	size_t i = 0;
	int nDigit = 0;

	while (i < n && (z[i] == '-' || z[i] == '0' || z[i] == '.'))
		i++;
	for (; i < n; i++)
		nDigit += z[i] != '.';
	return nDigit;
}
