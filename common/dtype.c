/*
 * dtype.c - the logical types of a dbs stream: parsing and formatting
 * their header names and the strict checks of their canonical text forms
 * (dbs-stream(5), "Values"). The checks run
 * on every value the reader sees, so they avoid library calls in the
 * common cases.
 */
#include "dtype.h"

#include <locale.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

static const char *const azKindName[] = {
    "bool",
    "int",
    "real",
    "decimal",
    "text",
    "blob",
    "uuid",
    "date",
    "time",
    "datetime",
    "datetimeoffset",
};

/*
 * Parse a small decimal number of at most 2 digits at *pz, advancing
 * *pz. Returns the number or -1 if there is none or it has a leading
 * zero (which a canonical type name never has).
 */
static int
parse_small(const char **pz)
{
	const char *z = *pz;
	int v;

	if (z[0] < '0' || z[0] > '9')
		return -1;
	v = z[0] - '0';
	z++;
	if (z[0] >= '0' && z[0] <= '9') {
		if (v == 0)
			return -1;
		v = v * 10 + (z[0] - '0');
		z++;
	}
	*pz = z;
	return v;
}

int
dtype_parse(const char *zName, struct dtype *pT)
{
	size_t i, n;
	const char *z;
	struct dtype t = {DTYPE_BOOL, 0, 0};

	for (i = 0; i < sizeof(azKindName) / sizeof(azKindName[0]); i++) {
		n = strlen(azKindName[i]);
		if (strncmp(zName, azKindName[i], n) == 0 &&
		    (zName[n] == 0 || zName[n] == '('))
			break;
	}
	if (i == sizeof(azKindName) / sizeof(azKindName[0]))
		return -1;
	t.kind = (enum dtype_kind)i;
	z = zName + n;
	switch (t.kind) {
	case DTYPE_DECIMAL:
		if (*z++ != '(' || (t.p = parse_small(&z)) < 1 || t.p > 38 ||
		    *z++ != ',' || (t.s = parse_small(&z)) < 0 || t.s > t.p ||
		    *z++ != ')')
			return -1;
		break;
	case DTYPE_TIME:
	case DTYPE_DATETIME:
	case DTYPE_DATETIMEOFFSET:
		if (*z++ != '(' || (t.s = parse_small(&z)) < 0 || t.s > 7 ||
		    *z++ != ')')
			return -1;
		break;
	default:
		break;
	}
	if (*z != 0)
		return -1;
	*pT = t;
	return 0;
}

char *
dtype_format(const struct dtype *pT, char *zBuf)
{
	const char *zKind = "?";

	if ((size_t)pT->kind < sizeof(azKindName) / sizeof(azKindName[0]))
		zKind = azKindName[pT->kind];
	switch (pT->kind) {
	case DTYPE_DECIMAL:
		snprintf(
		    zBuf, DTYPE_NAME_MAX, "%s(%d,%d)", zKind, pT->p, pT->s);
		break;
	case DTYPE_TIME:
	case DTYPE_DATETIME:
	case DTYPE_DATETIMEOFFSET:
		snprintf(zBuf, DTYPE_NAME_MAX, "%s(%d)", zKind, pT->s);
		break;
	default:
		snprintf(zBuf, DTYPE_NAME_MAX, "%s", zKind);
		break;
	}
	return zBuf;
}

/* ---- UTF-8 ---- */

/*
 * Length of the valid UTF-8 sequence at z (at most n bytes), or 0 if
 * the bytes there are not one: overlong forms, UTF-16 surrogates,
 * code points above U+10FFFF and truncated sequences are all invalid.
 */
static size_t
utf8_seq(const unsigned char *z, size_t n)
{
	unsigned c = z[0];

	if (c < 0xC2)
		return 0; /* continuation byte or overlong 2-byte lead */
	if (c < 0xE0) {
		if (n < 2 || (z[1] & 0xC0) != 0x80)
			return 0;
		return 2;
	}
	if (c < 0xF0) {
		if (n < 3 || (z[1] & 0xC0) != 0x80 || (z[2] & 0xC0) != 0x80)
			return 0;
		if (c == 0xE0 && z[1] < 0xA0)
			return 0; /* overlong */
		if (c == 0xED && z[1] >= 0xA0)
			return 0; /* surrogate */
		return 3;
	}
	if (c < 0xF5) {
		if (n < 4 || (z[1] & 0xC0) != 0x80 || (z[2] & 0xC0) != 0x80 ||
		    (z[3] & 0xC0) != 0x80)
			return 0;
		if (c == 0xF0 && z[1] < 0x90)
			return 0; /* overlong */
		if (c == 0xF4 && z[1] >= 0x90)
			return 0; /* above U+10FFFF */
		return 4;
	}
	return 0;
}

