/* SPDX-License-Identifier: MIT */
/* The write queue driving a selector loop on one backend (argv[1]), over
 * loopback TCP:
 *  - the interest xsock_wqueue_interest() asks for is the one the loop
 *    registers, and the backend honours it: XSOCK_READ is never reported
 *    while the queue is backed up (a byte waits to be read all along),
 *    XSOCK_WRITE comes while bytes are queued and a flush on it moves
 *    them; a megabyte arrives complete and in order while the watermarks
 *    flip both ways, each flip at its mark;
 *  - the loop a newcomer's server runs, decode a message and answer it:
 *    with reading stopped once the answers back up, no answer is ever
 *    refused and every one arrives, in order.
 * The peer never reads until the queue is backed up, which is what makes
 * the flips happen; how the kernel splits the bytes changes only how many
 * rounds a test takes, never its verdict. */
#include "xtest.h"

#include <string.h>

#define WQ_TOTAL (1024u * 1024u) /* bytes the first test sends */
#define WQ_CHUNK 8192
#define WQ_IDLE 200 /* waits of 25 ms without progress: 5 s, then fail */

static unsigned char wq_pat(size_t i) {
  return (unsigned char)(i * 131u + (i >> 8) * 7u + (i >> 16));
}

/* A connected pair, both ends non-blocking, with buffers small enough
 * that a peer that reads nothing backs the queue up soon, and a receive
 * buffer above loopback's MSS (64 KiB on Linux): a smaller one makes the
 * receiver hold its window updates back (silly window avoidance), and
 * the sender then waits for the persist timer, a fifth of a second per
 * round. */
static void wq_pair(xsock_t *a, xsock_t *b) {
  xt_tcp_pair(a, b);
  xt_ok(xsock_set_nonblocking(*a, 1));
  xt_ok(xsock_set_nonblocking(*b, 1));
  xt_ok(xsock_set_option(*a, XSOCK_OPT_SNDBUF, 16384));
  xt_ok(xsock_set_option(*b, XSOCK_OPT_RCVBUF, 131072));
}

/* Registers the interest q asks for when it differs from *reg. */
static void wq_follow(xsock_selector_t *sel, xsock_t s, xsock_wqueue_t *q,
                      unsigned *reg) {
  unsigned want = xsock_wqueue_interest(q);
  if (want != *reg) {
    xt_ok(xsock_selector_modify(sel, s, want, q));
    *reg = want;
  }
}

/* The watermark flag, checked at each flip against the marks. */
static void wq_check_flip(const xsock_wqueue_t *q, int *was, int *flips) {
  int now = xsock_wqueue_backed_up(q);
  if (now != *was) {
    if (now)
      assert_true(xsock_wqueue_queued(q) >= 96 * 1024);
    else
      assert_true(xsock_wqueue_queued(q) <= 32 * 1024);
    (*flips)++;
    *was = now;
  }
}

