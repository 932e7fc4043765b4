/* SPDX-License-Identifier: MIT */
/* libFuzzer target for the selector: a model-checking harness. The input
 * is decoded into a sequence of operations on a small pool of real
 * sockets (AF_UNIX socket pairs and one loopback TCP pair), applied to one
 * selector of every backend compiled in, in lockstep. After every step
 * the harness checks, on every backend:
 *  - add/modify/remove return what the model says (XSOCK_EEXIST for a
 *    second add, XSOCK_ENOENT for an unknown handle, 0 otherwise), the
 *    same on every backend;
 *  - a wait reports only registered handles, each once, with the user
 *    data of its last add/modify, never with interest 0 (XSOCK_ONESHOT
 *    alone, or a one-shot registration once reported, which the model
 *    follows per selector until the next modify), and with bits
 *    that follow the readiness rule of docs/semantics.md (only asked bits
 *    plus ERROR/HANGUP; HANGUP only with READ asked or with ERROR; every
 *    asked bit set whenever ERROR, or HANGUP with READ, is);
 *  - every backend reports the same events for the socket pairs, whose
 *    state changes only inside the harness's own calls (the TCP pair is
 *    left out of this comparison: loopback TCP may finish delivery after
 *    send returns);
 *  - a selector's own descriptors are refused by add;
 *  - a wakeup ends a wait with no timeout.
 * Any violation aborts, which libFuzzer reports with the input. */
#include "xsock.h"

#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define FZ_PAIRS 5                    /* AF_UNIX pairs: handles 0..9 */
#define FZ_HANDLES (2 * FZ_PAIRS + 2) /* + the TCP pair: 10 and 11 */
#define FZ_MAXSEL 4
#define FZ_MAXOWN 8
#define FZ_MAXFD 1024

typedef struct fz_handle {
  xsock_t s;  /* XSOCK_INVALID once closed and forgotten */
  int reg;    /* registered, as far as the model knows */
  int zombie; /* closed while registered: only remove is valid */
  /* The interest on each selector: the last add/modify's, READ|WRITE
   * with XSOCK_ONESHOT or without, or 0 once a one-shot was reported. */
  unsigned interest[FZ_MAXSEL];
  void *udata;
} fz_handle_t;

typedef struct fz_sel {
  xsock_selector_t *sel;
  int own[FZ_MAXOWN], nown;
} fz_sel_t;

static fz_handle_t fz_h[FZ_HANDLES];
static fz_sel_t fz_s[FZ_MAXSEL];
static int fz_nsel;
static char fz_buf[65536];
static char fz_tag[FZ_HANDLES][4]; /* user data: distinct addresses */

