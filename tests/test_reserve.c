/* SPDX-License-Identifier: MIT */
/* xsock_reserve_t and xsock_accept_shed(): a server that runs out of
 * handles sheds pending connections instead of spinning on a listener
 * it cannot accept from.
 *
 * Every OS: the calls' results and errors, and a shed connection's
 * client seeing its connection closed. POSIX only: a selector server in a
 * child process under a lowered RLIMIT_NOFILE, flooded with more
 * connections than it has descriptors (Windows has no per-process handle
 * limit that a test can lower). */
#include "xtest.h"

#include <string.h>

#ifndef _WIN32
#include <poll.h>
#include <sys/resource.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <unistd.h>
#endif

/* Sheds once the connection is pending on the listener (on Windows a
 * connect may return before the listener has it). */
static int shed_when_pending(xsock_t l, xsock_reserve_t *r) {
  xsock_selector_t *sel = xt_selector();
  xt_ok(xsock_selector_add(sel, l, XSOCK_READ, NULL));
  assert_int_equal(xt_expect_events(sel, l, XSOCK_READ, 5000), XSOCK_READ);
  xsock_selector_close(sel);
  return xsock_accept_shed(l, r);
}

static void test_reserve_calls(void **state) {
  xsock_reserve_t r;
  xsock_t l, c;
  xsock_addr_t addr;
  char byte;
  (void)state;
  xt_err(xsock_reserve_open(NULL), XSOCK_EINVAL);
  xt_ok(xsock_reserve_open(&r));
  assert_true(r.handle != XSOCK_INVALID);
  xt_listener(&l, &addr, XSOCK_AF_INET);
  xt_err(xsock_accept_shed(l, NULL), XSOCK_EINVAL);
  xt_err(xsock_accept_shed(XSOCK_INVALID, &r), XSOCK_EBADF);
  /* Nothing pending on a non-blocking listener: nothing shed. */
  xt_ok(xsock_set_nonblocking(l, 1));
  assert_int_equal(xsock_accept_shed(l, &r), 0);
  assert_true(r.handle != XSOCK_INVALID);
  /* One pending: accepted and closed; its client sees the end. */
  xt_ok(xsock_socket(&c, XSOCK_AF_INET, XSOCK_STREAM, 0));
  xt_ok(xsock_connect(c, &addr));
  assert_int_equal(shed_when_pending(l, &r), 1);
  assert_true(r.handle != XSOCK_INVALID);
  assert_true(xsock_recv(c, &byte, 1) <= 0); /* 0, or a reset */
  assert_int_equal(xsock_accept_shed(l, &r), 0);
  xt_close(&c);
  /* An emptied reserve is taken again by the next call. */
  xsock_reserve_close(&r);
  assert_true(r.handle == XSOCK_INVALID);
  xsock_reserve_close(&r); /* nothing */
  xsock_reserve_close(NULL);
  assert_int_equal(xsock_accept_shed(l, &r), 0);
  assert_true(r.handle != XSOCK_INVALID);
  xsock_reserve_close(&r);
  xt_close(&l);
}

#ifndef _WIN32
/* ---- a server out of descriptors, in a child process ---- */

#define EMF_LIMIT 40  /* the child's RLIMIT_NOFILE */
#define EMF_OLD 4     /* clients connected before the flood */
#define EMF_FLOOD 100 /* more than the child has descriptors for */
#define EMF_MAXC 64

/* The child: a selector echo server with a reserve, driven through ctl:
 * 'c' -> its CPU time in ns (8 bytes), 'n' -> its open client count
 * (4 bytes), 'q' -> exits 0. Any failure exits non-zero. */
