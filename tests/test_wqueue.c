/* SPDX-License-Identifier: MIT */
/* The write queue (include/xsock/wqueue.h) on real loopback sockets:
 *  - a peer that reads nothing fills up (non-blocking sends until
 *    XSOCK_EAGAIN), so the queue must keep what the socket refuses; every
 *    byte then arrives once and in order, which a numbered byte pattern
 *    checks: a byte sent twice, lost or reordered breaks it;
 *  - a message that does not fit is refused whole (XSOCK_EFULL), and a
 *    send error is returned and kept;
 *  - the watermarks flip at exact byte counts, the growing queue never
 *    asks for more than its bound and the fixed one never allocates.
 * Exact counts need a socket that takes exactly what the test says: the
 * fault hooks (tests/fault) make sends would-block, move at most a few
 * bytes, or fail, and count the library's allocations. No verdict
 * depends on timing; the waits below only bound how long a test may
 * hang. The selector loop itself is tests/selector_wqueue.c. */
#include "xtest.h"
#include "xfault.h"

#include <string.h>

/* Byte i of every stream the tests send: with the high bits mixed in, a
 * shift by any count below 64 KiB changes it. */
static unsigned char wq_pat(size_t i) {
  return (unsigned char)(i * 131u + (i >> 8) * 7u + (i >> 16));
}

static void wq_fill_pat(unsigned char *p, size_t from, size_t len) {
  size_t i;
  for (i = 0; i < len; i++)
    p[i] = wq_pat(from + i);
}

/* A connected pair, both ends non-blocking, with small buffers so that a
 * peer that reads nothing fills up after a few dozen KiB. */
static void wq_pair(xsock_t *a, xsock_t *b) {
  xt_tcp_pair(a, b);
  xt_ok(xsock_set_nonblocking(*a, 1));
  xt_ok(xsock_set_nonblocking(*b, 1));
  xt_ok(xsock_set_option(*a, XSOCK_OPT_SNDBUF, 8192));
  xt_ok(xsock_set_option(*b, XSOCK_OPT_RCVBUF, 8192));
}

/* Plain sends of the pattern from *out until the socket would block. */
static void wq_fill(xsock_t s, size_t *out) {
  unsigned char chunk[4096];
  for (;;) {
    xsock_ssize_t n;
    wq_fill_pat(chunk, *out, sizeof chunk);
    n = xsock_send(s, chunk, sizeof chunk);
    if (n == XSOCK_EAGAIN)
      return;
    xt_ok(n);
    *out += (size_t)n;
  }
}

/* Receives what is there, checking each byte against the pattern at *in;
 * returns the count. */
static size_t wq_drain(xsock_t s, size_t *in) {
  unsigned char buf[4096];
  size_t got = 0, i;
  for (;;) {
    xsock_ssize_t n = xsock_recv(s, buf, sizeof buf);
    if (n == XSOCK_EAGAIN)
      return got;
    assert_true(xt_ok(n) > 0);
    for (i = 0; i < (size_t)n; i++)
      assert_int_equal(buf[i], wq_pat(*in + i));
    *in += (size_t)n;
    got += (size_t)n;
  }
}

