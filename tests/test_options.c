/* SPDX-License-Identifier: MIT */
/* Socket options with portable values, and getsockname/getpeername. */
#include "xtest.h"

#include <string.h>

static void check_bool_option(xsock_t s, int option) {
  int v = -5;
  xt_ok(xsock_set_option(s, option, 1));
  xt_ok(xsock_get_option(s, option, &v));
  assert_int_equal(v, 1);
  xt_ok(xsock_set_option(s, option, 0));
  xt_ok(xsock_get_option(s, option, &v));
  assert_int_equal(v, 0);
  /* Booleans are 0 or 1, nothing else. */
  xt_err(xsock_set_option(s, option, 2), XSOCK_EINVAL);
  xt_err(xsock_set_option(s, option, -1), XSOCK_EINVAL);
}

static void test_boolean_options(void **state) {
  xsock_t t, u, t6;
  (void)state;
  xt_ok(xsock_socket(&t, XSOCK_AF_INET, XSOCK_STREAM, 0));
  xt_ok(xsock_socket(&u, XSOCK_AF_INET, XSOCK_DGRAM, 0));
  xt_ok(xsock_socket(&t6, XSOCK_AF_INET6, XSOCK_STREAM, 0));
#ifdef _WIN32
  /* Windows: REUSEADDR is accepted and ignored and reads back 0, because
   * every socket there uses exclusive address use (see xsock.h). */
  {
    int v = -5;
    xt_ok(xsock_set_option(t, XSOCK_OPT_REUSEADDR, 1));
    xt_ok(xsock_get_option(t, XSOCK_OPT_REUSEADDR, &v));
    assert_int_equal(v, 0);
    xt_err(xsock_set_option(t, XSOCK_OPT_REUSEADDR, 2), XSOCK_EINVAL);
  }
#else
  check_bool_option(t, XSOCK_OPT_REUSEADDR);
#endif
  check_bool_option(t, XSOCK_OPT_NODELAY);
  check_bool_option(t, XSOCK_OPT_KEEPALIVE);
  check_bool_option(u, XSOCK_OPT_BROADCAST);
  check_bool_option(t6, XSOCK_OPT_V6ONLY);
  xt_ok(xsock_close(t));
  xt_ok(xsock_close(u));
  xt_ok(xsock_close(t6));
}

static void test_defaults(void **state) {
  xsock_t t, t6, u6;
  int v;
  (void)state;
  xt_ok(xsock_socket(&t, XSOCK_AF_INET, XSOCK_STREAM, 0));
  xt_ok(xsock_socket(&t6, XSOCK_AF_INET6, XSOCK_STREAM, 0));
  xt_ok(xsock_socket(&u6, XSOCK_AF_INET6, XSOCK_DGRAM, XSOCK_NONBLOCK));
  /* IPv6 sockets are IPv6-only whatever the OS default. */
  xt_ok(xsock_get_option(t6, XSOCK_OPT_V6ONLY, &v));
  assert_int_equal(v, 1);
  xt_ok(xsock_get_option(u6, XSOCK_OPT_V6ONLY, &v));
  assert_int_equal(v, 1);
  v = 5;
  xt_ok(xsock_get_option(t, XSOCK_OPT_LINGER, &v));
  assert_int_equal(v, -1);
  xt_ok(xsock_get_option(t, XSOCK_OPT_KEEPALIVE, &v));
  assert_int_equal(v, 0);
  xt_ok(xsock_close(t));
  xt_ok(xsock_close(t6));
  xt_ok(xsock_close(u6));
}

