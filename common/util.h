/*
 * util.h - process-wide helpers shared by every dbs program: exit codes,
 * diagnostics on stderr, allocation that dies cleanly on exhaustion, and
 * range-checked number parsing.
 */
#ifndef DBS_UTIL_H
#define DBS_UTIL_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

/*
 * Exit statuses of all dbs programs. This is the one place that defines
 * them; the EXIT STATUS sections of the man pages list the same table.
 */
enum {
	DBS_EXIT_OK = 0,      /* success */
	DBS_EXIT_FAIL = 1,    /* failure; nothing committed */
	DBS_EXIT_USAGE = 2,   /* bad flags or arguments */
	DBS_EXIT_REFUSED = 3, /* refused by a safety rule; nothing committed */
	DBS_EXIT_BUSY = 4     /* database or lock held by another run */
};

/*
 * Set the program name used as the prefix of every message ("dbs-load").
 * Call once at the start of main().
 */
void util_setprogname(const char *zName);
const char *util_progname(void);

/*
 * Print "prog: message" to stderr. The format must be a literal. util_die()
 * then exits with the given status; util_warn() returns.
 */
void util_warn(const char *zFmt, ...) __attribute__((format(printf, 1, 2)));
void util_die(int rc, const char *zFmt, ...)
    __attribute__((noreturn, format(printf, 2, 3)));

/*
 * Format a message (one line) into a new string the caller frees, with
 * every control character and every byte that is not part of valid
 * UTF-8 escaped (\n, \t, \x1b, \xff, ...), so that names and
 * values from a stream or a server can neither break a message in two,
 * forge a log line nor reach a terminal raw. util_warn() and util_die()
 * format this way.
 */
char *util_vformat(const char *zFmt, va_list ap)
    __attribute__((format(printf, 1, 0)));
char *util_format(const char *zFmt, ...) __attribute__((format(printf, 1, 2)));

/*
 * Fail with a message: set *pzErr to util_format(zFmt, ...), which the
 * caller frees, and return rc (a DBS_EXIT_* status), so that a function
 * that hands its failure to its caller can end with
 * return util_fail(pzErr, DBS_EXIT_FAIL, "%s: %s", zFile, strerror(errno));
 */
int util_fail(char **pzErr, int rc, const char *zFmt, ...)
    __attribute__((format(printf, 3, 4)));

/*
 * Allocation wrappers. They never return NULL: on exhaustion they print
 * "prog: out of memory" and exit with DBS_EXIT_FAIL. Memory is released
 * with free(). util_strndup() copies n bytes and adds a NUL.
 */
void *util_malloc(size_t n);
void *util_calloc(size_t nmemb, size_t size);
void *util_realloc(void *p, size_t n);
char *util_strdup(const char *z);
char *util_strndup(const char *z, size_t n);

/*
 * Parse the whole of z (NUL-terminated) as a decimal integer in
 * [min, max]: -?[0-9]+, as OpenBSD's strtonum(3) but stricter. Blanks,
 * '+', a '-' where the range has no negatives, "-0", empty strings and
 * trailing junk are rejected. Returns 0 and sets *pOut, or -1 (errno
 * untouched) when z is not such a number.
 */
int util_parse_i64(const char *z, int64_t min, int64_t max, int64_t *pOut);

/*
 * Parse the whole of z as a percentage: [0-9]+(.[0-9]+)?%? ("50",
 * "12.5%", "0.25" is 0.25%) in [0, 100]; no sign, blank, hexadecimal or
 * exponent. Returns 0 and sets *pOut, or -1.
 */
int util_parse_percent(const char *z, double *pOut);

/* Bytes of util_time_text()'s text with its NUL. */
#define UTIL_TIME_SIZE 28

/*
 * The UTC time *pTs as "YYYY-MM-DDTHH:MM:SS.ffffffZ" (ISO 8601, the
 * microseconds truncated, years 0000 to 9999) into z, which holds n >=
 * UTIL_TIME_SIZE bytes: the extracted-at of dbs-stream(5) and the run
 * times of dbs-load. util_time_now() writes the current time so.
 */
void util_time_text(const struct timespec *pTs, char *z, size_t n);
void util_time_now(char *z, size_t n);

#endif
