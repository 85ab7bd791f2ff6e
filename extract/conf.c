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

#include "config.h"
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
		return util_parse_i64(z, 0, TIMEOUT_MAX, &v) == 0
		    ? NULL
		    : "expected a number of seconds from 0 to 2000000";
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

int
conf_set_flag(
    struct conf *pC, enum conf_key k, const char *zValue, char **pzErr)
{
	const char *zWhy;

	if (*zValue == '\0')
		return util_fail(
		    pzErr, DBS_EXIT_USAGE, "%s: empty value", aName[k].zFlag);
	zWhy = check_value(k, zValue);
	if (zWhy)
		return util_fail(
		    pzErr, DBS_EXIT_USAGE, "%s: %s", aName[k].zFlag, zWhy);
	free(pC->azVal[CONF_FLAG][k]);
	pC->azVal[CONF_FLAG][k] = util_strdup(zValue);
	return 0;
}

/* Read DBS_* variables (with --no-env only DBS_PASSWORD and
 * DBS_PASSWORD_FILE); an empty variable counts as unset. Returns 0 or
 * DBS_EXIT_USAGE with *pzErr. */
static int
read_env(struct conf *pC, char **pzErr)
{
	const char *z, *zWhy;
	int k;

	for (k = 0; k < CONF_NKEY; k++) {
		if (pC->noEnv && k != CONF_PASSWORD && k != CONF_PASSWORD_FILE)
			continue;
		z = getenv(aName[k].zEnv);
		if (z == NULL || *z == '\0')
			continue;
		zWhy = check_value(k, z);
		if (zWhy)
			return util_fail(pzErr, DBS_EXIT_USAGE, "%s: %s",
			    aName[k].zEnv, zWhy);
		pC->azVal[CONF_ENV][k] = util_strdup(z);
	}
	return 0;
}

/* The config file key of each setting, for reading [source]. */
static const enum config_key aFileKey[CONF_NKEY] = {
    [CONF_SERVER] = CONFIG_SERVER,
    [CONF_DATABASE] = CONFIG_DATABASE,
    [CONF_USER] = CONFIG_USER,
    [CONF_PASSWORD_FILE] = CONFIG_PASSWORD_FILE,
    [CONF_PASSWORD] = CONFIG_PASSWORD,
    [CONF_TDS_VERSION] = CONFIG_TDS_VERSION,
    [CONF_ENCRYPT] = CONFIG_ENCRYPT,
    [CONF_CA_FILE] = CONFIG_CA_FILE,
    [CONF_LOGIN_TIMEOUT] = CONFIG_LOGIN_TIMEOUT,
    [CONF_QUERY_TIMEOUT] = CONFIG_QUERY_TIMEOUT,
    [CONF_APP_NAME] = CONFIG_APP_NAME,
};

/*
 * Read the config file (dbs.conf(5), checked as a whole by config_read)
 * and take its [source] settings; a ca-file value must also suit
 * freetds.conf. Returns 0 or DBS_EXIT_USAGE with *pzErr.
 */
static int
read_file(struct conf *pC, const char *zFile, char **pzErr)
{
	struct config cfg = {0};
	const char *z, *zWhy;
	int k, rc = 0;

	if (config_read(zFile, &cfg, pzErr) != 0)
		return DBS_EXIT_USAGE;
	for (k = 0; k < CONF_NKEY && rc == 0; k++) {
		z = cfg.source.azVal[aFileKey[k]];
		if (z == NULL)
			continue;
		zWhy = check_value(k, z);
		if (zWhy)
			rc = util_fail(pzErr, DBS_EXIT_USAGE,
			    "%s: line %d: %s: %s", zFile,
			    cfg.source.aiLine[aFileKey[k]], aName[k].zKey,
			    zWhy);
		else
			pC->azVal[CONF_FILE][k] = util_strdup(z);
	}
	config_clear(&cfg);
	return rc;
}

/*
 * Read a password: the first line of the file (without its line end)
 * into *pzPw, owned by the caller. Returns 0, or DBS_EXIT_USAGE with
 * *pzErr.
 */
static int
read_password(FILE *f, const char *zWhat, char **pzPw, char **pzErr)
{
	char *zLine = NULL;
	size_t nAlloc = 0;
	ssize_t n = getline(&zLine, &nAlloc, f);
	int rc = 0;

	if (n < 0 && ferror(f))
		rc = util_fail(
		    pzErr, DBS_EXIT_USAGE, "%s: %s", zWhat, strerror(errno));
	if (n < 0)
		n = 0;
	while (n > 0 && (zLine[n - 1] == '\n' || zLine[n - 1] == '\r'))
		n--;
	if (rc == 0)
		*pzPw = util_strndup(zLine ? zLine : "", (size_t)n);
	if (zLine)
		explicit_bzero(zLine, nAlloc);
	free(zLine);
	return rc;
}

