/* SPDX-License-Identifier: MIT */
/* The looping stream calls, sendall and recv_exact, written once on top
 * of xsock_send / xsock_recv: they hold no OS call of their own, so every
 * platform shares them and behaves the same (the seed's lesson: a stream
 * has no message boundaries, so a whole record takes a loop). They check
 * their arguments as xsock_send does, with the same xsock__io_check, and
 * get every other rule (the retry, what a timeout gives) from the calls
 * they loop over. */
#include "internal.h"

xsock_ssize_t xsock_sendall(xsock_t s, const void *buf, size_t len) {
  const char *p = (const char *)buf;
  size_t done = 0;
  int rc = xsock__io_check(s, buf, len);
  if (rc < 0)
    return rc;
  while (done < len) {
    xsock_ssize_t n = xsock_send(s, p + done, len - done);
    /* A non-blocking socket that filled up after some progress reports the
     * progress; the caller sends the rest when the selector says WRITE. */
    if (n == XSOCK_EAGAIN && done > 0)
      break;
    if (n < 0)
      return n;
    done += (size_t)n;
  }
  return (xsock_ssize_t)done;
}

xsock_ssize_t xsock_recv_exact(xsock_t s, void *buf, size_t len) {
  char *p = (char *)buf;
  size_t done = 0;
  int rc = xsock__io_check(s, buf, len);
  if (rc < 0)
    return rc;
  while (done < len) {
    xsock_ssize_t n = xsock_recv(s, p + done, len - done);
    if (n == 0)
      break; /* the peer closed: a short count tells the caller */
    if (n == XSOCK_EAGAIN && done > 0)
      break;
    if (n < 0)
      return n;
    done += (size_t)n;
  }
  return (xsock_ssize_t)done;
}
