#!/usr/bin/env bash
# scripts/slurm/diw_eval_array.sh on a real single-node Slurm started here (tests/slurm/private_slurm.sh): a
# synthetic DIW set with the ground truth and the baselines in 3 shards. The first submission loses shard 2 (killed
# with SIGKILL once its run folder exists, like a node that dies), so its merge is cancelled; the same command again
# skips shards 1 and 3, resumes shard 2 and merges; results.csv and results.json equal a single-machine run byte for
# byte. Also the script's refusals (no sbatch, no config, bad --shards, jobs of the evaluation still queued, already
# merged) and --dry-run's commands.
#
# Usage: diw_eval_array_test.sh DEPTHSTYLE_BINARY SOURCE_DIR. Keeps its folder when DEPTHSTYLE_KEEP_TEST_DIR is set.
set -euo pipefail
depthstyle=$(realpath "$1")
source_dir=$(realpath "$2")
submit_script=$source_dir/scripts/slurm/diw_eval_array.sh
# shellcheck source=tests/slurm/private_slurm.sh
source "$source_dir/tests/slurm/private_slurm.sh"

work=$(mktemp -d "${TMPDIR:-/tmp}/depthstyle-slurm-test.XXXXXX")
chmod 755 "$work"  # munged's socket lies below it (tests/slurm/private_slurm.sh)
finish() {
  local status=$?
  if [ "$status" -ne 0 ]; then
    echo "FAILED (exit $status); Slurm logs and job outputs follow" >&2
    private_slurm_print_logs >&2
    for log in "$work"/runs/diw_eval/*/slurm/*.out; do
      [ -e "$log" ] && { echo "----- $log"; cat "$log"; } >&2
    done
  fi
  private_slurm_stop
  if [ -n "${DEPTHSTYLE_KEEP_TEST_DIR:-}" ]; then echo "kept $work" >&2; else rm -rf "$work"; fi
  exit "$status"
}
trap finish EXIT
trap 'exit 143' TERM
trap 'exit 130' INT
fail() {
  echo "FAIL: $*" >&2
  exit 1
}
# expect_refusal TEXT COMMAND...: COMMAND fails with exit 2 and prints TEXT.
expect_refusal() {
  local text=$1 output status=0
  shift
  output=$("$@" 2>&1) || status=$?
  [ "$status" -eq 2 ] || fail "expected exit 2, got $status from: $*"$'\n'"$output"
  [[ $output == *"$text"* ]] || fail "expected '$text' from: $*"$'\n'"$output"
}
cd "$work"
start=$SECONDS

# --- the set, the config and the single-machine reference ---------------------------------------------------------
"$depthstyle" data make-diw-synthetic --output set --count 150 --size 192x144 > /dev/null
cat > diw.yaml << 'EOF'
experiment: diw_eval
diw:
  csv: set/synthetic.csv
depth_estimators:
  - {name: ground_truth, type: file, path: set/depth, meaning: depth}
  - {name: vertical, type: vertical}
  - {name: dark_channel, type: dark_channel}
  - {name: random, type: random, seed: 1}
EOF
"$depthstyle" run diw.yaml --set name=single_machine --quiet > /dev/null
single=runs/diw_eval/single_machine
grep -q '^ground_truth,file,ok (best),150,150,1,' "$single/results.csv" || fail "the ground truth does not score 150 of 150:
$(cat "$single/results.csv")"

# --- refusals and --dry-run, no cluster needed --------------------------------------------------------------------
# No sbatch: PATH is empty, so only bash builtins run before the check.
expect_refusal "sbatch not found on PATH" env PATH=/nonexistent "$BASH" "$submit_script" --shards 3 diw.yaml
expect_refusal "config 'missing.yaml' not found" "$submit_script" --shards 3 missing.yaml --dry-run
expect_refusal "--shards '0': expected a whole number >= 1" "$submit_script" --shards 0 diw.yaml
expect_refusal "--shards N is required" "$submit_script" diw.yaml
expect_refusal "unknown option '--shard'" "$submit_script" --shard 3 diw.yaml
expect_refusal "depthstyle refused the config" "$submit_script" --shards 3 diw.yaml --set diw.nonsense=1 \
  --depthstyle "$depthstyle" --dry-run
dry_run=$("$submit_script" --shards 3 --max-running 2 --time 10 --partition debug diw.yaml \
  --depthstyle "$depthstyle" --dry-run 2>&1)
for expected in "--array=1-3%2" "--chdir=$work" "--cpus-per-task=1" "--time=10" "--partition=debug" \
  "--output=$work/runs/diw_eval/diw/slurm/shard-%a-of-3.%A.out" "--dependency=afterok:\<array\ job\>" \
  "--kill-on-invalid-dep=yes" "$work/runs/diw_eval/diw.shard-3-of-3" "diw_eval_shard_job.sh $depthstyle $work/diw.yaml 3"; do
  [[ $dry_run == *"$expected"* ]] || fail "--dry-run does not show '$expected':"$'\n'"$dry_run"
done
[ ! -e runs/diw_eval/diw ] || fail "--dry-run created runs/diw_eval/diw"

# --- the cluster --------------------------------------------------------------------------------------------------
private_slurm_start "$work/slurm"
echo "slurm up after $((SECONDS - start)) s"

# Shard 2's first attempt dies with SIGKILL as soon as its run folder exists; every other call is the real binary.
cat > flaky_depthstyle << EOF
#!/usr/bin/env bash
if [[ " \$* " == *" --shard 2/3 "* && " \$* " != *" --print-run-folder"* ]] && mkdir killed_once 2> /dev/null; then
  "$depthstyle" "\$@" &
  until [ -e runs/diw_eval/diw.shard-2-of-3/manifest.json ] || ! kill -0 \$! 2> /dev/null; do sleep 0.01; done
  kill -KILL \$!
  exit 137
fi
exec "$depthstyle" "\$@"
EOF
chmod +x flaky_depthstyle
submit=("$submit_script" --shards 3 --cpus-per-task 1 --time 10 --depthstyle "$work/flaky_depthstyle" diw.yaml)

# job_id LABEL OUTPUT: the id on the script's line "LABEL: <id> ...".
job_id() { sed -n "s/^$1: \([0-9]*\).*/\1/p" <<< "$2"; }
# Every job of $1 (an array: all its tasks) has left PENDING/RUNNING/COMPLETING.
jobs_ended() { ! scontrol show job -o "$1" | grep -qE 'JobState=(PENDING|RUNNING|CONFIGURING|COMPLETING|SUSPENDED)'; }
# The states of job $1's tasks (one word for a single job), in scontrol's order.
job_states() { scontrol show job -o "$1" | sed -E 's/.*JobState=([A-Z_]+).*/\1/' | paste -sd' ' -; }
task_state() { scontrol show job -o "$1" | grep "ArrayTaskId=$2 " | sed -E 's/.*JobState=([A-Z_]+).*/\1/'; }
wait_for() {
  private_slurm_wait_until 60 jobs_ended "$1" || fail "job $1 still not finished after 60 s: $(scontrol show job -o "$1")"
}

held=$(sbatch --parsable --hold --job-name=diw-diw --output=/dev/null --wrap true)
expect_refusal "jobs of this evaluation are still queued or running: $held" "${submit[@]}"
scancel "$held"

first=$("${submit[@]}")
echo "$first"
array=$(job_id "shard array job" "$first")
merge=$(job_id "merge job" "$first")
if [ -z "$array" ] || [ -z "$merge" ]; then fail "no job ids in the script's output"; fi
wait_for "$array"
wait_for "$merge"
echo "first submission ended after $((SECONDS - start)) s: $(job_states "$array"), merge $(job_states "$merge")"
[ "$(task_state "$array" 1)" = COMPLETED ] || fail "shard 1: $(task_state "$array" 1)"
[ "$(task_state "$array" 2)" = FAILED ] || fail "shard 2 (killed): $(task_state "$array" 2)"
[ "$(task_state "$array" 3)" = COMPLETED ] || fail "shard 3: $(task_state "$array" 3)"
scontrol show job -o "$merge" | grep -q 'JobState=CANCELLED Reason=DependencyNeverSatisfied' ||
  fail "the merge was not cancelled: $(scontrol show job -o "$merge")"
[ ! -e runs/diw_eval/diw/predictions.sqlite ] || fail "a merged store exists after a failed shard"
# Its 50 images take ~0.5 s after the run folder appears, the kill comes within ~10 ms.
if grep -q '^  "status": "succeeded"' runs/diw_eval/diw.shard-2-of-3/manifest.json; then
  fail "shard 2 finished before the kill reached it"
fi

second=$("${submit[@]}")
echo "$second"
[[ $second == *"finished shards (skipped): 1,3 of 3"* ]] || fail "shards 1 and 3 were not skipped"
[[ $second == *"(shards 2 of 3)"* ]] || fail "shard 2 was not submitted again"
array=$(job_id "shard array job" "$second")
merge=$(job_id "merge job" "$second")
wait_for "$array"
wait_for "$merge"
echo "second submission ended after $((SECONDS - start)) s: $(job_states "$array"), merge $(job_states "$merge")"
[ "$(job_states "$merge")" = COMPLETED ] || fail "merge: $(job_states "$merge")"
grep -q "resuming runs/diw_eval/diw.shard-2-of-3" "runs/diw_eval/diw/slurm/shard-2-of-3.$array.out" ||
  fail "shard 2 did not resume"
grep -q "merged 3 shards: 150 entries, 600 predictions" runs/diw_eval/diw/slurm/merge."$merge".out ||
  fail "unexpected merge output"
for file in report.md report.html table1.svg; do [ -s "runs/diw_eval/diw/$file" ] || fail "the merge wrote no $file"; done
# --cpus-per-task 1 became the shard's threads (depthstyle's default would be every core).
grep -q '^  "threads": 1,' runs/diw_eval/diw.shard-1-of-3/manifest.json || fail "shard 1 did not run with 1 thread"
for file in results.csv results.json; do
  cmp "$single/$file" "runs/diw_eval/diw/$file" || fail "$file of the merged shards differs from the single run"
done

expect_refusal "already merged: $work/runs/diw_eval/diw/predictions.sqlite exists" "${submit[@]}"
echo "PASS in $((SECONDS - start)) s"
