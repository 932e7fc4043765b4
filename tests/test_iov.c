/* SPDX-License-Identifier: MIT */
/* Scatter/gather (xsock_sendv / xsock_recvv) and xsock_peek: many pieces
 * gathered into one stream, one stream scattered across pieces, pieces of
 * length 0, the XSOCK_IOV_MAX and total-length limits, bad arguments, a
 * datagram gathered and scattered whole, and a peek that leaves the bytes
 * for the next receive. */
#include "xtest.h"

#include <stdint.h>
#include <string.h>

/* Byte i of the test stream. */
static unsigned char pattern(size_t i) {
  return (unsigned char)(i * 7u + (i >> 8) + 1u);
}

/* Receives exactly len bytes through recvv over the pieces of iov,
 * resuming after partial receives as a caller of a stream call must: the
 * pieces already filled are skipped and the first one not yet full is
 * entered at its first missing byte. */
static void recvv_all(xsock_t s, const xsock_iovec_t *iov, int iovcnt,
                      size_t len) {
  size_t done = 0;
  while (done < len) {
    xsock_iovec_t rest[XSOCK_IOV_MAX];
    size_t skip = done;
    int i, n = 0;
    xsock_ssize_t got;
    for (i = 0; i < iovcnt; i++) {
      if (skip >= iov[i].len) {
        skip -= iov[i].len;
        continue;
      }
      rest[n].base = (char *)iov[i].base + skip;
      rest[n].len = iov[i].len - skip;
      skip = 0;
      n++;
    }
    got = xt_ok(xsock_recvv(s, rest, n));
    assert_true(got > 0);
    done += (size_t)got;
  }
  assert_int_equal(done, len);
}

static void test_gather_many_pieces(void **state) {
  enum { TOTAL = 40000 };
  static unsigned char src[TOTAL], dst[TOTAL];
  xsock_iovec_t iov[XSOCK_IOV_MAX];
  xsock_t c, s;
  size_t off = 0, i;
  int k;
  (void)state;
  for (i = 0; i < TOTAL; i++)
    src[i] = pattern(i);
  /* XSOCK_IOV_MAX pieces of uneven sizes, every third one empty, the last
   * one taking what is left. */
  for (k = 0; k < XSOCK_IOV_MAX; k++) {
    size_t len = k % 3 == 1 ? 0 : (size_t)(k * 37 % 900) + 1;
    if (k == XSOCK_IOV_MAX - 1)
      len = TOTAL - off;
    iov[k].base = src + off;
    iov[k].len = len;
    off += len;
  }
  assert_true(off == TOTAL);
  xt_tcp_pair(&c, &s);
  /* A blocking stream send of 40 KB over loopback: xsock_sendv may still
   * queue less, so the rest is sent as the caller would. */
  {
    xsock_ssize_t n = xt_ok(xsock_sendv(c, iov, XSOCK_IOV_MAX));
    assert_true(n > 0);
    if ((size_t)n < TOTAL)
      assert_int_equal(xsock_sendall(c, src + n, TOTAL - (size_t)n),
                       TOTAL - (size_t)n);
  }
  assert_int_equal(xsock_recv_exact(s, dst, TOTAL), TOTAL);
  assert_memory_equal(src, dst, TOTAL);
  xt_ok(xsock_close(c));
  xt_ok(xsock_close(s));
}

static void test_scatter_across_pieces(void **state) {
  enum { TOTAL = 5000 };
  static unsigned char src[TOTAL], a[1], b[7], d[300], e[TOTAL];
  unsigned char empty[1] = {0xEE};
  const size_t sizes[] = {1, 0, 7, 300, TOTAL - 308};
  unsigned char *bufs[] = {a, empty, b, d, e};
  xsock_iovec_t iov[5];
  xsock_t c, s;
  size_t i, off = 0;
  int k;
  (void)state;
  for (i = 0; i < TOTAL; i++)
    src[i] = pattern(i);
  for (k = 0; k < 5; k++) {
    iov[k].base = bufs[k];
    iov[k].len = sizes[k];
  }
  xt_tcp_pair(&c, &s);
  assert_int_equal(xsock_sendall(c, src, TOTAL), TOTAL);
  recvv_all(s, iov, 5, TOTAL);
  /* Each piece holds the next stretch of the stream; the empty one is
   * untouched. */
  for (k = 0; k < 5; k++) {
    assert_memory_equal(bufs[k], src + off, sizes[k]);
    off += sizes[k];
  }
  assert_int_equal(empty[0], 0xEE);
  xt_ok(xsock_close(c));
  xt_ok(xsock_close(s));
}

