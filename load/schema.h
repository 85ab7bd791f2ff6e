/*
 * schema.h - the target table of a stream (schema.c): its name, columns
 * and key as the options, the header and the metadata say, and making
 * the table match the stream: created, or changed per --schema-change.
 */
#ifndef DBS_LOAD_SCHEMA_H
#define DBS_LOAD_SCHEMA_H

#include <stddef.h>

#include "dtype.h"
#include "opts.h"
#include "run.h"
#include "storage.h"
#include "stream.h"

struct load_stream;

/* A column of the target table as the stream describes it. */
struct load_col {
	char *zName;
	struct dtype type;
	enum storage_class st; /* schema_storage() */
	char *zSource;         /* source type, "decimal(18,4)" */
	int notnull;
};

/* The target table of one input. */
struct load_table {
	char *zName;           /* SQLite table name */
	struct load_col *aCol; /* in stream order */
	size_t nCol;
	size_t *aiKey;    /* key columns, indexes into aCol */
	size_t nKey;      /* 0: no key (replace only) */
	int hasDeletedAt; /* the table has _dbs_deleted_at */
	int hasFp;        /* the table has _dbs_fp (row fingerprints) */
	int streamFp;     /* the stream's field nCol is the fingerprint */
};

/*
 * How the values of a column of type *pT are stored under --decimals d:
 * storage_of(), but for decimals TEXT (text), REAL (real, except in
 * a key, which is never rounded) or DECIMAL (auto).
 */
enum storage_class schema_storage(
    const struct dtype *pT, enum load_decimals d, int isKey);

/* Set the storage of every column of pT (its key known) for d. */
void schema_set_storage(struct load_table *pT, enum load_decimals d);

/* Release what *pT owns and zero it. */
void schema_table_clear(struct load_table *pT);

/*
 * Describe the table of stream pS from its header pH into pS->tab:
 * name (--table, else the stream's object), columns, key (--key, else
 * the header's, else the stored one), reading the stored metadata into
 * pS->stored on the way. Returns 0 or an exit status.
 */
int schema_from_header(struct load_stream *pS, const struct stream_header *pH);

/*
 * Make the table of pS match its stream: create it, or compare it with
 * the stored schema and change it per --schema-change. Adds
 * _dbs_deleted_at for soft deletes. Returns 0 or an exit status.
 */
int schema_prepare(struct load_stream *pS);

/* Index of the column named zName in pT, or -1. */
long schema_find_col(const struct load_table *pT, const char *zName);

/* Do two logical types differ (kind, precision, scale)? 0 if they do. */
int schema_same_type(const struct dtype *pA, const struct dtype *pB);

/*
 * CREATE TABLE main.zName for the columns of pT, each declared after
 * its storage (storage_decltype()), with _dbs_hash, _dbs_deleted_at if
 * bDeletedAt, and the key as primary key. The caller free()s it.
 */
char *schema_create_sql(
    const struct load_table *pT, const char *zName, int bDeletedAt);

/* How schema_keys() writes the key of a table. */
enum schema_key_form {
	KEYS_SQL,   /* "a","b": quoted names; with zQual t."a",t."b" */
	KEYS_SET,   /* k0,k1: the columns of a key set (below) */
	KEYS_PARAM, /* ?1,?2: one parameter per key column */
	KEYS_NAMES, /* a,b for messages, "none" for no key */
	KEYS_JSON   /* ["a","b"], NULL for no key */
};

/*
 * The key columns of pT as a list in form f (zQual only for KEYS_SQL,
 * else NULL): the one builder of key lists. Returns a string the caller
 * free()s (NULL only for KEYS_JSON of no key).
 */
char *schema_keys(
    const struct load_table *pT, enum schema_key_form f, const char *zQual);

/* "(\"a\",\"b\") > (?1,?2)": SQL for the stored keys after a key bound
 * to ?1, ?2, ... The caller free()s it. */
char *schema_key_after(const struct load_table *pT);

/*
 * Key sets: temporary tables of keys (the keys seen, the keys gone),
 * columns k0, k1, ... declared and ordered like the key of pT, which is
 * their primary key. schema_keyset() (re)creates an empty one named
 * temp.zName (its column list: schema_keys() KEYS_SET).
 */
int schema_keyset(
    struct load_run *pRun, const struct load_table *pT, const char *zName);

#endif
