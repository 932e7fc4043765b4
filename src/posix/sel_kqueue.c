/* SPDX-License-Identifier: MIT */
/* Selector backend: kqueue (macOS, FreeBSD, NetBSD, OpenBSD, DragonFly;
 * on Linux through libkqueue, for tests), level-triggered.
 *
 * Notes on kqueue (see kqueue(2) on FreeBSD and macOS):
 *  - A kernel entry (a knote) is keyed on (descriptor number, filter), and
 *    READ and WRITE are two filters: one registration holds up to two
 *    knotes, and one wait may return two kevents for it. They are merged
 *    into one event per handle per wait.
 *  - Interest 0 holds no knote at all. Unlike epoll, kqueue reports
 *    nothing for a descriptor without a filter, so nothing is deferred:
 *    every modify hands the kernel EV_ADD for each filter it wants (which
 *    looks the number up again, so a new file under an old number is
 *    watched) and EV_DELETE for each filter it no longer wants.
 *  - Changes are applied at once, not batched into the next wait: with
 *    EV_RECEIPT every change comes back as an EV_ERROR entry whose data is
 *    its own errno (0 for success), so an error belongs to the call that
 *    caused it, and no pending event is consumed by a change. A failed
 *    modify undoes the filters it added, so the kernel is left as it was.
 *  - EV_EOF is HANGUP (the peer's FIN on READ; on WRITE, that nothing more
 *    can be sent); an errno in fflags with EV_EOF (a refused connect, a
 *    reset) is ERROR. Nothing here reads the socket's pending error, so
 *    xsock_connect_result() still finds it. A datagram socket's EV_EOF
 *    only carries an ICMP error (a port unreachable): ERROR, no HANGUP.
 *  - A real kqueue drops a descriptor's knotes when it is closed, so a
 *    remove of a closed handle finds nothing (EBADF or ENOENT, ignored),
 *    and the knote of a removed registration cannot fire again. Should a
 *    kevent come with a stale token all the same, the knote it came from
 *    is deleted by its key, which cannot be a live registration's (whose
 *    EV_ADD would have replaced the token).
 *  - libkqueue (Linux) differs where it watches a descriptor through its
 *    own epoll set: a file closed while registered stays there (and
 *    fires, as stale, while a dup keeps it open); a refresh of a knote it
 *    holds may fail (EAGAIN with a full send buffer, EBADF after a
 *    report) although the knote stays, so such an error is ignored while
 *    the handle is open; /dev/null is refused with EPERM (ENOTSUP here);
 *    and it reads the socket's pending error (clearing it) to fill
 *    fflags. Closing the selector deletes every knote first, as libkqueue
 *    otherwise keeps state that fails a later EV_ADD elsewhere.
 *  - udata carries the registration's token. Where a pointer has fewer
 *    than 64 bits, it holds the slot (below 2^24) and the low 8 bits of
 *    the generation.
 *  - A regular file or directory is refused (kqueue would watch it as
 *    always readable): XSOCK_ENOTSUP.
 *  - The wakeup is the front end's generic channel, not EVFILT_USER:
 *    libkqueue's kevent() takes locks and is not async-signal-safe, and
 *    xsock_selector_wakeup() must be. */
#include "config.h" /* before the guard: it defines XSOCK_HAVE_* */
#if XSOCK_HAVE_KQUEUE

#include "os.h"
#include "readiness.h"
#include "selector.h"

#include <fcntl.h>
#include <stdlib.h>
#include <sys/event.h>
#include <sys/time.h>
#include <unistd.h>

/* reg->flags holds the filters the kernel has, as XSOCK_READ/XSOCK_WRITE,
 * and whether the handle is a datagram socket. */
#define KQUEUE__BOTH (XSOCK_READ | XSOCK_WRITE)
#define KQUEUE__DGRAM 0x100u

typedef struct kqueue__state {
  int kq;
  uint32_t cap;          /* entries of kevs and of slots */
  struct kevent *kevs;   /* what one wait collects */
  uint32_t *slots;       /* slots[i]: the registration of the i-th event */
} kqueue__state_t;

