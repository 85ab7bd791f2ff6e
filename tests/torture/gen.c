/*
 * gen.c - dbs-torture-gen, the workload generator of the torture harness
 * (run.sh): snapshots, the feeder and main; typed streams are in
 * gen_typed.c, random values in gen_value.c. Every output is a pure
 * function of the seed and the arguments. Streams are written through
 * libdbs's stream writer (common/stream.h).
 *
 * usage:
 *   dbs-torture-gen snap SEED N a|b csv|ndjson [OBJECT [shuffled]]
 *	A snapshot of about N rows of the view OBJECT (default dbo.t,
 *	key id) on stdout, in key order unless shuffled. "b" is the next
 *	snapshot of "a": about 2% of a's rows deleted, 5% changed, 4% new
 *	keys; b has more rows.
 *   dbs-torture-gen typed SEED N csv|ndjson STREAM EXPECT
 *	At most N rows of a random schema (dbo.typed, a key of one or two
 *	columns, every logical type, edge values) into STREAM, and what
 *	they are into EXPECT (see gen_typed.c). The same SEED and N give
 *	the same rows in either format.
 *   dbs-torture-gen feed SEED [K READY]
 *	Copy stdin to stdout in writes of random sizes, pausing now and
 *	then. With K: shrink the output pipe to one page, write only the
 *	first K bytes, create the file READY, and wait to be killed.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "gen.h"
#include "util.h"

#ifndef F_SETPIPE_SZ
#define F_SETPIPE_SZ 1031 /* Linux */
#endif

/* The stream format named z, or die. */
static enum stream_format
parse_format(const char *z)
{
	if (strcmp(z, "csv") == 0)
		return STREAM_CSV;
	if (strcmp(z, "ndjson") == 0)
		return STREAM_NDJSON;
	util_die(DBS_EXIT_USAGE, "unknown format: %s", z);
}

/* ---- snap ---- */

#define SNAP_NCOL 8

/* The header of a snapshot: variant b was extracted a day after a. */
static void
snap_header(
    struct stream_header *pH, int bNext, const char *zObject, int bShuffle)
{
	gen_add_col(pH, "id", "int", "int", 1);
	gen_add_col(pH, "name", "text", "nvarchar(100)", 1);
	gen_add_col(pH, "amount", "decimal(18,4)", "decimal(18,4)", 1);
	gen_add_col(pH, "ratio", "real", "float", 0);
	gen_add_col(pH, "at", "datetime(7)", "datetime2(7)", 1);
	gen_add_col(pH, "data", "blob", "varbinary(64)", 0);
	gen_add_col(pH, "note", "text", "nvarchar(max)", 0);
	gen_add_col(pH, "flag", "bool", "bit", 1);
	stream_header_add_meta(pH, "server", "torture");
	stream_header_add_meta(pH, "database", "torture");
	stream_header_add_meta(pH, "object", zObject);
	stream_header_add_key(pH, "id");
	stream_header_add_meta(pH, "extracted-at",
	    bNext ? "2026-01-02T00:00:00.000000Z"
	          : "2026-01-01T00:00:00.000000Z");
	stream_header_add_meta(pH, "tool", "dbs-torture-gen");
	if (!bShuffle)
		stream_header_add_meta(pH, "order", "key");
}

/*
 * Which version of row k the variant has: -1 none, 0 as in a, 1 as
 * changed in b.
 */
static int
snap_version(uint64_t seed, uint64_t k, int bNext)
{
	struct rng r = rng_for(seed, k, 0);
	int bInA = !rng_pct(&r, 9), bDel = rng_pct(&r, 2),
	    bChg = rng_pct(&r, 5);
	int bIns = rng_pct(&r, 45);

	if (!bNext)
		return bInA ? 0 : -1;
	if (bInA)
		return bDel ? -1 : bChg;
	return bIns ? 1 : -1;
}

/* Fill the fields of row k at version v. */
static void
snap_row(uint64_t seed, uint64_t k, int v, const struct stream_header *pH,
    struct buf *aB)
{
	struct rng r = rng_for(seed, k, 10 + (uint64_t)v);
	size_t i;

	gen_reset(&aB[0]);
	gen_addf(&aB[0], "%" PRIu64, k);
	for (i = 1; i < SNAP_NCOL; i++) {
		gen_reset(&aB[i]);
		gen_value(&r, &pH->aCol[i].type, 0, 0, &aB[i]);
	}
}

/*
 * The keys of the variant, in the order they are written; sets *pn. The
 * caller frees the array.
 */
static uint64_t *
snap_keys(uint64_t seed, int64_t n, int bNext, int bShuffle, size_t *pn)
{
	uint64_t k, t, nKey = (uint64_t)n * 100 / 91 + 1, *a;
	struct rng r = rng_for(seed, 0, 5);
	size_t i, j, m = 0;

	a = util_calloc((size_t)nKey, sizeof *a);
	for (k = 1; k <= nKey; k++)
		if (snap_version(seed, k, bNext) >= 0)
			a[m++] = k;
	for (i = m; bShuffle && i > 1; i--) {
		j = (size_t)rng_below(&r, i);
		t = a[i - 1];
		a[i - 1] = a[j];
		a[j] = t;
	}
	*pn = m;
	return a;
}