/* A non-blocking gather into a full socket: partial counts, then
 * XSOCK_EAGAIN; every byte counted as sent arrives, in order, and no other
 * byte does. Both buffers are small so that the socket fills quickly. */
static void test_gather_partial_nonblocking(void **state) {
  enum { LIMIT = 4 << 20, PIECE = 50000 };
  static unsigned char src[LIMIT], dst[LIMIT];
  xsock_t l, c, s;
  xsock_addr_t any, la;
  size_t sent = 0, got = 0, i;
  xsock_ssize_t n = 0;
  (void)state;
  for (i = 0; i < LIMIT; i++)
    src[i] = pattern(i);
  xt_ok(xsock_socket(&l, XSOCK_AF_INET, XSOCK_STREAM, 0));
  xt_ok(xsock_set_option(l, XSOCK_OPT_RCVBUF, 4096));
  xt_ok(xsock_addr_loopback(&any, XSOCK_AF_INET, 0));
  xt_ok(xsock_bind(l, &any));
  xt_ok(xsock_listen(l, 1));
  xt_ok(xsock_getsockname(l, &la));
  xt_ok(xsock_socket(&c, XSOCK_AF_INET, XSOCK_STREAM, 0));
  xt_ok(xsock_set_option(c, XSOCK_OPT_SNDBUF, 4096));
  xt_ok(xsock_connect(c, &la));
  xt_ok(xsock_accept(l, &s, NULL, 0));
  xt_ok(xsock_close(l));
  xt_ok(xsock_set_nonblocking(c, 1));
  while (sent + 2 * PIECE <= LIMIT) {
    xsock_iovec_t iov[2];
    iov[0].base = src + sent;
    iov[0].len = PIECE;
    iov[1].base = src + sent + PIECE;
    iov[1].len = PIECE;
    n = xsock_sendv(c, iov, 2);
    if (n < 0)
      break;
    assert_true(n > 0 && n <= 2 * PIECE);
    sent += (size_t)n;
  }
  /* The peer reads nothing, so the socket must fill long before LIMIT. */
  xt_err(n, XSOCK_EAGAIN);
  xt_ok(xsock_close(c));
  while ((n = xt_ok(xsock_recv(s, dst + got, LIMIT - got))) > 0)
    got += (size_t)n;
  assert_int_equal(got, sent);
  assert_memory_equal(dst, src, sent);
  xt_ok(xsock_close(s));
}

static void test_zero_length_pieces(void **state) {
  char x = 'x', buf[8];
  xsock_iovec_t none[3];
  xsock_iovec_t one[3];
  xsock_t c, s;
  int k;
  (void)state;
  for (k = 0; k < 3; k++) {
    none[k].base = &x;
    none[k].len = 0;
  }
  xt_tcp_pair(&c, &s);
  /* Only empty pieces, or none at all: nothing is sent. */
  assert_int_equal(xsock_sendv(c, none, 3), 0);
  assert_int_equal(xsock_sendv(c, none, 0), 0);
  assert_int_equal(xsock_send(c, "abc", 3), 3);
  /* Empty pieces first, then a real one that takes the bytes. */
  one[0] = none[0];
  one[1] = none[1];
  one[2].base = buf;
  one[2].len = sizeof buf;
  recvv_all(s, one, 3, 3);
  assert_memory_equal(buf, "abc", 3);
  xt_ok(xsock_close(c));
  xt_ok(xsock_close(s));
}

