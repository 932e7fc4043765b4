/* SPDX-License-Identifier: MIT */
/* The contract between the selector front end (src/common/selector.c) and
 * its backends (src/posix/sel_*.c, src/win32/sel_*.c). Documented here
 * once; backends do not repeat it.
 *
 * The front end owns argument checks, the registration table (an array of
 * xsock__reg_t indexed by slot: on POSIX the slot is the descriptor itself,
 * on Windows a dense slot found through a map from handle to slot), the
 * wait loop (EINTR, early returns, the deadline) and the generic wakeup
 * channel: an internal registration of the OS's wakeup handle (an eventfd
 * or pipe on POSIX, a loopback socket pair on Windows) with interest READ,
 * kept out of the handle map so that the caller can never name it. The
 * front end drains it and drops its event after each wait. A backend owns
 * its kernel object and whatever arrays it needs (a pollfd array, fd sets),
 * and converts what the kernel reports straight into the caller's
 * xsock_event_t array; it treats the wakeup like any registration.
 *
 * Each backend is one file, guarded by its XSOCK_HAVE_<X> macro (decided
 * in src/common/config.h, which the file includes before the guard), with
 * static functions and one const table shared with the front end:
 *     XSOCK__INTERNAL const xsock__backend_t xsock__backend_epoll = { ... };
 * (its declaration below is guarded by the same macro), plus one line in
 * the platform's ordered list (backends.c). Its name
 * comes from the XSOCK_BACKEND_MAP list in include/xsock.h.
 *
 * Rules every backend follows:
 *  - add/modify/remove/wait never abort or print; failures return XSOCK_E*
 *    (through xsock__os_fail for OS errors).
 *  - init stores its state in sel->impl and names every handle it opens
 *    itself (epoll's descriptor) with xsock__sel_own(), so that add refuses
 *    a stale number that now belongs to the selector.
 *  - add is called after the front end checked the arguments, found the
 *    handle unregistered and not the selector's own, and filled in the
 *    slot; the front end tail-calls it, so it ends through
 *    xsock__added(), which counts the registration on success and frees
 *    the slot on failure (as modify ends through xsock__modified()). add
 *    must reject an invalid or closed handle with XSOCK_EBADF and a
 *    regular file or directory with XSOCK_ENOTSUP.
 *  - interest 0 means registered but silent: nothing is ever reported for
 *    it (epoll and poll report errors and hangups even with no events
 *    requested, so a kernel entry must not stay armed; kqueue simply holds
 *    no filter for it). A backend may
 *    leave the kernel entry in place until the kernel reports it (then it
 *    removes the entry and drops the report) or the interest returns, but
 *    must then give the kernel the new interest with a call that would
 *    notice a different file under the same number.
 *  - interest may carry XSOCK_ONESHOT, always with READ or WRITE (the
 *    front end stores XSOCK_ONESHOT alone as 0). A wait that stores an
 *    event for such a registration calls xsock__reg_fire(), which sets
 *    its interest to 0; from then on the rule above holds. A backend whose
 *    kernel entry stays armed (lazy disarm) notes that the interest went
 *    to 0 by a report, and a modify that asks for exactly what the kernel
 *    still watches then makes no system call: the caller promised, by
 *    re-arming instead of removing, that the handle is the one reported.
 *    Every other modify to a nonzero interest still reaches the kernel.
 *    A registration that asks for nothing new and was not reported (a
 *    full caller array, a dropped event) keeps its interest.
 *  - remove succeeds when the handle was already closed; the front end
 *    frees the slot whatever remove returns.
 *  - wait performs ONE kernel wait with timeout_ms (< 0 forever, 0 poll) and
 *    returns the number of events stored (<= max), or XSOCK_EINTR, or an
 *    error. It may return 0 early (a dropped stale event, a shortened
 *    slice): the front end waits again for the time left. A backend whose
 *    kernel wait returns nothing only once its whole timeout ran out may
 *    say so with XSOCK__TIMED_OUT, which ends the wait without a look at
 *    the clock.
 *  - wait stores one merged event per handle, with xsock__ready_events()
 *    applied, and never an event for a slot whose token is stale
 *    (xsock__reg_by_token returns NULL).
 *  - wait allocates nothing; grow arrays in add (or init), with
 *    xsock__grow_cap()/xsock__grow_array().
 *  - wakeup is optional: only a backend with a native mechanism
 *    (EVFILT_USER, PostQueuedCompletionStatus) sets it, and its wait then
 *    sets sel->woken itself. It must be async-signal-safe on POSIX and
 *    thread-safe everywhere. With NULL the front end uses the generic
 *    channel; a backend whose wait recognises that channel's registration
 *    (sel->wake.rd, known before its add) at no cost per event may drain
 *    it there (xsock__os_wakeup_drain, sel->woken = 1, no event stored;
 *    or, watching it edge-triggered, end the pending wakeup unread: see
 *    sel_epoll.c) and sets sel->wake_in_wait in init, which spares the
 *    front end its search of every wait's events.
 */
