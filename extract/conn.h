/*
 * conn.h - the db-lib side of dbs-extract: library set-up with error and
 * message handlers that record (never exit), login with the connection
 * settings, sending a batch, and the one-line description of the first
 * error recorded.
 */
#ifndef DBS_EXTRACT_CONN_H
#define DBS_EXTRACT_CONN_H

#include <sybfront.h>
#include <sybdb.h>

#include "fmt.h"

/* Connection settings, all resolved (see conf.h). Strings may be NULL. */
struct conn_settings {
	const char *zServer;     /* host, host:port, host\instance or a
	                        * freetds.conf name; required */
	const char *zDatabase;   /* database to log in to */
	const char *zUser;       /* login name; DOMAIN\user for NTLM; NULL for
	                        * Kerberos */
	const char *zPassword;   /* secret */
	const char *zAppName;    /* application name shown by the server */
	const char *zTdsVersion; /* "7.0".."7.4", "5.0", "auto"; NULL: TDSVER,
	                          * else "auto" */
	const char *zEncrypt;    /* "off", "request", "require", "strict" */
	const char *zCaFile;     /* CA certificates for TLS */
	int loginTimeout;        /* seconds for the whole login, > 0 */
	int queryTimeout;        /* seconds; 0 = wait forever; -1 = default */
	void (*onAbort)(void);   /* run (in a signal handler) before the login
	                          * watchdog ends the process, or NULL */
};

/*
 * Every function here that can fail returns 0, or DBS_EXIT_FAIL with
 * *pzErr set to the one-line description of the first error recorded
 * (the most telling one: a server message beats db-lib's generic
 * follow-ups), without the program name or the server's, never with
 * the password; the caller frees it (main.c's rule).
 */

/* Initialise db-lib and install the handlers. Call once, before anything
 * else in this module. */
int conn_init(char **pzErr);

/*
 * Log in, within pS->loginTimeout seconds for all attempts (see conn.c
 * for "auto"), and set *ppDb to the connection. Past the timeout a
 * watchdog (a signal handler, outside main.c's rule) prints the timeout,
 * runs pS->onAbort and ends the process with status 1. The password is
 * not kept by this module.
 */
int conn_open(const struct conn_settings *pS, DBPROCESS **ppDb, char **pzErr);

/* Send a batch and wait for the server to start answering. */
int conn_exec(DBPROCESS *pDb, const char *zSql, char **pzErr);

/*
 * Move to the next result of the batch that has columns, skipping those
 * that have none (SET, counts). *pbCols is 1 when positioned on a result
 * set with columns, 0 when there are no more results.
 */
int conn_next_result(DBPROCESS *pDb, int *pbCols, char **pzErr);

/*
 * Describe result column iCol (1-based) of the current result set:
 * its name (valid until the next result set) and what fmt_describe()
 * needs.
 */
int conn_column(DBPROCESS *pDb, int iCol, const char **pzName, int *pNotNull,
    struct fmt_colinfo *pInfo, char **pzErr);

/*
 * 1 if an error has been recorded since conn_init() (or, during the
 * login, since the attempt began), else 0. Informational server messages
 * are not errors.
 */
int conn_failed(void);

/*
 * For a failure met in a db-lib call of the caller's own (dbnextrow()):
 * set *pzErr to the description of the first error recorded, or to a
 * generic phrase when none was. Returns DBS_EXIT_FAIL.
 */
int conn_fail(char **pzErr);

/* 1 if the connection speaks TDS 5.0 (Sybase ASE), else 0. */
int conn_tds5(DBPROCESS *pDb);

/* Close the connection (NULL is fine) and release db-lib. */
void conn_close(DBPROCESS *pDb);

#endif