int
dtype_utf8_valid(const char *zIn, size_t n)
{
	const unsigned char *z = (const unsigned char *)zIn;
	const unsigned char *zEnd = z + n;
	uint64_t w;
	size_t k;

	while (z < zEnd) {
		/* ASCII runs eight bytes at a time */
		while (zEnd - z >= 8) {
			memcpy(&w, z, 8);
			w &= UINT64_C(0x8080808080808080);
			if (w != 0) {
#if defined(__GNUC__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
				z += __builtin_ctzll(w) >> 3;
#endif
				break;
			}
			z += 8;
		}
		while (z < zEnd && *z < 0x80)
			z++;
		if (z == zEnd)
			break;
		k = utf8_seq(z, (size_t)(zEnd - z));
		if (k == 0)
			return 0;
		z += k;
	}
	return 1;
}

/* ---- canonical text forms ---- */

static int
is_digit(char c)
{
	return (unsigned char)(c - '0') <= 9;
}

/* Number of decimal digits starting at z (at most n). */
static size_t
count_digits(const char *z, size_t n)
{
	size_t i = 0;

	while (i < n && is_digit(z[i]))
		i++;
	return i;
}

/* Value of the n (<= 4) digits at z, which the caller has checked. */
static int
digits_value(const char *z, size_t n)
{
	int v = 0;
	size_t i;

	for (i = 0; i < n; i++)
		v = v * 10 + (z[i] - '0');
	return v;
}

static int
check_int(const char *z, size_t n, const char **pzWhy)
{
	static const char zMax[] = "9223372036854775807";
	int neg = 0;
	size_t nd;

	if (n > 0 && z[0] == '-') {
		neg = 1;
		z++;
		n--;
	}
	nd = count_digits(z, n);
	if (nd == 0 || nd != n) {
		*pzWhy = "not an integer";
		return -1;
	}
	if (z[0] == '0' && (n > 1 || neg)) {
		*pzWhy = n > 1 ? "leading zero in integer" : "negative zero";
		return -1;
	}
	if (n > 19 ||
	    (n == 19 && memcmp(z, zMax, 18) >= 0 &&
	        (memcmp(z, zMax, 18) > 0 || z[18] > zMax[18] + neg))) {
		*pzWhy = "integer out of 64-bit range";
		return -1;
	}
	return 0;
}

/* strtod() in the C locale, whatever the program's LC_NUMERIC. */
static double
strtod_c(const char *z)
{
	static locale_t cLocale;
	locale_t old;
	double v;

	if (cLocale == (locale_t)0)
		cLocale = newlocale(LC_NUMERIC_MASK, "C", (locale_t)0);
	if (cLocale == (locale_t)0)
		return strtod(z, NULL);
	old = uselocale(cLocale);
	v = strtod(z, NULL);
	uselocale(old);
	return v;
}

/*
 * Does the n-byte number at z (JSON number syntax) overflow a double?
 * Sets *pzWhy and returns -1 if so (or if out of memory), else 0. Kept
 * apart from check_real() so that its buffer does not weigh on the
 * common path.
 */
static int
real_range(const char *z, size_t n, const char **pzWhy)
{
	char aBuf[64];
	char *zCopy;
	double v;

	zCopy = n < sizeof(aBuf) ? aBuf : malloc(n + 1);
	if (zCopy == NULL) {
		*pzWhy = "out of memory";
		return -1;
	}
	memcpy(zCopy, z, n);
	zCopy[n] = 0;
	v = strtod_c(zCopy);
	if (zCopy != aBuf)
		free(zCopy);
	/* underflow to zero or a subnormal is fine; overflow is not */
	if (isinf(v)) {
		*pzWhy = "number out of range of a double";
		return -1;
	}
	return 0;
}

