/* SPDX-License-Identifier: MIT */
/* xsock_connect_addrs: the Happy Eyeballs race (RFC 8305) over a list of
 * addresses, on one backend (argv[1]: the race watches its attempts with
 * a selector of that backend, through the test build's
 * xsock__race_backend).
 *
 * Every outcome is told by the order of events, never by how long a step
 * took: a second attempt that must wait the attempt delay is shown by a
 * deadline shorter than the delay (it never starts: XSOCK_ETIMEDOUT) and
 * by a connection that needs it (it starts: connected); an attempt that
 * fails at once is shown by a race that connects within a deadline
 * shorter than the delay. The only clock read is a lower bound: a race
 * cannot end before its deadline or its delay.
 *
 * A peer that neither answers nor refuses is a listener whose accept
 * queue is full: Linux drops the SYN (and Wine runs on Linux's sockets).
 * Other systems refuse or complete such a connect, so those tests run on
 * Linux and under Wine only. Fault injection (tests/fault) makes a
 * connect fail at once, on every OS. */
#include "internal.h" /* first: its config.h sets the feature macros */

#include "xfault.h"
#include "xtest.h"

#include <string.h>

#define DELAY_MIN XSOCK_ATTEMPT_DELAY_MIN
#define DELAY_MAX XSOCK_ATTEMPT_DELAY_MAX

/* What a refusal seen through the selector reads as. libkqueue reads
 * (and so clears) a failed connect's pending error to report the event,
 * and its WRITE filter does not carry it, so xsock_connect_result()
 * finds none there (XSOCK_ENOTCONN); a real kqueue leaves the error for
 * it, as every other backend does. */
#define REFUSED (xt_libkqueue() ? XSOCK_ENOTCONN : XSOCK_ECONNREFUSED)

/* Compares the handles open now with mark (see handle_mark). libkqueue
 * closes an earlier kqueue's own descriptors later, from its own thread,
 * so that descriptor numbers move under the test there: not checked. */
#define assert_same_handles(mark)                                              \
  do {                                                                         \
    if (!xt_libkqueue())                                                       \
      assert_int_equal(handle_mark(), (mark));                                 \
  } while (0)

/* A mark of the handles open now: equal marks before and after a call
 * mean it left none open. POSIX hands out the lowest free descriptor, so
 * a leaked one moves the next socket's number; Windows counts the
 * process's handles. */
static long handle_mark(void) {
#ifdef _WIN32
  DWORD n = 0;
  assert_true(GetProcessHandleCount(GetCurrentProcess(), &n));
  return (long)n;
#else
  xsock_t s;
  long mark;
  xt_ok(xsock_socket(&s, XSOCK_AF_INET, XSOCK_STREAM, 0));
  mark = (long)s;
  xt_ok(xsock_close(s));
  return mark;
#endif
}

/* Whether a silent peer can be made here (see the top of the file). */
static int silent_peers(void) {
#ifdef __linux__
  return 1;
#else
  return xt_is_wine();
#endif
}

/* refused_last: a test takes its refused address (xt_refused_addr: a
 * port bound, then closed) after opening every listener it uses, never
 * before: the next port a bind gets may be the one just closed, and a
 * listener there would answer for the "refused" address. */

/* A peer that neither answers nor refuses (see the top of the file): a
 * listener whose accept queue is full, at *addr. */
typedef struct silent {
  xsock_t l, c1, c2; /* the listener and the two connections queued */
} silent_t;

static void silent_open(silent_t *p, xsock_addr_t *addr) {
  xt_full_queue_listener(&p->l, addr, &p->c1, &p->c2);
}

static void silent_close(silent_t *p) {
  xt_close(&p->c2);
  xt_close(&p->c1);
  xt_close(&p->l);
}

/* c is connected to the listener l: the same connection from both ends.
 * Closes c and the accepted end. */
static void reached(xsock_t *c, xsock_t l) {
  xsock_addr_t peer, mine;
  xsock_t a;
  xt_ok(xsock_getsockname(*c, &mine));
  /* At once when c is connected to l; the bound only keeps a wrong
   * connection from hanging the test. */
  assert_int_equal(xsock_wait(l, XSOCK_READ, 10000), XSOCK_READ);
  xt_ok(xsock_accept(l, &a, &peer, 0));
  assert_true(xsock_addr_equal(&peer, &mine));
  xt_close(&a);
  xt_close(c);
}

static void setup_backend(void) { xsock__race_backend = xt_backend; }

