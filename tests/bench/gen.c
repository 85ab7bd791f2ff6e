/*
 * gen.c - the deterministic workload of `make bench` (issue 4): a view of
 * N business-like rows with 10 columns, written both as a dbs stream
 * (dbs-stream(5), CSV, with header and checksummed trailer) and as a
 * plain CSV (rows only, no names row) for `sqlite3 .import`, the anchor.
 *
 * usage: dbs-bench-gen [--fp] N base|next|delta|undo STREAM PLAIN
 *
 * "base" is rows with keys 1..N. "next" is the following snapshot of the
 * same view: 1% of the rows changed (amount, qty, note), 0.5% deleted,
 * N/200 new rows at keys N+1... Every value is a pure function of the
 * key (and the variant), so two runs give identical bytes. Rows are in
 * key order. "delta" is what a change-proportional sync (dbs-extract
 * --strategy segments) sends for a change of the same size at any N:
 * next's changes among the first DELTA_KEYS keys and DELTA_NEW new rows
 * after N, as a stream of version 2 whose ranges are the keys that
 * differ (each changed or deleted key, and every key after N) with the
 * changed and new rows; "undo" turns that back into base the same way. --fp adds the column _dbs_fp, each
 * row's fingerprint (here: a hash of its values), and the meta
 * "fingerprint" naming it, as a stream of --fingerprint has (bench-scale
 * loads those, so that its tables are what a segments sync keeps). The stream is written here rather than with libdbs's
 * writer so that the bench does not depend on it; dbs-load verifies the
 * trailer, so a mismatch would show as a failed scenario.
 */
#include "util.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <xxhash.h>

#define NCOL 10
#define DELTA_KEYS 1000000 /* delta: changes among the first keys only */
#define DELTA_NEW 5000     /* delta: new rows after N */
#define NCOL_MAX 11        /* with _dbs_fp */
#define FIELD_MAX 256      /* longest formatted value, with its NUL */

/* One generated row: each field NUL-terminated text, or NULL. */
struct row {
	char az[NCOL_MAX][FIELD_MAX]; /* storage for the values */
	const char *apz[NCOL_MAX];    /* az[i] or NULL for SQL NULL */
	size_t an[NCOL_MAX];          /* byte length of each non-NULL value */
};

static int nCol = NCOL; /* columns written: NCOL, or NCOL_MAX with --fp */

static const char *const azFirst[] = {"José", "Zoë", "Søren", "Łukasz", "Ülkü",
    "Ångström", "Antonín", "Nguyễn", "Jürgen", "Sigríður", "花子", "Иван",
    "Νίκος", "François", "Maria", "John", "Ana", "Björk", "Chloé", "Dmitrij"};
static const char *const azLast[] = {"García", "Müller", "Dvořák",
    "Ólafsdóttir", "山田", "Иванов", "Παπαδόπουλος", "Smith", "O'Brien",
    "Øvergård", "Kowalczyk", "Nuñez", "Lefèvre", "Schröder", "Brown", "Çelik",
    "Đorđević", "Jones", "Wiśniewski", "Þórsson"};
static const char *const azNote[] = {"Delivered on time",
    "Customer said \"urgent\", call back", "Line one\nline two",
    "Größe: 42, Farbe: blau", "#priority follow-up", " leading space", "",
    "Rückruf erbeten", "paid by card; receipt sent",
    "Adresse: 12 rue de l'Église, 75001 Paris",
    "three\nline\r\nnote with \"quotes\"", "ok", "trailing tab\t",
    "Заказ отменён клиентом", "返品済み", "see ticket #4411"};
static const char *const azRegion[] = {"EU", "US", "AP", "LA", "ME"};

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

/* splitmix64: a fixed, well-mixed function of x. */
static uint64_t
mix(uint64_t x)
{
	x += 0x9e3779b97f4a7c15u;
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9u;
	x = (x ^ (x >> 27)) * 0x94d049bb133111ebu;
	return x ^ (x >> 31);
}

/* Set field i of pR to the formatted text (z NULL: SQL NULL). */
static void
set_field(struct row *pR, int i, const char *z)
{
	size_t n;

	if (z == NULL) {
		pR->apz[i] = NULL;
		pR->an[i] = 0;
		return;
	}
	n = strlen(z);
	if (n >= FIELD_MAX)
		util_die(DBS_EXIT_FAIL, "field too long");
	memcpy(pR->az[i], z, n + 1);
	pR->apz[i] = pR->az[i];
	pR->an[i] = n;
}

/* Canonical decimal(18,4) text of units/10000 (no "-0.0000"). */
static void
fmt_decimal(char *zBuf, int64_t units)
{
	uint64_t u = units < 0 ? (uint64_t)-units : (uint64_t)units;

	snprintf(zBuf, FIELD_MAX, "%s%" PRIu64 ".%04" PRIu64,
	    units < 0 ? "-" : "", u / 10000, u % 10000);
}

