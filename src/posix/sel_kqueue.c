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
 *  - XSOCK_ONESHOT disarms lazily: the wait that reports a one-shot
 *    registration leaves its knotes armed (KQUEUE__FIRED). A re-arm that
 *    asks for the same filters then makes no system call; a report that
 *    comes before the re-arm queues their deletes, like a modify to 0.
 *  - A change whose errno the caller must see (EV_ADD: add, and a modify
 *    that asks for a filter) goes to the kernel at once, with EV_RECEIPT:
 *    every change then comes back as an EV_ERROR entry whose data is its
 *    own errno (0 for success), so an error belongs to the call that
 *    caused it, and no pending event is consumed. A failed modify undoes
 *    the filters it added, so the kernel is left as it was.
 *  - A change that cannot fail in a way the caller could act on, the
 *    EV_DELETE of a filter a modify no longer wants, is batched: it waits
 *    in a short queue and rides on the next kevent() call, the wait's or
 *    an immediate change's, always ahead of the newer changes (a number
 *    may be reused, so order is what keeps an old delete from hitting a
 *    new knote). A rearm (READ to WRITE and back) thus costs one system
 *    call per modify, not two. Deletes are idempotent (a second one gives
 *    ENOENT), so a call that may have applied only part of the queue is
 *    simply repeated. remove still deletes at once: the caller may close
 *    the handle right after, and EV_DELETE must reach the kernel first.
 *  - A BSD kevent() that reports an error for a change returns at once
 *    without collecting events; libkqueue collects them anyway. The wait
 *    skips EV_ERROR entries and, when nothing else came back, asks again
 *    without changes, which is right on both.
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
 *  - The wakeup is EVFILT_USER (NOTE_TRIGGER, EV_CLEAR so that wakeups
 *    coalesce) where the header has it and kevent() is a system call
 *    (XSOCK_KQUEUE_USER_WAKEUP, src/common/config.h): one kevent() from
 *    any thread or a signal handler, no descriptor pair. On Linux the
 *    kqueue is libkqueue, whose kevent() takes locks and is therefore not
 *    async-signal-safe, as xsock_selector_wakeup() must be: there the
 *    front end's generic channel is used unless the build forces it. */
#include "config.h" /* before the guard: it defines XSOCK_HAVE_* */
#if XSOCK_HAVE_KQUEUE

#include "os.h"
#include "readiness.h"
#include "sel_kqueue.h"

#include <fcntl.h>
#include <stdlib.h>
#include <unistd.h>

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

#if KQUEUE__USER_WAKEUP
/* EVFILT_USER's identifiers are a namespace of their own, not descriptors. */
#define KQUEUE__WAKE_IDENT 0

static int kqueue__wakeup(struct xsock_selector *sel) {
  kqueue__state_t *st = (kqueue__state_t *)sel->impl;
  struct kevent ch;
  int saved = errno, rc = 0; /* errno is the interrupted code's */
  EV_SET(&ch, KQUEUE__WAKE_IDENT, EVFILT_USER, 0, NOTE_TRIGGER, 0, NULL);
  while (XSOCK__OS(kevent)(st->kq, &ch, 1, NULL, 0, NULL) < 0) {
    if (errno != EINTR) {
      /* No xsock__fail: it touches thread-local state. */
      rc = xsock__map_os_error(errno);
      break;
    }
  }
  errno = saved;
  return rc;
}
#endif

