#!/usr/bin/env bash
# One array task of scripts/slurm/diw_eval_array.sh: shard SLURM_ARRAY_TASK_ID of N (the array indices are the
# 1-based shard numbers). Continues the shard's run (--resume) when an earlier attempt left its run folder.
# Arguments: DEPTHSTYLE CONFIG N [--set KEY=VALUE ...]
set -euo pipefail
depthstyle=$1 config=$2 shards=$3
shift 3
shard=${SLURM_ARRAY_TASK_ID:?this script runs as a task of the job array scripts/slurm/diw_eval_array.sh submits}/$shards
# The task's CPUs are its LibTorch threads; without --cpus-per-task Slurm gives one CPU.
threads=${SLURM_CPUS_PER_TASK:-1}

folder=$("$depthstyle" run "$config" "$@" --shard "$shard" --print-run-folder)
resume=()
if [ -e "$folder/manifest.json" ]; then resume=(--resume); fi
echo "shard $shard on $(hostname) with $threads threads: ${resume:+resuming }$folder"
# exec: Slurm's SIGTERM (scancel, time limit) reaches depthstyle, which records the run as interrupted.
exec "$depthstyle" run "$config" "$@" --shard "$shard" --threads "$threads" "${resume[@]}"
