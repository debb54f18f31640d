# Turns the committed contract artifacts (contracts/Mlchain*.json, written by contracts/compile.mjs, and
# EAS's contracts/eas/*.json, taken from its npm package) into one C++ source of the library, at configure
# time and with CMake alone: building mlchain needs neither node nor solc nor the network. Reconfigures
# when an artifact changes.

# Sets `out` to the hex string of `field` (a "0x…" value of the artifact) as C array elements "0x60,0x80,…".
function(mlchain_artifact_bytes out json field artifact)
  string(JSON hex GET "${json}" ${field})
  string(TOLOWER "${hex}" hex)
  string(LENGTH "${hex}" length)
  math(EXPR odd "${length} % 2")
  if(NOT hex MATCHES "^0x([0-9a-f][0-9a-f])+$" OR odd)
    message(FATAL_ERROR "${artifact}: \"${field}\" is not 0x-prefixed hex bytes")
  endif()
  string(SUBSTRING "${hex}" 2 -1 hex)
  string(REGEX REPLACE "([0-9a-f][0-9a-f])" "0x\\1," bytes "${hex}")
  set(${out} "${bytes}" PARENT_SCOPE)
endfunction()

# mlchain_embed_contract_artifacts(TARGET TEMPLATE NAME ARTIFACT [NAME ARTIFACT…]) adds to TARGET one
# generated source defining `NAME_artifact()` (declared in mlchain/eth/contract_artifacts.hpp) for each
# artifact. The compiler and EVM versions are "" for an artifact that does not record them (EAS's).
function(mlchain_embed_contract_artifacts target template)
  set(pairs ${ARGN})
  set(MLCHAIN_CONTRACT_BYTES "")
  set(MLCHAIN_CONTRACT_ACCESSORS "")
  set(MLCHAIN_CONTRACT_SOURCES "")
  while(pairs)
    list(POP_FRONT pairs name artifact)
    set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS "${artifact}")
    file(READ "${artifact}" json)
    mlchain_artifact_bytes(creation "${json}" bytecode "${artifact}")
    mlchain_artifact_bytes(runtime "${json}" deployedBytecode "${artifact}")
    string(JSON compiler ERROR_VARIABLE no_compiler GET "${json}" compiler version)
    if(no_compiler)
      set(compiler "")
    endif()
    string(JSON evm ERROR_VARIABLE no_evm GET "${json}" settings evmVersion)
    if(no_evm)
      set(evm "")
    endif()
    file(RELATIVE_PATH relative "${PROJECT_SOURCE_DIR}" "${artifact}")
    string(APPEND MLCHAIN_CONTRACT_SOURCES " ${relative}")
    string(APPEND MLCHAIN_CONTRACT_BYTES
      "constexpr std::uint8_t ${name}_creation_code[] = {${creation}};\n"
      "constexpr std::uint8_t ${name}_runtime_code[] = {${runtime}};\n")
    string(APPEND MLCHAIN_CONTRACT_ACCESSORS
      "const ContractArtifact& ${name}_artifact() {\n"
      "  static const ContractArtifact artifact{${name}_creation_code, ${name}_runtime_code, \"${compiler}\", \"${evm}\"};\n"
      "  return artifact;\n"
      "}\n\n")
  endwhile()
  set(generated "${CMAKE_CURRENT_BINARY_DIR}/generated/contract_artifacts.cpp")
  configure_file("${template}" "${generated}" @ONLY)
  target_sources(${target} PRIVATE "${generated}")
endfunction()
