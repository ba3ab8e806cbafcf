#!/usr/bin/env bash
# scripts/setup without --tests (what scripts/demo runs) must not install what only the tests need; with --tests it
# must. Run by the ctest test `setup_installs_test_packages_only_with_tests`. Argument: the scripts/setup to check.
set -euo pipefail
setup=$1
test_only=(libgtest-dev python3-torch slurmctld slurmd slurm-client munge chromium chromium-driver r-base r-base-core)
main=$(bash "$setup" --list)
all=$(bash "$setup" --tests --list)
status=0
for package in "${test_only[@]}"; do
  if grep -qx "$package" <<< "$main"; then
    echo "scripts/setup installs test-only $package without --tests"
    status=1
  fi
done
for package in libgtest-dev python3-torch chromium slurmctld; do
  if ! grep -qx "$package" <<< "$all"; then echo "scripts/setup --tests does not install $package"; status=1; fi
done
for package in libtorch-dev libssl-dev cmake; do
  if ! grep -qx "$package" <<< "$main"; then echo "scripts/setup does not install $package"; status=1; fi
done
exit $status
