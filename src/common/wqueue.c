/* SPDX-License-Identifier: MIT */
/* The write queue (include/xsock/wqueue.h): the unsent tail of a stream's
 * output, kept in one contiguous run of bytes so that a flush is a plain
 * loop that can stop and resume anywhere, as the framing encoder's is.
 * Written once on top of xsock_send / xsock_sendv, so every OS behaves
 * the same by construction. Every call that takes data takes it whole or
 * not at all: the room it needs is checked, and allocated, before any of
 * it is sent, so that what the socket does not take can always be kept. */
#include "frame_format.h"

#include <stdlib.h>
#include <string.h>

/* The first allocation of a growing queue, doubled from there up to its
 * bound: small enough for many idle connections, large enough that a
 * busy one grows only a few times. */
#define WQUEUE__MIN 4096

/* The most pieces one call sends: a frame's header, message and ending. */
#define WQUEUE__PARTS 3

int xsock_wqueue_init(xsock_wqueue_t *q, void *buf, size_t cap) {
  if (q == NULL)
    return xsock__fail(XSOCK_EINVAL, 0);
  memset(q, 0, sizeof *q);
  /* max stays 0 on failure: that is what marks q unusable. */
  if (buf == NULL || cap == 0 || cap > (size_t)PTRDIFF_MAX)
    return xsock__fail(XSOCK_EINVAL, 0);
  q->buf = (unsigned char *)buf;
  q->cap = cap;
  q->max = cap;
  q->high = cap;
  q->low = cap / 2;
  return 0;
}

int xsock_wqueue_init_grow(xsock_wqueue_t *q, size_t max) {
  if (q == NULL)
    return xsock__fail(XSOCK_EINVAL, 0);
  memset(q, 0, sizeof *q);
  if (max == 0 || max > (size_t)PTRDIFF_MAX)
    return xsock__fail(XSOCK_EINVAL, 0);
  q->max = max;
  q->high = max;
  q->low = max / 2;
  q->grow = 1;
  return 0;
}

void xsock_wqueue_free(xsock_wqueue_t *q) {
  if (q == NULL)
    return;
  if (q->grow)
    free(q->buf);
  memset(q, 0, sizeof *q);
}

/* Records the watermark crossing of the bytes queued now. Between the two
 * marks the state stays what it was: that gap is what keeps a busy client
 * from flipping its READ interest on every send. */
static void wqueue__marks(xsock_wqueue_t *q) {
  size_t queued = q->end - q->start;
  if (queued >= q->high)
    q->backed_up = 1;
  else if (queued <= q->low)
    q->backed_up = 0;
}

int xsock_wqueue_set_watermarks(xsock_wqueue_t *q, size_t low, size_t high) {
  if (q == NULL || q->max == 0 || low >= high || high > q->max)
    return xsock__fail(XSOCK_EINVAL, 0);
  q->low = low;
  q->high = high;
  /* Judged against what is queued now, so that a caller who lowers high
   * below a long queue is told at once. */
  wqueue__marks(q);
  return 0;
}

/* Makes room for n more bytes behind those queued (n <= max - queued,
 * checked by the caller): grows a queue of its own, never past max. */
static int wqueue__reserve(xsock_wqueue_t *q, size_t n) {
  size_t queued = q->end - q->start, need = queued + n, cap;
  unsigned char *p;
  if (need <= q->cap)
    return 0;
  /* A fixed queue's max is its cap, so only a growing one gets here. The
   * size doubles, the last step stopping at max (need <= max). */
  cap = q->cap != 0 ? q->cap : (q->max < WQUEUE__MIN ? q->max : WQUEUE__MIN);
  while (cap < need)
    cap = cap > q->max / 2 ? q->max : cap * 2;
  /* Move the bytes to the front first, so that realloc copies only them. */
  if (q->start != 0) {
    memmove(q->buf, q->buf + q->start, queued);
    q->start = 0;
    q->end = queued;
  }
  p = (unsigned char *)XSOCK__OS(realloc)(q->buf, cap);
  if (p == NULL)
    return xsock__fail(XSOCK_ENOMEM, 0);
  q->buf = p;
  q->cap = cap;
  return 0;
}

/* Copies n bytes behind those queued; wqueue__reserve made the room. */
static void wqueue__append(xsock_wqueue_t *q, const void *data, size_t n) {
  if (n == 0)
    return;
  if (n > q->cap - q->end) {
    /* The room is there, but in front: move the queue to the start. */
    memmove(q->buf, q->buf + q->start, q->end - q->start);
    q->end -= q->start;
    q->start = 0;
  }
  memcpy(q->buf + q->end, data, n);
  q->end += n;
}

/* Sends queued bytes until none is left or the socket is full; a send
 * error fails q. Returns 0 or that error. */
static int wqueue__drain(xsock_wqueue_t *q, xsock_t s) {
  while (q->start < q->end) {
    xsock_ssize_t n = xsock_send(s, q->buf + q->start, q->end - q->start);
    if (n == XSOCK_EAGAIN)
      break; /* the caller waits for XSOCK_WRITE */
    if (n < 0) {
      wqueue__marks(q);
      return q->error = (int)n;
    }
    q->start += (size_t)n;
  }
  if (q->start == q->end)
    q->start = q->end = 0; /* empty: the next bytes start at the front */
  wqueue__marks(q);
  return 0;
}

/* The checks every call that sends makes, in the order the header gives
 * them: q, then the handle, then the error that failed q. */