static void test_linger(void **state) {
  xsock_t t;
  int v;
  (void)state;
  xt_ok(xsock_socket(&t, XSOCK_AF_INET, XSOCK_STREAM, 0));
  xt_ok(xsock_set_option(t, XSOCK_OPT_LINGER, 5));
  xt_ok(xsock_get_option(t, XSOCK_OPT_LINGER, &v));
  assert_int_equal(v, 5);
  xt_ok(xsock_set_option(t, XSOCK_OPT_LINGER, 0));
  xt_ok(xsock_get_option(t, XSOCK_OPT_LINGER, &v));
  assert_int_equal(v, 0);
  xt_ok(xsock_set_option(t, XSOCK_OPT_LINGER, -1));
  xt_ok(xsock_get_option(t, XSOCK_OPT_LINGER, &v));
  assert_int_equal(v, -1);
  xt_err(xsock_set_option(t, XSOCK_OPT_LINGER, -2), XSOCK_EINVAL);
  xt_err(xsock_set_option(t, XSOCK_OPT_LINGER, 65536), XSOCK_EINVAL);
  xt_ok(xsock_get_option(t, XSOCK_OPT_LINGER, &v));
  assert_int_equal(v, -1);
  xt_ok(xsock_close(t));
}

static void test_buffer_sizes(void **state) {
  xsock_t t;
  int small, large;
  (void)state;
  xt_ok(xsock_socket(&t, XSOCK_AF_INET, XSOCK_STREAM, 0));
  /* The OS may round, double or clamp; a bigger request never gives a
   * smaller buffer, and the values are real sizes. */
  xt_ok(xsock_set_option(t, XSOCK_OPT_SNDBUF, 4096));
  xt_ok(xsock_get_option(t, XSOCK_OPT_SNDBUF, &small));
  xt_ok(xsock_set_option(t, XSOCK_OPT_SNDBUF, 65536));
  xt_ok(xsock_get_option(t, XSOCK_OPT_SNDBUF, &large));
  assert_true(small > 0);
  assert_true(large >= 65536);
  assert_true(large > small);
  xt_ok(xsock_set_option(t, XSOCK_OPT_RCVBUF, 4096));
  xt_ok(xsock_get_option(t, XSOCK_OPT_RCVBUF, &small));
  xt_ok(xsock_set_option(t, XSOCK_OPT_RCVBUF, 65536));
  xt_ok(xsock_get_option(t, XSOCK_OPT_RCVBUF, &large));
  assert_true(small > 0);
  assert_true(large >= 65536);
  assert_true(large > small);
  xt_err(xsock_set_option(t, XSOCK_OPT_SNDBUF, -1), XSOCK_EINVAL);
  xt_err(xsock_set_option(t, XSOCK_OPT_RCVBUF, -1), XSOCK_EINVAL);
  xt_ok(xsock_close(t));
}

static void test_type(void **state) {
  xsock_t t, u;
  int v;
  (void)state;
  xt_ok(xsock_socket(&t, XSOCK_AF_INET6, XSOCK_STREAM, 0));
  xt_ok(xsock_socket(&u, XSOCK_AF_INET, XSOCK_DGRAM, 0));
  xt_ok(xsock_get_option(t, XSOCK_OPT_TYPE, &v));
  assert_int_equal(v, XSOCK_STREAM);
  xt_ok(xsock_get_option(u, XSOCK_OPT_TYPE, &v));
  assert_int_equal(v, XSOCK_DGRAM);
  /* Read-only. */
  xt_err(xsock_set_option(t, XSOCK_OPT_TYPE, XSOCK_DGRAM), XSOCK_EINVAL);
  xt_ok(xsock_close(t));
  xt_ok(xsock_close(u));
}

