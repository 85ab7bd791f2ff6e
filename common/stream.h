/*
 * stream.h - the dbs stream (dbs-stream(5)): a push reader that turns
 * bytes of CSV or NDJSON into header, row and trailer events, and a
 * writer that produces either format. Both compute the canonical row
 * hash and the trailer checksum described in dbs-stream(5).
 */
#ifndef DBS_STREAM_H
#define DBS_STREAM_H

#include <stddef.h>
#include <stdint.h>

#include "buf.h"
#include "dtype.h"

/* The newest format version this code reads. Writers write version 1,
 * or version 2 when the header names "ranges" (a partial stream that a
 * version 1 reader would take for a full one). */
#define STREAM_VERSION 2

enum stream_format {
	STREAM_CSV,    /* dbs CSV with #-records */
	STREAM_NDJSON, /* one JSON object per line */
	STREAM_PLAIN   /* writer only: names row and rows, no types/trailer */
};

/*
 * A meta entry has one or more values: "#meta,key,region,id" in CSV,
 * "key":["region","id"] in NDJSON. zValue is azValue[0], for the common
 * single-valued case. Known list-valued names: "key" (which the reader
 * moves to azKey instead) and "since" (column, lower bound).
 */
struct stream_meta {
	char *zName;    /* e.g. "server", "object", "extracted-at" */
	char *zValue;   /* UTF-8, never NULL; same pointer as azValue[0] */
	char **azValue; /* all values, nValue >= 1 */
	size_t nValue;
};

struct stream_col {
	char *zName;       /* column name, UTF-8 */
	struct dtype type; /* logical type */
	char *zSourceType; /* as the server declared it: "decimal(18,4)" */
	int notnull;       /* 1 if the source declared NOT NULL */
};

struct stream_header {
	int version;               /* 1 or 2, as read; ignored by the writer */
	enum stream_format format; /* what was read, or what to write */
	struct stream_meta *aMeta; /* name/value pairs in stream order */
	size_t nMeta;
	char **azKey;            /* key column names, in key order */
	size_t nKey;             /* 0 if the source named no key */
	struct stream_col *aCol; /* the columns, in row order */
	size_t nCol;
};

/*
 * One value of a row. z == NULL is SQL NULL. Otherwise z points at n
 * bytes of the canonical text form, followed by a NUL that is not
 * counted (text values may contain NUL bytes themselves).
 */
struct stream_field {
	const char *z;
	size_t n;
};

/* Value of the meta entry named zName, or NULL if absent. */
const char *stream_header_meta(
    const struct stream_header *pH, const char *zName);

/*
 * All values of the meta entry named zName: returns the array and sets
 * *pnValue, or returns NULL (and sets *pnValue to 0) if absent.
 */
char *const *stream_header_meta_list(
    const struct stream_header *pH, const char *zName, size_t *pnValue);

/*
 * Append a meta entry (copies both strings). For building headers to
 * write. The key is not a meta entry: use stream_header_add_key().
 */
void stream_header_add_meta(
    struct stream_header *pH, const char *zName, const char *zValue);

/* Append a meta entry with nValue >= 1 values (all copied), e.g.
 * "since" with the column and the bound. */
void stream_header_add_meta_list(struct stream_header *pH, const char *zName,
    const char *const *azValue, size_t nValue);

/* Append a key column name (copied) to azKey. */
void stream_header_add_key(struct stream_header *pH, const char *zName);

/* Append a column (strings copied). */
void stream_header_add_col(struct stream_header *pH, const char *zName,
    const struct dtype *pType, const char *zSourceType, int notnull);

/* Index of the column named zName in pH->aCol, or -1. */
long stream_header_find_col(const struct stream_header *pH, const char *zName);

/* Release everything a header owns (not pH itself); leaves it zeroed. */
void stream_header_clear(struct stream_header *pH);

/*
 * Canonical row hash (dbs-stream(5), "Checksum"): XXH3-64 of the
 * canonical encoding of the nCol fields.
 */
uint64_t stream_row_hash(const struct stream_field *aField, size_t nCol);

/*
 * Append to *pB the canonical encoding of the n fields aField ("-" for
 * NULL, else LEN ":" BYTES), without the LF that ends a row: the key
 * encoding of keyrange.h and the fields of the records of msg.h.
 */
