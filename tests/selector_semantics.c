/* SPDX-License-Identifier: MIT */
/* The normalised readiness table of docs/semantics.md, asserted on one
 * backend (argv[1]): a pending connection, a connect that succeeds or is
 * refused, a graceful close with and without unread data, a reset, a
 * writable and a full socket, interest 0 on a dead peer, and (POSIX) pipes
 * and eventfd. Waits go through xt_expect_events(), which tolerates
 * readiness that takes a moment and events for other handles. */
#include "xtest.h"

#include <string.h>

#ifndef _WIN32
#include <unistd.h>
#endif
#ifdef __linux__
#include <sys/eventfd.h>
#endif

#define SEM_BOUND 5000
#define RW (XSOCK_READ | XSOCK_WRITE)
#define ERRHUP (XSOCK_ERROR | XSOCK_HANGUP)

/* A second selector asked for READ: proves the state a silent
 * registration must not report is really there. */
static void sem_probe(xsock_t s, unsigned want) {
  xsock_selector_t *probe = xt_selector();
  xt_ok(xsock_selector_add(probe, s, XSOCK_READ, NULL));
  assert_int_equal(xt_expect_events(probe, s, want, SEM_BOUND) & want, want);
  xsock_selector_close(probe);
}

static void test_listener_pending(void **state) {
  xsock_selector_t *sel = xt_selector();
  xsock_t l, c, a;
  xsock_addr_t addr;
  (void)state;
  xt_listener(&l, &addr, XSOCK_AF_INET);
  xt_ok(xsock_selector_add(sel, l, XSOCK_READ, NULL));
  assert_int_equal(xt_wait_one(sel, l, 0), 0);
  xt_ok(xsock_socket(&c, XSOCK_AF_INET, XSOCK_STREAM, 0));
  xt_ok(xsock_connect(c, &addr));
  assert_int_equal(xt_expect_events(sel, l, XSOCK_READ, SEM_BOUND), XSOCK_READ);
  xt_ok(xsock_accept(l, &a, NULL, 0));
  assert_int_equal(xt_wait_one(sel, l, 0), 0);
  xsock_selector_close(sel);
  xt_close(&a);
  xt_close(&c);
  xt_close(&l);
}

static void sem_connect_ok(unsigned interest) {
  xsock_selector_t *sel = xt_selector();
  xsock_t l, c, a;
  xsock_addr_t addr;
  int rc;
  xt_listener(&l, &addr, XSOCK_AF_INET);
  rc = xt_connect_nb(&c, &addr);
  assert_true(rc == 0 || rc == XSOCK_EINPROGRESS);
  xt_ok(xsock_selector_add(sel, c, interest, NULL));
  assert_int_equal(xt_expect_events(sel, c, XSOCK_WRITE, SEM_BOUND),
                   XSOCK_WRITE);
  xt_ok(xsock_connect_result(c));
  xt_ok(xsock_accept(l, &a, NULL, 0));
  xsock_selector_close(sel);
  xt_close(&a);
  xt_close(&c);
  xt_close(&l);
}

static void test_connect_succeeds(void **state) {
  (void)state;
  sem_connect_ok(XSOCK_WRITE);
  sem_connect_ok(RW);
}

static void sem_connect_refused(unsigned interest) {
  xsock_selector_t *sel = xt_selector();
  xsock_addr_t addr;
  xsock_t c;
  unsigned again = interest | ERRHUP;
  int i, result = XSOCK_ECONNREFUSED;
  if (xt_libkqueue()) {
    /* libkqueue fills fflags by reading the socket's pending error
     * (SO_ERROR, which clears it): the error is reported once, later
     * reports carry EV_EOF alone (a HANGUP, which a registration without
     * READ does not see), and xsock_connect_result() finds no error, only
     * an unconnected socket. A real kqueue reads it without clearing it. */
    again = interest | ((interest & XSOCK_READ) ? XSOCK_HANGUP : 0u);
    result = XSOCK_ENOTCONN;
  }
  xt_refused_addr(&addr);
  xt_err(xt_connect_nb(&c, &addr), XSOCK_EINPROGRESS);
  xt_ok(xsock_selector_add(sel, c, interest, &addr));
  assert_int_equal(
      xt_expect_events(sel, c, (interest & XSOCK_WRITE) | ERRHUP, SEM_BOUND),
      interest | ERRHUP);
  /* Level-triggered, and no wait consumes the pending error. */
  for (i = 0; i < 3; i++)
    assert_int_equal(xt_wait_one(sel, c, 0), again);
  xt_err(xsock_connect_result(c), result);
  xt_ok(xsock_selector_remove(sel, c));
  xsock_selector_close(sel);
  xt_close(&c);
}

