/* SPDX-License-Identifier: MIT */
/* Every I/O call through every timeout case, on real sockets: send, recv,
 * sendto, recvfrom, sendv, recvv, peek, sendall, recv_exact and the
 * framing calls that touch a socket (xsock_frame_recv, xsock_frame_flush).
 *  - A blocking socket whose XSOCK_OPT_RCVTIMEO / XSOCK_OPT_SNDTIMEO runs
 *    out (nothing to read; a full send buffer): XSOCK_ETIMEDOUT from
 *    every call, on every OS (issue 19: peek, recvv and sendv said
 *    XSOCK_EAGAIN on POSIX).
 *  - A non-blocking socket with a timeout set and nothing to do:
 *    XSOCK_EAGAIN from every call, or what its header documents instead
 *    (xsock_frame_flush: the bytes still queued).
 *  - A partial transfer is a count where the API says so, an error where
 *    it says that.
 *  - A call of 0 bytes never waits for the timeout.
 * Stream calls run over xsock_socketpair and over a loopback TCP pair,
 * receives over UDP too. After a timed-out call the socket's state is
 * undefined on Windows (xsock.h), so every timeout gets sockets of its
 * own. No assertion is about how long a call took: only what it returned.
 * No call goes through a selector or a wait backend, so the suite runs
 * once, not once per backend. */
#include "xtest.h"

#include <string.h>

#define IOT_TIMEOUT_MS 50
#define IOT_CHUNK 65536      /* one send of the fill and of each call */
#define IOT_BIG (4u << 20)   /* far more than any socket buffer here */
#define IOT_QUEUE (1u << 20) /* the encoder's queue: above any buffer */
#define IOT_MSG 4000         /* its largest message */
#define IOT_TRIES 200        /* calls that may still find room, at most */

static char iot_chunk[IOT_CHUNK];
static char iot_big[IOT_BIG];
static unsigned char iot_queue[IOT_QUEUE];
static unsigned char iot_dbuf[IOT_MSG + 2];

/* ---- sockets ------------------------------------------------------------ */

/* A connected stream pair: p[0] is the socket under test, p[1] its peer,
 * which never reads unless a test says so. */
typedef void (*iot_pair_fn)(xsock_t p[2]);

static void iot_socketpair(xsock_t p[2]) {
  xt_ok(xsock_socketpair(XSOCK_STREAM, p));
}

static void iot_tcp(xsock_t p[2]) { xt_tcp_pair(&p[0], &p[1]); }

static const struct {
  const char *name;
  iot_pair_fn make;
  int tcp; /* 1: the socket has a peer address (sendto needs one) */
} iot_kinds[] = {
    {"socketpair", iot_socketpair, 0},
    {"tcp", iot_tcp, 1},
};
#define IOT_KINDS (sizeof iot_kinds / sizeof iot_kinds[0])

static void iot_close(xsock_t p[2]) {
  xt_close(&p[0]);
  xt_close(&p[1]);
}

/* A UDP socket bound on the loopback; *addr is its address. */
static void iot_udp(xsock_t *u, xsock_addr_t *addr) {
  xt_ok(xsock_addr_loopback(addr, XSOCK_AF_INET, 0));
  xt_ok(xsock_socket(u, XSOCK_AF_INET, XSOCK_DGRAM, 0));
  xt_ok(xsock_bind(*u, addr));
  xt_ok(xsock_getsockname(*u, addr));
}

/* Small buffers from p[0] to p[1], far below IOT_BIG and IOT_QUEUE
 * (Linux would otherwise grow TCP's to megabytes). */
static void iot_small(xsock_t p[2]) {
  xt_ok(xsock_set_option(p[0], XSOCK_OPT_SNDBUF, 8192));
  xt_ok(xsock_set_option(p[1], XSOCK_OPT_RCVBUF, 8192));
}

/* Fills p[0]'s send buffer: small buffers, then sends in non-blocking
 * mode until the OS says XSOCK_EAGAIN. p[0] is left non-blocking. */
static void iot_fill(xsock_t p[2]) {
  xsock_ssize_t n;
  iot_small(p);
  xt_ok(xsock_set_nonblocking(p[0], 1));
  while ((n = xsock_send(p[0], iot_chunk, sizeof iot_chunk)) > 0)
    ;
  xt_err(n, XSOCK_EAGAIN);
}

/* ---- the receiving calls, each asking for 8 bytes ----------------------- */