/* snap: write a snapshot to stdout (see the usage at the top). */
static int
cmd_snap(uint64_t seed, int64_t n, int bNext, enum stream_format fmt,
    const char *zObject, int bShuffle)
{
	struct stream_header h = {0};
	struct stream_field aF[SNAP_NCOL];
	struct buf aB[SNAP_NCOL] = {{0}};
	struct stream_writer *pW = stream_writer_new(1, fmt);
	size_t i, j, nKey;
	uint64_t *aKey = snap_keys(seed, n, bNext, bShuffle, &nKey);
	struct rng r;
	int v;

	snap_header(&h, bNext, zObject, bShuffle);
	gen_check_write(stream_writer_header(pW, &h), "stdout");
	for (j = 0; j < nKey; j++) {
		v = snap_version(seed, aKey[j], bNext);
		snap_row(seed, aKey[j], v, &h, aB);
		r = rng_for(seed, aKey[j], 20 + (uint64_t)v);
		for (i = 0; i < SNAP_NCOL; i++) {
			gen_check_value(&h.aCol[i].type, &aB[i]);
			aF[i].z = aB[i].z;
			aF[i].n = aB[i].n;
			if (!h.aCol[i].notnull && rng_pct(&r, 15))
				aF[i].z = NULL;
		}
		gen_check_write(stream_writer_row(pW, aF), "stdout");
	}
	gen_check_write(stream_writer_finish(pW), "stdout");
	stream_writer_free(pW);
	stream_header_clear(&h);
	for (i = 0; i < SNAP_NCOL; i++)
		free(aB[i].z);
	free(aKey);
	return DBS_EXIT_OK;
}

/* ---- feed ---- */

/* Write all n bytes at p to stdout, or die. */
static void
write_all(const char *p, size_t n)
{
	ssize_t w;

	while (n > 0) {
		w = write(1, p, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0)
			util_die(DBS_EXIT_FAIL, "stdout: %s", strerror(errno));
		p += w;
		n -= (size_t)w;
	}
}

/* Write n bytes at p in pieces of random sizes, pausing now and then. */
static void
write_pieces(struct rng *pR, const char *p, size_t n)
{
	struct timespec ts = {0, 0};
	size_t m;

	while (n > 0) {
		m = (size_t)rng_range(pR, 1, rng_pct(pR, 40) ? 64 : 65536);
		m = m < n ? m : n;
		write_all(p, m);
		p += m;
		n -= m;
		if (rng_pct(pR, 2)) {
			ts.tv_nsec = (long)rng_range(pR, 100000, 2000000);
			nanosleep(&ts, NULL);
		}
	}
}

/* feed SEED [K READY]: see the usage at the top. */
static int
cmd_feed(uint64_t seed, int64_t nLimit, const char *zReady)
{
	static char a[256 * 1024];
	struct rng r = rng_for(seed, 3, 3);
	uint64_t nDone = 0;
	ssize_t n;
	int fd;

	if (nLimit >= 0)
		(void)fcntl(1, F_SETPIPE_SZ, 4096); /* fails on a file: fine */
	while (nLimit < 0 || nDone < (uint64_t)nLimit) {
		n = read(0, a, sizeof a);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			util_die(DBS_EXIT_FAIL, "stdin: %s", strerror(errno));
		if (n == 0)
			break;
		if (nLimit >= 0 && (uint64_t)n > (uint64_t)nLimit - nDone)
			n = (ssize_t)((uint64_t)nLimit - nDone);
		write_pieces(&r, a, (size_t)n);
		nDone += (uint64_t)n;
	}
	if (zReady == NULL)
		return DBS_EXIT_OK;
	fd = open(zReady, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (fd < 0 || close(fd) != 0)
		util_die(DBS_EXIT_FAIL, "%s: %s", zReady, strerror(errno));
	for (;;)
		pause(); /* until killed */
}

/* ---- main ---- */

static void __attribute__((noreturn)) usage(void)
{
	util_die(DBS_EXIT_USAGE,
	    "usage: dbs-torture-gen snap SEED N a|b csv|ndjson [OBJECT "
	    "[shuffled]] | "
	    "typed SEED N csv|ndjson STREAM EXPECT | feed SEED [K READY]");
}

/* argv[i] as a number in [lo, hi], or the usage. */
static int64_t
num_arg(char **argv, int i, int64_t lo, int64_t hi)
{
	int64_t v;

	if (util_parse_i64(argv[i], lo, hi, &v) != 0)
		usage();
	return v;
}

int
main(int argc, char **argv)
{
	uint64_t seed;

	util_setprogname("dbs-torture-gen");
	if (argc < 3)
		usage();
	seed = (uint64_t)num_arg(argv, 2, 0, INT64_MAX);
	if (strcmp(argv[1], "snap") == 0 && argc >= 6 && argc <= 8 &&
	    (strcmp(argv[4], "a") == 0 || strcmp(argv[4], "b") == 0) &&
	    (argc < 8 || strcmp(argv[7], "shuffled") == 0))
		return cmd_snap(seed, num_arg(argv, 3, 1, INT32_MAX),
		    strcmp(argv[4], "b") == 0, parse_format(argv[5]),
		    argc >= 7 ? argv[6] : "dbo.t", argc == 8);
	if (strcmp(argv[1], "typed") == 0 && argc == 7)
		return gen_typed(seed, num_arg(argv, 3, 1, INT32_MAX),
		    parse_format(argv[4]), argv[5], argv[6]);
	if (strcmp(argv[1], "feed") == 0 && argc == 3)
		return cmd_feed(seed, -1, NULL);
	if (strcmp(argv[1], "feed") == 0 && argc == 5)
		return cmd_feed(seed, num_arg(argv, 3, 0, INT64_MAX), argv[4]);
	usage();
}