/* With WRITE, READ|WRITE, and READ alone: a failed connect is an error
 * of the socket, reported whatever the interest (Winsock's select names
 * it in exceptfds only, which the select backend therefore watches for
 * every registration). */
static void test_connect_refused(void **state) {
  (void)state;
  sem_connect_refused(XSOCK_WRITE);
  sem_connect_refused(RW);
  sem_connect_refused(XSOCK_READ);
}

#if defined(_WIN32) && !defined(XSOCK_SHARED)
/* Windows only (and a static build, which exposes the library's test
 * hook): before Windows 10 version 2004 WSAPoll never reports a failed
 * connect. The hook makes the wsapoll backend discard what WSAPoll says
 * about connecting sockets, as those systems do, so that the fallback that
 * reports the failure anyway (select() on the connect candidates) is
 * proven here, under Wine and on newer Windows. The select backend ignores
 * the hook and must give the same answers. */
extern int xsock__wsapoll_legacy_connects;

static void test_connect_refused_legacy_wsapoll(void **state) {
  xsock_selector_t *sel;
  xsock_event_t evs[8];
  xsock_addr_t addr;
  xsock_t c;
  (void)state;
  xsock__wsapoll_legacy_connects = 1;
  sem_connect_refused(XSOCK_WRITE);
  sem_connect_refused(RW);
  sem_connect_ok(XSOCK_WRITE);
  /* A wait with no timeout still ends: WSAPoll gets short slices while a
   * connect is pending, and each slice asks select() about it. */
  sel = xt_selector();
  xt_refused_addr(&addr);
  xt_err(xt_connect_nb(&c, &addr), XSOCK_EINPROGRESS);
  xt_ok(xsock_selector_add(sel, c, XSOCK_WRITE, &addr));
  assert_int_equal(xt_ok(xsock_selector_wait(sel, evs, 8, -1)), 1);
  assert_int_equal(evs[0].events, XSOCK_WRITE | ERRHUP);
  assert_ptr_equal(evs[0].udata, &addr);
  xt_err(xsock_connect_result(c), XSOCK_ECONNREFUSED);
  xsock_selector_close(sel);
  xt_close(&c);
  xsock__wsapoll_legacy_connects = 0;
}
#endif

static void test_graceful_close(void **state) {
  xsock_selector_t *sel = xt_selector();
  xsock_t c, s;
  char buf[8];
  (void)state;
  xt_tcp_pair(&c, &s);
  xt_ok(xsock_selector_add(sel, s, XSOCK_READ, NULL));
  assert_int_equal(xt_wait_one(sel, s, 0), 0);
  xt_close(&c);
  assert_int_equal(
      xt_expect_events(sel, s, XSOCK_READ | XSOCK_HANGUP, SEM_BOUND),
      XSOCK_READ | XSOCK_HANGUP);
  assert_int_equal(xsock_recv(s, buf, sizeof buf), 0);
  /* The state lasts: level-triggered. */
  assert_int_equal(xt_wait_one(sel, s, 0), XSOCK_READ | XSOCK_HANGUP);
  /* WRITE interest alone sees a writable socket: a hangup is the read
   * side's end, which only READ reports (tests/selector_edges.c). */
  xt_ok(xsock_selector_modify(sel, s, XSOCK_WRITE, NULL));
  assert_int_equal(xt_wait_one(sel, s, 0), XSOCK_WRITE);
  xsock_selector_close(sel);
  xt_close(&s);
}

