#!/usr/bin/env bash
# Runs a diw_eval config on a Slurm cluster: a job array with one task per shard (`depthstyle run CONFIG --shard
# k/N`, array index k = shard number, 1-based) and a merge job that starts only when every shard succeeded
# (`depthstyle diw merge`: the Table 1 report, identical to one run over the whole file).
#
# Run it again after a failure: shards whose run folder says "succeeded" are skipped, the others are submitted again
# and continue where they stopped (`--resume` where their run folder exists), then the merge runs.
#
# Layout (the same folders a single machine would use, next to each other):
#   <output_dir>/diw_eval/<name>.shard-k-of-N/   shard k's run folder (prediction store, manifest, log)
#   <output_dir>/diw_eval/<name>/                 the merged store and report (--output to put it elsewhere)
#   <merged folder>/slurm/                        job logs: shard-<k>-of-<N>.<array job>.out, merge.<job>.out
# Every job runs in the directory this script was started from, so relative paths in the config mean the same there.
set -euo pipefail

program=diw_eval_array.sh
script_dir=$(cd "${BASH_SOURCE[0]%/*}" && pwd)

usage() {
  cat <<EOF
Usage: scripts/slurm/$program --shards N [options] CONFIG

Submits a Slurm job array that evaluates the diw_eval config CONFIG in N shards, and a dependent merge job that
writes the Table 1 report. Prints the job ids and where the report will appear. Run it again (same arguments) after
a failed or cancelled shard: finished shards are skipped, the others resume.

Evaluation:
  --shards N             number of shards = array tasks (required)
  --set KEY=VALUE        override a config key in every shard (repeatable), as for 'depthstyle run'
  --depthstyle PATH      the depthstyle binary, on a file system every node sees
                         (default: build/depthstyle of this source tree, else 'depthstyle' on PATH)
  --output DIR           folder for the merged store and report (default: where one run of CONFIG would write)

Passed to sbatch for each shard task (the merge job takes 1 CPU):
  --cpus-per-task C      CPUs per shard; also its --threads (default 1)
  --mem SIZE             memory per shard, e.g. 8G
  --time LIMIT           time limit per shard, e.g. 4:00:00 (a task that hits it is resumed by the next submission)
  --max-running M        at most M shards at once
Passed to sbatch for both jobs:
  --partition P, --account A, --qos Q
  --sbatch-option OPT    any other sbatch option, e.g. --sbatch-option=--constraint=avx2 (repeatable)
Merge job:
  --merge-time LIMIT     its time limit (default: the partition's)

  --dry-run              print the sbatch commands instead of running them
  -h, --help             this help
EOF
}

die() {
  echo "$program: error: $*" >&2
  exit 2
}

# --- arguments ---------------------------------------------------------------------------------------------------
config='' shards='' depthstyle='' output='' dry_run=false
cpus_per_task=1 mem='' time_limit='' max_running='' merge_time=''
overrides=() both_jobs=()
while [ $# -gt 0 ]; do
  option=$1
  value_given=false
  if [[ $option == --*=* ]]; then
    value=${option#*=}
    option=${option%%=*}
    value_given=true
  fi
  case $option in
    -h | --help) usage; exit 0 ;;
    --dry-run) dry_run=true; shift; continue ;;
    --shards | --set | --depthstyle | --output | --cpus-per-task | --mem | --time | --max-running | --partition | \
      --account | --qos | --sbatch-option | --merge-time)
      if ! $value_given; then
        [ $# -ge 2 ] || die "$option needs a value (see --help)"
        value=$2
        shift
      fi
      shift ;;
    -*) die "unknown option '$option' (see --help)" ;;
    *)
      [ -z "$config" ] || die "one CONFIG only ('$config' and '$option' given)"
      config=$option
      shift
      continue ;;
  esac
  case $option in
    --shards) shards=$value ;;
    --set) overrides+=(--set "$value") ;;
    --depthstyle) depthstyle=$value ;;
    --output) output=$value ;;
    --cpus-per-task) cpus_per_task=$value ;;
    --mem) mem=$value ;;
    --time) time_limit=$value ;;
    --max-running) max_running=$value ;;
    --partition | --account | --qos) both_jobs+=("$option=$value") ;;
    --sbatch-option) both_jobs+=("$value") ;;
    --merge-time) merge_time=$value ;;
  esac
done

is_count() { [[ $1 =~ ^[1-9][0-9]*$ ]]; }
[ -n "$config" ] || die "give the diw_eval config to run (see --help)"
[ -n "$shards" ] || die "--shards N is required: the number of array tasks"
is_count "$shards" || die "--shards '$shards': expected a whole number >= 1"
is_count "$cpus_per_task" || die "--cpus-per-task '$cpus_per_task': expected a whole number >= 1"
[ -z "$max_running" ] || is_count "$max_running" || die "--max-running '$max_running': expected a whole number >= 1"
if ! $dry_run && ! command -v sbatch > /dev/null; then
  die "sbatch not found on PATH: run this on a Slurm submit host (or --dry-run to see the commands)"
fi
[ -f "$config" ] || die "config '$config' not found"

if [ -z "$depthstyle" ]; then
  depthstyle=$(cd "$script_dir/../.." && pwd)/build/depthstyle
  [ -x "$depthstyle" ] || depthstyle=$(command -v depthstyle) ||
    die "no depthstyle binary: build it (scripts/build) or give --depthstyle PATH"
fi
if [ ! -f "$depthstyle" ] || [ ! -x "$depthstyle" ]; then die "--depthstyle '$depthstyle' is not an executable file"; fi

