/* SPDX-License-Identifier: MIT */
/* Misuse of the socket calls gives one code on every OS: the front end in
 * src/common checks the arguments once, in one order (arguments, then the
 * handle), and the cases where the OSes disagree underneath have one
 * decided answer (docs/semantics.md, "Socket-call misuse"). */
#include "xtest.h"

#include <stdint.h>
#include <string.h>

/* Arguments are checked before the handle, so a bad argument gives
 * XSOCK_EINVAL even with XSOCK_INVALID as the handle (Linux used to say
 * EBADF and Windows EINVAL for the shutdown), and nothing reaches the OS. */
static void test_arguments_before_handle(void **state) {
  xsock_t out = 7, closed;
  xsock_addr_t empty, a;
  char buf[16];
  (void)state;
  memset(&empty, 0, sizeof empty);
  xt_err(xsock_shutdown(XSOCK_INVALID, 7), XSOCK_EINVAL);
  xt_err(xsock_shutdown(XSOCK_INVALID, -1), XSOCK_EINVAL);
  xt_err(xsock_shutdown(XSOCK_INVALID, XSOCK_SHUT_RDWR), XSOCK_EBADF);
  xt_err(xsock_bind(XSOCK_INVALID, NULL), XSOCK_EINVAL);
  xt_err(xsock_bind(XSOCK_INVALID, &empty), XSOCK_EINVAL);
  xt_err(xsock_connect(XSOCK_INVALID, NULL), XSOCK_EINVAL);
  xt_err(xsock_connect(XSOCK_INVALID, &empty), XSOCK_EINVAL);
  xt_err(xsock_accept(XSOCK_INVALID, &out, NULL, 2), XSOCK_EINVAL);
  assert_int_equal(out, XSOCK_INVALID);
  xt_err(xsock_accept(XSOCK_INVALID, NULL, NULL, 0), XSOCK_EINVAL);
  xt_err(xsock_send(XSOCK_INVALID, NULL, 1), XSOCK_EINVAL);
  xt_err(xsock_recv(XSOCK_INVALID, NULL, 1), XSOCK_EINVAL);
  xt_err(xsock_sendall(XSOCK_INVALID, NULL, 1), XSOCK_EINVAL);
  xt_err(xsock_recv_exact(XSOCK_INVALID, buf, SIZE_MAX), XSOCK_EINVAL);
  xt_err(xsock_sendto(XSOCK_INVALID, "x", 1, NULL), XSOCK_EINVAL);
  xt_err(xsock_sendto(XSOCK_INVALID, "x", 1, &empty), XSOCK_EINVAL);
  memset(&a, 0xab, sizeof a);
  xt_err(xsock_recvfrom(XSOCK_INVALID, NULL, 1, &a), XSOCK_EINVAL);
  assert_int_equal(xsock_addr_family(&a), XSOCK_AF_UNSPEC);
  xt_err(xsock_getsockname(XSOCK_INVALID, NULL), XSOCK_EINVAL);
  xt_err(xsock_getpeername(XSOCK_INVALID, NULL), XSOCK_EINVAL);
  xt_err(xsock_socketpair(99, NULL), XSOCK_EINVAL);
  assert_int_equal(xsock_last_os_error(), 0);
  /* A closed handle is judged the same way: the bad argument first. */
  xt_ok(xsock_socket(&closed, XSOCK_AF_INET, XSOCK_STREAM, 0));
  xt_ok(xsock_close(closed));
  xt_err(xsock_shutdown(closed, 7), XSOCK_EINVAL);
  xt_err(xsock_bind(closed, &empty), XSOCK_EINVAL);
  xt_err(xsock_connect(closed, NULL), XSOCK_EINVAL);
  xt_err(xsock_send(closed, buf, SIZE_MAX), XSOCK_EINVAL);
  xt_err(xsock_recv(closed, buf, SIZE_MAX), XSOCK_EINVAL);
  xt_err(xsock_accept(closed, &out, NULL, 2), XSOCK_EINVAL);
  assert_int_equal(xsock_last_os_error(), 0);
  /* The handle comes next; the failed calls still set their outputs. */
  memset(&a, 0xab, sizeof a);
  xt_err(xsock_getsockname(XSOCK_INVALID, &a), XSOCK_EBADF);
  assert_int_equal(xsock_addr_family(&a), XSOCK_AF_UNSPEC);
  memset(&a, 0xab, sizeof a);
  xt_err(xsock_recvfrom(XSOCK_INVALID, buf, 1, &a), XSOCK_EBADF);
  assert_int_equal(xsock_addr_family(&a), XSOCK_AF_UNSPEC);
  memset(&a, 0xab, sizeof a);
  out = 7;
  xt_err(xsock_accept(XSOCK_INVALID, &out, &a, 0), XSOCK_EBADF);
  assert_int_equal(out, XSOCK_INVALID);
  assert_int_equal(xsock_addr_family(&a), XSOCK_AF_UNSPEC);
}

