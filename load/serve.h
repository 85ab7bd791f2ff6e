/*
 * serve.h - dbs-load --serve TABLE: the local side of dbs-extract
 * --strategy keys|segments. It reads questions about the table's keys
 * and row fingerprints on stdin and answers them on stdout, as records
 * of common/msg.h (the protocol is at the top of serve.c).
 */
#ifndef DBS_SERVE_H
#define DBS_SERVE_H

#include "run.h"

/* Answer questions until end of input or "quit". Returns 0 or an exit
 * status; a failure is also answered as an "error" record. */
int serve_run(struct load_run *pRun);

#endif