/*
 * A float with three fraction digits, the last one non-zero, below
 * 10000: its plain decimal text is the shortest that round-trips.
 */
static void
fmt_ratio(char *zBuf, uint64_t r)
{
	uint64_t m = (r % 1000000) * 10 + 1;

	snprintf(zBuf, FIELD_MAX, "%" PRIu64 ".%03" PRIu64, m / 1000, m % 1000);
}

/* datetime(3) text for a point within ten years from 2015-01-01. */
static void
fmt_datetime(char *zBuf, uint64_t r)
{
	uint64_t ms = r % (3650ull * 86400000ull);
	time_t t = (time_t)(1420070400 + ms / 1000);
	struct tm tm;

	gmtime_r(&t, &tm);
	snprintf(zBuf, FIELD_MAX, "%04d-%02d-%02d %02d:%02d:%02d.%03d",
	    tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min,
	    tm.tm_sec, (int)(ms % 1000));
}

/* Canonical uppercase uuid text from two 64-bit values. */
static void
fmt_uuid(char *zBuf, uint64_t a, uint64_t b)
{
	snprintf(zBuf, FIELD_MAX,
	    "%08" PRIX64 "-%04" PRIX64 "-%04" PRIX64 "-%04" PRIX64
	    "-%012" PRIX64,
	    a >> 32, (a >> 16) & 0xffff, a & 0xffff, b >> 48,
	    b & 0xffffffffffffu);
}

/* A hash of the first NCOL values of *pR (its fingerprint for --fp). */
static uint64_t
row_hash(const struct row *pR)
{
	XXH3_state_t *pS = XXH3_createState();
	uint64_t h;
	int i;

	if (pS == NULL || XXH3_64bits_reset(pS) == XXH_ERROR)
		util_die(DBS_EXIT_FAIL, "out of memory");
	for (i = 0; i < NCOL; i++)
		XXH3_64bits_update(
		    pS, pR->apz[i] ? pR->apz[i] : "\x01", pR->an[i] + 1);
	h = XXH3_64bits_digest(pS);
	XXH3_freeState(pS);
	return h;
}

/*
 * Fill *pR with the row of key k at version v (0 = as in base, 1 =
 * changed in next). The immutable columns depend on k only.
 */
static void
make_row(struct row *pR, uint64_t k, unsigned v)
{
	uint64_t h = mix(k), r = mix(k ^ ((uint64_t)v << 40) ^ 0x5bd1e995u);
	char z[FIELD_MAX];

	snprintf(z, sizeof z, "%" PRIu64, k);
	set_field(pR, 0, z);
	snprintf(z, sizeof z, "%s-%07" PRIu64 "-%02u",
	    azRegion[h % NELEM(azRegion)], (h >> 8) % 10000000,
	    (unsigned)((h >> 40) % 100));
	set_field(pR, 1, z);
	if ((h >> 20) % 20 == 0)
		snprintf(z, sizeof z, "%s, %s",
		    azLast[(h >> 24) % NELEM(azLast)],
		    azFirst[(h >> 32) % NELEM(azFirst)]);
	else
		snprintf(z, sizeof z, "%s %s",
		    azFirst[(h >> 32) % NELEM(azFirst)],
		    azLast[(h >> 24) % NELEM(azLast)]);
	set_field(pR, 2, z);
	fmt_decimal(z, (int64_t)(r % 2000000000u) - 100000000);
	set_field(pR, 3, z);
	snprintf(z, sizeof z, "%" PRId64, (int64_t)((r >> 32) % 10000) - 100);
	set_field(pR, 4, z);
	fmt_ratio(z, mix(h));
	set_field(pR, 5, z);
	set_field(pR, 6, (h >> 7) & 1 ? "1" : "0");
	fmt_datetime(z, h >> 3);
	set_field(pR, 7, z);
	if ((r >> 50) % 5 == 0)
		set_field(pR, 8, NULL);
	else
		set_field(pR, 8, azNote[(r >> 12) % NELEM(azNote)]);
	fmt_uuid(z, mix(h ^ 1), mix(h ^ 2));
	set_field(pR, 9, z);
	if (nCol == NCOL_MAX) {
		snprintf(z, sizeof z, "%" PRId64, (int64_t)row_hash(pR));
		set_field(pR, NCOL, z);
	}
}

/* Does a CSV writer have to quote these n bytes (dbs-stream(5))? */
static int
needs_quotes(const char *z, size_t n)
{
	size_t i;

	if (n == 0 || z[0] == '#' || z[0] == ' ' || z[0] == '\t' ||
	    z[n - 1] == ' ' || z[n - 1] == '\t')
		return 1;
	for (i = 0; i < n; i++)
		if (z[i] == ',' || z[i] == '"' || z[i] == '\r' || z[i] == '\n')
			return 1;
	return 0;
}