static void test_misuse(void **state) {
  xsock_wqueue_t q;
  unsigned char buf[16];
  xsock_t a, b;
  (void)state;
  wq_pair(&a, &b);
  xt_err(xsock_wqueue_init(NULL, buf, sizeof buf), XSOCK_EINVAL);
  xt_err(xsock_wqueue_init(&q, NULL, sizeof buf), XSOCK_EINVAL);
  xt_err(xsock_wqueue_send(&q, a, "x", 1), XSOCK_EINVAL); /* unusable */
  xt_err(xsock_wqueue_flush(&q, a), XSOCK_EINVAL);
  xt_err(xsock_wqueue_init(&q, buf, 0), XSOCK_EINVAL);
  xt_err(xsock_wqueue_init(&q, buf, (size_t)PTRDIFF_MAX + 1), XSOCK_EINVAL);
  xt_err(xsock_wqueue_set_watermarks(&q, 0, 1), XSOCK_EINVAL);
  xt_err(xsock_wqueue_init_grow(NULL, 10), XSOCK_EINVAL);
  xt_err(xsock_wqueue_init_grow(&q, 0), XSOCK_EINVAL);
  xt_err(xsock_wqueue_init_grow(&q, (size_t)PTRDIFF_MAX + 1), XSOCK_EINVAL);
  xt_err(xsock_wqueue_send(&q, a, "x", 1), XSOCK_EINVAL);

  xt_ok(xsock_wqueue_init(&q, buf, sizeof buf));
  xt_err(xsock_wqueue_send(&q, a, NULL, 0), XSOCK_EINVAL);
  xt_err(xsock_wqueue_send(&q, a, "x", (size_t)PTRDIFF_MAX + 1), XSOCK_EINVAL);
  xt_err(xsock_wqueue_send(&q, XSOCK_INVALID, "x", 1), XSOCK_EBADF);
  xt_err(xsock_wqueue_flush(&q, XSOCK_INVALID), XSOCK_EBADF);
  xt_err(xsock_wqueue_send(&q, a, "0123456789abcdefg", 17), XSOCK_EMSGSIZE);
  xt_err(xsock_wqueue_send_frame(&q, a, 7, 10, "x", 1), XSOCK_EINVAL);
  xt_err(xsock_wqueue_send_frame(&q, a, XSOCK_FRAME_LEN8, 256, "x", 1),
         XSOCK_EINVAL);
  xt_err(xsock_wqueue_send_frame(&q, a, XSOCK_FRAME_LEN8, 10, NULL, 0),
         XSOCK_EINVAL);
  xt_err(xsock_wqueue_send_frame(&q, a, XSOCK_FRAME_LINES('\n'), 10, "a\nb", 3),
         XSOCK_EINVAL);
  xt_err(xsock_wqueue_send_frame(&q, a, XSOCK_FRAME_LEN8, 3, "abcd", 4),
         XSOCK_EMSGSIZE);
  /* 15 bytes and a 2-byte header do not fit 16, ever. */
  xt_err(xsock_wqueue_send_frame(&q, a, XSOCK_FRAME_LEN16, 100,
                                 "0123456789abcde", 15),
         XSOCK_EMSGSIZE);
  xt_err(
      xsock_wqueue_send_frame(&q, XSOCK_INVALID, XSOCK_FRAME_LEN8, 10, "x", 1),
      XSOCK_EBADF);
  /* Watermarks: low below high, high within the size. */
  xt_err(xsock_wqueue_set_watermarks(&q, 8, 8), XSOCK_EINVAL);
  xt_err(xsock_wqueue_set_watermarks(&q, 9, 8), XSOCK_EINVAL);
  xt_err(xsock_wqueue_set_watermarks(&q, 0, 17), XSOCK_EINVAL);
  xt_ok(xsock_wqueue_set_watermarks(&q, 0, 16));
  /* Nothing refused above was sent or queued. */
  assert_int_equal(xsock_wqueue_queued(&q), 0);
  assert_int_equal(xsock_wqueue_error(&q), 0);
  xsock_wqueue_free(&q);
  xsock_wqueue_free(&q); /* twice: harmless */
  xt_err(xsock_wqueue_send(&q, a, "x", 1), XSOCK_EINVAL);
  xsock_wqueue_free(NULL);
  assert_int_equal(xsock_wqueue_queued(NULL), 0);
  assert_int_equal(xsock_wqueue_wants_write(NULL), 0);
  assert_int_equal(xsock_wqueue_backed_up(NULL), 0);
  assert_int_equal(xsock_wqueue_interest(NULL), 0);
  assert_int_equal(xsock_wqueue_error(NULL), 0);
  /* The new code reads as what to do. */
  assert_string_equal(xsock_err_name(XSOCK_EFULL), "EFULL");
  assert_non_null(strstr(xsock_strerror(XSOCK_EFULL), "flush first"));
  xt_close(&a);
  xt_close(&b);
}