static void test_interest_follows_queue(void **state) {
  static unsigned char chunk[WQ_CHUNK], buf[16384];
  xsock_selector_t *sel = xt_selector();
  xsock_wqueue_t q;
  size_t produced = 0, in = 0, i;
  unsigned reg = XSOCK_READ, ev;
  int was = 0, flips = 0, idle = 0, read_seen = 0, drained;
  xsock_t a, b;
  (void)state;
  wq_pair(&a, &b);
  xt_ok(xsock_wqueue_init_grow(&q, 128 * 1024));
  xt_ok(xsock_wqueue_set_watermarks(&q, 32 * 1024, 96 * 1024));
  xt_ok(xsock_selector_add(sel, a, XSOCK_READ, &q));
  /* A byte for a to read: READ is ready the whole time. */
  assert_int_equal(xsock_send(b, "r", 1), 1);
  while (in < WQ_TOTAL) {
    /* Produce while the queue is not backed up. */
    while (!xsock_wqueue_backed_up(&q) && produced < WQ_TOTAL) {
      size_t n =
          WQ_TOTAL - produced < WQ_CHUNK ? WQ_TOTAL - produced : WQ_CHUNK;
      for (i = 0; i < n; i++)
        chunk[i] = wq_pat(produced + i);
      /* high + a chunk fits the bound: never refused. */
      xt_ok(xsock_wqueue_send(&q, a, chunk, n));
      produced += n;
      wq_check_flip(&q, &was, &flips);
    }
    wq_follow(sel, a, &q, &reg);
    /* The peer reads only once a backlog has built, so the flag rises. */
    drained = 0;
    if (flips > 0 || produced == WQ_TOTAL) {
      xsock_ssize_t n;
      while ((n = xsock_recv(b, buf, sizeof buf)) > 0) {
        for (i = 0; i < (size_t)n; i++)
          assert_int_equal(buf[i], wq_pat(in + i));
        in += (size_t)n;
        drained = 1;
      }
      xt_err(n, XSOCK_EAGAIN);
    }
    ev = xt_wait_one(sel, a, 25);
    /* The backend reports only what was asked for. */
    assert_int_equal(ev & ~(reg | XSOCK_ERROR | XSOCK_HANGUP), 0);
    assert_int_equal(ev & (XSOCK_ERROR | XSOCK_HANGUP), 0);
    if (ev & XSOCK_READ) {
      char c;
      if (xsock_recv(a, &c, 1) == 1)
        read_seen++;
    }
    if (ev & XSOCK_WRITE) {
      xsock_ssize_t left = xsock_wqueue_flush(&q, a);
      assert_true(xt_ok(left) == (long long)xsock_wqueue_queued(&q));
      wq_check_flip(&q, &was, &flips);
    }
    wq_follow(sel, a, &q, &reg);
    idle = ev != 0 || drained ? 0 : idle + 1;
    assert_true(idle < WQ_IDLE);
  }
  assert_int_equal(in, WQ_TOTAL);
  assert_int_equal(xsock_wqueue_queued(&q), 0);
  /* Up and down at least once each, and READ seen only when asked. */
  assert_true(flips >= 2);
  assert_int_equal(reg, XSOCK_READ);
  /* The byte is reported now if it was not before: READ is on again. */
  if (read_seen == 0) {
    assert_true(xt_expect_events(sel, a, XSOCK_READ, 5000) & XSOCK_READ);
    read_seen = 1;
  }
  /* Nothing queued: no WRITE asked for, none reported. */
  assert_int_equal(xt_wait_one(sel, a, 0) & XSOCK_WRITE, 0);
  xsock_wqueue_free(&q);
  xsock_selector_close(sel);
  xt_close(&a);
  xt_close(&b);
}

/* The server's side of the second test: decode what one recv brought and
 * answer each message with the same bytes reversed, into the queue. */
static void wq_answer(xsock_frame_decoder_t *d, xsock_wqueue_t *q, xsock_t s,
                      int *answered) {
  const void *m;
  size_t len, i;
  unsigned char rev[256];
  while (xt_ok(xsock_frame_next(d, &m, &len)) == 1) {
    for (i = 0; i < len; i++)
      rev[i] = ((const unsigned char *)m)[len - 1 - i];
    /* Never refused: reading stops at high, and one recv decodes at most
     * the decoder's buffer, which the room above high holds. */
    xt_ok(xsock_wqueue_send_frame(q, s, XSOCK_FRAME_LEN16, 255, rev, len));
    (*answered)++;
  }
}

/* Message k of the client: 1 to 255 bytes of the pattern. */
static size_t wq_msg(unsigned char *p, int k) {
  size_t len = (size_t)(k * 37 % 255) + 1, i;
  for (i = 0; i < len; i++)
    p[i] = wq_pat((size_t)k + i);
  return len;
}

