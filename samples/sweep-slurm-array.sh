#!/usr/bin/env bash
# 16 shards of one sweep as a Slurm job array: task N probes shard N of the
# same seed's walk (disjoint shards, the whole space once between them).
#   sbatch samples/sweep-slurm-array.sh
# then, when every task has finished, merge the JSON lines:
#   sbatch --dependency=afterany:<jobid> --wrap \
#     "cat shard-*.jsonl | jq -c 'select(.type == \"alive\")' > alive.jsonl"
# The target is the benchmarking range used in packsmith's own lab.
#SBATCH --job-name=packsmith-sweep
#SBATCH --array=0-15
#SBATCH --output=sweep-%a.log
set -u
packsmith sweep 198.18.0.0/15 --shards 16 --shard "$SLURM_ARRAY_TASK_ID" --seed 2026 --json \
  > "shard-$SLURM_ARRAY_TASK_ID.jsonl"
rc=$?
# 1: no host of this shard answered, which is a result, not a failure
[ "$rc" -le 1 ] || exit "$rc"
