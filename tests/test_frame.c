/* SPDX-License-Identifier: MIT */
/* Message framing without sockets: every format decodes a stream split
 * and coalesced at every byte boundary, through both ways in (feed and
 * space/commit), returns messages without copying them when they lie
 * whole in a feed, refuses oversize and truncated streams for good, and
 * never writes past the buffer it was given. The socket side is
 * test_frame_io.c. */
#include "xtest.h"

#include <string.h>

#define MAX 12      /* the maximum message size of the split tests */
#define CANARY 0xa5 /* fills the bytes just past a decoder's buffer */

static const int formats[] = {XSOCK_FRAME_LEN8,        XSOCK_FRAME_LEN16,
                              XSOCK_FRAME_LEN24,       XSOCK_FRAME_LEN32,
                              XSOCK_FRAME_LINES('\n'), XSOCK_FRAME_LINES(0),
                              XSOCK_FRAME_CRLF};
#define NFORMATS (sizeof formats / sizeof formats[0])

/* Messages with empty ones, the maximum, one below it, and a '\r' that
 * CRLF must keep (it is not right before the '\n'). */
static const char *const msgs[] = {
    "", "a", "hello", "x\ry", "12345678901", "123456789012", "", "end\r"};
#define NMSGS (sizeof msgs / sizeof msgs[0])

/* Frames one message by hand, independently of the library's encoder. */
static size_t ref_frame(int format, const char *m, unsigned char *out) {
  size_t len = strlen(m), n = 0;
  int i;
  if (format >= XSOCK_FRAME_LEN8 && format <= XSOCK_FRAME_LEN32) {
    for (i = format - 1; i >= 0; i--)
      out[n++] = (unsigned char)(len >> (8 * i));
    memcpy(out + n, m, len);
    return n + len;
  }
  memcpy(out, m, len);
  if (format == XSOCK_FRAME_CRLF)
    out[len++] = '\r';
  out[len++] = (unsigned char)(format & 0xff);
  return len;
}

static size_t ref_stream(int format, unsigned char *out) {
  size_t i, n = 0;
  for (i = 0; i < NMSGS; i++)
    n += ref_frame(format, msgs[i], out + n);
  return n;
}

/* A decoder over buf (of exactly the size needed) followed by canaries. */
typedef struct fixture {
  xsock_frame_decoder_t d;
  unsigned char buf[MAX + 4 + 16];
  size_t cap;
  size_t got; /* messages taken so far */
} fixture_t;

static void fx_init(fixture_t *f, int format) {
  memset(f->buf, CANARY, sizeof f->buf);
  f->cap = xsock_frame_bufsize(format, MAX);
  assert_true(f->cap > MAX && f->cap + 16 <= sizeof f->buf);
  xt_ok(xsock_frame_decoder_init(&f->d, format, MAX, f->buf, f->cap));
  f->got = 0;
}

/* Takes out every whole message and checks it against msgs[]; each must
 * lie inside the chunk just fed (not copied) or inside the buffer. */
static void fx_drain(fixture_t *f, const unsigned char *chunk, size_t len) {
  const void *m;
  size_t n, i;
  int rc;
  while ((rc = xsock_frame_next(&f->d, &m, &n)) == 1) {
    const unsigned char *p = (const unsigned char *)m;
    assert_true(f->got < NMSGS);
    assert_int_equal(n, strlen(msgs[f->got]));
    assert_memory_equal(p, msgs[f->got], n);
    assert_true((chunk != NULL && p >= chunk && p + n <= chunk + len) ||
                (p >= f->buf && p + n <= f->buf + f->cap));
    f->got++;
  }
  xt_ok(rc);
  for (i = f->cap; i < sizeof f->buf; i++)
    assert_int_equal(f->buf[i], CANARY);
}

static void fx_feed(fixture_t *f, const unsigned char *p, size_t len) {
  xt_ok(xsock_frame_feed(&f->d, p, len));
  fx_drain(f, p, len);
}

/* Writes len bytes through the space/commit path, in as many pieces as
 * the free space asks for. */