static int wqueue__check(const xsock_wqueue_t *q, xsock_t s) {
  if (q == NULL || q->max == 0)
    return xsock__fail(XSOCK_EINVAL, 0);
  if (s == XSOCK_INVALID)
    return xsock__fail(XSOCK_EBADF, 0);
  if (q->error != 0)
    return xsock__fail(q->error, 0);
  return 0;
}

/* Sends the n pieces in order, whole or not at all (the contract of
 * xsock_wqueue_send); total is their sum, checked against PTRDIFF_MAX. */
static xsock_ssize_t wqueue__put(xsock_wqueue_t *q, xsock_t s,
                                 xsock_iovec_t *part, int n, size_t total) {
  size_t sent = 0;
  int i = 0, rc = 0;
  if (total > q->max)
    return xsock__fail(XSOCK_EMSGSIZE, 0);
  /* The bytes already queued go first, and may make room. */
  if ((rc = wqueue__drain(q, s)) < 0)
    return rc;
  if (total > q->max - (q->end - q->start))
    return xsock__fail(XSOCK_EFULL, 0);
  if ((rc = wqueue__reserve(q, total)) < 0)
    return rc;
  /* From here on the pieces are taken. With nothing queued in front of
   * them they go to the socket straight from the caller's memory. */
  while (q->start == q->end && sent < total) {
    xsock_ssize_t k = xsock_sendv(s, part + i, n - i);
    if (k == XSOCK_EAGAIN || k == 0)
      break; /* full (a stream send of bytes never gives 0, but a loop
              * that could not end on it would be worse than a wait) */
    if (k < 0) {
      rc = q->error = (int)k;
      break;
    }
    sent += (size_t)k;
    /* Step over what went out: whole pieces, then into the next one. */
    while (i < n && (size_t)k >= part[i].len) {
      k -= (xsock_ssize_t)part[i].len;
      i++;
    }
    if (i < n) {
      part[i].base = (char *)part[i].base + k;
      part[i].len -= (size_t)k;
    }
  }
  for (; i < n; i++)
    wqueue__append(q, part[i].base, part[i].len);
  wqueue__marks(q);
  /* The queue holds at most max <= PTRDIFF_MAX bytes: the count fits. */
  return rc < 0 ? rc : (xsock_ssize_t)(q->end - q->start);
}

xsock_ssize_t xsock_wqueue_send(xsock_wqueue_t *q, xsock_t s, const void *data,
                                size_t len) {
  xsock_iovec_t part;
  int rc;
  if (data == NULL || len > (size_t)PTRDIFF_MAX)
    return xsock__fail(XSOCK_EINVAL, 0);
  if ((rc = wqueue__check(q, s)) < 0)
    return rc;
  part.base = (void *)(uintptr_t)data; /* sent from, never written */
  part.len = len;
  return wqueue__put(q, s, &part, 1, len);
}

xsock_ssize_t xsock_wqueue_send_frame(xsock_wqueue_t *q, xsock_t s, int format,
                                      size_t max, const void *msg, size_t len) {
  xsock__frame_fmt_t f;
  unsigned char head[4], tail[2] = {'\r', 0};
  xsock_iovec_t part[WQUEUE__PARTS];
  int n = 0, rc, i;
  if (msg == NULL || xsock__frame_fmt(format, max, &f) == 0)
    return xsock__fail(XSOCK_EINVAL, 0);
  if (f.header == 0 && memchr(msg, f.delim, len) != NULL)
    return xsock__fail(XSOCK_EINVAL, 0);
  if ((rc = wqueue__check(q, s)) < 0)
    return rc;
  if (len > max)
    return xsock__fail(XSOCK_EMSGSIZE, 0);
  if (f.header != 0) {
    size_t v = len;
    for (i = f.header - 1; i >= 0; i--) {
      head[i] = (unsigned char)(v & 0xff); /* big-endian: lowest byte last */
      v >>= 8;
    }
    part[n].base = head;
    part[n++].len = (size_t)f.header;
  }
  part[n].base = (void *)(uintptr_t)msg; /* sent from, never written */
  part[n++].len = len;
  if (f.header == 0) {
    /* CR LF, or the delimiter alone (after the CR slot, skipped). */
    tail[1] = (unsigned char)f.delim;
    part[n].base = tail + (f.crlf ? 0 : 1);
    part[n++].len = f.over;
  }
  /* len <= max and max + over fits size_t (xsock__frame_fmt checked). */
  return wqueue__put(q, s, part, n, len + f.over);
}

xsock_ssize_t xsock_wqueue_flush(xsock_wqueue_t *q, xsock_t s) {
  int rc = wqueue__check(q, s);
  if (rc < 0)
    return rc;
  rc = wqueue__drain(q, s);
  return rc < 0 ? rc : (xsock_ssize_t)(q->end - q->start);
}

size_t xsock_wqueue_queued(const xsock_wqueue_t *q) {
  return q == NULL ? 0 : q->end - q->start;
}

int xsock_wqueue_wants_write(const xsock_wqueue_t *q) {
  return q != NULL && q->error == 0 && q->end != q->start;
}

int xsock_wqueue_backed_up(const xsock_wqueue_t *q) {
  return q != NULL && q->backed_up;
}

unsigned xsock_wqueue_interest(const xsock_wqueue_t *q) {
  unsigned interest = 0;
  if (q == NULL)
    return 0;
  if (!q->backed_up)
    interest |= XSOCK_READ;
  if (xsock_wqueue_wants_write(q))
    interest |= XSOCK_WRITE;
  return interest;
}

int xsock_wqueue_error(const xsock_wqueue_t *q) {
  return q == NULL ? 0 : q->error;
}