static void test_data_then_close(void **state) {
  xsock_selector_t *sel = xt_selector();
  xsock_t c, s;
  char buf[16];
  unsigned ev;
  (void)state;
  xt_tcp_pair(&c, &s);
  xt_ok(xsock_selector_add(sel, s, XSOCK_READ, NULL));
  xt_ok(xsock_sendall(c, "hello", 5));
  xt_close(&c);
  /* HANGUP may come with the data or only after it is read (Windows). */
  ev = xt_expect_events(sel, s, XSOCK_READ, SEM_BOUND);
  assert_true(ev & XSOCK_READ);
  assert_int_equal(ev & XSOCK_ERROR, 0);
  assert_int_equal(xsock_recv_exact(s, buf, 5), 5);
  assert_memory_equal(buf, "hello", 5);
  assert_int_equal(
      xt_expect_events(sel, s, XSOCK_READ | XSOCK_HANGUP, SEM_BOUND),
      XSOCK_READ | XSOCK_HANGUP);
  assert_int_equal(xsock_recv(s, buf, sizeof buf), 0);
  xsock_selector_close(sel);
  xt_close(&s);
}

static void test_peer_reset(void **state) {
  xsock_selector_t *sel = xt_selector();
  xsock_t c, s;
  char buf[8];
  xsock_ssize_t r;
  (void)state;
  xt_tcp_pair(&c, &s);
  xt_ok(xsock_selector_add(sel, s, XSOCK_READ, NULL));
  xt_ok(xsock_set_option(c, XSOCK_OPT_LINGER, 0));
  xt_close(&c);
  assert_int_equal(xt_expect_events(sel, s, XSOCK_READ | ERRHUP, SEM_BOUND),
                   XSOCK_READ | ERRHUP);
  /* libkqueue reads (and so clears) the pending error to report it: the
   * second report has EV_EOF alone, and recv finds the end of the stream,
   * not the reset. A real kqueue leaves the error pending. */
  if (xt_libkqueue()) {
    assert_int_equal(xt_wait_one(sel, s, 0), XSOCK_READ | XSOCK_HANGUP);
    assert_int_equal(xsock_recv(s, buf, sizeof buf), 0);
    xsock_selector_close(sel);
    xt_close(&s);
    return;
  }
  assert_int_equal(xt_wait_one(sel, s, 0), XSOCK_READ | ERRHUP);
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
  xsock_selector_close(sel);
  xt_close(&s);
}

static void test_writable_and_full(void **state) {
  xsock_selector_t *sel = xt_selector();
  static char chunk[65536];
  xsock_t c, s;
  size_t sent = 0, got = 0;
  int round, full = 0;
  (void)state;
  xt_tcp_pair(&c, &s);
  xt_ok(xsock_set_nonblocking(c, 1));
  xt_ok(xsock_selector_add(sel, c, XSOCK_WRITE, NULL));
  assert_int_equal(xt_expect_events(sel, c, XSOCK_WRITE, SEM_BOUND),
                   XSOCK_WRITE);
  /* Fill until the send buffer is full and the selector agrees; a late
   * ACK may free room once or twice, hence the rounds. */
  for (round = 0; round < 1000 && !full; round++) {
    xsock_ssize_t n;
    while ((n = xsock_send(c, chunk, sizeof chunk)) > 0)
      sent += (size_t)n;
    xt_err(n, XSOCK_EAGAIN);
    full = xt_wait_one(sel, c, 0) == 0;
  }
  assert_true(full);
  /* The reader drains everything: writable again. */
  while (got < sent) {
    xsock_ssize_t n = xsock_recv(s, chunk, sizeof chunk);
    assert_true(n > 0);
    got += (size_t)n;
  }
  assert_int_equal(xt_expect_events(sel, c, XSOCK_WRITE, SEM_BOUND),
                   XSOCK_WRITE);
  xsock_selector_close(sel);
  xt_close(&c);
  xt_close(&s);
}

