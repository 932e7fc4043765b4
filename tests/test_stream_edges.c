/* SPDX-License-Identifier: MIT */
/* Corner cases of connected stream sockets where Winsock behaves unlike
 * POSIX underneath: recvfrom on a stream (Winsock writes no address), and
 * closing a non-blocking socket that lingers (Winsock refuses with
 * WSAEWOULDBLOCK and keeps the handle). */
#include "xtest.h"

#include <string.h>

/* Sends until a non-blocking socket's buffers are full; the peer reads
 * nothing, so the last send gives XSOCK_EAGAIN. */
static void fill_send_buffer(xsock_t s) {
  static const char block[65536];
  xsock_ssize_t n;
  do {
    n = xsock_send(s, block, sizeof block);
  } while (n > 0);
  xt_err(n, XSOCK_EAGAIN);
}

/* The OS's own sockaddr for 1.2.3.4:1, whose first 8 bytes (family, port,
 * IPv4 address on every OS) are then written at every 8-byte offset of a
 * large stack array. A call made right after this, from the same caller,
 * that reads back a sockaddr_storage the OS never wrote finds this
 * address there instead of whatever happened to be on the stack, so the
 * mistake shows deterministically. */
static void stack_fill_with_address(void) {
  volatile unsigned char junk[8192];
  unsigned char sa[128];
  size_t len = sizeof sa, i;
  xsock_addr_t a;
  xt_ok(xsock_addr_parse(&a, "1.2.3.4:1"));
  xt_ok(xsock_addr_to_sockaddr(&a, sa, &len));
  assert_true(len >= 8);
  for (i = 0; i < sizeof junk; i++)
    junk[i] = sa[i % 8];
}

static void test_recvfrom_on_stream(void **state) {
  xsock_t c, s;
  xsock_addr_t from, peer;
  char buf[8];
  xsock_ssize_t n;
  (void)state;
  xt_tcp_pair(&c, &s);
  xt_ok(xsock_getpeername(c, &peer));
  assert_int_equal(xsock_sendall(s, "abc", 3), 3);
  memset(&from, 0xff, sizeof from);
  stack_fill_with_address();
  n = xsock_recvfrom(c, buf, sizeof buf, &from);
  /* TCP may hand the three bytes over in pieces. */
  assert_true(n >= 1 && n <= 3);
  assert_memory_equal(buf, "abc", (size_t)n);
  /* A stream has no per-message sender: POSIX writes no address (the
   * header's "left empty"), Winsock ignores from/fromlen. The peer's own
   * address would be acceptable too; anything else was read back from
   * memory nobody wrote. */
  assert_true(from.family == XSOCK_AF_UNSPEC || xsock_addr_equal(&from, &peer));
  xt_ok(xsock_close(c));
  xt_ok(xsock_close(s));
}

static void test_close_nonblocking_lingering(void **state) {
  xsock_t c, s;
  (void)state;
  xt_tcp_pair(&c, &s);
  xt_ok(xsock_set_option(c, XSOCK_OPT_LINGER, 1));
  xt_ok(xsock_set_nonblocking(c, 1));
  /* Unsent data that the peer never reads: the lingering close cannot
   * finish at once (Linux and Wine block up to the linger time, one
   * second here; Windows refuses a non-blocking one). */
  fill_send_buffer(c);
  xt_ok(xsock_close(c));
  /* The handle was released (nothing opens a handle in between). */
  xt_err(xsock_close(c), XSOCK_EBADF);
  xt_ok(xsock_close(s));
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_recvfrom_on_stream),
      cmocka_unit_test(test_close_nonblocking_lingering),
  };
  int rc;
  if (xsock_init() != 0)
    return 1;
  rc = cmocka_run_group_tests_name("stream_edges", tests, NULL, NULL);
  xsock_cleanup();
  return rc;
}
