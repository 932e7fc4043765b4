/* SPDX-License-Identifier: MIT */
/* Selector backend: Linux epoll, level-triggered.
 *
 * Notes on epoll (see epoll(7), epoll_ctl(2)):
 *  - The kernel keys a registration on the open file description, not on
 *    the descriptor number. A description that outlives a close (dup,
 *    fork) keeps reporting under its old data, and DEL on the closed number
 *    fails with EBADF. So each registration carries a token (slot and
 *    generation) and a stale token is dropped; DEL's EBADF/ENOENT is
 *    ignored on remove.
 *  - EPOLLERR and EPOLLHUP are always reported, even with no events asked
 *    for, so a silent registration (interest 0) cannot stay in the kernel
 *    set for long (see below).
 *  - A modify to a nonzero interest always reaches the kernel (one MOD).
 *    Skipping one that seems to change nothing (as libev's deferred
 *    updates do) is unsafe: if the caller closed the handle and a new
 *    socket took its number, the kernel still holds the old file, and the
 *    new socket would stay unwatched. A MOD that fails with ENOENT finds
 *    such a new file: the registration gets a new token (so the old file,
 *    if a dup keeps it open, now fires under a stale one) and is added.
 *  - Interest 0 alone is deferred: nothing is reported for it, but the
 *    kernel entry stays until the kernel reports it (then DEL, the report
 *    dropped) or the interest returns (then the one MOD above). So
 *    "disarm, read, re-arm" costs one system call per event, as a raw
 *    EPOLLONESHOT re-arm does, and a deferred entry is never trusted to
 *    name the same file later.
 *  - XSOCK_ONESHOT is a lazy disarm of the same kind: the wait that
 *    reports a one-shot registration sets its interest to 0 and leaves
 *    the level-triggered entry armed. If the kernel reports it again
 *    before a re-arm, it leaves the set as above; a re-arm that asks for
 *    what the entry still watches makes no system call at all (the
 *    caller vouches for the handle by re-arming instead of removing it).
 *    So a handler that reads until EAGAIN and re-arms costs no system
 *    call, where EPOLLONESHOT would cost one MOD per re-arm.
 *  - A stale token that fires is an entry the kernel holds for a file that
 *    can no longer be named (closed while registered, kept open by a dup
 *    or a forked child): DEL needs the number, which is gone. Level-
 *    triggered, it would make every wait return at once, forever. So the
 *    wait rebuilds the kernel set from the registration table: a new epoll
 *    set, every registration added again, put under the old descriptor's
 *    number (dup3), which closes the old set. That costs one system call
 *    per registration, once per such file.
 *  - EPOLLRDHUP is the peer's FIN; EPOLLHUP alone comes only when both
 *    directions are shut (or for a socket that never connected: Linux's
 *    tcp_poll reports HUP|OUT in the CLOSE state). Both mean HANGUP here,
 *    which only a READ registration sees (src/common/readiness.h): so
 *    EPOLLRDHUP is asked for with EPOLLIN only, or a writer whose peer
 *    half-closed would wake every wait while its send buffer is full.
 *  - A regular file or directory is refused with EPERM (it is always
 *    ready); that is XSOCK_ENOTSUP.
 *  - A refused connect reports EPOLLOUT|EPOLLERR|EPOLLHUP (plus EPOLLIN
 *    and EPOLLRDHUP); nothing here reads the pending error, so
 *    xsock_connect_result() still finds it.
 *  - struct epoll_event is 12 bytes on x86 (packed) and 16 elsewhere
 *    (64-bit data aligned to 8), while xsock_event_t is 16 bytes on 64-bit
 *    targets and 12 on 32-bit ones. Where the kernel's event fits (x86-64,
 *    i386, aarch64, s390x) the wait collects into the caller's array;
 *    where it does not (32-bit ARM, PowerPC, MIPS, RISC-V) it collects into
 *    a buffer grown in add to one event per registration, as kqueue's is
 *    (see epoll__wait). */
