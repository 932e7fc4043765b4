/* SPDX-License-Identifier: MIT */
/* xsock_create_connection and xsock_create_server: connecting by name and
 * port within one deadline, serving on the any-address, a named host or
 * both IP families at once, and every error either gives. The race
 * over the resolved addresses is xsock_connect_addrs, whose suite is
 * selector_connect_addrs.c. */
#include "xtest.h"

#include <string.h>

/* Whether s is blocking, told by what a recv with nothing to read gives:
 * XSOCK_EAGAIN at once when non-blocking, XSOCK_ETIMEDOUT after a short
 * receive timeout when blocking. Nothing else is asked of s afterwards
 * (on Windows a socket's state is undefined after a timeout). */
static int is_blocking(xsock_t s) {
  char b;
  xsock_ssize_t r;
  xt_ok(xsock_set_option(s, XSOCK_OPT_RCVTIMEO, 20));
  r = xsock_recv(s, &b, 1);
  xt_ok(xsock_set_option(s, XSOCK_OPT_RCVTIMEO, 0));
  assert_true(r == XSOCK_EAGAIN || r == XSOCK_ETIMEDOUT);
  return r == XSOCK_ETIMEDOUT;
}

static int port_of(xsock_t s) {
  xsock_addr_t a;
  xt_ok(xsock_getsockname(s, &a));
  return xt_ok(xsock_addr_port(&a));
}

/* The any-address IPv4 server and a blocking client by numeric host. */
static void test_server_and_connection(void **state) {
  xsock_t l, c, a;
  xsock_addr_t addr, peer;
  int v = -1;
  (void)state;
  xt_ok(xsock_create_server(&l, NULL, 0, 0, 0));
  xt_ok(xsock_getsockname(l, &addr));
  assert_int_equal(addr.family, XSOCK_AF_INET);
  assert_memory_equal(addr.u.ip, "\0\0\0\0", 4);
  assert_int_not_equal(addr.port, 0);
  /* REUSEADDR as the option defines it: on; Windows ignores it and
   * reads back 0 (exclusive address use instead). */
  xt_ok(xsock_get_option(l, XSOCK_OPT_REUSEADDR, &v));
#ifdef _WIN32
  assert_int_equal(v, 0);
#else
  assert_int_equal(v, 1);
#endif
  xt_ok(xsock_create_connection(&c, "127.0.0.1", addr.port, 5000, 0));
  xt_ok(xsock_accept(l, &a, &peer, 0));
  xt_ok(xsock_sendall(c, "ping", 4));
  {
    char buf[4];
    assert_int_equal(xsock_recv_exact(a, buf, 4), 4);
    assert_memory_equal(buf, "ping", 4);
  }
  /* Last: on Windows a socket's state is undefined after a timeout. */
  assert_true(is_blocking(c));
  xt_close(&a);
  xt_close(&c);
  /* No deadline at all (-1) connects too. */
  xt_ok(xsock_create_connection(&c, "127.0.0.1", addr.port, -1, 0));
  xt_close(&c);
  xt_close(&l);
}

/* XSOCK_NONBLOCK leaves both the listener and the connection
 * non-blocking. */
static void test_nonblocking(void **state) {
  xsock_t l, c, a;
  int port;
  (void)state;
  xt_ok(xsock_create_server(&l, "127.0.0.1", 0, 4, XSOCK_NONBLOCK));
  port = port_of(l);
  xt_err(xsock_accept(l, &a, NULL, 0), XSOCK_EAGAIN);
  xt_ok(xsock_create_connection(&c, "127.0.0.1", port, 5000, XSOCK_NONBLOCK));
  assert_false(is_blocking(c));
  assert_int_equal(xsock_wait(l, XSOCK_READ, 5000), XSOCK_READ);
  xt_ok(xsock_accept(l, &a, NULL, 0));
  xt_close(&a);
  xt_close(&c);
  xt_close(&l);
}

