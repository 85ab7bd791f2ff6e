/*
 * config.c - unit tests of common/config.c, the dbs.conf(5) reader: the
 * grammar (sections, comments, quoting, long lines, BOM, CRLF), every
 * error with its exact message, the checks of each kind of value, the
 * private-file rule, relative paths and the [view]/[sync]/[source]
 * fallbacks of config_get().
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "config.h"
#include "tap.h"

static char zDir[64];

/* Write zText to file zName (in zDir) with mode; returns its path. */
static const char *
put(const char *zName, const char *zText, size_t n, mode_t mode)
{
	static char zPath[256];
	FILE *f;

	snprintf(zPath, sizeof zPath, "%s/%s", zDir, zName);
	f = fopen(zPath, "w");
	if (f == NULL || fwrite(zText, 1, n, f) != n || fclose(f) != 0)
		tap_diag("cannot write %s", zPath);
	chmod(zPath, mode);
	return zPath;
}

/* The file must fail with message "PATH: zWant". */
static void
bad(const char *zName, const char *zText, const char *zWant)
{
	struct config c = {0};
	char *zErr = NULL, zFull[600];
	const char *zPath = put(zName, zText, strlen(zText), 0600);
	int rc = config_read(zPath, &c, &zErr);

	snprintf(zFull, sizeof zFull, "%s: %s", zPath, zWant);
	tap_ok(
	    rc == -1 && c.nView == 0 && c.zPath == NULL, "%s: refused", zName);
	tap_is_str(zErr, zFull, "  message");
	free(zErr);
	config_clear(&c);
}

/* Read zText (expected to be fine) into *pC. */
static int
good(const char *zName, const char *zText, size_t n, struct config *pC)
{
	char *zErr = NULL;
	int rc = config_read(put(zName, zText, n, 0600), pC, &zErr);

	if (rc != 0)
		tap_diag("unexpected: %s", zErr);
	free(zErr);
	return rc;
}

static void
test_grammar(void)
{
	static const char zText[] =
	    "\xef\xbb\xbf# comment\r\n"
	    "; another\n"
	    "\n"
	    "  [source]  \n"
	    "server = host:1433\n"
	    "  user=reader\t\n"
	    "password = \"  a \\\"quoted\\\" ; # \\\\ secret \"  \n"
	    "[sync]\n"
	    "db = local.db\n"
	    "query-timeout = 30\n"
	    "[ view  orders ]\n"
	    "where = a = 'x;y' and b <> '#'\n"
	    "key = id, [odd,name]\n"
	    "db = /abs/o.db\n"
	    "[view empty]\n";
	struct config c = {0};
	const struct config_section *pV;
	char zWant[300];

	if (good("g.conf", zText, sizeof zText - 1, &c) != 0) {
		tap_ok(0, "grammar file reads");
		return;
	}
	tap_is_str(c.source.azVal[CONFIG_SERVER], "host:1433", "server");
	tap_is_str(c.source.azVal[CONFIG_USER], "reader", "indented key");
	tap_is_str(c.source.azVal[CONFIG_PASSWORD],
	    "  a \"quoted\" ; # \\ secret ", "quoted value, escapes");
	tap_is_int((int64_t)c.nView, 2, "two views, one of them empty");
	pV = config_view(&c, "orders");
	tap_ok(pV != NULL, "view orders (blanks in the header)");
	tap_is_str(config_get(&c, pV, CONFIG_WHERE), "a = 'x;y' and b <> '#'",
	    "'#' and ';' not after a blank");
	tap_is_str(
	    config_get(&c, pV, CONFIG_DB), "/abs/o.db", "absolute path kept");
	snprintf(zWant, sizeof zWant, "%s/local.db", zDir);
	tap_is_str(config_get(&c, config_view(&c, "empty"), CONFIG_DB), zWant,
	    "[sync] default, relative to the file's directory");
	tap_is_str(config_get(&c, pV, CONFIG_QUERY_TIMEOUT), "30",
	    "timeout from [sync]");
	tap_ok(config_get(&c, pV, CONFIG_MODE) == NULL, "unset key is NULL");
	tap_ok(config_view(&c, "nosuch") == NULL, "no such view");
	tap_is_int(c.aView[0].iLine, 11, "line of the view header");
	config_clear(&c);
}

