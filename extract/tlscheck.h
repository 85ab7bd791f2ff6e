/*
 * tlscheck.h - what FreeTDS 1.3 does not tell a db-lib program about
 * TLS: the server's PRELOGIN answer on encryption, and why a certificate
 * failed to verify. Both appear in FreeTDS's own log, so during a login
 * that asks for encryption the log goes to a private temporary file at
 * the levels that hold them (errors and INFO1: no password, no data),
 * which is read and removed right after the login.
 */
#ifndef DBS_EXTRACT_TLSCHECK_H
#define DBS_EXTRACT_TLSCHECK_H

#include <stdio.h>

/* The server's PRELOGIN answers on encryption ([MS-TDS] 2.2.6.5). */
enum {
	TLSCHECK_OFF = 0,
	TLSCHECK_ON = 1,
	TLSCHECK_NOT_SUP = 2,
	TLSCHECK_REQ = 3
};

struct tlscheck {
	char *zDump;    /* the private log file, owned; NULL if none */
	int cryptFlag;  /* the server's answer, or -1 if unknown */
	char zWhy[160]; /* why the certificate or handshake failed, or "" */
};

/*
 * Create the private log file (mode 0600) in $TMPDIR. Returns 0, or -1
 * with errno set; *p is usable (and empty) either way.
 */
int tlscheck_begin(struct tlscheck *p);

/* Write the freetds.conf lines that send FreeTDS's log there. */
void tlscheck_conf(const struct tlscheck *p, FILE *f);

/*
 * After the login: stop FreeTDS's log (unless TDSDUMP asked for one of
 * the user's own), read what it said into *p and remove the file.
 */
void tlscheck_end(struct tlscheck *p);

#endif
