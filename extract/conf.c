/*
 * conf.c - connection settings of dbs-extract: flags, DBS_* environment
 * variables and the [source] section of an INI config file, checked and
 * merged (flags over environment over file), and the password read from
 * whichever source wins. Secrets are never put in messages.
 */
#include "conf.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util.h"

static const struct {
	const char *zKey;  /* config file key */
	const char *zEnv;  /* environment variable */
	const char *zFlag; /* command line flag, or NULL */
} aName[CONF_NKEY] = {
    [CONF_SERVER] = {"server", "DBS_SERVER", "-S"},
    [CONF_DATABASE] = {"database", "DBS_DATABASE", "-D"},
    [CONF_USER] = {"user", "DBS_USER", "-U"},
    [CONF_PASSWORD_FILE] = {"password-file", "DBS_PASSWORD_FILE",
        "--password-file"},
    [CONF_PASSWORD] = {"password", "DBS_PASSWORD", NULL},
    [CONF_TDS_VERSION] = {"tds-version", "DBS_TDS_VERSION", "--tds-version"},
    [CONF_ENCRYPT] = {"encrypt", "DBS_ENCRYPT", "--encrypt"},
    [CONF_CA_FILE] = {"ca-file", "DBS_CA_FILE", "--ca-file"},
    [CONF_LOGIN_TIMEOUT] = {"login-timeout", "DBS_LOGIN_TIMEOUT",
        "--login-timeout"},
    [CONF_QUERY_TIMEOUT] = {"query-timeout", "DBS_QUERY_TIMEOUT",
        "--query-timeout"},
    [CONF_APP_NAME] = {"app-name", "DBS_APP_NAME", "--app-name"},
};

/* Longest timeout accepted, in seconds (FreeTDS keeps them as int ms). */
#define TIMEOUT_MAX 2000000

const char *
conf_name(enum conf_key k, enum conf_layer l)
{
	if (l == CONF_FLAG && aName[k].zFlag)
		return aName[k].zFlag;
	return l == CONF_ENV ? aName[k].zEnv : aName[k].zKey;
}

static int
one_of(const char *z, const char *const *az)
{
	for (; *az; az++) {
		if (strcmp(z, *az) == 0)
			return 1;
	}
	return 0;
}

/*
 * Check a value. Returns NULL if fine, else a static phrase saying what
 * is expected (the value itself may be a secret and is not repeated).
 */
static const char *
check_value(enum conf_key k, const char *z)
{
	static const char *const azVer[] = {
	    "7.0", "7.1", "7.2", "7.3", "7.4", "5.0", "auto", NULL};
	static const char *const azEnc[] = {
	    "off", "request", "require", "strict", NULL};
	int64_t v;

	switch (k) {
	case CONF_TDS_VERSION:
		return one_of(z, azVer) ? NULL
		                        : "expected 7.0, 7.1, 7.2, 7.3, 7.4, "
		                          "5.0 or auto";
	case CONF_ENCRYPT:
		return one_of(z, azEnc) ? NULL
		                        : "expected off, request, require or "
		                          "strict";
	case CONF_LOGIN_TIMEOUT:
	case CONF_QUERY_TIMEOUT:
		return util_parse_i64(z, 1, TIMEOUT_MAX, &v) == 0
		    ? NULL
		    : "expected a number of seconds from 1 to 2000000";
	case CONF_CA_FILE:
		/* freetds.conf cannot hold these (see conn.c) */
		if (strpbrk(z, ";#\n\r") || z[0] == ' ' || z[0] == '\t' ||
		    strstr(z, "  ") || z[strlen(z) - 1] == ' ')
			return "FreeTDS cannot use a path with ';', '#', a "
			       "line break or leading, trailing or repeated "
			       "spaces";
		return NULL;
	case CONF_PASSWORD:
		return NULL;
	default:
		return strpbrk(z, "\n\r") ? "must be one line" : NULL;
	}
}

void
conf_set_flag(struct conf *pC, enum conf_key k, const char *zValue)
{
	const char *zWhy;

	if (*zValue == '\0')
		util_die(DBS_EXIT_USAGE, "%s: empty value", aName[k].zFlag);
	zWhy = check_value(k, zValue);
	if (zWhy)
		util_die(DBS_EXIT_USAGE, "%s: %s", aName[k].zFlag, zWhy);
	free(pC->azVal[CONF_FLAG][k]);
	pC->azVal[CONF_FLAG][k] = util_strdup(zValue);
}

/* Read DBS_* variables; an empty variable counts as unset. */
static void
read_env(struct conf *pC)
{
	const char *z, *zWhy;
	int k;

	for (k = 0; k < CONF_NKEY; k++) {
		z = getenv(aName[k].zEnv);
		if (z == NULL || *z == '\0')
			continue;
		zWhy = check_value(k, z);
		if (zWhy)
			util_die(DBS_EXIT_USAGE, "%s: %s", aName[k].zEnv, zWhy);
		pC->azVal[CONF_ENV][k] = util_strdup(z);
	}
}

