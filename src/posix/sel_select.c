/* SPDX-License-Identifier: MIT */
/* Selector backend: select(2), the last resort on POSIX.
 *
 * Notes on select (see select(2) and POSIX's pselect page):
 *  - An fd_set holds descriptors below FD_SETSIZE (1024 on glibc, macOS
 *    and the BSDs unless rebuilt); FD_SET beyond it writes out of bounds.
 *    add therefore refuses fd >= FD_SETSIZE with XSOCK_ERANGE.
 *  - select reports only "readable" and "writable": Linux counts POLLERR
 *    and POLLHUP as both, and its exception set holds urgent data alone
 *    (POLLPRI), so a refused connect, a reset or a FIN look like plain
 *    readiness there (measured: a refused connect, a peer's shutdown or
 *    close of an AF_UNIX pair, a UDP port unreachable all leave the
 *    exception set empty). No per-socket probe is both exact and free:
 *    recv(MSG_PEEK) and getsockopt(SO_ERROR) take the pending error that
 *    xsock_connect_result() or recv must still read, and any probe is a
 *    system call as dear as a poll. So the descriptors select found ready
 *    are classified with ONE poll(timeout 0) over just them, and mapped as
 *    the poll backend maps them; that poll is skipped when the only ready
 *    descriptor is the wakeup channel, which this wait drains itself
 *    (it is an eventfd or a pipe of our own: readable is all it can be).
 *  - A descriptor closed while registered makes the whole select fail
 *    with EBADF. The wait then polls every registration once (timeout 0),
 *    which names the dead ones (POLLNVAL, reported as ERROR|HANGUP) along
 *    with whatever else is ready.
 *  - Master sets are kept and copied for each wait. The ready descriptors
 *    are found by reading the result sets 64 descriptors a word, where
 *    the fd_set is the plain little-endian bitmap of every known POSIX
 *    system (checked once at init; FD_ISSET per descriptor otherwise), so
 *    an idle registration costs a wait next to nothing in user space. The
 *    table is indexed by descriptor, so a ready descriptor is its own
 *    slot. A scan that fills the caller's array resumes at that descriptor
 *    next time, so none starves. */
#include "config.h" /* before the guard: it defines XSOCK_HAVE_* */
#if XSOCK_HAVE_SELECT

#if !XSOCK_HAVE_SMALL_HANDLES
#error "the POSIX select backend needs the table indexed by descriptor"
#endif

#include "pollbits.h"
#include "os.h"
#include "selector.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/select.h>
#include <sys/time.h>

typedef struct select__state {
  fd_set rmaster, wmaster; /* what is watched */
  fd_set rset, wset;       /* per-wait copies, kept here, off the stack */
  int maxfd;               /* highest watched descriptor, or -1 */
  int next;                /* where the next scan starts */
  int bitmap;              /* fd_set is a plain bitmap: read it bytewise */
  uint32_t nwrite;         /* descriptors in wmaster (none: no write set) */
  uint32_t n, cap;         /* registrations / room in pfds */
  struct pollfd *pfds;     /* scratch for the classifying poll */
} select__state_t;

static void select__destroy(struct xsock_selector *sel) {
  select__state_t *st = (select__state_t *)sel->impl;
  free(st->pfds);
  free(st);
  sel->impl = NULL;
}

/* 1 when an fd_set is a plain bitmap in 64-bit little-endian words:
 * FD_SET(fd) sets bit fd % 64 of the eight bytes at (fd / 64) * 8, read as
 * a uint64_t, and nothing else. True of every known POSIX fd_set (words
 * of 32 or 64 bits) on a little-endian machine; the wait then reads the
 * result sets a word at a time. */
static int select__is_bitmap(void) {
  static const int probe[] = {0, 5, 8, 31, 32, 63, 64, 100, FD_SETSIZE - 1};
  fd_set s;
  const unsigned char *b = (const unsigned char *)&s;
  size_t i, j;
  if (sizeof s * 8 < FD_SETSIZE || sizeof s % 8 != 0)
    return 0;
  for (i = 0; i < sizeof probe / sizeof probe[0]; i++) {
    int p = probe[i];
    FD_ZERO(&s);
    FD_SET(p, &s);
    for (j = 0; j < sizeof s; j += 8) {
      uint64_t w;
      memcpy(&w, b + j, sizeof w);
      if (w != ((size_t)p / 64 == j / 8 ? (uint64_t)1 << (p % 64) : 0u))
        return 0;
    }
  }
  return 1;
}

