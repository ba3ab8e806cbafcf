#!/usr/bin/env bash
# What scripts/demo installs on a fresh machine, checked without touching this one: scripts/setup (as scripts/demo
# calls it) runs with stand-ins for dpkg-query (nothing is installed), apt-get and sudo (they record their arguments),
# and the test requires that it installs the packages the tool needs and none that only the tests or the fuzzing need.
set -euo pipefail
source_dir=$1
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/bin"
cat > "$work/bin/dpkg-query" <<'STUB'
#!/bin/sh
exit 1
STUB
cat > "$work/bin/apt-get" <<'STUB'
#!/bin/sh
echo "$@" >> "$APT_LOG"
STUB
cat > "$work/bin/sudo" <<'STUB'
#!/bin/sh
exec "$@"
STUB
chmod +x "$work/bin/"*
export APT_LOG=$work/apt.log
# The call scripts/demo makes (its first line of work).
demo_setup=$(grep -m1 '^scripts/setup' "$source_dir/scripts/demo")
[ "$demo_setup" = "scripts/setup" ] || { echo "scripts/demo runs '$demo_setup', expected plain scripts/setup"; exit 1; }
(cd "$source_dir" && PATH="$work/bin:$PATH" scripts/setup > "$work/setup.log")
installed=$(grep '^install ' "$APT_LOG" || true)
[ -n "$installed" ] || { echo "scripts/setup installed nothing on a machine that has nothing"; cat "$APT_LOG"; exit 1; }
status=0
for needed in libtorch-dev libdnnl-dev libopencv-videoio-dev libyaml-cpp-dev libssl-dev cmake g++; do
  if ! grep -qw -- "$needed" <<< "$installed"; then echo "missing from the demo's install: $needed"; status=1; fi
done
for test_only in libgtest-dev python3-torch slurmctld slurmd slurm-client munge chromium chromium-driver r-base-core \
                 r-cran-lme4 clang libclang-rt-14-dev; do
  if grep -qw -- "$test_only" <<< "$installed"; then echo "the demo installs a test-only package: $test_only"; status=1; fi
done
grep -q -- '--no-install-recommends' <<< "$installed" || { echo "the demo installs recommended packages too"; status=1; }
grep -q '^scripts/build --main$' "$source_dir/scripts/demo" || { echo "scripts/demo does not build the tool alone"; status=1; }
packages=${installed#*--no-install-recommends }
[ $status -eq 0 ] && echo "scripts/demo installs $(wc -w <<< "$packages") packages, none of them test-only: $packages"
exit $status
