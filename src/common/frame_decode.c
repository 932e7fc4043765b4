/* SPDX-License-Identifier: MIT */
/* The framing decoder: bytes in, whole messages out, without copying a
 * message that already lies whole in the bytes given.
 *
 * Two places hold bytes: the caller's last feed (d->in, not copied) and
 * d's own buffer (d->buf[start..end), filled by recv or by copying from a
 * feed). Held bytes come first in the stream. While nothing is held,
 * messages are cut straight out of the feed; only the start of a message
 * that the feed does not complete is copied into the buffer, and only as
 * much of the next feed as completes it. Since init made the buffer large
 * enough for one whole message, that copy always fits, and nothing ever
 * grows: a stream that announces or sends more than max is refused as
 * soon as it does. */
#include "frame_format.h"

#include <string.h>

/* Marks d as failed for good and lets go of every byte it held. */
static int frame__fail(xsock_frame_decoder_t *d, int err) {
  d->error = err;
  d->start = d->end = d->scan = 0;
  d->in = NULL;
  d->in_len = 0;
  return xsock__fail(err, 0);
}

/* The big-endian length in the header at p. With at most 4 bytes it fits
 * a 32-bit size_t. */
static size_t frame__length(const unsigned char *p, int header) {
  size_t n = 0;
  int i;
  for (i = 0; i < header; i++)
    n = (n << 8) | p[i];
  return n;
}

/* Looks for one whole message at the front of p[0..n), of which the first
 * scan bytes are known to hold no delimiter. Returns 1 with the message's
 * length in *mlen and the bytes it takes in the stream in *used; 0 when
 * it is not whole yet, with *used the bytes the frame needs in all (the
 * header alone while the header is incomplete; 0 for lines, where it is
 * not known); or XSOCK_EMSGSIZE. */
static int frame__parse(const xsock_frame_decoder_t *d, const unsigned char *p,
                        size_t n, size_t scan, size_t *mlen, size_t *used) {
  const unsigned char *q = NULL;
  size_t lim, raw;
  if (d->header != 0) {
    size_t h = (size_t)d->header, len;
    *used = h;
    if (n < h)
      return 0;
    len = frame__length(p, d->header);
    if (len > d->max)
      return XSOCK_EMSGSIZE; /* refused before its bytes arrive */
    *used = h + len;
    *mlen = len;
    return n >= h + len;
  }
  /* A line of max bytes (and its '\r' in CRLF) ends at index raw at the
   * latest; raw + 1 cannot wrap, because init checked max + the ending
   * against SIZE_MAX. */
  raw = d->max + (size_t)d->crlf;
  lim = n < raw + 1 ? n : raw + 1;
  *used = 0;
  if (scan < lim)
    q = (const unsigned char *)memchr(p + scan, d->delim, lim - scan);
  if (q == NULL)
    return n > raw ? XSOCK_EMSGSIZE : 0;
  *mlen = (size_t)(q - p);
  *used = *mlen + 1;
  if (d->crlf && *mlen > 0 && p[*mlen - 1] == '\r')
    (*mlen)--;
  /* In CRLF a line of max + 1 bytes is only too long without its '\r'. */
  return *mlen > d->max ? XSOCK_EMSGSIZE : 1;
}

/* Appends n fed bytes to the held ones, moving those to the front first
 * when the room is behind them. The caller knows that held + n fits. */
static void frame__hold(xsock_frame_decoder_t *d, const unsigned char *src,
                        size_t n) {
  if (n > d->cap - d->end) {
    memmove(d->buf, d->buf + d->start, d->end - d->start);
    d->end -= d->start;
    d->start = 0;
  }
  memcpy(d->buf + d->end, src, n);
  d->end += n;
  d->in += n;
  d->in_len -= n;
}

/* How many fed bytes the message begun in the held bytes still takes in:
 * what its frame lacks (used: see frame__parse), or for lines up to and
 * including the delimiter, at most one byte past the longest line (which
 * then fails). */
static size_t frame__wanted(const xsock_frame_decoder_t *d, size_t held,
                            size_t used) {
  size_t room;
  const unsigned char *q;
  if (d->header != 0)
    return used - held < d->in_len ? used - held : d->in_len;
  /* held <= max (+ 1 for a '\r' in CRLF), or parse would have failed. */
  room = d->max + (size_t)d->crlf + 1 - held;
  if (room > d->in_len)
    room = d->in_len;
  q = (const unsigned char *)memchr(d->in, d->delim, room);
  return q != NULL ? (size_t)(q - d->in) + 1 : room;
}

int xsock_frame_decoder_init(xsock_frame_decoder_t *d, int format, size_t max,
                             void *buf, size_t cap) {
  xsock__frame_fmt_t f;
  size_t need;
  if (d == NULL)
    return xsock__fail(XSOCK_EINVAL, 0);
  memset(d, 0, sizeof *d);
  need = xsock__frame_fmt(format, max, &f);
  if (buf == NULL || need == 0 || cap < need || cap > (size_t)PTRDIFF_MAX)
    return frame__fail(d, XSOCK_EINVAL);
  d->buf = (unsigned char *)buf;
  d->cap = cap;
  d->max = max;
  d->header = f.header;
  d->delim = f.delim;
  d->crlf = f.crlf;
  return 0;
}

