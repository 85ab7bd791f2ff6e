/*
 * local.c - the child that answers for the local table (local.h).
 */
#include "local.h"

#include <errno.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/wait.h>
#include <unistd.h>

#include "keyrange.h"
#include "msg.h"
#include "util.h"

extern char **environ;

struct local {
	pid_t pid;
	FILE *pTo;   /* the child's standard input */
	FILE *pFrom; /* its standard output */
	struct msg in, out;
	size_t nKey;
	struct stream_field *aKey; /* a decoded row key */
	struct buf keyStore;
	int failed;  /* it failed: zErr says why */
	char *zErr;  /* the first failure's message, or NULL */
	char *zName; /* argv[0], for messages */
};

/* Note what went wrong with the local side (the first failure only);
 * returns -1. */
static int
local_fail(struct local *pL, const char *zWhy)
{
	if (!pL->failed)
		pL->zErr = util_format("local table (%s): %s", pL->zName, zWhy);
	pL->failed = 1;
	return -1;
}

/* Read one answer record; an "error" record is reported. Returns 1,
 * or -1 when it failed. */
static int
read_answer(struct local *pL)
{
	int r = msg_read(pL->pFrom, &pL->in);

	if (r == 1 && msg_is(&pL->in, 0, "error") && pL->in.n == 2 &&
	    pL->in.aF[1].z != NULL)
		return local_fail(pL, pL->in.aF[1].z);
	if (r == 1)
		return 1;
	if (r == 0)
		return local_fail(pL, "it ended without an answer");
	return local_fail(pL, errno ? strerror(errno) : "malformed answer");
}

/* Send the record being built and flush. A local side that ended first
 * (EPIPE) may have said why: its answer is read and reported rather
 * than the broken pipe. */
static int
send_request(struct local *pL)
{
	int e;

	if (msg_send(&pL->out, pL->pTo) == 0 && fflush(pL->pTo) == 0)
		return 0;
	e = errno;
	if (e == EPIPE && read_answer(pL) < 0)
		return -1;
	return local_fail(pL, strerror(e));
}

/* Start the child with two pipes. Returns 0 or -1 when it failed. */
static int
spawn(struct local *pL, char *const *azArgv)
{
	posix_spawn_file_actions_t fa;
	int aTo[2] = {-1, -1}, aFrom[2] = {-1, -1}, rc;

	if (pipe(aTo) != 0 || pipe(aFrom) != 0)
		return local_fail(pL, strerror(errno));
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_adddup2(&fa, aTo[0], STDIN_FILENO);
	posix_spawn_file_actions_adddup2(&fa, aFrom[1], STDOUT_FILENO);
	posix_spawn_file_actions_addclose(&fa, aTo[1]);
	posix_spawn_file_actions_addclose(&fa, aFrom[0]);
	rc = posix_spawnp(&pL->pid, azArgv[0], &fa, NULL, azArgv, environ);
	posix_spawn_file_actions_destroy(&fa);
	close(aTo[0]);
	close(aFrom[1]);
	if (rc != 0) {
		close(aTo[1]);
		close(aFrom[0]);
		pL->pid = 0;
		return local_fail(pL, strerror(rc));
	}
	pL->pTo = fdopen(aTo[1], "w");
	pL->pFrom = fdopen(aFrom[0], "r");
	if (pL->pTo == NULL || pL->pFrom == NULL)
		return local_fail(pL, strerror(errno));
	return 0;
}

/* Check the "hello" answer: the key, and whether fingerprints are kept. */
static int
check_hello(
    struct local *pL, const char *const *azKey, size_t nKey, int *pHasFp)
{
	const struct msg *pM = &pL->in;
	int64_t n = -1;
	size_t k;

	if (!msg_is(pM, 0, "hello") || pM->n < 3 || pM->aF[1].z == NULL ||
	    util_parse_i64(pM->aF[1].z, 0, 64, &n) != 0 ||
	    (size_t)n + 3 != pM->n)
		return local_fail(pL, "malformed answer to hello");
	if ((size_t)n != nKey)
		return local_fail(pL, "its table has another key");
	for (k = 0; k < nKey; k++)
		if (pM->aF[2 + k].z == NULL ||
		    strcasecmp(pM->aF[2 + k].z, azKey[k]) != 0)
			return local_fail(pL, "its table has another key");
	*pHasFp = msg_is(pM, pM->n - 1, "1");
	return 0;
}