typedef xsock_ssize_t (*iot_recv_fn)(xsock_t s);

static xsock_ssize_t iot_recv(xsock_t s) {
  char b[8];
  return xsock_recv(s, b, sizeof b);
}

static xsock_ssize_t iot_recvfrom(xsock_t s) {
  char b[8];
  xsock_addr_t from;
  xsock_ssize_t n = xsock_recvfrom(s, b, sizeof b, &from);
  if (n < 0)
    assert_int_equal(from.family, XSOCK_AF_UNSPEC);
  return n;
}

static xsock_ssize_t iot_recvv(xsock_t s) {
  char a[3], b[5];
  xsock_iovec_t iov[2];
  iov[0].base = a;
  iov[0].len = sizeof a;
  iov[1].base = b;
  iov[1].len = sizeof b;
  return xsock_recvv(s, iov, 2);
}

static xsock_ssize_t iot_peek(xsock_t s) {
  char b[8];
  return xsock_peek(s, b, sizeof b);
}

static xsock_ssize_t iot_recv_exact(xsock_t s) {
  char b[8];
  return xsock_recv_exact(s, b, sizeof b);
}

/* A failed receive leaves the decoder usable: the socket failed, not the
 * stream's framing. */
static xsock_ssize_t iot_frame_recv(xsock_t s) {
  xsock_frame_decoder_t d;
  const void *m;
  size_t len;
  xsock_ssize_t n;
  xt_ok(xsock_frame_decoder_init(&d, XSOCK_FRAME_LEN16, IOT_MSG, iot_dbuf,
                                 sizeof iot_dbuf));
  n = xsock_frame_recv(&d, s);
  if (n < 0)
    assert_int_equal(xsock_frame_next(&d, &m, &len), 0);
  return n;
}

static const struct {
  const char *name;
  iot_recv_fn call;
  int datagram; /* 1: also run on a UDP socket */
} iot_recvs[] = {
    {"recv", iot_recv, 1},
    {"recvfrom", iot_recvfrom, 1},
    {"recvv", iot_recvv, 1},
    {"peek", iot_peek, 1},
    {"recv_exact", iot_recv_exact, 0},
    {"frame_recv", iot_frame_recv, 0},
};
#define IOT_RECVS (sizeof iot_recvs / sizeof iot_recvs[0])

/* ---- the sending calls ------------------------------------------------- */

/* One call on s (peer: s's peer address, for sendto). A positive result is
 * progress: the call may be made again. */
typedef xsock_ssize_t (*iot_send_fn)(xsock_t s, const xsock_addr_t *peer);

static xsock_ssize_t iot_send(xsock_t s, const xsock_addr_t *peer) {
  (void)peer;
  return xsock_send(s, iot_chunk, sizeof iot_chunk);
}

/* On a connected stream the OSes ignore the address (POSIX: "shall be
 * ignored" for connection-mode sockets; Microsoft's sendto page too). */
static xsock_ssize_t iot_sendto(xsock_t s, const xsock_addr_t *peer) {
  return xsock_sendto(s, iot_chunk, sizeof iot_chunk, peer);
}

static xsock_ssize_t iot_sendv(xsock_t s, const xsock_addr_t *peer) {
  xsock_iovec_t iov[2];
  (void)peer;
  iov[0].base = iot_chunk;
  iov[0].len = sizeof iot_chunk / 2;
  iov[1].base = iot_chunk + sizeof iot_chunk / 2;
  iov[1].len = sizeof iot_chunk / 2;
  return xsock_sendv(s, iov, 2);
}

static xsock_ssize_t iot_sendall(xsock_t s, const xsock_addr_t *peer) {
  (void)peer;
  return xsock_sendall(s, iot_big, sizeof iot_big);
}

/* Queues a megabyte of messages and flushes: the bytes still queued, or
 * an error, after which the unsent bytes must still be queued. */
static xsock_ssize_t iot_frame_flush(xsock_t s, const xsock_addr_t *peer) {
  static unsigned char msg[IOT_MSG];
  xsock_frame_encoder_t e;
  xsock_ssize_t n;
  (void)peer;
  xt_ok(xsock_frame_encoder_init(&e, XSOCK_FRAME_LEN16, IOT_MSG, iot_queue,
                                 sizeof iot_queue));
  while (xsock_frame_queue(&e, msg, sizeof msg) == 0)
    ;
  n = xsock_frame_flush(&e, s);
  if (n < 0)
    assert_true(xsock_frame_queued(&e) > 0);
  else
    assert_int_equal((size_t)n, xsock_frame_queued(&e));
  return n;
}

