/*
 * config.c - the configuration file of dbs.conf(5), read with libinih.
 *
 * libinih (Debian's build) reads lines into a 200-byte buffer (a longer
 * line is silently split in two), treats an indented line as the
 * continuation of the previous value, cuts a value at " ;" and truncates
 * section names at 50 bytes. None of that is acceptable for paths and
 * SQL, so the lines reach it through our own reader, which reads whole
 * lines of any length, checks them (UTF-8, no NUL), registers sections
 * itself (so that an empty [view NAME] exists too), keeps each value's
 * raw text, and hands libinih a short canonical line: "[S<n>]" for a
 * section, "key=" for a value, an empty line for a comment. libinih then
 * calls config_entry() with the section and key, and the value is taken
 * from the raw text: unquoted (no inline comments) or "quoted".
 */
#include "config.h"

#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <ini.h>

#include "buf.h"
#include "dtype.h"
#include "ident.h"
#include "util.h"

/* What a key's value must be. */
enum kind {
	K_TEXT,     /* one line, anything */
	K_PATH,     /* a file name, made absolute */
	K_CHOICE,   /* one of azChoice */
	K_SECONDS,  /* integer seconds in [0, SECONDS_MAX] */
	K_COUNT,    /* integer in [1, COUNT_MAX] */
	K_KEEP,     /* a K_COUNT or a K_DURATION (config_parse_keep) */
	K_PERCENT,  /* 0-100, as util_parse_percent */
	K_DURATION, /* config_parse_duration */
	K_BOOL,     /* yes or no */
	K_NAME,     /* [schema.]name */
	K_COLUMN,   /* one identifier */
	K_COLUMNS,  /* identifiers separated by ',' */
	K_INDEXES   /* K_COLUMNS lists separated by ';' */
};

/* Sections a key may appear in. */
enum { IN_SOURCE = 1, IN_SYNC = 2, IN_VIEW = 4 };

#define SECONDS_MAX 2000000 /* FreeTDS keeps timeouts as int ms */
#define COUNT_MAX 1000000

static const char *const azTds[] = {
    "7.0", "7.1", "7.2", "7.3", "7.4", "5.0", "auto", NULL};
static const char *const azEncrypt[] = {
    "off", "request", "require", "strict", NULL};
const char *const config_log_formats[] = {"text", "json", NULL};
static const char *const azFormat[] = {"csv", "ndjson", NULL};
static const char *const azCompress[] = {"zstd", "none", NULL};
const char *const config_modes[] = {"merge", "append", "replace", NULL};
const char *const config_deletes[] = {"hard", "soft", "keep", NULL};
const char *const config_schema_changes[] = {"fail", "add", "rebuild", NULL};
const char *const config_decimals[] = {"auto", "text", "real", NULL};
const char *const config_strategies[] = {"full", "keys", "segments", NULL};