static void emf_server(xsock_t l, xsock_t ctl) {
  struct rlimit rl;
  xsock_selector_t *sel;
  xsock_reserve_t r;
  xsock_event_t evs[EMF_MAXC];
  xsock_t c[EMF_MAXC];
  int nc = 0, i, n, k;
  if (getrlimit(RLIMIT_NOFILE, &rl) != 0)
    _exit(10);
  rl.rlim_cur = EMF_LIMIT;
  if (setrlimit(RLIMIT_NOFILE, &rl) != 0 ||
      xsock_selector_open(&sel, xt_backend) != 0 ||
      xsock_reserve_open(&r) != 0 ||
      xsock_selector_add(sel, l, XSOCK_READ, NULL) != 0 ||
      xsock_selector_add(sel, ctl, XSOCK_READ, NULL) != 0)
    _exit(11);
  for (;;) {
    if ((n = xsock_selector_wait(sel, evs, EMF_MAXC, -1)) < 0)
      _exit(12);
    for (i = 0; i < n; i++) {
      xsock_t s = evs[i].sock;
      if (s == l) {
        /* The accept loop of a server that cannot spin. */
        for (;;) {
          xsock_t a;
          int rc = xsock_accept(l, &a, NULL, XSOCK_NONBLOCK);
          if (rc == XSOCK_EMFILE) {
            if ((rc = xsock_accept_shed(l, &r)) > 0)
              continue;
            if (rc < 0 && rc != XSOCK_EMFILE)
              _exit(13);
            break;
          }
          if (rc == XSOCK_EAGAIN)
            break;
          if (rc < 0 || nc == EMF_MAXC ||
              xsock_selector_add(sel, a, XSOCK_READ, NULL) != 0)
            _exit(14);
          c[nc++] = a;
        }
      } else if (s == ctl) {
        char cmd;
        if (xsock_recv(ctl, &cmd, 1) != 1 || cmd == 'q')
          _exit(cmd == 'q' ? 0 : 15);
        if (cmd == 'c') {
          struct rusage ru;
          uint64_t ns;
          getrusage(RUSAGE_SELF, &ru);
          ns = ((uint64_t)ru.ru_utime.tv_sec + (uint64_t)ru.ru_stime.tv_sec) *
                   1000000000u +
               ((uint64_t)ru.ru_utime.tv_usec + (uint64_t)ru.ru_stime.tv_usec) *
                   1000u;
          if (xsock_sendall(ctl, &ns, sizeof ns) != (xsock_ssize_t)sizeof ns)
            _exit(16);
        } else if (xsock_sendall(ctl, &nc, sizeof nc) !=
                   (xsock_ssize_t)sizeof nc) {
          _exit(17);
        }
      } else {
        char buf[256];
        xsock_ssize_t got = xsock_recv(s, buf, sizeof buf);
        if (got > 0 && xsock_sendall(s, buf, (size_t)got) == got)
          continue;
        if (got == XSOCK_EAGAIN)
          continue;
        for (k = 0; k < nc && c[k] != s; k++)
          ;
        if (k == nc || xsock_selector_remove(sel, s) != 0)
          _exit(18);
        xsock_close(s);
        c[k] = c[--nc];
      }
    }
  }
}

static uint64_t emf_ask_cpu(xsock_t ctl) {
  uint64_t ns = 0;
  assert_int_equal(xsock_sendall(ctl, "c", 1), 1);
  assert_int_equal(xsock_recv_exact(ctl, &ns, sizeof ns), sizeof ns);
  return ns;
}

static int emf_ask_clients(xsock_t ctl) {
  int nc = -1;
  assert_int_equal(xsock_sendall(ctl, "n", 1), 1);
  assert_int_equal(xsock_recv_exact(ctl, &nc, sizeof nc), sizeof nc);
  return nc;
}

/* Sends a byte and reads what comes back: 1 for the echo, 0 when the
 * server closed the connection (shed), failing after 10 s of silence. */
static int emf_echoes(xsock_t s) {
  struct pollfd p;
  char b = 'e';
  xsock_ssize_t got;
  p.fd = s;
  p.events = POLLOUT; /* connected (a flood client connects non-blocking) */
  assert_int_equal(poll(&p, 1, 10000), 1);
  if (xsock_send(s, &b, 1) != 1)
    return 0; /* already reset by the shed */
  p.events = POLLIN;
  assert_int_equal(poll(&p, 1, 10000), 1);
  got = xsock_recv(s, &b, 1);
  if (got == 1) {
    assert_int_equal(b, 'e');
    return 1;
  }
  assert_true(got == 0 || got == XSOCK_ECONNRESET);
  return 0;
}

