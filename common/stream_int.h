/*
 * stream_int.h - internals shared by the stream reader (stream_read.c,
 * stream_rcsv.c, stream_rjson.c), the writer (stream_write.c) and the
 * helpers in stream.c. Not part of the API.
 */
#ifndef DBS_STREAM_INT_H
#define DBS_STREAM_INT_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <csv.h>
#include <yajl/yajl_parse.h>

#define XXH_STATIC_LINKING_ONLY
#include <xxhash.h>

#include "buf.h"
#include "stream.h"

/*
 * Write the canonical encoding of one row (dbs-stream(5)) at the end of
 * pB. Returns the length appended.
 */
size_t stream_encode_row(
    struct buf *pB, const struct stream_field *aField, size_t nCol);

/* Write n (>= 100) in decimal at z; returns the number of digits. */
size_t stream_put_size(char *z, size_t n);

/* Write n in decimal at o; returns the end. */
static inline char *
stream_put_len(char *o, size_t n)
{
	if (n < 10) {
		*o = (char)('0' + n);
		return o + 1;
	}
	if (n < 100) {
		o[0] = (char)('0' + n / 10);
		o[1] = (char)('0' + n % 10);
		return o + 2;
	}
	return o + stream_put_size(o, n);
}

/* Most bytes stream_encode_field() writes for a field of n bytes. */
#define STREAM_ENC_MAX(n) ((n) + 21)

/*
 * Write the canonical encoding of one field (z NULL for NULL: "-";
 * else "n:" and the n bytes) at o, which has room for
 * STREAM_ENC_MAX(n) bytes. Returns the end of what was written. Inline:
 * it runs for every field the reader and the writer see.
 */
static inline char *
stream_encode_field(char *o, const char *z, size_t n)
{
	if (z == NULL) {
		*o++ = '-';
		return o;
	}
	o = stream_put_len(o, n);
	*o++ = ':';
	memcpy(o, z, n);
	return o + n;
}

/* Where the reader is in the stream. */
enum rd_phase {
	PH_DETECT,  /* before the first byte (BOM handling) */
	PH_VERSION, /* expecting #dbs-stream (CSV) / the header line */
	PH_META,    /* CSV: #meta records */
	PH_COLUMNS, /* CSV: #column records, then the names row */
	PH_ROWS,    /* data rows, then the trailer */
	PH_AFTER    /* after the trailer: only end of input */
};

/* CSV scanning state (stream_rcsv.c). */
struct rd_csv {
	struct csv_parser parser; /* for records that contain quotes */
	int bInit;                /* parser initialised */
	struct buf carry;         /* a record that spans chunks */
	int bInQuote;             /* scanner is inside a quoted field */
	int bClosed;              /* ... and the last byte closed one */
	int bPrevData;            /* last byte scanned is not ',' */
	int bQuoted;              /* current record contains a quote */
	size_t iQuote;            /* offset of its first quote */
	int nEnds;                /* libcsv row ends seen for the record */
	int lastEnd;              /* terminator of the last libcsv row end */
	size_t nFieldAtEnd;       /* fields when libcsv ended the row */
	int bBad;                 /* libcsv saw a bare CR */
};

/* NDJSON parsing state (stream_rjson.c). */
struct rd_json {
	yajl_handle h;       /* one parser for the whole input */
	int ctx;             /* where in a line's value we are (rjson.c) */
	long iKey;           /* the pending key within ctx */
	struct buf carry;    /* a line that spans chunks */
	int escState;        /* \u escape pre-scanner state */
	unsigned escCp;      /* code point being read by it */
	int bTrailerLine;    /* this line was the trailer */
	uint32_t iGen;       /* row generation, for aSeen */
	uint32_t *aSeen;     /* per column: generation it was last set in */
	size_t nSet;         /* columns set in the current row */
	unsigned seenHdr;    /* header keys seen (bits) */
	char *zMetaName;     /* meta entry whose value(s) are being read */
	struct buf metaVals; /* its values so far, NUL-separated */
	size_t nMetaVals;
	char *azColAttr[3];    /* name, type, source_type of a column */
	int colNotnull;        /* nullable:false seen */
	unsigned seenCol;      /* column keys seen (bits) */
	int bEndRows, bEndSum; /* trailer keys seen */
	char zEndRows[24];     /* trailer "rows" as text */
	size_t nEndRows;
	char zEndSum[17]; /* trailer "checksum" */
	size_t nEndSum;
	int cbrc; /* STREAM_ERR/STOP that made a callback cancel yajl */
};

struct stream_reader {
	struct stream_handler h; /* callbacks */
	char *zInput;            /* name for messages */
	int rc;                  /* sticky STREAM_OK/ERR/STOP */
	char *zErr;              /* last message, or NULL */
	enum rd_phase phase;
	unsigned char aBom[3]; /* bytes held while looking for a BOM */
	size_t nBom;
	uint64_t iLine;    /* line of the next byte */
	uint64_t iRecLine; /* line the current record/row began */
	struct stream_header hdr;
	int bHeader;     /* xHeader has been called */
	size_t nMaxUnit; /* longest record or line: RD_MAX_RECORD; unit
	                  * tests make it small to reach it */
	/* the current record's fields, as offsets into arena */
	struct buf arena;
	size_t *aOff; /* field start, or SIZE_MAX for NULL */
	size_t *aLen;
	size_t nFieldAlloc;
	size_t nField;
	struct stream_field *aField; /* nCol entries for xRow */
	struct buf enc;              /* canonical encoding of the row */
	XXH3_state_t *pSum;          /* the running checksum */
	uint64_t nRow;
	size_t *aNameHash;   /* column lookup: index + 1, 0 = empty slot */
	size_t nHashMask;    /* slots - 1 (a power of two) */
	size_t *anNameLen;   /* strlen() of each column name */
	char aShow[80];      /* rd_show()'s result */
	int bTrailer;        /* trailer read and verified */
	int bFinished;       /* finish() succeeded and called xTrailer */
	uint64_t nTrailRows; /* its values */
	uint64_t trailSum;
	struct rd_csv csv;
	struct rd_json json;
};