static void test_option_of_another_kind(void **state) {
  xsock_t t4, u4;
  int v;
  (void)state;
  xt_ok(xsock_socket(&t4, XSOCK_AF_INET, XSOCK_STREAM, 0));
  xt_ok(xsock_socket(&u4, XSOCK_AF_INET, XSOCK_DGRAM, 0));
  /* An IPv4 socket has no IPv6 options, a UDP socket no TCP ones. */
  xt_err(xsock_set_option(t4, XSOCK_OPT_V6ONLY, 1), XSOCK_ENOTSUP);
  xt_err(xsock_get_option(t4, XSOCK_OPT_V6ONLY, &v), XSOCK_ENOTSUP);
  xt_err(xsock_set_option(u4, XSOCK_OPT_NODELAY, 1), XSOCK_ENOTSUP);
  xt_err(xsock_get_option(u4, XSOCK_OPT_NODELAY, &v), XSOCK_ENOTSUP);
  /* Keepalive and linger belong to connections, broadcast to datagrams:
   * the same answer on every OS, although Linux alone would accept all
   * three on the other kind. */
  xt_err(xsock_set_option(u4, XSOCK_OPT_KEEPALIVE, 1), XSOCK_ENOTSUP);
  xt_err(xsock_get_option(u4, XSOCK_OPT_KEEPALIVE, &v), XSOCK_ENOTSUP);
  xt_err(xsock_set_option(u4, XSOCK_OPT_LINGER, 0), XSOCK_ENOTSUP);
  xt_err(xsock_get_option(u4, XSOCK_OPT_LINGER, &v), XSOCK_ENOTSUP);
  xt_err(xsock_set_option(t4, XSOCK_OPT_BROADCAST, 1), XSOCK_ENOTSUP);
  xt_err(xsock_get_option(t4, XSOCK_OPT_BROADCAST, &v), XSOCK_ENOTSUP);
  /* Keepalive tuning and port sharing are TCP's. */
  xt_err(xsock_set_option(u4, XSOCK_OPT_KEEPIDLE, 60), XSOCK_ENOTSUP);
  xt_err(xsock_get_option(u4, XSOCK_OPT_KEEPIDLE, &v), XSOCK_ENOTSUP);
  xt_err(xsock_set_option(u4, XSOCK_OPT_KEEPINTVL, 5), XSOCK_ENOTSUP);
  xt_err(xsock_get_option(u4, XSOCK_OPT_KEEPINTVL, &v), XSOCK_ENOTSUP);
  xt_err(xsock_set_option(u4, XSOCK_OPT_KEEPCNT, 3), XSOCK_ENOTSUP);
  xt_err(xsock_get_option(u4, XSOCK_OPT_KEEPCNT, &v), XSOCK_ENOTSUP);
  xt_err(xsock_set_option(u4, XSOCK_OPT_REUSEPORT, 1), XSOCK_ENOTSUP);
  xt_err(xsock_get_option(u4, XSOCK_OPT_REUSEPORT, &v), XSOCK_ENOTSUP);
  /* A bad value is refused before the kind is looked at. */
  xt_err(xsock_set_option(u4, XSOCK_OPT_KEEPALIVE, 2), XSOCK_EINVAL);
  xt_err(xsock_set_option(u4, XSOCK_OPT_KEEPIDLE, 0), XSOCK_EINVAL);
  xt_err(xsock_set_option(u4, XSOCK_OPT_KEEPCNT, 128), XSOCK_EINVAL);
  xt_err(xsock_set_option(u4, XSOCK_OPT_REUSEPORT, 2), XSOCK_EINVAL);
  xt_ok(xsock_close(t4));
  xt_ok(xsock_close(u4));
#ifndef _WIN32
  {
    /* POSIX only (AF_UNIX): a local stream has no TCP options. */
    xsock_t p[2];
    xt_ok(xsock_socketpair(XSOCK_STREAM, p));
    xt_err(xsock_set_option(p[0], XSOCK_OPT_NODELAY, 1), XSOCK_ENOTSUP);
    /* Linux refuses these with EOPNOTSUPP and ENOPROTOOPT; xsock decides
     * before asking. */
    xt_err(xsock_set_option(p[0], XSOCK_OPT_KEEPIDLE, 60), XSOCK_ENOTSUP);
    xt_err(xsock_get_option(p[0], XSOCK_OPT_KEEPCNT, &v), XSOCK_ENOTSUP);
    xt_err(xsock_set_option(p[0], XSOCK_OPT_REUSEPORT, 1), XSOCK_ENOTSUP);
    xt_ok(xsock_set_option(p[0], XSOCK_OPT_KEEPALIVE, 1));
    xt_ok(xsock_get_option(p[0], XSOCK_OPT_TYPE, &v));
    assert_int_equal(v, XSOCK_STREAM);
    xt_ok(xsock_close(p[0]));
    xt_ok(xsock_close(p[1]));
  }
#endif
}