static int select__init(struct xsock_selector *sel) {
  select__state_t *st = (select__state_t *)XSOCK__OS(calloc)(1, sizeof *st);
  if (st == NULL)
    return xsock__fail(XSOCK_ENOMEM, 0);
  FD_ZERO(&st->rmaster);
  FD_ZERO(&st->wmaster);
  st->maxfd = -1;
  st->bitmap = select__is_bitmap();
  sel->impl = st;
  /* The wait recognises the wakeup's descriptor and drains it itself. */
  sel->wake_in_wait = 1;
  return 0;
}

static int select__reserve(select__state_t *st, uint32_t want) {
  uint32_t cap;
  void *p;
  if (want <= st->cap)
    return 0;
  cap = xsock__grow_cap(st->cap, want);
  if ((p = xsock__grow_array(st->pfds, cap, sizeof *st->pfds)) == NULL)
    return xsock__fail(XSOCK_ENOMEM, 0);
  st->pfds = (struct pollfd *)p;
  st->cap = cap;
  return 0;
}

/* Takes fd out of both master sets. */
static void select__unwatch(select__state_t *st, int fd) {
  FD_CLR(fd, &st->rmaster);
  if (FD_ISSET(fd, &st->wmaster)) {
    FD_CLR(fd, &st->wmaster);
    st->nwrite--;
  }
}

/* Puts reg's descriptor into the master sets its interest asks for. */
static void select__watch(select__state_t *st, const xsock__reg_t *reg) {
  int fd = reg->sock;
  select__unwatch(st, fd);
  if (reg->interest & XSOCK_READ)
    FD_SET(fd, &st->rmaster);
  if (reg->interest & XSOCK_WRITE) {
    FD_SET(fd, &st->wmaster);
    st->nwrite++;
  }
  if (reg->interest && fd > st->maxfd)
    st->maxfd = fd;
}

/* Lowers maxfd after fd stopped being watched. O(maxfd), but only when
 * the highest descriptor goes away. */
static void select__lower_max(select__state_t *st, int fd) {
  if (fd != st->maxfd)
    return;
  while (st->maxfd >= 0 && !FD_ISSET(st->maxfd, &st->rmaster) &&
         !FD_ISSET(st->maxfd, &st->wmaster))
    st->maxfd--;
}

static int select__add_slot(struct xsock_selector *sel, uint32_t slot) {
  select__state_t *st = (select__state_t *)sel->impl;
  xsock__reg_t *reg = &sel->regs[slot];
  int rc;
  if ((rc = xsock__posix_check_pollable(reg->sock)) < 0)
    return rc;
  if (reg->sock >= FD_SETSIZE)
    return xsock__fail(XSOCK_ERANGE, 0);
  if ((rc = select__reserve(st, st->n + 1)) < 0)
    return rc;
  st->n++;
  select__watch(st, reg);
  return 0;
}

/* add as the front end tail-calls it (selector.h). */
static int select__add(struct xsock_selector *sel, uint32_t slot) {
  return xsock__added(sel, slot, select__add_slot(sel, slot));
}

static int select__modify(struct xsock_selector *sel, uint32_t slot,
                          unsigned old, void *udata) {
  select__state_t *st = (select__state_t *)sel->impl;
  const xsock__reg_t *reg = &sel->regs[slot];
  select__watch(st, reg);
  if (old && !reg->interest)
    select__lower_max(st, reg->sock);
  return xsock__modified(sel, slot, old, udata, 0);
}

static int select__remove(struct xsock_selector *sel, uint32_t slot) {
  select__state_t *st = (select__state_t *)sel->impl;
  int fd = sel->regs[slot].sock;
  select__unwatch(st, fd);
  st->n--;
  select__lower_max(st, fd);
  return 0;
}

#if defined(__GNUC__) || defined(__clang__)
#define select__ctz64(x) __builtin_ctzll(x)
/* The wait's own steps, one copy each in its body: no call per wait. */
#define SELECT__INLINE inline __attribute__((always_inline))
#else
#define SELECT__INLINE inline
static int select__ctz64(uint64_t x) {
  int n = 0;
  while (!(x & 1u)) {
    x >>= 1;
    n++;
  }
  return n;
}
#endif

/* Where a scan of the ready descriptors is. */
typedef struct select__scan {
  xsock_event_t *evs;
  uint32_t k, max; /* entries collected, room for them */
  int left;        /* ready bits not yet found */
  int wake;        /* the wakeup was among them */
  int all;         /* every watched descriptor (after EBADF), not the ready */
} select__scan_t;

/* One descriptor the scan found, with what select saw of it (sb, in
 * XSOCK_READ/XSOCK_WRITE), into the classifying poll. Those bits wait in
 * the caller's array, in the entry the event will be stored in or a later
 * one, until select__report reads them. Returns 0 when the scan ends:
 * every ready bit found, or no room left (the next scan starts at fd). */