static void
test_long_lines(void)
{
	char *zText = malloc(10000), zA[80], zB[80];
	struct config c = {0};
	size_t n;

	memset(zA, 'a', 60);
	zA[60] = '\0';
	strcpy(zB, zA);
	zB[59] = 'b';
	n = (size_t)snprintf(zText, 10000, "[view %s]\nwhere = ", zA);
	memset(zText + n, 'x', 5000);
	n += 5000;
	n += (size_t)snprintf(zText + n, 10000 - n, "\n[view %s]\n", zB);
	if (good("long.conf", zText, n, &c) == 0) {
		tap_is_int((int64_t)c.nView, 2,
		    "two 60-byte view names sharing 59 bytes stay apart");
		tap_is_int((int64_t)strlen(c.aView[0].azVal[CONFIG_WHERE]),
		    5000, "a 5000-byte value is read whole");
	} else {
		tap_ok(0, "long lines");
	}
	config_clear(&c);
	free(zText);
}

static void
test_errors(void)
{
	bad("e1.conf", "[source]\nserver = x\nserver = y\n",
	    "line 3: [source]: key \"server\" again (first on line 2)");
	bad("e2.conf", "[sync]\ndb = x.db  # main\n",
	    "line 2: db: a '#' or ';' after a blank looks like a comment: put "
	    "comments on lines of their own, or \"quote\" the value");
	bad("e3.conf", "[sync]\ndb = \"x.db\n", "line 2: db: no closing '\"'");
	bad("e4.conf", "[sync]\ndb = \"x\" y\n",
	    "line 2: db: text after the closing '\"'");
	bad("e5.conf", "[sync]\ndb = \"a\\nb\"\n",
	    "line 2: db: in quotes, '\\' must be followed by '\\' or '\"'");
	bad("e6.conf", "[sync]\ndb =\n", "line 2: db: empty value");
	bad("e7.conf", "[sync]\ndb = \"\"\n", "line 2: db: empty value");
	bad("e8.conf", "[view v]\nmode = apend\n",
	    "line 2: mode: expected merge, append or replace");
	bad("e9.conf", "[view v]\ncolour = red\n",
	    "line 2: unknown key \"colour\" in [view v]");
	bad("e10.conf", "[source]\ndb = x\n",
	    "line 2: misplaced key \"db\" in [source]");
	bad("e11.conf", "[views]\n",
	    "line 1: unknown section [views] (expected [source], [sync] or "
	    "[view NAME])");
	bad("e12.conf", "[view a b]\n",
	    "line 1: bad view name \"a b\" (letters, digits, '_', '.' and "
	    "'-', not starting with '.' or '-')");
	bad("e13.conf", "[view ..]\n",
	    "line 1: bad view name \"..\" (letters, digits, '_', '.' and "
	    "'-', not starting with '.' or '-')");
	bad("e14.conf", "[view o]\n[view o]\n",
	    "line 2: view \"o\" defined twice (first on line 1)");
	bad("e15.conf", "[sync]\n\n[sync]\n",
	    "line 3: section [sync] again (first on line 1)");
	bad("e16.conf", "db = x\n", "line 1: key outside a section");
	bad("e17.conf", "[sync]\njunk\n", "line 2: expected key = value");
	bad("e18.conf", "[sync]\n= x\n", "line 2: expected key = value");
	bad("e19.conf", "[sync\n", "line 1: expected [section]");
	bad("e20.conf", "[sync]\ndb = a\xff\n", "line 2: not UTF-8");
	bad("e21.conf", "[view v]\nview = a.b.c\n",
	    "line 2: view: expected [schema.]name (the database is the "
	    "[source] database)");
	bad("e22.conf", "[view v]\nkey = a,,b\n", "line 2: key: empty name");
	bad("e23.conf", "[view v]\nkey = a, a\n",
	    "line 2: key: a column named twice");
	bad("e24.conf", "[view v]\nsince = a, b\n",
	    "line 2: since: unexpected character in a name (use "
	    "[brackets])");
	bad("e25.conf", "[view v]\nquery = SELECT 1\nview = x\n",
	    "line 3: [view v]: view and query are exclusive");
	bad("e26.conf", "[view v]\nwhere = a > 1\nquery = SELECT 1\n",
	    "line 2: [view v]: where needs view, not query (write it into "
	    "the query)");
	bad("e27.conf", "[source]\npassword-file = p\npassword = s\n",
	    "line 3: [source]: password and password-file are exclusive");
	bad("e28.conf", "[sync]\nkeep = 0\n",
	    "line 2: keep: expected a number from 1 to 1000000, or an age "
	    "such as 36h, 14d or 2w");
	bad("e28b.conf", "[sync]\nkeep = 14 days\n",
	    "line 2: keep: expected a number from 1 to 1000000, or an age "
	    "such as 36h, 14d or 2w");
	bad("e28c.conf", "[view v]\ncompress = gzip\n",
	    "line 2: compress: expected zstd or none");
	bad("e29.conf", "[sync]\nlock-timeout = -1\n",
	    "line 2: lock-timeout: expected a number of seconds from 0 to "
	    "2000000");
	bad("e30.conf", "[sync]\nmax-delete = 0x10\n",
	    "line 2: max-delete: expected a percentage from 0 to 100");
	bad("e31.conf", "[sync]\nfull-every = 7\n",
	    "line 2: full-every: expected a duration such as 90s, 30m, 24h, "
	    "7d or 2w");
	bad("e32.conf", "[sync]\nallow-empty = true\n",
	    "line 2: allow-empty: expected yes or no");
	bad("e33.conf", "[sync]\nlog-format = xml\n",
	    "line 2: log-format: expected text or json");
	bad("e34.conf", "[source]\ntds-version = 8.0\n",
	    "line 2: tds-version: expected 7.0, 7.1, 7.2, 7.3, 7.4, 5.0 or "
	    "auto");
	bad("e35.conf", "[sync]\nDB = x\n",
	    "line 2: unknown key \"DB\" in [sync]");
	bad("e36.conf", "[sync]\ndecimals = exact\n",
	    "line 2: decimals: expected auto, text or real");
	bad("e37.conf", "[sync]\nindex = a\n",
	    "line 2: misplaced key \"index\" in [sync]");
	bad("e38.conf", "[view v]\nindex = a,b;;c\n",
	    "line 2: index: an empty list of columns (write index = a,b; c)");
	bad("e39.conf", "[view v]\nindex = a; b,b\n",
	    "line 2: index: a column named twice");
	bad("e40.conf", "[view v]\nindex = a ; b\n",
	    "line 2: index: a '#' or ';' after a blank looks like a comment: "
	    "put comments on lines of their own, or \"quote\" the value");
}