#include "config.h" /* before the guard: it defines XSOCK_HAVE_* */
#if XSOCK_HAVE_EPOLL

#include "os.h"
#include "readiness.h"
#include "selector.h"

#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <unistd.h>

/* In a registration's flags: the descriptor is in the kernel set; the low
 * bits are the interest the kernel was given (XSOCK_READ/XSOCK_WRITE, and
 * XSOCK_ONESHOT as the caller gave it). EPOLL__FIRED: a one-shot report
 * set the interest to 0 and the kernel entry was left armed (see the
 * notes). */
#define EPOLL__IN_SET 0x100u
#define EPOLL__FIRED 0x200u
#define EPOLL__KERNEL (EPOLL__IN_SET | XSOCK_READ | XSOCK_WRITE)

/* True where one struct epoll_event fits in one xsock_event_t, so that
 * the wait collects the kernel's events in the caller's own array (see
 * epoll__wait). A constant: the other path is compiled out. */
#define EPOLL__IN_PLACE (sizeof(struct epoll_event) <= sizeof(xsock_event_t))

typedef struct epoll__state {
  int epfd;
  /* Only where !EPOLL__IN_PLACE: the kernel's events, room for one per
   * registration (the wakeup's included), grown in add. */
  struct epoll_event *kevs;
  uint32_t kevs_cap;
} epoll__state_t;

/* The wakeup channel's kernel token: its slot with a generation that no
 * registration has (the top bit flipped), so that the wait meets it on
 * the rare path for stale tokens and never pays a test per event.
 *
 * The channel (an eventfd: epoll is Linux's) is watched edge-triggered
 * and never read: every write makes a new edge, and the signal writes
 * only when no wakeup is pending (wakeup.c), so an edge is a wakeup
 * exactly when it finds one pending, which the wait takes
 * (epoll__take_wakeup) instead of a read. An edge without one (a rebuilt
 * set meets the counter that was never emptied) is dropped. The counter
 * only grows, by one per wakeup taken; it would take 2^64 of them to
 * fill it. */
#define EPOLL__WAKE_GEN 0x80000000u

/* Whether a kernel event's token is the wakeup channel's. */
static inline int epoll__is_wakeup(const struct xsock_selector *sel,
                                   uint64_t token) {
  return (uint32_t)token == sel->wake_slot &&
         (uint32_t)(token >> 32) ==
             (sel->regs[sel->wake_slot].gen ^ EPOLL__WAKE_GEN);
}

/* Ends the pending wakeup; 1 when there was one. Acquire: what the
 * signalling thread did before its wakeup is visible after the wait. */
static inline int epoll__take_wakeup(struct xsock_selector *sel) {
  return __atomic_exchange_n(&sel->wake.pending, 0, __ATOMIC_ACQ_REL) != 0;
}

static int epoll__init(struct xsock_selector *sel) {
  epoll__state_t *st = (epoll__state_t *)XSOCK__OS(calloc)(1, sizeof *st);
  int rc;
  if (st == NULL)
    return xsock__fail(XSOCK_ENOMEM, 0);
  st->epfd = epoll_create1(EPOLL_CLOEXEC);
  if (st->epfd < 0) {
    rc = xsock__errno_fail();
    free(st);
    return rc;
  }
  xsock__sel_own(sel, st->epfd);
  sel->impl = st;
  sel->wake_in_wait = 1;
  return 0;
}

static void epoll__destroy(struct xsock_selector *sel) {
  epoll__state_t *st = (epoll__state_t *)sel->impl;
  close(st->epfd);
  free(st->kevs);
  free(st);
  sel->impl = NULL;
}

/* The epoll events an interest asks for, by its READ/WRITE bits. */
static const uint32_t epoll__events[4] = {0, EPOLLIN | EPOLLRDHUP, EPOLLOUT,
                                          EPOLLIN | EPOLLRDHUP | EPOLLOUT};

