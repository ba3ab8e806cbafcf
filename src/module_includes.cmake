# The layering rule of src/: a module may include headers only of the modules it declares in src/CMakeLists.txt
# (USES), and a third-party library's headers only when it declares that library (LINKS). Two ways in:
#   include() + depthstyle_check_module_includes(...)   at configure time, for each module as it is declared
#   cmake -DMODULE_GRAPH=<build>/module_graph.cmake -P src/module_includes.cmake
#                                                       the same check over every module, as the ctest test
#                                                       `module_layering` runs it (it sees includes added since the
#                                                       last configure).
# MODULE_GRAPH is written by src/CMakeLists.txt: for each module, its folder, the modules it uses and the libraries it
# links.

if(CMAKE_SCRIPT_MODE_FILE)
  cmake_minimum_required(VERSION 3.18)  # policies of the project's CMake, e.g. if(... IN_LIST ...)
endif()

# Third-party include prefixes and the link target a module must declare to include them.
set(DEPTHSTYLE_EXTERNAL_HEADERS
  "torch/=depthstyle_torch" "ATen/=depthstyle_torch" "c10/=depthstyle_torch"
  "opencv2/=depthstyle_opencv" "opencv2/videoio=depthstyle_opencv_videoio" "oneapi/=depthstyle_dnnl" "yaml-cpp/=yaml-cpp" "sqlite3.h=SQLite::SQLite3"
  "boost/=Boost::headers" "nlohmann/=nlohmann_json::nlohmann_json" "zlib.h=ZLIB::ZLIB"
  "openssl/=OpenSSL::Crypto")

# Appends one line per violation to the variable named by out_errors.
function(depthstyle_check_module_includes folder module uses links out_errors)
  get_filename_component(src_root "${folder}" DIRECTORY)
  file(GLOB module_folders LIST_DIRECTORIES true RELATIVE "${src_root}" "${src_root}/*")
  file(GLOB sources "${folder}/*.h" "${folder}/*.cc")
  set(errors ${${out_errors}})
  foreach(source IN LISTS sources)
    file(STRINGS "${source}" include_lines REGEX "^[ \t]*#[ \t]*include[ \t]*[<\"]")
    get_filename_component(source_name "${source}" NAME)
    foreach(line IN LISTS include_lines)
      string(REGEX REPLACE "^[ \t]*#[ \t]*include[ \t]*[<\"]([^>\"]+)[>\"].*$" "\\1" header "${line}")
      string(REGEX REPLACE "/.*$" "" first "${header}")
      if(header MATCHES "/" AND IS_DIRECTORY "${src_root}/${first}" AND NOT first STREQUAL module)
        if(NOT first IN_LIST uses)
          list(APPEND errors "src/${module}/${source_name} includes ${header}, but module ${module} does not use "
                             "${first} (src/CMakeLists.txt: depthstyle_module(${module} USES ...))")
        endif()
      endif()
      foreach(pair IN LISTS DEPTHSTYLE_EXTERNAL_HEADERS)
        string(REPLACE "=" ";" pair "${pair}")
        list(GET pair 0 prefix)
        list(GET pair 1 target)
        string(FIND "${header}" "${prefix}" at)
        if(at EQUAL 0 AND NOT target IN_LIST links)
          list(APPEND errors "src/${module}/${source_name} includes <${header}>, but module ${module} does not "
                             "link ${target}")
        endif()
      endforeach()
    endforeach()
  endforeach()
  set(${out_errors} "${errors}" PARENT_SCOPE)
endfunction()

if(CMAKE_SCRIPT_MODE_FILE AND MODULE_GRAPH)
  include("${MODULE_GRAPH}")  # sets DEPTHSTYLE_MODULES and, per module, _FOLDER, _USES and _LINKS
  set(errors)
  foreach(module IN LISTS DEPTHSTYLE_MODULES)
    depthstyle_check_module_includes("${DEPTHSTYLE_MODULE_${module}_FOLDER}" ${module}
      "${DEPTHSTYLE_MODULE_${module}_USES}" "${DEPTHSTYLE_MODULE_${module}_LINKS}" errors)
  endforeach()
  list(LENGTH DEPTHSTYLE_MODULES module_count)
  if(errors)
    list(JOIN errors "\n  " text)
    message(FATAL_ERROR "module layering violated:\n  ${text}")
  endif()
  message(STATUS "module layering: ${module_count} modules, every include declared")
endif()
