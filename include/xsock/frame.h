/* SPDX-License-Identifier: MIT */
/** @file
 * xsock's message framing: cuts a TCP byte stream into whole messages and
 * back, over xsock's sockets. Part of the public API: xsock.h includes
 * it, so including xsock.h gives both, and it may also be included alone. */
#ifndef XSOCK_FRAME_H
#define XSOCK_FRAME_H

/* xsock_t, xsock_ssize_t and XSOCK_API (this header is defined first, so
 * that xsock.h's own include of it is then empty). */
#include "../xsock.h"

#ifdef __cplusplus
extern "C" {
#endif

/** TCP is a byte stream: one send may arrive in several recvs, and several
 * sends in one. These calls cut the stream into whole messages again, for
 * a selector loop on a non-blocking socket, in one of two formats:
 *  - length-prefixed: each message is preceded by its length as an
 *    unsigned big-endian number of 1, 2, 3 or 4 bytes
 *    (XSOCK_FRAME_LEN8 .. XSOCK_FRAME_LEN32); a message may be empty;
 *  - lines: each message ends with a delimiter byte, a line feed (LF,
 *    10) with `XSOCK_FRAME_LINES(10)` for instance. The delimiter is not
 *    part of the message the decoder returns, and a message given to the
 *    encoder must not contain it. XSOCK_FRAME_CRLF is LF lines where a
 *    carriage return (CR, 13) just before the LF is dropped too, so "a" CR
 *    LF and "a" LF both give "a"; its encoder ends every message with
 *    CR LF.
 * Every message has a maximum size (max, in bytes: the message itself,
 * without header or delimiter, nor the CR that XSOCK_FRAME_CRLF drops).
 * max must be one the
 * header can express (at most 255, 65535, 2^24-1, 2^32-1 for 1..4 bytes).
 *
 * Memory: both sides work in a buffer the caller gives (no allocation, no
 * global state); a decoder or encoder belongs to one thread at a time.
 * Treat the fields of the structs as private. A buffer of
 * xsock_frame_bufsize(format, max) bytes holds any one message with its
 * header or delimiter; init refuses a smaller one, so a valid message
 * always fits and the decoder never needs more than it was given. */
#define XSOCK_FRAME_LEN8 1  /**< 1-byte big-endian length header */
#define XSOCK_FRAME_LEN16 2 /**< 2-byte big-endian length header */
#define XSOCK_FRAME_LEN24 3 /**< 3-byte big-endian length header */
#define XSOCK_FRAME_LEN32 4 /**< 4-byte big-endian length header */
/** Lines ended by the byte delim (0..255), the delimiter not returned. */
#define XSOCK_FRAME_LINES(delim) (0x100 | ((delim)&0xff))
/** Lines ended by LF, a CR before it dropped; the encoder writes CR LF. */
#define XSOCK_FRAME_CRLF (0x300 | 10)

/** The buffer size that xsock_frame_decoder_init and
 * xsock_frame_encoder_init need at least for format and max: max plus the
 * header (1..4 bytes) or the delimiter (1, or 2 for XSOCK_FRAME_CRLF).
 * 0 for an unknown format, a max the header cannot express, or a size that
 * would overflow size_t. */
XSOCK_API size_t xsock_frame_bufsize(int format, size_t max);

/** A decoder: bytes in (xsock_frame_feed, or xsock_frame_recv straight
 * from a socket), whole messages out (xsock_frame_next). */
typedef struct xsock_frame_decoder {
  unsigned char *buf;      /**< the caller's memory */
  size_t cap;              /**< its size */
  size_t start;            /**< bytes held: buf[start..end) */
  size_t end;              /**< the end of the bytes held */
  size_t scan;             /**< lines: held bytes known to hold no delimiter */
  const unsigned char *in; /**< fed bytes not yet taken in (not copied) */
  size_t in_len;           /**< their count */
  size_t max;              /**< the maximum message size */
  int header;              /**< 1..4, or 0 for lines */
  int delim;               /**< lines: the delimiter byte */
  int crlf;                /**< lines: drop a CR before the delimiter */
  int eof;                 /**< the stream has ended */
  int error;               /**< 0, or the error that failed the stream */
} xsock_frame_decoder_t;

/** Prepares d to decode format with messages of at most max bytes, in
 * buf (cap bytes, at least xsock_frame_bufsize(format, max)), which must
 * outlive d. XSOCK_EINVAL for a NULL d or buf, an unknown format, a max
 * the header cannot express, or a cap too small (or above PTRDIFF_MAX);
 * d is then left failed
 * (every later call gives XSOCK_EINVAL). */
XSOCK_API int xsock_frame_decoder_init(xsock_frame_decoder_t *d, int format,
                                       size_t max, void *buf, size_t cap);

/** Gives d the len bytes at data (what a recv returned), WITHOUT copying
 * them yet: xsock_frame_next() returns messages that lie whole in them as
 * pointers into data, and copies into d's buffer only the start of a
 * message that is not yet complete. So data must stay valid and unchanged
 * until xsock_frame_next() has returned 0 (or an error). Returns 0;
 * XSOCK_EINVAL for a NULL d or data (even with len 0), when the bytes of
 * an earlier feed have not all been taken in yet (call xsock_frame_next()
 * until it returns 0 first), or after the end of the stream
 * (xsock_frame_finish); or the error that failed d. */
XSOCK_API int xsock_frame_feed(xsock_frame_decoder_t *d, const void *data,
                               size_t len);

/** Takes out the next whole message: returns 1 and sets *msg and *len (a
 * zero-length message has len 0 and a valid pointer), or 0 when no whole
 * message is there yet (every byte fed is then taken in: feed or recv
 * more), or an error. The message is not copied: *msg points into the
 * bytes fed or into d's buffer, and stays valid until the next call on d
 * (or until the fed bytes change). Errors:
 *  - XSOCK_EMSGSIZE: a length header above max, or more than max bytes
 *    with no delimiter (found as soon as the bytes arrive, before the
 *    message is complete);
 *  - XSOCK_EPROTO: the stream has ended (xsock_frame_finish, or
 *    xsock_frame_recv returned 0) in the middle of a message; the whole
 *    messages before it are returned first;
 *  - XSOCK_EINVAL: a NULL argument (d is not failed by it).
 * After XSOCK_EMSGSIZE or XSOCK_EPROTO the stream is known bad: d is
 * failed, every later call on it returns that same error, and it holds no
 * more memory than its buffer. Close the connection. On failure *msg is
 * NULL and *len 0. */
XSOCK_API int xsock_frame_next(xsock_frame_decoder_t *d, const void **msg,
                               size_t *len);

/** Where to receive into d's buffer directly (the zero-copy path that
 * xsock_frame_recv takes): stores the start of the free space in *space
 * and returns its size, after moving the bytes held to the front. Write
 * at most that many bytes there, then call xsock_frame_commit(). Once
 * xsock_frame_next() has returned 0 the free space is never empty.
 * XSOCK_EINVAL for a NULL argument, while fed bytes are not all taken in,
 * or after the end of the stream; XSOCK_ENOSPC when whole messages not yet
 * taken fill the buffer; or the error that failed d. *space is NULL on
 * failure. */
XSOCK_API xsock_ssize_t xsock_frame_space(xsock_frame_decoder_t *d,
                                          void **space);

/** Adds n bytes written at the space that xsock_frame_space() gave.
 * XSOCK_EINVAL for a NULL d, an n above that space, while fed bytes are
 * not all taken in, or after the end of the stream; or the error that
 * failed d. */
XSOCK_API int xsock_frame_commit(xsock_frame_decoder_t *d, size_t n);

/** Receives once from s (one xsock_recv) into d's free space, so that the
 * messages are never copied. Returns the number of bytes received, or 0
 * when the peer has closed the stream (d then knows that the stream has
 * ended, as after xsock_frame_finish(), and a later call returns 0 again
 * without reading); in both cases take messages with xsock_frame_next()
 * until it returns 0 or an error. XSOCK_EAGAIN when nothing is there
 * (non-blocking); the recv's error (XSOCK_ETIMEDOUT, XSOCK_ECONNRESET,
 * ...: d is not failed by it, the socket is); the errors of
 * xsock_frame_space(); XSOCK_EBADF for XSOCK_INVALID (checked after d's
 * own error). */
XSOCK_API xsock_ssize_t xsock_frame_recv(xsock_frame_decoder_t *d, xsock_t s);

/** Tells d that the stream has ended, for a caller that feeds its own
 * recvs (call it when recv returned 0): xsock_frame_next() still returns
 * the whole messages held, then XSOCK_EPROTO if a message was cut short,
 * else 0. Later feeds and commits give XSOCK_EINVAL. Returns 0;
 * XSOCK_EINVAL for a NULL d; or the error that failed d. */
XSOCK_API int xsock_frame_finish(xsock_frame_decoder_t *d);

/** An encoder: whole messages in (xsock_frame_queue), framed bytes out to
 * a socket as far as it takes them (xsock_frame_flush). Its buffer is
 * fixed and holds frames only; for memory that grows to a bound,
 * watermarks that say when to stop reading, the interest to register, or
 * frames mixed with other bytes, frame into a write queue instead:
 * xsock_wqueue_send_frame() (include/xsock/wqueue.h) writes the same
 * bytes, and sends a message that the socket takes at once without
 * copying it. */
typedef struct xsock_frame_encoder {
  unsigned char *buf; /**< the caller's memory */
  size_t cap;         /**< its size */
  size_t start;       /**< bytes queued: buf[start..end) */
  size_t end;         /**< the end of the bytes queued */
  size_t max;         /**< the maximum message size */
  int header;         /**< 1..4, or 0 for lines */
  int delim;          /**< lines: the delimiter byte */
  int crlf;           /**< lines: write a CR before the delimiter */
} xsock_frame_encoder_t;

/** Prepares e to frame messages of at most max bytes in format, queued in
 * buf (cap bytes, at least xsock_frame_bufsize(format, max); a larger
 * buffer queues more messages), which must outlive e. XSOCK_EINVAL as for
 * xsock_frame_decoder_init(); e is then unusable (every call gives
 * XSOCK_EINVAL). */
XSOCK_API int xsock_frame_encoder_init(xsock_frame_encoder_t *e, int format,
                                       size_t max, void *buf, size_t cap);

/** Copies one message, framed (header + msg, or msg + delimiter), into
 * e's buffer behind what is already queued. Nothing is sent. Returns 0;
 * XSOCK_EMSGSIZE for len above max; XSOCK_EINVAL for a NULL e or msg
 * (even with len 0) or, in line formats, a msg that contains the
 * delimiter; XSOCK_ENOSPC when the buffer cannot take it now (flush, wait
 * for XSOCK_WRITE, and queue it again). Nothing is queued on failure. */
XSOCK_API int xsock_frame_queue(xsock_frame_encoder_t *e, const void *msg,
                                size_t len);

/** Sends queued bytes to s (xsock_send) until all are sent or the socket
 * would block. Returns the number of bytes still queued: 0 when all went
 * out, more when the send buffer is full (ask for XSOCK_WRITE and flush
 * again when the selector reports it; drop WRITE when this returns 0). On
 * a send error (XSOCK_EPIPE, XSOCK_ECONNRESET, XSOCK_ETIMEDOUT when
 * XSOCK_OPT_SNDTIMEO ran out, ...) returns it and keeps the unsent bytes
 * queued; XSOCK_EINVAL for a NULL e, XSOCK_EBADF for XSOCK_INVALID. A
 * blocking socket sends everything or fails. */
XSOCK_API xsock_ssize_t xsock_frame_flush(xsock_frame_encoder_t *e, xsock_t s);

/** The number of bytes queued in e and not yet sent (0 for NULL). */
XSOCK_API size_t xsock_frame_queued(const xsock_frame_encoder_t *e);

#ifdef __cplusplus
}
#endif

#endif /* XSOCK_FRAME_H */