static const struct {
	const char *zName;
	int in; /* IN_ bits */
	enum kind kind;
	const char *const *azChoice; /* K_CHOICE */
} aKey[CONFIG_NKEY] = {
    [CONFIG_SERVER] = {"server", IN_SOURCE, K_TEXT, NULL},
    [CONFIG_DATABASE] = {"database", IN_SOURCE, K_TEXT, NULL},
    [CONFIG_USER] = {"user", IN_SOURCE, K_TEXT, NULL},
    [CONFIG_PASSWORD] = {"password", IN_SOURCE, K_TEXT, NULL},
    [CONFIG_PASSWORD_FILE] = {"password-file", IN_SOURCE, K_PATH, NULL},
    [CONFIG_TDS_VERSION] = {"tds-version", IN_SOURCE, K_CHOICE, azTds},
    [CONFIG_ENCRYPT] = {"encrypt", IN_SOURCE, K_CHOICE, azEncrypt},
    [CONFIG_CA_FILE] = {"ca-file", IN_SOURCE, K_PATH, NULL},
    [CONFIG_APP_NAME] = {"app-name", IN_SOURCE, K_TEXT, NULL},
    [CONFIG_LOGIN_TIMEOUT] = {"login-timeout", IN_SOURCE | IN_SYNC | IN_VIEW,
        K_SECONDS, NULL},
    [CONFIG_QUERY_TIMEOUT] = {"query-timeout", IN_SOURCE | IN_SYNC | IN_VIEW,
        K_SECONDS, NULL},
    [CONFIG_LOG] = {"log", IN_SYNC, K_PATH, NULL},
    [CONFIG_LOG_FORMAT] = {"log-format", IN_SYNC, K_CHOICE, config_log_formats},
    [CONFIG_DB] = {"db", IN_SYNC | IN_VIEW, K_PATH, NULL},
    [CONFIG_SNAPSHOTS] = {"snapshots", IN_SYNC | IN_VIEW, K_PATH, NULL},
    [CONFIG_KEEP] = {"keep", IN_SYNC | IN_VIEW, K_KEEP, NULL},
    [CONFIG_COMPRESS] = {"compress", IN_SYNC | IN_VIEW, K_CHOICE, azCompress},
    [CONFIG_FORMAT] = {"format", IN_SYNC | IN_VIEW, K_CHOICE, azFormat},
    [CONFIG_LOCK_TIMEOUT] = {"lock-timeout", IN_SYNC | IN_VIEW, K_SECONDS,
        NULL},
    [CONFIG_MODE] = {"mode", IN_SYNC | IN_VIEW, K_CHOICE, config_modes},
    [CONFIG_DELETES] = {"deletes", IN_SYNC | IN_VIEW, K_CHOICE, config_deletes},
    [CONFIG_MAX_DELETE] = {"max-delete", IN_SYNC | IN_VIEW, K_PERCENT, NULL},
    [CONFIG_SCHEMA_CHANGE] = {"schema-change", IN_SYNC | IN_VIEW, K_CHOICE,
        config_schema_changes},
    [CONFIG_FULL_EVERY] = {"full-every", IN_SYNC | IN_VIEW, K_DURATION, NULL},
    [CONFIG_ALLOW_OLDER] = {"allow-older", IN_SYNC | IN_VIEW, K_BOOL, NULL},
    [CONFIG_ALLOW_EMPTY] = {"allow-empty", IN_SYNC | IN_VIEW, K_BOOL, NULL},
    [CONFIG_ALLOW_MASS_DELETE] = {"allow-mass-delete", IN_SYNC | IN_VIEW,
        K_BOOL, NULL},
    [CONFIG_DECIMALS] = {"decimals", IN_SYNC | IN_VIEW, K_CHOICE,
        config_decimals},
    [CONFIG_STRATEGY] = {"strategy", IN_SYNC | IN_VIEW, K_CHOICE,
        config_strategies},
    [CONFIG_VIEW] = {"view", IN_VIEW, K_NAME, NULL},
    [CONFIG_QUERY] = {"query", IN_VIEW, K_TEXT, NULL},
    [CONFIG_TABLE] = {"table", IN_VIEW, K_TEXT, NULL},
    [CONFIG_KEY] = {"key", IN_VIEW, K_COLUMNS, NULL},
    [CONFIG_COLUMNS] = {"columns", IN_VIEW, K_COLUMNS, NULL},
    [CONFIG_WHERE] = {"where", IN_VIEW, K_TEXT, NULL},
    [CONFIG_ORDER_BY] = {"order-by", IN_VIEW, K_COLUMNS, NULL},
    [CONFIG_SINCE] = {"since", IN_VIEW, K_COLUMN, NULL},
    [CONFIG_INDEX] = {"index", IN_VIEW, K_INDEXES, NULL},
};

/* Reading state, shared by the reader and the entry handler. */
struct rd {
	FILE *f;
	struct config *pC;
	int iLine;   /* physical line number */
	char *zLine; /* the current raw line (getline buffer) */
	size_t nAlloc;
	int *aiSec; /* sections in file order: -1 source, -2 sync, or
	                * the index in pC->aView; libinih names them S<i> */
	size_t nSec;
	char *zRawKey; /* the key as written (current line) */
	char *zRawVal; /* the text after '=' (current line) */
	char *zErr;    /* first error, "line N: ..." without the file */
};

/* Record the first error, "line N: ...". */
static void rd_error(struct rd *p, const char *zFmt, ...)
    __attribute__((format(printf, 2, 3)));

