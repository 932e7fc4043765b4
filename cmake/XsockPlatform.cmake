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
# also build without CMake. This file only mirrors that decision, to know
# which per-backend tests to register; the test `backends` fails if the two
# ever disagree. XSOCK_BACKEND_OVERRIDES (a list such as "KQUEUE=1;POLL=0")
# overrides the header's decision for the library and the test list alike.

set(XSOCK_PLATFORM_DEFINES "")
set(XSOCK_PLATFORM_LIBS "")
set(XSOCK_BACKEND_OVERRIDES "" CACHE STRING
    "Backends forced on or off, e.g. KQUEUE=1;POLL=0 (default: detected by src/common/config.h)")

if(WIN32)
  set(XSOCK_PLATFORM_DIR win32)
  # iphlpapi: if_nametoindex for IPv6 zone names.
  list(APPEND XSOCK_PLATFORM_LIBS ws2_32 iphlpapi)
  set(XSOCK_BARE_LIBS ws2_32 iphlpapi)
  set(_xsock_detected AFD=0 WSAPOLL=1 SELECT=1)
else()
  set(XSOCK_PLATFORM_DIR posix)
  # xsock_init's reference count takes a pthread mutex (older glibc and the
  # BSDs keep pthreads out of libc).
  set(THREADS_PREFER_PTHREAD_FLAG ON)
  find_package(Threads REQUIRED)
  list(APPEND XSOCK_PLATFORM_LIBS Threads::Threads)
  set(XSOCK_BARE_LIBS pthread)
  if(CMAKE_SYSTEM_NAME MATCHES "^(Linux|Android)$")
    set(_xsock_detected EPOLL=1 KQUEUE=0 POLL=1 SELECT=1)
  else()
    set(_xsock_detected EPOLL=0 KQUEUE=0 POLL=1 SELECT=1)
  endif()
endif()

# The default order, as in src/posix/backends.c and src/win32/backends.c.
set(XSOCK_BACKENDS "")
foreach(entry IN LISTS _xsock_detected)
  string(REPLACE "=" ";" pair "${entry}")
  list(GET pair 0 name)
  list(GET pair 1 enabled)
  foreach(override IN LISTS XSOCK_BACKEND_OVERRIDES)
    if(override MATCHES "^${name}=([01])$")
      set(enabled ${CMAKE_MATCH_1})
      list(APPEND XSOCK_PLATFORM_DEFINES XSOCK_HAVE_${name}=${enabled})
    endif()
  endforeach()
  if(enabled)
    string(TOLOWER "${name}" lower)
    list(APPEND XSOCK_BACKENDS ${lower})
  endif()
endforeach()
message(STATUS "xsock: platform ${XSOCK_PLATFORM_DIR}, backends ${XSOCK_BACKENDS}")
