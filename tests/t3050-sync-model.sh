#!/bin/bash
# t3050-sync-model.sh - the smoke of the model-based random test of
# dbs-sync (tests/torture/syncmodel.py): a fixed seed, 25 steps of
# random source changes and runs (full, incremental, strategy segments
# and keys, --full, dry runs, refusals, replays, kills), each compared
# with the model. make torture runs it with random seeds and more steps.
. "$(dirname "$0")/lib.sh"

python3 "$TOP/tests/torture/syncmodel.py" --build "$DBS_BUILD" --seed 1 \
	--steps 25 --dir "$SCRATCH" --tap