#ifndef XSOCK_COMMON_SELECTOR_H
#define XSOCK_COMMON_SELECTOR_H

#include "internal.h"

/* No slot: a free-list end, a failed map lookup, no wakeup registration. */
#define XSOCK__NO_SLOT UINT32_MAX

/* One registration. Lives in sel->regs[slot]; the array may move when it
 * grows (only in add), so backends keep slots or tokens, never pointers.
 * pos, flags and mem belong to the backend; the front end zeroes them
 * before add and never reads them. 24 bytes on 64-bit POSIX, where the
 * table is indexed by descriptor (bytes per registration are a target of
 * docs/benchmarks.md). */
typedef struct xsock__reg {
  void *udata;
  xsock_t sock;      /* XSOCK_INVALID when the slot is free */
  uint32_t gen;      /* bumped whenever the slot is freed */
  uint32_t pos;      /* backend: its position in the backend's dense array */
  uint16_t interest; /* XSOCK_READ | XSOCK_WRITE (| XSOCK_ONESHOT), or 0 */
  uint16_t flags;    /* backend: its own per-registration bits */
#if !XSOCK_HAVE_SMALL_HANDLES
  uint32_t next_free; /* the free list's next slot */
  void *mem;          /* backend: per-socket memory it allocates and frees
                         itself, which may outlive a cancelled request */
#endif
} xsock__reg_t;

struct xsock_selector;

typedef struct xsock__backend {
  int id; /* XSOCK_BACKEND_*; the name comes from xsock_backend_name() */
  /* Creates the kernel object; stores its state in sel->impl.
   * XSOCK_ENOTSUP if this OS cannot run the backend. */
  int (*init)(struct xsock_selector *sel);
  void (*destroy)(struct xsock_selector *sel);
  int (*add)(struct xsock_selector *sel, uint32_t slot);
  /* Called after sel->regs[slot].interest was updated; old_interest is
   * what it was. It ends through xsock__modified(), which stores udata on
   * success and puts the old interest back on failure (the front end
   * tail-calls modify, so that a modify that makes no system call costs
   * no stack frame there). */
  int (*modify)(struct xsock_selector *sel, uint32_t slot,
                unsigned old_interest, void *udata);
  int (*remove)(struct xsock_selector *sel, uint32_t slot);
  int (*wait)(struct xsock_selector *sel, xsock_event_t *evs, int max,
              int timeout_ms);
  /* A native wakeup, or NULL for the front end's generic channel. */
  int (*wakeup)(struct xsock_selector *sel);
  /* Nonzero where a wait's cost follows the events it returns, not the
   * registrations (a kernel queue: epoll, kqueue, a completion port), so
   * that a look with timeout 0 costs little more than the events it
   * finds (see selector__wait_timed); 0 where a wait scans every
   * registration. */
  int quick_look;
} xsock__backend_t;

/* What a backend's wait returns instead of 0 when its kernel wait ran
 * its full timeout (the rules above; a poll's timeout 0 included): never
 * returned to the caller, and far from every XSOCK_E* code. */
#define XSOCK__TIMED_OUT (-0x7000)

/* The generic wakeup channel (src/posix/wakeup.c, src/win32/wakeup.c). */
typedef struct xsock__wakeup {
  xsock_t rd;            /* registered for READ by the front end */
  xsock_t wr;            /* written by a signal; equal to rd for an eventfd */
  volatile long pending; /* 1 from the signal that writes until a wait
                            takes the wakeup: later signals write
                            nothing, so that wakeups coalesce */
} xsock__wakeup_t;

/* Creates the channel (both ends non-blocking, not inherited); both are
 * XSOCK_INVALID on failure. */
XSOCK__INTERNAL int xsock__os_wakeup_open(xsock__wakeup_t *w);
XSOCK__INTERNAL void xsock__os_wakeup_close(xsock__wakeup_t *w);
/* Makes rd readable. Thread-safe, and async-signal-safe on POSIX (at
 * most one write, errno preserved, no thread-local state). A wakeup
 * already pending is success without a write: wakeups coalesce. */