static void test_decode_and_answer(void **state) {
  enum { MSGS = 8000 }; /* about 1 MiB each way: more than the kernel holds */
  static unsigned char qbuf[16384], dbuf[4096], cdbuf[257], cqbuf[65536];
  xsock_selector_t *sel = xt_selector();
  xsock_frame_decoder_t sd, cd;
  xsock_wqueue_t sq, cq;
  unsigned char msg[256], want[256];
  const void *m;
  size_t len, i;
  unsigned reg = XSOCK_READ, ev;
  int sent = 0, answered = 0, got = 0, idle = 0, backed = 0, progress;
  xsock_t a, b;
  (void)state;
  wq_pair(&a, &b);
  /* The server: a fixed queue whose room above high (8 KiB) takes the
   * answers to a whole decoder buffer (4 KiB) at once. */
  xt_ok(xsock_wqueue_init(&sq, qbuf, sizeof qbuf));
  xt_ok(xsock_wqueue_set_watermarks(&sq, 2048, 8192));
  xt_ok(
      xsock_frame_decoder_init(&sd, XSOCK_FRAME_LEN16, 255, dbuf, sizeof dbuf));
  xt_ok(xsock_selector_add(sel, a, XSOCK_READ, &sq));
  /* The client: its own queue for its messages, a decoder for answers. */
  xt_ok(xsock_wqueue_init(&cq, cqbuf, sizeof cqbuf));
  xt_ok(xsock_frame_decoder_init(&cd, XSOCK_FRAME_LEN16, 255, cdbuf,
                                 sizeof cdbuf));
  while (got < MSGS) {
    xsock_ssize_t r;
    progress = 0;
    /* Client: send what its queue takes, flush the rest. */
    xt_ok(xsock_wqueue_flush(&cq, b));
    while (sent < MSGS) {
      len = wq_msg(msg, sent);
      r = xsock_wqueue_send_frame(&cq, b, XSOCK_FRAME_LEN16, 255, msg, len);
      if (r == XSOCK_EFULL)
        break;
      xt_ok(r);
      sent++;
      progress = 1;
    }
    /* Client: read answers only once the server has backed up (or, if
     * the kernel held every answer, once nothing else moves, so that the
     * final assertion says what went wrong). */
    if (backed || (sent == MSGS && idle >= 4)) {
      while ((r = xsock_frame_recv(&cd, b)) > 0) {
        while (xt_ok(xsock_frame_next(&cd, &m, &len)) == 1) {
          size_t n = wq_msg(want, got);
          assert_int_equal(len, n);
          for (i = 0; i < n; i++)
            assert_int_equal(((const unsigned char *)m)[i], want[n - 1 - i]);
          got++;
          progress = 1;
        }
      }
      xt_err(r, XSOCK_EAGAIN);
    }
    /* Server: one wait of its loop. */
    ev = xt_wait_one(sel, a, 25);
    assert_int_equal(ev & ~(reg | XSOCK_ERROR | XSOCK_HANGUP), 0);
    assert_int_equal(ev & (XSOCK_ERROR | XSOCK_HANGUP), 0);
    if (ev & XSOCK_WRITE)
      xt_ok(xsock_wqueue_flush(&sq, a));
    if (ev & XSOCK_READ) {
      r = xsock_frame_recv(&sd, a);
      if (r != XSOCK_EAGAIN)
        assert_true(xt_ok(r) > 0);
      wq_answer(&sd, &sq, a, &answered);
    }
    if (xsock_wqueue_backed_up(&sq))
      backed = 1;
    wq_follow(sel, a, &sq, &reg);
    idle = ev != 0 || progress ? 0 : idle + 1;
    assert_true(idle < WQ_IDLE);
  }
  assert_int_equal(sent, MSGS);
  assert_int_equal(answered, MSGS);
  assert_true(backed); /* the answers did back up, reading did stop */
  xsock_selector_close(sel);
  xt_close(&a);
  xt_close(&b);
}

int main(int argc, char **argv) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_interest_follows_queue),
      cmocka_unit_test(test_decode_and_answer),
  };
  return xt_selector_main(argc, argv, tests);
}
