/* SPDX-License-Identifier: MIT */
/*
 * sockbuf: the seed's walk through socket buffers.
 *
 * Every TCP socket has two kernel buffers, FIFO queues of bytes: send()
 * copies into the send buffer and returns, and the OS sends from it;
 * the OS fills the receive buffer from the network and recv() takes from
 * it. When the peer does not read, its receive buffer fills, then our send
 * buffer, and then a blocking send() blocks (a non-blocking one says
 * XSOCK_EAGAIN). This program shows the sizes and that moment.
 *
 * The sizes are only requests: what the OS really uses differs.
 *  - Linux doubles the value you set (it counts its own bookkeeping in the
 *    buffer), clamps it to a minimum and to net.core.wmem_max/rmem_max,
 *    and reports the doubled value.
 *  - Windows reports exactly what was set (its default is 64 KiB), and its
 *    TCP may still buffer more or less, adjusting by itself.
 *  - macOS and the BSDs report what was set, within their limits.
 * So read a size back rather than assume it.
 */
#include "xsock.h"

#include <stdio.h>

static int fail(const char *what, int rc) {
  fprintf(stderr, "sockbuf: %s: %s\n", what, xsock_strerror(rc));
  return 1;
}

static void show(const char *when, xsock_t s) {
  int snd = 0, rcv = 0;
  xsock_get_option(s, XSOCK_OPT_SNDBUF, &snd);
  xsock_get_option(s, XSOCK_OPT_RCVBUF, &rcv);
  printf("%-28s SO_SNDBUF %10d   SO_RCVBUF %10d\n", when, snd, rcv);
}

int main(void) {
  static char chunk[4096];
  xsock_t listener, client, conn;
  xsock_addr_t addr;
  long long queued = 0;
  xsock_ssize_t n;
  int rc;

  /* A connected pair over the loopback: the server's accepted socket is
   * the seed's `conn`. */
  if ((rc = xsock_init()) < 0 ||
      (rc = xsock_addr_loopback(&addr, XSOCK_AF_INET, 0)) < 0 ||
      (rc = xsock_socket(&listener, XSOCK_AF_INET, XSOCK_STREAM, 0)) < 0 ||
      (rc = xsock_bind(listener, &addr)) < 0 ||
      (rc = xsock_listen(listener, 1)) < 0 ||
      (rc = xsock_getsockname(listener, &addr)) < 0 ||
      (rc = xsock_socket(&client, XSOCK_AF_INET, XSOCK_STREAM, 0)) < 0 ||
      (rc = xsock_connect(client, &addr)) < 0 ||
      (rc = xsock_accept(listener, &conn, NULL, 0)) < 0)
    return fail("setting up a connection", rc);

  show("default:", conn);

  /* The seed asks for 2147483647 bytes. No OS grants that: Linux clamps
   * it silently, others may refuse it. */
  rc = xsock_set_option(conn, XSOCK_OPT_SNDBUF, 2147483647);
  printf("asking for 2147483647 bytes:  %s\n",
         rc == 0 ? "accepted" : xsock_err_name(rc));
  show("after asking for the most:", conn);

  /* A small size, to see how the OS reports it. */
  if ((rc = xsock_set_option(conn, XSOCK_OPT_SNDBUF, 8192)) < 0 ||
      (rc = xsock_set_option(conn, XSOCK_OPT_RCVBUF, 8192)) < 0)
    return fail("setting 8192", rc);
  show("after setting 8192:", conn);

  /* Fill the buffers: the client never reads, so conn's send buffer and
   * the client's receive buffer fill up, and then a non-blocking send
   * would block. */
  if ((rc = xsock_set_nonblocking(conn, 1)) < 0)
    return fail("set_nonblocking", rc);
  while ((n = xsock_send(conn, chunk, sizeof chunk)) > 0)
    queued += n;
  if (n != XSOCK_EAGAIN)
    return fail("send", (int)n);
  printf("sent %lld bytes before send would block (XSOCK_EAGAIN):\n"
         "  that is what the two kernel buffers hold in between\n",
         queued);

  xsock_close(conn);
  xsock_close(client);
  xsock_close(listener);
  xsock_cleanup();
  printf("sockbuf: done\n");
  return 0;
}
