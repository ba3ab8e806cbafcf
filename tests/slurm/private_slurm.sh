# shellcheck shell=bash
# A private single-node Slurm cluster on localhost, for tests (source this file). It has its own munged (own key and
# socket), slurmctld and slurmd, with config, state, spool and logs in one folder and ports found free, so it neither
# needs nor disturbs a Slurm or munge of the machine, and two test runs on one machine do not meet.
#
#   private_slurm_start DIR   starts the daemons with their files in DIR (made, must be empty; munged insists that every
#                             folder above it be searchable by all), exports SLURM_CONF so
#                             sbatch/squeue/scontrol talk to this cluster, and waits until the node is idle
#   private_slurm_stop        cancels every job, stops the daemons it started (by their pid files) and waits for
#                             them; safe to call twice and after a start that failed halfway
#   private_slurm_print_logs  the daemons' logs, for a failed test
#
# Needs the Debian packages slurmctld, slurmd, slurm-client and munge, not root: every daemon runs as the calling
# user (SlurmUser = SlurmdUser), so the cluster runs that user's jobs only. The node is what `slurmd -C` finds (CPUs,
# memory), named by `hostname -s`.

private_slurm_dir=''
private_slurm_running=false

private_slurm_fail() {
  echo "private_slurm: $*" >&2
  return 1
}

# A port nothing listens on (bash's /dev/tcp connect fails), from a range Linux does not hand out as ephemeral.
private_slurm_free_port() {
  local port attempt
  for attempt in $(seq 50); do
    port=$((20000 + RANDOM % 12000))
    if ! (: < "/dev/tcp/127.0.0.1/$port") 2> /dev/null; then
      echo "$port"
      return 0
    fi
  done
  private_slurm_fail "no free port found in 20000..31999 after $attempt tries"
}

# Waits up to $1 seconds for command $2... to succeed.
private_slurm_wait_until() {
  local deadline=$((SECONDS + $1))
  shift
  until "$@"; do
    [ "$SECONDS" -lt "$deadline" ] || return 1
    sleep 0.2
  done
}

private_slurm_node_idle() { [ "$(sinfo -h -o %t 2> /dev/null)" = idle ]; }

private_slurm_start() {
  local dir=$1 tool
  for tool in munged slurmctld slurmd sbatch sinfo squeue scontrol scancel; do
    command -v "$tool" > /dev/null || private_slurm_fail "$tool not found: install slurmctld slurmd slurm-client munge (scripts/setup)" || return 1
  done
  mkdir -p "$dir"/{state,spool,log} || return 1
  # munged insists that every folder on the way to its socket be searchable by all.
  chmod 755 "$dir"
  private_slurm_dir=$(cd "$dir" && pwd)
  dir=$private_slurm_dir
  private_slurm_running=true

  head -c 1024 /dev/urandom > "$dir/munge.key" && chmod 400 "$dir/munge.key" || return 1
  # The daemons get no terminal and none of the caller's pipes (ctest would wait for them to close).
  munged --socket="$dir/munge.socket" --key-file="$dir/munge.key" --pid-file="$dir/munged.pid" \
    --seed-file="$dir/munged.seed" --log-file="$dir/log/munged.log" < /dev/null &> "$dir/log/munged.startup.log" ||
    private_slurm_fail "munged did not start (log: $dir/log/munged.log)" || return 1

  local host node ctld_port slurmd_port
  host=$(hostname -s)
  # `slurmd -C` prints this machine as a node line ("NodeName=<host> CPUs=2 ... RealMemory=...") and its uptime.
  node=$(slurmd -C | grep '^NodeName=') || private_slurm_fail "slurmd -C printed no node line" || return 1
  ctld_port=$(private_slurm_free_port) || return 1
  slurmd_port=$(private_slurm_free_port) || return 1
  [ "$slurmd_port" != "$ctld_port" ] || slurmd_port=$((ctld_port + 1))
  cat > "$dir/slurm.conf" << EOF
ClusterName=depthstyle-test
SlurmctldHost=$host(127.0.0.1)
SlurmUser=$(id -un)
SlurmdUser=$(id -un)
SlurmctldPort=$ctld_port
SlurmdPort=$slurmd_port
AuthType=auth/munge
AuthInfo=socket=$dir/munge.socket
StateSaveLocation=$dir/state
SlurmdSpoolDir=$dir/spool
SlurmctldPidFile=$dir/slurmctld.pid
SlurmdPidFile=$dir/slurmd.pid
SlurmctldLogFile=$dir/log/slurmctld.log
SlurmdLogFile=$dir/log/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SchedulerType=sched/backfill
# Test pending jobs (e.g. a merge waiting on its array) every second instead of every minute.
SchedulerParameters=sched_interval=1,bf_interval=1
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
ReturnToService=2
MpiDefault=none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
$node NodeAddr=127.0.0.1 State=UNKNOWN
PartitionName=debug Nodes=${host} Default=YES MaxTime=INFINITE State=UP
EOF
  export SLURM_CONF=$dir/slurm.conf
  slurmctld -f "$SLURM_CONF" < /dev/null &> "$dir/log/slurmctld.startup.log" ||
    private_slurm_fail "slurmctld did not start: $(cat "$dir/log/slurmctld.startup.log")" || return 1
  slurmd -f "$SLURM_CONF" < /dev/null &> "$dir/log/slurmd.startup.log" ||
    private_slurm_fail "slurmd did not start: $(cat "$dir/log/slurmd.startup.log")" || return 1
  private_slurm_wait_until 30 private_slurm_node_idle ||
    private_slurm_fail "the node is not idle after 30 s: $(sinfo -h -o '%t %E' 2>&1)" || return 1
}

private_slurm_no_jobs() { [ -z "$(squeue -h -o %i 2> /dev/null)" ]; }

private_slurm_exited() { ! kill -0 "$1" 2> /dev/null; }

# Sends SIGTERM to the daemon whose pid file is $1 and waits up to 15 s for it to exit.
private_slurm_stop_daemon() {
  local pid
  [ -s "$1" ] || return 0
  pid=$(< "$1")
  kill "$pid" 2> /dev/null || return 0
  private_slurm_wait_until 15 private_slurm_exited "$pid" || echo "private_slurm: pid $pid ($1) still runs" >&2
}

private_slurm_stop() {
  local dir=$private_slurm_dir
  $private_slurm_running || return 0
  if [ -s "$dir/slurmctld.pid" ]; then
    scancel --quiet --user="$(id -un)" 2> /dev/null
    private_slurm_wait_until 20 private_slurm_no_jobs || echo "private_slurm: jobs still listed after 20 s" >&2
  fi
  private_slurm_stop_daemon "$dir/slurmd.pid"
  private_slurm_stop_daemon "$dir/slurmctld.pid"
  private_slurm_stop_daemon "$dir/munged.pid"
  private_slurm_running=false
private_slurm_running=false
}

private_slurm_print_logs() {
  local log
  for log in "$private_slurm_dir"/log/*.log; do
    [ -e "$log" ] || continue
    echo "----- $log (last 60 lines)"
    tail -n 60 "$log"
  done
}