/* The first address is silent, the second listens: the second attempt
 * starts after the delay, while the first is still pending, and wins. A
 * deadline shorter than the delay ends the race before the second starts.
 */
static void test_silent_then_live(void **state) {
  silent_t sp;
  xsock_t l, c = XSOCK_INVALID;
  xsock_addr_t addrs[2];
  int64_t t0;
  long mark;
  (void)state;
  if (!silent_peers())
    skip();
  setup_backend();
  silent_open(&sp, &addrs[0]);
  xt_listener(&l, &addrs[1], XSOCK_AF_INET);
  mark = handle_mark();
  t0 = xsock_clock_ms();
  xt_ok(xsock_connect_addrs(&c, addrs, 2, 10000, DELAY_MIN, 0));
  assert_true(xsock_clock_ms() - t0 >= DELAY_MIN);
  reached(&c, l);
  assert_same_handles(mark);
  /* The second attempt never starts: the deadline comes first. */
  xt_err(xsock_connect_addrs(&c, addrs, 2, 300, DELAY_MAX, 0), XSOCK_ETIMEDOUT);
  assert_true(c == XSOCK_INVALID);
  assert_same_handles(mark);
  xt_close(&l);
  silent_close(&sp);
}

/* The same with the live listener on ::1: the second family. */
static void test_silent_then_live_ipv6(void **state) {
  silent_t sp;
  xsock_t l, c = XSOCK_INVALID;
  xsock_addr_t addrs[2];
  long mark;
  (void)state;
  if (!silent_peers())
    skip();
  setup_backend();
  silent_open(&sp, &addrs[0]);
  xt_listener(&l, &addrs[1], XSOCK_AF_INET6);
  mark = handle_mark();
  xt_ok(xsock_connect_addrs(&c, addrs, 2, 10000, DELAY_MIN, 0));
  reached(&c, l);
  assert_same_handles(mark);
  xt_close(&l);
  silent_close(&sp);
}

/* Section 4: the families take turns. Given IPv4, IPv4, IPv6 with the
 * first silent, the attempt after the delay goes to the IPv6 address, the
 * third in the list, not to the second. */
static void test_families_interleaved(void **state) {
  silent_t sp;
  xsock_t l4, l6, c = XSOCK_INVALID, a;
  xsock_addr_t addrs[3];
  (void)state;
  if (!silent_peers())
    skip();
  setup_backend();
  silent_open(&sp, &addrs[0]);
  xt_listener(&l4, &addrs[1], XSOCK_AF_INET);
  xt_listener(&l6, &addrs[2], XSOCK_AF_INET6);
  xt_ok(xsock_connect_addrs(&c, addrs, 3, 10000, DELAY_MIN, 0));
  reached(&c, l6);
  /* Nothing ever reached the IPv4 listener. */
  xt_ok(xsock_set_nonblocking(l4, 1));
  xt_err(xsock_accept(l4, &a, NULL, 0), XSOCK_EAGAIN);
  xt_close(&l6);
  xt_close(&l4);
  silent_close(&sp);
}

/* An attempt whose connect fails at once starts the next one at once: the
 * race connects within a deadline shorter than the delay. On every OS. */
static void test_failed_at_once_starts_next(void **state) {
  xsock_t l, c = XSOCK_INVALID;
  xsock_addr_t addrs[2];
  long mark;
  (void)state;
  setup_backend();
  xt_listener(&l, &addrs[1], XSOCK_AF_INET);
  addrs[0] = addrs[1];
  mark = handle_mark();
  xf_fail(XF_CONNECT, 0, 1, XF_ECONNREFUSED);
  xt_ok(xsock_connect_addrs(&c, addrs, 2, DELAY_MAX / 2, DELAY_MAX, 0));
  assert_int_equal(xf_injected(XF_CONNECT), 1);
  reached(&c, l);
  assert_same_handles(mark);
  if (silent_peers()) {
    /* With an earlier attempt still pending too: silent, failed at
     * once, live, within less than two delays. */
    silent_t sp;
    xsock_addr_t three[3];
    silent_open(&sp, &three[0]);
    three[1] = three[2] = addrs[1];
    xf_fail(XF_CONNECT, 1, 1, XF_ECONNREFUSED);
    xt_ok(xsock_connect_addrs(&c, three, 3, 2 * DELAY_MAX - 100, DELAY_MAX, 0));
    assert_int_equal(xf_injected(XF_CONNECT), 2);
    reached(&c, l);
    silent_close(&sp);
  }
  xt_close(&l);
}