static int kqueue__init(struct xsock_selector *sel) {
  kqueue__state_t *st = (kqueue__state_t *)XSOCK__OS(calloc)(1, sizeof *st);
  int rc;
  if (st == NULL)
    return xsock__fail(XSOCK_ENOMEM, 0);
  st->kq = -1;
  /* kevs also takes the receipts of a full queue plus two changes. */
  if ((rc = kqueue__grow(st, KQUEUE__QMAX + 2)) < 0) {
    kqueue__free(st);
    return rc;
  }
  if ((st->kq = kqueue()) < 0) {
    rc = xsock__errno_fail();
    kqueue__free(st);
    return rc;
  }
#if KQUEUE__USER_WAKEUP
  {
    struct kevent ch;
    EV_SET(&ch, KQUEUE__WAKE_IDENT, EVFILT_USER, EV_ADD | EV_CLEAR, 0, 0, NULL);
    if (XSOCK__OS(kevent)(st->kq, &ch, 1, NULL, 0, NULL) < 0) {
      rc = xsock__errno_fail();
      kqueue__free(st);
      return rc;
    }
  }
#endif
  sel->impl = st;
  /* kqueue descriptors are not inherited by a child (fork drops them), so
   * close-on-exec only matters for an exec without fork; set it anyway. */
  (void)fcntl(st->kq, F_SETFD, FD_CLOEXEC);
  xsock__sel_own(sel, st->kq);
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
  if ((rc = xsock__kqueue_submit(sel, slot, want, EV_ADD, err)) < 0)
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
    (void)xsock__kqueue_submit(sel, slot, fresh & ~bad, EV_DELETE, err);
  return kqueue__err(e);
}

/* Deletes the filters of drop at once. A knote already gone (its
 * descriptor was closed) is not an error. */
static int kqueue__disarm(struct xsock_selector *sel, uint32_t slot,
                          unsigned drop) {
  xsock__reg_t *reg = &sel->regs[slot];
  int err[2], rc, k;
  if (drop == 0)
    return 0;
  rc = xsock__kqueue_submit(sel, slot, drop, EV_DELETE, err);
  reg->flags &= ~drop;
  if (rc < 0)
    return rc;
  for (k = 0; k < 2; k++)
    if (err[k] != 0 && err[k] != ENOENT && err[k] != EBADF)
      return xsock__os_fail(err[k]);
  return 0;
}

/* Deletes the filters of drop with the next kevent() call. From here on
 * the registration is as if they were gone: nothing reads the kernel's
 * reports before the delete has reached it. */
static void kqueue__disarm_later(struct xsock_selector *sel, uint32_t slot,
                                 unsigned drop) {
  if (drop == 0)
    return;
  xsock__kqueue_defer_delete(sel, slot, drop);
  sel->regs[slot].flags &= ~drop;
}

/* A datagram socket's EV_EOF is no hangup: it only carries an ICMP error
 * (a port unreachable) in fflags. Asked once, at add. */
static int kqueue__is_dgram(int fd) {
  int type = 0;
  socklen_t len = (socklen_t)sizeof type;
  return getsockopt(fd, SOL_SOCKET, SO_TYPE, &type, &len) == 0 &&
         type == SOCK_DGRAM;
}

static int kqueue__add_slot(struct xsock_selector *sel, uint32_t slot) {
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
  kqueue__disarm_later(sel, slot, XSOCK_READ);
  return 0;
}

/* add as the front end tail-calls it (selector.h). */
static int kqueue__add(struct xsock_selector *sel, uint32_t slot) {
  return xsock__added(sel, slot, kqueue__add_slot(sel, slot));
}

static int kqueue__modify(struct xsock_selector *sel, uint32_t slot,
                          unsigned old, void *udata) {
  xsock__reg_t *reg = &sel->regs[slot];
  unsigned fired = reg->flags & KQUEUE__FIRED;
  int rc;
  if (fired) {
    reg->flags &= ~KQUEUE__FIRED;
    /* A one-shot re-arm that asks for the knotes still armed. */
    if (reg->interest != 0 &&
        (reg->flags & KQUEUE__BOTH) == (reg->interest & KQUEUE__BOTH))
      return xsock__modified(sel, slot, old, udata, 0);
  }
  if (reg->interest != 0 && (rc = kqueue__arm(sel, slot, reg->interest)) < 0) {
    reg->flags |= fired; /* the knotes are as they were */
    return xsock__modified(sel, slot, old, udata, rc);
  }
  kqueue__disarm_later(sel, slot, reg->flags & KQUEUE__BOTH & ~reg->interest);
  return xsock__modified(sel, slot, old, udata, 0);
}

