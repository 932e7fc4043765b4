# SPDX-License-Identifier: MIT
# The test `bare_build`: compiles the library's sources and smoke.c with one
# bare compiler command (no CMake-made definitions, no configure step),
# as a user who copies src/ into a plain Makefile project would, then runs
# the result and checks that it has the same backends as the CMake build.
# Inputs: SRC (the xsock tree), BIN (a scratch folder), CC, PLATFORM
# (posix | win32), LIBS (a list, e.g. ws2_32;iphlpapi), CMAKE_SMOKE (the
# CMake-built smoke program), EMULATOR (a list, empty when native),
# BACKENDS (the names CMake expects).
file(REMOVE_RECURSE "${BIN}")
file(MAKE_DIRECTORY "${BIN}")
file(GLOB sources "${SRC}/src/common/*.c" "${SRC}/src/${PLATFORM}/*.c")
set(libs "")
foreach(lib IN LISTS LIBS)
  list(APPEND libs "-l${lib}")
endforeach()
set(exe "${BIN}/smoke_bare")
if(PLATFORM STREQUAL "win32")
  set(exe "${exe}.exe")
endif()
execute_process(
  COMMAND "${CC}" -std=c99 -O2 -Wall -Wextra -Werror
          "-I${SRC}/include" "-I${SRC}/src/common" "-I${SRC}/src/${PLATFORM}"
          ${sources} "${SRC}/tests/bare/smoke.c" -o "${exe}" ${libs}
  RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "the bare compiler command failed")
endif()
execute_process(COMMAND ${EMULATOR} "${exe}" ${BACKENDS}
                RESULT_VARIABLE rc OUTPUT_VARIABLE bare_out)
message(STATUS "bare build: ${bare_out}")
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "the bare build's smoke program failed")
endif()
execute_process(COMMAND ${EMULATOR} "${CMAKE_SMOKE}" ${BACKENDS}
                RESULT_VARIABLE rc OUTPUT_VARIABLE cmake_out)
message(STATUS "CMake build: ${cmake_out}")
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "the CMake build's smoke program failed")
endif()
if(NOT bare_out STREQUAL cmake_out)
  message(FATAL_ERROR "the bare build and the CMake build differ")
endif()
