/* SPDX-License-Identifier: MIT */
/* Scatter/gather with sendmsg/recvmsg. src/common/iov_api.c has
 * checked the arguments: at most XSOCK_IOV_MAX buffers (below every
 * POSIX IOV_MAX, which is at least 16 by the standard and 1024 on Linux,
 * macOS and the BSDs), no NULL base, a total of at most PTRDIFF_MAX.
 *
 * Notes:
 *  - xsock_iovec_t is laid out as struct iovec, proven below at compile
 *    time, so the caller's array goes to the kernel as it is: no copy and
 *    no allocation. The kernel only reads the array (recvmsg writes into
 *    the buffers it points at, never into the array), which is why casting
 *    away its const is sound.
 *  - The total may not exceed SSIZE_MAX (sendmsg/recvmsg fail with
 *    EINVAL); it cannot, because ssize_t is as wide as ptrdiff_t on every
 *    POSIX system, which is also checked below.
 *  - ssize_t being as wide as ptrdiff_t is also what lets the front end's
 *    clamp (XSOCK__OS_IO_MAX, config.h) be PTRDIFF_MAX on POSIX.
 *  - SIGPIPE is handled as in io.c; every rule on the result (the retry,
 *    a timeout, a call of 0 bytes) is the front end's, as for io.c. */
#include "os.h"

#include <stddef.h>
#include <string.h>
#include <sys/uio.h>

#ifdef MSG_NOSIGNAL
#define IOV__SEND_FLAGS MSG_NOSIGNAL
#else
#define IOV__SEND_FLAGS 0
#endif

/* Compile-time proofs (a negative array size stops the build). */
typedef char
    iov__same_size[sizeof(xsock_iovec_t) == sizeof(struct iovec) ? 1 : -1];
typedef char iov__same_base[offsetof(xsock_iovec_t, base) ==
                                        offsetof(struct iovec, iov_base) &&
                                    sizeof(((xsock_iovec_t *)0)->base) ==
                                        sizeof(((struct iovec *)0)->iov_base)
                                ? 1
                                : -1];
typedef char iov__same_len[offsetof(xsock_iovec_t, len) ==
                                       offsetof(struct iovec, iov_len) &&
                                   sizeof(((xsock_iovec_t *)0)->len) ==
                                       sizeof(((struct iovec *)0)->iov_len)
                               ? 1
                               : -1];
typedef char iov__ssize_width[sizeof(ssize_t) == sizeof(ptrdiff_t) ? 1 : -1];

static void iov__msg(struct msghdr *msg, const xsock_iovec_t *iov, int iovcnt) {
  memset(msg, 0, sizeof *msg);
  msg->msg_iov = (struct iovec *)iov;
  msg->msg_iovlen = iovcnt;
}

xsock_ssize_t xsock__os_sendv(xsock_t s, const xsock_iovec_t *iov, int iovcnt,
                              int *err) {
  /* No buffers at all (the empty datagram of a call of 0 bytes) go to the
   * kernel as one empty buffer, the same message: qemu-user's sendmsg
   * returns 0 for an array of none without sending anything. */
  static char none;
  const xsock_iovec_t one = {&none, 0};
  struct msghdr msg;
  ssize_t n;
  iov__msg(&msg, iovcnt > 0 ? iov : &one, iovcnt > 0 ? iovcnt : 1);
  n = XSOCK__OS(sendmsg)(s, &msg, IOV__SEND_FLAGS);
  return n == -1 ? xsock__errno_io(err) : (xsock_ssize_t)n;
}

xsock_ssize_t xsock__os_recvv(xsock_t s, const xsock_iovec_t *iov, int iovcnt,
                              int *err) {
  struct msghdr msg;
  ssize_t n;
  iov__msg(&msg, iov, iovcnt);
  n = XSOCK__OS(recvmsg)(s, &msg, 0);
  return n == -1 ? xsock__errno_io(err) : (xsock_ssize_t)n;
}