static void
rd_error(struct rd *p, const char *zFmt, ...)
{
	char zMsg[512];
	va_list ap;
	size_t n;

	if (p->zErr != NULL)
		return;
	va_start(ap, zFmt);
	vsnprintf(zMsg, sizeof zMsg, zFmt, ap);
	va_end(ap);
	n = strlen(zMsg) + 32;
	p->zErr = util_malloc(n);
	snprintf(p->zErr, n, "line %d: %s", p->iLine, zMsg);
}

static int
is_blank(char c)
{
	return c == ' ' || c == '\t';
}

/* z with blanks removed at both ends, in place. */
static char *
trim(char *z)
{
	size_t n;

	while (is_blank(*z))
		z++;
	n = strlen(z);
	while (n > 0 && is_blank(z[n - 1]))
		z[--n] = '\0';
	return z;
}

/* A name for a message: control bytes as '?', cut after 60 bytes. */
static const char *
shown(const char *z, char *zBuf, size_t nBuf)
{
	size_t i;

	for (i = 0; i < 60 && i + 4 < nBuf && z[i] != '\0'; i++)
		zBuf[i] =
		    (unsigned char)z[i] < 0x20 || z[i] == 0x7f ? '?' : z[i];
	if (z[i] != '\0' && i + 4 <= nBuf) {
		memcpy(zBuf + i, "...", 3);
		i += 3;
	}
	zBuf[i] = '\0';
	return zBuf;
}

/* Is zName a usable view name: [A-Za-z0-9_.-], not starting '.' or '-'? */
static int
good_view_name(const char *zName)
{
	const char *z;

	if (*zName == '\0' || *zName == '.' || *zName == '-' ||
	    strlen(zName) > 128)
		return 0;
	for (z = zName; *z; z++)
		if (!((*z >= 'a' && *z <= 'z') || (*z >= 'A' && *z <= 'Z') ||
		        (*z >= '0' && *z <= '9') || strchr("_.-", *z)))
			return 0;
	return 1;
}

/* The section registered as number i. */
static struct config_section *
section_at(const struct rd *p, size_t i)
{
	int k = p->aiSec[i];

	return k == -1 ? &p->pC->source
	    : k == -2  ? &p->pC->sync
	               : &p->pC->aView[k];
}

/* Register a new [view zName] section; returns its code or -3. */
static int
add_view(struct rd *p, const char *zName)
{
	struct config *pC = p->pC;
	char zShow[80];
	size_t i;

	if (!good_view_name(zName)) {
		rd_error(p,
		    "bad view name \"%s\" (letters, digits, '_', '.' and '-', "
		    "not starting with '.' or '-')",
		    shown(zName, zShow, sizeof zShow));
		return -3;
	}
	for (i = 0; i < pC->nView; i++)
		if (strcmp(pC->aView[i].zName, zName) == 0) {
			rd_error(p,
			    "view \"%s\" defined twice (first on line %d)",
			    zName, pC->aView[i].iLine);
			return -3;
		}
	pC->aView =
	    util_realloc(pC->aView, (pC->nView + 1) * sizeof *pC->aView);
	memset(&pC->aView[pC->nView], 0, sizeof *pC->aView);
	pC->aView[pC->nView].zName = util_strdup(zName);
	return (int)pC->nView++;
}

/* Start the section of header text zHead (inside the brackets). Returns
 * its number for libinih's "S<n>", or -1 after an error. */
static int
begin_section(struct rd *p, char *zHead)
{
	struct config_section *pS;
	char zShow[80];
	int k;

	zHead = trim(zHead);
	if (strcmp(zHead, "source") == 0 || strcmp(zHead, "sync") == 0) {
		k = zHead[1] == 'o' ? -1 : -2;
		pS = k == -1 ? &p->pC->source : &p->pC->sync;
		if (pS->iLine != 0) {
			rd_error(p, "section [%s] again (first on line %d)",
			    zHead, pS->iLine);
			return -1;
		}
	} else if (strncmp(zHead, "view", 4) == 0 && is_blank(zHead[4])) {
		k = add_view(p, trim(zHead + 4));
		if (k < 0)
			return -1;
	} else {
		rd_error(p,
		    "unknown section [%s] (expected [source], [sync] or "
		    "[view NAME])",
		    shown(zHead, zShow, sizeof zShow));
		return -1;
	}
	p->aiSec = util_realloc(p->aiSec, (p->nSec + 1) * sizeof *p->aiSec);
	p->aiSec[p->nSec] = k;
	section_at(p, p->nSec)->iLine = p->iLine;
	return (int)p->nSec++;
}