/* A socket with room takes everything at once: nothing is queued, no
 * WRITE is asked for, and the fixed queue allocates nothing. */
static void test_room_sends_at_once(void **state) {
  xsock_wqueue_t q;
  unsigned char buf[64], msg[40];
  size_t out = 0, in = 0;
  xsock_t a, b;
  (void)state;
  wq_pair(&a, &b);
  xt_ok(xsock_wqueue_init(&q, buf, sizeof buf));
  wq_fill_pat(msg, out, sizeof msg);
  assert_int_equal(xsock_wqueue_send(&q, a, msg, sizeof msg), 0);
  out += sizeof msg;
  assert_int_equal(xsock_wqueue_interest(&q), XSOCK_READ);
  assert_int_equal(xsock_wqueue_wants_write(&q), 0);
  assert_int_equal(xsock_wqueue_flush(&q, a), 0);
  while (in < out) {
    assert_true(xsock_wait(b, XSOCK_READ, 5000) > 0);
    wq_drain(b, &in);
  }
  assert_int_equal(in, out);
  assert_int_equal(xf_calls(XF_ALLOC), 0);
  xsock_wqueue_free(&q);
  xt_close(&a);
  xt_close(&b);
}

/* A full peer: the queue takes messages until one does not fit, which is
 * refused whole; then the peer reads, the queue is flushed, the refused
 * message is sent again, and the peer gets every byte once, in order. */
static void test_full_peer_in_order(void **state) {
  xsock_wqueue_t q;
  unsigned char buf[4096], msg[1000];
  size_t out = 0, in = 0, queued;
  xsock_ssize_t r = 0;
  int i, pending = 0;
  xsock_t a, b;
  (void)state;
  wq_pair(&a, &b);
  xt_ok(xsock_wqueue_init(&q, buf, sizeof buf));
  wq_fill(a, &out);
  /* The kernel may still take a little after the fill: after 200 KB at
   * most, the 4 KiB queue must have refused a message. */
  for (i = 0; i < 200; i++) {
    wq_fill_pat(msg, out, sizeof msg);
    queued = xsock_wqueue_queued(&q);
    r = xsock_wqueue_send(&q, a, msg, sizeof msg);
    if (r == XSOCK_EFULL)
      break;
    assert_true(xt_ok(r) == (long long)xsock_wqueue_queued(&q));
    assert_int_equal(xsock_wqueue_wants_write(&q), r > 0);
    out += sizeof msg;
  }
  xt_err(r, XSOCK_EFULL);
  /* Refused whole: the queue holds what it held, and the message's bytes
   * never reach the peer (the pattern check would see them twice). */
  assert_int_equal(xsock_wqueue_queued(&q), queued);
  assert_true(queued + sizeof msg > sizeof buf);
  assert_int_equal(xsock_wqueue_interest(&q) & XSOCK_WRITE, XSOCK_WRITE);
  pending = 1;
  while (pending || in < out) {
    wq_drain(b, &in);
    r = xsock_wqueue_flush(&q, a);
    assert_true(xt_ok(r) == (long long)xsock_wqueue_queued(&q));
    if (pending) {
      r = xsock_wqueue_send(&q, a, msg, sizeof msg);
      if (r != XSOCK_EFULL) {
        xt_ok(r);
        out += sizeof msg;
        pending = 0;
      }
    }
    if (in < out)
      assert_true(xsock_wait(b, XSOCK_READ, 5000) > 0);
  }
  assert_int_equal(in, out);
  assert_int_equal(xsock_wqueue_queued(&q), 0);
  assert_int_equal(xsock_wqueue_interest(&q), XSOCK_READ);
  assert_int_equal(xf_calls(XF_ALLOC), 0);
  xsock_wqueue_free(&q);
  xt_close(&a);
  xt_close(&b);
}

