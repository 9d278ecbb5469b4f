# Installs the npm packages that <folder>/package-lock.json pins into <folder>/node_modules, unless every
# dependency named in <folder>/package.json is there at the pinned version already. CTest runs it as the setup
# fixture of the tests that start the server in that folder:
#   cmake -DNPM_DIR=<tests/servers/json-server-1> -P install-npm.cmake
# tests/conformance (json-server 0.17.4, for tst_conformance and tests/servers/json-server-0.17) is installed the same way.
cmake_minimum_required(VERSION 3.25)

if(NOT NPM_DIR)
  message(FATAL_ERROR "pass -DNPM_DIR=<a folder with package.json and package-lock.json>")
endif()
get_filename_component(folder "${NPM_DIR}" NAME)
file(READ "${NPM_DIR}/package.json" manifest)
string(JSON count LENGTH "${manifest}" dependencies)

set(installed_all TRUE)
math(EXPR last "${count} - 1")
foreach(i RANGE ${last})
  string(JSON name MEMBER "${manifest}" dependencies ${i})
  string(JSON wanted GET "${manifest}" dependencies ${name})
  set(installed_manifest "${NPM_DIR}/node_modules/${name}/package.json")
  if(NOT EXISTS "${installed_manifest}")
    message(STATUS "${folder}: ${name} is not installed, ${wanted} is wanted")
    set(installed_all FALSE)
    continue()
  endif()
  file(READ "${installed_manifest}" installed)
  string(JSON version GET "${installed}" version)
  if(NOT version STREQUAL wanted)
    message(STATUS "${folder}: ${name} ${version} is installed, ${wanted} is wanted")
    set(installed_all FALSE)
  endif()
endforeach()
if(installed_all)
  message(STATUS "${folder}: the ${count} pinned package(s) are installed")
  return()
endif()

find_program(NPM_EXECUTABLE npm)
if(NOT NPM_EXECUTABLE)
  message(FATAL_ERROR "npm not found: scripts/setup.sh installs Debian's nodejs and npm")
endif()
message(STATUS "npm ci --prefix ${NPM_DIR}")
# ci, not install: exactly what the lockfile says, and the lockfile is never rewritten.
execute_process(COMMAND "${NPM_EXECUTABLE}" ci --prefix "${NPM_DIR}" --no-audit --no-fund --loglevel=error
                RESULT_VARIABLE status)
if(NOT status EQUAL 0)
  message(FATAL_ERROR "npm ci failed (${status}) in ${NPM_DIR}")
endif()