#define FZ_CHECK(cond)                                                         \
  do {                                                                         \
    if (!(cond)) {                                                             \
      fprintf(stderr, "fuzz_selector: %s:%d: %s\n", __FILE__, __LINE__,        \
              #cond);                                                          \
      abort();                                                                 \
    }                                                                          \
  } while (0)

/* 1 when selector b is kqueue through libkqueue (a Linux build against
 * it, XSOCK_KQUEUE_IS_LIBKQUEUE): its reports differ from a BSD kernel's
 * where docs/semantics.md says so, so it is held to the rules of every
 * wait, not compared with the other backends. */
#ifdef FUZZ_LIBKQUEUE
#define fz_libkqueue(b) (xsock_selector_backend(fz_s[(b)].sel)[0] == 'k')
#else
#define fz_libkqueue(b) ((void)(b), 0)
#endif

/* The descriptors open now, as a bitmap (Linux: /proc/self/fd), less
 * the one that lists them. */
static void fz_open_fds(unsigned char *map) {
  DIR *d = opendir("/proc/self/fd");
  struct dirent *e;
  memset(map, 0, FZ_MAXFD);
  FZ_CHECK(d != NULL);
  while ((e = readdir(d)) != NULL) {
    int fd = atoi(e->d_name);
    if (fd > 0 && fd < FZ_MAXFD && fd != dirfd(d))
      map[fd] = 1;
  }
  closedir(d);
}

/* Opens one selector per backend, recording the descriptors each opened. */
static void fz_open_selectors(void) {
  static const int ids[] = {XSOCK_BACKEND_EPOLL, XSOCK_BACKEND_KQUEUE,
                            XSOCK_BACKEND_POLL, XSOCK_BACKEND_SELECT};
  unsigned char before[FZ_MAXFD], after[FZ_MAXFD];
  unsigned mask = xsock_selector_supported();
  size_t i;
  int fd;
  fz_nsel = 0;
  for (i = 0; i < sizeof ids / sizeof ids[0]; i++) {
    fz_sel_t *s = &fz_s[fz_nsel];
    if (!(mask & (1u << ids[i])))
      continue;
    fz_open_fds(before);
    FZ_CHECK(xsock_selector_open(&s->sel, ids[i]) == 0);
    fz_open_fds(after);
    s->nown = 0;
    for (fd = 0; fd < FZ_MAXFD; fd++)
      if (after[fd] && !before[fd] && s->nown < FZ_MAXOWN)
        s->own[s->nown++] = fd;
    fz_nsel++;
  }
  FZ_CHECK(fz_nsel > 0);
}

static void fz_close_selectors(void) {
  int b;
  for (b = 0; b < fz_nsel; b++)
    xsock_selector_close(fz_s[b].sel);
  fz_nsel = 0;
}

/* Sets the model's interest on every selector; XSOCK_ONESHOT alone is
 * interest 0, as in the library. */
static void fz_set_interest(fz_handle_t *h, unsigned interest) {
  int b;
  if (!(interest & (XSOCK_READ | XSOCK_WRITE)))
    interest = 0;
  for (b = 0; b < FZ_MAXSEL; b++)
    h->interest[b] = interest;
}

static void fz_reset_handle(fz_handle_t *h, xsock_t s) {
  h->s = s;
  h->reg = h->zombie = 0;
  fz_set_interest(h, 0);
  h->udata = NULL;
}

static void fz_open_pair(int k) {
  xsock_t p[2];
  FZ_CHECK(xsock_socketpair(XSOCK_STREAM, p) == 0);
  FZ_CHECK(xsock_set_nonblocking(p[0], 1) == 0);
  FZ_CHECK(xsock_set_nonblocking(p[1], 1) == 0);
  fz_reset_handle(&fz_h[2 * k], p[0]);
  fz_reset_handle(&fz_h[2 * k + 1], p[1]);
}

static void fz_open_tcp(void) {
  xsock_t l, c, a;
  xsock_addr_t addr;
  FZ_CHECK(xsock_socket(&l, XSOCK_AF_INET, XSOCK_STREAM, 0) == 0);
  FZ_CHECK(xsock_addr_loopback(&addr, XSOCK_AF_INET, 0) == 0);
  FZ_CHECK(xsock_bind(l, &addr) == 0);
  FZ_CHECK(xsock_listen(l, 1) == 0);
  FZ_CHECK(xsock_getsockname(l, &addr) == 0);
  FZ_CHECK(xsock_socket(&c, XSOCK_AF_INET, XSOCK_STREAM, 0) == 0);
  FZ_CHECK(xsock_connect(c, &addr) == 0);
  FZ_CHECK(xsock_accept(l, &a, NULL, XSOCK_NONBLOCK) == 0);
  FZ_CHECK(xsock_set_nonblocking(c, 1) == 0);
  xsock_close(l);
  fz_reset_handle(&fz_h[2 * FZ_PAIRS], c);
  fz_reset_handle(&fz_h[2 * FZ_PAIRS + 1], a);
}

/* The same call's result on every backend, checked against want. */
static void fz_agree(const int *rc, int want) {
  int b;
  for (b = 0; b < fz_nsel; b++)
    FZ_CHECK(rc[b] == want);
}

static void fz_add(fz_handle_t *h, unsigned interest, void *udata) {
  int rc[FZ_MAXSEL], b;
  if (h->s == XSOCK_INVALID)
    return;
  for (b = 0; b < fz_nsel; b++)
    rc[b] = xsock_selector_add(fz_s[b].sel, h->s, interest, udata);
  if (h->reg) {
    fz_agree(rc, XSOCK_EEXIST);
    return;
  }
  fz_agree(rc, 0);
  h->reg = 1;
  fz_set_interest(h, interest);
  h->udata = udata;
}

static void fz_modify(fz_handle_t *h, unsigned interest, void *udata) {
  int rc[FZ_MAXSEL], b;
  /* A closed handle's number is not modified: what the kernel says then
   * differs by backend, and only remove is defined for it. */
  if (h->s == XSOCK_INVALID || h->zombie)
    return;
  for (b = 0; b < fz_nsel; b++)
    rc[b] = xsock_selector_modify(fz_s[b].sel, h->s, interest, udata);
  if (!h->reg) {
    fz_agree(rc, XSOCK_ENOENT);
    return;
  }
  fz_agree(rc, 0);
  fz_set_interest(h, interest);
  h->udata = udata;
}

static void fz_remove(fz_handle_t *h) {
  int rc[FZ_MAXSEL], b;
  if (h->s == XSOCK_INVALID)
    return;
  for (b = 0; b < fz_nsel; b++)
    rc[b] = xsock_selector_remove(fz_s[b].sel, h->s);
  fz_agree(rc, h->reg ? 0 : XSOCK_ENOENT);
  h->reg = 0;
  if (h->zombie)
    fz_reset_handle(h, XSOCK_INVALID);
}

static void fz_close(fz_handle_t *h) {
  if (h->s == XSOCK_INVALID || h->zombie)
    return;
  FZ_CHECK(xsock_close(h->s) == 0);
  if (h->reg)
    h->zombie = 1; /* its number stays registered until removed */
  else
    fz_reset_handle(h, XSOCK_INVALID);
}

/* The pool index of a reported handle: a registered one, or abort. */
static int fz_find(xsock_t s) {
  int i;
  for (i = 0; i < FZ_HANDLES; i++)
    if (fz_h[i].s == s && fz_h[i].reg)
      return i;
  fprintf(stderr, "fuzz_selector: handle %d reported, not registered\n",
          (int)s);
  abort();
}

/* One wait on every backend; every rule checked on each, and the socket
 * pairs' events compared across backends. */
static void fz_wait(int timeout_ms) {
  unsigned seen[FZ_MAXSEL][FZ_HANDLES];
  xsock_event_t evs[2 * FZ_HANDLES];
  int b, i, n;
  memset(seen, 0, sizeof seen);
  for (b = 0; b < fz_nsel; b++) {
    n = xsock_selector_wait(fz_s[b].sel, evs, 2 * FZ_HANDLES, timeout_ms);
    FZ_CHECK(n >= 0 && n <= FZ_HANDLES);
    for (i = 0; i < n; i++) {
      int k = fz_find(evs[i].sock);
      unsigned ev = evs[i].events;
      unsigned want = fz_h[k].interest[b] & (XSOCK_READ | XSOCK_WRITE);
      unsigned all = XSOCK_READ | XSOCK_WRITE | XSOCK_ERROR | XSOCK_HANGUP;
      FZ_CHECK(seen[b][k] == 0); /* one event per handle per wait */
      FZ_CHECK(evs[i].udata == fz_h[k].udata);
      FZ_CHECK(want != 0 && ev != 0);
      FZ_CHECK((ev & ~all) == 0);
      FZ_CHECK((ev & (XSOCK_READ | XSOCK_WRITE) & ~want) == 0);
      if (ev & XSOCK_HANGUP)
        FZ_CHECK((want & XSOCK_READ) || (ev & XSOCK_ERROR));
      if ((ev & XSOCK_ERROR) || ((ev & XSOCK_HANGUP) && (want & XSOCK_READ)))
        FZ_CHECK((ev & want) == want);
      seen[b][k] = ev;
      if (fz_h[k].interest[b] & XSOCK_ONESHOT)
        fz_h[k].interest[b] = 0; /* reported once: silent until modified */
    }
  }
  for (b = 1; b < fz_nsel; b++)
    for (i = 0; i < 2 * FZ_PAIRS; i++)
      if (!fz_h[i].zombie && !fz_libkqueue(b) && seen[b][i] != seen[0][i]) {
        fprintf(stderr, "fuzz_selector: handle %d: %s reports %#x, %s %#x\n", i,
                xsock_selector_backend(fz_s[0].sel), seen[0][i],
                xsock_selector_backend(fz_s[b].sel), seen[b][i]);
        abort();
      }
}

/* Every selector refuses each of its own descriptors. */
static void fz_add_own(void) {
  int b, i;
  for (b = 0; b < fz_nsel; b++)
    for (i = 0; i < fz_s[b].nown; i++) {
      int rc;
      /* libkqueue opens descriptors of its own (an epoll, a socket pair,
       * ...) that the selector cannot know of, where a BSD kqueue is one
       * descriptor; which of them kqueue() returned is not visible here.
       * tests/selector.c checks the ones the selector knows. */
      if (fz_libkqueue(b))
        break;
      rc = xsock_selector_add(fz_s[b].sel, (xsock_t)fz_s[b].own[i], XSOCK_READ,
                              NULL);
      if (rc != XSOCK_EBADF) {
        char path[64], link[256];
        ssize_t ln;
        snprintf(path, sizeof path, "/proc/self/fd/%d", fz_s[b].own[i]);
        ln = readlink(path, link, sizeof link - 1);
        link[ln > 0 ? ln : 0] = 0;
        fprintf(stderr, "fuzz_selector: %s: add of its own %d (%s) gave %d\n",
                xsock_selector_backend(fz_s[b].sel), fz_s[b].own[i], link, rc);
        abort();
      }
    }
}

static void fz_wakeup_then_wait(void) {
  int b;
  for (b = 0; b < fz_nsel; b++)
    FZ_CHECK(xsock_selector_wakeup(fz_s[b].sel) == 0);
  /* No timeout: only the wakeup (or a ready handle) can end these waits;
   * a lost wakeup hangs, which libFuzzer reports as a timeout. */
  fz_wait(-1);
}

static void fz_reopen_selectors(void) {
  int i;
  fz_close_selectors();
  for (i = 0; i < FZ_HANDLES; i++) {
    fz_h[i].reg = 0;
    if (fz_h[i].zombie)
      fz_reset_handle(&fz_h[i], XSOCK_INVALID);
  }
  fz_open_selectors();
}

/* A new socket pair in place of pair k, once both ends are closed and
 * forgotten; never while a zombie registration exists, whose number the
 * new pair could take. */
static void fz_reopen_pair(int k) {
  int i;
  for (i = 0; i < FZ_HANDLES; i++)
    if (fz_h[i].zombie)
      return;
  if (fz_h[2 * k].s == XSOCK_INVALID && fz_h[2 * k + 1].s == XSOCK_INVALID)
    fz_open_pair(k);
}

static void fz_step(uint8_t op, uint8_t a, uint8_t c) {
  fz_handle_t *h = &fz_h[a % FZ_HANDLES];
  unsigned interest = (c & (XSOCK_READ | XSOCK_WRITE)) |
                      ((c & 0x10) ? (unsigned)XSOCK_ONESHOT : 0u);
  void *udata = fz_tag[(c >> 2) % FZ_HANDLES];
  size_t len = (size_t)(c + 1) * ((c & 0x80) ? 512u : 1u);
  switch (op % 12) {
  case 0:
    fz_add(h, interest, udata);
    break;
  case 1:
    fz_modify(h, interest, udata);
    break;
  case 2:
    fz_remove(h);
    break;
  case 3:
    fz_wait(0);
    break;
  case 4:
    if (h->s != XSOCK_INVALID && !h->zombie)
      (void)xsock_send(h->s, fz_buf, len > sizeof fz_buf ? sizeof fz_buf : len);
    break;
  case 5:
    if (h->s != XSOCK_INVALID && !h->zombie)
      (void)xsock_recv(h->s, fz_buf, len > sizeof fz_buf ? sizeof fz_buf : len);
    break;
  case 6:
    if (h->s != XSOCK_INVALID && !h->zombie)
      (void)xsock_shutdown(h->s, c % 3);
    break;
  case 7:
    fz_close(h);
    break;
  case 8:
    fz_reopen_pair((a % FZ_HANDLES) / 2 % FZ_PAIRS);
    break;
  case 9:
    fz_reopen_selectors();
    break;
  case 10:
    fz_wakeup_then_wait();
    break;
  default:
    fz_add_own();
    break;
  }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  static int ready;
  size_t i;
  int k;
  if (!ready) {
    FZ_CHECK(xsock_init() == 0);
    ready = 1;
  }
  for (k = 0; k < FZ_PAIRS; k++)
    fz_open_pair(k);
  fz_open_tcp();
  fz_open_selectors();
  for (i = 0; i + 3 <= size && i < 3 * 256; i += 3) {
    fz_step(data[i], data[i + 1], data[i + 2]);
    fz_wait(0); /* every step ends with the invariants checked */
  }
  fz_close_selectors();
  for (k = 0; k < FZ_HANDLES; k++)
    if (fz_h[k].s != XSOCK_INVALID)
      xsock_close(fz_h[k].s);
  return 0;
}