static void fx_write(fixture_t *f, const unsigned char *p, size_t len) {
  while (len > 0) {
    void *space;
    xsock_ssize_t room = xsock_frame_space(&f->d, &space);
    size_t n = (size_t)xt_ok(room);
    assert_true(n > 0);
    if (n > len)
      n = len;
    memcpy(space, p, n);
    xt_ok(xsock_frame_commit(&f->d, n));
    fx_drain(f, NULL, 0);
    p += n;
    len -= n;
  }
}

static void fx_done(fixture_t *f) {
  const void *m;
  size_t n;
  assert_int_equal(f->got, NMSGS);
  xt_ok(xsock_frame_finish(&f->d));
  assert_int_equal(xsock_frame_next(&f->d, &m, &n), 0);
}

static void test_split_every_two_boundaries(void **state) {
  unsigned char s[256];
  size_t k, i, j, n;
  (void)state;
  for (k = 0; k < NFORMATS; k++) {
    n = ref_stream(formats[k], s);
    for (i = 0; i <= n; i++) {
      for (j = i; j <= n; j++) {
        fixture_t f;
        fx_init(&f, formats[k]);
        fx_feed(&f, s, i);
        fx_feed(&f, s + i, j - i);
        fx_feed(&f, s + j, n - j);
        fx_done(&f);
        fx_init(&f, formats[k]);
        fx_write(&f, s, i);
        fx_write(&f, s + i, j - i);
        fx_write(&f, s + j, n - j);
        fx_done(&f);
      }
    }
  }
}

static void test_every_chunk_size(void **state) {
  unsigned char s[256];
  size_t k, c, at, n;
  (void)state;
  for (k = 0; k < NFORMATS; k++) {
    n = ref_stream(formats[k], s);
    for (c = 1; c <= n; c++) {
      fixture_t f, w;
      fx_init(&f, formats[k]);
      fx_init(&w, formats[k]);
      for (at = 0; at < n; at += c) {
        fx_feed(&f, s + at, at + c <= n ? c : n - at);
        fx_write(&w, s + at, at + c <= n ? c : n - at);
      }
      fx_done(&f);
      fx_done(&w);
    }
  }
}

/* Fed all at once, no message is copied: each points into the feed. */
static void test_whole_feed_is_not_copied(void **state) {
  unsigned char s[256], tmp[64];
  size_t k, n, i;
  (void)state;
  for (k = 0; k < NFORMATS; k++) {
    size_t hdr = formats[k] <= XSOCK_FRAME_LEN32 ? (size_t)formats[k] : 0;
    size_t len, at = 0;
    fixture_t f;
    const void *m;
    n = ref_stream(formats[k], s);
    fx_init(&f, formats[k]);
    xt_ok(xsock_frame_feed(&f.d, s, n));
    for (i = 0; i < NMSGS; i++) {
      assert_int_equal(xsock_frame_next(&f.d, &m, &len), 1);
      assert_ptr_equal(m, s + at + hdr);
      at += ref_frame(formats[k], msgs[i], tmp);
    }
    assert_int_equal(xsock_frame_next(&f.d, &m, &len), 0);
  }
}

/* Every call on a failed decoder gives its error, and it holds nothing. */
static void assert_failed(xsock_frame_decoder_t *d, int err) {
  const void *m = "";
  size_t n = 1;
  void *space = d;
  xt_err(xsock_frame_next(d, &m, &n), err);
  assert_null(m);
  assert_int_equal(n, 0);
  xt_err(xsock_frame_feed(d, "\0\0\0\0\n", 5), err);
  xt_err(xsock_frame_next(d, &m, &n), err);
  xt_err(xsock_frame_space(d, &space), err);
  assert_null(space);
  xt_err(xsock_frame_commit(d, 0), err);
  xt_err(xsock_frame_finish(d), err);
  xt_err(xsock_frame_recv(d, XSOCK_INVALID), err);
  assert_int_equal(d->end - d->start, 0);
}

