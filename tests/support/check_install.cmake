# `cmake --install` of the build in BUILD_DIR into a fresh prefix outside it (a binary inside the build tree counts as
# not installed), then the installed tool itself: it has its files, `--version` prints VERSION with the git revision,
# and its sample cache is the user cache folder ($XDG_CACHE_HOME/depthstyle), not the source tree it was built from.
# Run by the ctest test `install_into_a_prefix`.
set(temp $ENV{TMPDIR})
if(NOT temp)
  set(temp /tmp)
endif()
string(RANDOM LENGTH 12 salt)
set(PREFIX ${temp}/depthstyle-install-test-${salt})
execute_process(COMMAND ${CMAKE_COMMAND} --install ${BUILD_DIR} --prefix ${PREFIX}
                RESULT_VARIABLE failed OUTPUT_VARIABLE log ERROR_VARIABLE log)
if(failed)
  message(FATAL_ERROR "cmake --install ${BUILD_DIR} --prefix ${PREFIX} failed:\n${log}")
endif()
foreach(file bin/depthstyle share/depthstyle/configs/paper.yaml)
  if(NOT EXISTS ${PREFIX}/${file})
    message(FATAL_ERROR "the install into ${PREFIX} lacks ${file}")
  endif()
endforeach()

set(environment --unset=DEPTHSTYLE_CACHE XDG_CACHE_HOME=${PREFIX}/xdg DEPTHSTYLE_HASH_CACHE=${PREFIX}/xdg/hashes.tsv)
execute_process(COMMAND ${CMAKE_COMMAND} -E env ${environment} ${PREFIX}/bin/depthstyle --version
                RESULT_VARIABLE failed OUTPUT_VARIABLE version ERROR_VARIABLE errors)
if(failed OR NOT version MATCHES "^depthstyle ${VERSION} \\(git ([0-9a-f]+|unknown)(, dirty)?\\)\n$")
  message(FATAL_ERROR "installed 'depthstyle --version' printed '${version}${errors}', expected "
                      "'depthstyle ${VERSION} (git <revision>)'")
endif()

# A run that needs a sample which is not there names the file where this binary looks for it.
file(WRITE ${PREFIX}/overview.yaml
     "experiment: samples_overview\nsamples:\n  files: [aloeL.jpg]\n  fetch_missing: false\n")
execute_process(COMMAND ${CMAKE_COMMAND} -E env ${environment} ${PREFIX}/bin/depthstyle run overview.yaml --quiet
                WORKING_DIRECTORY ${PREFIX} RESULT_VARIABLE failed OUTPUT_VARIABLE output ERROR_VARIABLE output)
string(FIND "${output}" "${PREFIX}/xdg/depthstyle/samples/aloeL.jpg: sample file missing" at)
if(at EQUAL -1)
  message(FATAL_ERROR "the installed binary should look for samples in ${PREFIX}/xdg/depthstyle; it said:\n${output}")
endif()
message(STATUS "installed into ${PREFIX}: ${version}")
file(REMOVE_RECURSE ${PREFIX})