/* Strip blanks at both ends of z in place; returns the start. */
static char *
trim(char *z)
{
	size_t n;

	while (*z == ' ' || *z == '\t')
		z++;
	n = strlen(z);
	while (n > 0 && (z[n - 1] == ' ' || z[n - 1] == '\t'))
		z[--n] = '\0';
	return z;
}

/*
 * A password in a config file is accepted only from a private file:
 * owned by the user running us and not readable by anyone else.
 */
static void
check_private(FILE *f, const char *zFile, int iLine)
{
	struct stat st;

	if (fstat(fileno(f), &st) != 0)
		util_die(DBS_EXIT_USAGE, "%s: %s", zFile, strerror(errno));
	if ((st.st_mode & 077) != 0 || st.st_uid != geteuid())
		util_die(DBS_EXIT_USAGE,
		    "%s: line %d: password refused: the file must be mode "
		    "0600 and owned by you (it is mode %04o%s); or use "
		    "password-file",
		    zFile, iLine, (unsigned)(st.st_mode & 07777),
		    st.st_uid != geteuid() ? ", owned by someone else" : "");
}

/* The setting a config file key names, or -1. */
static int
key_index(const char *zKey)
{
	int k;

	for (k = 0; k < CONF_NKEY; k++) {
		if (strcmp(zKey, aName[k].zKey) == 0)
			return k;
	}
	return -1;
}

/* Handle one "key = value" line of the [source] section. */
static void
file_entry(struct conf *pC, FILE *f, const char *zFile, int iLine, char *zLine)
{
	char *zEq = strchr(zLine, '=');
	const char *zKey, *zVal, *zWhy;
	int k;

	if (zEq == NULL) {
		util_die(DBS_EXIT_USAGE, "%s: line %d: expected key = value",
		    zFile, iLine);
		return; /* not reached */
	}
	*zEq = '\0';
	zKey = trim(zLine);
	zVal = trim(zEq + 1);
	k = key_index(zKey);
	if (k < 0) {
		util_die(DBS_EXIT_USAGE,
		    "%s: line %d: unknown key \"%s\" in [source]", zFile, iLine,
		    zKey);
		return; /* not reached */
	}
	if (k == CONF_PASSWORD)
		check_private(f, zFile, iLine);
	if (pC->azVal[CONF_FILE][k])
		util_die(DBS_EXIT_USAGE, "%s: line %d: duplicate key \"%s\"",
		    zFile, iLine, zKey);
	if (*zVal == '\0')
		util_die(DBS_EXIT_USAGE, "%s: line %d: %s: empty value", zFile,
		    iLine, zKey);
	zWhy = check_value(k, zVal);
	if (zWhy)
		util_die(DBS_EXIT_USAGE, "%s: line %d: %s: %s", zFile, iLine,
		    zKey, zWhy);
	pC->azVal[CONF_FILE][k] = util_strdup(zVal);
}

/*
 * Read the [source] section of an INI file. Other sections (dbs-sync's
 * [view NAME]) are skipped unread. Blank lines and lines starting with
 * '#' or ';' are comments; values are taken verbatim after trimming.
 */
static void
read_file(struct conf *pC, const char *zFile)
{
	FILE *f = fopen(zFile, "r");
	char *zLine = NULL, *z;
	size_t nAlloc = 0;
	ssize_t n;
	int iLine = 0, inSource = 0, seenSection = 0;

	if (f == NULL) {
		util_die(DBS_EXIT_USAGE, "%s: %s", zFile, strerror(errno));
		return; /* not reached */
	}
	while ((n = getline(&zLine, &nAlloc, f)) >= 0) {
		iLine++;
		while (n > 0 && (zLine[n - 1] == '\n' || zLine[n - 1] == '\r'))
			zLine[--n] = '\0';
		z = trim(zLine);
		if (*z == '\0' || *z == '#' || *z == ';')
			continue;
		if (*z == '[') {
			if (z[strlen(z) - 1] != ']')
				util_die(DBS_EXIT_USAGE,
				    "%s: line %d: expected [section]", zFile,
				    iLine);
			z[strlen(z) - 1] = '\0';
			inSource = strcmp(trim(z + 1), "source") == 0;
			seenSection = 1;
			continue;
		}
		if (!seenSection)
			util_die(DBS_EXIT_USAGE,
			    "%s: line %d: key outside of a [section]", zFile,
			    iLine);
		if (inSource)
			file_entry(pC, f, zFile, iLine, z);
	}
	if (ferror(f))
		util_die(DBS_EXIT_USAGE, "%s: %s", zFile, strerror(errno));
	fclose(f);
	if (zLine)
		explicit_bzero(zLine, nAlloc);
	free(zLine);
}

/*
 * Read a password: the first line of the file (without its line end).
 * Returns an owned string; exits on error.
 */
