# Turns the committed registry artifact (contracts/MlchainRegistry.json, written by contracts/compile.mjs)
# into a C++ source of the library, at configure time and with CMake alone: building mlchain needs neither
# node nor solc nor the network. Reconfigures when the artifact changes.

# Sets `out` to the hex string of `field` (a "0x…" value of the artifact) as C array elements "0x60,0x80,…".
function(mlchain_artifact_bytes out json field artifact)
  string(JSON hex GET "${json}" ${field})
  string(TOLOWER "${hex}" hex)
  string(LENGTH "${hex}" length)
  math(EXPR odd "${length} % 2")
  if(NOT hex MATCHES "^0x([0-9a-f][0-9a-f])+$" OR odd)
    message(FATAL_ERROR "${artifact}: \"${field}\" is not 0x-prefixed hex bytes; rebuild it with contracts/compile.mjs")
  endif()
  string(SUBSTRING "${hex}" 2 -1 hex)
  string(REGEX REPLACE "([0-9a-f][0-9a-f])" "0x\\1," bytes "${hex}")
  set(${out} "${bytes}" PARENT_SCOPE)
endfunction()

# Adds the generated source to `target`.
function(mlchain_embed_registry_artifact target artifact template)
  set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS "${artifact}")
  file(READ "${artifact}" json)
  mlchain_artifact_bytes(MLCHAIN_REGISTRY_CREATION_CODE "${json}" bytecode "${artifact}")
  mlchain_artifact_bytes(MLCHAIN_REGISTRY_RUNTIME_CODE "${json}" deployedBytecode "${artifact}")
  string(JSON MLCHAIN_REGISTRY_COMPILER_VERSION GET "${json}" compiler version)
  string(JSON MLCHAIN_REGISTRY_EVM_VERSION GET "${json}" settings evmVersion)
  file(RELATIVE_PATH MLCHAIN_REGISTRY_ARTIFACT "${PROJECT_SOURCE_DIR}" "${artifact}")
  set(generated "${CMAKE_CURRENT_BINARY_DIR}/generated/registry_artifact.cpp")
  configure_file("${template}" "${generated}" @ONLY)
  target_sources(${target} PRIVATE "${generated}")
endfunction()