/* The password in file zFile, which must be private (as a config file
 * holding a password), as read_password() reads it. */
static int
read_password_file(const char *zFile, char **pzPw, char **pzErr)
{
	FILE *f = fopen(zFile, "r");
	int rc;

	if (f == NULL)
		return util_fail(pzErr, DBS_EXIT_USAGE, "password file %s: %s",
		    zFile, strerror(errno));
	if (config_check_private(
	        fileno(f), zFile, "is a password file", pzErr) != 0)
		rc = DBS_EXIT_USAGE;
	else
		rc = read_password(f, zFile, pzPw, pzErr);
	fclose(f);
	return rc;
}

/*
 * The password from the highest layer that names one: flags (-P - or
 * --password-file), environment (DBS_PASSWORD or DBS_PASSWORD_FILE),
 * file (password or password-file), into *pzPw (owned by the caller;
 * left NULL when no layer has one). Two sources in one layer is an
 * error. Returns 0, or DBS_EXIT_USAGE with *pzErr.
 */
static int
resolve_password(struct conf *pC, char **pzPw, char **pzErr)
{
	char **az;

	if (pC->passwordStdin && pC->azVal[CONF_FLAG][CONF_PASSWORD_FILE])
		return util_fail(pzErr, DBS_EXIT_USAGE,
		    "-P - and --password-file are exclusive");
	if (pC->passwordStdin)
		return read_password(stdin, "stdin", pzPw, pzErr);
	if (pC->azVal[CONF_FLAG][CONF_PASSWORD_FILE])
		return read_password_file(
		    pC->azVal[CONF_FLAG][CONF_PASSWORD_FILE], pzPw, pzErr);
	az = pC->azVal[CONF_ENV];
	if (az[CONF_PASSWORD] && az[CONF_PASSWORD_FILE])
		return util_fail(pzErr, DBS_EXIT_USAGE,
		    "DBS_PASSWORD and DBS_PASSWORD_FILE are both set");
	if (az[CONF_PASSWORD]) {
		*pzPw = util_strdup(az[CONF_PASSWORD]);
		return 0;
	}
	if (az[CONF_PASSWORD_FILE])
		return read_password_file(az[CONF_PASSWORD_FILE], pzPw, pzErr);
	az = pC->azVal[CONF_FILE];
	if (az[CONF_PASSWORD] && az[CONF_PASSWORD_FILE])
		return util_fail(pzErr, DBS_EXIT_USAGE,
		    "%s: password and password-file are exclusive",
		    pC->zConfigFile);
	if (az[CONF_PASSWORD]) {
		*pzPw = util_strdup(az[CONF_PASSWORD]);
		return 0;
	}
	if (az[CONF_PASSWORD_FILE])
		return read_password_file(az[CONF_PASSWORD_FILE], pzPw, pzErr);
	return 0;
}

int
conf_resolve(struct conf *pC, struct conf_final *pF, char **pzErr)
{
	const char *zEnvConf = getenv("DBS_CONFIG");
	int64_t v;
	int k, l, rc;

	memset(pF, 0, sizeof *pF);
	if (pC->zConfigFile == NULL && zEnvConf && *zEnvConf && !pC->noEnv)
		pC->zConfigFile = util_strdup(zEnvConf);
	rc = read_env(pC, pzErr);
	if (rc == 0 && pC->zConfigFile)
		rc = read_file(pC, pC->zConfigFile, pzErr);
	if (rc != 0)
		return rc;
	for (k = 0; k < CONF_NKEY; k++) {
		for (l = 0; l < CONF_NLAYER && !pF->azVal[k]; l++)
			pF->azVal[k] = pC->azVal[l][k];
	}
	pF->loginTimeout = pF->queryTimeout = -1;
	if (pF->azVal[CONF_LOGIN_TIMEOUT] &&
	    util_parse_i64(pF->azVal[CONF_LOGIN_TIMEOUT], 0, TIMEOUT_MAX, &v) ==
	        0)
		pF->loginTimeout = (int)v;
	if (pF->azVal[CONF_QUERY_TIMEOUT] &&
	    util_parse_i64(pF->azVal[CONF_QUERY_TIMEOUT], 0, TIMEOUT_MAX, &v) ==
	        0)
		pF->queryTimeout = (int)v;
	if (pF->azVal[CONF_SERVER] == NULL)
		return util_fail(pzErr, DBS_EXIT_USAGE,
		    "no server: give -S, DBS_SERVER or server in the config "
		    "file");
	return resolve_password(pC, &pF->zPassword, pzErr);
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