/* Every send would block, then exactly `sends` sends of at most 100 bytes
 * each go through: the flush moves exactly sends * 100 bytes. */
static void wq_let_through(long sends) {
  xf_reset();
  xf_send_cap(100);
  xf_fail(XF_SEND, sends, -1, XF_EWOULDBLOCK);
}

/* low 300, high 700 on a 1000-byte queue: the flag rises when 700 bytes
 * are queued, not at 699, and falls at 300, not at 301. */
static void test_watermarks_flip_exactly(void **state) {
  xsock_wqueue_t q;
  unsigned char buf[1000], msg[100];
  xsock_t a, b;
  int i;
  (void)state;
  wq_pair(&a, &b);
  xt_ok(xsock_wqueue_init(&q, buf, sizeof buf));
  xt_ok(xsock_wqueue_set_watermarks(&q, 300, 700));
  memset(msg, 'w', sizeof msg);
  wq_let_through(0);
  for (i = 1; i <= 6; i++) {
    assert_int_equal(xsock_wqueue_send(&q, a, msg, 99), i * 99);
    assert_int_equal(xsock_wqueue_backed_up(&q), 0);
  }
  /* 594 queued: 105 more make 699, one more makes 700. */
  assert_int_equal(xsock_wqueue_send(&q, a, msg, 100), 694);
  assert_int_equal(xsock_wqueue_send(&q, a, msg, 5), 699);
  assert_int_equal(xsock_wqueue_backed_up(&q), 0);
  assert_int_equal(xsock_wqueue_interest(&q), XSOCK_READ | XSOCK_WRITE);
  assert_int_equal(xsock_wqueue_send(&q, a, msg, 1), 700);
  assert_int_equal(xsock_wqueue_backed_up(&q), 1);
  assert_int_equal(xsock_wqueue_interest(&q), XSOCK_WRITE);
  /* Between the marks it stays up: 600, 400, 301. */
  wq_let_through(1);
  assert_int_equal(xsock_wqueue_flush(&q, a), 600);
  assert_int_equal(xsock_wqueue_backed_up(&q), 1);
  wq_let_through(2);
  assert_int_equal(xsock_wqueue_flush(&q, a), 400);
  assert_int_equal(xsock_wqueue_backed_up(&q), 1);
  xf_reset();
  xf_send_cap(99);
  xf_fail(XF_SEND, 1, -1, XF_EWOULDBLOCK);
  assert_int_equal(xsock_wqueue_flush(&q, a), 301);
  assert_int_equal(xsock_wqueue_backed_up(&q), 1);
  xf_reset();
  xf_send_cap(1);
  xf_fail(XF_SEND, 1, -1, XF_EWOULDBLOCK);
  assert_int_equal(xsock_wqueue_flush(&q, a), 300);
  assert_int_equal(xsock_wqueue_backed_up(&q), 0);
  assert_int_equal(xsock_wqueue_interest(&q), XSOCK_READ | XSOCK_WRITE);
  /* Back up to 699: still down, because it has not reached high. */
  wq_let_through(0);
  for (i = 0; i < 3; i++)
    xt_ok(xsock_wqueue_send(&q, a, msg, 100));
  assert_int_equal(xsock_wqueue_send(&q, a, msg, 99), 699);
  assert_int_equal(xsock_wqueue_backed_up(&q), 0);
  /* Moving the marks is judged at once against what is queued. */
  xt_ok(xsock_wqueue_set_watermarks(&q, 100, 699));
  assert_int_equal(xsock_wqueue_backed_up(&q), 1);
  xt_ok(xsock_wqueue_set_watermarks(&q, 699, 1000));
  assert_int_equal(xsock_wqueue_backed_up(&q), 0);
  /* Everything the socket took went to the peer, queued or not. */
  xf_reset();
  assert_int_equal(xsock_wqueue_flush(&q, a), 0);
  assert_int_equal(xsock_wqueue_interest(&q), XSOCK_READ);
  xsock_wqueue_free(&q);
  xt_close(&a);
  xt_close(&b);
}