static void *kqueue__udata(const struct xsock_selector *sel, uint32_t slot) {
  uint64_t t = xsock__reg_token(sel, slot);
  if (sizeof(void *) < sizeof(uint64_t))
    t = (t & 0xFFFFFFu) | ((t >> 32) << 24);
  return (void *)(uintptr_t)t;
}

/* The registration a kevent's udata names, or NULL when it is stale. The
 * cast through uintptr_t also reads NetBSD's integer udata (before 10). */
static xsock__reg_t *kqueue__reg(const struct xsock_selector *sel,
                                 const struct kevent *kev) {
  uint64_t t = (uint64_t)(uintptr_t)kev->udata;
  xsock__reg_t *reg;
  if (sizeof(void *) >= sizeof(uint64_t))
    return xsock__reg_by_token(sel, t);
  reg = &sel->regs[(uint32_t)t & 0xFFFFFFu];
  return (reg->gen & 0xFFu) == (uint32_t)((t >> 24) & 0xFFu) ? reg : NULL;
}

static int kqueue__grow(kqueue__state_t *st, uint32_t want) {
  uint32_t cap;
  void *p;
  if (want <= st->cap)
    return 0;
  cap = xsock__grow_cap(st->cap, want);
  if ((p = xsock__grow_array(st->kevs, cap, sizeof *st->kevs)) == NULL)
    return xsock__fail(XSOCK_ENOMEM, 0);
  st->kevs = (struct kevent *)p;
  if ((p = xsock__grow_array(st->slots, cap, sizeof *st->slots)) == NULL)
    return xsock__fail(XSOCK_ENOMEM, 0);
  st->slots = (uint32_t *)p;
  st->cap = cap;
  return 0;
}

static void kqueue__free(kqueue__state_t *st) {
  if (st->kq >= 0)
    close(st->kq);
  free(st->kevs);
  free(st->slots);
  free(st);
}

static int kqueue__init(struct xsock_selector *sel) {
  kqueue__state_t *st = (kqueue__state_t *)calloc(1, sizeof *st);
  int rc;
  if (st == NULL)
    return xsock__fail(XSOCK_ENOMEM, 0);
  st->kq = -1;
  if ((rc = kqueue__grow(st, 2)) < 0) {
    kqueue__free(st);
    return rc;
  }
  if ((st->kq = kqueue()) < 0) {
    rc = xsock__errno_fail();
    kqueue__free(st);
    return rc;
  }
  sel->impl = st;
  /* kqueue descriptors are not inherited by a child (fork drops them), so
   * close-on-exec only matters for an exec without fork; set it anyway. */
  (void)fcntl(st->kq, F_SETFD, FD_CLOEXEC);
  xsock__sel_own(sel, st->kq);
  return 0;
}

/* Hands the kernel one change (flags: EV_ADD or EV_DELETE) for each filter
 * in filters, and stores each one's errno (0 on success) in err[0] (READ)
 * and err[1] (WRITE). Returns an XSOCK_E* code only when kevent() itself
 * failed. */
static int kqueue__submit(struct xsock_selector *sel, uint32_t slot,
                          unsigned filters, unsigned short flags, int err[2]) {
  kqueue__state_t *st = (kqueue__state_t *)sel->impl;
  struct kevent ch[2];
  int n = 0, i;
  void *u = kqueue__udata(sel, slot);
  err[0] = err[1] = 0;
  if (filters & XSOCK_READ)
    EV_SET(&ch[n++], (uintptr_t)sel->regs[slot].sock, EVFILT_READ, flags, 0, 0,
           u);
  if (filters & XSOCK_WRITE)
    EV_SET(&ch[n++], (uintptr_t)sel->regs[slot].sock, EVFILT_WRITE, flags, 0,
           0, u);
#ifdef EV_RECEIPT
  {
    struct kevent res[2];
    int got;
    for (i = 0; i < n; i++)
      ch[i].flags |= EV_RECEIPT;
    if (n == 0)
      return 0;
    got = kevent(st->kq, ch, n, res, n, NULL);
    if (got < 0)
      return xsock__errno_fail();
    for (i = 0; i < got; i++)
      if (res[i].flags & EV_ERROR)
        err[res[i].filter == EVFILT_WRITE] = (int)res[i].data;
  }
#else
  /* Without EV_RECEIPT one change per call keeps each errno exact. */
  for (i = 0; i < n; i++)
    if (kevent(st->kq, &ch[i], 1, NULL, 0, NULL) < 0)
      err[ch[i].filter == EVFILT_WRITE] = errno;
#endif
  return 0;
}

