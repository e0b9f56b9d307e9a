# hub_add_module(NAME SOURCES...): a plugin or adapter shared library, loaded at
# run time by the host. Built as modules/<NAME>.so, linked against the SDK only.
function(hub_add_module name)
  add_library(${name} MODULE ${ARGN})
  target_link_libraries(${name} PRIVATE hub_sdk)
  set_target_properties(${name} PROPERTIES
    PREFIX ""
    OUTPUT_NAME ${name}
    LIBRARY_OUTPUT_DIRECTORY ${HUB_MODULE_DIR})
  # Every symbol must resolve at link time, except under sanitizers, whose
  # runtime the executable brings.
  if(NOT HUB_SANITIZE)
    target_link_options(${name} PRIVATE -Wl,--no-undefined)
  endif()
endfunction()
