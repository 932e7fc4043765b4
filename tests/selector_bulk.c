/* SPDX-License-Identifier: MIT */
/* A bulk duplex transfer driven only by the selector, on one backend
 * (argv[1]): 5 TCP connections, both ends sending 512 KiB each way at
 * once, non-blocking, with WRITE interest on only while there is data to
 * send (and paused now and then mid-stream). Every byte is checked against its
 * generator and a checksum, so a lost, repeated or reordered byte fails. */
#include "xtest.h"

#include <string.h>

#define BULK_CONNS 5
#define BULK_ENDS (2 * BULK_CONNS)
#define BULK_BYTES (512u * 1024u)
#define BULK_CHUNK 16384u
#define BULK_PAUSE (96u * 1024u)

typedef struct bulk_end {
  xsock_t s;
  int stream_out, stream_in; /* generator ids of what it sends / gets */
  size_t sent, got;
  uint32_t sum_out, sum_in; /* FNV-1a of the bytes sent / received */
  int eof, shut;
  unsigned interest;
} bulk_end_t;

/* Byte i of stream k: a hash of the position, so that any byte can be
 * produced or checked without keeping state. */
static unsigned char bulk_byte(int k, size_t i) {
  uint32_t h = (uint32_t)(i >> 2) * 2654435761u ^ (uint32_t)k * 0x9E3779B9u;
  h ^= h >> 15;
  h *= 0x85EBCA6Bu;
  h ^= h >> 13;
  return (unsigned char)(h >> (8 * (i & 3)));
}

static uint32_t bulk_fnv(uint32_t h, const unsigned char *p, size_t n) {
  size_t i;
  for (i = 0; i < n; i++)
    h = (h ^ p[i]) * 16777619u;
  return h;
}

static void bulk_set_interest(xsock_selector_t *sel, bulk_end_t *e,
                              unsigned want) {
  if (e->interest != want) {
    xt_ok(xsock_selector_modify(sel, e->s, want, e));
    e->interest = want;
  }
}

static void bulk_on_write(xsock_selector_t *sel, bulk_end_t *e) {
  unsigned char buf[BULK_CHUNK];
  size_t n = BULK_BYTES - e->sent, i;
  xsock_ssize_t r;
  if (n > BULK_CHUNK)
    n = BULK_CHUNK;
  for (i = 0; i < n; i++)
    buf[i] = bulk_byte(e->stream_out, e->sent + i);
  r = xsock_send(e->s, buf, n);
  if (r == XSOCK_EAGAIN)
    return;
  xt_ok(r);
  e->sum_out = bulk_fnv(e->sum_out, buf, (size_t)r);
  e->sent += (size_t)r;
  if (e->sent == BULK_BYTES) {
    /* Done sending: WRITE off, and tell the peer with a FIN. */
    xt_ok(xsock_shutdown(e->s, XSOCK_SHUT_WR));
    e->shut = 1;
    bulk_set_interest(sel, e, e->eof ? 0 : XSOCK_READ);
  } else if (!e->eof &&
             e->sent / BULK_PAUSE != (e->sent - (size_t)r) / BULK_PAUSE) {
    /* Pause after every BULK_PAUSE bytes until the peer's data arrives.
     * What was just sent is in flight, so the peer reads it and, if it is
     * paused itself, resumes: the two can never both wait. */
    bulk_set_interest(sel, e, XSOCK_READ);
  }
}

static void bulk_on_read(xsock_selector_t *sel, bulk_end_t *e) {
  unsigned char buf[BULK_CHUNK];
  xsock_ssize_t r = xsock_recv(e->s, buf, sizeof buf), i;
  if (r == XSOCK_EAGAIN)
    return;
  xt_ok(r);
  if (r == 0) {
    assert_int_equal(e->got, BULK_BYTES);
    e->eof = 1;
    bulk_set_interest(sel, e, e->shut ? 0 : XSOCK_WRITE);
    return;
  }
  for (i = 0; i < r; i++)
    if (buf[i] != bulk_byte(e->stream_in, e->got + (size_t)i))
      fail_msg("stream %d: byte %lu differs", e->stream_in,
               (unsigned long)(e->got + (size_t)i));
  e->sum_in = bulk_fnv(e->sum_in, buf, (size_t)r);
  e->got += (size_t)r;
  if (!e->shut)
    bulk_set_interest(sel, e, XSOCK_READ | XSOCK_WRITE);
  assert_true(e->got <= BULK_BYTES);
}

static void test_bulk_duplex(void **state) {
  xsock_selector_t *sel = xt_selector();
  xsock_event_t evs[16];
  bulk_end_t ends[BULK_ENDS];
  int i, n, done = 0, idle = 0, modifies = 0;
  (void)state;
  memset(ends, 0, sizeof ends);
  for (i = 0; i < BULK_CONNS; i++) {
    bulk_end_t *c = &ends[2 * i], *s = &ends[2 * i + 1];
    xt_tcp_pair(&c->s, &s->s);
    c->stream_out = s->stream_in = 2 * i;
    s->stream_out = c->stream_in = 2 * i + 1;
  }
  for (i = 0; i < BULK_ENDS; i++) {
    ends[i].sum_out = ends[i].sum_in = 2166136261u;
    xt_ok(xsock_set_nonblocking(ends[i].s, 1));
    ends[i].interest = XSOCK_READ | XSOCK_WRITE;
    xt_ok(xsock_selector_add(sel, ends[i].s, ends[i].interest, &ends[i]));
  }
  while (done < BULK_ENDS) {
    n = (int)xt_ok(xsock_selector_wait(sel, evs, 16, 100));
    /* A stall of 30 s with nothing ready means a lost wakeup. */
    idle = n == 0 ? idle + 1 : 0;
    assert_true(idle < 300);
    for (i = 0; i < n; i++) {
      bulk_end_t *e = (bulk_end_t *)evs[i].udata;
      unsigned before = e->interest;
      assert_int_equal(evs[i].sock, e->s);
      assert_int_equal(evs[i].events & XSOCK_ERROR, 0);
      /* Only what was asked for, plus HANGUP. */
      assert_int_equal(evs[i].events & ~(e->interest | XSOCK_HANGUP), 0);
      if ((evs[i].events & XSOCK_WRITE) && !e->shut)
        bulk_on_write(sel, e);
      if ((evs[i].events & XSOCK_READ) && !e->eof)
        bulk_on_read(sel, e);
      modifies += before != e->interest;
      if (e->eof && e->shut && before != 0 && e->interest == 0)
        done++;
    }
  }
  for (i = 0; i < BULK_ENDS; i++) {
    bulk_end_t *e = &ends[i], *peer = &ends[i ^ 1];
    assert_int_equal(e->sent, BULK_BYTES);
    assert_int_equal(e->got, BULK_BYTES);
    assert_int_equal(e->sum_in, peer->sum_out);
    xt_ok(xsock_selector_remove(sel, e->s));
    xt_close(&e->s);
  }
  assert_true(modifies >= BULK_ENDS);
  xsock_selector_close(sel);
}

int main(int argc, char **argv) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_bulk_duplex),
  };
  return xt_selector_main(argc, argv, tests);
}
