/* SPDX-License-Identifier: MIT */
/* Fault injection over the socket calls: the OS refuses a new handle, a
 * send moves fewer bytes than asked, a blocking call is interrupted, a
 * send or receive says its timeout ran out, that it would block, or what
 * Winsock alone says (a receive after shutdown, a datagram's reset). Every
 * failure must come back as the right XSOCK_E* code, the same from every
 * I/O call on every OS, leave no handle open and lose no byte; an
 * interrupted call must finish as if nothing happened; a call of 0 bytes
 * makes no OS call. The faults come from tests/fault/xfault.c, through
 * the library's table of OS calls (test build only), on every OS.
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
    xt_err(xsock_socket(&s, XSOCK_AF_INET, XSOCK_STREAM, 0),
           no_handles[i].want);
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

/* ---- the rules of every I/O call (src/common/io_api.c) ---- */

/* One I/O call on s; to is s's peer for sendto (a UDP pair). */
typedef xsock_ssize_t (*io_call_fn)(xsock_t s, const xsock_addr_t *to);

static char io_buf[64];
static unsigned char io_queue[256], io_dbuf[64];

static xsock_ssize_t io_send(xsock_t s, const xsock_addr_t *to) {
  (void)to;
  return xsock_send(s, io_buf, sizeof io_buf);
}
static xsock_ssize_t io_sendto(xsock_t s, const xsock_addr_t *to) {
  return xsock_sendto(s, io_buf, sizeof io_buf, to);
}
static xsock_ssize_t io_sendv(xsock_t s, const xsock_addr_t *to) {
  xsock_iovec_t iov[2];
  (void)to;
  iov[0].base = io_buf;
  iov[0].len = 10;
  iov[1].base = io_buf + 10;
  iov[1].len = 10;
  return xsock_sendv(s, iov, 2);
}
static xsock_ssize_t io_sendall(xsock_t s, const xsock_addr_t *to) {
  (void)to;
  return xsock_sendall(s, io_buf, sizeof io_buf);
}
/* A non-blocking flush that sends nothing gives the bytes still queued
 * (8: the message and its header), reported here as XSOCK_EAGAIN, which
 * is what the other calls give. */
static xsock_ssize_t io_frame_flush(xsock_t s, const xsock_addr_t *to) {
  xsock_frame_encoder_t e;
  xsock_ssize_t n;
  (void)to;
  xt_ok(xsock_frame_encoder_init(&e, XSOCK_FRAME_LEN8, 16, io_queue,
                                 sizeof io_queue));
  xt_ok(xsock_frame_queue(&e, "message", 7));
  n = xsock_frame_flush(&e, s);
  assert_int_equal(xsock_frame_queued(&e), 8);
  return n == 8 ? XSOCK_EAGAIN : n;
}
static xsock_ssize_t io_recv(xsock_t s, const xsock_addr_t *to) {
  (void)to;
  return xsock_recv(s, io_buf, sizeof io_buf);
}
static xsock_ssize_t io_recvfrom(xsock_t s, const xsock_addr_t *to) {
  xsock_addr_t from;
  (void)to;
  return xsock_recvfrom(s, io_buf, sizeof io_buf, &from);
}
static xsock_ssize_t io_recvv(xsock_t s, const xsock_addr_t *to) {
  xsock_iovec_t iov[2];
  (void)to;
  iov[0].base = io_buf;
  iov[0].len = 10;
  iov[1].base = io_buf + 10;
  iov[1].len = 10;
  return xsock_recvv(s, iov, 2);
}
static xsock_ssize_t io_peek(xsock_t s, const xsock_addr_t *to) {
  (void)to;
  return xsock_peek(s, io_buf, sizeof io_buf);
}
static xsock_ssize_t io_recv_exact(xsock_t s, const xsock_addr_t *to) {
  (void)to;
  return xsock_recv_exact(s, io_buf, sizeof io_buf);
}
static xsock_ssize_t io_frame_recv(xsock_t s, const xsock_addr_t *to) {
  xsock_frame_decoder_t d;
  (void)to;
  xt_ok(xsock_frame_decoder_init(&d, XSOCK_FRAME_LEN8, 16, io_dbuf,
                                 sizeof io_dbuf));
  return xsock_frame_recv(&d, s);
}

