/* SPDX-License-Identifier: MIT */
/* XSOCK_OPT_RCVTIMEO / XSOCK_OPT_SNDTIMEO: a blocking call that times out
 * gives XSOCK_ETIMEDOUT on every OS (POSIX itself says EAGAIN, Windows
 * WSAETIMEDOUT), a non-blocking socket keeps XSOCK_EAGAIN, and the option
 * reads back what the OS applies. No assertion here is about how long a
 * call took: only what it returned. */
#include "xtest.h"

#include <string.h>

static void test_option_values(void **state) {
  xsock_t c, s, u;
  int v = -1;
  (void)state;
  xt_tcp_pair(&c, &s);
  xt_ok(xsock_get_option(c, XSOCK_OPT_RCVTIMEO, &v));
  assert_int_equal(v, 0);
  xt_ok(xsock_get_option(c, XSOCK_OPT_SNDTIMEO, &v));
  assert_int_equal(v, 0);
  xt_ok(xsock_set_option(c, XSOCK_OPT_RCVTIMEO, 50));
  xt_ok(xsock_get_option(c, XSOCK_OPT_RCVTIMEO, &v));
  /* What the OS applies: at least what was asked (POSIX rounds up to its
   * clock tick; Windows NT 4 and 95 used at least 500 ms). */
  assert_true(v >= 50);
  xt_ok(xsock_set_option(c, XSOCK_OPT_SNDTIMEO, 2500));
  xt_ok(xsock_get_option(c, XSOCK_OPT_SNDTIMEO, &v));
  assert_true(v >= 2500);
  xt_ok(xsock_set_option(c, XSOCK_OPT_RCVTIMEO, 0));
  xt_ok(xsock_get_option(c, XSOCK_OPT_RCVTIMEO, &v));
  assert_int_equal(v, 0);
  xt_err(xsock_set_option(c, XSOCK_OPT_RCVTIMEO, -1), XSOCK_EINVAL);
  xt_err(xsock_set_option(c, XSOCK_OPT_SNDTIMEO, -5), XSOCK_EINVAL);
  xt_err(xsock_set_option(XSOCK_INVALID, XSOCK_OPT_RCVTIMEO, 10), XSOCK_EBADF);
  /* Any kind of socket has them. */
  xt_ok(xsock_socket(&u, XSOCK_AF_INET, XSOCK_DGRAM, 0));
  xt_ok(xsock_set_option(u, XSOCK_OPT_RCVTIMEO, 1000));
  xt_ok(xsock_get_option(u, XSOCK_OPT_RCVTIMEO, &v));
  assert_true(v >= 1000);
  xt_close(&u);
  xt_close(&c);
  xt_close(&s);
}

/* A blocking recv with a 50 ms timeout and no data. */
static void test_recv_times_out(void **state) {
  xsock_t c, s;
  char buf[8];
  (void)state;
  xt_tcp_pair(&c, &s);
  xt_ok(xsock_set_option(s, XSOCK_OPT_RCVTIMEO, 50));
  xt_err(xsock_recv(s, buf, sizeof buf), XSOCK_ETIMEDOUT);
  assert_int_not_equal(xsock_last_os_error(), 0);
#ifndef _WIN32
  /* POSIX keeps the connection usable; on Windows its state is undefined
   * after a timeout (xsock.h: close it), so nothing more is asked there. */
  xt_ok(xsock_sendall(c, "hi", 2));
  assert_int_equal(xsock_recv_exact(s, buf, 2), 2);
  assert_memory_equal(buf, "hi", 2);
#endif
  xt_close(&c);
  xt_close(&s);
}

/* recv_exact passes the timeout on as it passes on any error. A fresh
 * pair: on Windows nothing is asked of a socket after its timeout. */
static void test_recv_exact_times_out(void **state) {
  xsock_t c, s;
  char buf[8];
  (void)state;
  xt_tcp_pair(&c, &s);
  xt_ok(xsock_set_option(s, XSOCK_OPT_RCVTIMEO, 50));
  xt_ok(xsock_sendall(c, "abc", 3));
  xt_err(xsock_recv_exact(s, buf, sizeof buf), XSOCK_ETIMEDOUT);
  xt_close(&c);
  xt_close(&s);
}

/* A non-blocking socket with a timeout set keeps XSOCK_EAGAIN: the
 * timeout only concerns calls that block. */
static void test_nonblocking_keeps_eagain(void **state) {
  xsock_t c, s;
  char buf[8];
  (void)state;
  xt_tcp_pair(&c, &s);
  xt_ok(xsock_set_option(s, XSOCK_OPT_RCVTIMEO, 50));
  xt_ok(xsock_set_nonblocking(s, 1));
  xt_err(xsock_recv(s, buf, sizeof buf), XSOCK_EAGAIN);
  xt_err(xsock_recv(s, buf, sizeof buf), XSOCK_EAGAIN);
  xt_close(&c);
  xt_close(&s);
}

/* A blocking send into a full send buffer with a 50 ms timeout. */
static void test_send_times_out(void **state) {
  static char chunk[65536];
  xsock_t c, s;
  xsock_ssize_t n = 0;
  int i;
  (void)state;
  xt_tcp_pair(&c, &s);
  xt_ok(xsock_set_nonblocking(c, 1));
  while ((n = xsock_send(c, chunk, sizeof chunk)) > 0)
    ;
  xt_err(n, XSOCK_EAGAIN);
  xt_ok(xsock_set_nonblocking(c, 0));
  xt_ok(xsock_set_option(c, XSOCK_OPT_SNDTIMEO, 50));
  /* A late ACK may still free some room, which a send fills (a count);
   * the peer never reads, so the buffer stays full after that. */
  for (i = 0; i < 100; i++)
    if ((n = xsock_send(c, chunk, sizeof chunk)) <= 0)
      break;
  xt_err(n, XSOCK_ETIMEDOUT);
  xt_close(&c);
  xt_close(&s);
}

/* A datagram socket: recvfrom times out the same way. */
static void test_recvfrom_times_out(void **state) {
  xsock_t u;
  xsock_addr_t a, from;
  char buf[8];
  (void)state;
  xt_ok(xsock_addr_parse(&a, "127.0.0.1:0"));
  xt_ok(xsock_socket(&u, XSOCK_AF_INET, XSOCK_DGRAM, 0));
  xt_ok(xsock_bind(u, &a));
  xt_ok(xsock_set_option(u, XSOCK_OPT_RCVTIMEO, 50));
  xt_err(xsock_recvfrom(u, buf, sizeof buf, &from), XSOCK_ETIMEDOUT);
  assert_int_equal(from.family, XSOCK_AF_UNSPEC);
  xt_close(&u);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_option_values),
      cmocka_unit_test(test_recv_times_out),
      cmocka_unit_test(test_recv_exact_times_out),
      cmocka_unit_test(test_nonblocking_keeps_eagain),
      cmocka_unit_test(test_send_times_out),
      cmocka_unit_test(test_recvfrom_times_out),
  };
  int rc;
  if (xsock_init() != 0)
    return 1;
  rc = cmocka_run_group_tests_name("timeout", tests, NULL, NULL);
  xsock_cleanup();
  return rc;
}