/* The error of a failed epoll_ctl (errno), out of line. */
static XSOCK__NOINLINE int epoll__ctl_fail(void) {
  if (errno == EPERM)
    return xsock__fail(XSOCK_ENOTSUP, EPERM);
  return xsock__errno_fail();
}

/* Gives the kernel one registration with the given interest. */
static int epoll__ctl(struct xsock_selector *sel, int op, uint32_t slot,
                      unsigned interest) {
  epoll__state_t *st = (epoll__state_t *)sel->impl;
  const xsock__reg_t *reg = &sel->regs[slot];
  struct epoll_event ev;
  ev.events = epoll__events[interest & (XSOCK_READ | XSOCK_WRITE)];
  ev.data.u64 = xsock__reg_token(sel, slot);
  if (XSOCK__UNLIKELY(reg->sock == sel->wake.rd)) {
    ev.data.u64 ^= (uint64_t)EPOLL__WAKE_GEN << 32;
    ev.events |= EPOLLET;
  }
  if (XSOCK__LIKELY(XSOCK__OS(epoll_ctl)(st->epfd, op, reg->sock,
                                         op == EPOLL_CTL_DEL ? NULL : &ev) ==
                    0))
    return 0;
  return epoll__ctl_fail();
}

/* Finishes putting a registration into the kernel set, given what its
 * EPOLL_CTL_ADD returned. EEXIST means the kernel still holds this open
 * file under an older registration: it was closed while registered and a
 * dup (or a fork) kept it open, and now the same file is back under this
 * number. Its registration is taken over with MOD, so the old token
 * (dropped as stale) is replaced by this one. Any other failure is the
 * caller's, never retried. */
static int epoll__arm_after(struct xsock_selector *sel, uint32_t slot, int rc) {
  xsock__reg_t *reg = &sel->regs[slot];
  if (rc == XSOCK_EEXIST)
    rc = epoll__ctl(sel, EPOLL_CTL_MOD, slot, reg->interest);
  if (rc == 0)
    reg->flags = EPOLL__IN_SET | reg->interest;
  return rc;
}

/* Puts a registration into the kernel set with its current interest. */
static int epoll__arm(struct xsock_selector *sel, uint32_t slot) {
  return epoll__arm_after(
      sel, slot,
      epoll__ctl(sel, EPOLL_CTL_ADD, slot, sel->regs[slot].interest));
}

/* Takes a registration out of the kernel set. A handle closed while
 * registered is out already, unless a dup keeps its file open: then the
 * entry can no longer be named, and a new token makes it stale (a wait
 * that sees it rebuilds the set). */
static int epoll__leave(struct xsock_selector *sel, uint32_t slot) {
  xsock__reg_t *reg = &sel->regs[slot];
  if (XSOCK__OS(epoll_ctl)(((epoll__state_t *)sel->impl)->epfd, EPOLL_CTL_DEL,
                           reg->sock, NULL) != 0) {
    if (errno != EBADF && errno != ENOENT)
      return xsock__errno_fail();
    xsock__reg_retoken(sel, slot);
  }
  reg->flags = 0;
  return 0;
}

/* Where the kernel's events do not fit in the caller's array: room in
 * the buffer for one more registration than there are, so that a wait
 * collects every event the kernel set can hold (each registration has
 * one entry there) and never allocates. Taken before the kernel is told,
 * so a failure has nothing to undo. */
static XSOCK__NOINLINE int epoll__grow(struct xsock_selector *sel) {
  epoll__state_t *st = (epoll__state_t *)sel->impl;
  uint32_t want = sel->regs_used + 1, cap;
  void *p;
  if (want <= st->kevs_cap)
    return 0;
  cap = xsock__grow_cap(st->kevs_cap, want);
  if ((p = xsock__grow_array(st->kevs, cap, sizeof *st->kevs)) == NULL)
    return xsock__fail(XSOCK_ENOMEM, 0);
  st->kevs = (struct epoll_event *)p;
  st->kevs_cap = cap;
  return 0;
}