static void
test_nul(void)
{
	struct config c = {0};
	char *zErr = NULL, zWant[300];
	const char *zPath = put("nul.conf", "[sync]\ndb = a\0b\n", 16, 0600);

	snprintf(
	    zWant, sizeof zWant, "%s: line 2: NUL byte in the line", zPath);
	tap_ok(config_read(zPath, &c, &zErr) == -1, "NUL byte refused");
	tap_is_str(zErr, zWant, "  message");
	free(zErr);
}

static void
test_private(void)
{
	static const char zText[] = "[source]\npassword = s\n";
	struct config c = {0};
	char *zErr = NULL, zWant[400];
	const char *zPath = put("p.conf", zText, sizeof zText - 1, 0644);

	snprintf(zWant, sizeof zWant,
	    "%s: holds a password, so it must be mode 0600 (or 0400) and "
	    "owned by you; it is mode 0644",
	    zPath);
	tap_ok(config_read(zPath, &c, &zErr) == -1, "public password refused");
	tap_is_str(zErr, zWant, "  message");
	free(zErr);
	zErr = NULL;
	zPath = put("p.conf", zText, sizeof zText - 1, 0400);
	tap_ok(config_read(zPath, &c, &zErr) == 0, "mode 0400 is private");
	config_clear(&c);
	free(zErr);
	zErr = NULL;
	zPath = put("pf.conf", "[source]\npassword-file = pw\n", 28, 0644);
	tap_ok(config_read(zPath, &c, &zErr) == 0,
	    "a public file naming a password file is fine");
	config_clear(&c);
	free(zErr);
}

