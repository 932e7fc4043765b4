# SPDX-License-Identifier: MIT
# Which platform directory to build, which selector backends it has, and
# what the library links. Sets:
#   XSOCK_PLATFORM_DIR      posix | win32
#   XSOCK_PLATFORM_DEFINES  private compile definitions (overrides only)
#   XSOCK_PLATFORM_LIBS     libraries the xsock target links publicly
#   XSOCK_BARE_LIBS         the same as plain library names (-l), for the
#                           bare compiler command of the test bare_build
#   XSOCK_BACKENDS          backend names, in XSOCK_BACKEND_DEFAULT's order
#
# The sources decide for themselves which backends they compile
# (src/common/config.h reads the compiler's platform macros), so that they
# also build without CMake. This file does not repeat that decision: it
# asks the header, with one test compile per backend, which per-backend
# tests to register. XSOCK_BACKEND_OVERRIDES (a list such as
# "KQUEUE=1;POLL=0") overrides the header for the library and the tests.

set(XSOCK_PLATFORM_DEFINES "")
set(XSOCK_PLATFORM_LIBS "")
set(XSOCK_BACKEND_OVERRIDES "" CACHE STRING
    "Backends forced on or off, e.g. KQUEUE=1;POLL=0 (default: detected by src/common/config.h)")

if(WIN32)
  set(XSOCK_PLATFORM_DIR win32)
  # iphlpapi: if_nametoindex for IPv6 zone names.
  list(APPEND XSOCK_PLATFORM_LIBS ws2_32 iphlpapi)
  set(XSOCK_BARE_LIBS ws2_32 iphlpapi)
  # XSOCK_BACKEND_DEFAULT's order, as in src/win32/backends.c.
  set(_xsock_order AFD WSAPOLL SELECT)
else()
  set(XSOCK_PLATFORM_DIR posix)
  # xsock_init's reference count takes a pthread mutex (older glibc and the
  # BSDs keep pthreads out of libc).
  set(THREADS_PREFER_PTHREAD_FLAG ON)
  find_package(Threads REQUIRED)
  list(APPEND XSOCK_PLATFORM_LIBS Threads::Threads)
  set(XSOCK_BARE_LIBS pthread)
  # XSOCK_BACKEND_DEFAULT's order, as in src/posix/backends.c.
  set(_xsock_order EPOLL KQUEUE POLL SELECT)
  include(XsockKqueue) # XSOCK_KQUEUE_INCLUDE_DIR/_LIBRARY: a kqueue on Linux
endif()

foreach(override IN LISTS XSOCK_BACKEND_OVERRIDES)
  if(NOT override MATCHES "^(EPOLL|KQUEUE|POLL|SELECT|WSAPOLL|AFD)=[01]$")
    message(FATAL_ERROR "XSOCK_BACKEND_OVERRIDES: '${override}' is not NAME=0 or NAME=1")
  endif()
  list(APPEND XSOCK_PLATFORM_DEFINES XSOCK_HAVE_${override})
endforeach()

# One compile per backend: does src/common/config.h (with the overrides)
# turn it on? Cached per override set, so a reconfigure costs nothing.
set(XSOCK_BACKENDS "")
set(_xsock_probe_dir "${CMAKE_BINARY_DIR}/xsock_backend_probe")
set(CMAKE_TRY_COMPILE_TARGET_TYPE STATIC_LIBRARY)
foreach(name IN LISTS _xsock_order)
  set(src "${_xsock_probe_dir}/${name}.c")
  file(WRITE "${src}" "#include \"config.h\"\n#if !XSOCK_HAVE_${name}\n#error off\n#endif\nint xsock_probe_${name}(void);\nint xsock_probe_${name}(void) { return 0; }\n")
  set(defs "")
  foreach(def IN LISTS XSOCK_PLATFORM_DEFINES)
    list(APPEND defs "-D${def}")
  endforeach()
  string(MD5 key "${XSOCK_BACKEND_OVERRIDES}")
  if(NOT DEFINED XSOCK_PROBE_${name}_${key})
    try_compile(result "${_xsock_probe_dir}/${name}" SOURCES "${src}"
                COMPILE_DEFINITIONS ${defs}
                CMAKE_FLAGS "-DINCLUDE_DIRECTORIES=${PROJECT_SOURCE_DIR}/src/common")
    set(XSOCK_PROBE_${name}_${key} ${result} CACHE INTERNAL "backend ${name} compiled in")
  endif()
  if(XSOCK_PROBE_${name}_${key})
    string(TOLOWER "${name}" lower)
    list(APPEND XSOCK_BACKENDS ${lower})
  endif()
endforeach()
unset(CMAKE_TRY_COMPILE_TARGET_TYPE)
message(STATUS "xsock: platform ${XSOCK_PLATFORM_DIR}, backends ${XSOCK_BACKENDS}")