/*
 * Turn the raw line zLine (line end removed) into libinih's line in zOut
 * (nOut bytes): "" for a comment or blank, "[S<n>]" for a section,
 * "key=" for a value (whose raw key and value are kept). Returns 0, or
 * -1 after an error.
 */
static int
canon_line(struct rd *p, char *zLine, char *zOut, size_t nOut)
{
	char *z = trim(zLine), *zEq;
	size_t n;
	int i;

	*zOut = '\0';
	if (*z == '\0' || *z == '#' || *z == ';')
		return 0;
	if (*z == '[') {
		n = strlen(z);
		if (z[n - 1] != ']') {
			rd_error(p, "expected [section]");
			return -1;
		}
		z[n - 1] = '\0';
		i = begin_section(p, z + 1);
		if (i < 0)
			return -1;
		snprintf(zOut, nOut, "[S%d]", i);
		return 0;
	}
	zEq = strchr(z, '=');
	if (zEq == NULL) {
		rd_error(p, "expected key = value");
		return -1;
	}
	if (p->nSec == 0) {
		rd_error(p, "key outside a section");
		return -1;
	}
	*zEq = '\0';
	free(p->zRawKey);
	free(p->zRawVal);
	p->zRawKey = util_strdup(trim(z));
	p->zRawVal = util_strdup(zEq + 1);
	if (*p->zRawKey == '\0') {
		rd_error(p, "expected key = value");
		return -1;
	}
	/* libinih sees only a harmless stand-in for the key */
	snprintf(zOut, nOut, "k=");
	return 0;
}

/* libinih's reader: the next line, canonicalised, or NULL at the end. */
static char *
rd_line(char *zStr, int num, void *pCtx)
{
	struct rd *p = pCtx;
	ssize_t n;
	char *z;

	if (p->zErr != NULL)
		return NULL;
	errno = 0;
	n = getline(&p->zLine, &p->nAlloc, p->f);
	if (n < 0) {
		if (ferror(p->f))
			rd_error(p, "%s", strerror(errno ? errno : EIO));
		return NULL;
	}
	p->iLine++;
	z = p->zLine;
	if ((size_t)n != strlen(z)) {
		rd_error(p, "NUL byte in the line");
		return NULL;
	}
	while (n > 0 && (z[n - 1] == '\n' || z[n - 1] == '\r'))
		z[--n] = '\0';
	if (p->iLine == 1 && strncmp(z, "\xef\xbb\xbf", 3) == 0)
		z += 3;
	if (!dtype_utf8_valid(z, strlen(z))) {
		rd_error(p, "not UTF-8");
		return NULL;
	}
	if (canon_line(p, z, zStr, (size_t)num - 1) != 0)
		return NULL;
	strcat(zStr, "\n");
	return zStr;
}

/* "[source]", "[sync]" or "[view NAME]" for messages. */
static void
section_label(const struct config_section *pS, const struct config *pC,
    char *zBuf, size_t nBuf)
{
	if (pS == &pC->source)
		snprintf(zBuf, nBuf, "[source]");
	else if (pS == &pC->sync)
		snprintf(zBuf, nBuf, "[sync]");
	else
		snprintf(zBuf, nBuf, "[view %s]", pS->zName);
}

/*
 * The value of the raw text z after '=': "quoted" (with \" and \\) or
 * unquoted (blanks around it removed; an inline comment is refused, so
 * that nothing is silently cut). Returns an owned string, or NULL and a
 * static phrase in *pzWhy.
 */
