/* SPDX-License-Identifier: MIT */
/* No call reads or writes outside the buffer it is given, for any length:
 * every call that takes a buffer and a length runs with each length from
 * 0 to LEN_MAX on a buffer of exactly that many bytes (so that
 * AddressSanitizer and valgrind see any byte past it) followed, in a
 * second run, by guard bytes that must come back untouched (which holds
 * in every build). Results never claim more than the length given. */
#include "xtest.h"

#include <stdlib.h>
#include <string.h>

#define LEN_MAX 72
#define LEN_GUARD 16
#define LEN_PENDING 100 /* bytes waiting on the socket: more than LEN_MAX */

/* A buffer of n bytes: exactly n on the heap, or n plus guard bytes. */
static unsigned char *len_buf(size_t n, int guarded) {
  unsigned char *b = (unsigned char *)malloc(n + (guarded ? LEN_GUARD : 0) + 1);
  assert_non_null(b);
  memset(b, 0x5A, n + (guarded ? LEN_GUARD : 0));
  return b;
}

static void len_check_guard(const unsigned char *b, size_t n, int guarded) {
  size_t i;
  if (!guarded)
    return;
  for (i = 0; i < LEN_GUARD; i++)
    assert_int_equal(b[n + i], 0x5A);
}

/* Puts LEN_PENDING bytes on s's peer and returns them as a pattern. */
static void len_fill(xsock_t peer) {
  unsigned char data[LEN_PENDING];
  size_t i;
  for (i = 0; i < sizeof data; i++)
    data[i] = (unsigned char)(i + 1);
  assert_int_equal(xsock_sendall(peer, data, sizeof data), LEN_PENDING);
}

static void len_drain(xsock_t s) {
  unsigned char sink[LEN_PENDING * 2];
  size_t got = 0;
  while (got < LEN_PENDING) {
    xsock_ssize_t n = xsock_recv(s, sink, sizeof sink);
    if (n == XSOCK_EAGAIN)
      break;
    assert_true(n > 0);
    got += (size_t)n;
  }
}

static void test_stream_receives(void **state) {
  xsock_t p[2];
  size_t n;
  int guarded;
  (void)state;
  xt_ok(xsock_socketpair(XSOCK_STREAM, p));
  xt_ok(xsock_set_nonblocking(p[0], 1));
  for (guarded = 0; guarded < 2; guarded++) {
    for (n = 0; n <= LEN_MAX; n++) {
      unsigned char *b = len_buf(n, guarded), *c;
      xsock_iovec_t iov[2];
      xsock_ssize_t got;
      size_t half = n / 2;
      /* recv */
      len_fill(p[1]);
      assert_true(xsock_wait(p[0], XSOCK_READ, 5000) > 0);
      got = xsock_recv(p[0], b, n);
      assert_int_equal(got, (xsock_ssize_t)n);
      len_check_guard(b, n, guarded);
      len_drain(p[0]);
      /* peek */
      len_fill(p[1]);
      assert_true(xsock_wait(p[0], XSOCK_READ, 5000) > 0);
      got = xsock_peek(p[0], b, n);
      assert_int_equal(got, (xsock_ssize_t)n);
      len_check_guard(b, n, guarded);
      /* recv_exact on a non-blocking socket: at most n */
      got = xsock_recv_exact(p[0], b, n);
      assert_int_equal(got, (xsock_ssize_t)n);
      len_check_guard(b, n, guarded);
      len_drain(p[0]);
      /* recvv over two pieces of n/2 and n - n/2 bytes; b's guard for the
       * first piece is its own bytes past n/2, set anew */
      memset(b, 0x5A, n + (guarded ? LEN_GUARD : 0));
      c = len_buf(n - half, guarded);
      iov[0].base = b;
      iov[0].len = half;
      iov[1].base = c;
      iov[1].len = n - half;
      len_fill(p[1]);
      assert_true(xsock_wait(p[0], XSOCK_READ, 5000) > 0);
      got = xsock_recvv(p[0], iov, 2);
      assert_int_equal(got, (xsock_ssize_t)n);
      len_check_guard(b, half, guarded);
      len_check_guard(c, n - half, guarded);
      len_drain(p[0]);
      /* send, sendall and sendv read n bytes, and not one more */
      assert_int_equal(xsock_send(p[0], b, n), (xsock_ssize_t)n);
      assert_int_equal(xsock_sendall(p[0], b, n), (xsock_ssize_t)n);
      assert_int_equal(xsock_sendv(p[0], iov, 2), (xsock_ssize_t)n);
      if (n > 0) {
        unsigned char sink[3 * LEN_MAX];
        assert_int_equal(xsock_recv_exact(p[1], sink, 3 * n),
                         (xsock_ssize_t)(3 * n));
      }
      free(c);
      free(b);
    }
  }
  xt_close(&p[0]);
  xt_close(&p[1]);
}

