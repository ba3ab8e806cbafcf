# A benchmark's command line (bench/bench_options.h), checked by ctest: --help lists the options and exits 0, and an
# unknown option or a stray argument exits 2 with a message naming it, before the benchmark does any work (one that
# ignored them would run for minutes and hit the timeout).
#
#   cmake -DBENCHMARK=build/bench/NAME -P bench/check_command_line.cmake
function(expect arguments expected_code expected_output)
  execute_process(COMMAND ${BENCHMARK} ${arguments} RESULT_VARIABLE code OUTPUT_VARIABLE output
                  ERROR_VARIABLE output TIMEOUT 60)
  if(NOT code STREQUAL expected_code OR NOT output MATCHES "${expected_output}")
    message(FATAL_ERROR "${BENCHMARK} ${arguments}: exit ${code}, expected ${expected_code}; its output:\n${output}\n"
                        "expected to match: ${expected_output}")
  endif()
endfunction()

expect("--help" 0 "options:.*--help \\] +show this help and exit")
expect("--no-such-option" 2 "error: unrecognised option '--no-such-option' \\(--help lists the options\\)")
expect("stray" 2 "error: too many positional options")