static void test_option_bad_arguments(void **state) {
  xsock_t t, closed;
  int v;
  (void)state;
  xt_ok(xsock_socket(&t, XSOCK_AF_INET, XSOCK_STREAM, 0));
  xt_err(xsock_set_option(t, 0, 1), XSOCK_EINVAL);
  xt_err(xsock_set_option(t, 99, 1), XSOCK_EINVAL);
  xt_err(xsock_get_option(t, 0, &v), XSOCK_EINVAL);
  xt_err(xsock_get_option(t, 99, &v), XSOCK_EINVAL);
  xt_err(xsock_get_option(t, XSOCK_OPT_NODELAY, NULL), XSOCK_EINVAL);
  xt_err(xsock_get_option(t, XSOCK_OPT_TYPE, NULL), XSOCK_EINVAL);
  assert_int_equal(xsock_last_os_error(), 0);
  xt_ok(xsock_close(t));
  /* A closed handle; nothing opens another one in between. */
  closed = t;
  xt_err(xsock_set_option(XSOCK_INVALID, XSOCK_OPT_NODELAY, 1), XSOCK_EBADF);
  xt_err(xsock_set_option(closed, XSOCK_OPT_NODELAY, 1), XSOCK_EBADF);
  xt_err(xsock_set_option(closed, XSOCK_OPT_LINGER, 1), XSOCK_EBADF);
  xt_err(xsock_get_option(XSOCK_INVALID, XSOCK_OPT_NODELAY, &v), XSOCK_EBADF);
  xt_err(xsock_get_option(closed, XSOCK_OPT_NODELAY, &v), XSOCK_EBADF);
  xt_err(xsock_get_option(closed, XSOCK_OPT_LINGER, &v), XSOCK_EBADF);
  xt_err(xsock_get_option(closed, XSOCK_OPT_TYPE, &v), XSOCK_EBADF);
  /* Options with no rule on the socket's kind, one of them ignored on
   * Windows: a closed handle is still XSOCK_EBADF on every OS. */
  xt_err(xsock_set_option(closed, XSOCK_OPT_REUSEADDR, 1), XSOCK_EBADF);
  xt_err(xsock_get_option(closed, XSOCK_OPT_REUSEADDR, &v), XSOCK_EBADF);
  xt_err(xsock_set_option(closed, XSOCK_OPT_SNDBUF, 4096), XSOCK_EBADF);
  xt_err(xsock_get_option(closed, XSOCK_OPT_RCVBUF, &v), XSOCK_EBADF);
}

/* A failed get stores 0, whichever check or OS call failed. */
static void test_get_option_failure_value(void **state) {
  xsock_t t4, u4;
  int v;
  (void)state;
  xt_ok(xsock_socket(&t4, XSOCK_AF_INET, XSOCK_STREAM, 0));
  xt_ok(xsock_socket(&u4, XSOCK_AF_INET, XSOCK_DGRAM, 0));
  v = 77;
  xt_err(xsock_get_option(t4, 99, &v), XSOCK_EINVAL);
  assert_int_equal(v, 0);
  v = 77;
  xt_err(xsock_get_option(XSOCK_INVALID, XSOCK_OPT_SNDBUF, &v), XSOCK_EBADF);
  assert_int_equal(v, 0);
  v = 77;
  xt_err(xsock_get_option(t4, XSOCK_OPT_V6ONLY, &v), XSOCK_ENOTSUP);
  assert_int_equal(v, 0);
  v = 77;
  xt_err(xsock_get_option(u4, XSOCK_OPT_LINGER, &v), XSOCK_ENOTSUP);
  assert_int_equal(v, 0);
  xt_ok(xsock_close(t4));
  xt_ok(xsock_close(u4));
  v = 77;
  xt_err(xsock_get_option(t4, XSOCK_OPT_RCVBUF, &v), XSOCK_EBADF);
  assert_int_equal(v, 0);
  v = 77;
  xt_err(xsock_get_option(u4, XSOCK_OPT_TYPE, &v), XSOCK_EBADF);
  assert_int_equal(v, 0);
}