/* Everything of add but a plain EPOLL_CTL_ADD that succeeded: interest 0,
 * the wakeup's registration, a failed ADD (rc, its error). */
static XSOCK__NOINLINE int epoll__add_rest(struct xsock_selector *sel,
                                           uint32_t slot, int rc) {
  xsock__reg_t *reg = &sel->regs[slot];
  reg->flags = 0;
  if (rc == 0)
    rc = epoll__ctl(sel, EPOLL_CTL_ADD, slot, reg->interest);
  if ((rc = epoll__arm_after(sel, slot, rc)) < 0)
    return rc;
  if (reg->interest == 0) {
    /* Checked like a real add (the kernel took it, so a descriptor epoll
     * refuses fails here and not at a later modify), but not left with
     * the kernel, which would report its errors and hangups. */
    if ((rc = epoll__ctl(sel, EPOLL_CTL_DEL, slot, 0)) < 0)
      return rc;
    reg->flags = 0;
  }
  return 0;
}

static XSOCK__ALWAYS_INLINE int epoll__add_slot(struct xsock_selector *sel,
                                                uint32_t slot) {
  xsock__reg_t *reg = &sel->regs[slot];
  unsigned interest = reg->interest;
  struct epoll_event ev;
  int rc;
  if (!EPOLL__IN_PLACE && (rc = epoll__grow(sel)) < 0)
    return rc;
  /* The common case inline: a new descriptor with an interest, which is
   * not the wakeup (whose token epoll__ctl marks). */
  if (XSOCK__UNLIKELY(interest == 0 || reg->sock == sel->wake.rd))
    return epoll__add_rest(sel, slot, 0);
  ev.events = epoll__events[interest & (XSOCK_READ | XSOCK_WRITE)];
  ev.data.u64 = xsock__reg_token(sel, slot);
  reg->flags = (uint16_t)(EPOLL__IN_SET | interest);
  if (XSOCK__LIKELY(XSOCK__OS(epoll_ctl)(((epoll__state_t *)sel->impl)->epfd,
                                         EPOLL_CTL_ADD, reg->sock, &ev) == 0))
    return 0;
  return epoll__add_rest(sel, slot, epoll__ctl_fail());
}

/* add as the front end tail-calls it (selector.h). */
static int epoll__add(struct xsock_selector *sel, uint32_t slot) {
  return xsock__added(sel, slot, epoll__add_slot(sel, slot));
}

/* A modify that reaches the kernel (see the notes): MOD, or ADD for a
 * registration out of the set. Out of line, so that the modifies that
 * make no system call stay a few instructions. */
static int epoll__modify_kernel(struct xsock_selector *sel, uint32_t slot) {
  xsock__reg_t *reg = &sel->regs[slot];
  int rc;
  if (!(reg->flags & EPOLL__IN_SET))
    return epoll__arm(sel, slot);
  rc = epoll__ctl(sel, EPOLL_CTL_MOD, slot, reg->interest);
  if (rc == XSOCK_ENOENT) {
    /* Another file has the number now (see the notes). */
    xsock__reg_retoken(sel, slot);
    return epoll__arm(sel, slot);
  }
  if (rc == 0)
    reg->flags = EPOLL__IN_SET | reg->interest;
  return rc;
}

static XSOCK__NOINLINE int epoll__modify_slow(struct xsock_selector *sel,
                                              uint32_t slot, unsigned old,
                                              void *udata) {
  return xsock__modified(sel, slot, old, udata,
                         epoll__modify_kernel(sel, slot));
}