/* Write one CSV field (NULL: nothing), quoted when needed. */
static void
put_field(FILE *f, const char *z, size_t n)
{
	size_t i;

	if (z == NULL)
		return;
	if (!needs_quotes(z, n)) {
		fwrite(z, 1, n, f);
		return;
	}
	putc('"', f);
	for (i = 0; i < n; i++) {
		if (z[i] == '"')
			putc('"', f);
		putc(z[i], f);
	}
	putc('"', f);
}

/*
 * Write a control record: the unquoted tag zTag ("#column"), then the n
 * NUL-terminated fields of az, quoted when needed.
 */
static void
put_control(FILE *f, const char *zTag, const char *const *az, size_t n)
{
	size_t i;

	fputs(zTag, f);
	for (i = 0; i < n; i++) {
		putc(',', f);
		put_field(f, az[i], strlen(az[i]));
	}
	putc('\n', f);
}

/* Write one data row to f. */
static void
put_row(FILE *f, const struct row *pR)
{
	int i;

	for (i = 0; i < nCol; i++) {
		if (i > 0)
			putc(',', f);
		put_field(f, pR->apz[i], pR->an[i]);
	}
	putc('\n', f);
}

/* Add the canonical encoding of *pR to the checksum state. */
static void
hash_row(XXH3_state_t *pS, const struct row *pR)
{
	char zLen[24];
	int i, n;

	for (i = 0; i < nCol; i++) {
		if (pR->apz[i] == NULL) {
			XXH3_64bits_update(pS, "-", 1);
			continue;
		}
		n = snprintf(zLen, sizeof zLen, "%zu:", pR->an[i]);
		XXH3_64bits_update(pS, zLen, (size_t)n);
		XXH3_64bits_update(pS, pR->apz[i], pR->an[i]);
	}
	XXH3_64bits_update(pS, "\n", 1);
}

/* The snapshots and change streams dbs-bench-gen writes. */
enum variant { V_BASE, V_NEXT, V_DELTA, V_UNDO };

/* What happens to key k <= n in next: 0 none, 1 changed, 2 deleted. */
static int
fate(uint64_t k)
{
	unsigned sel = (unsigned)(mix(k ^ 0xabcdefu) % 1000);

	return sel < 5 ? 2 : sel < 15 ? 1 : 0;
}

/* What happens to key k <= n in delta: fate() among the first
 * DELTA_KEYS keys, else nothing. */
static int
delta_fate(uint64_t k)
{
	return k <= DELTA_KEYS ? fate(k) : 0;
}

/* Write the meta "ranges" of a change stream: every key <= n that
 * delta changes or deletes, and every key after n. */
static void
put_ranges(FILE *f, uint64_t n)
{
	uint64_t k, m = 1;
	char z[24];
	int len;

	for (k = 1; k <= n; k++)
		m += delta_fate(k) != 0;
	fprintf(f, "#meta,ranges,%" PRIu64, m);
	for (k = 1; k <= n; k++) {
		if (delta_fate(k) == 0)
			continue;
		len = snprintf(z, sizeof z, "%" PRIu64, k);
		fprintf(f, ",[%d:%s,%d:%s]", len, z, len, z);
	}
	len = snprintf(z, sizeof z, "%" PRIu64, n);
	fprintf(f, ",(%d:%s,-\n", len, z);
}

/* Write the stream header; the extraction time tells the variants
 * apart. */
static void
put_header(FILE *f, enum variant v, uint64_t n)
{
	static const char *const azCol[NCOL_MAX][4] = {
	    {"id", "int", "int", "notnull"},
	    {"code", "text", "varchar(20)", "notnull"},
	    {"name", "text", "nvarchar(100)", "notnull"},
	    {"amount", "decimal(18,4)", "decimal(18,4)", "notnull"},
	    {"qty", "int", "int", "notnull"},
	    {"ratio", "real", "float", "notnull"},
	    {"flag", "bool", "bit", "notnull"},
	    {"created", "datetime(3)", "datetime2(3)", "notnull"},
	    {"note", "text", "nvarchar(200)", "null"},
	    {"guid", "uuid", "uniqueidentifier", "notnull"},
	    {"_dbs_fp", "int", "bigint", "notnull"}};
	static const char *const azAt[] = {"2026-11-26T00:00:00.000000Z",
	    "2026-11-26T06:00:00.000000Z", "2026-11-26T06:00:00.000000Z",
	    "2026-11-26T12:00:00.000000Z"};
	int i;

	fprintf(f, "#dbs-stream,%d\n", v == V_DELTA || v == V_UNDO ? 2 : 1);
	fputs("#meta,server,bench\n#meta,database,bench\n"
	      "#meta,object,dbo.bench_view\n#meta,key,id\n",
	    f);
	fprintf(f, "#meta,extracted-at,%s\n", azAt[v]);
	fputs("#meta,tool,dbs-bench-gen 0.1.0\n#meta,order,key\n", f);
	if (nCol == NCOL_MAX)
		fputs("#meta,fingerprint,_dbs_fp\n", f);
	if (v == V_DELTA || v == V_UNDO)
		put_ranges(f, n);
	for (i = 0; i < nCol; i++)
		put_control(f, "#column", azCol[i], 4);
	for (i = 0; i < nCol; i++) {
		if (i > 0)
			putc(',', f);
		fputs(azCol[i][0], f);
	}
	putc('\n', f);
}