XSOCK__INTERNAL int xsock__os_wakeup_signal(xsock__wakeup_t *w);
/* Empties rd, so that it stops being readable until the next signal, and
 * then ends the pending wakeup (in that order: a signal that finds it
 * still pending is one this wait answers). */
XSOCK__INTERNAL void xsock__os_wakeup_drain(xsock__wakeup_t *w);

/* The handles a selector opens itself: the wakeup's two ends and a
 * backend's kernel object. */
#define XSOCK__OWN_MAX 4

struct xsock_selector {
  const xsock__backend_t *backend;
  void *impl; /* backend state */
  xsock__reg_t *regs;
  uint32_t regs_cap;  /* slots allocated */
  uint32_t regs_used; /* live registrations, the wakeup's included */
#if !XSOCK_HAVE_SMALL_HANDLES
  uint32_t free_head; /* first free slot, or UINT32_MAX */
  /* handle -> slot map, open addressing with linear probing. */
  uint32_t *map;     /* slot + 1, 0 = empty */
  uint32_t map_mask; /* capacity - 1 (capacity a power of two) */
#endif
  int woken;            /* set when a wait drained a wakeup; the front end
                           clears it before each wait */
  xsock__wakeup_t wake; /* rd is XSOCK_INVALID with a native wakeup */
  uint32_t wake_slot;   /* its registration, or XSOCK__NO_SLOT */
  int wake_in_wait;     /* set by a backend's init when its wait drains the
                           generic wakeup itself (and never stores its
                           event), so that the front end need not look */
  xsock_t own[XSOCK__OWN_MAX]; /* handles the selector opened itself */
  unsigned own_count;
  uint64_t own_mask; /* bit (h & 63) set for each h in own[]: add looks
                        through own[] only when its handle's bit is set */
  /* The arguments of the wait in progress, kept here by the front end for
   * its out-of-line rest (EINTR, an early return, a timeout's deadline),
   * so that the common path keeps nothing across the backend's call. */
  xsock_event_t *wait_evs;
  int wait_max;
  int wait_timeout;
  uint64_t wait_deadline; /* xsock__now_ns() at which a timeout runs out */
  /* A positive-timeout wait's first look (selector__wait_timed): -1 never
   * (the backend has no quick look), 0 at this wait, n > 0 after n more
   * waits; look_gap is how many waits the last look that found nothing
   * made the next one wait for (0 after a look that found events). */
  int look_skip;
  int look_gap;
};

/* Records a handle the selector opened itself (a backend's kernel object),
 * which add then refuses. */
static inline void xsock__sel_own(struct xsock_selector *sel, xsock_t h) {
  if (sel->own_count < XSOCK__OWN_MAX) {
    sel->own[sel->own_count++] = h;
    sel->own_mask |= (uint64_t)1 << ((unsigned)h & 63u);
  }
}

/* ---- array growth (src/common/grow.c) ----
 * The selector's arrays grow only in add (or init), from XSOCK__GROW_MIN.
 * A backend's arrays, and on Windows the registration table and the
 * handle map (a power of two, as masking needs), double, through
 * xsock__grow_cap(). The POSIX registration table, indexed by descriptor,
 * grows by half instead (handle_map.c), which keeps the bytes per
 * registration low. No selector holds more than XSOCK__MAX_REGS
 * registrations, which xsock_selector_add checks once; so no array needs
 * a cap of its own. */
#define XSOCK__GROW_MIN 64u
#define XSOCK__MAX_REGS (UINT32_C(1) << 24)

/* The capacity an array of cap elements grows to so that it holds want:
 * cap (or XSOCK__GROW_MIN) doubled until it fits. want is bounded by a
 * small multiple of XSOCK__MAX_REGS, so this cannot overflow. */
XSOCK__INTERNAL uint32_t xsock__grow_cap(uint32_t cap, uint32_t want);

/* realloc(p, count * size) with the multiplication checked; NULL (p left
 * as it was) on failure. */
XSOCK__INTERNAL void *xsock__grow_array(void *p, uint32_t count, size_t size);

/* A kernel-held token that names a registration: the slot in the low 32
 * bits, the slot's generation in the high 32. A kernel that still reports
 * a removed registration (epoll on a dup'ed descriptor, an AFD completion
 * that raced a cancel) carries a stale generation and is dropped. */
static inline uint64_t xsock__reg_token(const struct xsock_selector *sel,
                                        uint32_t slot) {
  return ((uint64_t)sel->regs[slot].gen << 32) | slot;
}

/* Makes every token handed out for a live slot stale, for a backend that
 * finds the kernel holding an entry it can no longer remove (the file
 * behind the handle number changed); the backend then hands the kernel
 * the new token. */
