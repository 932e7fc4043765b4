/* SPDX-License-Identifier: MIT */
/* libFuzzer target for the framing decoder. The input's first bytes pick
 * a format, a maximum message size and a chunk size; the rest is the
 * stream. It is decoded in chunks (alternately fed and written through
 * xsock_frame_space/commit) into a buffer of exactly the size needed, and
 * then fed whole in one piece. Any of these outcomes traps:
 *  - a message outside the bytes fed and the decoder's buffer, longer
 *    than max, or holding the delimiter of a line format;
 *  - the two decodings differing in messages or in their final result
 *    (framing must not depend on how the stream was cut);
 *  - the decoded messages, framed again by the encoder and decoded,
 *    not giving the same messages and a clean end.
 * ASan sees the buffers at their exact sizes. */
#include "xsock.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const int fuzz_formats[] = {
    XSOCK_FRAME_LEN8,  XSOCK_FRAME_LEN16,       XSOCK_FRAME_LEN24,
    XSOCK_FRAME_LEN32, XSOCK_FRAME_LINES('\n'), XSOCK_FRAME_LINES(0),
    XSOCK_FRAME_CRLF};

/* The messages of one decoding, concatenated, with their lengths. */
typedef struct fuzz_out {
  unsigned char *bytes;
  size_t *lens;
  size_t used, count;
  int result; /* 0 for a clean end, else the decoder's error */
} fuzz_out_t;

/* Takes out every message, checks where it lies and appends it. */
static int fuzz_drain(xsock_frame_decoder_t *d, const unsigned char *chunk,
                      size_t chunk_len, const unsigned char *buf, size_t cap,
                      int format, size_t max, fuzz_out_t *out) {
  const void *m;
  size_t len;
  int rc;
  while ((rc = xsock_frame_next(d, &m, &len)) == 1) {
    const unsigned char *p = (const unsigned char *)m;
    int in_chunk = chunk != NULL && p >= chunk && p + len <= chunk + chunk_len;
    if (!in_chunk && !(p >= buf && p + len <= buf + cap))
      __builtin_trap();
    if (len > max)
      __builtin_trap();
    if (format > XSOCK_FRAME_LEN32 && memchr(p, format & 0xff, len) != NULL)
      __builtin_trap();
    memcpy(out->bytes + out->used, p, len);
    out->used += len;
    out->lens[out->count++] = len;
  }
  return rc;
}

/* Decodes stream[0..n) in chunks of `chunk` bytes (all at once for 0). */
static void fuzz_decode(int format, size_t max, const unsigned char *stream,
                        size_t n, size_t chunk, fuzz_out_t *out) {
  size_t cap = xsock_frame_bufsize(format, max), at = 0, k = 0;
  unsigned char *buf = (unsigned char *)malloc(cap);
  xsock_frame_decoder_t d;
  int rc = 0;
  if (buf == NULL || xsock_frame_decoder_init(&d, format, max, buf, cap) != 0)
    __builtin_trap();
  out->used = out->count = 0;
  while (at < n && rc == 0) {
    size_t c = chunk == 0 || chunk > n - at ? n - at : chunk;
    if (k++ % 2 == 0) {
      if (xsock_frame_feed(&d, stream + at, c) != 0)
        __builtin_trap();
      rc = fuzz_drain(&d, stream + at, c, buf, cap, format, max, out);
    } else {
      void *space;
      xsock_ssize_t room = xsock_frame_space(&d, &space);
      if (room <= 0) /* never empty once next has returned 0 */
        __builtin_trap();
      if ((size_t)room < c)
        c = (size_t)room;
      memcpy(space, stream + at, c);
      if (xsock_frame_commit(&d, c) != 0)
        __builtin_trap();
      rc = fuzz_drain(&d, NULL, 0, buf, cap, format, max, out);
    }
    at += c;
  }
  if (rc == 0) {
    if (xsock_frame_finish(&d) != 0)
      __builtin_trap();
    rc = fuzz_drain(&d, NULL, 0, buf, cap, format, max, out);
  }
  /* A failed decoder repeats its error and holds nothing. */
  if (rc != 0 && (xsock_frame_finish(&d) != rc || d.end != d.start))
    __builtin_trap();
  out->result = rc;
  free(buf);
}

static int fuzz_same(const fuzz_out_t *a, const fuzz_out_t *b) {
  return a->count == b->count && a->used == b->used &&
         memcmp(a->lens, b->lens, a->count * sizeof a->lens[0]) == 0 &&
         memcmp(a->bytes, b->bytes, a->used) == 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  fuzz_out_t x, y, z;
  unsigned char *framed;
  xsock_frame_encoder_t e;
  size_t n, max, chunk, i, at, cap;
  int format;
  if (size < 3)
    return 0;
  format =
      fuzz_formats[data[0] % (sizeof fuzz_formats / sizeof fuzz_formats[0])];
  max = data[1];
  chunk = data[2] % 17;
  data += 3;
  n = size - 3;
  /* Every message takes at least one byte of the stream (a header byte or
   * a delimiter), and never more than that of its own. */
  x.bytes = (unsigned char *)malloc(n + 1);
  y.bytes = (unsigned char *)malloc(n + 1);
  z.bytes = (unsigned char *)malloc(n + 1);
  x.lens = (size_t *)malloc((n + 1) * sizeof(size_t));
  y.lens = (size_t *)malloc((n + 1) * sizeof(size_t));
  z.lens = (size_t *)malloc((n + 1) * sizeof(size_t));
  /* The messages framed again take at most 4 bytes more each. */
  cap = xsock_frame_bufsize(format, max) + n * 5;
  framed = (unsigned char *)malloc(cap);
  if (!x.bytes || !y.bytes || !z.bytes || !x.lens || !y.lens || !z.lens ||
      !framed)
    __builtin_trap();

  fuzz_decode(format, max, data, n, chunk, &x);
  fuzz_decode(format, max, data, n, 0, &y);
  if (!fuzz_same(&x, &y) || x.result != y.result)
    __builtin_trap();
  if (x.result != 0 && x.result != XSOCK_EMSGSIZE && x.result != XSOCK_EPROTO)
    __builtin_trap();

  if (xsock_frame_encoder_init(&e, format, max, framed, cap) != 0)
    __builtin_trap();
  for (i = 0, at = 0; i < x.count; at += x.lens[i++])
    if (xsock_frame_queue(&e, x.bytes + at, x.lens[i]) != 0)
      __builtin_trap();
  fuzz_decode(format, max, framed, xsock_frame_queued(&e), 0, &z);
  if (!fuzz_same(&x, &z) || z.result != 0)
    __builtin_trap();

  free(x.bytes);
  free(y.bytes);
  free(z.bytes);
  free(x.lens);
  free(y.lens);
  free(z.lens);
  free(framed);
  return 0;
}
