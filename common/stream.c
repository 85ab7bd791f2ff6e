/*
 * stream.c - pieces of the dbs stream shared by reader and writer: the
 * canonical row encoding and row hash, and the header helpers declared
 * in stream.h.
 */
#include "stream_int.h"

#include <string.h>

#include "util.h"

size_t
stream_put_size(char *z, size_t n)
{
	char a[24];
	size_t i = sizeof(a), k;

	do {
		a[--i] = (char)('0' + n % 10);
		n /= 10;
	} while (n > 0);
	k = sizeof(a) - i;
	memcpy(z, a + i, k);
	return k;
}

/* Append the encoding of the nCol fields and, if bRow, the LF. */
static size_t
encode(struct buf *pB, const struct stream_field *aField, size_t nCol, int bRow)
{
	size_t i, need = 1, n0 = pB->n;
	char *z;

	for (i = 0; i < nCol; i++)
		need += STREAM_ENC_MAX(aField[i].n);
	buf_reserve(pB, need);
	z = pB->z + pB->n;
	for (i = 0; i < nCol; i++)
		z = stream_encode_field(z, aField[i].z, aField[i].n);
	if (bRow)
		*z++ = '\n';
	pB->n = (size_t)(z - pB->z);
	return pB->n - n0;
}

size_t
stream_encode_row(
    struct buf *pB, const struct stream_field *aField, size_t nCol)
{
	return encode(pB, aField, nCol, 1);
}

void
stream_encode_fields(
    struct buf *pB, const struct stream_field *aField, size_t n)
{
	encode(pB, aField, n, 0);
}

uint64_t
stream_row_hash(const struct stream_field *aField, size_t nCol)
{
	XXH3_state_t st;
	char a[24];
	size_t i, k;

	XXH3_64bits_reset(&st);
	for (i = 0; i < nCol; i++) {
		if (aField[i].z == NULL) {
			XXH3_64bits_update(&st, "-", 1);
			continue;
		}
		k = (size_t)(stream_put_len(a, aField[i].n) - a);
		a[k++] = ':';
		XXH3_64bits_update(&st, a, k);
		XXH3_64bits_update(&st, aField[i].z, aField[i].n);
	}
	XXH3_64bits_update(&st, "\n", 1);
	return XXH3_64bits_digest(&st);
}

/* ---- header helpers ---- */

/*
 * Room for element n (0-based) of an array of n elements of sz bytes,
 * growing its capacity geometrically: capacities are 8, 16, 32... so the
 * capacity follows from n and needs no field. Header arrays may be
 * 10,000 columns long.
 */
static void *
grow(void *p, size_t n, size_t sz)
{
	if (n == 0)
		return util_realloc(p, 8 * sz);
	if (n >= 8 && (n & (n - 1)) == 0)
		return util_realloc(p, 2 * n * sz);
	return p;
}

const char *
stream_header_meta(const struct stream_header *pH, const char *zName)
{
	size_t n;
	char *const *az = stream_header_meta_list(pH, zName, &n);

	return az ? az[0] : NULL;
}

char *const *
stream_header_meta_list(
    const struct stream_header *pH, const char *zName, size_t *pnValue)
{
	size_t i;

	for (i = 0; i < pH->nMeta; i++) {
		if (strcmp(pH->aMeta[i].zName, zName) == 0) {
			*pnValue = pH->aMeta[i].nValue;
			return pH->aMeta[i].azValue;
		}
	}
	*pnValue = 0;
	return NULL;
}

void
stream_header_add_meta_list(struct stream_header *pH, const char *zName,
    const char *const *azValue, size_t nValue)
{
	struct stream_meta *pM;
	size_t i;

	pH->aMeta = grow(pH->aMeta, pH->nMeta, sizeof(pH->aMeta[0]));
	pM = &pH->aMeta[pH->nMeta++];
	pM->zName = util_strdup(zName);
	pM->nValue = nValue ? nValue : 1; /* no values: one empty one */
	pM->azValue = util_calloc(pM->nValue, sizeof(char *));
	for (i = 0; i < pM->nValue; i++)
		pM->azValue[i] = util_strdup(nValue ? azValue[i] : "");
	pM->zValue = pM->azValue[0];
}

void
stream_header_add_meta(
    struct stream_header *pH, const char *zName, const char *zValue)
{
	stream_header_add_meta_list(pH, zName, &zValue, 1);
}

void
stream_header_add_key(struct stream_header *pH, const char *zName)
{
	pH->azKey = grow(pH->azKey, pH->nKey, sizeof(pH->azKey[0]));
	pH->azKey[pH->nKey++] = util_strdup(zName);
}

void
stream_header_add_col(struct stream_header *pH, const char *zName,
    const struct dtype *pType, const char *zSourceType, int notnull)
{
	struct stream_col *pC;

	pH->aCol = grow(pH->aCol, pH->nCol, sizeof(pH->aCol[0]));
	pC = &pH->aCol[pH->nCol++];
	pC->zName = util_strdup(zName);
	pC->type = *pType;
	pC->zSourceType = util_strdup(zSourceType);
	pC->notnull = notnull != 0;
}

long
stream_header_find_col(const struct stream_header *pH, const char *zName)
{
	size_t i;

	for (i = 0; i < pH->nCol; i++) {
		if (strcmp(pH->aCol[i].zName, zName) == 0)
			return (long)i;
	}
	return -1;
}

void
stream_header_clear(struct stream_header *pH)
{
	size_t i, j;

	for (i = 0; i < pH->nMeta; i++) {
		free(pH->aMeta[i].zName);
		for (j = 0; j < pH->aMeta[i].nValue; j++)
			free(pH->aMeta[i].azValue[j]);
		free(pH->aMeta[i].azValue);
	}
	free(pH->aMeta);
	for (i = 0; i < pH->nKey; i++)
		free(pH->azKey[i]);
	free(pH->azKey);
	for (i = 0; i < pH->nCol; i++) {
		free(pH->aCol[i].zName);
		free(pH->aCol[i].zSourceType);
	}
	free(pH->aCol);
	memset(pH, 0, sizeof(*pH));
}
