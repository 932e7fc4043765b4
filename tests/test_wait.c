/* SPDX-License-Identifier: MIT */
/* xsock_wait, the one-socket wait: every row of docs/semantics.md's
 * normalised table (and the two rows that differ by OS) on real loopback
 * sockets, the same answers a selector gives; its timeouts, its argument
 * checks; and xsock_clock_ms. */
#include "xtest.h"
#include "xtest_thread.h"

#include <string.h>

#ifdef __linux__
#include <pthread.h>
#include <signal.h>
#endif

#define RW (XSOCK_READ | XSOCK_WRITE)
#define ERRHUP (XSOCK_ERROR | XSOCK_HANGUP)
#define BOUND_MS 5000

/* Waits (up to BOUND_MS over as many waits as needed) until xsock_wait
 * reports every bit of want; returns the last report. The bound only
 * stops a broken build from hanging: readiness may take a moment, and a
 * report may come in parts (Windows shows a hangup after the data). */
static int expect(xsock_t s, unsigned events, unsigned want) {
  int64_t end = xsock_clock_ms() + BOUND_MS;
  int r;
  do {
    r = xsock_wait(s, events, 50);
    assert_true(r >= 0);
    if (((unsigned)r & want) == want)
      return r;
    if (r > 0)
      xt_sleep_ms(5);
  } while (xsock_clock_ms() < end);
  return r;
}

/* The peer closed, no data left: R|H, and recv gives 0; W alone sees W. */
static void test_graceful_close(void **state) {
  xsock_t c, s;
  char buf[8];
  (void)state;
  xt_tcp_pair(&c, &s);
  assert_int_equal(xt_ok(xsock_wait(s, XSOCK_READ, 0)), 0);
  xt_close(&c);
  assert_int_equal(expect(s, XSOCK_READ, XSOCK_READ | XSOCK_HANGUP),
                   XSOCK_READ | XSOCK_HANGUP);
  assert_int_equal(xsock_recv(s, buf, sizeof buf), 0);
  assert_int_equal(xsock_wait(s, XSOCK_READ, 0), XSOCK_READ | XSOCK_HANGUP);
  assert_int_equal(xsock_wait(s, XSOCK_WRITE, 0), XSOCK_WRITE);
  xt_close(&s);
}

static void test_listener_pending(void **state) {
  xsock_t l, c, a;
  xsock_addr_t addr;
  (void)state;
  xt_listener(&l, &addr, XSOCK_AF_INET);
  assert_int_equal(xt_ok(xsock_wait(l, XSOCK_READ, 0)), 0);
  xt_ok(xsock_socket(&c, XSOCK_AF_INET, XSOCK_STREAM, 0));
  xt_ok(xsock_connect(c, &addr));
  assert_int_equal(xsock_wait(l, XSOCK_READ, -1), XSOCK_READ);
  xt_ok(xsock_accept(l, &a, NULL, 0));
  assert_int_equal(xt_ok(xsock_wait(l, XSOCK_READ, 0)), 0);
  xt_close(&a);
  xt_close(&c);
  xt_close(&l);
}

static void wait_connect_ok(unsigned events) {
  xsock_t l, c, a;
  xsock_addr_t addr;
  int rc;
  xt_listener(&l, &addr, XSOCK_AF_INET);
  rc = xt_connect_nb(&c, &addr);
  assert_true(rc == 0 || rc == XSOCK_EINPROGRESS);
  assert_int_equal(xsock_wait(c, events, BOUND_MS), XSOCK_WRITE);
  xt_ok(xsock_connect_result(c));
  xt_ok(xsock_accept(l, &a, NULL, 0));
  xt_close(&a);
  xt_close(&c);
  xt_close(&l);
}

static void test_connect_succeeds(void **state) {
  (void)state;
  wait_connect_ok(XSOCK_WRITE);
  wait_connect_ok(RW);
}

