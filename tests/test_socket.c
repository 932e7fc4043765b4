/* SPDX-License-Identifier: MIT */
/* Socket life cycle: create, bind, listen, accept, shutdown, close,
 * close-on-exec (connecting has its own suite, test_connect.c). */
#include "xtest.h"

#include <string.h>

#ifndef _WIN32
#include <fcntl.h>
#include <stdio.h>
#include <unistd.h>
#endif

/* Accepts on a non-blocking listener, retrying while nothing is pending. */
static void accept_retry(xsock_t l, xsock_t *out, int flags) {
  int i, rc = XSOCK_EAGAIN;
  for (i = 0; i < 20000 && rc == XSOCK_EAGAIN; i++) {
    rc = xsock_accept(l, out, NULL, flags);
    if (rc == XSOCK_EAGAIN)
      xt_sleep_ms(1);
  }
  xt_ok(rc);
}

static void test_create_every_kind(void **state) {
  static const int families[] = {XSOCK_AF_INET, XSOCK_AF_INET6};
  size_t i;
  int t, v;
  xsock_t s;
  (void)state;
  for (i = 0; i < sizeof families / sizeof families[0]; i++) {
    for (t = XSOCK_STREAM; t <= XSOCK_DGRAM; t++) {
      s = 12345;
      xt_ok(xsock_socket(&s, families[i], t, 0));
      assert_int_not_equal(s, XSOCK_INVALID);
      xt_ok(xsock_get_option(s, XSOCK_OPT_TYPE, &v));
      assert_int_equal(v, t);
      xt_ok(xsock_close(s));
      xt_ok(xsock_socket(&s, families[i], t, XSOCK_NONBLOCK));
      xt_ok(xsock_close(s));
    }
  }
}

static void test_create_bad_arguments(void **state) {
  xsock_t s;
  (void)state;
  xt_err(xsock_socket(NULL, XSOCK_AF_INET, XSOCK_STREAM, 0), XSOCK_EINVAL);
  s = 7;
  xt_err(xsock_socket(&s, XSOCK_AF_UNSPEC, XSOCK_STREAM, 0), XSOCK_EINVAL);
  assert_int_equal(s, XSOCK_INVALID);
  s = 7;
  xt_err(xsock_socket(&s, 99, XSOCK_STREAM, 0), XSOCK_EINVAL);
  assert_int_equal(s, XSOCK_INVALID);
  s = 7;
  xt_err(xsock_socket(&s, XSOCK_AF_INET, 0, 0), XSOCK_EINVAL);
  assert_int_equal(s, XSOCK_INVALID);
  s = 7;
  xt_err(xsock_socket(&s, XSOCK_AF_INET, 3, 0), XSOCK_EINVAL);
  assert_int_equal(s, XSOCK_INVALID);
  s = 7;
  xt_err(xsock_socket(&s, XSOCK_AF_INET, XSOCK_STREAM, 2), XSOCK_EINVAL);
  assert_int_equal(s, XSOCK_INVALID);
  assert_int_equal(xsock_last_os_error(), 0);
}

static void test_invalid_handles(void **state) {
  xsock_t s, out = 7;
  xsock_addr_t a;
  (void)state;
  xt_ok(xsock_addr_loopback(&a, XSOCK_AF_INET, 0));
  /* A handle that was valid and is closed now: the OS says EBADF. Nothing
   * else opens handles in between in this single-threaded test. */
  xt_ok(xsock_socket(&s, XSOCK_AF_INET, XSOCK_STREAM, 0));
  xt_ok(xsock_close(s));
  xt_err(xsock_close(s), XSOCK_EBADF);
  xt_err(xsock_close(XSOCK_INVALID), XSOCK_EBADF);
  xt_err(xsock_bind(XSOCK_INVALID, &a), XSOCK_EBADF);
  xt_err(xsock_bind(s, &a), XSOCK_EBADF);
  xt_err(xsock_listen(XSOCK_INVALID, 1), XSOCK_EBADF);
  xt_err(xsock_listen(s, 1), XSOCK_EBADF);
  xt_err(xsock_accept(XSOCK_INVALID, &out, NULL, 0), XSOCK_EBADF);
  assert_int_equal(out, XSOCK_INVALID);
  out = 7;
  xt_err(xsock_accept(s, &out, &a, 0), XSOCK_EBADF);
  assert_int_equal(out, XSOCK_INVALID);
  /* A failed accept empties the peer address it was given. */
  assert_int_equal(xsock_addr_family(&a), XSOCK_AF_UNSPEC);
  xt_ok(xsock_addr_loopback(&a, XSOCK_AF_INET, 0));
  xt_err(xsock_connect(XSOCK_INVALID, &a), XSOCK_EBADF);
  xt_err(xsock_connect(s, &a), XSOCK_EBADF);
  xt_err(xsock_connect_result(XSOCK_INVALID), XSOCK_EBADF);
  xt_err(xsock_connect_result(s), XSOCK_EBADF);
  xt_err(xsock_shutdown(XSOCK_INVALID, XSOCK_SHUT_RDWR), XSOCK_EBADF);
  xt_err(xsock_shutdown(s, XSOCK_SHUT_RDWR), XSOCK_EBADF);
  xt_err(xsock_set_nonblocking(XSOCK_INVALID, 1), XSOCK_EBADF);
  xt_err(xsock_set_nonblocking(s, 1), XSOCK_EBADF);
}

