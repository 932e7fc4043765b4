/* SPDX-License-Identifier: MIT */
/* Internal declarations shared by the POSIX sources (this tree's os.h;
 * src/win32/os.h is its Windows mirror). */
#ifndef XSOCK_POSIX_OS_H
#define XSOCK_POSIX_OS_H

#include "internal.h"

#include <errno.h>
#include <sys/socket.h>
#include <sys/types.h>

/* Fails with the current errno (recorded and mapped). */
static inline int xsock__errno_fail(void) { return xsock__os_fail(errno); }

/* The report of a raw I/O call that failed (internal.h): errno in *err
 * and its XSOCK_E* mapping as the result, nothing recorded. */
static inline xsock_ssize_t xsock__errno_io(int *err) {
  *err = errno;
  return xsock__map_os_error(*err);
}

/* xsock__addr_to_os / xsock__addr_from_os, the sockaddr conversions
 * written once for both OSes (src/common/addr_bsd.c), and through it
 * this tree's os_sockets.h. */
#include "addr_bsd.h"

/* 0 if fd is open and can be watched by poll/select, XSOCK_EBADF if it is
 * not open, XSOCK_ENOTSUP for a regular file or directory (always "ready",
 * and epoll refuses them). */
XSOCK__INTERNAL int xsock__posix_check_pollable(int fd);

/* accept4(), which sets close-on-exec and O_NONBLOCK atomically (not on
 * macOS). */
#if defined(__linux__) || defined(__FreeBSD__) || defined(__NetBSD__) ||       \
    defined(__OpenBSD__) || defined(__DragonFly__)
#define XSOCK__HAVE_ACCEPT4 1
#endif

/* ---- socket set-up (src/posix/socket.c) ---- */

/* SOCK_CLOEXEC / SOCK_NONBLOCK as type flags of socket() and socketpair()
 * (Linux, the BSDs; not macOS). Without them the flags are set with fcntl
 * right after creation, which leaves a short window in which a concurrent
 * fork+exec may inherit the descriptor. */
#if defined(SOCK_CLOEXEC) && defined(SOCK_NONBLOCK)
#define XSOCK__HAVE_SOCK_FLAGS 1
#define XSOCK__SOCK_FLAGS_ATOMIC 1
#else
#define XSOCK__SOCK_FLAGS_ATOMIC 0
#endif

/* The OS type for XSOCK_STREAM / XSOCK_DGRAM, carrying SOCK_CLOEXEC (and
 * SOCK_NONBLOCK when nonblock) where the OS takes them at creation, so
 * that XSOCK__SOCK_FLAGS_ATOMIC tells xsock__posix_setup_fd what is left
 * to do. -1 for any other type. */
static inline int xsock__posix_socktype(int type, int nonblock) {
  int st;
  if (type == XSOCK_STREAM)
    st = SOCK_STREAM;
  else if (type == XSOCK_DGRAM)
    st = SOCK_DGRAM;
  else
    return -1;
#ifdef XSOCK__HAVE_SOCK_FLAGS
  st |= SOCK_CLOEXEC | (nonblock ? SOCK_NONBLOCK : 0);
#else
  (void)nonblock;
#endif
  return st;
}

/* Applies the defaults every new descriptor gets: close-on-exec and the
 * O_NONBLOCK state asked for (both with fcntl unless atomic says the OS
 * already set them at creation), and SO_NOSIGPIPE where the OS has it.
 * Returns 0 or an XSOCK_E* code; the caller closes fd on failure. */
XSOCK__INTERNAL int xsock__posix_setup_fd(int fd, int atomic, int nonblock);

/* Closes a descriptor that failed its set-up without disturbing the error
 * already recorded for the caller (src/posix/socket.c). */
XSOCK__INTERNAL void xsock__posix_discard(int fd);

#endif /* XSOCK_POSIX_OS_H */