static const struct {
  const char *name;
  iot_send_fn call;
  int needs_peer; /* sendto: a stream with a peer address only */
  int flush;      /* 1: the result is the bytes still queued, not a count
                     sent, and a full non-blocking socket gives a positive
                     one instead of XSOCK_EAGAIN */
} iot_sends[] = {
    {"send", iot_send, 0, 0},
    {"sendto", iot_sendto, 1, 0},
    {"sendv", iot_sendv, 0, 0},
    {"sendall", iot_sendall, 0, 0},
    {"frame_flush", iot_frame_flush, 0, 1},
};
#define IOT_SENDS (sizeof iot_sends / sizeof iot_sends[0])

/* Makes send call c until it stops making progress (a late ACK may still
 * free room in a full buffer, and a blocking Winsock send may take more
 * than the buffer holds; the peer never reads, so the room runs out) and
 * returns the last result. Progress: bytes sent, or for flush everything
 * sent. */
static xsock_ssize_t iot_until_stuck(size_t c, xsock_t s,
                                     const xsock_addr_t *peer) {
  xsock_ssize_t n = 0;
  int i;
  for (i = 0; i < IOT_TRIES; i++) {
    n = iot_sends[c].call(s, peer);
    if (iot_sends[c].flush ? n != 0 : n <= 0)
      break;
  }
  return n;
}

static void iot_report(const char *what, const char *call, const char *kind) {
  print_message("  %s: %s on %s\n", what, call, kind);
}

/* ---- the cases ----------------------------------------------------------- */

/* Nothing to read, a blocking socket with RCVTIMEO: XSOCK_ETIMEDOUT from
 * every receiving call. */
static void test_receives_time_out(void **state) {
  size_t k, c;
  (void)state;
  for (k = 0; k < IOT_KINDS; k++)
    for (c = 0; c < IOT_RECVS; c++) {
      xsock_t p[2];
      iot_report("times out", iot_recvs[c].name, iot_kinds[k].name);
      iot_kinds[k].make(p);
      xt_ok(xsock_set_option(p[0], XSOCK_OPT_RCVTIMEO, IOT_TIMEOUT_MS));
      xt_err(iot_recvs[c].call(p[0]), XSOCK_ETIMEDOUT);
      assert_int_not_equal(xsock_last_os_error(), 0);
      iot_close(p);
    }
  for (c = 0; c < IOT_RECVS; c++) {
    xsock_t u;
    xsock_addr_t a;
    if (!iot_recvs[c].datagram)
      continue;
    iot_report("times out", iot_recvs[c].name, "udp");
    iot_udp(&u, &a);
    xt_ok(xsock_set_option(u, XSOCK_OPT_RCVTIMEO, IOT_TIMEOUT_MS));
    xt_err(iot_recvs[c].call(u), XSOCK_ETIMEDOUT);
    xt_close(&u);
  }
}

/* Nothing to read, a non-blocking socket (with RCVTIMEO set, which must
 * not matter): XSOCK_EAGAIN from every receiving call, again and again. */
static void test_receives_would_block(void **state) {
  size_t k, c;
  xsock_t u;
  xsock_addr_t a;
  (void)state;
  for (k = 0; k < IOT_KINDS; k++) {
    xsock_t p[2];
    iot_kinds[k].make(p);
    xt_ok(xsock_set_option(p[0], XSOCK_OPT_RCVTIMEO, IOT_TIMEOUT_MS));
    xt_ok(xsock_set_nonblocking(p[0], 1));
    for (c = 0; c < IOT_RECVS; c++) {
      iot_report("would block", iot_recvs[c].name, iot_kinds[k].name);
      xt_err(iot_recvs[c].call(p[0]), XSOCK_EAGAIN);
      xt_err(iot_recvs[c].call(p[0]), XSOCK_EAGAIN);
    }
    /* The socket is fine: what the peer sends now arrives. */
    xt_ok(xsock_sendall(p[1], "12345678", 8));
    xt_ok(xsock_set_nonblocking(p[0], 0));
    assert_int_equal(iot_recv_exact(p[0]), 8);
    iot_close(p);
  }
  iot_udp(&u, &a);
  xt_ok(xsock_set_option(u, XSOCK_OPT_RCVTIMEO, IOT_TIMEOUT_MS));
  xt_ok(xsock_set_nonblocking(u, 1));
  for (c = 0; c < IOT_RECVS; c++)
    if (iot_recvs[c].datagram) {
      iot_report("would block", iot_recvs[c].name, "udp");
      xt_err(iot_recvs[c].call(u), XSOCK_EAGAIN);
    }
  xt_close(&u);
}