void stream_encode_fields(
    struct buf *pB, const struct stream_field *aField, size_t n);

/* ---- reader ---- */

/*
 * Event callbacks. Each returns 0 to go on; any other value stops the
 * reader, which then returns STREAM_STOP from feed/finish (the callback
 * owner keeps its own error message). Pointers passed to a callback are
 * valid only during the call, except the header passed to xHeader,
 * which stays valid until stream_reader_free(). Any callback may be
 * NULL. xHeader is called once the whole header is read and checked
 * (CSV: after the names row). Lines count from 1; a BOM is not a line.
 */
struct stream_handler {
	int (*xHeader)(void *pCtx, const struct stream_header *pH);
	/* aField has pH->nCol entries in header column order; the values
	 * have been checked against their types; rowHash is
	 * stream_row_hash() of them; iLine is the input line the row began */
	int (*xRow)(void *pCtx, const struct stream_field *aField,
	    uint64_t rowHash, uint64_t iLine);
	/* Called once, from stream_reader_finish(), after the trailer has
	 * been verified (row count and checksum match) and the end of input
	 * showed nothing follows it. Never called for an incomplete or
	 * invalid stream. */
	int (*xTrailer)(void *pCtx, uint64_t nRow, uint64_t checksum);
	void *pCtx;
};

enum {
	STREAM_OK = 0,  /* go on */
	STREAM_ERR = 1, /* malformed input: see stream_reader_errmsg() */
	STREAM_STOP = 2 /* a callback returned non-zero */
};

struct stream_reader;

/*
 * Create a reader. zInput names the input in messages ("stdin",
 * "snap.csv"). The handler is copied. Free with stream_reader_free().
 */
struct stream_reader *stream_reader_new(
    const struct stream_handler *pHandler, const char *zInput);

/*
 * Push n more bytes of input. Any chunking is allowed, down to one byte
 * at a time. Returns STREAM_OK, STREAM_ERR or STREAM_STOP; after an
 * error every later call returns the same error.
 */
int stream_reader_feed(struct stream_reader *pR, const void *p, size_t n);

/*
 * End of input. Returns STREAM_OK only if a complete, verified stream
 * (header, rows, valid trailer, nothing after it) was read.
 */
int stream_reader_finish(struct stream_reader *pR);

/*
 * The last error, as one line without the program name, e.g.
 * "stdin: line 12, column \"amount\": expected 4 fraction digits".
 */
const char *stream_reader_errmsg(const struct stream_reader *pR);

/* The header read so far, once xHeader has been called; else NULL. Valid
 * until stream_reader_free(). */
const struct stream_header *stream_reader_header(
    const struct stream_reader *pR);

/* Frees pR and everything it owns; NULL is a no-op. */
void stream_reader_free(struct stream_reader *pR);

/* ---- writer ---- */

struct stream_writer;

/*
 * Create a writer on file descriptor fd (not closed by the writer) in
 * the given format. Output is buffered.
 */
struct stream_writer *stream_writer_new(int fd, enum stream_format format);

/*
 * Write the header (plain format: the names row only). pH->version and
 * pH->format are ignored. The writer copies what it needs. Returns 0, or
 * -1 on a write error (errno set) or an unusable header (no columns or
 * an empty column name: errno EINVAL).
 */
int stream_writer_header(
    struct stream_writer *pW, const struct stream_header *pH);

/*
 * Write one row of pH->nCol canonical text values (the caller guarantees
 * they are canonical and valid UTF-8). Returns 0 or -1 on write error.
 */
int stream_writer_row(
    struct stream_writer *pW, const struct stream_field *aField);

/*
 * Write the trailer (row count and checksum; nothing in plain format)
 * and flush. Returns 0 or -1 on write error. Errors are sticky: after
 * one, every write call returns -1 with the same errno.
 */
int stream_writer_finish(struct stream_writer *pW);

/* Rows written so far. */
uint64_t stream_writer_rows(const struct stream_writer *pW);

/* The checksum of the rows written so far (what the trailer will say). */
uint64_t stream_writer_checksum(const struct stream_writer *pW);

/* Flush buffered output. Returns 0 or -1 on write error. */
int stream_writer_flush(struct stream_writer *pW);

/* Frees pW (does not flush, does not close the fd); NULL is a no-op. */
void stream_writer_free(struct stream_writer *pW);

#endif