absolute() { if [[ $1 == /* ]]; then echo "$1"; else echo "$PWD/$1"; fi; }
depthstyle=$(absolute "$depthstyle")
config=$(absolute "$config")

# --- where the shards and the merge go ---------------------------------------------------------------------------
# Asking depthstyle also checks the config (and that it can be split) before anything is submitted.
shard_suffix() { echo ".shard-$1-of-$shards"; }
if ! first_shard=$("$depthstyle" run "$config" "${overrides[@]}" --shard "1/$shards" --print-run-folder); then
  die "depthstyle refused the config (see above); nothing was submitted"
fi
run_base=${first_shard%"$(shard_suffix 1)"}
[ "$run_base" != "$first_shard" ] ||
  die "unexpected shard folder '$first_shard' (a depthstyle whose shard folders are not <name>$(shard_suffix 1))"
run_base=$(absolute "$run_base")
shard_folder() { echo "$run_base$(shard_suffix "$1")"; }
output=$(absolute "${output:-$run_base}")
logs=$output/slurm
if [ -e "$output/predictions.sqlite" ]; then
  die "already merged: $output/predictions.sqlite exists (remove it, or give --output, to merge again)"
fi

# A shard is finished when its manifest's top-level status (indented by 2 in RunRecord's JSON) says so.
shard_finished() { grep -q '^  "status": "succeeded"' "$(shard_folder "$1")/manifest.json" 2> /dev/null; }
pending=() finished=()
for ((k = 1; k <= shards; k++)); do
  if shard_finished "$k"; then finished+=("$k"); else pending+=("$k"); fi
done

# "1 2 3 5 7 8" -> "1-3,5,7-8", Slurm's --array syntax.
index_ranges() {
  local ranges='' first=$1 last=$1 index
  shift
  for index in "$@" ''; do
    if [ -n "$index" ] && [ "$index" -eq $((last + 1)) ]; then
      last=$index
      continue
    fi
    ranges+=${ranges:+,}$first
    [ "$last" -eq "$first" ] || ranges+=-$last
    first=$index last=$index
  done
  echo "$ranges"
}

# --- submission --------------------------------------------------------------------------------------------------
# submit PLACEHOLDER SBATCH_ARGUMENTS...: prints the job id (with --dry-run: the command, and PLACEHOLDER as the id).
submit() {
  local placeholder=$1
  shift
  if $dry_run; then
    printf '%q ' sbatch "$@" >&2
    echo >&2
    echo "$placeholder"
  else
    local reply
    reply=$(sbatch --parsable "$@") || die "sbatch failed (see above)"
    echo "${reply%%;*}"  # --parsable prints "jobid" or "jobid;cluster"
  fi
}
name=${run_base##*/}
if ! $dry_run; then
  # A second submission while the first still runs would find its shards locked and fail them.
  queued=$(squeue -h --user="$(id -un)" --name="diw-$name,diw-$name-merge" -o %i | paste -sd, -) ||
    die "squeue failed (see above)"
  [ -z "$queued" ] || die "jobs of this evaluation are still queued or running: $queued (wait for them or scancel them)"
  mkdir -p "$logs"
fi

array_job=''
if [ ${#pending[@]} -gt 0 ]; then
  array_spec=$(index_ranges "${pending[@]}")${max_running:+%$max_running}
  shard_options=(--array="$array_spec" --job-name="diw-$name" --chdir="$PWD" --cpus-per-task="$cpus_per_task"
    --output="$logs/shard-%a-of-$shards.%A.out")
  [ -z "$mem" ] || shard_options+=(--mem="$mem")
  [ -z "$time_limit" ] || shard_options+=(--time="$time_limit")
  array_job=$(submit '<array job>' "${shard_options[@]}" "${both_jobs[@]}" \
    "$script_dir/diw_eval_shard_job.sh" "$depthstyle" "$config" "$shards" "${overrides[@]}")
fi

merge_options=(--job-name="diw-$name-merge" --chdir="$PWD" --cpus-per-task=1 --output="$logs/merge.%j.out")
# Without --kill-on-invalid-dep a failed shard would leave the merge pending forever (DependencyNeverSatisfied).
[ -z "$array_job" ] || merge_options+=(--dependency="afterok:$array_job" --kill-on-invalid-dep=yes)
[ -z "$merge_time" ] || merge_options+=(--time="$merge_time")
shard_folders=()
for ((k = 1; k <= shards; k++)); do shard_folders+=("$(shard_folder "$k")"); done
merge_job=$(submit '<merge job>' "${merge_options[@]}" "${both_jobs[@]}" \
  "$script_dir/diw_eval_merge_job.sh" "$depthstyle" "$output" "${shard_folders[@]}")

# --- what was done -----------------------------------------------------------------------------------------------
if [ ${#finished[@]} -gt 0 ]; then
  echo "finished shards (skipped): $(index_ranges "${finished[@]}") of $shards"
fi
if [ -n "$array_job" ]; then
  echo "shard array job: $array_job (shards $(index_ranges "${pending[@]}") of $shards)"
  echo "merge job: $merge_job (starts when every shard succeeded; cancelled if one fails)"
else
  echo "merge job: $merge_job (every shard had finished)"
fi
echo "shard folders: $(shard_folder 1) .. $(shard_folder "$shards")"
echo "job logs: $logs/"
echo "report (when merge job $merge_job has finished): $output/report.md (and report.html, results.csv)"
echo "watch: squeue -j ${array_job:+$array_job,}$merge_job"
echo "if a shard fails or is cancelled: run this command again; finished shards are skipped, the others resume"