static char *
unquote(const char *z, const char **pzWhy)
{
	struct buf b = {0};
	const char *zEnd;
	size_t n;

	while (is_blank(*z))
		z++;
	if (*z != '"') {
		n = strlen(z);
		while (n > 0 && is_blank(z[n - 1]))
			n--;
		for (zEnd = z + 1; zEnd < z + n; zEnd++)
			if ((*zEnd == '#' || *zEnd == ';') &&
			    is_blank(zEnd[-1])) {
				*pzWhy =
				    "a '#' or ';' after a blank looks like "
				    "a comment: put comments on lines of "
				    "their own, or \"quote\" the value";
				return NULL;
			}
		if (n == 0) {
			*pzWhy = "empty value";
			return NULL;
		}
		return util_strndup(z, n);
	}
	for (z++; *z != '"'; z++) {
		if (*z == '\0') {
			buf_free(&b);
			*pzWhy = "no closing '\"'";
			return NULL;
		}
		if (*z == '\\') {
			z++;
			if (*z != '\\' && *z != '"') {
				buf_free(&b);
				*pzWhy = "in quotes, '\\' must be followed by "
				         "'\\' or '\"'";
				return NULL;
			}
		}
		buf_append(&b, z, 1);
	}
	for (z++; is_blank(*z); z++)
		;
	if (*z != '\0') {
		buf_free(&b);
		*pzWhy = "text after the closing '\"'";
		return NULL;
	}
	if (b.n == 0) {
		*pzWhy = "empty value";
		return NULL;
	}
	return buf_detach(&b, NULL);
}

/* Is z one of the NULL-terminated az? */
static int
one_of(const char *z, const char *const *az)
{
	for (; *az != NULL; az++)
		if (strcmp(z, *az) == 0)
			return 1;
	return 0;
}

/* "a, b or c" for the choices of key k, into zBuf. */
static const char *
choices(enum config_key k, char *zBuf, size_t nBuf)
{
	const char *const *az = aKey[k].azChoice;
	size_t i, n = 0;

	zBuf[0] = '\0';
	for (i = 0; az[i] != NULL; i++)
		n += (size_t)snprintf(zBuf + n, n < nBuf ? nBuf - n : 0, "%s%s",
		    i == 0                  ? ""
		        : az[i + 1] == NULL ? " or "
		                            : ", ",
		    az[i]);
	return zBuf;
}

/* Check identifier lists: parts of a name, one column, or columns. */
static const char *
check_idents(enum kind kind, const char *z)
{
	struct ident_list l;
	const char *zWhy = NULL;
	size_t i, j;

	if (ident_parse_list(z, kind == K_COLUMNS ? ',' : '.', &l, &zWhy) != 0)
		return zWhy;
	if (kind == K_NAME && l.n > 2)
		zWhy = "expected [schema.]name (the database is the [source] "
		       "database)";
	if (kind == K_COLUMN && l.n != 1)
		zWhy = "expected one column name";
	for (i = 0; kind == K_COLUMNS && zWhy == NULL && i < l.n; i++)
		for (j = 0; j < i; j++)
			if (strcmp(l.az[i], l.az[j]) == 0)
				zWhy = "a column named twice";
	ident_list_clear(&l);
	return zWhy;
}

/* Check lists of columns separated by ';' (K_INDEXES). */
static const char *
check_indexes(const char *z)
{
	char *zCopy = util_strdup(z), *zPart, *zNext;
	const char *zWhy = NULL;

	for (zPart = zCopy; zPart != NULL && zWhy == NULL; zPart = zNext) {
		zNext = strchr(zPart, ';');
		if (zNext != NULL)
			*zNext++ = '\0';
		if (*trim(zPart) == '\0')
			zWhy =
			    "an empty list of columns (write index = a,b; c)";
		else
			zWhy = check_idents(K_COLUMNS, zPart);
	}
	free(zCopy);
	return zWhy;
}