static void test_interest_zero_dead_peer(void **state) {
  xsock_selector_t *sel = xt_selector();
  xsock_t c, s, c2, s2;
  (void)state;
  xt_tcp_pair(&c, &s);
  xt_tcp_pair(&c2, &s2);
  xt_ok(xsock_selector_add(sel, s, 0, NULL));
  xt_ok(xsock_selector_add(sel, s2, 0, NULL));
  xt_ok(xsock_set_option(c, XSOCK_OPT_LINGER, 0));
  xt_close(&c);  /* reset */
  xt_close(&c2); /* graceful */
  sem_probe(s, XSOCK_READ | ERRHUP);
  sem_probe(s2, XSOCK_READ | XSOCK_HANGUP);
  assert_int_equal(xt_wait_one(sel, s, 0), 0);
  assert_int_equal(xt_wait_one(sel, s2, 0), 0);
  assert_int_equal(xt_wait_one(sel, s, 10), 0);
  /* And it comes back when interest does. */
  xt_ok(xsock_selector_modify(sel, s, XSOCK_WRITE, NULL));
  if (xt_libkqueue()) {
    /* libkqueue: the probe's report read (and so cleared) the pending
     * error, and EV_EOF alone is a HANGUP, which WRITE does not see. */
    assert_int_equal(xt_expect_events(sel, s, XSOCK_WRITE, SEM_BOUND),
                     XSOCK_WRITE);
  } else {
    assert_int_equal(xt_expect_events(sel, s, ERRHUP, SEM_BOUND),
                     XSOCK_WRITE | ERRHUP);
  }
  xsock_selector_close(sel);
  xt_close(&s);
  xt_close(&s2);
}

/* Lowering the interest takes effect at the next wait, whatever a backend
 * does underneath (epoll defers the kernel update until the kernel reports
 * something unwanted): a disarmed handle stays silent while ready, a
 * narrowed one reports only what is still asked for, and re-arming brings
 * the readiness back at once, cycle after cycle (one-shot style). */
static void test_lowered_interest(void **state) {
  xsock_selector_t *sel = xt_selector();
  xsock_t c, s;
  char b;
  int i;
  (void)state;
  xt_tcp_pair(&c, &s);
  xt_ok(xsock_selector_add(sel, s, XSOCK_READ | XSOCK_WRITE, &b));
  assert_int_equal(xt_expect_events(sel, s, XSOCK_WRITE, SEM_BOUND),
                   XSOCK_WRITE);
  /* Narrowed to READ on a writable socket with nothing to read. */
  xt_ok(xsock_selector_modify(sel, s, XSOCK_READ, &b));
  assert_int_equal(xt_wait_one(sel, s, 0), 0);
  assert_int_equal(xt_wait_one(sel, s, 10), 0);
  xt_ok(xsock_send(c, "x", 1));
  assert_int_equal(xt_expect_events(sel, s, XSOCK_READ, SEM_BOUND), XSOCK_READ);
  /* Disarm and re-arm while the byte stays unread. */
  for (i = 0; i < 100; i++) {
    xt_ok(xsock_selector_modify(sel, s, 0, &b));
    assert_int_equal(xt_wait_one(sel, s, 0), 0);
    xt_ok(xsock_selector_modify(sel, s, XSOCK_READ, &b));
    assert_int_equal(xt_wait_one(sel, s, 0), XSOCK_READ);
  }
  /* Disarmed, drained, then the peer goes away: silent until re-armed. */
  xt_ok(xsock_selector_modify(sel, s, 0, &b));
  assert_int_equal(xsock_recv(s, &b, 1), 1);
  xt_close(&c);
  sem_probe(s, XSOCK_READ | XSOCK_HANGUP);
  assert_int_equal(xt_wait_one(sel, s, 0), 0);
  assert_int_equal(xt_wait_one(sel, s, 10), 0);
  xt_ok(xsock_selector_modify(sel, s, XSOCK_READ, &b));
  assert_int_equal(xt_expect_events(sel, s, XSOCK_HANGUP, SEM_BOUND),
                   XSOCK_READ | XSOCK_HANGUP);
  xsock_selector_close(sel);
  xt_close(&s);
}