static void wait_connect_refused(unsigned events) {
  xsock_addr_t addr;
  xsock_t c;
  int i;
  xt_refused_addr(&addr);
  xt_err(xt_connect_nb(&c, &addr), XSOCK_EINPROGRESS);
  /* No timeout: the wait must end by itself on every Windows version. */
  assert_int_equal(xsock_wait(c, events, -1), (int)(events | ERRHUP));
  /* Level-triggered, and no wait consumes the pending error. */
  for (i = 0; i < 3; i++)
    assert_int_equal(xsock_wait(c, events, 0), (int)(events | ERRHUP));
  xt_err(xsock_connect_result(c), XSOCK_ECONNREFUSED);
  /* Once read, the error is gone on POSIX, and the socket reads as one
   * that never connected; Windows keeps the failed connect until the
   * socket is closed (docs/semantics.md, selector_edges.c case 5). */
#if defined(_WIN32)
  assert_int_equal(xsock_wait(c, events, 0), (int)(events | ERRHUP));
  xt_err(xsock_connect_result(c), XSOCK_ECONNREFUSED);
#elif defined(__linux__)
  assert_int_equal(
      xsock_wait(c, events, 0),
      (int)((events & XSOCK_READ) ? events | XSOCK_HANGUP : events));
  xt_err(xsock_connect_result(c), XSOCK_ENOTCONN);
#else
  assert_int_equal(xsock_wait(c, events, 0) & ~XSOCK_HANGUP, (int)events);
  xt_err(xsock_connect_result(c), XSOCK_ENOTCONN);
#endif
  xt_close(&c);
}

static void test_connect_refused(void **state) {
  (void)state;
  wait_connect_refused(XSOCK_WRITE);
  wait_connect_refused(RW);
  /* READ alone sees the failure too (on Windows, through exceptfds). */
  wait_connect_refused(XSOCK_READ);
}

#if defined(_WIN32) && !defined(XSOCK_SHARED)
/* Windows only, with the library's test hook (a static test build):
 * before Windows 10 version 2004 WSAPoll never reports a failed connect.
 * The hook makes the classifying WSAPoll keep only POLLWRNORM, as those
 * systems do, so that select's exceptfds is proven to report the failure
 * by itself, under Wine and on newer Windows. */
extern int xsock__wsapoll_legacy_connects;

static void test_connect_refused_legacy(void **state) {
  (void)state;
  xsock__wsapoll_legacy_connects = 1;
  wait_connect_refused(XSOCK_WRITE);
  wait_connect_refused(RW);
  wait_connect_ok(XSOCK_WRITE);
  xsock__wsapoll_legacy_connects = 0;
}
#endif

static void test_data_then_close(void **state) {
  xsock_t c, s;
  char buf[16];
  int r;
  (void)state;
  xt_tcp_pair(&c, &s);
  xt_ok(xsock_sendall(c, "hello", 5));
  xt_close(&c);
  /* HANGUP may come with the data or only after it is read (Windows). */
  r = expect(s, XSOCK_READ, XSOCK_READ);
  assert_true(r & XSOCK_READ);
  assert_int_equal(r & XSOCK_ERROR, 0);
  assert_int_equal(xsock_recv_exact(s, buf, 5), 5);
  assert_memory_equal(buf, "hello", 5);
  assert_int_equal(expect(s, XSOCK_READ, XSOCK_READ | XSOCK_HANGUP),
                   XSOCK_READ | XSOCK_HANGUP);
  assert_int_equal(xsock_recv(s, buf, sizeof buf), 0);
  xt_close(&s);
}

static void test_peer_reset(void **state) {
  xsock_t c, s;
  char buf[8];
  xsock_ssize_t r;
  (void)state;
  xt_tcp_pair(&c, &s);
  xt_ok(xsock_set_option(c, XSOCK_OPT_LINGER, 0));
  xt_close(&c);
  assert_int_equal(expect(s, XSOCK_READ, XSOCK_READ | ERRHUP),
                   XSOCK_READ | ERRHUP);
  assert_int_equal(xsock_wait(s, XSOCK_READ, 0), XSOCK_READ | ERRHUP);
  /* WRITE alone sees the dead connection too: ERROR carries every bit. */
  assert_int_equal(xsock_wait(s, XSOCK_WRITE, 0), XSOCK_WRITE | ERRHUP);
  r = xsock_recv(s, buf, sizeof buf);
#ifdef _WIN32
  /* Windows gives ECONNRESET; Wine's recv returns 0 instead. */
  if (xt_is_wine())
    assert_true(r == 0 || r == XSOCK_ECONNRESET);
  else
    xt_err(r, XSOCK_ECONNRESET);
#else
  xt_err(r, XSOCK_ECONNRESET);
#endif
  xt_close(&s);
}

/* Sends on the non-blocking c until its send buffer is full and
 * xsock_wait agrees; a late ACK may free room once or twice, hence the
 * rounds. Returns the bytes sent. */