/* A name, not a number. Where "localhost" resolves to ::1 before
 * 127.0.0.1, a server on 127.0.0.1 only is still reached, by trying each
 * address in turn; where it resolves to 127.0.0.1 alone, this is the
 * plain case. */
static void test_connection_by_name(void **state) {
  xsock_t l, c, a;
  xsock_addr_t peer;
  (void)state;
  xt_ok(xsock_create_server(&l, "127.0.0.1", 0, 0, 0));
  xt_ok(xsock_create_connection(&c, "localhost", port_of(l), 5000, 0));
  xt_ok(xsock_accept(l, &a, &peer, 0));
  assert_int_equal(peer.family, XSOCK_AF_INET);
  xt_close(&a);
  xt_close(&c);
  xt_close(&l);
}

static void test_server_ipv6(void **state) {
  xsock_t l, c, a;
  xsock_addr_t addr;
  (void)state;
  xt_ok(xsock_create_server(&l, "::1", 0, 0, 0));
  xt_ok(xsock_getsockname(l, &addr));
  assert_int_equal(addr.family, XSOCK_AF_INET6);
  xt_ok(xsock_create_connection(&c, "::1", addr.port, 5000, 0));
  xt_ok(xsock_accept(l, &a, NULL, 0));
  xt_close(&a);
  xt_close(&c);
  /* Without XSOCK_DUALSTACK an IPv6 server is IPv6-only. */
  xt_err(xsock_create_connection(&c, "127.0.0.1", addr.port, 5000, 0),
         XSOCK_ECONNREFUSED);
  xt_close(&l);
}

/* One IPv6 socket on :: that IPv4 clients reach too. */
static void test_server_dualstack(void **state) {
  xsock_t l, c4, c6, a;
  xsock_addr_t addr, peer;
  int v = -1;
  (void)state;
  xt_ok(xsock_create_server(&l, "", 0, 0, XSOCK_DUALSTACK));
  xt_ok(xsock_getsockname(l, &addr));
  assert_int_equal(addr.family, XSOCK_AF_INET6);
  xt_ok(xsock_get_option(l, XSOCK_OPT_V6ONLY, &v));
  assert_int_equal(v, 0);
  xt_ok(xsock_create_connection(&c4, "127.0.0.1", addr.port, 5000, 0));
  xt_ok(xsock_accept(l, &a, &peer, 0));
  /* An IPv4 client seen through an IPv6 socket: ::ffff:127.0.0.1. */
  assert_int_equal(peer.family, XSOCK_AF_INET6);
  assert_memory_equal(peer.u.ip, "\0\0\0\0\0\0\0\0\0\0\xff\xff\x7f\0\0\x01",
                      16);
  xt_close(&a);
  xt_ok(xsock_create_connection(&c6, "::1", addr.port, 5000, 0));
  xt_ok(xsock_accept(l, &a, NULL, 0));
  xt_close(&a);
  xt_close(&c4);
  xt_close(&c6);
  xt_close(&l);
}

static void test_connection_refused(void **state) {
  xsock_t c = 0;
  xsock_addr_t addr;
  (void)state;
  xt_refused_addr(&addr);
  xt_err(xsock_create_connection(&c, "127.0.0.1", addr.port, 5000, 0),
         XSOCK_ECONNREFUSED);
  assert_true(c == XSOCK_INVALID);
  xt_err(xsock_create_connection(&c, "127.0.0.1", addr.port, -1, 0),
         XSOCK_ECONNREFUSED);
  assert_true(c == XSOCK_INVALID);
}

static void test_bad_host(void **state) {
  xsock_t s = 0;
  int rc;
  (void)state;
  /* RFC 6761: ".invalid" never resolves; without a network the resolver
   * may say "try again" instead (as tests/test_addr_os.c allows). */
  rc = xsock_create_connection(&s, "xsock-test.invalid", 80, 1000, 0);
  assert_true(rc == XSOCK_EAI_NONAME || rc == XSOCK_EAI_AGAIN);
  assert_true(s == XSOCK_INVALID);
  rc = xsock_create_server(&s, "xsock-test.invalid", 0, 0, 0);
  assert_true(rc == XSOCK_EAI_NONAME || rc == XSOCK_EAI_AGAIN);
  assert_true(s == XSOCK_INVALID);
}