/*
 * Record an error "INPUT: line N[, column "x"]: message" unless one is
 * recorded already; iCol < 0 for no column. Returns STREAM_ERR.
 */
int rd_error(struct stream_reader *pR, long iCol, const char *zFmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Longest record (CSV) or line (NDJSON) the reader accepts. */
#define RD_MAX_RECORD ((size_t)1 << 30)

/* Set the longest record or line of pR, for the unit tests only. */
void rd_set_max_unit(struct stream_reader *pR, size_t n);

/* Make room for n fields in aOff/aLen. */
void rd_fields_grow(struct stream_reader *pR, size_t n);

/* The units a format's input splits into (CSV records, NDJSON lines). */
struct rd_units {
	const char *zUnit; /* "record", "line": for messages */
	/* the length of the unit that starts at p (nCarried bytes of it
	 * came in earlier chunks) if it ends within the n bytes, else 0 */
	size_t (*xEnd)(
	    struct stream_reader *pR, const char *p, size_t n, size_t nCarried);
	/* handle one complete unit of n bytes (bTerm: it ends in its line
	 * end); returns STREAM_OK/ERR/STOP */
	int (*xUnit)(
	    struct stream_reader *pR, const char *p, size_t n, int bTerm);
};

/*
 * The input loop of both formats: split the n bytes at p into units;
 * hand each complete one to pU->xUnit, in place or from *pCarry when
 * earlier chunks began it; carry an incomplete tail over. The same rules
 * for both: a unit longer than pR->nMaxUnit, complete or not, is an
 * error, and so is any byte after the unit that held the trailer.
 * Returns STREAM_OK/ERR/STOP.
 */
int rd_feed(struct stream_reader *pR, const struct rd_units *pU,
    struct buf *pCarry, const char *p, size_t n);
/* The n bytes at z made printable for a message (control bytes, '"'
 * and '\\' as \xHH, cut to about 60 bytes); valid until the next call. */
const char *rd_show(struct stream_reader *pR, const char *z, size_t n);

/* Start collecting a record's fields. */
void rd_fields_reset(struct stream_reader *pR);
/* Append a field (z NULL for NULL); copies the bytes. */
void rd_field_add(struct stream_reader *pR, const char *z, size_t n);
/* Set field iCol (JSON rows, any order); copies the bytes. */
void rd_field_set(
    struct stream_reader *pR, size_t iCol, const char *z, size_t n);
/* The field i of the current record: its bytes (NUL-terminated) or NULL. */
const char *rd_field(const struct stream_reader *pR, size_t i, size_t *pn);

/* Check a header string: not NULL, no NUL byte, valid UTF-8. Returns
 * STREAM_OK or STREAM_ERR. */
int rd_hdr_str(struct stream_reader *pR, const char *z, size_t n);

/* Is column i's name the n bytes at z? Only once the header is done. */
int rd_col_is(
    const struct stream_reader *pR, size_t i, const char *z, size_t n);

/* Index of the column with this name (n bytes), or -1. Only once the
 * header is done. */
long rd_find_col(const struct stream_reader *pR, const char *z, size_t n);

/*
 * Checks the header read so far (columns, names, key), prepares row
 * buffers and calls xHeader. Returns STREAM_OK/ERR/STOP.
 */
int rd_header_done(struct stream_reader *pR);

/*
 * The current record's nCol fields (pR->nField == nCol) are a data row:
 * check, hash, count, call xRow. Returns STREAM_OK/ERR/STOP.
 */
int rd_row(struct stream_reader *pR);

/*
 * Check the trailer's row count and checksum (as text), remember them.
 * Returns STREAM_OK or STREAM_ERR.
 */
int rd_trailer(struct stream_reader *pR, const char *zRows, size_t nRows,
    const char *zSum, size_t nSum);

/* Add a meta entry from the stream, checking known names; the values
 * are the n strings at azVal. Returns STREAM_OK or STREAM_ERR. */
int rd_meta(struct stream_reader *pR, const char *zName,
    const char *const *azVal, size_t nVal);

/* Add a column from the stream, checking it. Returns STREAM_OK/ERR. */
int rd_column(struct stream_reader *pR, const char *zName, const char *zType,
    const char *zSource, const char *zNull);

/* Format back-ends. Each returns STREAM_OK/ERR/STOP. */
int rd_csv_feed(struct stream_reader *pR, const char *p, size_t n);
int rd_csv_finish(struct stream_reader *pR);
void rd_csv_free(struct stream_reader *pR);
int rd_json_feed(struct stream_reader *pR, const char *p, size_t n);
int rd_json_finish(struct stream_reader *pR);
void rd_json_free(struct stream_reader *pR);

#endif
