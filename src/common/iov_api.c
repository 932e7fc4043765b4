/* SPDX-License-Identifier: MIT */
/* The front end of the scatter/gather calls (their OS halves: iov.c of
 * src/posix and src/win32), in the order of checks that socket_api.c
 * describes: the arguments (XSOCK_EINVAL), then the
 * handle (XSOCK_EBADF), then one xsock__os_<call>, under the rules of
 * every send and receive that io_api.c states (the clamp, the call of 0
 * bytes, the retry, what a failure means).
 *
 * The buffer count is capped at XSOCK_IOV_MAX on every OS, below every
 * OS's own limit, so a program that works on one OS never meets an
 * EMSGSIZE or EINVAL from another's smaller IOV_MAX. The lengths must sum
 * to at most PTRDIFF_MAX for the reason io_api.c gives for one length: the
 * signed result could not report more, and such a sum is a caller's bug.
 * The per-OS calls convert the array on the stack, so they rely on the
 * count being checked here. */
#include "internal.h"

#include <stdint.h>

/* The checks sendv and recvv share; see the header for the rules. Stores
 * the lengths' sum in *total. */
static int iovapi__check(xsock_t s, const xsock_iovec_t *iov, int iovcnt,
                         size_t *total) {
  size_t sum = 0;
  int i;
  if (iov == NULL || iovcnt < 0 || iovcnt > XSOCK_IOV_MAX)
    return xsock__fail(XSOCK_EINVAL, 0);
  for (i = 0; i < iovcnt; i++) {
    /* Compared one piece at a time so that the sum itself never wraps. */
    if (iov[i].base == NULL || iov[i].len > (size_t)PTRDIFF_MAX - sum)
      return xsock__fail(XSOCK_EINVAL, 0);
    sum += iov[i].len;
  }
  if (s == XSOCK_INVALID)
    return xsock__fail(XSOCK_EBADF, 0);
  *total = sum;
  return 0;
}

/* One sendv or recvv (receiving) of at most XSOCK__OS_IO_MAX bytes, made
 * again for as long as xsock__io_fail says so. */
static xsock_ssize_t iovapi__move(xsock_t s, const xsock_iovec_t *iov,
                                  int iovcnt, int receiving) {
  xsock_ssize_t n;
  int err = 0;
  do
    n = receiving ? xsock__os_recvv(s, iov, iovcnt, &err)
                  : xsock__os_sendv(s, iov, iovcnt, &err);
  while (n < 0 && (n = xsock__io_fail(s, n, err, receiving)) == XSOCK_EINTR);
  return n;
}

/* The clamp of io_api.c for a total above XSOCK__OS_IO_MAX (Windows only:
 * on POSIX that limit is PTRDIFF_MAX, which the check refuses to pass):
 * a copy of the pieces that leaves out those past the limit and shortens
 * the last one kept, so the call reports a partial count. The copy is on
 * the stack, off the path of every call that fits. */
static XSOCK__NOINLINE xsock_ssize_t iovapi__clamped(xsock_t s,
                                                     const xsock_iovec_t *iov,
                                                     int iovcnt,
                                                     int receiving) {
  xsock_iovec_t part[XSOCK_IOV_MAX];
  size_t room = XSOCK__OS_IO_MAX;
  int i, n = 0;
  for (i = 0; i < iovcnt && room > 0; i++) {
    part[n] = iov[i];
    if (part[n].len > room)
      part[n].len = room;
    room -= part[n].len;
    n++;
  }
  return iovapi__move(s, part, n, receiving);
}

xsock_ssize_t xsock_sendv(xsock_t s, const xsock_iovec_t *iov, int iovcnt) {
  xsock_ssize_t n;
  size_t total = 0;
  int rc = iovapi__check(s, iov, iovcnt, &total);
  if (rc < 0)
    return rc;
  if (total == 0 && (n = xsock__io_nothing(s, 0)) <= 0)
    return n; /* a call of 0 bytes (io_api.c) */
  if (XSOCK__UNLIKELY(total > XSOCK__OS_IO_MAX))
    n = iovapi__clamped(s, iov, iovcnt, 0);
  else
    n = iovapi__move(s, iov, iovcnt, 0);
  return XSOCK__UNLIKELY(n < 0) ? xsock__send_fail(s, n) : n;
}

xsock_ssize_t xsock_recvv(xsock_t s, const xsock_iovec_t *iov, int iovcnt) {
  size_t total = 0;
  int rc = iovapi__check(s, iov, iovcnt, &total);
  if (rc < 0)
    return rc;
  if (total == 0)
    return xsock__io_nothing(s, 1); /* a call of 0 bytes (io_api.c) */
  if (XSOCK__UNLIKELY(total > XSOCK__OS_IO_MAX))
    return xsock__recv_end(s, iovapi__clamped(s, iov, iovcnt, 1));
  return xsock__recv_end(s, iovapi__move(s, iov, iovcnt, 1));
}