/* A send error is returned, kept, and sends nothing more; what did not go
 * out stays counted. */
static void test_send_error_kept(void **state) {
  xsock_wqueue_t q;
  unsigned char buf[256];
  xsock_t a, b;
  long calls;
  (void)state;
  wq_pair(&a, &b);
  xt_ok(xsock_wqueue_init(&q, buf, sizeof buf));
  wq_let_through(0);
  assert_int_equal(xsock_wqueue_send(&q, a, "0123456789", 10), 10);
  xf_reset();
  xf_fail(XF_SEND, 0, 1, XF_ECONNRESET);
  xt_err(xsock_wqueue_flush(&q, a), XSOCK_ECONNRESET);
  assert_int_equal(xsock_wqueue_error(&q), XSOCK_ECONNRESET);
  assert_int_equal(xsock_wqueue_queued(&q), 10);
  assert_int_equal(xsock_wqueue_wants_write(&q), 0);
  /* Kept: later calls return it without a send. */
  calls = xf_calls(XF_SEND);
  xt_err(xsock_wqueue_flush(&q, a), XSOCK_ECONNRESET);
  xt_err(xsock_wqueue_send(&q, a, "x", 1), XSOCK_ECONNRESET);
  xt_err(xsock_wqueue_send_frame(&q, a, XSOCK_FRAME_LEN8, 9, "x", 1),
         XSOCK_ECONNRESET);
  assert_int_equal(xf_calls(XF_SEND), calls);
  assert_int_equal(xsock_wqueue_queued(&q), 10);
  /* An error while data itself is sent: data is taken, its unsent rest
   * counted (3 bytes went out before the reset). */
  xt_ok(xsock_wqueue_init(&q, buf, sizeof buf));
  xf_reset();
  xf_send_cap(3);
  xf_fail(XF_SEND, 1, 1, XF_ECONNRESET);
  xt_err(xsock_wqueue_send(&q, a, "0123456789", 10), XSOCK_ECONNRESET);
  assert_int_equal(xsock_wqueue_queued(&q), 7);
  assert_int_equal(xsock_wqueue_error(&q), XSOCK_ECONNRESET);
  xt_err(xsock_wqueue_flush(&q, a), XSOCK_ECONNRESET);
  assert_int_equal(xsock_wqueue_queued(&q), 7);
  /* An error while flushing what was queued before data: data is
   * refused. */
  xt_ok(xsock_wqueue_init(&q, buf, sizeof buf));
  wq_let_through(0);
  assert_int_equal(xsock_wqueue_send(&q, a, "abc", 3), 3);
  xf_reset();
  xf_fail(XF_SEND, 0, 1, XF_ECONNRESET);
  xt_err(xsock_wqueue_send(&q, a, "0123456789", 10), XSOCK_ECONNRESET);
  assert_int_equal(xsock_wqueue_queued(&q), 3);
  assert_int_equal(xsock_wqueue_error(&q), XSOCK_ECONNRESET);
  xf_reset();
  xsock_wqueue_free(&q);
  xt_close(&a);
  xt_close(&b);
}

/* A growing queue: nothing allocated until bytes must be kept, never a
 * block above its bound, full at exactly the bound, and an allocation
 * failure refuses the message whole before any of it is sent. */