static void test_null_arguments(void **state) {
  xsock_t s, l;
  xsock_addr_t a;
  (void)state;
  xt_listener(&l, &a, XSOCK_AF_INET);
  xt_ok(xsock_socket(&s, XSOCK_AF_INET, XSOCK_STREAM, 0));
  xt_err(xsock_bind(s, NULL), XSOCK_EINVAL);
  xt_err(xsock_connect(s, NULL), XSOCK_EINVAL);
  xt_err(xsock_accept(l, NULL, NULL, 0), XSOCK_EINVAL);
  xt_err(xsock_accept(l, &s, NULL, 2), XSOCK_EINVAL);
  assert_int_equal(s, XSOCK_INVALID);
  xt_ok(xsock_close(l));
}

static void test_bind_conflict(void **state) {
  xsock_t l, s;
  xsock_addr_t a;
  (void)state;
  xt_listener(&l, &a, XSOCK_AF_INET);
  assert_int_not_equal(xsock_addr_port(&a), 0);
  xt_ok(xsock_socket(&s, XSOCK_AF_INET, XSOCK_STREAM, 0));
  xt_err(xsock_bind(s, &a), XSOCK_EADDRINUSE);
  assert_int_not_equal(xsock_last_os_error(), 0);
  xt_ok(xsock_close(s));
  xt_ok(xsock_close(l));
}

static void test_connect_accept_blocking(void **state) {
  xsock_t l, c, s;
  xsock_addr_t la, peer, cname, cpeer, sname, speer;
  char buf[8];
  (void)state;
  xt_listener(&l, &la, XSOCK_AF_INET);
  xt_ok(xsock_socket(&c, XSOCK_AF_INET, XSOCK_STREAM, 0));
  xt_ok(xsock_connect(c, &la));
  xt_ok(xsock_connect_result(c));
  xt_ok(xsock_accept(l, &s, &peer, 0));
  xt_ok(xsock_getsockname(c, &cname));
  xt_ok(xsock_getpeername(c, &cpeer));
  xt_ok(xsock_getsockname(s, &sname));
  xt_ok(xsock_getpeername(s, &speer));
  /* Both ends agree on who is who. */
  assert_true(xsock_addr_equal(&peer, &cname));
  assert_true(xsock_addr_equal(&speer, &cname));
  assert_true(xsock_addr_equal(&cpeer, &sname));
  assert_true(xsock_addr_equal(&cpeer, &la));
  assert_int_equal(xsock_send(c, "ping", 4), 4);
  assert_int_equal(xsock_recv_exact(s, buf, 4), 4);
  assert_memory_equal(buf, "ping", 4);
  xt_ok(xsock_close(c));
  xt_ok(xsock_close(s));
  xt_ok(xsock_close(l));
}