/* A refusal starts the next attempt at once, while an earlier one is
 * still pending: silent, refused, live, with a deadline shorter than two
 * delays, connects. (A refused loopback connect fails in the connect
 * call on some systems and through the selector on others; both paths
 * start the next at once. Linux and Wine only, for the silent peer.)
 * The delays are the longest allowed, so that the connection, due just
 * after one delay, has almost a whole delay to spare on a slow machine. */
static void test_refused_starts_next(void **state) {
  silent_t sp;
  xsock_t l, c = XSOCK_INVALID;
  xsock_addr_t addrs[3];
  long mark;
  (void)state;
  if (!silent_peers())
    skip();
  setup_backend();
  /* The refused address last (see refused_last). */
  silent_open(&sp, &addrs[0]);
  xt_listener(&l, &addrs[2], XSOCK_AF_INET);
  xt_refused_addr(&addrs[1]);
  mark = handle_mark();
  xt_ok(xsock_connect_addrs(&c, addrs, 3, 2 * DELAY_MAX - 100, DELAY_MAX, 0));
  reached(&c, l);
  assert_same_handles(mark);
  xt_close(&l);
  silent_close(&sp);
}

/* Every address refused: XSOCK_ECONNREFUSED, nothing left open. */
static void test_all_refused(void **state) {
  xsock_t c = XSOCK_INVALID;
  xsock_addr_t addrs[3];
  long mark;
  (void)state;
  setup_backend();
  xt_refused_addr(&addrs[0]);
  xt_refused_addr(&addrs[1]);
  xt_refused_addr(&addrs[2]);
  mark = handle_mark();
  xt_err(xsock_connect_addrs(&c, addrs, 3, -1, 0, 0), REFUSED);
  assert_true(c == XSOCK_INVALID);
  if (!xt_libkqueue())
    assert_int_not_equal(xsock_last_os_error(), 0);
  assert_same_handles(mark);
  xt_err(xsock_connect_addrs(&c, addrs, 1, 5000, 0, 0), XSOCK_ECONNREFUSED);
  assert_same_handles(mark);
}

/* Every address silent: XSOCK_ETIMEDOUT at the deadline, not before,
 * nothing left open. */
static void test_all_silent(void **state) {
  silent_t sp;
  xsock_t c = XSOCK_INVALID;
  xsock_addr_t addrs[2];
  int64_t t0;
  long mark;
  (void)state;
  if (!silent_peers())
    skip();
  setup_backend();
  silent_open(&sp, &addrs[0]);
  addrs[1] = addrs[0];
  mark = handle_mark();
  t0 = xsock_clock_ms();
  xt_err(xsock_connect_addrs(&c, addrs, 2, 300, DELAY_MIN, 0), XSOCK_ETIMEDOUT);
  assert_true(xsock_clock_ms() - t0 >= 300);
  assert_true(c == XSOCK_INVALID);
  assert_same_handles(mark);
  silent_close(&sp);
}

/* When every attempt fails, a refusal tells more than a time-out,
 * whichever came first: a time-out the OS reports (its SYNs went
 * unanswered: injected here, into a connect that fails at once, so that
 * no selector has opened and made calls of its own) is one failed
 * address, and the next is tried; a silent address's time-out at the
 * deadline comes after the refusal. */
static void test_most_telling_error(void **state) {
  silent_t sp;
  xsock_t l, c = XSOCK_INVALID;
  xsock_addr_t addrs[2], refused, quiet;
  int silent = silent_peers();
  (void)state;
  setup_backend();
  /* The refused address last (see refused_last). */
  if (silent)
    silent_open(&sp, &quiet);
  xt_listener(&l, &addrs[1], XSOCK_AF_INET);
  xt_refused_addr(&refused);
  addrs[0] = refused;
  xf_fail(XF_CONNECT, 0, 1, XF_ETIMEDOUT);
  xt_ok(xsock_connect_addrs(&c, addrs, 2, -1, 0, 0));
  reached(&c, l);
  addrs[1] = refused;
  xf_fail(XF_CONNECT, 0, 1, XF_ETIMEDOUT);
  xt_err(xsock_connect_addrs(&c, addrs, 2, -1, 0, 0), REFUSED);
  xf_fail(XF_CONNECT, 0, 2, XF_ETIMEDOUT);
  xt_err(xsock_connect_addrs(&c, addrs, 2, -1, 0, 0), XSOCK_ETIMEDOUT);
  assert_true(c == XSOCK_INVALID);
  xt_close(&l);
  if (!silent)
    return;
  /* A refusal before the deadline outlives the silent address's time-out
   * at the deadline (the refusal comes about one short delay in: the
   * deadline leaves a slow machine room to start that attempt). */
  addrs[0] = quiet;
  addrs[1] = refused;
  xt_err(xsock_connect_addrs(&c, addrs, 2, 1500, DELAY_MIN, 0), REFUSED);
  silent_close(&sp);
}

