/*
 * prompt.h - -P - on a terminal: a prompt on the terminal and no echo
 * while the password line is read from standard input (by conf.c).
 */
#ifndef DBS_EXTRACT_PROMPT_H
#define DBS_EXTRACT_PROMPT_H

/*
 * If standard input is a terminal, write zPrompt to the terminal and turn
 * its echo off until prompt_end() (also at exit, or when SIGINT, SIGTERM
 * or SIGHUP ends the process). Returns 1 if so, else 0 (nothing done).
 */
int prompt_begin(const char *zPrompt);

/* Turn the echo back on and end the prompt's line. Safe to call twice. */
void prompt_end(void);

#endif
