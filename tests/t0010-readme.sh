#!/bin/bash
# t0010-readme.sh - the README's load by hand, run as written: the stream
# block, the checksum command and the dbs-load transcript.
. "$(dirname "$0")/lib.sh"

readme=$TOP/README.md
section() {
	sed -n '/^## A load by hand/,/^## Documentation/p' "$readme"
}
ln -s "$DBS_BUILD" build

section | sed -n '/^#dbs-stream,1$/,/^#end,/p' >orders.csv
is "$(wc -l <orders.csv)" 15 "the README's stream has 15 lines"

# Every "```sh" block of the section is a transcript.
section | awk '/^```sh$/ { on = 1; next } /^```$/ { on = 0 } on' >transcript
is "$(grep -c '^\$ ' transcript)" 6 "six commands in the README"
check_transcript README <transcript
is "$(sql local.db 'SELECT count(*) FROM _dbs_runs')" 2 "two runs logged"

done_testing