static int epoll__modify(struct xsock_selector *sel, uint32_t slot,
                         unsigned old, void *udata) {
  xsock__reg_t *reg = &sel->regs[slot];
  if (reg->interest == 0 || /* deferred: see the notes */
      ((reg->flags & EPOLL__FIRED) &&
       (reg->flags & EPOLL__KERNEL) ==
           (EPOLL__IN_SET | (reg->interest & EPOLL__KERNEL)))) {
    if (reg->interest != 0) /* a one-shot re-arm, no system call */
      reg->flags = (uint16_t)(EPOLL__IN_SET | reg->interest);
    reg->udata = udata;
    return 0;
  }
  return epoll__modify_slow(sel, slot, old, udata);
}

static int epoll__remove(struct xsock_selector *sel, uint32_t slot) {
  /* The front end frees the slot, whose new generation makes any entry
   * the kernel keeps (a closed handle's, kept open by a dup) stale. */
  return (sel->regs[slot].flags & EPOLL__IN_SET) ? epoll__leave(sel, slot) : 0;
}

/* Replaces the kernel set with one built from the registration table,
 * leaving behind entries that no registration names (see the notes). A
 * handle that can no longer be added (closed while registered) stays
 * registered but out of the set, and so does a deferred interest 0. The new set
 * takes the old descriptor's number (dup3 closes the old set), so the
 * selector's own handles keep their numbers and the caller's numbering is not
 * disturbed. */
static int epoll__rebuild(struct xsock_selector *sel) {
  epoll__state_t *st = (epoll__state_t *)sel->impl;
  int fd = epoll_create1(EPOLL_CLOEXEC), rc = 0;
  uint32_t slot;
  if (fd < 0)
    return xsock__errno_fail();
  if (dup3(fd, st->epfd, O_CLOEXEC) < 0)
    rc = xsock__errno_fail();
  close(fd);
  if (rc < 0)
    return rc;
  for (slot = 0; slot < sel->regs_cap; slot++) {
    xsock__reg_t *reg = &sel->regs[slot];
    if (reg->sock == XSOCK_INVALID || !(reg->flags & EPOLL__IN_SET))
      continue;
    if (reg->interest == 0 ||
        epoll__ctl(sel, EPOLL_CTL_ADD, slot, reg->interest) < 0)
      reg->flags = 0;
    else
      reg->flags = EPOLL__IN_SET | reg->interest;
  }
  return 0;
}

/* epoll's bits as XSOCK_* bits. With Linux's values (IN 0x1, OUT 0x4,
 * ERR 0x8, HUP 0x10, RDHUP 0x2000) that is two shifts and masks; the
 * condition is a constant expression, so only one branch is compiled. */
static inline unsigned epoll__raw(uint32_t e) {
  if (EPOLLIN == 0x1 && EPOLLOUT == 0x4 && EPOLLERR == 0x8 &&
      EPOLLHUP == 0x10 && EPOLLRDHUP == 0x2000)
    return (e & 0x1u) | ((e >> 1) & 0xEu) | ((e >> 10) & 0x8u);
  return ((e & EPOLLIN) ? XSOCK_READ : 0u) |
         ((e & EPOLLOUT) ? XSOCK_WRITE : 0u) |
         ((e & EPOLLERR) ? XSOCK_ERROR : 0u) |
         ((e & (EPOLLHUP | EPOLLRDHUP)) ? XSOCK_HANGUP : 0u);
}

/* Everything but the common case of one kernel event: a stale token (the
 * wakeup's, or an entry no registration names), a registration whose
 * kernel entry is not exactly its interest (a deferred interest 0), and
 * an error or hangup. Returns the events to store, or 0 to drop it. */
static XSOCK__NOINLINE unsigned epoll__rare(struct xsock_selector *sel,
                                            uint64_t token, uint32_t e,
                                            int *stale) {
  xsock__reg_t *reg = xsock__reg_by_token(sel, token);
  if (reg == NULL) {
    if (epoll__is_wakeup(sel, token)) {
      if (epoll__take_wakeup(sel))
        sel->woken = 1;
    } else {
      *stale = 1; /* an entry no registration names: see the notes */
    }
    return 0;
  }
  if (reg->interest == 0) {
    /* A deferred interest 0 (see the notes): leave the set now. */
    epoll__leave(sel, (uint32_t)token);
    return 0;
  }
  return xsock__ready_events(epoll__raw(e), reg->interest);
}