static void test_names(void **state) {
  xsock_t l, c, s, u;
  xsock_addr_t la, a, b, any;
  (void)state;
  xt_listener(&l, &la, XSOCK_AF_INET);
  xt_ok(xsock_socket(&c, XSOCK_AF_INET, XSOCK_STREAM, 0));
  xt_ok(xsock_connect(c, &la));
  xt_ok(xsock_accept(l, &s, NULL, 0));
  /* Each end's name is the other end's peer. */
  xt_ok(xsock_getsockname(c, &a));
  xt_ok(xsock_getpeername(s, &b));
  assert_true(xsock_addr_equal(&a, &b));
  xt_ok(xsock_getsockname(s, &a));
  xt_ok(xsock_getpeername(c, &b));
  assert_true(xsock_addr_equal(&a, &b));
  assert_true(xsock_addr_equal(&b, &la));
  /* A listener has no peer. */
  xt_err(xsock_getpeername(l, &a), XSOCK_ENOTCONN);
  /* An unbound socket's name is the any-address, port 0. */
  xt_ok(xsock_socket(&u, XSOCK_AF_INET, XSOCK_DGRAM, 0));
  xt_ok(xsock_getsockname(u, &a));
  xt_ok(xsock_addr_any(&any, XSOCK_AF_INET, 0));
  assert_true(xsock_addr_equal(&a, &any));
  xt_err(xsock_getsockname(u, NULL), XSOCK_EINVAL);
  xt_err(xsock_getpeername(c, NULL), XSOCK_EINVAL);
  xt_ok(xsock_close(u));
  xt_ok(xsock_close(c));
  xt_ok(xsock_close(s));
  xt_ok(xsock_close(l));
  xt_err(xsock_getsockname(XSOCK_INVALID, &a), XSOCK_EBADF);
  xt_err(xsock_getpeername(XSOCK_INVALID, &a), XSOCK_EBADF);
  xt_err(xsock_getsockname(l, &a), XSOCK_EBADF);
  xt_err(xsock_getpeername(l, &a), XSOCK_EBADF);
}

/* 1 where this OS has the keepalive tuning options (xsock.h says where),
 * 0 where it has none, -1 where either is right: Wine 8.0 refuses all
 * three with WSAENOPROTOOPT, as a Windows older than the options does,
 * while Windows 10 version 1709 and later has them; a later Wine may add
 * them. Either way an answer must be the same for set and get. */
static int keepalive_tuning_expected(void) {
#if defined(__OpenBSD__)
  return 0;
#elif defined(_WIN32)
  return xt_is_wine() ? -1 : 1;
#else
  return 1;
#endif
}

/* One keepalive tuning option on a TCP socket: its range, the same on
 * every OS, and its read-back where the OS has it. */
static void check_keepalive_option(xsock_t t, int option, int max) {
  int expected = keepalive_tuning_expected(), v = -5, first, rc;
  /* Outside 1..max is XSOCK_EINVAL before the OS is asked. */
  xt_err(xsock_set_option(t, option, 0), XSOCK_EINVAL);
  xt_err(xsock_set_option(t, option, -1), XSOCK_EINVAL);
  xt_err(xsock_set_option(t, option, max + 1), XSOCK_EINVAL);
  rc = xsock_set_option(t, option, 1);
  if (expected < 0)
    expected = rc != XSOCK_ENOTSUP;
  if (!expected) {
    xt_err(rc, XSOCK_ENOTSUP);
    xt_err(xsock_set_option(t, option, max), XSOCK_ENOTSUP);
    xt_err(xsock_get_option(t, option, &v), XSOCK_ENOTSUP);
    assert_int_equal(v, 0);
    return;
  }
  xt_ok(rc);
  xt_ok(xsock_get_option(t, option, &v));
  assert_int_equal(v, 1);
  xt_ok(xsock_set_option(t, option, max));
  xt_ok(xsock_get_option(t, option, &v));
  assert_int_equal(v, max);
  first = max / 2;
  xt_ok(xsock_set_option(t, option, first));
  xt_ok(xsock_get_option(t, option, &v));
  assert_int_equal(v, first);
  /* A refused value leaves the one set before. */
  xt_err(xsock_set_option(t, option, max + 1), XSOCK_EINVAL);
  xt_ok(xsock_get_option(t, option, &v));
  assert_int_equal(v, first);
}