static void test_max_boundary_and_oversize(void **state) {
  static const unsigned char len16_max[] = {0, MAX};
  static const unsigned char len16_over[] = {0, MAX + 1};
  static const unsigned char len32_huge[] = {0xff, 0xff, 0xff, 0xff};
  unsigned char line[MAX + 3];
  fixture_t f;
  const void *m;
  size_t n;
  (void)state;
  /* A header of exactly max is fine and waits for its bytes. */
  fx_init(&f, XSOCK_FRAME_LEN16);
  xt_ok(xsock_frame_feed(&f.d, len16_max, 2));
  assert_int_equal(xsock_frame_next(&f.d, &m, &n), 0);
  /* One above fails as soon as its header is complete, byte by byte. */
  fx_init(&f, XSOCK_FRAME_LEN16);
  xt_ok(xsock_frame_feed(&f.d, len16_over, 1));
  assert_int_equal(xsock_frame_next(&f.d, &m, &n), 0);
  xt_ok(xsock_frame_feed(&f.d, len16_over + 1, 1));
  xt_err(xsock_frame_next(&f.d, &m, &n), XSOCK_EMSGSIZE);
  assert_failed(&f.d, XSOCK_EMSGSIZE);
  fx_init(&f, XSOCK_FRAME_LEN32);
  xt_ok(xsock_frame_feed(&f.d, len32_huge, 4));
  xt_err(xsock_frame_next(&f.d, &m, &n), XSOCK_EMSGSIZE);
  assert_failed(&f.d, XSOCK_EMSGSIZE);
  /* Lines: max bytes without a delimiter wait; one more fails, through
   * either way in. */
  memset(line, 'x', sizeof line);
  fx_init(&f, XSOCK_FRAME_LINES('\n'));
  xt_ok(xsock_frame_feed(&f.d, line, MAX));
  assert_int_equal(xsock_frame_next(&f.d, &m, &n), 0);
  xt_ok(xsock_frame_feed(&f.d, line, 1));
  xt_err(xsock_frame_next(&f.d, &m, &n), XSOCK_EMSGSIZE);
  assert_failed(&f.d, XSOCK_EMSGSIZE);
  fx_init(&f, XSOCK_FRAME_LINES('\n'));
  line[MAX + 1] = '\n';
  xt_ok(xsock_frame_feed(&f.d, line, MAX + 2));
  xt_err(xsock_frame_next(&f.d, &m, &n), XSOCK_EMSGSIZE);
  assert_failed(&f.d, XSOCK_EMSGSIZE);
  /* CRLF: max bytes and "\r\n" fit, max + 1 and "\n" do not. */
  fx_init(&f, XSOCK_FRAME_CRLF);
  line[MAX] = '\r';
  xt_ok(xsock_frame_feed(&f.d, line, MAX + 2));
  assert_int_equal(xsock_frame_next(&f.d, &m, &n), 1);
  assert_int_equal(n, MAX);
  line[MAX] = 'x';
  xt_ok(xsock_frame_feed(&f.d, line, MAX + 2));
  xt_err(xsock_frame_next(&f.d, &m, &n), XSOCK_EMSGSIZE);
  assert_failed(&f.d, XSOCK_EMSGSIZE);
}

/* A stream that ends mid-message: the whole messages come first, then
 * XSOCK_EPROTO for good. One that ends between messages ends cleanly. */
static void test_truncated_stream(void **state) {
  unsigned char s[256], tmp[64];
  size_t k, cut, n;
  (void)state;
  for (k = 0; k < NFORMATS; k++) {
    n = ref_stream(formats[k], s);
    for (cut = 0; cut <= n; cut++) {
      fixture_t f;
      const void *m;
      size_t len, at = 0, whole = 0;
      int rc;
      /* The whole messages before cut, and where the last one ends. */
      while (whole < NMSGS &&
             at + ref_frame(formats[k], msgs[whole], tmp) <= cut)
        at += ref_frame(formats[k], msgs[whole++], tmp);
      fx_init(&f, formats[k]);
      xt_ok(xsock_frame_feed(&f.d, s, cut));
      xt_ok(xsock_frame_finish(&f.d));
      xt_err(xsock_frame_feed(&f.d, s, 0), XSOCK_EINVAL);
      while ((rc = xsock_frame_next(&f.d, &m, &len)) == 1)
        f.got++;
      assert_int_equal(f.got, whole);
      if (at == cut) {
        assert_int_equal(rc, 0);
      } else {
        xt_err(rc, XSOCK_EPROTO);
        assert_failed(&f.d, XSOCK_EPROTO);
      }
    }
  }
}