static inline void xsock__reg_retoken(struct xsock_selector *sel,
                                      uint32_t slot) {
  sel->regs[slot].gen++;
}

/* The registration a kernel token names, or NULL when the token is stale.
 * The token must be one that xsock__reg_token() made for this selector: its
 * slot then still exists, because the table never shrinks, and only the
 * generation needs a test. A free slot needs none of its own either:
 * freeing bumped its generation, so no token handed out for it can match
 * until it is used again. */
static inline xsock__reg_t *
xsock__reg_by_token(const struct xsock_selector *sel, uint64_t token) {
  xsock__reg_t *reg = &sel->regs[(uint32_t)token];
  return XSOCK__LIKELY(reg->gen == (uint32_t)(token >> 32)) ? reg : NULL;
}

/* How every backend's modify ends (rc its result): the new user data is
 * stored on success; on failure the interest goes back to old, since the
 * backend left its kernel state as it was and a failing call changes
 * nothing. */
static inline int xsock__modified(struct xsock_selector *sel, uint32_t slot,
                                  unsigned old, void *udata, int rc) {
  if (XSOCK__LIKELY(rc == 0))
    sel->regs[slot].udata = udata;
  else
    sel->regs[slot].interest = (uint16_t)old;
  return rc;
}

/* A wait stored an event for reg: a one-shot registration becomes silent
 * (interest 0) until modified. Returns 1 when it did. */
static inline int xsock__reg_fire(xsock__reg_t *reg) {
  if (XSOCK__LIKELY(!(reg->interest & XSOCK_ONESHOT)))
    return 0;
  reg->interest = 0;
  return 1;
}

/* The normalisation every backend applies to what its OS reported is
 * xsock__ready_events() in readiness.h. */

/* A backend's dense list of registrations (Windows select's order[]):
 * entry i names a registration whose pos is i. Pushing appends; dropping
 * moves the last entry into the hole, keeping every pos right. Room must
 * have been reserved in add. Only where slots are not descriptors: the
 * POSIX select backend finds a ready registration by its descriptor, and
 * in the drop-in an unused static function fails -Wunused-function. */
#if !XSOCK_HAVE_SMALL_HANDLES
static inline void xsock__order_push(struct xsock_selector *sel,
                                     uint32_t *order, uint32_t *n,
                                     uint32_t slot) {
  order[*n] = slot;
  sel->regs[slot].pos = (*n)++;
}

static inline void xsock__order_drop(struct xsock_selector *sel,
                                     uint32_t *order, uint32_t *n,
                                     uint32_t slot) {
  uint32_t i = sel->regs[slot].pos, last = *n - 1;
  if (i != last) {
    order[i] = order[last];
    sel->regs[order[i]].pos = i;
  }
  (*n)--;
}
#endif

/* The backends compiled in, in the order XSOCK_BACKEND_DEFAULT tries them
 * (defined in the platform's list, src/posix/backends.c or
 * src/win32/backends.c); terminated by NULL. The declaration has the size
 * because the drop-in declares the array static, and a static declaration
 * may not have an incomplete type. */
#define XSOCK__BACKEND_COUNT                                                   \
  (XSOCK_HAVE_EPOLL + XSOCK_HAVE_KQUEUE + XSOCK_HAVE_POLL +                    \
   XSOCK_HAVE_SELECT + XSOCK_HAVE_WSAPOLL + XSOCK_HAVE_AFD)
XSOCK__INTERNAL_DATA const xsock__backend_t
    *const xsock__backends[XSOCK__BACKEND_COUNT + 1];

/* The table of every backend compiled in, each defined in its own guarded
 * file. Only those compiled in are declared: in the drop-in, the static
 * declaration of a table never defined would be an unused variable. */
#if XSOCK_HAVE_EPOLL
XSOCK__INTERNAL_DATA const xsock__backend_t xsock__backend_epoll;
#endif
#if XSOCK_HAVE_KQUEUE
XSOCK__INTERNAL_DATA const xsock__backend_t xsock__backend_kqueue;
#endif
#if XSOCK_HAVE_POLL
XSOCK__INTERNAL_DATA const xsock__backend_t xsock__backend_poll;
#endif
#if XSOCK_HAVE_SELECT
XSOCK__INTERNAL_DATA const xsock__backend_t xsock__backend_select;
#endif
#if XSOCK_HAVE_WSAPOLL
XSOCK__INTERNAL_DATA const xsock__backend_t xsock__backend_wsapoll;
#endif
#if XSOCK_HAVE_AFD
XSOCK__INTERNAL_DATA const xsock__backend_t xsock__backend_afd;
#endif

