/* SPDX-License-Identifier: MIT */
/* The framing encoder: messages are framed into the caller's buffer as
 * they are queued, and the queue is sent as far as the socket takes it.
 * Framing at queue time, not at send time, keeps flush a plain loop over
 * one contiguous run of bytes that can stop and resume anywhere, which is
 * what a non-blocking socket needs. */
#include "frame_format.h"

#include <string.h>

size_t xsock__frame_fmt(int format, size_t max, xsock__frame_fmt_t *f) {
  memset(f, 0, sizeof *f);
  if (format >= XSOCK_FRAME_LEN8 && format <= XSOCK_FRAME_LEN32) {
    /* The largest length the header can carry: 2^(8 * header) - 1. The
     * comparison is made in 64 bits so that a 32-bit size_t is fine. */
    uint64_t limit = (UINT64_C(1) << (8 * format)) - 1;
    if ((uint64_t)max > limit)
      return 0;
    f->header = format;
    f->over = (size_t)format;
  } else if ((format & ~0x3ff) == 0 && (format & 0x100) != 0) {
    f->delim = format & 0xff;
    f->crlf = (format & 0x200) != 0;
    f->over = f->crlf ? 2 : 1;
  } else {
    return 0;
  }
  if (max > SIZE_MAX - f->over)
    return 0;
  return max + f->over;
}

size_t xsock_frame_bufsize(int format, size_t max) {
  xsock__frame_fmt_t f;
  return xsock__frame_fmt(format, max, &f);
}

int xsock_frame_encoder_init(xsock_frame_encoder_t *e, int format, size_t max,
                             void *buf, size_t cap) {
  xsock__frame_fmt_t f;
  size_t need;
  if (e == NULL)
    return xsock__fail(XSOCK_EINVAL, 0);
  memset(e, 0, sizeof *e);
  need = xsock__frame_fmt(format, max, &f);
  /* A NULL buf leaves e with no buffer: every later call refuses it. */
  if (buf == NULL || need == 0 || cap < need || cap > (size_t)PTRDIFF_MAX)
    return xsock__fail(XSOCK_EINVAL, 0);
  e->buf = (unsigned char *)buf;
  e->cap = cap;
  e->max = max;
  e->header = f.header;
  e->delim = f.delim;
  e->crlf = f.crlf;
  return 0;
}

int xsock_frame_queue(xsock_frame_encoder_t *e, const void *msg, size_t len) {
  size_t total, queued;
  unsigned char *p;
  if (e == NULL || e->buf == NULL || msg == NULL)
    return xsock__fail(XSOCK_EINVAL, 0);
  if (len > e->max)
    return xsock__fail(XSOCK_EMSGSIZE, 0);
  if (e->header == 0 && memchr(msg, e->delim, len) != NULL)
    return xsock__fail(XSOCK_EINVAL, 0);
  /* len + header or ending <= cap (init checked max): no wrap. */
  total = len + (e->header != 0 ? (size_t)e->header : (size_t)(1 + e->crlf));
  queued = e->end - e->start;
  if (total > e->cap - queued)
    return xsock__fail(XSOCK_ENOSPC, 0);
  if (total > e->cap - e->end) {
    /* Room exists, but behind the sent bytes: move the queue to the front. */
    memmove(e->buf, e->buf + e->start, queued);
    e->start = 0;
    e->end = queued;
  }
  p = e->buf + e->end;
  if (e->header != 0) {
    size_t n = len;
    int i;
    for (i = e->header - 1; i >= 0; i--) {
      p[i] = (unsigned char)(n & 0xff); /* big-endian: lowest byte last */
      n >>= 8;
    }
    memcpy(p + e->header, msg, len);
  } else {
    memcpy(p, msg, len);
    if (e->crlf)
      p[len++] = '\r';
    p[len] = (unsigned char)e->delim;
  }
  e->end += total;
  return 0;
}

xsock_ssize_t xsock_frame_flush(xsock_frame_encoder_t *e, xsock_t s) {
  if (e == NULL || e->buf == NULL)
    return xsock__fail(XSOCK_EINVAL, 0);
  if (s == XSOCK_INVALID)
    return xsock__fail(XSOCK_EBADF, 0);
  while (e->start < e->end) {
    xsock_ssize_t n = xsock_send(s, e->buf + e->start, e->end - e->start);
    if (n == XSOCK_EAGAIN)
      break; /* the socket is full: the caller waits for XSOCK_WRITE */
    if (n < 0)
      return n;
    e->start += (size_t)n;
  }
  if (e->start == e->end)
    e->start = e->end = 0; /* empty: the next queue starts at the front */
  /* The queue is at most cap bytes, and cap came from the caller's own
   * object, so it fits the signed result. */
  return (xsock_ssize_t)(e->end - e->start);
}

size_t xsock_frame_queued(const xsock_frame_encoder_t *e) {
  return e == NULL ? 0 : e->end - e->start;
}
