# SPDX-License-Identifier: MIT
# Which platform directory to build, which selector backends it has, and
# what the library links. Sets:
#   XSOCK_PLATFORM_DIR      posix | win32
#   XSOCK_PLATFORM_DEFINES  private compile definitions (XSOCK_HAVE_*)
#   XSOCK_PLATFORM_LIBS     libraries the xsock target links publicly
#   XSOCK_BACKENDS          backend names, in XSOCK_BACKEND_DEFAULT's order
include(CheckSymbolExists)

set(XSOCK_PLATFORM_DEFINES "")
set(XSOCK_PLATFORM_LIBS "")
set(XSOCK_BACKENDS "")

if(WIN32)
  set(XSOCK_PLATFORM_DIR win32)
  # Windows 7 is the oldest target: WSAPoll, AFD poll and
  # WSA_FLAG_NO_HANDLE_INHERIT (7 SP1) all need at least that.
  list(APPEND XSOCK_PLATFORM_DEFINES _WIN32_WINNT=0x0601 WIN32_LEAN_AND_MEAN
       XSOCK_HAVE_WSAPOLL XSOCK_HAVE_SELECT)
  # iphlpapi: if_nametoindex for IPv6 zone names.
  list(APPEND XSOCK_PLATFORM_LIBS ws2_32 iphlpapi)
  list(APPEND XSOCK_BACKENDS wsapoll select)
else()
  set(XSOCK_PLATFORM_DIR posix)
  list(APPEND XSOCK_PLATFORM_DEFINES _POSIX_C_SOURCE=200809L)
  if(CMAKE_SYSTEM_NAME STREQUAL "Linux")
    # accept4, SOCK_CLOEXEC, eventfd and pipe2 are GNU extensions in glibc.
    list(APPEND XSOCK_PLATFORM_DEFINES _GNU_SOURCE)
  elseif(APPLE)
    list(APPEND XSOCK_PLATFORM_DEFINES _DARWIN_C_SOURCE)
  else()
    list(APPEND XSOCK_PLATFORM_DEFINES __BSD_VISIBLE=1)
  endif()
  check_symbol_exists(epoll_create1 "sys/epoll.h" XSOCK_FOUND_EPOLL)
  check_symbol_exists(kqueue "sys/types.h;sys/event.h;sys/time.h" XSOCK_FOUND_KQUEUE)
  if(XSOCK_FOUND_EPOLL)
    list(APPEND XSOCK_PLATFORM_DEFINES XSOCK_HAVE_EPOLL)
    list(APPEND XSOCK_BACKENDS epoll)
  endif()
  # kqueue is detected but not yet listed: its backend (src/posix/sel_kqueue.c)
  # is a separate piece of work. Until it lands, macOS and the BSDs run poll
  # and select, and no test is registered for a backend that is not built.
  if(XSOCK_FOUND_KQUEUE AND EXISTS "${PROJECT_SOURCE_DIR}/src/posix/sel_kqueue.c")
    list(APPEND XSOCK_PLATFORM_DEFINES XSOCK_HAVE_KQUEUE)
    list(APPEND XSOCK_BACKENDS kqueue)
  endif()
  list(APPEND XSOCK_PLATFORM_DEFINES XSOCK_HAVE_POLL XSOCK_HAVE_SELECT)
  list(APPEND XSOCK_BACKENDS poll select)
endif()
message(STATUS "xsock: platform ${XSOCK_PLATFORM_DIR}, backends ${XSOCK_BACKENDS}")