/* Misuse: XSOCK_EINVAL, *out XSOCK_INVALID, nothing tried. */
static void test_misuse(void **state) {
  xsock_addr_t addrs[XSOCK_CONNECT_ADDRS_MAX + 1], bad;
  xsock_t c = 0;
  int i;
  (void)state;
  for (i = 0; i <= XSOCK_CONNECT_ADDRS_MAX; i++)
    xt_refused_addr(&addrs[i]);
  memset(&bad, 0, sizeof bad);
  xt_err(xsock_connect_addrs(NULL, addrs, 1, -1, 0, 0), XSOCK_EINVAL);
  xt_err(xsock_connect_addrs(&c, NULL, 1, -1, 0, 0), XSOCK_EINVAL);
  assert_true(c == XSOCK_INVALID);
  c = 0;
  xt_err(xsock_connect_addrs(&c, addrs, 0, -1, 0, 0), XSOCK_EINVAL);
  assert_true(c == XSOCK_INVALID);
  xt_err(xsock_connect_addrs(&c, addrs, XSOCK_CONNECT_ADDRS_MAX + 1, -1, 0, 0),
         XSOCK_EINVAL);
  xt_err(xsock_connect_addrs(&c, addrs, 1, 0, 0, 0), XSOCK_EINVAL);
  xt_err(xsock_connect_addrs(&c, addrs, 1, -1, DELAY_MIN - 1, 0), XSOCK_EINVAL);
  xt_err(xsock_connect_addrs(&c, addrs, 1, -1, DELAY_MAX + 1, 0), XSOCK_EINVAL);
  xt_err(xsock_connect_addrs(&c, addrs, 1, -1, -1, 0), XSOCK_EINVAL);
  xt_err(xsock_connect_addrs(&c, addrs, 1, -1, 0, 0x4), XSOCK_EINVAL);
  addrs[1] = bad;
  xt_err(xsock_connect_addrs(&c, addrs, 2, -1, 0, 0), XSOCK_EINVAL);
  assert_true(c == XSOCK_INVALID);
}

/* The winner is blocking unless XSOCK_NONBLOCK was asked. */
static void test_blocking_mode(void **state) {
  xsock_t l, a, c = XSOCK_INVALID;
  xsock_addr_t addrs[2];
  char b;
  (void)state;
  setup_backend();
  xt_listener(&l, &addrs[0], XSOCK_AF_INET);
  xt_refused_addr(&addrs[1]);
  xt_ok(xsock_connect_addrs(&c, addrs, 2, 5000, 0, XSOCK_NONBLOCK));
  xt_err(xsock_recv(c, &b, 1), XSOCK_EAGAIN);
  reached(&c, l);
  xt_ok(xsock_connect_addrs(&c, addrs, 2, 5000, 0, 0));
  xt_ok(xsock_accept(l, &a, NULL, 0));
  assert_int_equal(xsock_send(a, "x", 1), 1);
  assert_int_equal(xsock_recv(c, &b, 1), 1); /* blocks until it comes */
  assert_int_equal(b, 'x');
  xt_close(&a);
  xt_close(&c);
  xt_close(&l);
}

int main(int argc, char **argv) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_silent_then_live),
      cmocka_unit_test(test_silent_then_live_ipv6),
      cmocka_unit_test(test_families_interleaved),
      cmocka_unit_test_setup_teardown(test_failed_at_once_starts_next, xf_setup,
                                      xf_teardown),
      cmocka_unit_test(test_refused_starts_next),
      cmocka_unit_test(test_all_refused),
      cmocka_unit_test(test_all_silent),
      cmocka_unit_test_setup_teardown(test_most_telling_error, xf_setup,
                                      xf_teardown),
      cmocka_unit_test(test_misuse),
      cmocka_unit_test(test_blocking_mode),
  };
  return xt_selector_main(argc, argv, tests);
}