/* A length above PTRDIFF_MAX is a caller's bug (an unsigned underflow):
 * it is refused, never clamped into a read or write past the buffer. The
 * sockets are chosen so that the old, clamping code failed without
 * touching the buffer: a send after SHUT_WR, and empty non-blocking
 * sockets to receive from (c's peer never sends). */
static void test_length_above_ptrdiff_max(void **state) {
  static const size_t huge[] = {(size_t)PTRDIFF_MAX + 1, SIZE_MAX};
  xsock_t c, s, u;
  xsock_addr_t to, from;
  char buf[16];
  size_t i;
  (void)state;
  memset(buf, 0, sizeof buf);
  xt_tcp_pair(&c, &s);
  xt_ok(xsock_set_nonblocking(c, 1));
  xt_ok(xsock_shutdown(c, XSOCK_SHUT_WR));
  xt_ok(xsock_socket(&u, XSOCK_AF_INET, XSOCK_DGRAM, XSOCK_NONBLOCK));
  xt_ok(xsock_addr_loopback(&to, XSOCK_AF_INET, 0));
  xt_ok(xsock_bind(u, &to));
  xt_ok(xsock_getsockname(u, &to));
  for (i = 0; i < sizeof huge / sizeof huge[0]; i++) {
    xt_err(xsock_send(c, buf, huge[i]), XSOCK_EINVAL);
    xt_err(xsock_recv(c, buf, huge[i]), XSOCK_EINVAL);
    xt_err(xsock_sendto(u, buf, huge[i], &to), XSOCK_EINVAL);
    memset(&from, 0xab, sizeof from);
    xt_err(xsock_recvfrom(u, buf, huge[i], &from), XSOCK_EINVAL);
    assert_int_equal(xsock_addr_family(&from), XSOCK_AF_UNSPEC);
    xt_err(xsock_sendall(c, buf, huge[i]), XSOCK_EINVAL);
    xt_err(xsock_recv_exact(c, buf, huge[i]), XSOCK_EINVAL);
  }
  assert_int_equal(xsock_last_os_error(), 0);
  /* The sockets still work. */
  assert_int_equal(xsock_sendto(u, "ok", 2, &to), 2);
  xt_ok(xsock_set_nonblocking(u, 0));
  assert_int_equal(xsock_recvfrom(u, buf, sizeof buf, NULL), 2);
  assert_memory_equal(buf, "ok", 2);
  xt_ok(xsock_close(u));
  xt_ok(xsock_close(c));
  xt_ok(xsock_close(s));
}

/* listen on a socket never bound: POSIX binds it to the any-address of its
 * family and an ephemeral port, Windows refused it (WSAEINVAL). xsock
 * binds it the POSIX way on every OS, and getsockname then says so. */
static void listen_unbound(int family) {
  xsock_t l, c, s;
  xsock_addr_t name, any, to;
  xt_ok(xsock_socket(&l, family, XSOCK_STREAM, 0));
  xt_ok(xsock_listen(l, 0));
  xt_ok(xsock_getsockname(l, &name));
  assert_int_equal(xsock_addr_family(&name), family);
  assert_int_not_equal(xsock_addr_port(&name), 0);
  xt_ok(xsock_addr_any(&any, family, xsock_addr_port(&name)));
  assert_true(xsock_addr_equal(&name, &any));
  /* A listener in every sense: it accepts a connection. */
  xt_ok(xsock_addr_loopback(&to, family, xsock_addr_port(&name)));
  xt_ok(xsock_socket(&c, family, XSOCK_STREAM, 0));
  xt_ok(xsock_connect(c, &to));
  xt_ok(xsock_accept(l, &s, NULL, 0));
  assert_int_equal(xsock_sendall(c, "hi", 2), 2);
  {
    char buf[2];
    assert_int_equal(xsock_recv_exact(s, buf, 2), 2);
    assert_memory_equal(buf, "hi", 2);
  }
  xt_ok(xsock_close(s));
  xt_ok(xsock_close(c));
  xt_ok(xsock_close(l));
}

