/* SPDX-License-Identifier: MIT */
/* xsock_wait, the one-socket wait, and xsock_clock_ms, the monotonic
 * clock its deadlines and the caller's are counted on.
 *
 * The front end checks the arguments (events first, then the handle, the
 * order of every socket call), keeps the deadline, and turns what the OS
 * reported into the flags a selector would report, through the same
 * xsock__ready_events() every backend uses: so xsock_wait(s, ev, t) and a
 * selector with s registered for ev cannot disagree. A wait whose report
 * the rule reduces to nothing (a hangup a WRITE-only caller does not see)
 * goes on waiting for the time left, as the selector's front end does. */
#include "internal.h"
#include "readiness.h"

int64_t xsock_clock_ms(void) { return (int64_t)(xsock__now_ns() / 1000000u); }

/* The milliseconds left until deadline_ns (0 when it passed), for a wait
 * that resumes; never more than INT_MAX fits, as the caller asked for at
 * most that. */
static int wait_api__left_ms(uint64_t deadline_ns) {
  uint64_t now = xsock__now_ns();
  if (now >= deadline_ns)
    return 0;
  /* Rounded up: a wait must never end before its deadline. */
  return (int)((deadline_ns - now + 999999u) / 1000000u);
}

int xsock_wait(xsock_t s, unsigned events, int timeout_ms) {
  uint64_t deadline = 0;
  int left = timeout_ms;
  if (events == 0 || (events & ~(unsigned)(XSOCK_READ | XSOCK_WRITE)))
    return xsock__fail(XSOCK_EINVAL, 0);
  if (s == XSOCK_INVALID)
    return xsock__fail(XSOCK_EBADF, 0);
  if (timeout_ms > 0)
    deadline = xsock__now_ns() + (uint64_t)timeout_ms * 1000000u;
  for (;;) {
    int raw = xsock__os_wait(s, events, left);
    if (raw < 0 && raw != XSOCK_EINTR)
      return raw;
    if (raw > 0) {
      unsigned ready = xsock__ready_events((unsigned)raw, events);
      if (ready != 0)
        return (int)ready;
    }
    /* The time ran out (the OS may wake a little early, so the deadline
     * decides), a signal interrupted the wait, or the report was nothing
     * the caller sees: wait again for the time left, if any. */
    if (timeout_ms == 0)
      return 0;
    if (timeout_ms > 0 && (left = wait_api__left_ms(deadline)) == 0)
      return 0;
  }
}