static char *
read_password(FILE *f, const char *zWhat)
{
	char *zLine = NULL, *zPw;
	size_t nAlloc = 0;
	ssize_t n = getline(&zLine, &nAlloc, f);

	if (n < 0 && ferror(f))
		util_die(DBS_EXIT_USAGE, "%s: %s", zWhat, strerror(errno));
	if (n < 0)
		n = 0;
	while (n > 0 && (zLine[n - 1] == '\n' || zLine[n - 1] == '\r'))
		n--;
	zPw = util_strndup(zLine ? zLine : "", (size_t)n);
	if (zLine)
		explicit_bzero(zLine, nAlloc);
	free(zLine);
	return zPw;
}

static char *
read_password_file(const char *zFile)
{
	FILE *f = fopen(zFile, "r");
	char *zPw;

	if (f == NULL) {
		util_die(DBS_EXIT_USAGE, "password file %s: %s", zFile,
		    strerror(errno));
		return NULL; /* not reached */
	}
	zPw = read_password(f, zFile);
	fclose(f);
	return zPw;
}

/*
 * The password from the highest layer that names one: flags (-P - or
 * --password-file), environment (DBS_PASSWORD or DBS_PASSWORD_FILE),
 * file (password or password-file). Two sources in one layer is an
 * error. Returns an owned string, or NULL when no layer has one.
 */
static char *
resolve_password(struct conf *pC)
{
	char **az;

	if (pC->passwordStdin && pC->azVal[CONF_FLAG][CONF_PASSWORD_FILE])
		util_die(
		    DBS_EXIT_USAGE, "-P - and --password-file are exclusive");
	if (pC->passwordStdin)
		return read_password(stdin, "stdin");
	if (pC->azVal[CONF_FLAG][CONF_PASSWORD_FILE])
		return read_password_file(
		    pC->azVal[CONF_FLAG][CONF_PASSWORD_FILE]);
	az = pC->azVal[CONF_ENV];
	if (az[CONF_PASSWORD] && az[CONF_PASSWORD_FILE])
		util_die(DBS_EXIT_USAGE,
		    "DBS_PASSWORD and DBS_PASSWORD_FILE are both set");
	if (az[CONF_PASSWORD])
		return util_strdup(az[CONF_PASSWORD]);
	if (az[CONF_PASSWORD_FILE])
		return read_password_file(az[CONF_PASSWORD_FILE]);
	az = pC->azVal[CONF_FILE];
	if (az[CONF_PASSWORD] && az[CONF_PASSWORD_FILE])
		util_die(DBS_EXIT_USAGE,
		    "%s: password and password-file are exclusive",
		    pC->zConfigFile);
	if (az[CONF_PASSWORD])
		return util_strdup(az[CONF_PASSWORD]);
	if (az[CONF_PASSWORD_FILE])
		return read_password_file(az[CONF_PASSWORD_FILE]);
	return NULL;
}

void
conf_resolve(struct conf *pC, struct conf_final *pF)
{
	const char *zEnvConf = getenv("DBS_CONFIG");
	int64_t v;
	int k, l;

	memset(pF, 0, sizeof *pF);
	if (pC->zConfigFile == NULL && zEnvConf && *zEnvConf)
		pC->zConfigFile = util_strdup(zEnvConf);
	read_env(pC);
	if (pC->zConfigFile)
		read_file(pC, pC->zConfigFile);
	for (k = 0; k < CONF_NKEY; k++) {
		for (l = 0; l < CONF_NLAYER && !pF->azVal[k]; l++)
			pF->azVal[k] = pC->azVal[l][k];
	}
	pF->loginTimeout = pF->queryTimeout = -1;
	if (pF->azVal[CONF_LOGIN_TIMEOUT] &&
	    util_parse_i64(pF->azVal[CONF_LOGIN_TIMEOUT], 1, TIMEOUT_MAX, &v) ==
	        0)
		pF->loginTimeout = (int)v;
	if (pF->azVal[CONF_QUERY_TIMEOUT] &&
	    util_parse_i64(pF->azVal[CONF_QUERY_TIMEOUT], 1, TIMEOUT_MAX, &v) ==
	        0)
		pF->queryTimeout = (int)v;
	if (pF->azVal[CONF_SERVER] == NULL)
		util_die(DBS_EXIT_USAGE,
		    "no server: give -S, DBS_SERVER or server in the config "
		    "file");
	pF->zPassword = resolve_password(pC);
}

void
conf_clear(struct conf *pC, struct conf_final *pF)
{
	int k, l;

	for (l = 0; l < CONF_NLAYER; l++) {
		for (k = 0; k < CONF_NKEY; k++) {
			if (pC->azVal[l][k] && k == CONF_PASSWORD)
				explicit_bzero(
				    pC->azVal[l][k], strlen(pC->azVal[l][k]));
			free(pC->azVal[l][k]);
			pC->azVal[l][k] = NULL;
		}
	}
	free(pC->zConfigFile);
	pC->zConfigFile = NULL;
	if (pF->zPassword) {
		explicit_bzero(pF->zPassword, strlen(pF->zPassword));
		free(pF->zPassword);
	}
	memset(pF, 0, sizeof *pF);
}