/* Plain readiness (EPOLLIN 0x1 and EPOLLOUT 0x4 only, Linux's values) as
 * XSOCK_* bits, looked up: one load instead of four operations. */
static const unsigned char epoll__plain[8] = {
    0, XSOCK_READ, 0, 0, XSOCK_WRITE, XSOCK_READ | XSOCK_WRITE, 0, 0};

/* True when a kernel event needs none of epoll__rare: a live token
 * (xsock__reg_by_token, inlined) of a registration with a nonzero
 * interest, which the kernel then watches exactly (a nonzero interest is
 * set only by add and modify, which give it to the kernel; the one
 * exception, a handle rebuild could not add back, is in no kernel set),
 * reporting plain readiness: whatever it says is wanted. */
static inline int epoll__plain_event(const xsock__reg_t *reg,
                                     const struct epoll_event *e) {
  return reg->gen == (uint32_t)(e->data.u64 >> 32) && reg->interest != 0 &&
         !(e->events & ~(uint32_t)(EPOLLIN | EPOLLOUT));
}

/* Plain readiness as XSOCK_* bits. */
static inline unsigned epoll__plain_bits(uint32_t e) {
  return (EPOLLIN == 0x1 && EPOLLOUT == 0x4) ? epoll__plain[e] : epoll__raw(e);
}

/* Stores one event for reg, the registration of slot. */
static inline xsock_event_t *epoll__store(xsock_event_t *out, uint32_t slot,
                                          xsock__reg_t *reg, unsigned ev) {
  /* The slot is the descriptor (XSOCK_HAVE_SMALL_HANDLES). */
  out->sock = (xsock_t)slot;
  out->events = ev;
  out->udata = reg->udata;
  if (XSOCK__UNLIKELY(xsock__reg_fire(reg)))
    reg->flags |= EPOLL__FIRED;
  return out + 1;
}

/* Converts the kernel events from kev to end into the caller's array
 * from out on, whatever they are, and rebuilds the kernel set after a
 * stale token. Where events were dropped, later ones move down (see
 * epoll__wait). */
static XSOCK__NOINLINE int epoll__convert_rest(struct xsock_selector *sel,
                                               xsock_event_t *evs,
                                               xsock_event_t *out,
                                               const unsigned char *kev,
                                               const unsigned char *end) {
  xsock__reg_t *regs = sel->regs; /* nothing here moves the table */
  int stale = 0;
  for (; kev < end; kev += sizeof(struct epoll_event)) {
    struct epoll_event e;
    xsock__reg_t *reg;
    unsigned ev;
    memcpy(&e, kev, sizeof e);
    reg = &regs[(uint32_t)e.data.u64];
    if (epoll__plain_event(reg, &e))
      ev = epoll__plain_bits(e.events);
    else if ((ev = epoll__rare(sel, e.data.u64, e.events, &stale)) == 0)
      continue;
    out = epoll__store(out, (uint32_t)e.data.u64, reg, ev);
  }
  if (XSOCK__UNLIKELY(stale)) {
    int rc = epoll__rebuild(sel);
    if (rc < 0 && out == evs)
      return rc;
  }
  return (int)(out - evs);
}

/* The n > 0 kernel events at kev into evs: the common case, plain
 * readiness of live registrations and the wakeup, in a loop that calls
 * nothing; the first other event hands the rest to epoll__convert_rest. */