static inline int select__hit(struct xsock_selector *sel, select__scan_t *sc,
                              int fd, unsigned sb) {
  select__state_t *st = (select__state_t *)sel->impl;
  sc->left -= 1 + (sb == (XSOCK_READ | XSOCK_WRITE));
  if (XSOCK__UNLIKELY(fd == sel->wake.rd)) {
    if (!sc->all) {
      /* Our own eventfd or pipe: readable is all it can be, no poll. */
      sc->wake = 1;
      return sc->left > 0;
    }
    sc->max++; /* polled, never stored: it takes no room */
  } else if (sc->k == sc->max) {
    st->next = fd;
    return 0;
  } else {
    sc->evs[sc->k].events = sb;
  }
  st->pfds[sc->k].fd = fd;
  st->pfds[sc->k].events = xsock__poll_events(sel->regs[fd].interest);
  st->pfds[sc->k].revents = 0;
  sc->k++;
  return sc->left > 0;
}

/* Feeds select__hit the descriptors of [lo, hi) set in r or w (w may be
 * NULL), in order. Returns 0 when the scan ended. */
static inline int select__collect(struct xsock_selector *sel,
                                  select__scan_t *sc, const fd_set *r,
                                  const fd_set *w, int lo, int hi) {
  select__state_t *st = (select__state_t *)sel->impl;
  int base, fd;
  if (XSOCK__UNLIKELY(!st->bitmap)) {
    for (fd = lo; fd < hi; fd++) {
      unsigned sb = (FD_ISSET(fd, r) ? XSOCK_READ : 0u) |
                    (w != NULL && FD_ISSET(fd, w) ? XSOCK_WRITE : 0u);
      if (sb && !select__hit(sel, sc, fd, sb))
        return 0;
    }
    return 1;
  }
  /* Sixty-four descriptors a step; a step with nothing ready is a load
   * and a test. */
  for (base = lo & ~63; base < hi; base += 64) {
    uint64_t rb, wb = 0, bits;
    memcpy(&rb, (const unsigned char *)r + base / 8, sizeof rb);
    if (w != NULL)
      memcpy(&wb, (const unsigned char *)w + base / 8, sizeof wb);
    bits = rb | wb;
    if (base < lo)
      bits &= ~(uint64_t)0 << (lo - base);
    if (hi - base < 64)
      bits &= ((uint64_t)1 << (hi - base)) - 1u;
    while (bits) {
      int b = select__ctz64(bits);
      unsigned sb = (unsigned)((rb >> b) & 1u) * XSOCK_READ |
                    (unsigned)((wb >> b) & 1u) * XSOCK_WRITE;
      bits &= bits - 1u;
      if (!select__hit(sel, sc, base + b, sb))
        return 0;
    }
  }
  return 1;
}

/* Scans r and w (select's result, or the master sets), from where the
 * last full scan stopped to the end, then the rest. */
static inline void select__scan(struct xsock_selector *sel, select__scan_t *sc,
                                const fd_set *r, const fd_set *w) {
  select__state_t *st = (select__state_t *)sel->impl;
  int end = st->maxfd + 1, start = st->next < end ? st->next : 0;
  st->next = 0;
  if (select__collect(sel, sc, r, w, start, end) && start > 0)
    (void)select__collect(sel, sc, r, w, 0, start);
}

/* select__scan for the common case, in one pass with its state in
 * locals: a bitmap fd_set and no scan to resume. Bits above maxfd are
 * clear in the result (the copy came from the master sets, which hold
 * none), so no word needs a mask. */
static SELECT__INLINE void select__scan_words(struct xsock_selector *sel,
                                              select__scan_t *sc,
                                              const fd_set *wp) {
  select__state_t *st = (select__state_t *)sel->impl;
  const unsigned char *r = (const unsigned char *)&st->rset;
  const unsigned char *w = (const unsigned char *)wp;
  struct pollfd *pfds = st->pfds;
  xsock_event_t *evs = sc->evs;
  int left = sc->left, end = st->maxfd + 1, base, wake = sc->wake;
  uint32_t k = 0, max = sc->max;
  for (base = 0; base < end && left > 0; base += 64) {
    uint64_t rb, wb = 0, bits;
    memcpy(&rb, r + base / 8, sizeof rb);
    if (w != NULL)
      memcpy(&wb, w + base / 8, sizeof wb);
    for (bits = rb | wb; bits; bits &= bits - 1u) {
      int b = select__ctz64(bits), fd = base + b;
      unsigned sb = (unsigned)((rb >> b) & 1u) * XSOCK_READ |
                    (unsigned)((wb >> b) & 1u) * XSOCK_WRITE;
      left -= 1 + (sb == (XSOCK_READ | XSOCK_WRITE));
      if (XSOCK__UNLIKELY(fd == sel->wake.rd)) {
        wake = 1; /* our own eventfd or pipe: readable, no poll */
        continue;
      }
      if (k == max) {
        st->next = fd;
        left = 0;
        break;
      }
      evs[k].events = sb;
      pfds[k].fd = fd;
      pfds[k].events = xsock__poll_events(sel->regs[fd].interest);
      pfds[k].revents = 0;
      k++;
    }
  }
  sc->k = k;
  sc->wake = wake;
}