#ifndef _WIN32
/* POSIX only: the selector watches any pollable descriptor, not just
 * sockets; Windows selectors hold sockets only. */
static void test_pipe(void **state) {
  xsock_selector_t *sel = xt_selector();
  int fds[2];
  char b;
  (void)state;
  assert_int_equal(pipe(fds), 0);
  xt_ok(xsock_selector_add(sel, fds[0], XSOCK_READ, NULL));
  xt_ok(xsock_selector_add(sel, fds[1], XSOCK_WRITE, NULL));
  assert_int_equal(xt_expect_events(sel, fds[1], XSOCK_WRITE, SEM_BOUND),
                   XSOCK_WRITE);
  assert_int_equal(xt_wait_one(sel, fds[0], 0), 0);
  assert_int_equal(write(fds[1], "p", 1), 1);
  assert_int_equal(xt_expect_events(sel, fds[0], XSOCK_READ, SEM_BOUND),
                   XSOCK_READ);
  assert_int_equal(read(fds[0], &b, 1), 1);
  assert_int_equal(xt_wait_one(sel, fds[0], 0), 0);
  /* Writer gone: READ (and HANGUP), read() gives 0. */
  xt_ok(xsock_selector_remove(sel, fds[1]));
  close(fds[1]);
  assert_true(xt_expect_events(sel, fds[0], XSOCK_READ, SEM_BOUND) &
              XSOCK_READ);
  assert_int_equal(read(fds[0], &b, 1), 0);
  xt_ok(xsock_selector_remove(sel, fds[0]));
  close(fds[0]);
  /* A terminal, only where the test has one. */
  if (isatty(0)) {
    xt_ok(xsock_selector_add(sel, 0, 0, NULL));
    xt_ok(xsock_selector_remove(sel, 0));
  }
  xsock_selector_close(sel);
}
#endif

#ifdef __linux__
/* Linux only: an eventfd is readable while its counter is nonzero. */
static void test_eventfd(void **state) {
  xsock_selector_t *sel = xt_selector();
  int fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
  uint64_t v = 1;
  (void)state;
  assert_true(fd >= 0);
  xt_ok(xsock_selector_add(sel, fd, XSOCK_READ, NULL));
  assert_int_equal(xt_wait_one(sel, fd, 0), 0);
  assert_int_equal(write(fd, &v, sizeof v), (ssize_t)sizeof v);
  assert_int_equal(xt_expect_events(sel, fd, XSOCK_READ, SEM_BOUND),
                   XSOCK_READ);
  assert_int_equal(read(fd, &v, sizeof v), (ssize_t)sizeof v);
  assert_int_equal(xt_wait_one(sel, fd, 0), 0);
  xt_ok(xsock_selector_remove(sel, fd));
  close(fd);
  xsock_selector_close(sel);
}
#endif

int main(int argc, char **argv) {
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_listener_pending),
    cmocka_unit_test(test_connect_succeeds),
    cmocka_unit_test(test_connect_refused),
#if defined(_WIN32) && !defined(XSOCK_SHARED)
    cmocka_unit_test(test_connect_refused_legacy_wsapoll),
#endif
    cmocka_unit_test(test_graceful_close),
    cmocka_unit_test(test_data_then_close),
    cmocka_unit_test(test_peer_reset),
    cmocka_unit_test(test_writable_and_full),
    cmocka_unit_test(test_interest_zero_dead_peer),
    cmocka_unit_test(test_lowered_interest),
#ifndef _WIN32
    cmocka_unit_test(test_pipe),
#endif
#ifdef __linux__
    cmocka_unit_test(test_eventfd),
#endif
  };
  return xt_selector_main(argc, argv, tests);
}