static const struct {
  const char *name;
  io_call_fn call;
  xf_call_t kind;
  int receive;
  int dgram; /* runs on a UDP pair, the others on a socketpair */
} io_calls[] = {
    {"send", io_send, XF_SEND, 0, 0},
    {"sendto", io_sendto, XF_SEND, 0, 1},
    {"sendv", io_sendv, XF_SEND, 0, 0},
    {"sendall", io_sendall, XF_SEND, 0, 0},
    {"frame_flush", io_frame_flush, XF_SEND, 0, 0},
    {"recv", io_recv, XF_RECV, 1, 0},
    {"recvfrom", io_recvfrom, XF_RECV, 1, 1},
    {"recvv", io_recvv, XF_RECV, 1, 0},
    {"peek", io_peek, XF_RECV, 1, 0},
    {"recv_exact", io_recv_exact, XF_RECV, 1, 0},
    {"frame_recv", io_frame_recv, XF_RECV, 1, 0},
};
#define IO_CALLS (sizeof io_calls / sizeof io_calls[0])

/* Two blocking UDP sockets connected to each other; *to is p[0]'s peer. */
static void io_udp_pair(xsock_t p[2], xsock_addr_t *to) {
  xsock_addr_t a0;
  size_t i;
  for (i = 0; i < 2; i++) {
    xt_ok(xsock_socket(&p[i], XSOCK_AF_INET, XSOCK_DGRAM, 0));
    xt_ok(xsock_addr_loopback(&a0, XSOCK_AF_INET, 0));
    xt_ok(xsock_bind(p[i], &a0));
  }
  xt_ok(xsock_getsockname(p[1], to));
  xt_ok(xsock_getsockname(p[0], &a0));
  xt_ok(xsock_connect(p[0], to));
  xt_ok(xsock_connect(p[1], &a0));
}

/* A blocking pair for io_calls[c] with both of p[0]'s timeouts set: a UDP
 * pair for the datagram calls, else a socketpair (*to then unused). */
static void io_pair(size_t c, xsock_t p[2], xsock_addr_t *to) {
  if (io_calls[c].dgram) {
    io_udp_pair(p, to);
  } else {
    xt_ok(xsock_socketpair(XSOCK_STREAM, p));
    memset(to, 0, sizeof *to);
  }
  xt_ok(xsock_set_option(p[0], XSOCK_OPT_RCVTIMEO, 1000));
  xt_ok(xsock_set_option(p[0], XSOCK_OPT_SNDTIMEO, 1000));
}

/* The OS's own code for each case, injected into every I/O call, so that
 * nothing waits: a blocking call's run-out timeout is XSOCK_ETIMEDOUT, a
 * non-blocking socket's "would block" XSOCK_EAGAIN (flush: the bytes
 * still queued), and a would-block on a blocking socket without a timeout
 * (an OS that says EAGAIN there) stays XSOCK_EAGAIN. One rule, written
 * once in the front end, for every call on every OS. */
static void test_timeout_rule_every_call(void **state) {
  size_t c;
  (void)state;
  for (c = 0; c < IO_CALLS; c++) {
    xsock_t p[2];
    xsock_addr_t to;
    print_message("  %s\n", io_calls[c].name);
    io_pair(c, p, &to);
    xf_fail(io_calls[c].kind, 0, 1, XF_ETIMEO);
    xt_err(io_calls[c].call(p[0], &to), XSOCK_ETIMEDOUT);
    assert_int_equal(xsock_last_os_error(), XF_ETIMEO);
    assert_int_equal(xf_injected(io_calls[c].kind), 1);
    xt_ok(xsock_set_nonblocking(p[0], 1));
    xf_fail(io_calls[c].kind, 0, 1, XF_EWOULDBLOCK);
    xt_err(io_calls[c].call(p[0], &to), XSOCK_EAGAIN);
    xt_ok(xsock_set_nonblocking(p[0], 0));
    xt_ok(xsock_set_option(p[0], XSOCK_OPT_RCVTIMEO, 0));
    xt_ok(xsock_set_option(p[0], XSOCK_OPT_SNDTIMEO, 0));
    xf_fail(io_calls[c].kind, 0, 1, XF_EWOULDBLOCK);
    xt_err(io_calls[c].call(p[0], &to), XSOCK_EAGAIN);
    assert_int_equal(xf_injected(io_calls[c].kind), 3);
    xt_close(&p[0]);
    xt_close(&p[1]);
    xf_reset();
  }
}

/* Winsock's failures of a receive that POSIX reports otherwise, injected
 * into every receiving call on both OSes: a receive after
 * shutdown(SD_RECEIVE) is the end of the stream (0), and a reset on a
 * datagram socket is an earlier send's refused port. */