/* A full send buffer, a blocking socket with SNDTIMEO: XSOCK_ETIMEDOUT
 * from every sending call, and flush keeps what it could not send. */
static void test_sends_time_out(void **state) {
  size_t k, c;
  (void)state;
  for (k = 0; k < IOT_KINDS; k++)
    for (c = 0; c < IOT_SENDS; c++) {
      xsock_t p[2];
      xsock_addr_t peer;
      if (iot_sends[c].needs_peer && !iot_kinds[k].tcp)
        continue;
      iot_report("times out", iot_sends[c].name, iot_kinds[k].name);
      iot_kinds[k].make(p);
      if (iot_kinds[k].tcp)
        xt_ok(xsock_getpeername(p[0], &peer));
      iot_fill(p);
      xt_ok(xsock_set_nonblocking(p[0], 0));
      xt_ok(xsock_set_option(p[0], XSOCK_OPT_SNDTIMEO, IOT_TIMEOUT_MS));
      xt_err(iot_until_stuck(c, p[0], &peer), XSOCK_ETIMEDOUT);
      assert_int_not_equal(xsock_last_os_error(), 0);
      iot_close(p);
    }
}

/* A full send buffer, a non-blocking socket (with SNDTIMEO set, which
 * must not matter): XSOCK_EAGAIN from every sending call, and from flush
 * the count of bytes it still holds. The socket stays usable. */
static void test_sends_would_block(void **state) {
  size_t k, c;
  (void)state;
  for (k = 0; k < IOT_KINDS; k++) {
    xsock_t p[2];
    xsock_addr_t peer;
    iot_kinds[k].make(p);
    if (iot_kinds[k].tcp)
      xt_ok(xsock_getpeername(p[0], &peer));
    iot_fill(p);
    xt_ok(xsock_set_option(p[0], XSOCK_OPT_SNDTIMEO, IOT_TIMEOUT_MS));
    for (c = 0; c < IOT_SENDS; c++) {
      xsock_ssize_t n;
      if (iot_sends[c].needs_peer && !iot_kinds[k].tcp)
        continue;
      iot_report("would block", iot_sends[c].name, iot_kinds[k].name);
      n = iot_until_stuck(c, p[0], &peer);
      if (iot_sends[c].flush)
        assert_true(n > 0);
      else
        xt_err(n, XSOCK_EAGAIN);
    }
    iot_close(p);
  }
}

/* Partial transfers: a count where the API promises one, the error where
 * it says so (xsock.h). */