/* Check value z of key k: NULL if fine, else what is expected. */
static const char *
check_value(enum config_key k, const char *z, char *zBuf, size_t nBuf)
{
	int64_t v, v2;
	double d;
	int b;

	switch (aKey[k].kind) {
	case K_TEXT:
	case K_PATH:
		return NULL;
	case K_CHOICE:
		if (one_of(z, aKey[k].azChoice))
			return NULL;
		snprintf(zBuf, nBuf, "expected ");
		choices(k, zBuf + 9, nBuf - 9);
		return zBuf;
	case K_SECONDS:
		return util_parse_i64(z, 0, SECONDS_MAX, &v) == 0
		    ? NULL
		    : "expected a number of seconds from 0 to 2000000";
	case K_COUNT:
		return util_parse_i64(z, 1, COUNT_MAX, &v) == 0
		    ? NULL
		    : "expected a number from 1 to 1000000";
	case K_KEEP:
		return config_parse_keep(z, &v, &v2) == 0
		    ? NULL
		    : "expected a number from 1 to 1000000, or an age such "
		      "as 36h, 14d or 2w";
	case K_PERCENT:
		return util_parse_percent(z, &d) == 0
		    ? NULL
		    : "expected a percentage from 0 to 100";
	case K_DURATION:
		return config_parse_duration(z, &v) == 0
		    ? NULL
		    : "expected a duration such as 90s, 30m, 24h, 7d or 2w";
	case K_BOOL:
		return config_parse_bool(z, &b) == 0 ? NULL
		                                     : "expected yes or no";
	case K_NAME:
	case K_COLUMN:
	case K_COLUMNS:
		return check_idents(aKey[k].kind, z);
	case K_INDEXES:
		return check_indexes(z);
	}
	return NULL;
}

/* zVal as an absolute path against the config file's directory. */
static char *
absolute(const struct config *pC, char *zVal)
{
	size_t n;
	char *z;

	if (zVal[0] == '/')
		return zVal;
	n = strlen(pC->zDir) + strlen(zVal) + 2;
	z = util_malloc(n);
	snprintf(z, n, "%s/%s", pC->zDir, zVal);
	free(zVal);
	return z;
}

/* The key named zName, or -1. */
static int
key_index(const char *zName)
{
	int k;

	for (k = 0; k < CONFIG_NKEY; k++)
		if (strcmp(zName, aKey[k].zName) == 0)
			return k;
	return -1;
}

/* Store the current line's value in section pS; 0 or -1. */
static int
store(struct rd *p, struct config_section *pS)
{
	int in = pS == &p->pC->source ? IN_SOURCE
	    : pS == &p->pC->sync      ? IN_SYNC
	                              : IN_VIEW;
	char zSec[200], zShow[80], zBuf[200];
	const char *zWhy = NULL;
	char *zVal;
	int k = key_index(p->zRawKey);

	section_label(pS, p->pC, zSec, sizeof zSec);
	if (k < 0 || (aKey[k].in & in) == 0) {
		rd_error(p, "%s key \"%s\" in %s",
		    k < 0 ? "unknown" : "misplaced",
		    shown(p->zRawKey, zShow, sizeof zShow), zSec);
		return -1;
	}
	if (pS->azVal[k] != NULL) {
		rd_error(p, "%s: key \"%s\" again (first on line %d)", zSec,
		    aKey[k].zName, pS->aiLine[k]);
		return -1;
	}
	zVal = unquote(p->zRawVal, &zWhy);
	if (zVal != NULL)
		zWhy = check_value((enum config_key)k, zVal, zBuf, sizeof zBuf);
	if (zWhy != NULL) {
		rd_error(p, "%s: %s", aKey[k].zName, zWhy);
		free(zVal);
		return -1;
	}
	if (aKey[k].kind == K_PATH)
		zVal = absolute(p->pC, zVal);
	pS->azVal[k] = zVal;
	pS->aiLine[k] = p->iLine;
	return 0;
}

/* libinih's handler: section "S<n>", key "k" (see canon_line()). */
static int
on_entry(
    void *pCtx, const char *zSection, const char *zName, const char *zValue)
{
	struct rd *p = pCtx;
	long i = strtol(zSection + 1, NULL, 10);

	(void)zName;
	(void)zValue;
	if (p->zErr != NULL || zSection[0] != 'S' || i < 0 ||
	    (size_t)i >= p->nSec)
		return 0;
	return store(p, section_at(p, (size_t)i)) == 0;
}

/* The line of the first of keys a, b set in pS (for messages). */
static int
later_line(
    const struct config_section *pS, enum config_key a, enum config_key b)
{
	return pS->aiLine[a] > pS->aiLine[b] ? pS->aiLine[a] : pS->aiLine[b];
}