static void test_listen_unbound(void **state) {
  (void)state;
  listen_unbound(XSOCK_AF_INET);
  listen_unbound(XSOCK_AF_INET6);
}

/* A listener has no connection to shut down: Linux returned 0 for SHUT_WR
 * (and stopped the listener for SHUT_RD), Windows said ENOTCONN. xsock
 * says XSOCK_ENOTCONN for every how, and the listener keeps working. */
static void test_shutdown_listener(void **state) {
  xsock_t l, c, s;
  xsock_addr_t la;
  (void)state;
  xt_listener(&l, &la, XSOCK_AF_INET);
  xt_err(xsock_shutdown(l, XSOCK_SHUT_WR), XSOCK_ENOTCONN);
  xt_err(xsock_shutdown(l, XSOCK_SHUT_RD), XSOCK_ENOTCONN);
  xt_err(xsock_shutdown(l, XSOCK_SHUT_RDWR), XSOCK_ENOTCONN);
  xt_ok(xsock_socket(&c, XSOCK_AF_INET, XSOCK_STREAM, 0));
  xt_ok(xsock_connect(c, &la));
  xt_ok(xsock_accept(l, &s, NULL, 0));
  xt_ok(xsock_close(s));
  xt_ok(xsock_close(c));
  xt_ok(xsock_close(l));
}

/* bind, connect and sendto with an address of the other IP family: Linux
 * said EAFNOSUPPORT (or EINVAL, ENETUNREACH for an IPv6 socket), Windows
 * ENOTSUP or EFAULT. xsock says XSOCK_EAFNOSUPPORT. */
static void family_mismatch(int sock_family, int addr_family) {
  xsock_t t, u, l;
  xsock_addr_t any, la, to;
  xt_ok(xsock_addr_any(&any, addr_family, 0));
  xt_listener(&l, &la, addr_family);
  xt_ok(xsock_addr_loopback(&to, addr_family, xsock_addr_port(&la)));
  xt_ok(xsock_socket(&t, sock_family, XSOCK_STREAM, 0));
  xt_err(xsock_bind(t, &any), XSOCK_EAFNOSUPPORT);
  xt_err(xsock_connect(t, &la), XSOCK_EAFNOSUPPORT);
  xt_ok(xsock_close(t));
  xt_ok(xsock_socket(&t, sock_family, XSOCK_STREAM, XSOCK_NONBLOCK));
  xt_err(xsock_connect(t, &la), XSOCK_EAFNOSUPPORT);
  xt_ok(xsock_close(t));
  xt_ok(xsock_socket(&u, sock_family, XSOCK_DGRAM, 0));
  xt_err(xsock_bind(u, &any), XSOCK_EAFNOSUPPORT);
  xt_err(xsock_sendto(u, "x", 1, &to), XSOCK_EAFNOSUPPORT);
  xt_err(xsock_connect(u, &to), XSOCK_EAFNOSUPPORT);
  xt_ok(xsock_close(u));
  xt_ok(xsock_close(l));
}

static void test_family_mismatch(void **state) {
  xsock_t u;
  xsock_addr_t ua;
  (void)state;
  family_mismatch(XSOCK_AF_INET, XSOCK_AF_INET6);
  family_mismatch(XSOCK_AF_INET6, XSOCK_AF_INET);
  /* An AF_UNIX address for an IP socket, on every OS (Windows has no
   * AF_UNIX sockets in xsock, but the address can be made). */
  xt_ok(xsock_addr_unix(&ua, "xsock-misuse.sock"));
  xt_ok(xsock_socket(&u, XSOCK_AF_INET, XSOCK_DGRAM, 0));
  xt_err(xsock_bind(u, &ua), XSOCK_EAFNOSUPPORT);
  xt_err(xsock_connect(u, &ua), XSOCK_EAFNOSUPPORT);
  xt_err(xsock_sendto(u, "x", 1, &ua), XSOCK_EAFNOSUPPORT);
  xt_ok(xsock_close(u));
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_arguments_before_handle),
      cmocka_unit_test(test_length_above_ptrdiff_max),
      cmocka_unit_test(test_listen_unbound),
      cmocka_unit_test(test_shutdown_listener),
      cmocka_unit_test(test_family_mismatch),
  };
  int rc;
  if (xsock_init() != 0)
    return 1;
  rc = cmocka_run_group_tests_name("misuse", tests, NULL, NULL);
  xsock_cleanup();
  return rc;
}