static void test_keepalive_tuning(void **state) {
  xsock_t t, t6, c, s;
  int v, expected;
  (void)state;
  xt_ok(xsock_socket(&t, XSOCK_AF_INET, XSOCK_STREAM, 0));
  xt_ok(xsock_socket(&t6, XSOCK_AF_INET6, XSOCK_STREAM, 0));
  check_keepalive_option(t, XSOCK_OPT_KEEPIDLE, 32767);
  check_keepalive_option(t, XSOCK_OPT_KEEPINTVL, 32767);
  check_keepalive_option(t, XSOCK_OPT_KEEPCNT, 127);
  check_keepalive_option(t6, XSOCK_OPT_KEEPIDLE, 32767);
  check_keepalive_option(t6, XSOCK_OPT_KEEPINTVL, 32767);
  check_keepalive_option(t6, XSOCK_OPT_KEEPCNT, 127);
  xt_ok(xsock_close(t));
  xt_ok(xsock_close(t6));
  /* On a connection, with keepalive off and then on: the values are the
   * socket's own, kept whether keepalive is on or not, and one does not
   * move another (SIO_KEEPALIVE_VALS, which xsock does not use, would set
   * two of them and keepalive itself at once). */
  xt_tcp_pair(&c, &s);
  expected = keepalive_tuning_expected();
  if (expected < 0)
    expected = xsock_set_option(c, XSOCK_OPT_KEEPIDLE, 600) != XSOCK_ENOTSUP;
  if (expected) {
    xt_ok(xsock_get_option(c, XSOCK_OPT_KEEPALIVE, &v));
    assert_int_equal(v, 0);
    xt_ok(xsock_set_option(c, XSOCK_OPT_KEEPIDLE, 600));
    xt_ok(xsock_set_option(c, XSOCK_OPT_KEEPINTVL, 30));
    xt_ok(xsock_set_option(c, XSOCK_OPT_KEEPCNT, 4));
    xt_ok(xsock_get_option(c, XSOCK_OPT_KEEPALIVE, &v));
    assert_int_equal(v, 0);
    xt_ok(xsock_set_option(c, XSOCK_OPT_KEEPALIVE, 1));
    xt_ok(xsock_set_option(c, XSOCK_OPT_KEEPINTVL, 31));
    xt_ok(xsock_get_option(c, XSOCK_OPT_KEEPIDLE, &v));
    assert_int_equal(v, 600);
    xt_ok(xsock_get_option(c, XSOCK_OPT_KEEPINTVL, &v));
    assert_int_equal(v, 31);
    xt_ok(xsock_get_option(c, XSOCK_OPT_KEEPCNT, &v));
    assert_int_equal(v, 4);
    /* The peer's are its own. */
    xt_ok(xsock_get_option(s, XSOCK_OPT_KEEPIDLE, &v));
    assert_true(v > 0 && v != 600);
  } else {
    xt_err(xsock_get_option(c, XSOCK_OPT_KEEPIDLE, &v), XSOCK_ENOTSUP);
    xt_err(xsock_get_option(s, XSOCK_OPT_KEEPCNT, &v), XSOCK_ENOTSUP);
  }
  xt_ok(xsock_close(c));
  xt_ok(xsock_close(s));
  /* A closed handle is XSOCK_EBADF, a bad value XSOCK_EINVAL first. */
  xt_err(xsock_set_option(c, XSOCK_OPT_KEEPIDLE, 60), XSOCK_EBADF);
  xt_err(xsock_get_option(c, XSOCK_OPT_KEEPCNT, &v), XSOCK_EBADF);
  xt_err(xsock_set_option(c, XSOCK_OPT_KEEPINTVL, 0), XSOCK_EINVAL);
}

/* 1 where XSOCK_OPT_REUSEPORT exists (xsock.h): Linux, and FreeBSD 12
 * and later, the FreeBSD the CI matrix runs. */
#if defined(__linux__) || defined(__FreeBSD__)
#define REUSEPORT_BALANCES 1
#else
#define REUSEPORT_BALANCES 0
#endif