static size_t fill(xsock_t c) {
  static char chunk[65536];
  size_t sent = 0;
  int round;
  for (round = 0; round < 1000; round++) {
    xsock_ssize_t n;
    int r;
    while ((n = xsock_send(c, chunk, sizeof chunk)) > 0)
      sent += (size_t)n;
    xt_err(n, XSOCK_EAGAIN);
    if ((r = xsock_wait(c, XSOCK_WRITE, 0)) == 0)
      return sent;
    assert_int_equal(r, XSOCK_WRITE);
  }
  fail_msg("the send buffer never stayed full");
  return sent;
}

static void drain(xsock_t s, size_t sent) {
  static char chunk[65536];
  size_t got = 0;
  while (got < sent) {
    xsock_ssize_t n = xsock_recv(s, chunk, sizeof chunk);
    assert_true(n > 0);
    got += (size_t)n;
  }
}

/* Connected: W while there is room, nothing (the wait times out) while
 * the send buffer is full, W again once the peer reads. */
static void test_writable_and_full(void **state) {
  xsock_t c, s;
  size_t sent;
  (void)state;
  xt_tcp_pair(&c, &s);
  xt_ok(xsock_set_nonblocking(c, 1));
  assert_int_equal(xsock_wait(c, XSOCK_WRITE, BOUND_MS), XSOCK_WRITE);
  sent = fill(c);
  assert_int_equal(xt_ok(xsock_wait(c, XSOCK_WRITE, 20)), 0);
  drain(s, sent);
  assert_int_equal(xsock_wait(c, XSOCK_WRITE, BOUND_MS), XSOCK_WRITE);
  xt_close(&c);
  xt_close(&s);
}

/* The peer half-closed: W while there is room; with the send buffer full
 * a W-only wait reports nothing (and blocks), R|W gives R|W|H. */
static void test_writer_after_peer_fin(void **state) {
  xsock_t c, s;
  char buf[8];
  size_t sent = 0;
  int r = 0, round;
  (void)state;
  xt_tcp_pair(&c, &s);
  xt_ok(xsock_set_nonblocking(c, 1));
  xt_ok(xsock_shutdown(s, XSOCK_SHUT_WR));
  assert_int_equal(expect(c, XSOCK_READ, XSOCK_HANGUP),
                   XSOCK_READ | XSOCK_HANGUP);
  assert_int_equal(xsock_wait(c, XSOCK_WRITE, 0), XSOCK_WRITE);
  for (round = 0; round < 20; round++) {
    sent += fill(c);
    if ((r = xt_ok(xsock_wait(c, XSOCK_WRITE, 100))) == 0)
      break;
    assert_int_equal(r, XSOCK_WRITE); /* a late ACK freed room */
  }
  assert_int_equal(r, 0);
  assert_int_equal(xsock_wait(c, RW, 0), RW | XSOCK_HANGUP);
  assert_int_equal(xsock_recv(c, buf, sizeof buf), 0);
  drain(s, sent);
  assert_int_equal(xsock_wait(c, XSOCK_WRITE, BOUND_MS), XSOCK_WRITE);
  xt_close(&c);
  xt_close(&s);
}

/* A connected UDP socket whose datagram met a closed port: R|W (plus E on
 * Linux), then recv gives XSOCK_ECONNREFUSED once, then W again. */
static void test_udp_port_unreachable(void **state) {
  xsock_t u, d;
  xsock_addr_t addr;
  char buf[8];
  int r;
  (void)state;
  xt_ok(xsock_addr_parse(&addr, "127.0.0.1:0"));
  xt_ok(xsock_socket(&d, XSOCK_AF_INET, XSOCK_DGRAM, 0));
  xt_ok(xsock_bind(d, &addr));
  xt_ok(xsock_getsockname(d, &addr));
  xt_close(&d);
  xt_ok(xsock_socket(&u, XSOCK_AF_INET, XSOCK_DGRAM, XSOCK_NONBLOCK));
  xt_ok(xsock_connect(u, &addr));
  assert_int_equal(xsock_wait(u, RW, 0), XSOCK_WRITE);
  xt_ok(xsock_send(u, "x", 1));
  if (xt_is_wine()) {
    /* Wine 8 never reports an ICMP error to a UDP socket (see
     * tests/selector_edges.c); real Windows does, as below. */
    xt_sleep_ms(50);
    assert_int_equal(xsock_wait(u, RW, 0), XSOCK_WRITE);
    xt_err(xsock_recv(u, buf, sizeof buf), XSOCK_EAGAIN);
    xt_close(&u);
    return;
  }
  r = expect(u, RW, XSOCK_READ);
#ifdef __linux__
  assert_int_equal(r, RW | XSOCK_ERROR);
#else
  assert_int_equal(r & ~XSOCK_ERROR, RW);
#endif
  xt_err(xsock_recv(u, buf, sizeof buf), XSOCK_ECONNREFUSED);
  assert_int_equal(xsock_wait(u, RW, 0), XSOCK_WRITE);
  xt_close(&u);
}

