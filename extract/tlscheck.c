/*
 * tlscheck.c - the server's encryption answer and the reason of a failed
 * certificate check, from FreeTDS's log during the login (see
 * tlscheck.h). The lines read are those of FreeTDS 1.3 with GnuTLS
 * (src/tds/login.c, tls.c): "detected crypt flag N", "Certificate
 * hostname does not match", "Certificate status: N", "handshake failed:
 * TEXT"; a FreeTDS that words them otherwise leaves the reason unknown,
 * never a wrong one.
 */
#include "tlscheck.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "util.h"

/* FreeTDS's log switch (libtds, exported by libsybdb but declared only in
 * FreeTDS's private headers): a NULL file name closes the log. */
int tdsdump_open(const char *zFile);

/* GnuTLS's certificate status bits (gnutls_certificate_status_t). */
static const struct {
	unsigned bit;
	const char *zWhy;
} aStatus[] = {
    {0x40, "it is not signed by a certificate authority of --ca-file"},
    {0x80, "its signer is not a certificate authority"},
    {0x400, "it has expired"},
    {0x200, "it is not valid yet"},
    {0x20, "it has been revoked"},
    {0x100, "it is signed with an insecure algorithm"},
    {0x800, "its signature does not verify"},
};

int
tlscheck_begin(struct tlscheck *p)
{
	const char *zDir = getenv("TMPDIR");
	size_t n;
	int fd;

	memset(p, 0, sizeof *p);
	p->cryptFlag = -1;
	if (zDir == NULL || *zDir == '\0')
		zDir = "/tmp";
	n = strlen(zDir) + 32;
	p->zDump = util_malloc(n);
	snprintf(p->zDump, n, "%s/dbs-extract-log.XXXXXX", zDir);
	fd = mkstemp(p->zDump);
	if (fd < 0) {
		free(p->zDump);
		p->zDump = NULL;
		return -1;
	}
	close(fd);
	return 0;
}

void
tlscheck_conf(const struct tlscheck *p, FILE *f)
{
	if (p->zDump == NULL)
		return;
	/* 0x24: errors and INFO1, where both facts are logged */
	fprintf(f, "\tdump file = %s\n\tdebug flags = 0x24\n", p->zDump);
}

/* Note what one line of the log says. */
static void
read_line(struct tlscheck *p, const char *z)
{
	unsigned status;
	size_t i;

	if (sscanf(z, "detected crypt flag %d", &p->cryptFlag) == 1)
		return;
	if (strncmp(z, "Certificate hostname does not match", 35) == 0) {
		snprintf(p->zWhy, sizeof p->zWhy, "%s",
		    "it is not for this server's host name");
		return;
	}
	if (sscanf(z, "Certificate status: %u", &status) == 1) {
		for (i = 0; i < sizeof aStatus / sizeof aStatus[0]; i++) {
			if (status & aStatus[i].bit) {
				snprintf(p->zWhy, sizeof p->zWhy, "%s",
				    aStatus[i].zWhy);
				return;
			}
		}
		snprintf(p->zWhy, sizeof p->zWhy,
		    "GnuTLS certificate status 0x%x", status);
		return;
	}
	if (p->zWhy[0] == '\0' && strncmp(z, "handshake failed: ", 18) == 0)
		snprintf(p->zWhy, sizeof p->zWhy,
		    "the TLS handshake failed: %s", z + 18);
}

void
tlscheck_end(struct tlscheck *p)
{
	char *zLine = NULL;
	size_t nAlloc = 0, n;
	FILE *f;

	if (p->zDump == NULL)
		return;
	if (getenv("TDSDUMP") == NULL)
		tdsdump_open(NULL);
	f = fopen(p->zDump, "r");
	while (f != NULL && getline(&zLine, &nAlloc, f) >= 0) {
		n = strcspn(zLine, "\r\n");
		zLine[n] = '\0';
		read_line(p, zLine);
	}
	free(zLine);
	if (f != NULL)
		fclose(f);
	unlink(p->zDump);
	free(p->zDump);
	p->zDump = NULL;
}
