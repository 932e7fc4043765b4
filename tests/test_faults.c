/* SPDX-License-Identifier: MIT */
/* Fault injection over the socket calls: the OS refuses a new handle, a
 * send moves fewer bytes than asked, a blocking call is interrupted. Every
 * failure must come back as the right XSOCK_E* code, leave no handle open
 * and lose no byte; an interrupted call must finish as if nothing
 * happened. The faults come from tests/fault/xfault.c, through the
 * library's table of OS calls (test build only), on every OS.
 *
 * The selector's failures (a kernel registration, a wait, an allocation in
 * growth) are in selector_faults.c, on every backend. */
#include "xtest.h"
#include "xfault.h"

#include <string.h>

/* An injected error and the code xsock must report for it. */
typedef struct fault_case {
  int os_err;
  int want;
} fault_case_t;

/* The ways the OS says "no more handles". POSIX's ENFILE (the system's
 * table is full) is XSOCK_EMFILE too, so that a server has one code to
 * shed on; Windows has no such second code. */
static const fault_case_t no_handles[] = {
    {XF_EMFILE, XSOCK_EMFILE},
#ifndef _WIN32
    {XF_ENFILE, XSOCK_EMFILE},
#endif
    {XF_ENOBUFS, XSOCK_ENOBUFS},
};
#define NO_HANDLES (sizeof no_handles / sizeof no_handles[0])

static void test_socket_refused(void **state) {
  size_t i;
  (void)state;
  for (i = 0; i < NO_HANDLES; i++) {
    long base = xf_open_handles();
    xsock_t s = (xsock_t)1;
    xf_fail(XF_SOCKET, 0, 1, no_handles[i].os_err);
    xt_err(xsock_socket(&s, XSOCK_AF_INET, XSOCK_STREAM, 0), no_handles[i].want);
    assert_true(s == XSOCK_INVALID);
    assert_int_equal(xf_injected(XF_SOCKET), (long)i + 1);
    assert_int_equal(xf_open_handles(), base);
    /* The fault is spent: the next socket is made. */
    xt_ok(xsock_socket(&s, XSOCK_AF_INET, XSOCK_STREAM, 0));
    xt_ok(xsock_close(s));
  }
}

/* Every handle the pair takes (one socketpair() on POSIX; on Windows a
 * listener, a client and an accept) refused in turn: the whole pair fails
 * with the code, and the handles it had made are closed. */
static void test_socketpair_refused_at_each_step(void **state) {
  static const xf_call_t kinds[] = {XF_SOCKET, XF_ACCEPT};
  size_t k;
  (void)state;
  for (k = 0; k < sizeof kinds / sizeof kinds[0]; k++) {
    long step;
    for (step = 0;; step++) {
      long base = xf_open_handles();
      xsock_t pair[2];
      int rc;
      xf_reset();
      xf_fail(kinds[k], step, 1, XF_EMFILE);
      rc = xsock_socketpair(XSOCK_STREAM, pair);
      if (xf_injected(kinds[k]) == 0) {
        /* Every call of this kind has been refused once. */
        xt_ok(rc);
        xt_ok(xsock_close(pair[0]));
        xt_ok(xsock_close(pair[1]));
        break;
      }
      xt_err(rc, XSOCK_EMFILE);
      assert_true(pair[0] == XSOCK_INVALID && pair[1] == XSOCK_INVALID);
      assert_int_equal(xf_open_handles(), base);
    }
#ifdef _WIN32
    assert_true(step >= 1); /* the emulation made the call */
#else
    assert_int_equal(step, kinds[k] == XF_SOCKET ? 1 : 0);
#endif
  }
}

/* A refused accept leaves the connection queued: once handles are back,
 * the next accept takes the same client. */
static void test_accept_refused_keeps_the_client(void **state) {
  size_t i;
  (void)state;
  for (i = 0; i < NO_HANDLES; i++) {
    xsock_t l, c, a = (xsock_t)1;
    xsock_addr_t addr;
    char byte = 0;
    long base;
    xt_listener(&l, &addr, XSOCK_AF_INET);
    xt_ok(xsock_socket(&c, XSOCK_AF_INET, XSOCK_STREAM, 0));
    xt_ok(xsock_connect(c, &addr));
    xt_ok(xsock_send(c, "k", 1));
    base = xf_open_handles();
    xf_fail(XF_ACCEPT, 0, 1, no_handles[i].os_err);
    xt_err(xsock_accept(l, &a, NULL, 0), no_handles[i].want);
    assert_true(a == XSOCK_INVALID);
    assert_int_equal(xf_open_handles(), base);
    xt_ok(xsock_accept(l, &a, NULL, 0));
    assert_int_equal(xsock_recv(a, &byte, 1), 1);
    assert_int_equal(byte, 'k');
    xt_close(&a);
    xt_close(&c);
    xt_close(&l);
  }
}