/* Checks across the keys of one section; 0 or -1. */
static int
check_section(struct rd *p, const struct config_section *pS)
{
	static const enum config_key aNeedView[] = {
	    CONFIG_COLUMNS, CONFIG_WHERE, CONFIG_ORDER_BY, CONFIG_SINCE};
	size_t i;

	if (pS->azVal[CONFIG_PASSWORD] && pS->azVal[CONFIG_PASSWORD_FILE]) {
		p->iLine =
		    later_line(pS, CONFIG_PASSWORD, CONFIG_PASSWORD_FILE);
		rd_error(p,
		    "[source]: password and password-file are "
		    "exclusive");
		return -1;
	}
	if (pS->azVal[CONFIG_VIEW] && pS->azVal[CONFIG_QUERY]) {
		p->iLine = later_line(pS, CONFIG_VIEW, CONFIG_QUERY);
		rd_error(
		    p, "[view %s]: view and query are exclusive", pS->zName);
		return -1;
	}
	for (i = 0; pS->azVal[CONFIG_QUERY] && i < 4; i++)
		if (pS->azVal[aNeedView[i]] != NULL) {
			p->iLine = pS->aiLine[aNeedView[i]];
			rd_error(p,
			    "[view %s]: %s needs view, not query (write it "
			    "into the query)",
			    pS->zName, aKey[aNeedView[i]].zName);
			return -1;
		}
	return 0;
}

/* The directory of zPath, absolute. Owned by the caller. */
static char *
dir_of(const char *zPath)
{
	const char *zSlash = strrchr(zPath, '/');
	char zCwd[PATH_MAX];
	size_t n;
	char *z;

	if (zSlash == zPath)
		return util_strdup("/");
	if (zSlash != NULL && zPath[0] == '/')
		return util_strndup(zPath, (size_t)(zSlash - zPath));
	if (getcwd(zCwd, sizeof zCwd) == NULL)
		return util_strdup(".");
	if (zSlash == NULL)
		return util_strdup(zCwd);
	n = strlen(zCwd) + (size_t)(zSlash - zPath) + 2;
	z = util_malloc(n);
	snprintf(z, n, "%s/%.*s", zCwd, (int)(zSlash - zPath), zPath);
	return z;
}

/* "zPath: zMsg" into an owned string. */
static char *
file_msg(const char *zPath, const char *zMsg)
{
	size_t n = strlen(zPath) + strlen(zMsg) + 3;
	char *z = util_malloc(n);

	snprintf(z, n, "%s: %s", zPath, zMsg);
	return z;
}

int
config_read(const char *zPath, struct config *pC, char **pzErr)
{
	struct rd r;
	size_t i;
	int rc;

	memset(&r, 0, sizeof r);
	*pzErr = NULL;
	r.pC = pC;
	r.f = fopen(zPath, "r");
	if (r.f == NULL) {
		*pzErr = file_msg(zPath, strerror(errno));
		return -1;
	}
	pC->zPath = util_strdup(zPath);
	pC->zDir = dir_of(zPath);
	rc = ini_parse_stream(rd_line, &r, on_entry, &r);
	if (rc != 0 && r.zErr == NULL) /* libinih's own complaint */
		rd_error(&r, "cannot parse the line");
	if (r.zErr == NULL)
		check_section(&r, &pC->source);
	for (i = 0; r.zErr == NULL && i < pC->nView; i++)
		check_section(&r, &pC->aView[i]);
	if (r.zErr == NULL && pC->source.azVal[CONFIG_PASSWORD] != NULL &&
	    config_check_private(
	        fileno(r.f), zPath, "holds a password", pzErr) != 0)
		rc = -1;
	else if (r.zErr != NULL)
		*pzErr = file_msg(zPath, r.zErr);
	fclose(r.f);
	if (r.zLine != NULL)
		explicit_bzero(r.zLine, r.nAlloc);
	free(r.zLine);
	free(r.zRawKey);
	if (r.zRawVal != NULL)
		explicit_bzero(r.zRawVal, strlen(r.zRawVal));
	free(r.zRawVal);
	free(r.aiSec);
	free(r.zErr);
	if (*pzErr == NULL)
		return 0;
	config_clear(pC);
	return -1;
}

