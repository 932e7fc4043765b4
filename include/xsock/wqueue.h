/* SPDX-License-Identifier: MIT */
/** @file
 * xsock's write queue: the outgoing bytes of one non-blocking stream
 * socket that the socket has not taken yet. Part of the public API:
 * xsock.h includes it, so including xsock.h gives it, and it may also be
 * included alone. */
#ifndef XSOCK_WQUEUE_H
#define XSOCK_WQUEUE_H

/* xsock_t, xsock_ssize_t, XSOCK_API and the framing formats (this header
 * is defined first, so that xsock.h's own include of it is then empty). */
#include "../xsock.h"

#ifdef __cplusplus
extern "C" {
#endif

/** A non-blocking send may take only part of what it is given, or nothing
 * (XSOCK_EAGAIN). A write queue keeps the rest, in order, and sends it
 * when the selector reports the socket writable, so a server never has
 * to move an unsent tail around or decide by itself when to ask for
 * XSOCK_WRITE. The loop it serves:
 *  - xsock_wqueue_send() instead of xsock_send(): it sends at once what
 *    the socket takes and queues the rest;
 *  - xsock_wqueue_flush() when the selector reports XSOCK_WRITE;
 *  - after either, xsock_wqueue_interest() is the interest the socket's
 *    registration should have now (XSOCK_WRITE exactly while bytes are
 *    queued; XSOCK_READ unless the queue is backed up past its high
 *    watermark): when it differs from the registered one, call
 *    xsock_selector_modify().
 * A message is taken whole or refused whole: the queue never holds part
 * of a message it refused, and every byte it took is sent, in order,
 * unless the connection fails first.
 *
 * Memory, fixed when the queue is made or bounded by the caller:
 *  - xsock_wqueue_init(): the caller's buffer of cap bytes, never an
 *    allocation; the queue holds at most cap bytes;
 *  - xsock_wqueue_init_grow(): the queue allocates room for a message
 *    before it sends any of it (so a failed allocation refuses the
 *    message whole, and nothing taken is ever lost), doubling from 4 KiB
 *    (or less when max is below it), never to more than max bytes, and
 *    keeps that memory until xsock_wqueue_free(): only the first message,
 *    and one that outgrows the memory, allocate.
 * A queue belongs to one thread at a time and to one socket: the handle
 * is passed to each call that sends, and must be the same each time.
 * Treat the fields of the struct as private. Every OS behaves the same:
 * the queue uses only xsock_send() and xsock_sendv() underneath. */
typedef struct xsock_wqueue {
  unsigned char *buf; /**< the memory: the caller's, or the queue's own */
  size_t cap;         /**< its size */
  size_t start;       /**< bytes queued: buf[start..end) */
  size_t end;         /**< the end of the bytes queued */
  size_t max;         /**< the most bytes the queue may hold (0: unusable) */
  size_t low;         /**< the low watermark */
  size_t high;        /**< the high watermark */
  int grow;           /**< 1 when buf is the queue's own and may grow */
  int backed_up;      /**< above high, not yet back down to low */
  int error;          /**< 0, or the send error that failed the queue */
} xsock_wqueue_t;

/** Prepares q to queue at most cap bytes in buf, which must outlive q;
 * nothing is ever allocated. The watermarks start at high = cap and
 * low = cap / 2 (xsock_wqueue_set_watermarks). Returns 0; XSOCK_EINVAL for
 * a NULL q or buf, a cap of 0 or above PTRDIFF_MAX, and q is then
 * unusable (every call gives XSOCK_EINVAL). */
XSOCK_API int xsock_wqueue_init(xsock_wqueue_t *q, void *buf, size_t cap);

/** Prepares q to queue at most max bytes in memory of its own, allocated
 * by the first send (nothing is allocated here) and grown, up to max, as
 * messages need; release it with xsock_wqueue_free(). The
 * watermarks start at high = max and low = max / 2. Returns 0;
 * XSOCK_EINVAL for a NULL q, a max of 0 or above PTRDIFF_MAX, and q is
 * then unusable. */
XSOCK_API int xsock_wqueue_init_grow(xsock_wqueue_t *q, size_t max);

/** Releases q's own memory (a buffer given to xsock_wqueue_init() stays
 * the caller's) and drops the bytes still queued; q is then unusable
 * until it is initialised again. NULL, or a q already freed, is allowed. */
XSOCK_API void xsock_wqueue_free(xsock_wqueue_t *q);

/** Sets the watermarks for backpressure: once the bytes queued reach high,
 * the queue is backed up (xsock_wqueue_backed_up() is 1, and
 * xsock_wqueue_interest() drops XSOCK_READ: stop reading the peer whose
 * answers cannot go out), and it stays so until they fall to low or below.
 * Checked at once against what is queued now. Returns 0; XSOCK_EINVAL for
 * an unusable q, low >= high, or high above the queue's size (cap or max);
 * the watermarks are then unchanged. */
XSOCK_API int xsock_wqueue_set_watermarks(xsock_wqueue_t *q, size_t low,
                                          size_t high);

/** Sends len bytes of data to s, behind those already queued: the bytes
 * queued are flushed first, then data is sent as far as the socket takes
 * it at once, and the rest is copied into the queue. Returns the number
 * of bytes still queued afterwards (0: everything went out). Refusals,
 * after which nothing of data was sent or queued:
 *  - XSOCK_EFULL: the queue cannot take len more bytes now, even after the
 *    flush ("queue full, flush first"): wait for XSOCK_WRITE, flush, and
 *    send data again;
 *  - XSOCK_EMSGSIZE: len is above the queue's size, so it never could;
 *  - XSOCK_ENOMEM: a growing queue could not allocate room for data (it
 *    makes that room before it sends any of data, so that what the socket
 *    does not take can always be kept);
 *  - XSOCK_EINVAL: an unusable q, a NULL data (even with len 0), or a
 *    len above PTRDIFF_MAX; XSOCK_EBADF: s is XSOCK_INVALID;
 *  - a send error while flushing the bytes queued before data, and the
 *    error that failed q earlier (below).
 * A send error (XSOCK_EPIPE, XSOCK_ECONNRESET, ...; XSOCK_ETIMEDOUT when a
 * blocking socket's XSOCK_OPT_SNDTIMEO ran out) fails q: it is returned,
 * the bytes that did not go out stay queued (the rest of data too when
 * the error came while data was being sent), so xsock_wqueue_queued()
 * counts what the peer never got, and every later call that sends
 * returns that error again without sending: close the connection.
 * XSOCK_EAGAIN is never returned: keeping those bytes is what the queue
 * is for. A blocking socket sends everything or fails. */
XSOCK_API xsock_ssize_t xsock_wqueue_send(xsock_wqueue_t *q, xsock_t s,
                                          const void *data, size_t len);

/** Frames one message as xsock_frame_queue() would for format and max
 * (include/xsock/frame.h: a length header, or a delimiter behind it) and
 * sends it with xsock_wqueue_send()'s rules: header, message and
 * delimiter are taken whole or refused whole, without copying the
 * message when the socket takes it at once. So a decode loop that
 * answers each message never has to hold one back: when the answer is
 * refused with XSOCK_EFULL, stop decoding and resume on XSOCK_WRITE, or
 * (with high below the queue's size) stop reading once it is backed up
 * and let the room above high take what is already decoded. Returns as
 * xsock_wqueue_send(); besides, XSOCK_EINVAL for an unknown format, a max
 * its header cannot express, a NULL msg (even with len 0) or, in the line
 * formats, a msg that contains the delimiter; XSOCK_EMSGSIZE for len
 * above max, or a framed message above the queue's size. */
XSOCK_API xsock_ssize_t xsock_wqueue_send_frame(xsock_wqueue_t *q, xsock_t s,
                                                int format, size_t max,
                                                const void *msg, size_t len);

/** Sends queued bytes to s until all are sent or the socket would block;
 * call it when the selector reports XSOCK_WRITE. Returns the number of
 * bytes still queued (0: all went out, so XSOCK_WRITE can be dropped);
 * a send error fails q as xsock_wqueue_send() says and is returned, then
 * and by every later call that sends; XSOCK_EINVAL for an unusable q,
 * XSOCK_EBADF for XSOCK_INVALID. */
XSOCK_API xsock_ssize_t xsock_wqueue_flush(xsock_wqueue_t *q, xsock_t s);

/** The number of bytes queued and not yet sent (0 for NULL). */
XSOCK_API size_t xsock_wqueue_queued(const xsock_wqueue_t *q);

/** 1 while bytes wait to be sent and q has not failed: the socket's
 * registration needs XSOCK_WRITE; 0 when it does not (NULL too). */
XSOCK_API int xsock_wqueue_wants_write(const xsock_wqueue_t *q);

/** 1 from the moment the bytes queued reach the high watermark until they
 * fall to the low one or below; 0 otherwise (NULL too). */
XSOCK_API int xsock_wqueue_backed_up(const xsock_wqueue_t *q);

/** The interest the socket's registration should have now:
 * XSOCK_WRITE when xsock_wqueue_wants_write(), XSOCK_READ unless
 * xsock_wqueue_backed_up(). 0 for NULL. A caller that has its own reasons
 * not to read (the peer has finished sending) masks XSOCK_READ out. */
XSOCK_API unsigned xsock_wqueue_interest(const xsock_wqueue_t *q);

/** The send error that failed q (XSOCK_EPIPE, ...), or 0 (NULL too). */
XSOCK_API int xsock_wqueue_error(const xsock_wqueue_t *q);

#ifdef __cplusplus
}
#endif

#endif /* XSOCK_WQUEUE_H */
