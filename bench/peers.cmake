# SPDX-License-Identifier: MIT
# The peer libraries of bench/SPEC.md 0.1 (libev, libevent, libuv), each
# built into its own W1/W2/W3 binaries (bench_sockpairs_libev, ...): libev
# and libevent export clashing symbols, so no program links two of them.
# A family is built when its headers and library are found (Debian:
# libev-dev, libevent-dev, libuv1-dev), never in a cross build, where a
# host library must not be picked up; ci/bench.sh installs the packages and
# fails under CI=true when a family is missing. find_path/find_library and
# not pkg-config: Debian's libev ships no .pc file.
if(WIN32 OR CMAKE_CROSSCOMPILING)
  return()
endif()

# family;header;library names
set(xsock_bench_peer_libev "ev.h;ev")
set(xsock_bench_peer_libevent "event2/event.h;event_core;event")
set(xsock_bench_peer_libuv "uv.h;uv")

# W5 (wakeup) runs two threads; libevent must then lock its bases, which
# its event_pthreads library does (evthread_use_pthreads).
find_package(Threads REQUIRED)
find_library(XSOCK_BENCH_libevent_pthreads_LIBRARY NAMES event_pthreads)
if(NOT XSOCK_BENCH_libevent_pthreads_LIBRARY)
  set(XSOCK_BENCH_libevent_pthreads_LIBRARY "")
endif()

foreach(peer libev libevent libuv)
  list(GET xsock_bench_peer_${peer} 0 header)
  list(SUBLIST xsock_bench_peer_${peer} 1 -1 names)
  find_path(XSOCK_BENCH_${peer}_INCLUDE_DIR NAMES ${header})
  find_library(XSOCK_BENCH_${peer}_LIBRARY NAMES ${names})
  if(peer STREQUAL "libevent" AND NOT XSOCK_BENCH_libevent_pthreads_LIBRARY)
    message(STATUS "bench: libevent's event_pthreads not found; libevent's "
                   "binaries are not built")
    continue()
  endif()
  if(NOT XSOCK_BENCH_${peer}_INCLUDE_DIR OR NOT XSOCK_BENCH_${peer}_LIBRARY)
    message(STATUS "bench: ${peer} not found; its binaries are not built")
    continue()
  endif()
  # bench.c again, with the hook that names the peer on the RESULT line.
  add_library(xsock_bench_${peer} STATIC bench.c peers.c loops_${peer}.c)
  target_compile_definitions(xsock_bench_${peer} PRIVATE BENCH_PEER_LIBS)
  target_include_directories(xsock_bench_${peer} SYSTEM PRIVATE
                             ${XSOCK_BENCH_${peer}_INCLUDE_DIR})
  target_link_libraries(xsock_bench_${peer} PUBLIC xsock::xsock
                        ${XSOCK_BENCH_${peer}_LIBRARY})
  if(peer STREQUAL "libevent")
    target_link_libraries(xsock_bench_${peer} PUBLIC
                          ${XSOCK_BENCH_libevent_pthreads_LIBRARY})
  endif()
  xsock_bench_options(xsock_bench_${peer})
  foreach(prog sockpairs pingpong idle wakeup)
    add_executable(bench_${prog}_${peer} ${prog}.c)
    target_link_libraries(bench_${prog}_${peer} PRIVATE xsock_bench_${peer})
    xsock_bench_options(bench_${prog}_${peer})
  endforeach()
  target_link_libraries(bench_wakeup_${peer} PRIVATE Threads::Threads)
endforeach()