#if REUSEPORT_BALANCES
/* Accepts whatever is queued on the listener l, closing each, and counts
 * it in *n. */
static void accept_all(xsock_t l, int *n) {
  xsock_t a;
  int rc;
  while ((rc = xsock_accept(l, &a, NULL, 0)) == 0) {
    ++*n;
    xt_ok(xsock_close(a));
  }
  xt_err(rc, XSOCK_EAGAIN);
}

/* A listener on addr with REUSEPORT set before bind, non-blocking so that
 * accept_all() can empty it. */
static void reuseport_listener(xsock_t *l, const xsock_addr_t *addr) {
  int v = -5;
  xt_ok(xsock_socket(l, addr->family, XSOCK_STREAM, XSOCK_NONBLOCK));
  xt_ok(xsock_get_option(*l, XSOCK_OPT_REUSEPORT, &v));
  assert_int_equal(v, 0);
  xt_ok(xsock_set_option(*l, XSOCK_OPT_REUSEPORT, 1));
  xt_ok(xsock_get_option(*l, XSOCK_OPT_REUSEPORT, &v));
  assert_int_equal(v, 1);
  xt_ok(xsock_bind(*l, addr));
  xt_ok(xsock_listen(*l, 64));
}
#endif

#if REUSEPORT_BALANCES
/* Two listeners share one port, and connections reach both. */
static void test_reuseport(void **state) {
  xsock_t t, l1, l2, other;
  xsock_addr_t lo, la;
  xsock_selector_t *sel;
  xsock_event_t ev[4];
  int n1 = 0, n2 = 0, i, k, nev;
  (void)state;
  xt_ok(xsock_socket(&t, XSOCK_AF_INET, XSOCK_STREAM, 0));
  xt_err(xsock_set_option(t, XSOCK_OPT_REUSEPORT, 2), XSOCK_EINVAL);
  xt_err(xsock_set_option(t, XSOCK_OPT_REUSEPORT, -1), XSOCK_EINVAL);
  xt_ok(xsock_close(t));
  xt_ok(xsock_addr_loopback(&lo, XSOCK_AF_INET, 0));
  reuseport_listener(&l1, &lo);
  xt_ok(xsock_getsockname(l1, &la));
  reuseport_listener(&l2, &la);
  /* The option is what lets the second one in: a socket without it
   * cannot bind the shared port. */
  xt_ok(xsock_socket(&other, XSOCK_AF_INET, XSOCK_STREAM, 0));
  xt_err(xsock_bind(other, &la), XSOCK_EADDRINUSE);
  xt_ok(xsock_close(other));
  /* The kernel picks a listener by a hash of each connection's addresses,
   * so new source ports reach both soon: connect until each has accepted
   * one. Each connection is waited for (within a bound that only ends a
   * failing run) before the next, so nothing depends on timing; 256
   * connections all hashed to one listener would be a chance of 2^-255. */
  xt_ok(xsock_selector_open(&sel, XSOCK_BACKEND_DEFAULT));
  xt_ok(xsock_selector_add(sel, l1, XSOCK_READ, &n1));
  xt_ok(xsock_selector_add(sel, l2, XSOCK_READ, &n2));
  for (i = 0; i < 256 && (n1 == 0 || n2 == 0); i++) {
    xsock_t c;
    int before = n1 + n2;
    xt_ok(xsock_socket(&c, XSOCK_AF_INET, XSOCK_STREAM, 0));
    xt_ok(xsock_connect(c, &la));
    while (n1 + n2 == before) {
      nev = xsock_selector_wait(sel, ev, 4, 10000);
      assert_true(nev > 0);
      for (k = 0; k < nev; k++)
        accept_all(ev[k].sock, (int *)ev[k].udata);
    }
    assert_int_equal(n1 + n2, before + 1);
    xt_ok(xsock_close(c));
  }
  assert_true(n1 > 0);
  assert_true(n2 > 0);
  xsock_selector_close(sel);
  xt_ok(xsock_close(l1));
  xt_ok(xsock_close(l2));
}
#else
/* No OS option spreads connections here (Windows, macOS, the other BSDs):
 * refused for set and get, without a system call, and never turned into
 * another option. The same under Wine, since nothing asks it. */