static int epoll__convert(struct xsock_selector *sel, xsock_event_t *evs,
                          const unsigned char *kev, int n) {
  xsock__reg_t *regs = sel->regs; /* nothing here moves the table */
  xsock_event_t *out = evs;
  int i;
  for (i = 0; i < n; i++) {
    struct epoll_event e;
    xsock__reg_t *reg;
    /* memcpy, not a cast: the array may be the caller's xsock_event_t[]. */
    memcpy(&e, kev + (size_t)i * sizeof e, sizeof e);
    reg = &regs[(uint32_t)e.data.u64];
    /* One test for a nonzero interest without XSOCK_ONESHOT. */
    if (XSOCK__UNLIKELY(reg->gen != (uint32_t)(e.data.u64 >> 32) ||
                        (unsigned)(reg->interest - 1) >=
                            (XSOCK_READ | XSOCK_WRITE) ||
                        (e.events & ~(uint32_t)(EPOLLIN | EPOLLOUT)))) {
      /* The wakeup, a threaded server's hot path, needs no call. */
      if (epoll__is_wakeup(sel, e.data.u64)) {
        if (epoll__take_wakeup(sel))
          sel->woken = 1;
        continue;
      }
      return epoll__convert_rest(sel, evs, out, kev + (size_t)i * sizeof e,
                                 kev + (size_t)n * sizeof e);
    }
    out->sock = (xsock_t)(uint32_t)e.data.u64; /* the slot is the fd */
    out->events = epoll__plain_bits(e.events);
    out->udata = reg->udata;
    out++;
  }
  return (int)(out - evs);
}

/* A failed epoll_wait, out of line. */
static XSOCK__NOINLINE int epoll__wait_fail(void) {
  return errno == EINTR ? XSOCK_EINTR : xsock__errno_fail();
}

/* Where EPOLL__IN_PLACE holds, epoll_wait writes its events straight
 * into the caller's array: at its end, max * (X - E) bytes in (X and E
 * the sizes of xsock_event_t and struct epoll_event), so that converting
 * them in place from the first to the last never overwrites one not read
 * yet (event k of the output ends at byte X(k+1), at or before where
 * kernel event k+1 starts, max(X - E) + E(k+1), since k < max; where the
 * sizes are equal the two arrays coincide). A dropped event just leaves
 * its place to the next. So a wait needs no buffer of its own, copies
 * each event once, and its memory does not grow with the registrations.
 * Elsewhere the kernel fills the buffer epoll__grow keeps: at most one
 * event per registration, which is every event the kernel set can report
 * but those of entries no registration names (see the notes), so the
 * caller sees the same events as where the array is used in place. */
static int epoll__wait(struct xsock_selector *sel, xsock_event_t *evs, int max,
                       int timeout_ms) {
  epoll__state_t *st = (epoll__state_t *)sel->impl;
  unsigned char *kev;
  int n;
  if (EPOLL__IN_PLACE) {
    kev = (unsigned char *)evs +
          (size_t)max * (sizeof(xsock_event_t) - sizeof(struct epoll_event));
  } else {
    /* The wakeup's registration alone makes kevs_cap at least 1. */
    kev = (unsigned char *)st->kevs;
    if ((uint32_t)max > st->kevs_cap)
      max = (int)st->kevs_cap;
  }
  n = XSOCK__OS(epoll_wait)(st->epfd, (struct epoll_event *)(void *)kev, max,
                            timeout_ms);
  if (XSOCK__LIKELY(n > 0))
    return epoll__convert(sel, evs, kev, n);
  /* Linux's epoll_wait returns nothing only once its timeout expired (it
   * rounds the timeout up, never down). */
  return n == 0 ? XSOCK__TIMED_OUT : epoll__wait_fail();
}

XSOCK__INTERNAL const xsock__backend_t xsock__backend_epoll = {
    XSOCK_BACKEND_EPOLL, epoll__init, epoll__destroy, epoll__add, epoll__modify,
    epoll__remove,       epoll__wait, NULL,           1};

#endif /* XSOCK_HAVE_EPOLL */