static void test_bad_arguments(void **state) {
  xsock_frame_decoder_t d;
  unsigned char buf[64];
  const void *m;
  void *space;
  size_t n;
  (void)state;
  assert_int_equal(xsock_frame_bufsize(XSOCK_FRAME_LEN8, 255), 256);
  assert_int_equal(xsock_frame_bufsize(XSOCK_FRAME_LEN8, 256), 0);
  assert_int_equal(xsock_frame_bufsize(XSOCK_FRAME_LEN16, 65535), 65537);
  assert_int_equal(xsock_frame_bufsize(XSOCK_FRAME_LEN16, 65536), 0);
  assert_int_equal(xsock_frame_bufsize(XSOCK_FRAME_LEN24, 0xffffff), 0x1000002);
  assert_int_equal(xsock_frame_bufsize(XSOCK_FRAME_LEN24, 0x1000000), 0);
  assert_int_equal(xsock_frame_bufsize(XSOCK_FRAME_LINES('\n'), 9), 10);
  assert_int_equal(xsock_frame_bufsize(XSOCK_FRAME_CRLF, 9), 11);
  assert_int_equal(xsock_frame_bufsize(XSOCK_FRAME_LINES(0), SIZE_MAX), 0);
  assert_int_equal(xsock_frame_bufsize(0, 9), 0);
  assert_int_equal(xsock_frame_bufsize(5, 9), 0);
  assert_int_equal(xsock_frame_bufsize(0x400 | '\n', 9), 0);
  assert_int_equal(xsock_frame_bufsize(-1, 9), 0);
  xt_err(xsock_frame_decoder_init(NULL, XSOCK_FRAME_LEN8, 9, buf, 64),
         XSOCK_EINVAL);
  xt_err(xsock_frame_decoder_init(&d, XSOCK_FRAME_LEN8, 9, buf, 9),
         XSOCK_EINVAL); /* one byte short */
  assert_failed(&d, XSOCK_EINVAL);
  xt_err(xsock_frame_decoder_init(&d, XSOCK_FRAME_LEN8, 9, NULL, 64),
         XSOCK_EINVAL);
  assert_failed(&d, XSOCK_EINVAL);
  xt_err(xsock_frame_decoder_init(&d, 7, 9, buf, 64), XSOCK_EINVAL);
  assert_failed(&d, XSOCK_EINVAL);
  xt_ok(xsock_frame_decoder_init(&d, XSOCK_FRAME_LEN8, 9, buf, 10));
  /* NULL arguments do not fail the decoder. */
  xt_err(xsock_frame_feed(&d, NULL, 0), XSOCK_EINVAL);
  xt_err(xsock_frame_next(&d, NULL, &n), XSOCK_EINVAL);
  xt_err(xsock_frame_next(&d, &m, NULL), XSOCK_EINVAL);
  xt_err(xsock_frame_space(&d, NULL), XSOCK_EINVAL);
  xt_err(xsock_frame_next(NULL, &m, &n), XSOCK_EINVAL);
  xt_err(xsock_frame_feed(NULL, buf, 1), XSOCK_EINVAL);
  xt_err(xsock_frame_space(NULL, &space), XSOCK_EINVAL);
  xt_err(xsock_frame_commit(NULL, 0), XSOCK_EINVAL);
  xt_err(xsock_frame_recv(NULL, XSOCK_INVALID), XSOCK_EINVAL);
  xt_err(xsock_frame_finish(NULL), XSOCK_EINVAL);
  xt_err(xsock_frame_recv(&d, XSOCK_INVALID), XSOCK_EBADF);
  /* A second feed before the first is taken in, and mixing a pending
   * feed with space/commit, are refused without harm. */
  xt_ok(xsock_frame_feed(&d, "\1a\1b", 4));
  xt_err(xsock_frame_feed(&d, "\1c", 2), XSOCK_EINVAL);
  xt_err(xsock_frame_space(&d, &space), XSOCK_EINVAL);
  xt_err(xsock_frame_commit(&d, 0), XSOCK_EINVAL);
  assert_int_equal(xsock_frame_next(&d, &m, &n), 1);
  assert_memory_equal(m, "a", 1);
  assert_int_equal(xsock_frame_next(&d, &m, &n), 1);
  assert_memory_equal(m, "b", 1);
  assert_int_equal(xsock_frame_next(&d, &m, &n), 0);
  /* Whole messages left in the buffer can fill it: ENOSPC, not a grow. */
  assert_int_equal(xt_ok(xsock_frame_space(&d, &space)), 10);
  memcpy(space, "\0\0\0\0\0\0\0\0\0\0", 10);
  xt_err(xsock_frame_commit(&d, 11), XSOCK_EINVAL);
  xt_ok(xsock_frame_commit(&d, 10));
  xt_err(xsock_frame_space(&d, &space), XSOCK_ENOSPC);
  assert_int_equal(xsock_frame_next(&d, &m, &n), 1);
  assert_int_equal(n, 0);
  assert_int_equal(xt_ok(xsock_frame_space(&d, &space)), 1);
}