static void test_receive_rules_every_call(void **state) {
  size_t c;
  (void)state;
  for (c = 0; c < IO_CALLS; c++) {
    xsock_t p[2], u[2];
    xsock_addr_t to;
    if (!io_calls[c].receive)
      continue;
    print_message("  %s\n", io_calls[c].name);
    io_pair(c, p, &to);
    xf_fail(XF_RECV, 0, 1, XF_ESHUTDOWN);
    assert_int_equal(io_calls[c].call(p[0], &to), 0);
    xf_fail(XF_RECV, 0, 1, XF_ECONNRESET);
    xt_err(io_calls[c].call(p[0], &to),
           io_calls[c].dgram ? XSOCK_ECONNREFUSED : XSOCK_ECONNRESET);
    xt_close(&p[0]);
    xt_close(&p[1]);
    if (io_calls[c].dgram)
      continue;
    /* The stream calls over a datagram pair too. */
    io_udp_pair(u, &to);
    xf_fail(XF_RECV, 0, 1, XF_ECONNRESET);
    xt_err(io_calls[c].call(u[0], &to), XSOCK_ECONNREFUSED);
    xt_close(&u[0]);
    xt_close(&u[1]);
  }
}

/* A call of 0 bytes makes no receive and no send, but the send of an empty
 * datagram (src/common/io_api.c). */
static void test_zero_bytes_no_os_call(void **state) {
  xsock_t p[2], u[2];
  xsock_addr_t to, from;
  xsock_iovec_t none;
  char b[1];
  (void)state;
  none.base = b;
  none.len = 0;
  xt_ok(xsock_socketpair(XSOCK_STREAM, p));
  assert_int_equal(xsock_recv(p[0], b, 0), 0);
  assert_int_equal(xsock_peek(p[0], b, 0), 0);
  assert_int_equal(xsock_recvfrom(p[0], b, 0, &from), 0);
  assert_int_equal(xsock_recvv(p[0], &none, 0), 0);
  assert_int_equal(xsock_recvv(p[0], &none, 1), 0);
  assert_int_equal(xsock_send(p[0], b, 0), 0);
  assert_int_equal(xsock_sendv(p[0], &none, 0), 0);
  assert_int_equal(xsock_sendv(p[0], &none, 1), 0);
  assert_int_equal(xf_calls(XF_RECV), 0);
  assert_int_equal(xf_calls(XF_SEND), 0);
  xt_close(&p[0]);
  xt_close(&p[1]);
  io_udp_pair(u, &to);
  assert_int_equal(xsock_recv(u[0], b, 0), 0);
  assert_int_equal(xsock_recvv(u[0], &none, 0), 0);
  assert_int_equal(xf_calls(XF_RECV), 0);
  assert_int_equal(xsock_send(u[0], b, 0), 0);
  assert_int_equal(xsock_sendto(u[0], b, 0, &to), 0);
  assert_int_equal(xsock_sendv(u[0], &none, 0), 0);
  assert_int_equal(xf_calls(XF_SEND), 3);
  xt_close(&u[0]);
  xt_close(&u[1]);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test_setup_teardown(test_socket_refused, xf_setup,
                                      xf_teardown),
      cmocka_unit_test_setup_teardown(test_socketpair_refused_at_each_step,
                                      xf_setup, xf_teardown),
      cmocka_unit_test_setup_teardown(test_accept_refused_keeps_the_client,
                                      xf_setup, xf_teardown),
      cmocka_unit_test_setup_teardown(test_partial_send_at_every_count,
                                      xf_setup, xf_teardown),
      cmocka_unit_test_setup_teardown(test_interrupted_calls_finish, xf_setup,
                                      xf_teardown),
      cmocka_unit_test_setup_teardown(test_io_errors_mapped, xf_setup,
                                      xf_teardown),
      cmocka_unit_test_setup_teardown(test_timeout_rule_every_call, xf_setup,
                                      xf_teardown),
      cmocka_unit_test_setup_teardown(test_receive_rules_every_call, xf_setup,
                                      xf_teardown),
      cmocka_unit_test_setup_teardown(test_zero_bytes_no_os_call, xf_setup,
                                      xf_teardown),
  };
  int rc;
  if (xsock_init() != 0)
    return 1;
  rc = cmocka_run_group_tests_name("faults", tests, NULL, NULL);
  xsock_cleanup();
  return rc;
}