int xsock_frame_feed(xsock_frame_decoder_t *d, const void *data, size_t len) {
  if (d == NULL || data == NULL)
    return xsock__fail(XSOCK_EINVAL, 0);
  if (d->error != 0)
    return xsock__fail(d->error, 0);
  if (d->in_len > 0 || d->eof)
    return xsock__fail(XSOCK_EINVAL, 0);
  d->in = (const unsigned char *)data;
  d->in_len = len;
  return 0;
}

int xsock_frame_next(xsock_frame_decoder_t *d, const void **msg, size_t *len) {
  if (msg != NULL)
    *msg = NULL;
  if (len != NULL)
    *len = 0;
  if (d == NULL || msg == NULL || len == NULL)
    return xsock__fail(XSOCK_EINVAL, 0);
  if (d->error != 0)
    return xsock__fail(d->error, 0);
  for (;;) {
    size_t held = d->end - d->start, mlen = 0, used = 0;
    int rc;
    if (held == 0 && d->in_len > 0) {
      /* Nothing held: cut the message out of the feed itself. */
      rc = frame__parse(d, d->in, d->in_len, 0, &mlen, &used);
      if (rc < 0)
        return frame__fail(d, rc);
      if (rc == 1) {
        *msg = d->in + d->header;
        *len = mlen;
        d->in += used;
        d->in_len -= used;
        return 1;
      }
      /* Its start is all there is: keep it (less than one whole frame,
       * so it fits the buffer). */
      d->start = d->end = 0;
      d->scan = d->in_len;
      frame__hold(d, d->in, d->in_len);
      continue;
    }
    rc = frame__parse(d, d->buf + d->start, held, d->scan, &mlen, &used);
    if (rc < 0)
      return frame__fail(d, rc);
    if (rc == 1) {
      *msg = d->buf + d->start + d->header;
      *len = mlen;
      d->start += used;
      d->scan = 0;
      return 1;
    }
    d->scan = held;
    if (d->in_len == 0)
      break;
    frame__hold(d, d->in, frame__wanted(d, held, used));
  }
  d->in = NULL;
  if (d->end == d->start)
    d->start = d->end = 0;
  else if (d->eof)
    return frame__fail(d, XSOCK_EPROTO); /* the stream ended mid-message */
  return 0;
}

xsock_ssize_t xsock_frame_space(xsock_frame_decoder_t *d, void **space) {
  size_t held;
  if (space != NULL)
    *space = NULL;
  if (d == NULL || space == NULL)
    return xsock__fail(XSOCK_EINVAL, 0);
  if (d->error != 0)
    return xsock__fail(d->error, 0);
  if (d->in_len > 0 || d->eof)
    return xsock__fail(XSOCK_EINVAL, 0);
  held = d->end - d->start;
  if (d->start > 0) {
    memmove(d->buf, d->buf + d->start, held);
    d->start = 0;
    d->end = held;
  }
  if (d->end == d->cap)
    return xsock__fail(XSOCK_ENOSPC, 0);
  *space = d->buf + d->end;
  return (xsock_ssize_t)(d->cap - d->end); /* cap <= PTRDIFF_MAX (init) */
}

int xsock_frame_commit(xsock_frame_decoder_t *d, size_t n) {
  if (d == NULL)
    return xsock__fail(XSOCK_EINVAL, 0);
  if (d->error != 0)
    return xsock__fail(d->error, 0);
  if (d->in_len > 0 || d->eof || n > d->cap - d->end)
    return xsock__fail(XSOCK_EINVAL, 0);
  d->end += n;
  return 0;
}

xsock_ssize_t xsock_frame_recv(xsock_frame_decoder_t *d, xsock_t s) {
  void *p;
  xsock_ssize_t room, n;
  if (d == NULL)
    return xsock__fail(XSOCK_EINVAL, 0);
  if (d->error != 0)
    return xsock__fail(d->error, 0);
  if (s == XSOCK_INVALID)
    return xsock__fail(XSOCK_EBADF, 0);
  if (d->eof)
    return 0; /* the stream stays ended: never read past its end */
  room = xsock_frame_space(d, &p);
  if (room < 0)
    return room;
  n = xsock_recv(s, p, (size_t)room);
  if (n == 0)
    d->eof = 1;
  else if (n > 0)
    d->end += (size_t)n;
  return n;
}

int xsock_frame_finish(xsock_frame_decoder_t *d) {
  if (d == NULL)
    return xsock__fail(XSOCK_EINVAL, 0);
  if (d->error != 0)
    return xsock__fail(d->error, 0);
  d->eof = 1;
  return 0;
}
