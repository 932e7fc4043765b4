# SPDX-License-Identifier: MIT
# Provides the target xsock::cmocka.
#  - XSOCK_CMOCKA_SOURCE_DIR set: CMocka is compiled from that source tree
#    (an unpacked CMocka release or Debian's source package) into a static
#    library. This is how the MinGW build gets it: CMocka is not packaged
#    for MinGW, and a static link keeps the test .exe free of DLLs.
#  - XSOCK_CMOCKA_GIT_URL set (and no source dir): that repository is
#    cloned at XSOCK_CMOCKA_GIT_TAG into the build tree and used as the
#    source dir. For CI machines that reach a git host; no URL is built in.
#  - otherwise: the installed CMocka (Debian: libcmocka-dev).
set(XSOCK_CMOCKA_SOURCE_DIR "" CACHE PATH "CMocka source tree to build the tests with")
set(XSOCK_CMOCKA_GIT_URL "" CACHE STRING "git repository of CMocka to clone when no source dir is given")
set(XSOCK_CMOCKA_GIT_TAG "cmocka-1.1.5" CACHE STRING "tag or commit of XSOCK_CMOCKA_GIT_URL")

if(TARGET xsock::cmocka)
  return()
endif()

if(NOT XSOCK_CMOCKA_SOURCE_DIR AND XSOCK_CMOCKA_GIT_URL)
  include(FetchContent)
  FetchContent_Declare(xsock_cmocka_git GIT_REPOSITORY "${XSOCK_CMOCKA_GIT_URL}"
                       GIT_TAG "${XSOCK_CMOCKA_GIT_TAG}" GIT_SHALLOW TRUE)
  FetchContent_GetProperties(xsock_cmocka_git)
  if(NOT xsock_cmocka_git_POPULATED)
    # Populated only, never add_subdirectory()'d: only src/cmocka.c is used.
    FetchContent_Populate(xsock_cmocka_git)
  endif()
  set(XSOCK_CMOCKA_SOURCE_DIR "${xsock_cmocka_git_SOURCE_DIR}")
endif()

if(XSOCK_CMOCKA_SOURCE_DIR)
  if(NOT EXISTS "${XSOCK_CMOCKA_SOURCE_DIR}/src/cmocka.c")
    message(FATAL_ERROR "XSOCK_CMOCKA_SOURCE_DIR=${XSOCK_CMOCKA_SOURCE_DIR} has no src/cmocka.c")
  endif()
  add_library(xsock_cmocka STATIC "${XSOCK_CMOCKA_SOURCE_DIR}/src/cmocka.c")
  target_include_directories(xsock_cmocka SYSTEM PUBLIC "${XSOCK_CMOCKA_SOURCE_DIR}/include")
  # CMocka's own config.h is produced by its CMake run; these are the few
  # facts cmocka.c asks about, true for glibc, MinGW-w64 and MSVC.
  target_compile_definitions(xsock_cmocka PRIVATE
    HAVE_SIGNAL_H HAVE_INTTYPES_H HAVE_MALLOC_H HAVE_SETJMP_H
    HAVE_STDARG_H HAVE_STDDEF_H HAVE_STDINT_H HAVE_TIME_H)
  # MSVC has no <strings.h> (glibc and MinGW-w64 have it).
  if(NOT MSVC)
    target_compile_definitions(xsock_cmocka PRIVATE HAVE_STRINGS_H)
  endif()
  if(WIN32)
    target_compile_definitions(xsock_cmocka PRIVATE HAVE__SNPRINTF_S HAVE__VSNPRINTF_S)
  else()
    target_compile_definitions(xsock_cmocka PRIVATE HAVE_SIGLONGJMP HAVE_CLOCK_GETTIME
                               HAVE_STRUCT_TIMESPEC)
  endif()
  add_library(xsock::cmocka ALIAS xsock_cmocka)
else()
  find_path(XSOCK_CMOCKA_INCLUDE_DIR cmocka.h)
  find_library(XSOCK_CMOCKA_LIBRARY cmocka)
  if(NOT XSOCK_CMOCKA_INCLUDE_DIR OR NOT XSOCK_CMOCKA_LIBRARY)
    message(FATAL_ERROR "CMocka not found: install it (Debian: apt-get install libcmocka-dev), "
                        "set XSOCK_CMOCKA_SOURCE_DIR to its source, or -DXSOCK_BUILD_TESTS=OFF")
  endif()
  add_library(xsock::cmocka UNKNOWN IMPORTED)
  set_target_properties(xsock::cmocka PROPERTIES
    IMPORTED_LOCATION "${XSOCK_CMOCKA_LIBRARY}"
    INTERFACE_INCLUDE_DIRECTORIES "${XSOCK_CMOCKA_INCLUDE_DIR}")
endif()
