/*
 * load.h - one input stream being applied (struct load_stream) and the
 * steps of one input: the watermark (wm.c) and the safety rules
 * (safety.c). The other concerns of dbs-load have headers of their own:
 *
 *   opts.h    the options          run.h     the run and its outcome
 *   db.h      the connection       sql.h     SQL text
 *   value.h   typed values         schema.h  the target table
 *   meta.h    the metadata tables  rebuild.h a table made anew
 *   objects.h indexes, triggers, views on the table
 *   apply.h   applying the rows (over merge.h, keyed.h, delete.h, row.h)
 *   report.h  run log, summary, --state
 *   serve.h   --serve, the local side of dbs-extract --strategy
 *
 * struct load_stream lives for one input (run.c) and owns its table
 * description, what the metadata said, the ranges it covers and the
 * apply engine.
 */
#ifndef DBS_LOAD_H
#define DBS_LOAD_H

#include <stddef.h>
#include <stdint.h>

#include "buf.h"
#include "keyrange.h"
#include "meta.h"
#include "opts.h"
#include "run.h"
#include "schema.h"
#include "stream.h"
#include "value.h"

struct load_apply; /* apply.c */

/* One input stream being applied. */
struct load_stream {
	struct load_run *pRun;
	struct load_result *pRes; /* in pRun->aRes */
	const char *zInput;       /* name for messages */
	struct load_table tab;
	struct load_stored stored;
	struct load_apply *pApply; /* NULL until the header is handled */
	int iWm;                   /* watermark column index, -1 if none */
	char *zSinceVal;           /* since bound from the header, or NULL */
	struct buf wmMax;          /* largest watermark value seen, text */
	int hasWm;                 /* wmMax holds a value */
	int sawTrailer;
	struct load_val *aVal;       /* decoded row, nCol entries */
	struct buf *aBuf;            /* blob bytes of aVal */
	struct keyrange_list ranges; /* the stream's "ranges" (ranges.c) */
	int rebuilt;                 /* the table was rebuilt for this stream */
};

/* ---- wm.c ---- */

/*
 * Find the watermark column of stream pS (--watermark, else the column
 * of the header's "since") and check the since bound against its type.
 * Returns 0 or an exit status: a --watermark column that is not in the
 * stream is a usage error; a "since" column that is not, or a bound that
 * is not a value of its column, a malformed stream.
 */
int wm_setup(struct load_stream *pS, const struct stream_header *pH);

/* Note the watermark column's value of one row. */
void wm_row(struct load_stream *pS, const struct stream_field *aF);

/*
 * The watermark after this stream, into pS->pRes: after an incremental
 * stream the largest of the stored one, the values read and the since
 * bound; after a full stream the largest value read. Returns 0 or an
 * exit status (a stored watermark that is not a value of its column).
 */
int wm_final(struct load_stream *pS);

/* ---- ranges.c ---- */

/* Read the header's "ranges" (a version 2 stream) into pS->ranges and
 * mark the result partial. Returns 0 or an exit status. */
int ranges_setup(struct load_stream *pS, const struct stream_header *pH);

/* The stream ended, verified: stage the table's keys inside its ranges
 * that the stream did not carry, for deletion. Returns 0 or an exit
 * status. */
int ranges_gone(struct load_stream *pS);

/* ---- safety.c ---- */

/* The older-snapshot rule, when the header arrives: refuse (status 3)
 * a stream extracted before the one applied last. */
int safety_age(struct load_stream *pS);

/* The empty-snapshot rule, at the end of an input that deletes. */
int safety_end(struct load_stream *pS);

/* The mass-delete rule, once per run and table, before the COMMIT. */
int safety_run(struct load_run *pRun);

#endif