static void test_ipv6_loopback(void **state) {
  xsock_t l, c, s;
  xsock_addr_t la, peer;
  char buf[4];
  int v;
  (void)state;
  xt_listener(&l, &la, XSOCK_AF_INET6);
  assert_int_equal(xsock_addr_family(&la), XSOCK_AF_INET6);
  xt_ok(xsock_get_option(l, XSOCK_OPT_V6ONLY, &v));
  assert_int_equal(v, 1);
  xt_ok(xsock_socket(&c, XSOCK_AF_INET6, XSOCK_STREAM, 0));
  xt_ok(xsock_connect(c, &la));
  xt_ok(xsock_accept(l, &s, &peer, 0));
  assert_int_equal(xsock_addr_family(&peer), XSOCK_AF_INET6);
  assert_int_equal(xsock_sendall(s, "v6!", 3), 3);
  assert_int_equal(xsock_recv_exact(c, buf, 3), 3);
  assert_memory_equal(buf, "v6!", 3);
  xt_ok(xsock_close(c));
  xt_ok(xsock_close(s));
  xt_ok(xsock_close(l));
}

static void test_accept_nonblocking(void **state) {
  xsock_t l, c, s = 7;
  xsock_addr_t any, la;
  char buf[4];
  (void)state;
  xt_ok(xsock_socket(&l, XSOCK_AF_INET, XSOCK_STREAM, XSOCK_NONBLOCK));
  xt_ok(xsock_addr_loopback(&any, XSOCK_AF_INET, 0));
  xt_ok(xsock_bind(l, &any));
  xt_ok(xsock_listen(l, 0));
  xt_ok(xsock_getsockname(l, &la));
  xt_err(xsock_accept(l, &s, NULL, 0), XSOCK_EAGAIN);
  assert_int_equal(s, XSOCK_INVALID);
  xt_ok(xsock_socket(&c, XSOCK_AF_INET, XSOCK_STREAM, 0));
  xt_ok(xsock_connect(c, &la));
  accept_retry(l, &s, XSOCK_NONBLOCK);
  /* XSOCK_NONBLOCK made the accepted socket non-blocking. */
  xt_err(xsock_recv(s, buf, sizeof buf), XSOCK_EAGAIN);
  xt_ok(xsock_close(s));
  xt_ok(xsock_close(c));
  xt_ok(xsock_close(l));
}

#ifndef _WIN32
/* fcntl() exposes close-on-exec and O_NONBLOCK; Windows has no such flags
 * on sockets (inheritance is checked there by the win32 suites). */
static int is_cloexec(int fd) { return (fcntl(fd, F_GETFD) & FD_CLOEXEC) != 0; }
static int is_nonblock(int fd) {
  return (fcntl(fd, F_GETFL) & O_NONBLOCK) != 0;
}

static void test_cloexec_and_blocking_state(void **state) {
  xsock_t l, c, s, p[2];
  xsock_addr_t any, la;
  (void)state;
  xt_ok(xsock_socket(&l, XSOCK_AF_INET, XSOCK_STREAM, XSOCK_NONBLOCK));
  assert_true(is_cloexec(l));
  assert_true(is_nonblock(l));
  xt_ok(xsock_addr_loopback(&any, XSOCK_AF_INET, 0));
  xt_ok(xsock_bind(l, &any));
  xt_ok(xsock_listen(l, 0));
  xt_ok(xsock_getsockname(l, &la));
  xt_ok(xsock_socket(&c, XSOCK_AF_INET, XSOCK_STREAM, 0));
  assert_true(is_cloexec(c));
  assert_false(is_nonblock(c));
  xt_ok(xsock_connect(c, &la));
  /* Accepted without XSOCK_NONBLOCK from a non-blocking listener: the
   * new socket is blocking even where accept() would inherit the flag. */
  accept_retry(l, &s, 0);
  assert_true(is_cloexec(s));
  assert_false(is_nonblock(s));
  xt_ok(xsock_set_nonblocking(s, 1));
  assert_true(is_nonblock(s));
  xt_ok(xsock_set_nonblocking(s, 0));
  assert_false(is_nonblock(s));
  xt_ok(xsock_socketpair(XSOCK_STREAM, p));
  assert_true(is_cloexec(p[0]) && is_cloexec(p[1]));
  assert_false(is_nonblock(p[0]) || is_nonblock(p[1]));
  xt_ok(xsock_close(p[0]));
  xt_ok(xsock_close(p[1]));
  xt_ok(xsock_close(s));
  xt_ok(xsock_close(c));
  xt_ok(xsock_close(l));
}

