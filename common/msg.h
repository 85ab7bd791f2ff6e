/*
 * msg.h - the records that dbs-extract and "dbs-load --serve" exchange
 * over a pair of pipes while a sync compares the source with the local
 * table (dbs-load(1), "SERVING DBS-EXTRACT"). A record is a sequence of
 * fields in the canonical row encoding of dbs-stream(5) (LEN:BYTES, or
 * "-" for no value) ended by LF; its first field names it. Because every
 * value is length-prefixed, values may hold any byte, LF included.
 */
#ifndef DBS_MSG_H
#define DBS_MSG_H

#include <stdint.h>
#include <stdio.h>

#include "buf.h"
#include "stream.h"

/* One record read. Zero-initialise; free with msg_free(). */
struct msg {
	struct stream_field *aF; /* n fields, each NUL-terminated or NULL */
	size_t n;
	size_t nAlloc;    /* entries of aF */
	struct buf store; /* their bytes */
	size_t *aOff;     /* offsets into store while reading */
	struct buf out;   /* a record being built (msg_add...) */
};

/*
 * Read one record from fp into *pM. Returns 1, 0 at the end of input
 * before any byte of a record, or -1 for a malformed record or a read
 * error (errno is 0 for the former).
 */
int msg_read(FILE *fp, struct msg *pM);

/* Is field i of *pM the text z? */
int msg_is(const struct msg *pM, size_t i, const char *z);

/* Start building a record whose first field is zName. */
void msg_begin(struct msg *pM, const char *zName);

/* Append a field of n bytes at z (z NULL: no value). */
void msg_add(struct msg *pM, const char *z, size_t n);

/* Append a field: the decimal text of v. */
void msg_add_i64(struct msg *pM, int64_t v);

/* End the record and write it to fp (not flushed). Returns 0 or -1. */
int msg_send(struct msg *pM, FILE *fp);

/* Release what *pM owns. */
void msg_free(struct msg *pM);

#endif