struct local *
local_open(char *const *azArgv, const char *const *azKey, size_t nKey,
    int *pHasFp, char **pzErr)
{
	struct local *pL = util_calloc(1, sizeof *pL);

	pL->zName = util_strdup(azArgv[0]);
	pL->nKey = nKey;
	pL->aKey = util_calloc(nKey ? nKey : 1, sizeof *pL->aKey);
	msg_begin(&pL->out, "hello");
	if (spawn(pL, azArgv) != 0 || send_request(pL) != 0 ||
	    read_answer(pL) != 1 || check_hello(pL, azKey, nKey, pHasFp) != 0) {
		local_close(pL, pzErr);
		return NULL;
	}
	return pL;
}

/* Add a bound as a field. */
static void
add_bound(struct local *pL, const struct local_bound *pB)
{
	msg_add(&pL->out, pB && pB->has ? pB->key.z : NULL,
	    pB && pB->has ? pB->key.n : 0);
}

/* Copy field i of the answer into *pB. */
static void
take_bound(const struct msg *pM, size_t i, struct local_bound *pB)
{
	memset(pB, 0, sizeof *pB);
	pB->has = pM->aF[i].z != NULL;
	if (pB->has)
		buf_set(&pB->key, pM->aF[i].z, pM->aF[i].n);
}

void
local_bound_copy(struct local_bound *pDst, const struct local_bound *pSrc)
{
	memset(pDst, 0, sizeof *pDst);
	pDst->has = pSrc->has;
	if (pSrc->has)
		buf_set(&pDst->key, pSrc->key.z, pSrc->key.n);
}

/* Field i of the answer as an int64 into *pV; -1 if it is not one. */
static int
take_i64(const struct msg *pM, size_t i, int64_t *pV)
{
	return pM->aF[i].z == NULL
	    ? -1
	    : util_parse_i64(pM->aF[i].z, INT64_MIN, INT64_MAX, pV);
}

/*
 * The next item of an answer of many: a record zKind of nField fields
 * (in pL->in); "end" closes the answer, anything else is malformed (an
 * answer to zWhat). Returns 1, 0 at the end, or -1 when it failed.
 */
static int
next_item(struct local *pL, const char *zKind, size_t nField, const char *zWhat)
{
	char zWhy[48];

	if (read_answer(pL) != 1)
		return -1;
	if (msg_is(&pL->in, 0, "end") && pL->in.n == 1)
		return 0;
	if (msg_is(&pL->in, 0, zKind) && pL->in.n == nField)
		return 1;
	snprintf(zWhy, sizeof zWhy, "malformed answer to %s", zWhat);
	return local_fail(pL, zWhy);
}

int
local_split(struct local *pL, const struct local_bound *pLo,
    const struct local_bound *pHi, int n, struct local_part **paPart,
    size_t *pnPart)
{
	struct local_part *pP;
	char zN[16];
	int r;

	snprintf(zN, sizeof zN, "%d", n);
	msg_begin(&pL->out, "split");
	add_bound(pL, pLo);
	add_bound(pL, pHi);
	msg_add(&pL->out, zN, strlen(zN));
	if (send_request(pL) != 0)
		return -1;
	while ((r = next_item(pL, "part", 7, "split")) > 0) {
		*paPart =
		    util_realloc(*paPart, (*pnPart + 1) * sizeof **paPart);
		pP = &(*paPart)[(*pnPart)++];
		take_bound(&pL->in, 1, &pP->lo);
		take_bound(&pL->in, 2, &pP->hi);
		if (take_i64(&pL->in, 3, &pP->nRow) != 0 ||
		    take_i64(&pL->in, 4, &pP->sumHi) != 0 ||
		    take_i64(&pL->in, 5, &pP->sumLo) != 0 ||
		    take_i64(&pL->in, 6, &pP->nUnknown) != 0)
			return local_fail(pL, "malformed answer to split");
	}
	return r;
}

/* Read the "end" that closes an answer. */
static int
read_end(struct local *pL)
{
	if (read_answer(pL) != 1)
		return -1;
	if (!msg_is(&pL->in, 0, "end") || pL->in.n != 1)
		return local_fail(pL, "malformed answer");
	return 0;
}