static int kqueue__remove(struct xsock_selector *sel, uint32_t slot) {
  return kqueue__disarm(sel, slot, sel->regs[slot].flags & KQUEUE__BOTH);
}

/* Every knote is deleted before the kqueue is closed (see the notes),
 * the queued deletes included. */
static void kqueue__destroy(struct xsock_selector *sel) {
  kqueue__state_t *st = (kqueue__state_t *)sel->impl;
  uint32_t slot;
  for (slot = 0; slot < sel->regs_cap; slot++)
    if (sel->regs[slot].sock != XSOCK_INVALID &&
        (sel->regs[slot].flags & KQUEUE__BOTH))
      (void)kqueue__remove(sel, slot);
  if (st->nq > 0)
    (void)XSOCK__OS(kevent)(st->kq, st->queue, st->nq, NULL, 0, NULL);
  kqueue__free((kqueue__state_t *)sel->impl);
  sel->impl = NULL;
}

/* A kevent whose token is stale: a knote that no registration names (see
 * the notes). Its key cannot be a live registration's, so it is deleted. */
static void kqueue__drop_stale(kqueue__state_t *st, const struct kevent *kev) {
  struct kevent ch;
  EV_SET(&ch, kev->ident, kev->filter, EV_DELETE, 0, 0, NULL);
  (void)XSOCK__OS(kevent)(st->kq, &ch, 1, NULL, 0, NULL);
}

static int kqueue__wait(struct xsock_selector *sel, xsock_event_t *evs, int max,
                        int timeout_ms) {
  kqueue__state_t *st = (kqueue__state_t *)sel->impl;
  struct timespec ts, *tp = NULL;
  int n, i, out = 0, kept = 0;
  if (timeout_ms >= 0) {
    ts.tv_sec = timeout_ms / 1000;
    ts.tv_nsec = (long)(timeout_ms % 1000) * 1000000L;
    tp = &ts;
  }
  n = xsock__kqueue_collect(st, max, tp);
  if (XSOCK__UNLIKELY(n < 0))
    return n;
  for (i = 0; i < n; i++) {
    const struct kevent *kev = &st->kevs[i];
    xsock__reg_t *reg;
    unsigned raw;
    /* A queued delete that failed: its knote was gone already. */
    if (XSOCK__UNLIKELY(kev->flags & EV_ERROR))
      continue;
#if KQUEUE__USER_WAKEUP
    if (XSOCK__UNLIKELY(kev->filter == EVFILT_USER)) {
      sel->woken = 1;
      continue;
    }
#endif
    if (XSOCK__UNLIKELY((reg = kqueue__reg(sel, kev)) == NULL)) {
      kqueue__drop_stale(st, kev);
      continue;
    }
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
    xsock__reg_t *reg = &sel->regs[st->slots[i]];
    unsigned ev = xsock__ready_events(evs[i].events, reg->interest);
    if (ev == 0) {
      /* A one-shot registration reported again before its re-arm: its
       * knotes go now (with the next kevent()). */
      if (reg->flags & KQUEUE__FIRED) {
        kqueue__disarm_later(sel, st->slots[i], reg->flags & KQUEUE__BOTH);
        reg->flags &= ~KQUEUE__FIRED;
      }
      continue;
    }
    if (xsock__reg_fire(reg))
      reg->flags |= KQUEUE__FIRED;
    evs[kept] = evs[i];
    evs[kept++].events = ev;
  }
  return kept;
}

#if KQUEUE__USER_WAKEUP
#define KQUEUE__WAKEUP_FN kqueue__wakeup
#else
#define KQUEUE__WAKEUP_FN NULL
#endif

XSOCK__INTERNAL const xsock__backend_t xsock__backend_kqueue = {
    XSOCK_BACKEND_KQUEUE, kqueue__init,      kqueue__destroy,
    kqueue__add,          kqueue__modify,    kqueue__remove,
    kqueue__wait,         KQUEUE__WAKEUP_FN, 1};

#endif /* XSOCK_HAVE_KQUEUE */