#define PARTIAL_LEN 257

static void fill(unsigned char *buf, size_t len, unsigned seed) {
  size_t i;
  for (i = 0; i < len; i++)
    buf[i] = (unsigned char)(seed * 131u + i * 7u + (i >> 8));
}

/* Receives exactly len bytes on s and checks them against want. */
static void expect_bytes(xsock_t s, const unsigned char *want, size_t len) {
  unsigned char got[PARTIAL_LEN];
  assert_int_equal(xsock_recv_exact(s, got, len), (xsock_ssize_t)len);
  assert_memory_equal(got, want, len);
}

/* A send that the OS cuts after every possible byte count: xsock_send and
 * xsock_sendv report exactly what moved, and xsock_sendall and a gather
 * resumed from the count deliver every byte, in order. */
static void test_partial_send_at_every_count(void **state) {
  unsigned char out[PARTIAL_LEN];
  xsock_t a, b;
  size_t cap;
  (void)state;
  {
    xsock_t pair[2];
    xt_ok(xsock_socketpair(XSOCK_STREAM, pair));
    a = pair[0];
    b = pair[1];
  }
  for (cap = 1; cap <= PARTIAL_LEN; cap++) {
    xsock_iovec_t iov[3];
    xsock_ssize_t n;
    size_t done;
    fill(out, sizeof out, (unsigned)cap);
    xf_send_cap(cap);
    /* One send: the OS's count, whatever was asked. */
    assert_int_equal(xsock_send(a, out, sizeof out), (xsock_ssize_t)cap);
    expect_bytes(b, out, cap);
    /* sendall: loops until every byte went. */
    assert_int_equal(xsock_sendall(a, out, sizeof out), PARTIAL_LEN);
    expect_bytes(b, out, sizeof out);
    /* A gather over three pieces, resumed by hand from each count. */
    for (done = 0; done < sizeof out; done += (size_t)n) {
      size_t left = sizeof out - done, first = left < 100 ? left : 100;
      int cnt = 1;
      iov[0].base = out + done;
      iov[0].len = first;
      if (left > first) {
        iov[1].base = out + done + first;
        iov[1].len = (left - first) / 2;
        iov[2].base = out + done + first + iov[1].len;
        iov[2].len = left - first - iov[1].len;
        cnt = 3;
      }
      n = xsock_sendv(a, iov, cnt);
      assert_true(n > 0);
      assert_int_equal(n, (xsock_ssize_t)(left < cap ? left : cap));
    }
    expect_bytes(b, out, sizeof out);
  }
  assert_true(xf_calls(XF_SEND) >= 3 * PARTIAL_LEN);
  xt_close(&a);
  xt_close(&b);
}

/* Every blocking call interrupted three times before it gets through
 * finishes with the result it would have had: the library retries, and
 * XSOCK_EINTR never reaches the caller. */