static void test_growth_bounded(void **state) {
  static unsigned char msg[3000];
  xsock_wqueue_t q;
  xsock_t a, b;
  size_t in = 0;
  (void)state;
  wq_pair(&a, &b);
  xt_ok(xsock_wqueue_init_grow(&q, 10000));
  assert_int_equal(xf_calls(XF_ALLOC), 0);
  wq_fill_pat(msg, 0, sizeof msg);
  wq_let_through(0);
  assert_int_equal(xsock_wqueue_send(&q, a, msg, 3000), 3000);
  assert_int_equal(xf_calls(XF_ALLOC), 1); /* 4 KiB */
  assert_int_equal(xsock_wqueue_send(&q, a, msg, 3000), 6000);
  assert_int_equal(xsock_wqueue_send(&q, a, msg, 3000), 9000);
  assert_int_equal(xf_alloc_largest(), 10000); /* 16 KiB, cut to max */
  xt_err(xsock_wqueue_send(&q, a, msg, 3000), XSOCK_EFULL);
  assert_int_equal(xsock_wqueue_send(&q, a, msg, 1000), 10000);
  xt_err(xsock_wqueue_send(&q, a, msg, 1), XSOCK_EFULL);
  assert_true(xf_alloc_largest() <= 10000);
  assert_true(xf_calls(XF_ALLOC) <= 3);
  xsock_wqueue_free(&q);

  /* Out of memory: refused whole, not a byte sent. */
  xt_ok(xsock_wqueue_init_grow(&q, 1u << 20));
  xf_reset();
  xf_send_cap(10); /* a partial send, so the rest must be kept */
  xf_fail(XF_ALLOC, 0, 1, 0);
  xt_err(xsock_wqueue_send(&q, a, msg, 3000), XSOCK_ENOMEM);
  assert_int_equal(xf_calls(XF_SEND), 0);
  assert_int_equal(xsock_wqueue_queued(&q), 0);
  assert_int_equal(xsock_wqueue_error(&q), 0); /* not a failed queue */
  /* The next try works: the first 10 bytes at once, the rest kept. */
  xf_fail(XF_SEND, 1, -1, XF_EWOULDBLOCK);
  assert_int_equal(xsock_wqueue_send(&q, a, msg, 3000), 2990);
  xf_reset();
  assert_int_equal(xsock_wqueue_flush(&q, a), 0);
  while (in < 3000) {
    assert_true(xsock_wait(b, XSOCK_READ, 5000) > 0);
    wq_drain(b, &in);
  }
  assert_int_equal(in, 3000);
  xsock_wqueue_free(&q);
  xt_close(&a);
  xt_close(&b);
}

/* Message k of the frame tests: k + 1 bytes of the pattern from k. */
static size_t wq_msg(unsigned char *p, int k) {
  wq_fill_pat(p, (size_t)k, (size_t)k + 1);
  return (size_t)k + 1;
}

/* Frames into a fixed queue behind a full peer: each is refused whole or
 * taken whole, none is lost, the peer decodes all in order, and no byte
 * of memory is allocated. */
static void test_frames_full_peer(void **state) {
  xsock_wqueue_t q;
  xsock_frame_decoder_t d;
  unsigned char buf[2048], dbuf[512], msg[300], tmp[4096];
  size_t out = 0, in = 0, len;
  const void *m;
  int sent = 0, got = 0, refused = 0, i;
  xsock_t a, b;
  (void)state;
  wq_pair(&a, &b);
  xt_ok(xsock_wqueue_init(&q, buf, sizeof buf));
  xt_ok(
      xsock_frame_decoder_init(&d, XSOCK_FRAME_LEN16, 300, dbuf, sizeof dbuf));
  wq_fill(a, &out);
  while (got < 200) {
    xsock_ssize_t r;
    /* Send what fits; a refusal leaves message `sent` for next time. */
    while (sent < 200) {
      len = wq_msg(msg, sent);
      r = xsock_wqueue_send_frame(&q, a, XSOCK_FRAME_LEN16, 300, msg, len);
      if (r == XSOCK_EFULL) {
        refused++;
        break;
      }
      xt_ok(r);
      sent++;
    }
    /* The plain fill first, then frames. */
    while (in < out) {
      r = xsock_recv(b, tmp, out - in < sizeof tmp ? out - in : sizeof tmp);
      if (r == XSOCK_EAGAIN)
        break;
      assert_true(xt_ok(r) > 0);
      for (i = 0; i < (int)r; i++)
        assert_int_equal(tmp[i], wq_pat(in + (size_t)i));
      in += (size_t)r;
    }
    if (in == out) {
      while ((r = xsock_frame_recv(&d, b)) > 0) {
        while (xt_ok(xsock_frame_next(&d, &m, &len)) == 1) {
          assert_int_equal(len, wq_msg(msg, got));
          assert_memory_equal(m, msg, len);
          got++;
        }
      }
      xt_err(r, XSOCK_EAGAIN);
    }
    xt_ok(xsock_wqueue_flush(&q, a));
    if (got < 200 && xsock_wqueue_queued(&q) == 0 && sent == got)
      continue; /* everything arrived: nothing to wait for */
    if (got < 200)
      assert_true(xsock_wait(b, XSOCK_READ, 5000) > 0);
  }
  assert_true(refused > 0); /* the full peer did make the queue refuse */
  assert_int_equal(sent, 200);
  assert_int_equal(xf_calls(XF_ALLOC), 0);
  xsock_wqueue_free(&q);
  xt_close(&a);
  xt_close(&b);
}