/* ---- slots and the handle -> slot map (handle_map.c of each OS tree) ----
 * POSIX (XSOCK_HAVE_SMALL_HANDLES): the slot of descriptor s is s, the
 * table grows to hold the highest descriptor registered, and there is no
 * map and no free list. Windows: slots are taken from a free list, lowest
 * first, and found through a map with open addressing, linear probing and
 * backward-shift deletion (no tombstones, so lookups never slow down after
 * many removes); an entry holds slot + 1, its key is sel->regs[slot].sock.
 * Only add/modify/remove use these, never wait. */

/* Resets a slot's fields for a new registration (or a free slot). */
static inline void xsock__reg_clear(xsock__reg_t *reg) {
  reg->sock = XSOCK_INVALID;
  reg->interest = 0;
  reg->udata = NULL;
  reg->pos = 0;
  reg->flags = 0;
}

/* The slot of the caller's registration of s, or XSOCK__NO_SLOT (never the
 * wakeup's). */
#if XSOCK_HAVE_SMALL_HANDLES
static inline uint32_t xsock__map_find(const struct xsock_selector *sel,
                                       xsock_t s) {
  uint32_t slot = (uint32_t)s; /* a negative s lands far above regs_cap */
  return slot < sel->regs_cap && sel->regs[slot].sock == s &&
                 slot != sel->wake_slot
             ? slot
             : XSOCK__NO_SLOT;
}
#else
XSOCK__INTERNAL uint32_t xsock__map_find(const struct xsock_selector *sel,
                                         xsock_t s);
#endif

/* Everything that can run out of memory before a registration of s: a
 * slot for it (its fields reset, backend ones zeroed) and room for it in
 * the map. XSOCK_ENOMEM leaves everything unchanged (on POSIX also for an
 * open descriptor of XSOCK__MAX_REGS or more), XSOCK_EBADF for a negative
 * descriptor or a closed one of XSOCK__MAX_REGS or more. */
XSOCK__INTERNAL int xsock__slot_alloc(struct xsock_selector *sel, xsock_t s,
                                      uint32_t *slot);

/* Gives a slot back; the generation bump makes every token a kernel
 * still holds for it stale. Its map entry must be gone. */
XSOCK__INTERNAL void xsock__slot_free(struct xsock_selector *sel,
                                      uint32_t slot);

#if XSOCK_HAVE_SMALL_HANDLES
/* The common case of xsock__slot_alloc, inline: the slot of a descriptor
 * the table already covers (free, as the caller checked; its backend
 * fields still to be zeroed), or XSOCK__NO_SLOT when xsock__slot_alloc
 * must find one. */
static inline uint32_t xsock__slot_quick(const struct xsock_selector *sel,
                                         xsock_t s) {
  return XSOCK__LIKELY((uint32_t)s < sel->regs_cap) ? (uint32_t)s
                                                    : XSOCK__NO_SLOT;
}

/* No map on POSIX. */
#define xsock__map_insert(sel, slot) ((void)(sel), (void)(slot))
#define xsock__map_erase(sel, slot) ((void)(sel), (void)(slot))
#else
/* Windows' slots come from the free list, through xsock__slot_alloc. */
#define xsock__slot_quick(sel, s) ((void)(sel), (void)(s), XSOCK__NO_SLOT)

/* Inserts sel->regs[slot].sock -> slot; slot_alloc reserved the room. */
XSOCK__INTERNAL void xsock__map_insert(struct xsock_selector *sel,
                                       uint32_t slot);

/* Removes the entry of sel->regs[slot].sock, which must be present and
 * still hold its handle. */
XSOCK__INTERNAL void xsock__map_erase(struct xsock_selector *sel,
                                      uint32_t slot);
#endif

/* Sets up an empty table (and map) for xsock_selector_open. */
XSOCK__INTERNAL int xsock__map_init(struct xsock_selector *sel);

/* Frees the table and the map. */
XSOCK__INTERNAL void xsock__map_free(struct xsock_selector *sel);

/* How every backend's add ends (rc its result): on success the
 * registration enters the handle map (but the wakeup's, which the caller
 * must never name) and counts; on failure its slot is freed, whatever
 * the backend did with it, and rc returned. */
static inline int xsock__added(struct xsock_selector *sel, uint32_t slot,
                               int rc) {
  if (XSOCK__LIKELY(rc == 0)) {
    if (slot != sel->wake_slot)
      xsock__map_insert(sel, slot);
    sel->regs_used++;
    return 0;
  }
  xsock__slot_free(sel, slot);
  return rc;
}

#endif /* XSOCK_COMMON_SELECTOR_H */