/*
 * A finite number in JSON number syntax. Without an exponent, up to
 * 308 integer digits can never overflow a double; anything else is
 * checked with strtod().
 */
static int
check_real(const char *z, size_t n, const char **pzWhy)
{
	size_t i = 0, nInt, nd;
	int bExp = 0;

	*pzWhy = "not a number";
	if (i < n && z[i] == '-')
		i++;
	nInt = count_digits(z + i, n - i);
	if (nInt == 0 || (nInt > 1 && z[i] == '0'))
		return -1;
	i += nInt;
	if (i < n && z[i] == '.') {
		i++;
		nd = count_digits(z + i, n - i);
		if (nd == 0)
			return -1;
		i += nd;
	}
	if (i < n && (z[i] == 'e' || z[i] == 'E')) {
		bExp = 1;
		i++;
		if (i < n && (z[i] == '+' || z[i] == '-'))
			i++;
		nd = count_digits(z + i, n - i);
		if (nd == 0)
			return -1;
		i += nd;
	}
	if (i != n)
		return -1;
	if (!bExp && nInt <= 308)
		return 0;
	return real_range(z, n, pzWhy);
}

/* "expected N fraction digits" for N = 0..38, for messages. */
#define FRAC(n) "expected " #n " fraction digits"
static const char *const azFracWhy[] = {FRAC(0), FRAC(1), FRAC(2), FRAC(3),
    FRAC(4), FRAC(5), FRAC(6), FRAC(7), FRAC(8), FRAC(9), FRAC(10), FRAC(11),
    FRAC(12), FRAC(13), FRAC(14), FRAC(15), FRAC(16), FRAC(17), FRAC(18),
    FRAC(19), FRAC(20), FRAC(21), FRAC(22), FRAC(23), FRAC(24), FRAC(25),
    FRAC(26), FRAC(27), FRAC(28), FRAC(29), FRAC(30), FRAC(31), FRAC(32),
    FRAC(33), FRAC(34), FRAC(35), FRAC(36), FRAC(37), FRAC(38)};
#undef FRAC

static int
check_decimal(
    const struct dtype *pT, const char *z, size_t n, const char **pzWhy)
{
	size_t i = 0, j, nInt, nFrac = 0;
	unsigned nonZero = 0; /* a digit other than '0' was seen */

	*pzWhy = "not a decimal number";
	if (n > 0 && z[0] == '-')
		i++;
	for (j = i; j < n && is_digit(z[j]); j++)
		nonZero |= (unsigned)(z[j] - '0');
	nInt = j - i;
	if (nInt == 0)
		return -1;
	if (nInt > 1 && z[i] == '0') {
		*pzWhy = "leading zero in decimal";
		return -1;
	}
	if (nInt > (size_t)(pT->p - pT->s) && !(nInt == 1 && z[i] == '0')) {
		*pzWhy = "too many integer digits for the precision";
		return -1;
	}
	i += nInt;
	if (i < n && z[i] == '.') {
		for (j = i + 1; j < n && is_digit(z[j]); j++)
			nonZero |= (unsigned)(z[j] - '0');
		nFrac = j - i - 1;
		if (nFrac == 0 || j != n)
			return -1;
		i = n;
	}
	if (i != n)
		return -1;
	if (nFrac != (size_t)pT->s) {
		*pzWhy = azFracWhy[pT->s];
		return -1;
	}
	if (z[0] == '-' && nonZero == 0) {
		*pzWhy = "negative zero";
		return -1;
	}
	return 0;
}

#define BYTES(c) (UINT64_C(0x0101010101010101) * (c))

/*
 * Bit 7 set in each byte of x that lies strictly between m and n; every
 * byte of x must be below 0x80, m <= 127, n <= 128 (no byte borrows or
 * carries into the next).
 */
static uint64_t
bytes_between(uint64_t x, unsigned m, unsigned n)
{
	return (BYTES(127 + n) - x) & ~x & (x + BYTES(127 - m)) & BYTES(0x80);
}

/* Are the eight bytes at z all hex digits of one case? */
static int
hex_word(const unsigned char *z, int upper)
{
	uint64_t x, ok;

	memcpy(&x, z, 8);
	if (x & BYTES(0x80))
		return 0;
	ok = bytes_between(x, '0' - 1, '9' + 1);
	if (upper)
		ok |= bytes_between(x, 'A' - 1, 'F' + 1);
	else
		ok |= bytes_between(x, 'a' - 1, 'f' + 1);
	return ok == BYTES(0x80);
}

