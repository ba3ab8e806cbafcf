# Fails when one of BINARIES (a ;-list of executables) would load LibTorch: the test binaries listed without TORCH in
# tests/CMakeLists.txt handle no tensor, and linking only the modules they test keeps LibTorch out (with
# -Wl,--as-needed, a static module's LibTorch dependency is dropped unless an object that uses it is linked in).
set(loaders)
foreach(binary IN LISTS BINARIES)
  execute_process(COMMAND ldd ${binary} OUTPUT_VARIABLE libraries RESULT_VARIABLE failed)
  if(failed)
    message(FATAL_ERROR "ldd ${binary} failed")
  endif()
  if(libraries MATCHES "libtorch|libc10")
    list(APPEND loaders ${binary})
  endif()
endforeach()
list(LENGTH BINARIES count)
if(loaders)
  list(JOIN loaders "\n  " text)
  message(FATAL_ERROR "these test binaries handle no tensor but load LibTorch:\n  ${text}")
endif()
message(STATUS "${count} test binaries without tensors, none loads LibTorch")