static void test_reuseport(void **state) {
  xsock_t t;
  int v = -5;
  (void)state;
  xt_ok(xsock_socket(&t, XSOCK_AF_INET, XSOCK_STREAM, 0));
  xt_err(xsock_set_option(t, XSOCK_OPT_REUSEPORT, 2), XSOCK_EINVAL);
  xt_err(xsock_set_option(t, XSOCK_OPT_REUSEPORT, -1), XSOCK_EINVAL);
  xt_err(xsock_set_option(t, XSOCK_OPT_REUSEPORT, 1), XSOCK_ENOTSUP);
  assert_int_equal(xsock_last_os_error(), 0);
  xt_err(xsock_set_option(t, XSOCK_OPT_REUSEPORT, 0), XSOCK_ENOTSUP);
  xt_err(xsock_get_option(t, XSOCK_OPT_REUSEPORT, &v), XSOCK_ENOTSUP);
  assert_int_equal(v, 0);
  xt_ok(xsock_close(t));
}
#endif

#ifndef _WIN32
/* POSIX only: on Windows REUSEADDR is a documented no-op and rebinding a
 * port with connections in TIME_WAIT follows exclusive-address rules. */
static void test_reuseaddr_rebind_after_close(void **state) {
  xsock_t l, c, s, l2;
  xsock_addr_t any, la;
  int v;
  (void)state;
  /* The server side closes first, so its end of the connection keeps the
   * port (TIME_WAIT). A listener with REUSEADDR, whose accepted sockets
   * inherit it, may bind the port again; one without may not. */
  xt_ok(xsock_socket(&l, XSOCK_AF_INET, XSOCK_STREAM, 0));
  xt_ok(xsock_set_option(l, XSOCK_OPT_REUSEADDR, 1));
  xt_ok(xsock_addr_loopback(&any, XSOCK_AF_INET, 0));
  xt_ok(xsock_bind(l, &any));
  xt_ok(xsock_listen(l, 0));
  xt_ok(xsock_getsockname(l, &la));
  xt_ok(xsock_socket(&c, XSOCK_AF_INET, XSOCK_STREAM, 0));
  xt_ok(xsock_connect(c, &la));
  xt_ok(xsock_accept(l, &s, NULL, 0));
  xt_ok(xsock_close(l));
  xt_ok(xsock_close(s));
  xt_ok(xsock_close(c));
  xt_ok(xsock_socket(&l2, XSOCK_AF_INET, XSOCK_STREAM, 0));
  xt_ok(xsock_get_option(l2, XSOCK_OPT_REUSEADDR, &v));
  assert_int_equal(v, 0);
  xt_err(xsock_bind(l2, &la), XSOCK_EADDRINUSE);
  xt_ok(xsock_set_option(l2, XSOCK_OPT_REUSEADDR, 1));
  xt_ok(xsock_get_option(l2, XSOCK_OPT_REUSEADDR, &v));
  assert_int_equal(v, 1);
  xt_ok(xsock_bind(l2, &la));
  xt_ok(xsock_listen(l2, 0));
  xt_ok(xsock_close(l2));
}
#endif

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_boolean_options),
      cmocka_unit_test(test_defaults),
      cmocka_unit_test(test_linger),
      cmocka_unit_test(test_buffer_sizes),
      cmocka_unit_test(test_type),
      cmocka_unit_test(test_option_of_another_kind),
      cmocka_unit_test(test_option_bad_arguments),
      cmocka_unit_test(test_get_option_failure_value),
      cmocka_unit_test(test_names),
      cmocka_unit_test(test_keepalive_tuning),
      cmocka_unit_test(test_reuseport),
#ifndef _WIN32
      cmocka_unit_test(test_reuseaddr_rebind_after_close),
#endif
  };
  int rc;
  if (xsock_init() != 0)
    return 1;
  rc = cmocka_run_group_tests_name("options", tests, NULL, NULL);
  xsock_cleanup();
  return rc;
}