/* Open zName for writing with a large buffer, or die. */
static FILE *
open_out(const char *zName)
{
	FILE *f = fopen(zName, "w");

	if (f != NULL) {
		setvbuf(f, NULL, _IOFBF, 1 << 20);
		return f;
	}
	util_die(DBS_EXIT_FAIL, "%s: %s", zName, strerror(errno));
}

/* Close f, dying with a message naming zName on a write error. */
static void
close_out(FILE *f, const char *zName)
{
	if (ferror(f) || fclose(f) != 0)
		util_die(DBS_EXIT_FAIL, "%s: write error", zName);
}

/*
 * The version of key k in variant v: -1 none, 0 as in base, 1 changed
 * (as in next).
 */
static int
version_of(uint64_t k, uint64_t n, enum variant v)
{
	int f = k <= n ? fate(k) : -1; /* -1: a new key */

	switch (v) {
	case V_BASE:
		return f >= 0 ? 0 : -1;
	case V_NEXT:
		return f == 2 ? -1 : f == 1 ? 1 : 0;
	case V_DELTA: /* the rows base lacks or has otherwise */
		f = k <= n ? delta_fate(k) : k <= n + DELTA_NEW ? -1 : 0;
		return f == 1 ? 1 : f == -1 ? 0 : -1;
	case V_UNDO: /* the rows of base that delta lacks or has otherwise */
		f = k <= n ? delta_fate(k) : 0;
		return f == 1 || f == 2 ? 0 : -1;
	}
	return -1;
}

/* Write every row of the variant to both files; returns the row count. */
static uint64_t
gen_rows(uint64_t n, enum variant v, FILE *fS, FILE *fP, XXH3_state_t *pS)
{
	struct row row;
	uint64_t k, nRow = 0;
	uint64_t nEnd = v == V_BASE ? n
	    : v == V_NEXT           ? n + n / 200
	                            : n + DELTA_NEW;
	int ver;

	for (k = 1; k <= nEnd; k++) {
		ver = version_of(k, n, v);
		if (ver < 0)
			continue;
		make_row(&row, k, (unsigned)ver);
		put_row(fS, &row);
		put_row(fP, &row);
		hash_row(pS, &row);
		nRow++;
	}
	return nRow;
}

int
main(int argc, char **argv)
{
	static const char *const azVariant[] = {
	    "base", "next", "delta", "undo"};
	int64_t n;
	int i = 1, v = -1, j;
	uint64_t nRow;
	FILE *fS, *fP;
	XXH3_state_t *pS;

	util_setprogname("dbs-bench-gen");
	if (argc > 1 && strcmp(argv[1], "--fp") == 0) {
		nCol = NCOL_MAX;
		i++;
	}
	for (j = 0; argc - i == 4 && j < 4; j++)
		if (strcmp(argv[i + 1], azVariant[j]) == 0)
			v = j;
	if (v < 0 || util_parse_i64(argv[i], 1, INT32_MAX, &n) != 0)
		util_die(DBS_EXIT_USAGE,
		    "usage: dbs-bench-gen [--fp] N "
		    "base|next|delta|undo STREAM PLAIN");
	fS = open_out(argv[i + 2]);
	fP = open_out(argv[i + 3]);
	pS = XXH3_createState();
	if (pS == NULL || XXH3_64bits_reset(pS) == XXH_ERROR)
		util_die(DBS_EXIT_FAIL, "out of memory");
	put_header(fS, (enum variant)v, (uint64_t)n);
	nRow = gen_rows((uint64_t)n, (enum variant)v, fS, fP, pS);
	fprintf(fS, "#end,%" PRIu64 ",%016" PRIx64 "\n", nRow,
	    (uint64_t)XXH3_64bits_digest(pS));
	XXH3_freeState(pS);
	close_out(fS, argv[i + 2]);
	close_out(fP, argv[i + 3]);
	return DBS_EXIT_OK;
}