/* Character classes for hex checks: 1 digit, 2 a-f, 4 A-F. */
static const unsigned char aHexClass[256] = {['0'] = 1,
    ['1'] = 1,
    ['2'] = 1,
    ['3'] = 1,
    ['4'] = 1,
    ['5'] = 1,
    ['6'] = 1,
    ['7'] = 1,
    ['8'] = 1,
    ['9'] = 1,
    ['a'] = 2,
    ['b'] = 2,
    ['c'] = 2,
    ['d'] = 2,
    ['e'] = 2,
    ['f'] = 2,
    ['A'] = 4,
    ['B'] = 4,
    ['C'] = 4,
    ['D'] = 4,
    ['E'] = 4,
    ['F'] = 4};

/* Are the n bytes at z hex digits, lowercase (upper == 0) or
 * uppercase? */
static int
check_hex(const char *z, size_t n, int upper)
{
	const unsigned char *u = (const unsigned char *)z;
	unsigned mask = upper ? 5 : 3, bad = 0;
	size_t i;

	for (i = 0; i + 8 <= n; i += 8) {
		if (!hex_word(u + i, upper))
			return -1;
	}
	for (; i < n; i++)
		bad |= (aHexClass[u[i]] & mask) == 0;
	return bad ? -1 : 0;
}

static int
check_blob(const char *z, size_t n, const char **pzWhy)
{
	if (n % 2 != 0) {
		*pzWhy = "odd number of hex digits";
		return -1;
	}
	if (check_hex(z, n, 0) != 0) {
		*pzWhy = "not lowercase hex";
		return -1;
	}
	return 0;
}

static int
check_uuid(const char *z, size_t n, const char **pzWhy)
{
	char a[32]; /* the hex digits without the dashes */

	*pzWhy = "not an uppercase UUID";
	if (n != 36 || z[8] != '-' || z[13] != '-' || z[18] != '-' ||
	    z[23] != '-')
		return -1;
	memcpy(a, z, 8);
	memcpy(a + 8, z + 9, 4);
	memcpy(a + 12, z + 14, 4);
	memcpy(a + 16, z + 19, 4);
	memcpy(a + 20, z + 24, 12);
	if (!hex_word((unsigned char *)a, 1) ||
	    !hex_word((unsigned char *)a + 8, 1) ||
	    !hex_word((unsigned char *)a + 16, 1) ||
	    !hex_word((unsigned char *)a + 24, 1))
		return -1;
	return 0;
}

/* Do the n bytes at z have the shape zShape: a digit where zShape has
 * 'd', elsewhere the same character? */
static int
match_shape(const char *z, const char *zShape, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (zShape[i] == 'd' ? !is_digit(z[i]) : z[i] != zShape[i])
			return 0;
	}
	return 1;
}

