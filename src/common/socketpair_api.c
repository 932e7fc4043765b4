/* SPDX-License-Identifier: MIT */
/* The front end of socketpair (its OS halves: socketpair.c of src/posix,
 * a socketpair() of AF_UNIX sockets, and of src/win32, a loopback TCP
 * pair). The order of the checks is the one written at the top of
 * socket_api.c. */
#include "internal.h"

int xsock_socketpair(int type, xsock_t pair[2]) {
  int rc;
  if (pair == NULL)
    return xsock__fail(XSOCK_EINVAL, 0);
  pair[0] = pair[1] = XSOCK_INVALID;
  if (type != XSOCK_STREAM && type != XSOCK_DGRAM)
    return xsock__fail(XSOCK_EINVAL, 0);
  if ((rc = xsock__check_init()) < 0)
    return rc;
  rc = xsock__os_socketpair(type, pair);
  if (rc < 0)
    pair[0] = pair[1] = XSOCK_INVALID;
  return rc;
}
