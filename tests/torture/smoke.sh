#!/usr/bin/env bash
# smoke.sh - the smoke of the torture harness for prove or tests/run:
# every scenario at small scale with the fixed seed (run.sh --smoke).
exec bash "$(dirname "$0")/run.sh" --smoke "$@"