static void test_encoder(void **state) {
  static const unsigned char want[] = {0, 0, 1, 0x2c};
  xsock_frame_encoder_t e;
  unsigned char buf[400], big[300];
  (void)state;
  memset(big, 'z', sizeof big);
  xt_err(xsock_frame_encoder_init(&e, XSOCK_FRAME_LEN32, 300, buf, 303),
         XSOCK_EINVAL);
  xt_err(xsock_frame_queue(&e, big, 1), XSOCK_EINVAL);
  xt_err(xsock_frame_encoder_init(&e, XSOCK_FRAME_LEN8, 300, buf, 400),
         XSOCK_EINVAL);
  xt_ok(xsock_frame_encoder_init(&e, XSOCK_FRAME_LEN32, 300, buf, 400));
  /* The header is big-endian. */
  xt_ok(xsock_frame_queue(&e, big, 300));
  assert_memory_equal(buf, want, 4);
  assert_int_equal(xsock_frame_queued(&e), 304);
  xt_err(xsock_frame_queue(&e, big, 301), XSOCK_EMSGSIZE);
  xt_err(xsock_frame_queue(&e, big, 93), XSOCK_ENOSPC);
  xt_ok(xsock_frame_queue(&e, big, 92));
  xt_err(xsock_frame_queue(&e, big, 0), XSOCK_ENOSPC);
  assert_int_equal(xsock_frame_queued(&e), 400);
  xt_err(xsock_frame_queue(&e, NULL, 0), XSOCK_EINVAL);
  xt_err(xsock_frame_queue(NULL, big, 0), XSOCK_EINVAL);
  xt_err(xsock_frame_flush(NULL, XSOCK_INVALID), XSOCK_EINVAL);
  xt_err(xsock_frame_flush(&e, XSOCK_INVALID), XSOCK_EBADF);
  assert_int_equal(xsock_frame_queued(NULL), 0);
  /* Lines: the delimiter may not be inside a message; CRLF ends "\r\n". */
  xt_ok(xsock_frame_encoder_init(&e, XSOCK_FRAME_CRLF, 4, buf, 6));
  xt_err(xsock_frame_queue(&e, "a\nb", 3), XSOCK_EINVAL);
  xt_ok(xsock_frame_queue(&e, "a\rb", 3));
  assert_memory_equal(buf, "a\rb\r\n", 5);
  xt_err(xsock_frame_queue(&e, "", 0), XSOCK_ENOSPC);
  assert_int_equal(xsock_frame_queued(&e), 5);
  xt_ok(xsock_frame_encoder_init(&e, XSOCK_FRAME_LINES(0), 4, buf, 5));
  xt_err(xsock_frame_queue(&e, "a\0", 2), XSOCK_EINVAL);
  xt_ok(xsock_frame_queue(&e, "abcd", 4));
  assert_memory_equal(buf, "abcd\0", 5);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_split_every_two_boundaries),
      cmocka_unit_test(test_every_chunk_size),
      cmocka_unit_test(test_whole_feed_is_not_copied),
      cmocka_unit_test(test_max_boundary_and_oversize),
      cmocka_unit_test(test_truncated_stream),
      cmocka_unit_test(test_bad_arguments),
      cmocka_unit_test(test_encoder),
  };
  int rc;
  if (xsock_init() != 0)
    return 1;
  rc = cmocka_run_group_tests_name("frame", tests, NULL, NULL);
  xsock_cleanup();
  return rc;
}