/* Our own shutdown of reading: W gives W everywhere; with R asked the
 * answer differs by OS (docs/semantics.md). */
static void test_own_shutdown_rd(void **state) {
  xsock_t c, s;
  char buf[8];
  (void)state;
  xt_tcp_pair(&c, &s);
  xt_ok(xsock_shutdown(c, XSOCK_SHUT_RD));
  assert_int_equal(xsock_wait(c, XSOCK_WRITE, 0), XSOCK_WRITE);
#if defined(_WIN32)
  assert_int_equal(xsock_wait(c, RW, 0), XSOCK_WRITE);
  assert_int_equal(xt_ok(xsock_wait(c, XSOCK_READ, 0)), 0);
#elif defined(__linux__)
  assert_int_equal(xsock_wait(c, RW, 0), RW | XSOCK_HANGUP);
  assert_int_equal(xsock_wait(c, XSOCK_READ, 0), XSOCK_READ | XSOCK_HANGUP);
#else
  assert_int_equal(xsock_wait(c, RW, 0) & RW, RW);
  assert_true(xsock_wait(c, XSOCK_READ, 0) & XSOCK_READ);
#endif
  assert_int_equal(xsock_recv(c, buf, sizeof buf), 0);
  xt_ok(xsock_sendall(c, "ok", 2));
  assert_int_equal(xsock_recv_exact(s, buf, 2), 2);
  xt_close(&c);
  xt_close(&s);
}

/* A TCP socket never connected: the answer differs by OS. */
static void test_fresh_socket(void **state) {
  xsock_t c;
  (void)state;
  xt_ok(xsock_socket(&c, XSOCK_AF_INET, XSOCK_STREAM, 0));
#ifdef __linux__
  assert_int_equal(xsock_wait(c, RW, 0), RW | XSOCK_HANGUP);
  assert_int_equal(xsock_wait(c, XSOCK_WRITE, 0), XSOCK_WRITE);
  assert_int_equal(xsock_wait(c, XSOCK_READ, 0), XSOCK_READ | XSOCK_HANGUP);
#else
  assert_int_equal(xt_ok(xsock_wait(c, RW, 10)), 0);
  assert_int_equal(xt_ok(xsock_wait(c, XSOCK_WRITE, 0)), 0);
  assert_int_equal(xt_ok(xsock_wait(c, XSOCK_READ, 0)), 0);
#endif
  xt_close(&c);
}

/* Data waiting: R, and the wait reads nothing. */
static void test_readable_keeps_data(void **state) {
  xsock_t c, s;
  char buf[4];
  (void)state;
  xt_tcp_pair(&c, &s);
  xt_ok(xsock_sendall(c, "abc", 3));
  assert_int_equal(xsock_wait(s, XSOCK_READ, BOUND_MS), XSOCK_READ);
  assert_int_equal(xsock_wait(s, RW, 0), RW);
  assert_int_equal(xsock_recv_exact(s, buf, 3), 3);
  assert_memory_equal(buf, "abc", 3);
  assert_int_equal(xt_ok(xsock_wait(s, XSOCK_READ, 0)), 0);
  xt_close(&c);
  xt_close(&s);
}

/* A positive timeout is never cut short, and then gives 0. */
static void test_timeout(void **state) {
  xsock_t c, s;
  int64_t before;
  (void)state;
  xt_tcp_pair(&c, &s);
  before = xsock_clock_ms();
  assert_int_equal(xt_ok(xsock_wait(s, XSOCK_READ, 30)), 0);
  assert_true(xsock_clock_ms() - before >= 30);
  xt_close(&c);
  xt_close(&s);
}

#ifdef __linux__
/* A signal without SA_RESTART interrupts poll (EINTR): the wait resumes
 * with the time left instead of returning early, and still sees data that
 * arrives after the signal. */
static volatile sig_atomic_t eintr_seen;

static void eintr_handler(int sig) {
  (void)sig;
  eintr_seen = 1;
}

struct eintr_helper {
  pthread_t target;
  xsock_t peer;
  int send_after;
};