int
local_span(struct local *pL, struct local_bound *pMin, struct local_bound *pMax)
{
	msg_begin(&pL->out, "span");
	if (send_request(pL) != 0 || read_answer(pL) != 1)
		return -1;
	if (!msg_is(&pL->in, 0, "span") || pL->in.n != 3)
		return local_fail(pL, "malformed answer to span");
	take_bound(&pL->in, 1, pMin);
	take_bound(&pL->in, 2, pMax);
	return read_end(pL);
}

int
local_grid_ask(struct local *pL, int64_t lo, int64_t hi, int64_t w)
{
	msg_begin(&pL->out, "grid");
	msg_add_i64(&pL->out, lo);
	msg_add_i64(&pL->out, hi);
	msg_add_i64(&pL->out, w);
	return send_request(pL);
}

int
local_cell(struct local *pL, struct local_cell *pC)
{
	int r = next_item(pL, "cell", 6, "grid");

	if (r == 1 &&
	    (take_i64(&pL->in, 1, &pC->id) != 0 ||
	        take_i64(&pL->in, 2, &pC->nRow) != 0 ||
	        take_i64(&pL->in, 3, &pC->sumHi) != 0 ||
	        take_i64(&pL->in, 4, &pC->sumLo) != 0 ||
	        take_i64(&pL->in, 5, &pC->nUnknown) != 0))
		return local_fail(pL, "malformed answer to grid");
	return r;
}

int
local_grid(struct local *pL, int64_t lo, int64_t hi, int64_t w,
    struct local_cell **paCell, size_t *pnCell)
{
	struct local_cell c;
	int r;

	if (local_grid_ask(pL, lo, hi, w) != 0)
		return -1;
	while ((r = local_cell(pL, &c)) > 0) {
		*paCell =
		    util_realloc(*paCell, (*pnCell + 1) * sizeof **paCell);
		(*paCell)[(*pnCell)++] = c;
	}
	return r;
}

int
local_rows(struct local *pL, const struct local_bound *pLo,
    const struct local_bound *pHi)
{
	msg_begin(&pL->out, "rows");
	add_bound(pL, pLo);
	add_bound(pL, pHi);
	return send_request(pL);
}

int
local_row(struct local *pL, const struct stream_field **paKey, int64_t *pFp,
    int *pHasFp)
{
	const char *zWhy;
	int r = next_item(pL, "row", 3, "rows");

	if (r != 1)
		return r;
	pL->keyStore.n = 0;
	if (pL->in.aF[1].z == NULL ||
	    keyrange_decode_key(pL->in.aF[1].z, pL->in.aF[1].n, pL->nKey,
	        pL->aKey, &pL->keyStore, &zWhy) != 0)
		return local_fail(pL, "malformed answer to rows");
	*pHasFp = take_i64(&pL->in, 2, pFp) == 0;
	*paKey = pL->aKey;
	return 1;
}

int
local_close(struct local *pL, char **pzErr)
{
	int status = 0, rc = 0;

	if (pL == NULL)
		return 0;
	if (pL->pTo != NULL) {
		msg_begin(&pL->out, "bye");
		if (!pL->failed)
			send_request(pL);
		fclose(pL->pTo);
	}
	if (pL->pFrom != NULL)
		fclose(pL->pFrom);
	if (pL->pid > 0) {
		if (pL->failed)
			kill(pL->pid, SIGTERM);
		while (waitpid(pL->pid, &status, 0) < 0 && errno == EINTR)
			;
		if (!pL->failed && (!WIFEXITED(status) || WEXITSTATUS(status)))
			rc = local_fail(pL, "it failed");
	}
	rc = pL->failed ? -1 : rc;
	if (pL->zErr != NULL && *pzErr == NULL)
		*pzErr = pL->zErr;
	else
		free(pL->zErr);
	msg_free(&pL->in);
	msg_free(&pL->out);
	buf_free(&pL->keyStore);
	free(pL->aKey);
	free(pL->zName);
	free(pL);
	return rc;
}

void
local_parts_free(struct local_part *aPart, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		buf_free(&aPart[i].lo.key);
		buf_free(&aPart[i].hi.key);
	}
	free(aPart);
}