/* Classifies the collected entries with one poll (none when nothing was
 * collected) and stores their events; with sc->all (after an EBADF) only
 * the poll counts, and the wakeup is among the entries. A wakeup is
 * drained once the poll is done, so that a signal during the poll, which
 * ends this wait with nothing consumed, leaves it for the next. */
static SELECT__INLINE int select__report(struct xsock_selector *sel,
                                         select__scan_t *sc) {
  select__state_t *st = (select__state_t *)sel->impl;
  xsock_event_t *evs = sc->evs;
  uint32_t i;
  int out = 0, rc = 0;
  /* A signal here ends this wait like one during select: the front end
   * waits again (nothing was consumed), so no loop of its own. */
  if (sc->k > 0 && (rc = XSOCK__OS(poll)(st->pfds, sc->k, 0)) < 0 &&
      errno == EINTR)
    return XSOCK_EINTR;
  for (i = 0; i < sc->k; i++) {
    int fd = st->pfds[i].fd;
    xsock__reg_t *reg = &sel->regs[fd];
    unsigned raw = rc > 0 ? xsock__poll_raw(st->pfds[i].revents) : 0;
    if (!sc->all) {
      raw |= evs[i].events; /* what select saw, left there by the scan */
    } else if (fd == sel->wake.rd) {
      sc->wake |= (raw & XSOCK_READ) != 0;
      continue;
    }
    evs[out].sock = fd;
    evs[out].events = xsock__ready_events(raw, reg->interest);
    evs[out].udata = reg->udata;
    if (evs[out].events == 0)
      continue;
    out++;
    if (xsock__reg_fire(reg)) {
      /* Silent until modified; maxfd may stay high, which costs nothing
       * but a longer scan in the kernel. */
      select__unwatch(st, fd);
    }
  }
  if (sc->wake) {
    xsock__os_wakeup_drain(&sel->wake);
    sel->woken = 1;
  }
  return out;
}

/* After select failed with EBADF (a registered descriptor was closed):
 * every watched descriptor, at most max of them and the wakeup, goes to
 * the classifying poll, which names the dead ones. */
static XSOCK__NOINLINE int select__wait_all(struct xsock_selector *sel,
                                            xsock_event_t *evs, int max) {
  select__state_t *st = (select__state_t *)sel->impl;
  select__scan_t sc;
  sc.evs = evs;
  sc.k = 0;
  sc.max = (uint32_t)max;
  sc.left = INT_MAX;
  sc.wake = 0;
  sc.all = 1;
  select__scan(sel, &sc, &st->rmaster, &st->wmaster);
  return select__report(sel, &sc);
}

static int select__wait(struct xsock_selector *sel, xsock_event_t *evs, int max,
                        int timeout_ms) {
  select__state_t *st = (select__state_t *)sel->impl;
  struct timeval tv, *ptv = NULL;
  fd_set *wp = NULL;
  select__scan_t sc;
  if (timeout_ms >= 0) {
    tv.tv_sec = timeout_ms / 1000;
    tv.tv_usec = (timeout_ms % 1000) * 1000;
    ptv = &tv;
  }
  st->rset = st->rmaster;
  if (st->nwrite) {
    st->wset = st->wmaster;
    wp = &st->wset;
  }
  sc.left = XSOCK__OS(select)(st->maxfd + 1, &st->rset, wp, NULL, ptv);
  if (XSOCK__UNLIKELY(sc.left <= 0)) {
    if (sc.left == 0)
      return 0;
    if (errno == EINTR)
      return XSOCK_EINTR;
    if (errno != EBADF)
      return xsock__errno_fail();
    return select__wait_all(sel, evs, max);
  }
  sc.evs = evs;
  sc.k = 0;
  sc.max = (uint32_t)max;
  sc.wake = 0;
  sc.all = 0;
  if (XSOCK__LIKELY(st->bitmap && st->next == 0))
    select__scan_words(sel, &sc, wp);
  else
    select__scan(sel, &sc, &st->rset, wp);
  return select__report(sel, &sc);
}

XSOCK__INTERNAL const xsock__backend_t xsock__backend_select = {
    XSOCK_BACKEND_SELECT, select__init,   select__destroy,
    select__add,          select__modify, select__remove,
    select__wait,         NULL,           0};

#endif /* XSOCK_HAVE_SELECT */
