/* SPDX-License-Identifier: MIT */
/* A reserve handle, and shedding a connection through it when the process
 * is out of handles (include/xsock.h, xsock_reserve_t). Only public calls
 * are used, so one file serves every OS. */
#include "internal.h"

int xsock_reserve_open(xsock_reserve_t *r) {
  if (r == NULL)
    return xsock__fail(XSOCK_EINVAL, 0);
  return xsock_socket(&r->handle, XSOCK_AF_INET, XSOCK_DGRAM, 0);
}

void xsock_reserve_close(xsock_reserve_t *r) {
  if (r == NULL || r->handle == XSOCK_INVALID)
    return;
  (void)xsock_close(r->handle);
  r->handle = XSOCK_INVALID;
}

int xsock_accept_shed(xsock_t listener, xsock_reserve_t *r) {
  xsock_t s;
  int rc;
  if (r == NULL)
    return xsock__fail(XSOCK_EINVAL, 0);
  if (listener == XSOCK_INVALID)
    return xsock__fail(XSOCK_EBADF, 0);
  /* The reserve's number is free for the accept only between these two
   * calls; another thread may take it first, and then the accept fails
   * again with XSOCK_EMFILE, which is returned as it is. */
  xsock_reserve_close(r);
  rc = xsock_accept(listener, &s, NULL, 0);
  if (rc == 0)
    (void)xsock_close(s);
  /* A failure here leaves r empty; the next call tries again. The
   * accept's outcome is what the caller acts on. */
  (void)xsock_reserve_open(r);
  if (rc == 0)
    return 1;
  return rc == XSOCK_EAGAIN ? 0 : rc;
}