static void test_partial_counts(void **state) {
  size_t k;
  (void)state;
  for (k = 0; k < IOT_KINDS; k++) {
    xsock_t p[2];
    xsock_ssize_t n;
    char b[8];
    iot_report("partial", "sendall, frame_flush, recv_exact",
               iot_kinds[k].name);
    /* Non-blocking: sendall reports what went before the buffer filled. */
    iot_kinds[k].make(p);
    iot_small(p);
    xt_ok(xsock_set_option(p[0], XSOCK_OPT_SNDTIMEO, IOT_TIMEOUT_MS));
    xt_ok(xsock_set_nonblocking(p[0], 1));
    n = xsock_sendall(p[0], iot_big, sizeof iot_big);
    assert_true(n > 0 && (size_t)n < sizeof iot_big);
    iot_close(p);
    /* Non-blocking: flush sends what fits and keeps the rest queued. */
    iot_kinds[k].make(p);
    iot_small(p);
    xt_ok(xsock_set_nonblocking(p[0], 1));
    assert_true(iot_frame_flush(p[0], NULL) > 0);
    iot_close(p);
    /* Non-blocking: recv_exact returns the 3 bytes there, not an error. */
    iot_kinds[k].make(p);
    xt_ok(xsock_sendall(p[1], "abc", 3));
    assert_true(xsock_wait(p[0], XSOCK_READ, 5000) > 0);
    xt_ok(xsock_set_option(p[0], XSOCK_OPT_RCVTIMEO, IOT_TIMEOUT_MS));
    xt_ok(xsock_set_nonblocking(p[0], 1));
    assert_int_equal(xsock_recv_exact(p[0], b, sizeof b), 3);
    assert_memory_equal(b, "abc", 3);
    iot_close(p);
    /* Blocking: recv_exact whose timeout runs out after 3 of 8 bytes gives
     * XSOCK_ETIMEDOUT, without the count (xsock.h). */
    iot_kinds[k].make(p);
    xt_ok(xsock_sendall(p[1], "abc", 3));
    xt_ok(xsock_set_option(p[0], XSOCK_OPT_RCVTIMEO, IOT_TIMEOUT_MS));
    xt_err(xsock_recv_exact(p[0], b, sizeof b), XSOCK_ETIMEDOUT);
    iot_close(p);
    /* Blocking: bytes already there are a count, however short, with no
     * wait for the timeout; likewise for peek and recvv. */
    iot_kinds[k].make(p);
    xt_ok(xsock_sendall(p[1], "abc", 3));
    assert_true(xsock_wait(p[0], XSOCK_READ, 5000) > 0);
    xt_ok(xsock_set_option(p[0], XSOCK_OPT_RCVTIMEO, IOT_TIMEOUT_MS));
    assert_int_equal(iot_peek(p[0]), 3);
    assert_int_equal(iot_recvv(p[0]), 3);
    iot_close(p);
  }
}

#ifndef _WIN32
/* A blocking send that moved some bytes before its timeout ran out
 * returns that count on POSIX (on Windows how much was sent is unknown:
 * xsock.h). sendall, which cannot say how much of the whole went, gives
 * XSOCK_ETIMEDOUT. */
static void test_partial_send_before_timeout(void **state) {
  size_t k;
  (void)state;
  for (k = 0; k < IOT_KINDS; k++) {
    xsock_t p[2];
    xsock_iovec_t iov[2];
    xsock_ssize_t n;
    iot_report("partial before the timeout", "send, sendv, sendall",
               iot_kinds[k].name);
    iot_kinds[k].make(p);
    iot_small(p);
    xt_ok(xsock_set_option(p[0], XSOCK_OPT_SNDTIMEO, IOT_TIMEOUT_MS));
    n = xsock_send(p[0], iot_big, sizeof iot_big);
    assert_true(n > 0 && (size_t)n < sizeof iot_big);
    iot_close(p);
    iot_kinds[k].make(p);
    iot_small(p);
    xt_ok(xsock_set_option(p[0], XSOCK_OPT_SNDTIMEO, IOT_TIMEOUT_MS));
    iov[0].base = iot_big;
    iov[0].len = sizeof iot_big / 2;
    iov[1].base = iot_big + sizeof iot_big / 2;
    iov[1].len = sizeof iot_big / 2;
    n = xsock_sendv(p[0], iov, 2);
    assert_true(n > 0 && (size_t)n < sizeof iot_big);
    iot_close(p);
    iot_kinds[k].make(p);
    iot_small(p);
    xt_ok(xsock_set_option(p[0], XSOCK_OPT_SNDTIMEO, IOT_TIMEOUT_MS));
    xt_err(xsock_sendall(p[0], iot_big, sizeof iot_big), XSOCK_ETIMEDOUT);
    iot_close(p);
  }
}
#endif

/* The zero-byte receives of a stream socket s, each 0 at once. */
static void iot_zero_receives(xsock_t s) {
  char b[1];
  xsock_addr_t from;
  xsock_iovec_t empty[2];
  empty[0].base = b;
  empty[0].len = 0;
  empty[1] = empty[0];
  assert_int_equal(xsock_recv(s, b, 0), 0);
  assert_int_equal(xsock_peek(s, b, 0), 0);
  assert_int_equal(xsock_recvfrom(s, b, 0, &from), 0);
  assert_int_equal(from.family, XSOCK_AF_UNSPEC);
  assert_int_equal(xsock_recvv(s, empty, 0), 0);
  assert_int_equal(xsock_recvv(s, empty, 2), 0);
  assert_int_equal(xsock_recv_exact(s, b, 0), 0);
}

/* A call of 0 bytes never waits for the timeout: a receive of 0 bytes
 * returns 0 at once and takes nothing (no datagram either); a send of 0
 * bytes returns 0 on a full stream and sends an empty datagram. */
