#!/bin/bash
# t2001-extract-fmt.sh - unit test of dbs-extract's value conversions
# (extract/fmt.c) for what the test server cannot send: unsupported
# types, Sybase types, NaN, invalid UTF-8, corrupt sizes. Builds
# tests/fixtures/extract/fmt_test.c (which includes fmt.c) with the C
# compiler and runs it; its TAP lines are this test's.
. "$(dirname "$0")/lib.sh"

cc=${CC:-cc}
if ! command -v "$cc" >/dev/null; then
	skip_all "no C compiler"
fi
# shellcheck disable=SC2086 # CFLAGS may hold several words
if ! "$cc" -std=c11 -Wall -Wextra -Werror -D_POSIX_C_SOURCE=200809L \
	-D_DEFAULT_SOURCE ${DBS_TEST_CFLAGS:-} -I"$TOP/common" -I"$TOP/extract" \
	-o fmt_test "$TOP/tests/fixtures/extract/fmt_test.c" -lm 2>cc.err; then
	echo "Bail out! cannot build fmt_test"
	sed 's/^/# /' cc.err
	exit 1
fi
./fmt_test