/* AF_UNIX exists on POSIX only (xsock gives EAFNOSUPPORT on Windows). */
static void test_unix_stream_and_dgram(void **state) {
  char path[64];
  xsock_t l, c, s, d1, d2;
  xsock_addr_t ua, peer, name;
  char buf[8];
  (void)state;
  snprintf(path, sizeof path, "xsock-test-%ld.sock", (long)getpid());
  (void)unlink(path);
  xt_ok(xsock_addr_unix(&ua, path));
  xt_ok(xsock_socket(&l, XSOCK_AF_UNIX, XSOCK_STREAM, 0));
  xt_ok(xsock_bind(l, &ua));
  xt_ok(xsock_listen(l, 0));
  xt_ok(xsock_getsockname(l, &name));
  assert_true(xsock_addr_equal(&name, &ua));
  xt_ok(xsock_socket(&c, XSOCK_AF_UNIX, XSOCK_STREAM, 0));
  xt_ok(xsock_connect(c, &ua));
  xt_ok(xsock_accept(l, &s, &peer, 0));
  assert_true(peer.family == XSOCK_AF_UNIX || peer.family == XSOCK_AF_UNSPEC);
  assert_int_equal(xsock_sendall(c, "unix", 4), 4);
  assert_int_equal(xsock_recv_exact(s, buf, 4), 4);
  assert_memory_equal(buf, "unix", 4);
  xt_ok(xsock_close(c));
  xt_ok(xsock_close(s));
  xt_ok(xsock_close(l));
  assert_int_equal(unlink(path), 0);

  xt_ok(xsock_socket(&d1, XSOCK_AF_UNIX, XSOCK_DGRAM, 0));
  xt_ok(xsock_bind(d1, &ua));
  xt_ok(xsock_socket(&d2, XSOCK_AF_UNIX, XSOCK_DGRAM, 0));
  assert_int_equal(xsock_sendto(d2, "dg", 2, &ua), 2);
  assert_int_equal(xsock_recvfrom(d1, buf, sizeof buf, NULL), 2);
  assert_memory_equal(buf, "dg", 2);
  xt_ok(xsock_close(d1));
  xt_ok(xsock_close(d2));
  assert_int_equal(unlink(path), 0);
}
#endif

static void test_shutdown(void **state) {
  xsock_t c, s, u;
  char buf[8];
  (void)state;
  xt_tcp_pair(&c, &s);
  xt_err(xsock_shutdown(c, 3), XSOCK_EINVAL);
  xt_err(xsock_shutdown(c, -1), XSOCK_EINVAL);
  xt_ok(xsock_shutdown(c, XSOCK_SHUT_WR));
  /* The server sees end of stream but can still answer. */
  assert_int_equal(xsock_recv(s, buf, sizeof buf), 0);
  assert_int_equal(xsock_sendall(s, "late", 4), 4);
  assert_int_equal(xsock_recv_exact(c, buf, 4), 4);
  assert_memory_equal(buf, "late", 4);
  /* Writing after SHUT_WR is a broken pipe, never a signal. */
  xt_err(xsock_send(c, "x", 1), XSOCK_EPIPE);
  xt_ok(xsock_shutdown(s, XSOCK_SHUT_RDWR));
  xt_ok(xsock_close(c));
  xt_ok(xsock_close(s));
  xt_ok(xsock_socket(&u, XSOCK_AF_INET, XSOCK_STREAM, 0));
  xt_err(xsock_shutdown(u, XSOCK_SHUT_RDWR), XSOCK_ENOTCONN);
  xt_ok(xsock_close(u));
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_create_every_kind),
      cmocka_unit_test(test_create_bad_arguments),
      cmocka_unit_test(test_invalid_handles),
      cmocka_unit_test(test_null_arguments),
      cmocka_unit_test(test_bind_conflict),
      cmocka_unit_test(test_connect_accept_blocking),
      cmocka_unit_test(test_ipv6_loopback),
      cmocka_unit_test(test_accept_nonblocking),
#ifndef _WIN32
      cmocka_unit_test(test_cloexec_and_blocking_state),
      cmocka_unit_test(test_unix_stream_and_dgram),
#endif
      cmocka_unit_test(test_shutdown),
  };
  int rc;
  if (xsock_init() != 0)
    return 1;
  rc = cmocka_run_group_tests_name("socket", tests, NULL, NULL);
  xsock_cleanup();
  return rc;
}