static void test_interrupted_calls_finish(void **state) {
  xsock_t a, b, l, c, s, u1, u2;
  xsock_addr_t addr, ua, from;
  xsock_iovec_t iov[2];
  char buf[8], buf2[8];
  (void)state;
  xt_tcp_pair(&a, &b);

  xf_fail(XF_SEND, 0, 3, XF_EINTR);
  assert_int_equal(xsock_send(a, "abc", 3), 3);
  assert_int_equal(xf_injected(XF_SEND), 3);
  xf_fail(XF_RECV, 0, 3, XF_EINTR);
  assert_int_equal(xsock_recv_exact(b, buf, 3), 3);
  assert_memory_equal(buf, "abc", 3);
  assert_int_equal(xf_injected(XF_RECV), 3);

  iov[0].base = (void *)"gath";
  iov[0].len = 4;
  iov[1].base = (void *)"er";
  iov[1].len = 2;
  xf_fail(XF_SEND, 0, 3, XF_EINTR);
  assert_int_equal(xsock_sendv(a, iov, 2), 6);
  iov[0].base = buf;
  iov[0].len = 2;
  iov[1].base = buf2;
  iov[1].len = 4;
  xf_fail(XF_RECV, 0, 3, XF_EINTR);
  assert_int_equal(xsock_peek(b, buf, 1), 1);
  assert_int_equal(buf[0], 'g');
  xf_fail(XF_RECV, 0, 3, XF_EINTR);
  assert_int_equal(xsock_recvv(b, iov, 2), 6);
  assert_memory_equal(buf, "ga", 2);
  assert_memory_equal(buf2, "ther", 4);
  assert_int_equal(xf_injected(XF_SEND), 6);
  assert_int_equal(xf_injected(XF_RECV), 9);

  /* xsock_wait: one poll (POSIX), select (Windows), resumed. */
  xt_ok(xsock_send(a, "w", 1));
  xf_fail(XF_WAIT, 0, 3, XF_EINTR);
  assert_int_equal(xsock_wait(b, XSOCK_READ, -1), XSOCK_READ);
  assert_true(xf_injected(XF_WAIT) == 3);
  assert_int_equal(xsock_recv(b, buf, 1), 1);
  xt_close(&a);
  xt_close(&b);

  /* Datagrams. */
  xt_ok(xsock_socket(&u1, XSOCK_AF_INET, XSOCK_DGRAM, 0));
  xt_ok(xsock_socket(&u2, XSOCK_AF_INET, XSOCK_DGRAM, 0));
  xt_ok(xsock_addr_loopback(&ua, XSOCK_AF_INET, 0));
  xt_ok(xsock_bind(u2, &ua));
  xt_ok(xsock_getsockname(u2, &ua));
  xf_fail(XF_SEND, 0, 3, XF_EINTR);
  assert_int_equal(xsock_sendto(u1, "dgram", 5, &ua), 5);
  xf_fail(XF_RECV, 0, 3, XF_EINTR);
  assert_int_equal(xsock_recvfrom(u2, buf, sizeof buf, &from), 5);
  assert_memory_equal(buf, "dgram", 5);
  assert_int_equal(xf_injected(XF_SEND), 9);
  assert_int_equal(xf_injected(XF_RECV), 12);
  xt_close(&u1);
  xt_close(&u2);

  /* accept, and (POSIX) connect interrupted before and after the kernel
   * started the handshake. Windows has no signal that interrupts a
   * blocking connect (docs/semantics.md). */
  xt_listener(&l, &addr, XSOCK_AF_INET);
  xt_ok(xsock_socket(&c, XSOCK_AF_INET, XSOCK_STREAM, 0));
#ifndef _WIN32
  xf_fail(XF_CONNECT, 0, 2, XF_EINTR);
  xt_ok(xsock_connect(c, &addr));
  assert_int_equal(xf_injected(XF_CONNECT), 2);
#else
  xt_ok(xsock_connect(c, &addr));
#endif
  xf_fail(XF_ACCEPT, 0, 3, XF_EINTR);
  xt_ok(xsock_accept(l, &s, NULL, 0));
  assert_int_equal(xf_injected(XF_ACCEPT), 3);
  xt_ok(xsock_send(c, "1", 1));
  assert_int_equal(xsock_recv(s, buf, 1), 1);
  xt_close(&s);
  xt_close(&c);
#ifndef _WIN32
  xt_ok(xsock_socket(&c, XSOCK_AF_INET, XSOCK_STREAM, 0));
  xf_fail(XF_CONNECT, 0, 1, XF_EINTR_LATE);
  xt_ok(xsock_connect(c, &addr));
  assert_int_equal(xf_injected(XF_CONNECT), 3);
  xt_ok(xsock_accept(l, &s, NULL, 0));
  xt_ok(xsock_send(s, "2", 1));
  assert_int_equal(xsock_recv(c, buf, 1), 1);
  assert_int_equal(buf[0], '2');
  xt_close(&s);
  xt_close(&c);
#endif
  xt_close(&l);
}

/* A failed send or receive of any other kind comes back mapped, and the
 * socket still works after it. */
static void test_io_errors_mapped(void **state) {
  xsock_t a, b;
  char byte = 0;
  (void)state;
  xt_tcp_pair(&a, &b);
  xf_fail(XF_SEND, 0, 1, XF_ENOBUFS);
  xt_err(xsock_send(a, "x", 1), XSOCK_ENOBUFS);
  xf_fail(XF_RECV, 0, 1, XF_ENOMEM);
  xt_err(xsock_recv(b, &byte, 1), XSOCK_ENOMEM);
  assert_int_equal(xsock_send(a, "y", 1), 1);
  assert_int_equal(xsock_recv(b, &byte, 1), 1);
  assert_int_equal(byte, 'y');
  xt_close(&a);
  xt_close(&b);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test_setup_teardown(test_socket_refused, xf_setup, xf_teardown),
      cmocka_unit_test_setup_teardown(test_socketpair_refused_at_each_step, xf_setup,
                                      xf_teardown),
      cmocka_unit_test_setup_teardown(test_accept_refused_keeps_the_client, xf_setup,
                                      xf_teardown),
      cmocka_unit_test_setup_teardown(test_partial_send_at_every_count, xf_setup,
                                      xf_teardown),
      cmocka_unit_test_setup_teardown(test_interrupted_calls_finish, xf_setup, xf_teardown),
      cmocka_unit_test_setup_teardown(test_io_errors_mapped, xf_setup, xf_teardown),
  };
  int rc;
  if (xsock_init() != 0)
    return 1;
  rc = cmocka_run_group_tests_name("faults", tests, NULL, NULL);
  xsock_cleanup();
  return rc;
}
