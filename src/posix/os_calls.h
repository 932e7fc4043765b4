/* SPDX-License-Identifier: MIT */
/* The OS calls a test may make fail (fault injection). src/win32/os_calls.h
 * is its Windows mirror.
 *
 * Library code names each of these calls through XSOCK__OS(name) (defined
 * in internal.h). In the shipped library that is the call itself, so the
 * table costs nothing. In the test build (XSOCK_TEST_HOOKS, the
 * xsock_testhooks library) it goes through the table below, whose entries
 * start out as thin wrappers of the real calls (os_calls.c); a test points
 * an entry at a fake that fails on demand (tests/fault/xfault.c). A
 * table of pointers works for every toolchain, MinGW's included, where
 * the linker's --wrap cannot reach calls into a DLL.
 *
 * The entries have plain signatures of this file's own, not the system
 * headers' (glibc's transparent unions, restrict), so that a fake written
 * against this header always has exactly the entry's type. */
#ifndef XSOCK_POSIX_OS_CALLS_H
#define XSOCK_POSIX_OS_CALLS_H

#ifdef XSOCK_TEST_HOOKS

#include "config.h"

#include <poll.h>
#include <stddef.h>
#include <sys/select.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/types.h>
#if XSOCK_HAVE_EPOLL
#include <sys/epoll.h>
#endif
#if XSOCK_HAVE_KQUEUE
#include <sys/event.h>
#endif

typedef struct xsock__os_calls {
  /* Handles: socket() and socketpair(), accept4() where the OS has it. */
  int (*socket)(int domain, int type, int protocol);
  int (*socketpair)(int domain, int type, int protocol, int *fds);
  int (*accept)(int fd, struct sockaddr *sa, socklen_t *len);
  int (*accept4)(int fd, struct sockaddr *sa, socklen_t *len, int flags);
  int (*connect)(int fd, const struct sockaddr *sa, socklen_t len);
  /* Data. */
  ssize_t (*send)(int fd, const void *buf, size_t len, int flags);
  ssize_t (*recv)(int fd, void *buf, size_t len, int flags);
  ssize_t (*sendto)(int fd, const void *buf, size_t len, int flags,
                    const struct sockaddr *sa, socklen_t salen);
  ssize_t (*recvfrom)(int fd, void *buf, size_t len, int flags,
                      struct sockaddr *sa, socklen_t *salen);
  ssize_t (*sendmsg)(int fd, const struct msghdr *msg, int flags);
  ssize_t (*recvmsg)(int fd, struct msghdr *msg, int flags);
  /* Readiness: xsock_wait, connect's completion, the poll and select
   * backends. */
  int (*poll)(struct pollfd *fds, nfds_t n, int timeout_ms);
  int (*select)(int nfds, fd_set *r, fd_set *w, fd_set *e, struct timeval *tv);
#if XSOCK_HAVE_EPOLL
  int (*epoll_ctl)(int epfd, int op, int fd, struct epoll_event *ev);
  int (*epoll_wait)(int epfd, struct epoll_event *evs, int max, int timeout_ms);
#endif
#if XSOCK_HAVE_KQUEUE
  int (*kevent)(int kq, const struct kevent *changes, int nchanges,
                struct kevent *events, int nevents,
                const struct timespec *timeout);
#endif
  XSOCK__OS_CALLS_ALLOC /* internal.h: the entries both OSes share */
} xsock__os_calls_t;

#endif /* XSOCK_TEST_HOOKS */

#endif /* XSOCK_POSIX_OS_CALLS_H */