static void
section_clear(struct config_section *pS)
{
	int k;

	free(pS->zName);
	for (k = 0; k < CONFIG_NKEY; k++) {
		if (pS->azVal[k] != NULL && k == CONFIG_PASSWORD)
			explicit_bzero(pS->azVal[k], strlen(pS->azVal[k]));
		free(pS->azVal[k]);
	}
	memset(pS, 0, sizeof *pS);
}

void
config_clear(struct config *pC)
{
	size_t i;

	section_clear(&pC->source);
	section_clear(&pC->sync);
	for (i = 0; i < pC->nView; i++)
		section_clear(&pC->aView[i]);
	free(pC->aView);
	free(pC->zPath);
	free(pC->zDir);
	memset(pC, 0, sizeof *pC);
}

const struct config_section *
config_view(const struct config *pC, const char *zName)
{
	size_t i;

	for (i = 0; i < pC->nView; i++)
		if (strcmp(pC->aView[i].zName, zName) == 0)
			return &pC->aView[i];
	return NULL;
}

const char *
config_get(
    const struct config *pC, const struct config_section *pV, enum config_key k)
{
	if (pV != NULL && pV->azVal[k] != NULL)
		return pV->azVal[k];
	if (pC->sync.azVal[k] != NULL)
		return pC->sync.azVal[k];
	if (k == CONFIG_LOGIN_TIMEOUT || k == CONFIG_QUERY_TIMEOUT)
		return pC->source.azVal[k];
	return NULL;
}

int
config_word(const char *const *az, const char *z)
{
	int i;

	for (i = 0; az[i] != NULL; i++)
		if (strcmp(az[i], z) == 0)
			return i;
	return -1;
}

const char *
config_key_name(enum config_key k)
{
	return aKey[k].zName;
}

int
config_parse_bool(const char *z, int *pOut)
{
	if (strcmp(z, "yes") == 0 || strcmp(z, "no") == 0) {
		*pOut = z[0] == 'y';
		return 0;
	}
	return -1;
}

int
config_parse_duration(const char *z, int64_t *pSeconds)
{
	static const struct {
		char c;
		int64_t n;
	} aUnit[] = {
	    {'s', 1}, {'m', 60}, {'h', 3600}, {'d', 86400}, {'w', 604800}};
	char zNum[24];
	size_t n = strlen(z), i;
	int64_t v;

	if (n < 2 || n > sizeof zNum || z[0] == '0')
		return -1;
	memcpy(zNum, z, n - 1);
	zNum[n - 1] = '\0';
	if (strspn(zNum, "0123456789") != n - 1 ||
	    util_parse_i64(zNum, 1, INT64_C(1) << 40, &v) != 0)
		return -1;
	for (i = 0; i < sizeof aUnit / sizeof aUnit[0]; i++)
		if (z[n - 1] == aUnit[i].c) {
			*pSeconds = v * aUnit[i].n;
			return 0;
		}
	return -1;
}

int
config_parse_keep(const char *z, int64_t *pCount, int64_t *pSeconds)
{
	*pCount = *pSeconds = 0;
	if (util_parse_i64(z, 1, COUNT_MAX, pCount) == 0)
		return 0;
	*pCount = 0;
	return config_parse_duration(z, pSeconds);
}

int
config_check_private(int fd, const char *zPath, const char *zWhat, char **pzErr)
{
	struct stat st;
	char zMsg[256];

	if (fstat(fd, &st) != 0) {
		*pzErr = file_msg(zPath, strerror(errno));
		return -1;
	}
	if ((st.st_mode & 077) == 0 && st.st_uid == geteuid())
		return 0;
	snprintf(zMsg, sizeof zMsg,
	    "%s, so it must be mode 0600 (or 0400) and owned by you; it is "
	    "mode %04o%s",
	    zWhat, (unsigned)(st.st_mode & 07777),
	    st.st_uid != geteuid() ? " and owned by someone else" : "");
	*pzErr = file_msg(zPath, zMsg);
	return -1;
}