static void
test_values(void)
{
	int64_t v = 0, v2 = 0;
	int b = -1;

	tap_ok(config_parse_duration("90s", &v) == 0 && v == 90, "90s");
	tap_ok(config_parse_duration("30m", &v) == 0 && v == 1800, "30m");
	tap_ok(config_parse_duration("24h", &v) == 0 && v == 86400, "24h");
	tap_ok(config_parse_duration("7d", &v) == 0 && v == 604800, "7d");
	tap_ok(config_parse_duration("2w", &v) == 0 && v == 1209600, "2w");
	tap_ok(config_parse_duration("0d", &v) == -1, "0d refused");
	tap_ok(config_parse_duration("07d", &v) == -1, "07d refused");
	tap_ok(config_parse_duration("d", &v) == -1, "d refused");
	tap_ok(config_parse_duration("1.5h", &v) == -1, "1.5h refused");
	tap_ok(config_parse_duration("-1h", &v) == -1, "-1h refused");
	tap_ok(config_parse_duration("1 h", &v) == -1, "1 h refused");
	tap_ok(config_parse_duration("1y", &v) == -1, "1y refused");
	tap_ok(config_parse_keep("7", &v, &v2) == 0 && v == 7 && v2 == 0,
	    "keep 7: a count");
	tap_ok(config_parse_keep("14d", &v, &v2) == 0 && v == 0 &&
	        v2 == 14 * 86400,
	    "keep 14d: an age");
	tap_ok(config_parse_keep("1000000", &v, &v2) == 0 && v == 1000000,
	    "keep 1000000");
	tap_ok(config_parse_keep("1000001", &v, &v2) == -1,
	    "keep 1000001 refused");
	tap_ok(config_parse_keep("0", &v, &v2) == -1, "keep 0 refused");
	tap_ok(config_parse_keep("7x", &v, &v2) == -1, "keep 7x refused");
	tap_ok(config_parse_bool("yes", &b) == 0 && b == 1, "yes");
	tap_ok(config_parse_bool("no", &b) == 0 && b == 0, "no");
	tap_ok(config_parse_bool("Yes", &b) == -1, "Yes refused");
}

/*
 * config_word: the index of a word in its list, whole words only (no
 * prefix, no case folding, no blanks); the indices are what the programs
 * store (load/opts.h's enums and diff.h's strategies follow the lists).
 */
static void
test_words(void)
{
	static const struct {
		const char *const *az;
		const char *z;
		int want;
	} a[] = {{config_modes, "merge", 0}, {config_modes, "append", 1},
	    {config_modes, "replace", 2}, {config_deletes, "hard", 0},
	    {config_deletes, "soft", 1}, {config_deletes, "keep", 2},
	    {config_schema_changes, "fail", 0},
	    {config_schema_changes, "add", 1},
	    {config_schema_changes, "rebuild", 2}, {config_decimals, "auto", 0},
	    {config_decimals, "text", 1}, {config_decimals, "real", 2},
	    {config_strategies, "full", 0}, {config_strategies, "keys", 1},
	    {config_strategies, "segments", 2}, {config_log_formats, "text", 0},
	    {config_log_formats, "json", 1}, {config_modes, "Merge", -1},
	    {config_modes, "merg", -1}, {config_modes, "merge ", -1},
	    {config_modes, "mergex", -1}, {config_modes, "", -1},
	    {config_modes, "hard", -1}, {config_strategies, "segment", -1}};
	static const char *const azNone[] = {NULL};
	char zName[64];
	size_t i;

	for (i = 0; i < sizeof a / sizeof a[0]; i++) {
		snprintf(zName, sizeof zName, "config_word \"%s\" in %s: %d",
		    a[i].z, a[i].az[0], a[i].want);
		tap_is_int(config_word(a[i].az, a[i].z), a[i].want, zName);
	}
	tap_is_int(config_word(azNone, "merge"), -1, "an empty list");
}

int
main(void)
{
	snprintf(zDir, sizeof zDir, "/tmp/dbs-unit-config.XXXXXX");
	if (mkdtemp(zDir) == NULL)
		return 1;
	test_grammar();
	test_long_lines();
	test_errors();
	test_nul();
	test_private();
	test_values();
	test_words();
	if (system("rm -rf /tmp/dbs-unit-config.*") != 0)
		tap_diag("could not clean up");
	return tap_done();
}