static void eintr_helper_main(void *arg) {
  struct eintr_helper *h = (struct eintr_helper *)arg;
  /* The pause only makes it likely that the signal lands inside the
   * wait; no verdict depends on it. */
  xt_sleep_ms(50);
  pthread_kill(h->target, SIGUSR1);
  if (h->send_after) {
    xt_sleep_ms(50);
    xt_ok(xsock_sendall(h->peer, "x", 1));
  }
}

static void test_interrupted(void **state) {
  struct sigaction sa, old;
  struct eintr_helper h;
  xt_thread_t *t;
  xsock_t c, s;
  int64_t before;
  (void)state;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = eintr_handler;
  sigemptyset(&sa.sa_mask);
  sa.sa_flags = 0; /* no SA_RESTART: poll sees EINTR */
  assert_int_equal(sigaction(SIGUSR1, &sa, &old), 0);
  xt_tcp_pair(&c, &s);
  h.target = pthread_self();
  h.peer = c;
  h.send_after = 0;
  eintr_seen = 0;
  t = xt_thread_start(eintr_helper_main, &h);
  before = xsock_clock_ms();
  assert_int_equal(xt_ok(xsock_wait(s, XSOCK_READ, 300)), 0);
  assert_true(xsock_clock_ms() - before >= 300);
  xt_thread_join(t);
  assert_int_equal(eintr_seen, 1);
  /* No timeout: only the data ends the wait. */
  h.send_after = 1;
  eintr_seen = 0;
  t = xt_thread_start(eintr_helper_main, &h);
  assert_int_equal(xsock_wait(s, XSOCK_READ, -1), XSOCK_READ);
  xt_thread_join(t);
  assert_int_equal(eintr_seen, 1);
  xt_close(&c);
  xt_close(&s);
  assert_int_equal(sigaction(SIGUSR1, &old, NULL), 0);
}
#endif

static void test_misuse(void **state) {
  xsock_t c, s, dead;
  (void)state;
  xt_tcp_pair(&c, &s);
  xt_err(xsock_wait(s, 0, 0), XSOCK_EINVAL);
  xt_err(xsock_wait(s, XSOCK_ERROR, 0), XSOCK_EINVAL);
  xt_err(xsock_wait(s, XSOCK_READ | XSOCK_HANGUP, 0), XSOCK_EINVAL);
  xt_err(xsock_wait(s, 0x100, 0), XSOCK_EINVAL);
  /* Arguments before the handle, as every call checks them. */
  xt_err(xsock_wait(XSOCK_INVALID, 0, 0), XSOCK_EINVAL);
  xt_err(xsock_wait(XSOCK_INVALID, XSOCK_READ, 0), XSOCK_EBADF);
  dead = c;
  xt_close(&c);
  xt_err(xsock_wait(dead, XSOCK_READ, 0), XSOCK_EBADF);
  xt_err(xsock_wait(dead, XSOCK_WRITE, 10), XSOCK_EBADF);
  xt_close(&s);
}

static void test_clock(void **state) {
  int64_t a, b;
  (void)state;
  a = xsock_clock_ms();
  xt_sleep_ms(20);
  b = xsock_clock_ms();
  /* Monotonic and in milliseconds: a 20 ms sleep is at least about 20 ms
   * (a tick of rounding allowed), never negative. */
  assert_true(b - a >= 15);
}

int main(void) {
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_listener_pending),
    cmocka_unit_test(test_connect_succeeds),
    cmocka_unit_test(test_connect_refused),
#if defined(_WIN32) && !defined(XSOCK_SHARED)
    cmocka_unit_test(test_connect_refused_legacy),
#endif
    cmocka_unit_test(test_graceful_close),
    cmocka_unit_test(test_data_then_close),
    cmocka_unit_test(test_peer_reset),
    cmocka_unit_test(test_writable_and_full),
    cmocka_unit_test(test_writer_after_peer_fin),
    cmocka_unit_test(test_udp_port_unreachable),
    cmocka_unit_test(test_own_shutdown_rd),
    cmocka_unit_test(test_fresh_socket),
    cmocka_unit_test(test_readable_keeps_data),
    cmocka_unit_test(test_timeout),
#ifdef __linux__
    cmocka_unit_test(test_interrupted),
#endif
    cmocka_unit_test(test_misuse),
    cmocka_unit_test(test_clock),
  };
  int rc;
  if (xsock_init() != 0)
    return 1;
  rc = cmocka_run_group_tests_name("wait", tests, NULL, NULL);
  xsock_cleanup();
  return rc;
}