static void test_datagram_receives(void **state) {
  xsock_t a, b;
  xsock_addr_t addr, from;
  unsigned char data[LEN_PENDING];
  size_t n;
  int guarded;
  (void)state;
  memset(data, 0x33, sizeof data);
  xt_ok(xsock_socket(&a, XSOCK_AF_INET, XSOCK_DGRAM, 0));
  xt_ok(xsock_socket(&b, XSOCK_AF_INET, XSOCK_DGRAM, 0));
  xt_ok(xsock_addr_loopback(&addr, XSOCK_AF_INET, 0));
  xt_ok(xsock_bind(a, &addr));
  xt_ok(xsock_getsockname(a, &addr));
  xt_ok(xsock_set_nonblocking(a, 1));
  for (guarded = 0; guarded < 2; guarded++) {
    for (n = 0; n <= LEN_MAX; n++) {
      unsigned char *buf = len_buf(n, guarded);
      xsock_ssize_t got;
      assert_int_equal(xsock_sendto(b, data, sizeof data, &addr), LEN_PENDING);
      assert_true(xsock_wait(a, XSOCK_READ, 5000) > 0);
      /* Longer than n: truncated to n on POSIX, XSOCK_EMSGSIZE on
       * Windows (docs/semantics.md); never more than n written. A
       * receive of 0 bytes returns 0 and leaves the datagram queued. */
      got = xsock_recvfrom(a, buf, n, &from);
      if (n == 0)
        assert_int_equal(got, 0); /* a call of 0 bytes takes nothing */
      else
#ifdef _WIN32
        xt_err(got, XSOCK_EMSGSIZE);
#else
        assert_int_equal(got, (xsock_ssize_t)n);
#endif
      len_check_guard(buf, n, guarded);
      free(buf);
    }
  }
  xt_close(&a);
  xt_close(&b);
}

static void test_text_outputs(void **state) {
  xsock_addr_t a;
  char full[XSOCK_ADDRSTRLEN], msg[512];
  int flen, mlen;
  size_t n;
  int guarded;
  (void)state;
  xt_ok(xsock_addr_parse(&a, "[fe80::1234:5678:9abc:def0%1]:65535"));
  /* The whole texts first, from buffers that hold them. */
  flen = xsock_addr_format(&a, full, sizeof full);
  assert_int_equal(flen, (int)strlen("[fe80::1234:5678:9abc:def0%1]:65535"));
  assert_string_equal(full, "[fe80::1234:5678:9abc:def0%1]:65535");
  mlen = xsock_os_strerror(1, msg, sizeof msg);
  assert_true(mlen > 0 && (size_t)mlen == strlen(msg));
  for (guarded = 0; guarded < 2; guarded++) {
    for (n = 0; n <= LEN_MAX; n++) {
      /* A NULL-free buffer of n bytes. */
      unsigned char *b = len_buf(n, guarded);
      int rc = xsock_addr_format(&a, (char *)b, n);
      if (n > (size_t)flen) {
        /* It fits: the whole text and its NUL. */
        assert_int_equal(rc, flen);
        assert_memory_equal(b, full, (size_t)flen + 1);
      } else {
        /* It does not: ENOSPC, an empty string when there is a byte
         * for it, and nothing at all when n is 0. */
        xt_err(rc, XSOCK_ENOSPC);
        if (n > 0)
          assert_int_equal(b[0], 0);
      }
      len_check_guard(b, n, guarded);
      rc = xsock_os_strerror(1, (char *)b, n);
      if (n == 0) {
        xt_err(rc, XSOCK_EINVAL);
      } else {
        /* Truncated to fit, always NUL-terminated. */
        int want = (size_t)mlen < n ? mlen : (int)(n - 1);
        assert_int_equal(rc, want);
        assert_memory_equal(b, msg, (size_t)want);
        assert_int_equal(b[want], 0);
      }
      len_check_guard(b, n, guarded);
      free(b);
    }
  }
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_stream_receives),
      cmocka_unit_test(test_datagram_receives),
      cmocka_unit_test(test_text_outputs),
  };
  xt_ok(xsock_init());
  return cmocka_run_group_tests(tests, NULL, NULL);
}
