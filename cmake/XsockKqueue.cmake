# SPDX-License-Identifier: MIT
# Points the build at a kqueue implementation that the system does not
# provide, such as libkqueue on Linux (src/common/config.h never turns
# kqueue on there by itself):
#   XSOCK_KQUEUE_INCLUDE_DIR  the directory that holds sys/event.h
#   XSOCK_KQUEUE_LIBRARY      the library that defines kqueue() and kevent()
# Both set: the include directory and the library are added to the build,
# and XSOCK_HAVE_KQUEUE=1 joins XSOCK_BACKEND_OVERRIDES (so the backend
# probe registers the kqueue suites). On Linux the implementation is
# libkqueue, and XSOCK_KQUEUE_IS_LIBKQUEUE tells the tests so: they relax
# the few assertions where libkqueue is measured to differ from a real
# kqueue, on the kqueue backend only.
set(XSOCK_KQUEUE_INCLUDE_DIR "" CACHE PATH
    "Directory holding the sys/event.h of a kqueue implementation (e.g. libkqueue's include/kqueue)")
set(XSOCK_KQUEUE_LIBRARY "" CACHE FILEPATH
    "Library of that kqueue implementation (e.g. libkqueue.so)")
set(XSOCK_KQUEUE_IS_LIBKQUEUE OFF)

if(XSOCK_KQUEUE_INCLUDE_DIR OR XSOCK_KQUEUE_LIBRARY)
  if(NOT EXISTS "${XSOCK_KQUEUE_INCLUDE_DIR}/sys/event.h")
    message(FATAL_ERROR "XSOCK_KQUEUE_INCLUDE_DIR: no sys/event.h in '${XSOCK_KQUEUE_INCLUDE_DIR}'")
  endif()
  if(NOT EXISTS "${XSOCK_KQUEUE_LIBRARY}")
    message(FATAL_ERROR "XSOCK_KQUEUE_LIBRARY: '${XSOCK_KQUEUE_LIBRARY}' does not exist")
  endif()
  # SYSTEM: the implementation's header is not held to xsock's warnings.
  include_directories(SYSTEM "${XSOCK_KQUEUE_INCLUDE_DIR}")
  list(APPEND XSOCK_PLATFORM_LIBS "${XSOCK_KQUEUE_LIBRARY}")
  # An explicit KQUEUE=0 in XSOCK_BACKEND_OVERRIDES still wins.
  if(NOT XSOCK_BACKEND_OVERRIDES MATCHES "KQUEUE=")
    list(APPEND XSOCK_BACKEND_OVERRIDES KQUEUE=1)
  endif()
  if(CMAKE_SYSTEM_NAME STREQUAL "Linux")
    set(XSOCK_KQUEUE_IS_LIBKQUEUE ON)
  endif()
  message(STATUS "xsock: kqueue from ${XSOCK_KQUEUE_LIBRARY}")
endif()

# The kqueue backend wakes a wait with EVFILT_USER where kevent() is a
# system call, and with the generic wakeup channel on Linux, where
# libkqueue's kevent() takes locks (src/common/config.h). 1 forces
# EVFILT_USER on, so that ci/kqueue.sh can test that path against
# libkqueue; such a build must not wake a selector from a signal handler,
# and its tests leave that case out (tests/selector_wakeup.c).
set(XSOCK_KQUEUE_USER_WAKEUP "" CACHE STRING
    "1/0 forces the kqueue backend's EVFILT_USER wakeup on/off (default: src/common/config.h decides)")
if(NOT XSOCK_KQUEUE_USER_WAKEUP STREQUAL "")
  if(NOT XSOCK_KQUEUE_USER_WAKEUP MATCHES "^[01]$")
    message(FATAL_ERROR "XSOCK_KQUEUE_USER_WAKEUP: '${XSOCK_KQUEUE_USER_WAKEUP}' is not 0 or 1")
  endif()
  list(APPEND XSOCK_PLATFORM_DEFINES XSOCK_KQUEUE_USER_WAKEUP=${XSOCK_KQUEUE_USER_WAKEUP})
endif()