/* The XSOCK_E* code of an errno from a change. */
static int kqueue__err(int e) {
  if (e == EPERM) /* libkqueue: a file its epoll refuses */
    return xsock__fail(XSOCK_ENOTSUP, e);
  return xsock__os_fail(e);
}

/* Adds the filters of want, and refreshes those the kernel already has
 * (a call that would notice another file under the same number). On
 * failure it undoes the filters this call added, so that the kernel is
 * left as it was. */
static int kqueue__arm(struct xsock_selector *sel, uint32_t slot,
                       unsigned want) {
  xsock__reg_t *reg = &sel->regs[slot];
  unsigned fresh = want & ~reg->flags, bad = 0, f;
  int err[2], e = 0, rc, k;
  if ((rc = kqueue__submit(sel, slot, want, EV_ADD, err)) < 0)
    return rc;
  for (k = 0, f = XSOCK_READ; k < 2; k++, f = XSOCK_WRITE) {
    if (err[k] == 0 || !(want & f))
      continue;
    if ((reg->flags & f) && fcntl(reg->sock, F_GETFD) != -1)
      continue; /* a held knote that libkqueue would not refresh (see the
                   notes); a real kqueue only fails here when closed */
    bad |= f;
    if (e == 0)
      e = err[k];
  }
  if (e == 0) {
    reg->flags |= want;
    return 0;
  }
  if (fresh & ~bad)
    (void)kqueue__submit(sel, slot, fresh & ~bad, EV_DELETE, err);
  return kqueue__err(e);
}

/* Deletes the filters of drop. A knote already gone (its descriptor was
 * closed) is not an error. */
static int kqueue__disarm(struct xsock_selector *sel, uint32_t slot,
                          unsigned drop) {
  xsock__reg_t *reg = &sel->regs[slot];
  int err[2], rc, k;
  if (drop == 0)
    return 0;
  rc = kqueue__submit(sel, slot, drop, EV_DELETE, err);
  reg->flags &= ~drop;
  if (rc < 0)
    return rc;
  for (k = 0; k < 2; k++)
    if (err[k] != 0 && err[k] != ENOENT && err[k] != EBADF)
      return xsock__os_fail(err[k]);
  return 0;
}

/* A datagram socket's EV_EOF is no hangup: it only carries an ICMP error
 * (a port unreachable) in fflags. Asked once, at add. */
static int kqueue__is_dgram(int fd) {
  int type = 0;
  socklen_t len = (socklen_t)sizeof type;
  return getsockopt(fd, SOL_SOCKET, SO_TYPE, &type, &len) == 0 &&
         type == SOCK_DGRAM;
}

static int kqueue__add(struct xsock_selector *sel, uint32_t slot) {
  xsock__reg_t *reg = &sel->regs[slot];
  int rc;
  if ((rc = xsock__posix_check_pollable(reg->sock)) < 0)
    return rc;
  /* Room for both filters of every registration, so that one wait can
   * collect everything and never allocates. */
  if ((rc = kqueue__grow((kqueue__state_t *)sel->impl,
                         2 * (sel->regs_used + 1))) < 0)
    return rc;
  reg->flags = kqueue__is_dgram(reg->sock) ? KQUEUE__DGRAM : 0u;
  if (reg->interest != 0)
    return kqueue__arm(sel, slot, reg->interest);
  /* Interest 0 holds no knote, but the handle is checked like a real add,
   * so that one kqueue refuses fails here and not at a later modify. */
  if ((rc = kqueue__arm(sel, slot, XSOCK_READ)) < 0)
    return rc;
  return kqueue__disarm(sel, slot, XSOCK_READ);
}

static int kqueue__modify(struct xsock_selector *sel, uint32_t slot,
                          unsigned old) {
  xsock__reg_t *reg = &sel->regs[slot];
  int rc;
  (void)old;
  if (reg->interest != 0 && (rc = kqueue__arm(sel, slot, reg->interest)) < 0)
    return rc;
  return kqueue__disarm(sel, slot, reg->flags & KQUEUE__BOTH & ~reg->interest);
}

