/*
 * tap.h - a minimal Test Anything Protocol harness for the C unit tests.
 * Each test program calls tap_ok()/tap_is_*() and ends with
 * return tap_done(); the plan is printed at the end.
 */
#ifndef DBS_TAP_H
#define DBS_TAP_H

#include <stddef.h>
#include <stdint.h>

/* Report one test: ok if cond is non-zero. Returns cond. */
int tap_ok(int cond, const char *zFmt, ...)
    __attribute__((format(printf, 2, 3)));

/* ok if the two strings are equal (NULL equals only NULL); on failure
 * prints both as diagnostics. */
int tap_is_str(const char *zGot, const char *zWant, const char *zName);

/* ok if the two byte ranges are equal. */
int tap_is_mem(const void *pGot, size_t nGot, const void *pWant, size_t nWant,
    const char *zName);

/* ok if the two integers are equal. */
int tap_is_int(int64_t got, int64_t want, const char *zName);

/* Print a diagnostic line ("# ..."). */
void tap_diag(const char *zFmt, ...) __attribute__((format(printf, 1, 2)));

/* Print the plan "1..N"; returns 0 if every test passed, else 1. */
int tap_done(void);

#endif