/* A frame whose header, message and ending go out a byte at a time, the
 * socket full after any of them: what is kept resumes at the right byte
 * of the right piece, in every format. */
static void test_frame_pieces(void **state) {
  static const int formats[] = {XSOCK_FRAME_LEN8, XSOCK_FRAME_LEN32,
                                XSOCK_FRAME_LINES(';'), XSOCK_FRAME_CRLF};
  static const char text[] = "pieces of a frame";
  xsock_wqueue_t q;
  xsock_frame_decoder_t d;
  unsigned char buf[64], dbuf[64];
  const void *m;
  size_t len, total, k;
  xsock_t a, b;
  int f;
  (void)state;
  wq_pair(&a, &b);
  for (f = 0; f < 4; f++) {
    xsock_frame_decoder_init(&d, formats[f], 20, dbuf, sizeof dbuf);
    total = xsock_frame_bufsize(formats[f], 17);
    for (k = 0; k <= total; k++) {
      xt_ok(xsock_wqueue_init(&q, buf, sizeof buf));
      xf_reset();
      xf_send_cap(1);
      xf_fail(XF_SEND, (long)k, -1, XF_EWOULDBLOCK);
      assert_int_equal(xsock_wqueue_send_frame(&q, a, formats[f], 20, text, 17),
                       total - k);
      xf_reset();
      assert_int_equal(xsock_wqueue_flush(&q, a), 0);
      while (xt_ok(xsock_frame_next(&d, &m, &len)) == 0) {
        assert_true(xsock_wait(b, XSOCK_READ, 5000) > 0);
        assert_true(xt_ok(xsock_frame_recv(&d, b)) > 0);
      }
      assert_int_equal(len, 17);
      assert_memory_equal(m, text, 17);
    }
  }
  xsock_wqueue_free(&q);
  xt_close(&a);
  xt_close(&b);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_misuse),
      cmocka_unit_test_setup_teardown(test_room_sends_at_once, xf_setup,
                                      xf_teardown),
      cmocka_unit_test_setup_teardown(test_full_peer_in_order, xf_setup,
                                      xf_teardown),
      cmocka_unit_test_setup_teardown(test_watermarks_flip_exactly, xf_setup,
                                      xf_teardown),
      cmocka_unit_test_setup_teardown(test_send_error_kept, xf_setup,
                                      xf_teardown),
      cmocka_unit_test_setup_teardown(test_growth_bounded, xf_setup,
                                      xf_teardown),
      cmocka_unit_test_setup_teardown(test_frames_full_peer, xf_setup,
                                      xf_teardown),
      cmocka_unit_test_setup_teardown(test_frame_pieces, xf_setup, xf_teardown),
  };
  int rc;
  if (xsock_init() != 0)
    return 1;
  rc = cmocka_run_group_tests_name("wqueue", tests, NULL, NULL);
  xsock_cleanup();
  return rc;
}
