/*
 * json.h - JSON string literals, the one quoter of dbs: the NDJSON
 * stream writer, dbs-load's summary and dbs-sync's log lines. Quotes,
 * backslashes and control characters (U+0000-U+001F, U+007F) are
 * escaped; other bytes, UTF-8 included, are copied.
 */
#ifndef DBS_JSON_H
#define DBS_JSON_H

#include <stddef.h>

#include "buf.h"

/* Write the literal of the n bytes at s at z, which has room for 6n+2
 * bytes; returns the end (no NUL is written). */
char *json_quote_to(char *z, const char *s, size_t n);

/* Append the literal of the NUL-terminated z to pB. */
void json_append_str(struct buf *pB, const char *z);

/* The literal of the NUL-terminated z, in a new string the caller
 * frees. */
char *json_quote(const char *z);

#endif
