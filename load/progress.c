/*
 * progress.c - dbs-load's progress line (progress.h):
 *
 *   dbs-load: orders: 1200000 rows, 48000 rows/s, 60%, 0:17 left (12
 *   inserted, 30 updated, 0 deleted, 1199958 unchanged)
 *
 * then "dbs-load: orders: 2000000 rows in 41.7 s (47962 rows/s)". The
 * share done comes from the bytes read of a file whose size is known
 * (a compressed one too: its compressed bytes), else, for a full merge,
 * from the rows the table held: a full stream of an unchanged source
 * carries as many. The time left assumes the rate so far.
 */
#include "progress.h"

#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "util.h"

#define REDRAW_SECONDS 0.5 /* on a terminal */
#define LINE_SECONDS 1.0   /* lines into a file */

static double
seconds_between(const struct timespec *pA, const struct timespec *pB)
{
	return (double)(pB->tv_sec - pA->tv_sec) +
	    (double)(pB->tv_nsec - pA->tv_nsec) / 1e9;
}

/* Write n bytes of z to fd, ignoring errors (progress is decoration). */
static void
put(int fd, const char *z, size_t n)
{
	ssize_t k;

	while (n > 0) {
		k = write(fd, z, n);
		if (k <= 0)
			return;
		z += k;
		n -= (size_t)k;
	}
}