/* YYYY-MM-DD, a real date of the proleptic Gregorian calendar. */
static int
check_date_part(const char *z, const char **pzWhy)
{
	static const int aDays[] = {
	    31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	int y, m, d, nMax;

	*pzWhy = "not a date (YYYY-MM-DD)";
	if (!is_digit(z[0]) || !is_digit(z[1]) || !is_digit(z[2]) ||
	    !is_digit(z[3]) || z[4] != '-' || !is_digit(z[5]) ||
	    !is_digit(z[6]) || z[7] != '-' || !is_digit(z[8]) ||
	    !is_digit(z[9]))
		return -1;
	y = digits_value(z, 4);
	m = digits_value(z + 5, 2);
	d = digits_value(z + 8, 2);
	if (y < 1 || m < 1 || m > 12 || d < 1) {
		*pzWhy = "no such date";
		return -1;
	}
	nMax = aDays[m - 1];
	if (m == 2 && y % 4 == 0 && (y % 100 != 0 || y % 400 == 0))
		nMax = 29;
	if (d > nMax) {
		*pzWhy = "no such date";
		return -1;
	}
	return 0;
}

/* HH:MM:SS plus '.' and exactly s digits when s > 0; n is the length. */
static int
check_time_part(const char *z, size_t n, int s, const char **pzWhy)
{
	*pzWhy = "not a time (HH:MM:SS)";
	if (n < 8 || !is_digit(z[0]) || !is_digit(z[1]) || z[2] != ':' ||
	    !is_digit(z[3]) || !is_digit(z[4]) || z[5] != ':' ||
	    !is_digit(z[6]) || !is_digit(z[7]))
		return -1;
	if (digits_value(z, 2) > 23 || digits_value(z + 3, 2) > 59 ||
	    digits_value(z + 6, 2) > 59) {
		*pzWhy = "no such time of day";
		return -1;
	}
	if (n == 8) {
		if (s == 0)
			return 0;
		*pzWhy = azFracWhy[s];
		return -1;
	}
	if (n < 10 || z[8] != '.' || count_digits(z + 9, n - 9) != n - 9) {
		*pzWhy = "not a time (HH:MM:SS)";
		return -1;
	}
	if (n - 9 != (size_t)s) {
		*pzWhy = azFracWhy[s];
		return -1;
	}
	return 0;
}

static int
check_datetime(
    const struct dtype *pT, const char *z, size_t n, const char **pzWhy)
{
	size_t nTime;
	int off;

	if (n < 19 || z[10] != ' ') {
		*pzWhy = "not a datetime (YYYY-MM-DD HH:MM:SS)";
		return -1;
	}
	if (check_date_part(z, pzWhy) != 0)
		return -1;
	nTime = n - 11;
	if (pT->kind == DTYPE_DATETIMEOFFSET) {
		if (nTime < 7 || z[n - 7] != ' ' ||
		    (z[n - 6] != '+' && z[n - 6] != '-') ||
		    !match_shape(z + n - 5, "dd:dd", 5)) {
			*pzWhy = "expected a time zone offset (+HH:MM)";
			return -1;
		}
		off = digits_value(z + n - 5, 2) * 60 +
		    digits_value(z + n - 2, 2);
		if (off > 14 * 60 || digits_value(z + n - 2, 2) > 59) {
			*pzWhy = "time zone offset out of range";
			return -1;
		}
		if (off == 0 && z[n - 6] == '-') {
			*pzWhy = "zero offset must be written +00:00";
			return -1;
		}
		nTime -= 7;
	}
	return check_time_part(z + 11, nTime, pT->s, pzWhy);
}

/*
 * The checks of each kind with one signature, called through a table:
 * a switch that inlined them all would make every call pay for the
 * registers and stack of the largest.
 */
typedef int check_fn(const struct dtype *, const char *, size_t, const char **);

static int
kind_bool(const struct dtype *pT, const char *z, size_t n, const char **pzWhy)
{
	(void)pT;
	if (n == 1 && (z[0] == '0' || z[0] == '1'))
		return 0;
	*pzWhy = "not a boolean (0 or 1)";
	return -1;
}

static int
kind_int(const struct dtype *pT, const char *z, size_t n, const char **pzWhy)
{
	(void)pT;
	return check_int(z, n, pzWhy);
}

static int
kind_real(const struct dtype *pT, const char *z, size_t n, const char **pzWhy)
{
	(void)pT;
	return check_real(z, n, pzWhy);
}

static int
kind_text(const struct dtype *pT, const char *z, size_t n, const char **pzWhy)
{
	(void)pT;
	if (dtype_utf8_valid(z, n))
		return 0;
	*pzWhy = "invalid UTF-8";
	return -1;
}

static int
kind_blob(const struct dtype *pT, const char *z, size_t n, const char **pzWhy)
{
	(void)pT;
	return check_blob(z, n, pzWhy);
}

static int
kind_uuid(const struct dtype *pT, const char *z, size_t n, const char **pzWhy)
{
	(void)pT;
	return check_uuid(z, n, pzWhy);
}

static int
kind_date(const struct dtype *pT, const char *z, size_t n, const char **pzWhy)
{
	(void)pT;
	if (n != 10) {
		*pzWhy = "not a date (YYYY-MM-DD)";
		return -1;
	}
	return check_date_part(z, pzWhy);
}

static int
kind_time(const struct dtype *pT, const char *z, size_t n, const char **pzWhy)
{
	return check_time_part(z, n, pT->s, pzWhy);
}

/* Indexed by enum dtype_kind. */
static check_fn *const apCheck[] = {kind_bool, kind_int, kind_real,
    check_decimal, kind_text, kind_blob, kind_uuid, kind_date, kind_time,
    check_datetime, check_datetime};

int
dtype_check(const struct dtype *pT, const char *z, size_t n, const char **pzWhy)
{
	if ((size_t)pT->kind < sizeof(apCheck) / sizeof(apCheck[0]))
		return apCheck[pT->kind](pT, z, n, pzWhy);
	*pzWhy = "unknown type";
	return -1;
}

static int
hex_value(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	return c - 'a' + 10;
}

size_t
dtype_blob_decode(const char *z, size_t n, unsigned char *pOut)
{
	size_t i;

	for (i = 0; i + 1 < n; i += 2)
		pOut[i / 2] =
		    (unsigned char)(hex_value(z[i]) << 4 | hex_value(z[i + 1]));
	return n / 2;
}

/* memcmp, then the shorter first: SQLite's BINARY order. */
static int
bytes_order(const char *zA, size_t nA, const char *zB, size_t nB)
{
	int c = memcmp(zA, zB, nA < nB ? nA : nB);

	if (c != 0)
		return c < 0 ? -1 : 1;
	return nA < nB ? -1 : nA > nB;
}

/* Two canonical integers or decimals (no leading zero, no -0, the same
 * number of fraction digits): sign, then length, then digits. */
static int
number_order(const char *zA, size_t nA, const char *zB, size_t nB)
{
	int negA = nA > 0 && zA[0] == '-', negB = nB > 0 && zB[0] == '-';
	int c;

	if (negA != negB)
		return negA ? -1 : 1;
	zA += negA, nA -= (size_t)negA;
	zB += negB, nB -= (size_t)negB;
	c = nA != nB ? (nA < nB ? -1 : 1) : bytes_order(zA, nA, zB, nB);
	return negA ? -c : c;
}

/* The value of a canonical real of n bytes. */
static double
real_value(const char *z, size_t n)
{
	char aBuf[64], *zCopy = n < sizeof aBuf ? aBuf : util_malloc(n + 1);
	double v;

	memcpy(zCopy, z, n);
	zCopy[n] = '\0';
	v = strtod_c(zCopy);
	if (zCopy != aBuf)
		free(zCopy);
	return v;
}

/* Days from 1970-01-01 to the date at z (YYYY-MM-DD, proleptic). */
static int64_t
day_number(const char *z)
{
	int64_t y = digits_value(z, 4), m = digits_value(z + 5, 2);
	int64_t d = digits_value(z + 8, 2), era, yoe, doy, doe;

	/* Howard Hinnant's days_from_civil */
	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

/* A canonical datetimeoffset of n bytes as UTC seconds since 1970 and
 * its fraction digits (at z + 20, *pnFrac of them). */
static int64_t
utc_seconds(const char *z, size_t n, size_t *pnFrac)
{
	int64_t s = day_number(z) * 86400 + digits_value(z + 11, 2) * 3600 +
	    digits_value(z + 14, 2) * 60 + digits_value(z + 17, 2);
	int64_t off =
	    digits_value(z + n - 5, 2) * 3600 + digits_value(z + n - 2, 2) * 60;

	*pnFrac = n - 7 > 19 ? n - 7 - 20 : 0;
	return z[n - 6] == '-' ? s + off : s - off;
}

int
dtype_cmp(const struct dtype *pT, const char *zA, size_t nA, const char *zB,
    size_t nB)
{
	int64_t sA, sB;
	size_t fA, fB;
	double a, b;

	switch (pT->kind) {
	case DTYPE_BOOL:
	case DTYPE_INT:
	case DTYPE_DECIMAL:
		return number_order(zA, nA, zB, nB);
	case DTYPE_REAL:
		a = real_value(zA, nA);
		b = real_value(zB, nB);
		return a < b ? -1 : a > b;
	case DTYPE_DATETIMEOFFSET:
		sA = utc_seconds(zA, nA, &fA);
		sB = utc_seconds(zB, nB, &fB);
		if (sA != sB)
			return sA < sB ? -1 : 1;
		return bytes_order(zA + 20, fA, zB + 20, fB);
	default:
		/* text and uuid by bytes; blob hex, date and time texts have
		 * the order of their values */
		return bytes_order(zA, nA, zB, nB);
	}
}