static uint64_t emf_wall_ns(void) { return xt_now_ns(); }

static void test_emfile_does_not_spin(void **state) {
  xsock_t l, ctl[2], old[EMF_OLD], flood[EMF_FLOOD], late;
  xsock_addr_t addr;
  uint64_t cpu0, cpu1, wall0, wall1;
  int i, served = 0, shed = 0, status = -1;
  pid_t pid;
  (void)state;
  xt_listener(&l, &addr, XSOCK_AF_INET);
  xt_ok(xsock_set_nonblocking(l, 1));
  xt_ok(xsock_socketpair(XSOCK_STREAM, ctl));
  pid = fork();
  assert_true(pid >= 0);
  if (pid == 0) {
    xsock_close(ctl[0]);
    emf_server(l, ctl[1]);
  }
  xt_close(&ctl[1]);
  xt_close(&l);
  for (i = 0; i < EMF_OLD; i++) {
    xt_ok(xsock_socket(&old[i], XSOCK_AF_INET, XSOCK_STREAM, 0));
    xt_ok(xsock_connect(old[i], &addr));
    assert_int_equal(emf_echoes(old[i]), 1);
  }
  /* The flood, then the CPU the server burns while it is out of
   * descriptors: a server that spins on its listener takes a whole core
   * here, one that sheds the backlog almost nothing. */
  /* Non-blocking connects: a server that never accepts would otherwise
   * hold a blocking connect here once its backlog is full. */
  for (i = 0; i < EMF_FLOOD; i++) {
    int rc;
    xt_ok(xsock_socket(&flood[i], XSOCK_AF_INET, XSOCK_STREAM, XSOCK_NONBLOCK));
    rc = xsock_connect(flood[i], &addr);
    assert_true(rc == 0 || rc == XSOCK_EINPROGRESS);
  }
  cpu0 = emf_ask_cpu(ctl[0]);
  wall0 = emf_wall_ns();
  xt_sleep_ms(500);
  cpu1 = emf_ask_cpu(ctl[0]);
  wall1 = emf_wall_ns();
  print_message("server CPU while flooded: %llu ms of %llu ms\n",
                (unsigned long long)((cpu1 - cpu0) / 1000000u),
                (unsigned long long)((wall1 - wall0) / 1000000u));
  assert_true(cpu1 - cpu0 < (wall1 - wall0) / 5);
  /* Every flood client was either served or shed; both happened. */
  for (i = 0; i < EMF_FLOOD; i++) {
    if (emf_echoes(flood[i]))
      served++;
    else
      shed++;
  }
  print_message("flood: %d served, %d shed\n", served, shed);
  assert_true(served > 0);
  assert_true(shed > 0);
  /* The clients from before still get their echo. */
  for (i = 0; i < EMF_OLD; i++)
    assert_int_equal(emf_echoes(old[i]), 1);
  /* Descriptors free up: once the server has closed every client, a new
   * one is served. */
  for (i = 0; i < EMF_FLOOD; i++)
    xt_close(&flood[i]);
  for (i = 0; i < EMF_OLD; i++)
    xt_close(&old[i]);
  for (i = 0; i < 1000 && emf_ask_clients(ctl[0]) != 0; i++)
    xt_sleep_ms(10);
  assert_int_equal(emf_ask_clients(ctl[0]), 0);
  xt_ok(xsock_socket(&late, XSOCK_AF_INET, XSOCK_STREAM, 0));
  xt_ok(xsock_connect(late, &addr));
  assert_int_equal(emf_echoes(late), 1);
  xt_close(&late);
  assert_int_equal(xsock_sendall(ctl[0], "q", 1), 1);
  assert_int_equal(waitpid(pid, &status, 0), pid);
  assert_true(WIFEXITED(status));
  assert_int_equal(WEXITSTATUS(status), 0);
  xt_close(&ctl[0]);
}
#endif

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_reserve_calls),
#ifndef _WIN32
      cmocka_unit_test(test_emfile_does_not_spin),
#endif
  };
  xt_ok(xsock_init());
  return cmocka_run_group_tests(tests, NULL, NULL);
}
