/*
 * local.h - the local side of a sync by key ranges (dbs-extract
 * --strategy): a child process, normally "dbs-load --db FILE --serve
 * TABLE", that answers questions about the local table's keys and row
 * fingerprints over two pipes, in the records of msg.h (the protocol is
 * in dbs-load(1), "SERVING DBS-EXTRACT").
 */
#ifndef DBS_EXTRACT_LOCAL_H
#define DBS_EXTRACT_LOCAL_H

#include <stddef.h>
#include <stdint.h>

#include "buf.h"
#include "stream.h"

struct local;

/* A key bound: a key in the key encoding (keyrange.h), or none. */
struct local_bound {
	int has;        /* 0: no bound */
	struct buf key; /* the encoded key when has */
};

/* A part of the local table, as "split" answers it. */
struct local_part {
	struct local_bound lo; /* inclusive; none for the first part */
	struct local_bound hi; /* exclusive; none for the last part */
	int64_t nRow;          /* live rows in the part */
	int64_t sumHi, sumLo;  /* sums of fp / 2^32 and fp % 2^32 */
	int64_t nUnknown;      /* rows without a fingerprint */
};

/*
 * Start azArgv (azArgv[0] looked up in PATH) with pipes to its standard
 * input and output, and greet it: its key must be the nKey columns
 * azKey (compared without regard to case). *pHasFp says whether it keeps
 * row fingerprints. Returns the connection, or NULL with *pzErr set to
 * why (the caller frees it).
 *
 * The functions below return -1 when the local side failed; the message
 * is kept and handed over by local_close().
 */
struct local *local_open(char *const *azArgv, const char *const *azKey,
    size_t nKey, int *pHasFp, char **pzErr);

/*
 * Split [pLo, pHi) into at most n parts; appends them to *paPart
 * (*pnPart entries, reallocated). Returns 0, or -1 when it failed.
 */
int local_split(struct local *pL, const struct local_bound *pLo,
    const struct local_bound *pHi, int n, struct local_part **paPart,
    size_t *pnPart);

/* A cell of "grid": the rows with (k - LO) / W == id. */
struct local_cell {
	int64_t id;
	int64_t nRow, sumHi, sumLo, nUnknown;
};

/*
 * The first and last key of the table into *pMin and *pMax (both with
 * has 0 for an empty table). Returns 0 or -1 when it failed.
 */
int local_span(
    struct local *pL, struct local_bound *pMin, struct local_bound *pMax);

/*
 * The cells of width w of the rows lo <= k < hi (a key of one integer
 * column), appended to *paCell (*pnCell entries), ids ascending.
 * Returns 0 or -1 when it failed.
 */
int local_grid(struct local *pL, int64_t lo, int64_t hi, int64_t w,
    struct local_cell **paCell, size_t *pnCell);

/* The same, one cell at a time: ask, then read the cells with
 * local_cell(), which returns 1, 0 at the end of the answer, or -1 after
 * a message. */
int local_grid_ask(struct local *pL, int64_t lo, int64_t hi, int64_t w);
int local_cell(struct local *pL, struct local_cell *pC);

/* Ask for the rows of [pLo, pHi), then read them with local_row(). */
int local_rows(struct local *pL, const struct local_bound *pLo,
    const struct local_bound *pHi);

/*
 * The next row of a local_rows() answer: its key (nKey decoded values,
 * valid until the next call) and fingerprint (*pHasFp 0 when unknown).
 * Returns 1, 0 at the end of the answer, or -1 when it failed.
 */
int local_row(struct local *pL, const struct stream_field **paKey, int64_t *pFp,
    int *pHasFp);

/*
 * Say goodbye, wait for the child and release everything. Returns 0,
 * or -1 if it failed, with *pzErr set to the first failure's message
 * unless *pzErr is set already (the caller frees it). NULL is a no-op.
 */
int local_close(struct local *pL, char **pzErr);

/* Release the bounds of n parts and the array. */
void local_parts_free(struct local_part *aPart, size_t n);

/* Copy a bound. */
void local_bound_copy(struct local_bound *pDst, const struct local_bound *pSrc);

#endif