static void test_zero_bytes_never_wait(void **state) {
  size_t k;
  xsock_t u;
  xsock_addr_t a;
  xsock_iovec_t none;
  char b[8];
  (void)state;
  none.base = b;
  none.len = 0;
  for (k = 0; k < IOT_KINDS; k++) {
    xsock_t p[2];
    xsock_addr_t peer;
    iot_report("zero bytes", "every call", iot_kinds[k].name);
    iot_kinds[k].make(p);
    xt_ok(xsock_set_option(p[0], XSOCK_OPT_RCVTIMEO, IOT_TIMEOUT_MS));
    iot_zero_receives(p[0]); /* blocking, nothing there */
    xt_ok(xsock_set_nonblocking(p[0], 1));
    iot_zero_receives(p[0]); /* non-blocking, nothing there */
    xt_ok(xsock_sendall(p[1], "x", 1));
    assert_true(xsock_wait(p[0], XSOCK_READ, 5000) > 0);
    iot_zero_receives(p[0]); /* a byte there, which stays */
    assert_int_equal(xsock_recv(p[0], b, sizeof b), 1);
    assert_int_equal(b[0], 'x');
    /* Sends of 0 bytes into a full buffer, blocking with SNDTIMEO. */
    if (iot_kinds[k].tcp)
      xt_ok(xsock_getpeername(p[0], &peer));
    iot_fill(p);
    xt_ok(xsock_set_nonblocking(p[0], 0));
    xt_ok(xsock_set_option(p[0], XSOCK_OPT_SNDTIMEO, IOT_TIMEOUT_MS));
    assert_int_equal(xsock_send(p[0], b, 0), 0);
    assert_int_equal(xsock_sendv(p[0], &none, 0), 0);
    assert_int_equal(xsock_sendv(p[0], &none, 1), 0);
    assert_int_equal(xsock_sendall(p[0], b, 0), 0);
    if (iot_kinds[k].tcp)
      assert_int_equal(xsock_sendto(p[0], b, 0, &peer), 0);
    iot_close(p);
  }
  /* UDP: a receive of 0 bytes waits for no datagram and takes none. */
  iot_report("zero bytes", "every call", "udp");
  iot_udp(&u, &a);
  xt_ok(xsock_set_option(u, XSOCK_OPT_RCVTIMEO, IOT_TIMEOUT_MS));
  assert_int_equal(xsock_recv(u, b, 0), 0);
  assert_int_equal(xsock_peek(u, b, 0), 0);
  assert_int_equal(xsock_recvfrom(u, b, 0, NULL), 0);
  assert_int_equal(xsock_recvv(u, &none, 0), 0);
  assert_int_equal(xsock_sendto(u, "abc", 3, &a), 3);
  assert_true(xsock_wait(u, XSOCK_READ, 5000) > 0);
  assert_int_equal(xsock_recv(u, b, 0), 0);
  assert_int_equal(xsock_recvv(u, &none, 1), 0);
  assert_int_equal(xsock_recv(u, b, sizeof b), 3);
  assert_memory_equal(b, "abc", 3);
  /* A send of 0 bytes is an empty datagram: what arrives is 0 bytes,
   * where nothing would have given XSOCK_ETIMEDOUT. */
  assert_int_equal(xsock_sendto(u, b, 0, &a), 0);
  assert_int_equal(xsock_recv(u, b, sizeof b), 0);
  xt_ok(xsock_connect(u, &a));
  assert_int_equal(xsock_sendv(u, &none, 0), 0);
  assert_int_equal(xsock_recv(u, b, sizeof b), 0);
  assert_int_equal(xsock_send(u, b, 0), 0);
  assert_int_equal(xsock_recv(u, b, sizeof b), 0);
  xt_close(&u);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_receives_time_out),
      cmocka_unit_test(test_receives_would_block),
      cmocka_unit_test(test_sends_time_out),
      cmocka_unit_test(test_sends_would_block),
      cmocka_unit_test(test_partial_counts),
#ifndef _WIN32
      cmocka_unit_test(test_partial_send_before_timeout),
#endif
      cmocka_unit_test(test_zero_bytes_never_wait),
  };
  int rc;
  if (xsock_init() != 0)
    return 1;
  rc = cmocka_run_group_tests_name("io_timeouts", tests, NULL, NULL);
  xsock_cleanup();
  return rc;
}
