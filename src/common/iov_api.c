/* SPDX-License-Identifier: MIT */
/* The front end of the scatter/gather calls and of peek, in the order of
 * checks that sock_api.c describes: the arguments (XSOCK_EINVAL), then the
 * handle (XSOCK_EBADF), then one xsock__os_<call>.
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

/* The checks sendv and recvv share; see the header for the rules. */
static int iovapi__check(xsock_t s, const xsock_iovec_t *iov, int iovcnt) {
  size_t total = 0;
  int i;
  if (iov == NULL || iovcnt < 0 || iovcnt > XSOCK_IOV_MAX)
    return xsock__fail(XSOCK_EINVAL, 0);
  for (i = 0; i < iovcnt; i++) {
    /* Compared one piece at a time so that the sum itself never wraps. */
    if (iov[i].base == NULL || iov[i].len > (size_t)PTRDIFF_MAX - total)
      return xsock__fail(XSOCK_EINVAL, 0);
    total += iov[i].len;
  }
  if (s == XSOCK_INVALID)
    return xsock__fail(XSOCK_EBADF, 0);
  return 0;
}

xsock_ssize_t xsock_sendv(xsock_t s, const xsock_iovec_t *iov, int iovcnt) {
  int rc = iovapi__check(s, iov, iovcnt);
  if (rc < 0)
    return rc;
  return xsock__os_sendv(s, iov, iovcnt);
}

xsock_ssize_t xsock_recvv(xsock_t s, const xsock_iovec_t *iov, int iovcnt) {
  int rc = iovapi__check(s, iov, iovcnt);
  if (rc < 0)
    return rc;
  return xsock__os_recvv(s, iov, iovcnt);
}

xsock_ssize_t xsock_peek(xsock_t s, void *buf, size_t len) {
  int rc = xsock__io_check(s, buf, len);
  if (rc < 0)
    return rc;
  return xsock__os_peek(s, buf, len);
}
