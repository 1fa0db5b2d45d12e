# The layers of the library (docs/architecture.md, "Layers"): each folder of
# src/ is compiled as an object library of its own, broker_<layer>, and all
# of them are linked into the one shared library.
#
# The build enforces the dependency graph. A layer does not see src/ on its
# include path but an include root of its own, <build>/layers/<layer>/, that
# holds symbolic links to its own folder and to the folders of the layers
# below it (what its DEPENDS reach, transitively). In src/net, for example,
# `#include "core/core.hh"` then finds no file and the build fails.
# tests/layers proves that it does, for every pair of layers.

# The layers in the order they were declared (lower ones first).
set_property(GLOBAL PROPERTY BROKER_LAYERS "")

# broker_layer(<name> [DEPENDS <layer>...] [LIBRARIES <target>...]
#              [USAGE <target>...])
#
# Declares layer <name> (folder src/<name>) on top of the given layers, which
# must have been declared before: the declaration order rules out cycles.
# LIBRARIES are the external libraries the layer's code uses (for their
# include paths and flags; the shared library links them). USAGE are the
# external libraries the layer's headers include: every layer that reaches
# this one compiles with them too (the log layer's macros use fmt).
function(broker_layer name)
  cmake_parse_arguments(arg "" "" "DEPENDS;LIBRARIES;USAGE" ${ARGN})
  set(src_root "${PROJECT_SOURCE_DIR}/src")
  # What the layer may include: itself plus everything below its DEPENDS.
  set(reach ${name})
  set(usage ${arg_USAGE})
  foreach(dep IN LISTS arg_DEPENDS)
    get_property(known GLOBAL PROPERTY BROKER_LAYER_${dep}_REACH SET)
    if(NOT known)
      message(FATAL_ERROR "layer ${name}: declare layer ${dep} before it")
    endif()
    get_property(dep_reach GLOBAL PROPERTY BROKER_LAYER_${dep}_REACH)
    get_property(dep_usage GLOBAL PROPERTY BROKER_LAYER_${dep}_USAGE)
    list(APPEND reach ${dep_reach})
    list(APPEND usage ${dep_usage})
  endforeach()
  list(REMOVE_DUPLICATES reach)
  list(REMOVE_DUPLICATES usage)
  list(SORT reach)

  # The include root: one link per reachable folder. Links left over from
  # an earlier graph are removed (file(REMOVE) drops a link, not its target).
  set(root "${CMAKE_BINARY_DIR}/layers/${name}")
  file(MAKE_DIRECTORY "${root}")
  file(GLOB old LIST_DIRECTORIES true RELATIVE "${root}" "${root}/*")
  foreach(entry IN LISTS old)
    if(NOT entry IN_LIST reach)
      file(REMOVE "${root}/${entry}")
    endif()
  endforeach()
  foreach(layer IN LISTS reach)
    file(CREATE_LINK "${src_root}/${layer}" "${root}/${layer}" SYMBOLIC)
  endforeach()

  file(GLOB sources CONFIGURE_DEPENDS "${src_root}/${name}/*.cc")
  add_library(broker_${name} OBJECT ${sources})
  target_include_directories(broker_${name} PRIVATE
    "${root}" "${PROJECT_SOURCE_DIR}/include")
  target_compile_options(broker_${name} PRIVATE -Wall -Wextra)
  if(arg_LIBRARIES OR usage)
    target_link_libraries(broker_${name} PRIVATE ${arg_LIBRARIES} ${usage})
  endif()

  set_property(GLOBAL APPEND PROPERTY BROKER_LAYERS ${name})
  set_property(GLOBAL PROPERTY BROKER_LAYER_${name}_DEPENDS ${arg_DEPENDS})
  set_property(GLOBAL PROPERTY BROKER_LAYER_${name}_REACH ${reach})
  set_property(GLOBAL PROPERTY BROKER_LAYER_${name}_USAGE ${usage})
endfunction()