static int kqueue__remove(struct xsock_selector *sel, uint32_t slot) {
  return kqueue__disarm(sel, slot, sel->regs[slot].flags & KQUEUE__BOTH);
}

/* Every knote is deleted before the kqueue is closed (see the notes). */
static void kqueue__destroy(struct xsock_selector *sel) {
  uint32_t slot;
  for (slot = 0; slot < sel->regs_cap; slot++)
    if (sel->regs[slot].sock != XSOCK_INVALID &&
        (sel->regs[slot].flags & KQUEUE__BOTH))
      (void)kqueue__remove(sel, slot);
  kqueue__free((kqueue__state_t *)sel->impl);
  sel->impl = NULL;
}

/* A kevent whose token is stale: a knote that no registration names (see
 * the notes). Its key cannot be a live registration's, so it is deleted. */
static void kqueue__drop_stale(kqueue__state_t *st, const struct kevent *kev) {
  struct kevent ch;
  EV_SET(&ch, kev->ident, kev->filter, EV_DELETE, 0, 0, NULL);
  (void)kevent(st->kq, &ch, 1, NULL, 0, NULL);
}

static int kqueue__wait(struct xsock_selector *sel, xsock_event_t *evs,
                        int max, int timeout_ms) {
  kqueue__state_t *st = (kqueue__state_t *)sel->impl;
  struct timespec ts, *tp = NULL;
  int n, i, out = 0, kept = 0;
  if (timeout_ms >= 0) {
    ts.tv_sec = timeout_ms / 1000;
    ts.tv_nsec = (long)(timeout_ms % 1000) * 1000000L;
    tp = &ts;
  }
  /* At most max kevents, so that even unmerged they fit in evs. */
  n = kevent(st->kq, NULL, 0, st->kevs, max < (int)st->cap ? max : (int)st->cap,
             tp);
  if (XSOCK__UNLIKELY(n < 0))
    return errno == EINTR ? XSOCK_EINTR : xsock__errno_fail();
  for (i = 0; i < n; i++) {
    const struct kevent *kev = &st->kevs[i];
    xsock__reg_t *reg = kqueue__reg(sel, kev);
    unsigned raw;
    if (XSOCK__UNLIKELY(reg == NULL)) {
      kqueue__drop_stale(st, kev);
      continue;
    }
    if (XSOCK__UNLIKELY(kev->flags & EV_ERROR))
      continue; /* only changes carry EV_ERROR, and this wait made none */
    raw = kev->filter == EVFILT_WRITE ? XSOCK_WRITE : XSOCK_READ;
    if (kev->flags & EV_EOF) {
      if (kev->fflags != 0)
        raw |= XSOCK_ERROR;
      if (!(reg->flags & KQUEUE__DGRAM))
        raw |= XSOCK_HANGUP;
    }
    /* The other filter of this handle already has an event in this wait
     * when pos names an entry written by this wait for the same handle
     * (handles are unique among live registrations). */
    if (reg->pos < (uint32_t)out && evs[reg->pos].sock == reg->sock) {
      evs[reg->pos].events |= raw;
      continue;
    }
    reg->pos = (uint32_t)out;
    st->slots[out] = (uint32_t)(reg - sel->regs);
    evs[out].sock = reg->sock;
    evs[out].events = raw;
    evs[out].udata = reg->udata;
    out++;
  }
  /* The merged bits through the one rule; an event left empty is dropped. */
  for (i = 0; i < out; i++) {
    unsigned ev = xsock__ready_events(evs[i].events,
                                      sel->regs[st->slots[i]].interest);
    if (ev == 0)
      continue;
    evs[kept] = evs[i];
    evs[kept++].events = ev;
  }
  return kept;
}

XSOCK__INTERNAL const xsock__backend_t xsock__backend_kqueue = {
    XSOCK_BACKEND_KQUEUE, kqueue__init,   kqueue__destroy, kqueue__add,
    kqueue__modify,       kqueue__remove, kqueue__wait,    NULL};

#endif /* XSOCK_HAVE_KQUEUE */