static void test_limits_and_bad_arguments(void **state) {
  char buf[4];
  xsock_iovec_t iov[XSOCK_IOV_MAX + 1];
  xsock_t c, s, closed;
  int k;
  (void)state;
  for (k = 0; k <= XSOCK_IOV_MAX; k++) {
    iov[k].base = buf;
    iov[k].len = 0;
  }
  xt_tcp_pair(&c, &s);
  /* The count: 0..XSOCK_IOV_MAX, on every OS. */
  assert_int_equal(xsock_sendv(c, iov, XSOCK_IOV_MAX), 0);
  xt_err(xsock_sendv(c, iov, XSOCK_IOV_MAX + 1), XSOCK_EINVAL);
  xt_err(xsock_recvv(c, iov, XSOCK_IOV_MAX + 1), XSOCK_EINVAL);
  xt_err(xsock_sendv(c, iov, -1), XSOCK_EINVAL);
  xt_err(xsock_recvv(c, iov, -1), XSOCK_EINVAL);
  /* NULL array (even for no pieces), NULL base (even of an empty piece). */
  xt_err(xsock_sendv(c, NULL, 0), XSOCK_EINVAL);
  xt_err(xsock_recvv(c, NULL, 1), XSOCK_EINVAL);
  iov[1].base = NULL;
  xt_err(xsock_sendv(c, iov, 2), XSOCK_EINVAL);
  xt_err(xsock_recvv(c, iov, 2), XSOCK_EINVAL);
  iov[1].base = buf;
  /* Totals above PTRDIFF_MAX, one piece or a sum, which must not wrap.
   * The front end refuses them before touching a byte. */
  iov[0].len = (size_t)PTRDIFF_MAX + 1;
  xt_err(xsock_sendv(c, iov, 1), XSOCK_EINVAL);
  xt_err(xsock_recvv(c, iov, 1), XSOCK_EINVAL);
  iov[0].len = (size_t)PTRDIFF_MAX / 2 + 1;
  iov[1].len = (size_t)PTRDIFF_MAX / 2 + 1;
  xt_err(xsock_sendv(c, iov, 2), XSOCK_EINVAL);
  iov[2].len = SIZE_MAX;
  xt_err(xsock_recvv(c, iov, 3), XSOCK_EINVAL);
  xt_err(xsock_peek(c, buf, (size_t)PTRDIFF_MAX + 1), XSOCK_EINVAL);
  xt_err(xsock_peek(c, NULL, 0), XSOCK_EINVAL);
  assert_int_equal(xsock_last_os_error(), 0);
  /* Arguments are checked before the handle. */
  xt_err(xsock_sendv(XSOCK_INVALID, NULL, 1), XSOCK_EINVAL);
  xt_err(xsock_peek(XSOCK_INVALID, NULL, 1), XSOCK_EINVAL);
  for (k = 0; k < 3; k++)
    iov[k].len = 0;
  xt_ok(xsock_close(c));
  xt_ok(xsock_close(s));
  /* Invalid and closed handles (nothing opens a handle in between). */
  xt_ok(xsock_socket(&closed, XSOCK_AF_INET, XSOCK_DGRAM, 0));
  xt_ok(xsock_close(closed));
  xt_err(xsock_sendv(XSOCK_INVALID, iov, 1), XSOCK_EBADF);
  xt_err(xsock_sendv(closed, iov, 1), XSOCK_EBADF);
  xt_err(xsock_recvv(XSOCK_INVALID, iov, 1), XSOCK_EBADF);
  xt_err(xsock_recvv(closed, iov, 1), XSOCK_EBADF);
  xt_err(xsock_peek(XSOCK_INVALID, buf, 1), XSOCK_EBADF);
  xt_err(xsock_peek(closed, buf, 1), XSOCK_EBADF);
}

static void test_peek_then_recv(void **state) {
  char p1[16], p2[16], r[16];
  xsock_ssize_t n;
  xsock_t c, s;
  (void)state;
  xt_tcp_pair(&c, &s);
  xt_ok(xsock_set_nonblocking(s, 1));
  xt_err(xsock_peek(s, p1, sizeof p1), XSOCK_EAGAIN);
  xt_ok(xsock_set_nonblocking(s, 0));
  assert_int_equal(xsock_sendall(c, "peekaboo", 8), 8);
  /* A blocking peek waits for data like recv and consumes nothing, so a
   * second peek and then a receive see the same first bytes. */
  n = xt_ok(xsock_peek(s, p1, sizeof p1));
  assert_true(n >= 1 && n <= 8);
  assert_memory_equal(p1, "peekaboo", (size_t)n);
  assert_true(xt_ok(xsock_peek(s, p2, 4)) >= 1);
  assert_int_equal(p2[0], 'p');
  assert_int_equal(xsock_recv_exact(s, r, 8), 8);
  assert_memory_equal(r, "peekaboo", 8);
  /* End of stream: peek gives 0, like recv, and keeps giving it. */
  xt_ok(xsock_close(c));
  assert_int_equal(xsock_peek(s, p1, sizeof p1), 0);
  assert_int_equal(xsock_recv(s, r, sizeof r), 0);
  xt_ok(xsock_close(s));
}