/* The columns of the terminal fd, less one (no wrap, no scrolling). */
static size_t
width(int fd)
{
	struct winsize ws;

	if (ioctl(fd, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 20)
		return (size_t)ws.ws_col - 1;
	return 79;
}

/*
 * Draw the line z: on a terminal over the one shown (cut to its width,
 * blanks over what is left of a longer one), with bEnd a line end after
 * it; else as a line of its own.
 */
static void
draw(struct load_progress *p, const char *z, int bEnd)
{
	char zLine[1024];
	size_t n = strlen(z), w;

	if (!p->redraw) {
		snprintf(zLine, sizeof zLine, "%s\n", z);
		put(p->fd, zLine, strlen(zLine));
		return;
	}
	w = width(p->fd);
	if (n > w)
		n = w;
	if (n > sizeof zLine - 3)
		n = sizeof zLine - 3;
	zLine[0] = '\r';
	memcpy(zLine + 1, z, n);
	put(p->fd, zLine, n + 1);
	memset(zLine, ' ', sizeof zLine);
	if (p->nShown > n)
		put(p->fd, zLine,
		    p->nShown - n < sizeof zLine ? p->nShown - n
		                                 : sizeof zLine);
	p->nShown = n;
	if (bEnd) {
		put(p->fd, "\n", 1);
		p->nShown = 0;
	}
}

/* The name the line starts with: the label, the table, the input. */
static const char *
label(const struct load_progress *p, const struct load_stream *pS,
    const char *zInput)
{
	if (p->zLabel != NULL)
		return p->zLabel;
	if (pS != NULL && pS->pRes != NULL && pS->pRes->zTable != NULL)
		return pS->pRes->zTable;
	return pS != NULL ? pS->zInput : zInput;
}

void
progress_begin(
    struct load_progress *p, const struct load_opts *pO, const char *zInput)
{
	char z[512];
	int on = pO->progress >= 0 ? pO->progress
	                           : !pO->quiet && isatty(pO->progressFd);

	memset(p, 0, sizeof *p);
	p->fd = on ? pO->progressFd : -1;
	p->redraw = on && isatty(pO->progressFd);
	p->zLabel = pO->zProgressLabel;
	p->every = pO->progressEvery >= 0 ? (double)pO->progressEvery
	    : p->redraw                   ? REDRAW_SECONDS
	                                  : LINE_SECONDS;
	clock_gettime(CLOCK_MONOTONIC, &p->tStart);
	p->tLast = p->tStart;
	if (!p->redraw)
		return;
	snprintf(z, sizeof z, "%s: %s: waiting for the stream", util_progname(),
	    label(p, NULL, zInput));
	draw(p, z, 0);
}

/*
 * The rows of a full merge's table, counted once the table is known
 * (0 when not a full merge, or on any error: then there is no total).
 */
static void
count_table(struct load_progress *p, const struct load_stream *pS)
{
	sqlite3_stmt *pStmt = NULL;
	char *zSql;

	if (p->counted || pS->pApply == NULL || pS->tab.zName == NULL)
		return;
	p->counted = 1;
	if (pS->pRes->mode != LOAD_MERGE || pS->pRes->partial)
		return;
	zSql =
	    sqlite3_mprintf("SELECT count(*) FROM main.\"%w\"%s", pS->tab.zName,
	        pS->tab.hasDeletedAt ? " WHERE _dbs_deleted_at IS NULL" : "");
	if (zSql != NULL &&
	    sqlite3_prepare_v2(pS->pRun->db, zSql, -1, &pStmt, NULL) ==
	        SQLITE_OK &&
	    sqlite3_step(pStmt) == SQLITE_ROW)
		p->nTotal = (uint64_t)sqlite3_column_int64(pStmt, 0);
	sqlite3_finalize(pStmt);
	sqlite3_free(zSql);
}

/* "1:02:03" or "2:05" for s seconds into z. */
static void
clock_text(char *z, size_t n, double s)
{
	unsigned long t = (unsigned long)(s + 0.5);

	if (t >= 3600)
		snprintf(
		    z, n, "%lu:%02lu:%02lu", t / 3600, t / 60 % 60, t % 60);
	else
		snprintf(z, n, "%lu:%02lu", t / 60, t % 60);
}

/* ", 60%, 0:17 left" when a share done is known, else "". */
static void
share_text(char *z, size_t n, const struct load_progress *p,
    const struct load_stream *pS, const struct load_input *pIn, double t)
{
	char zLeft[32];
	double f = 0;

	*z = '\0';
	if (pIn->nSize > 0)
		f = (double)pIn->nRead / (double)pIn->nSize;
	else if (p->nTotal > 0)
		f = (double)pS->pRes->c.nRows / (double)p->nTotal;
	if (!(f > 0 && f < 1))
		return;
	clock_text(zLeft, sizeof zLeft, t * (1 - f) / f);
	snprintf(z, n, ", %d%%, %s left", (int)(f * 100), zLeft);
}

void
progress_tick(struct load_progress *p, const struct load_stream *pS,
    const struct load_input *pIn)
{
	const struct load_counts *pC = &pS->pRes->c;
	struct timespec now;
	char z[512], zShare[64];
	double t;

	if (p->fd < 0)
		return;
	clock_gettime(CLOCK_MONOTONIC, &now);
	if (seconds_between(&p->tLast, &now) < p->every)
		return;
	p->tLast = now;
	t = seconds_between(&p->tStart, &now);
	count_table(p, pS);
	share_text(zShare, sizeof zShare, p, pS, pIn, t);
	snprintf(z, sizeof z,
	    "%s: %s: %llu rows, %.0f rows/s%s (%llu inserted, %llu updated, "
	    "%llu deleted, %llu unchanged)",
	    util_progname(), label(p, pS, NULL), (unsigned long long)pC->nRows,
	    t > 0 ? (double)pC->nRows / t : 0.0, zShare,
	    (unsigned long long)pC->nInserted, (unsigned long long)pC->nUpdated,
	    (unsigned long long)pC->nDeleted,
	    (unsigned long long)pC->nUnchanged);
	draw(p, z, 0);
}

void
progress_end(struct load_progress *p, const struct load_stream *pS, int bOk)
{
	struct timespec now;
	char z[512];
	double t;

	if (p->fd < 0)
		return;
	if (!bOk) {
		if (p->redraw && p->nShown > 0) {
			draw(p, "", 0);
			put(p->fd, "\r", 1);
		}
		return;
	}
	clock_gettime(CLOCK_MONOTONIC, &now);
	t = seconds_between(&p->tStart, &now);
	snprintf(z, sizeof z, "%s: %s: %llu rows in %.1f s (%.0f rows/s)",
	    util_progname(), label(p, pS, NULL),
	    (unsigned long long)pS->pRes->c.nRows, t,
	    t > 0 ? (double)pS->pRes->c.nRows / t : 0.0);
	draw(p, z, 1);
}
