# Installs the json-server that package-lock.json pins into tests/conformance/node_modules, unless that version
# is already there. CTest runs it as the setup fixture of tst_conformance_jsonserver:
#   cmake -DCONFORMANCE_DIR=<this folder> -P install-json-server.cmake
cmake_minimum_required(VERSION 3.25)

if(NOT CONFORMANCE_DIR)
  message(FATAL_ERROR "pass -DCONFORMANCE_DIR=<tests/conformance>")
endif()
file(READ "${CONFORMANCE_DIR}/package.json" manifest)
string(JSON wanted GET "${manifest}" dependencies json-server)

set(installed_manifest "${CONFORMANCE_DIR}/node_modules/json-server/package.json")
if(EXISTS "${installed_manifest}")
  file(READ "${installed_manifest}" installed)
  string(JSON version GET "${installed}" version)
  if(version STREQUAL wanted)
    message(STATUS "json-server ${version} is installed")
    return()
  endif()
  message(STATUS "json-server ${version} is installed, ${wanted} is wanted")
endif()

find_program(NPM_EXECUTABLE npm)
if(NOT NPM_EXECUTABLE)
  message(FATAL_ERROR "npm not found: scripts/setup.sh installs Debian's nodejs and npm")
endif()
message(STATUS "npm ci --prefix ${CONFORMANCE_DIR}")
# ci, not install: exactly what the lockfile says, and the lockfile is never rewritten.
execute_process(COMMAND "${NPM_EXECUTABLE}" ci --prefix "${CONFORMANCE_DIR}" --no-audit --no-fund --loglevel=error
                RESULT_VARIABLE status)
if(NOT status EQUAL 0)
  message(FATAL_ERROR "npm ci failed (${status}): json-server ${wanted} is not installed")
endif()
