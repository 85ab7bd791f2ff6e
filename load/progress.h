/*
 * progress.h - what dbs-load shows while it works (dbs-load(1),
 * --progress): rows read, rows per second, the counts so far and, where
 * a total is known, how far it is and how long it still takes. On a
 * terminal one line is redrawn in place; elsewhere (--progress into a
 * file) a line a second. Either ends with one final line. Off unless
 * the progress's file descriptor is a terminal (and no --quiet) or
 * --progress is given, so that the output of a run in a script stays
 * what it was.
 */
#ifndef DBS_LOAD_PROGRESS_H
#define DBS_LOAD_PROGRESS_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "input.h"
#include "load.h"

/* The progress of one input. */
struct load_progress {
	int fd;                 /* where it is drawn; -1 when off */
	int redraw;             /* fd is a terminal: one line, redrawn */
	const char *zLabel;     /* --progress-label, or NULL for the table */
	double every;           /* seconds between two lines */
	struct timespec tStart; /* when the input was opened */
	struct timespec tLast;  /* when the line was last drawn */
	uint64_t nTotal;        /* rows the table holds (merge), 0 unknown */
	int counted;            /* nTotal was looked for */
	size_t nShown;          /* columns of the line now on the terminal */
};

/*
 * Start the progress of input zInput as the options say (pO->progress,
 * pO->progressFd, pO->zProgressLabel). On a terminal, the label is
 * shown at once, so that a slow source is seen to be waited for.
 */
void progress_begin(
    struct load_progress *p, const struct load_opts *pO, const char *zInput);

/*
 * After a chunk of input: redraw if it is time. pS gives the rows and
 * counts so far, pIn the bytes read of a file of known size. Never
 * fails the run (a write error is ignored: progress is decoration).
 */
void progress_tick(struct load_progress *p, const struct load_stream *pS,
    const struct load_input *pIn);

/*
 * The input ended: bOk, the final line (rows, time, rate); else the
 * line is wiped, so that the error message starts a line of its own.
 */
void progress_end(
    struct load_progress *p, const struct load_stream *pS, int bOk);

#endif