/* A port that is taken stays taken, REUSEADDR or not. */
static void test_server_in_use(void **state) {
  xsock_t l, l2 = 0;
  (void)state;
  xt_ok(xsock_create_server(&l, "127.0.0.1", 0, 0, 0));
  xt_err(xsock_create_server(&l2, "127.0.0.1", port_of(l), 0, 0),
         XSOCK_EADDRINUSE);
  assert_true(l2 == XSOCK_INVALID);
  xt_close(&l);
}

static void test_misuse(void **state) {
  xsock_t s = 0;
  (void)state;
  xt_err(xsock_create_connection(NULL, "127.0.0.1", 80, 100, 0), XSOCK_EINVAL);
  xt_err(xsock_create_connection(&s, NULL, 80, 100, 0), XSOCK_EINVAL);
  assert_true(s == XSOCK_INVALID);
  s = 0;
  xt_err(xsock_create_connection(&s, "127.0.0.1", 0, 100, 0), XSOCK_EINVAL);
  assert_true(s == XSOCK_INVALID);
  xt_err(xsock_create_connection(&s, "127.0.0.1", 65536, 100, 0), XSOCK_EINVAL);
  xt_err(xsock_create_connection(&s, "127.0.0.1", 80, 0, 0), XSOCK_EINVAL);
  xt_err(xsock_create_connection(&s, "127.0.0.1", 80, 100, XSOCK_DUALSTACK),
         XSOCK_EINVAL);
  xt_err(xsock_create_connection(&s, "127.0.0.1", 80, 100, 2), XSOCK_EINVAL);
  xt_err(xsock_create_server(NULL, NULL, 0, 0, 0), XSOCK_EINVAL);
  s = 0;
  xt_err(xsock_create_server(&s, NULL, -1, 0, 0), XSOCK_EINVAL);
  assert_true(s == XSOCK_INVALID);
  xt_err(xsock_create_server(&s, NULL, 65536, 0, 0), XSOCK_EINVAL);
  xt_err(xsock_create_server(&s, NULL, 0, 0, 2), XSOCK_EINVAL);
  assert_true(s == XSOCK_INVALID);
}

/* A deadline that passes: a listener whose accept queue is full (backlog
 * 1, two connections queued and never accepted) makes Linux drop the next
 * SYN and retransmit it only after a second, so a 100 ms deadline passes
 * first, however fast or slow the machine is. Wine runs on the same Linux
 * sockets. Other systems refuse or complete such a connect instead, so
 * the test runs on Linux and under Wine only. */
static void test_connection_timeout(void **state) {
  xsock_t l, c1, c2, c = 0;
  xsock_addr_t la;
  (void)state;
#ifndef __linux__
  if (!xt_is_wine())
    skip();
#endif
  xt_full_queue_listener(&l, &la, &c1, &c2);
  xt_err(xsock_create_connection(&c, "127.0.0.1", la.port, 100, 0),
         XSOCK_ETIMEDOUT);
  assert_true(c == XSOCK_INVALID);
  xt_close(&c2);
  xt_close(&c1);
  xt_close(&l);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_server_and_connection),
      cmocka_unit_test(test_nonblocking),
      cmocka_unit_test(test_connection_by_name),
      cmocka_unit_test(test_server_ipv6),
      cmocka_unit_test(test_server_dualstack),
      cmocka_unit_test(test_connection_refused),
      cmocka_unit_test(test_bad_host),
      cmocka_unit_test(test_server_in_use),
      cmocka_unit_test(test_misuse),
      cmocka_unit_test(test_connection_timeout),
  };
  int rc;
  if (xsock_init() != 0)
    return 1;
  rc = cmocka_run_group_tests_name("create", tests, NULL, NULL);
  xsock_cleanup();
  return rc;
}