/* Two connected UDP sockets on the IPv4 loopback. */
static void udp_pair(xsock_t *a, xsock_t *b) {
  xsock_addr_t any, an, bn;
  xt_ok(xsock_addr_loopback(&any, XSOCK_AF_INET, 0));
  xt_ok(xsock_socket(a, XSOCK_AF_INET, XSOCK_DGRAM, 0));
  xt_ok(xsock_socket(b, XSOCK_AF_INET, XSOCK_DGRAM, 0));
  xt_ok(xsock_bind(*a, &any));
  xt_ok(xsock_bind(*b, &any));
  xt_ok(xsock_getsockname(*a, &an));
  xt_ok(xsock_getsockname(*b, &bn));
  xt_ok(xsock_connect(*a, &bn));
  xt_ok(xsock_connect(*b, &an));
}

static void test_datagram_whole(void **state) {
  char hdr[4], body[16], big[32], peeked[16];
  xsock_iovec_t out[3], in[2];
  xsock_t a, b;
  (void)state;
  udp_pair(&a, &b);
  out[0].base = "HDR:";
  out[0].len = 4;
  out[1].base = "";
  out[1].len = 0;
  out[2].base = "payload";
  out[2].len = 7;
  /* One gather is one datagram; the peek sees it and leaves it queued. */
  assert_int_equal(xsock_sendv(a, out, 3), 11);
  assert_int_equal(xsock_peek(b, peeked, sizeof peeked), 11);
  assert_memory_equal(peeked, "HDR:payload", 11);
  in[0].base = hdr;
  in[0].len = sizeof hdr;
  in[1].base = body;
  in[1].len = sizeof body;
  assert_int_equal(xsock_recvv(b, in, 2), 11);
  assert_memory_equal(hdr, "HDR:", 4);
  assert_memory_equal(body, "payload", 7);
  /* A datagram longer than the pieces: POSIX truncates it (the rest is
   * lost), Windows gives XSOCK_EMSGSIZE with the pieces filled; the
   * datagram is gone either way, as for xsock_recvfrom. */
  memset(big, 'z', sizeof big);
  assert_int_equal(xsock_send(a, big, sizeof big), (long)sizeof big);
  in[1].len = 8;
  /* A short peek is truncated the same way and leaves the datagram. */
#ifdef _WIN32
  xt_err(xsock_peek(b, peeked, 5), XSOCK_EMSGSIZE);
#else
  assert_int_equal(xsock_peek(b, peeked, 5), 5);
#endif
  assert_memory_equal(peeked, "zzzzz", 5);
#ifdef _WIN32
  xt_err(xsock_recvv(b, in, 2), XSOCK_EMSGSIZE);
#else
  assert_int_equal(xsock_recvv(b, in, 2), 12);
#endif
  assert_memory_equal(body, "zzzzzzzz", 8);
  xt_ok(xsock_set_nonblocking(b, 1));
  xt_err(xsock_recvv(b, in, 2), XSOCK_EAGAIN);
  xt_ok(xsock_close(a));
  xt_ok(xsock_close(b));
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_gather_many_pieces),
      cmocka_unit_test(test_scatter_across_pieces),
      cmocka_unit_test(test_gather_partial_nonblocking),
      cmocka_unit_test(test_zero_length_pieces),
      cmocka_unit_test(test_limits_and_bad_arguments),
      cmocka_unit_test(test_peek_then_recv),
      cmocka_unit_test(test_datagram_whole),
  };
  int rc;
  if (xsock_init() != 0)
    return 1;
  rc = cmocka_run_group_tests_name("iov", tests, NULL, NULL);
  xsock_cleanup();
  return rc;
}
