#!/usr/bin/env bash
# The merge job of scripts/slurm/diw_eval_array.sh: combines the shard run folders into one store and writes the
# Table 1 report there. Slurm starts it only after every shard task succeeded.
# Arguments: DEPTHSTYLE OUTPUT SHARD_FOLDER...
set -euo pipefail
depthstyle=$1 output=$2
shift 2
echo "merging $# shards on $(hostname) into $output"
exec "$depthstyle" diw merge "$@" --output "$output"
