#!/usr/bin/env bash
# What scripts/setup installs, by flag: without --tests (as scripts/demo calls it) only what the tool needs; with
# --tests also what the tests need; with --fuzz also clang and its runtimes. And scripts/demo calls it without flags
# and builds the tool alone. Run by the ctest test `setup_installs_test_packages_only_with_tests`.
# Argument: the source folder.
set -euo pipefail
source_dir=$1
setup=$source_dir/scripts/setup
test_only=(libgtest-dev python3-torch slurmctld slurmd slurm-client munge chromium chromium-driver r-base-core
           r-cran-lme4)
fuzz_only=(clang libclang-rt-14-dev)
main=$(bash "$setup" --list)
all=$(bash "$setup" --tests --list)
fuzz=$(bash "$setup" --fuzz --list)
status=0
for package in "${test_only[@]}" "${fuzz_only[@]}"; do
  if grep -qx "$package" <<< "$main"; then
    echo "scripts/setup installs $package, which only the tests or the fuzzing need, without --tests/--fuzz"
    status=1
  fi
done
for package in "${test_only[@]}"; do
  if ! grep -qx "$package" <<< "$all"; then echo "scripts/setup --tests does not install $package"; status=1; fi
done
for package in "${fuzz_only[@]}"; do
  if ! grep -qx "$package" <<< "$fuzz"; then echo "scripts/setup --fuzz does not install $package"; status=1; fi
done
for package in libtorch-dev libdnnl-dev libopencv-videoio-dev libyaml-cpp-dev libssl-dev cmake g++; do
  if ! grep -qx "$package" <<< "$main"; then echo "scripts/setup does not install $package"; status=1; fi
done
# scripts/demo: the plain setup and the tool alone (no tests, no benchmarks).
grep -qx 'scripts/setup' "$source_dir/scripts/demo" || { echo "scripts/demo does not run plain scripts/setup"; status=1; }
if grep -q '^scripts/setup .*--' "$source_dir/scripts/demo"; then echo "scripts/demo runs scripts/setup with flags"; status=1; fi
grep -qx 'scripts/build --main' "$source_dir/scripts/demo" || { echo "scripts/demo does not build the tool alone"; status=1; }
[ $status -eq 0 ] && echo "scripts/demo installs $(wc -l <<< "$main") packages, none of them test-only"
exit $status
