# The core's layers as libraries, built from core/src/LAYERS.
#
# hub_add_layers(<LAYERS file> <source folder>)
#   For each line "folder: role -> folders" of the LAYERS file, lowest first,
#   adds the STATIC library hub_<folder> from <source folder>/<folder>/**/*.cc,
#   linked PUBLIC to hub_sdk, to hub_<f> for each folder f after the arrow and to
#   the packages in the variable HUB_LAYER_PACKAGES_<folder>. Each reuses the
#   precompiled header of hub_pch_logging when spdlog is among its packages or
#   those of the layers below it, else that of hub_pch_json (see hub_add_pch):
#   a reused header needs the same compile definitions.
#   Sets HUB_LAYER_TARGETS in the caller's scope, lowest first.
#   Stops the configuration when a line is malformed, when a folder depends on
#   one not listed on an earlier line (the layers form no cycle), or when a
#   folder of <source folder> has no line: the libraries cannot disagree with
#   the file. tools/check_layers.py checks the #includes against the same file.
function(hub_add_layers layers_file source_dir)
  set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS ${layers_file})
  file(STRINGS ${layers_file} lines)
  set(targets "")
  set(declared "")
  foreach(line IN LISTS lines)
    if(line MATCHES "^[ \t]*(#.*)?$")
      continue()
    endif()
    if(NOT line MATCHES "^([a-z0-9_]+):(.*)->(.*)$")
      message(FATAL_ERROR "${layers_file}: '${line}' is not 'folder: role -> folders it may include from'")
    endif()
    set(folder ${CMAKE_MATCH_1})
    separate_arguments(deps UNIX_COMMAND "${CMAKE_MATCH_3}")
    set(logs FALSE)
    if(spdlog::spdlog IN_LIST HUB_LAYER_PACKAGES_${folder})
      set(logs TRUE)
    endif()
    foreach(dep IN LISTS deps)
      if(NOT dep IN_LIST declared)
        message(FATAL_ERROR "${layers_file}: ${folder} may include from ${dep}, which is not on an earlier line: "
                            "list the layers lowest first, without cycles (tools/check_layers.py names a cycle)")
      endif()
      if(layer_logs_${dep})
        set(logs TRUE)
      endif()
    endforeach()
    set(layer_logs_${folder} ${logs})

    file(GLOB_RECURSE sources CONFIGURE_DEPENDS ${source_dir}/${folder}/*.cc)
    if(NOT sources)
      message(FATAL_ERROR "${layers_file}: ${folder} has no .cc file in ${source_dir}/${folder}")
    endif()
    add_library(hub_${folder} STATIC ${sources})
    target_include_directories(hub_${folder} PUBLIC ${source_dir})
    list(TRANSFORM deps PREPEND hub_ OUTPUT_VARIABLE dep_targets)
    target_link_libraries(hub_${folder} PUBLIC hub_sdk ${dep_targets} ${HUB_LAYER_PACKAGES_${folder}})
    if(logs)
      target_precompile_headers(hub_${folder} REUSE_FROM hub_pch_logging)
    else()
      target_precompile_headers(hub_${folder} REUSE_FROM hub_pch_json)
    endif()
    list(APPEND declared ${folder})
    list(APPEND targets hub_${folder})
  endforeach()

  file(GLOB entries LIST_DIRECTORIES true RELATIVE ${source_dir} ${source_dir}/*)
  foreach(entry IN LISTS entries)
    if(IS_DIRECTORY ${source_dir}/${entry} AND NOT entry IN_LIST declared)
      message(FATAL_ERROR "${layers_file}: the folder ${source_dir}/${entry} has no line: add one, with its role and "
                          "the folders it may include from")
    endif()
  endforeach()
  set(HUB_LAYER_TARGETS ${targets} PARENT_SCOPE)
endfunction()

# hub_add_pch()
#   Adds the two precompiled headers the layers reuse, so that each is parsed
#   once per build rather than once per layer: hub_pch_json (nlohmann/json, in
#   nearly every file) and hub_pch_logging (the same and spdlog). Each links
#   what the layers that reuse it link (every layer links fmt through util),
#   and no more: the compile definitions of spdlog and fmt must be the same on
#   both sides of REUSE_FROM (GCC and clang refuse a header built without them).
function(hub_add_pch)
  set(anchor ${CMAKE_CURRENT_BINARY_DIR}/pch_anchor.cc)
  file(CONFIGURE OUTPUT ${anchor} CONTENT "// Compiled only to build a precompiled header.\n")
  add_library(hub_pch_json OBJECT ${anchor})
  target_link_libraries(hub_pch_json PRIVATE hub_sdk fmt::fmt)
  target_precompile_headers(hub_pch_json PRIVATE <nlohmann/json.hpp>)
  add_library(hub_pch_logging OBJECT ${anchor})
  target_link_libraries(hub_pch_logging PRIVATE hub_sdk fmt::fmt spdlog::spdlog)
  target_precompile_headers(hub_pch_logging PRIVATE <nlohmann/json.hpp> <spdlog/spdlog.h>)
endfunction()
