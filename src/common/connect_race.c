/* SPDX-License-Identifier: MIT */
/* xsock_connect_addrs: Happy Eyeballs version 2 (RFC 8305) over a list of
 * addresses, the connecting half of xsock_create_connection
 * (connect_api.c). Written once on top of the public calls (socket,
 * connect, connect_result, the selector), so every OS and backend runs the
 * same race.
 *
 * The rules, with the RFC's sections:
 *  - Order (section 4): the addresses are interleaved by family, starting
 *    with the family of the first one (the resolver's choice, RFC 6724),
 *    one address of each family in turn ("First Address Family Count"
 *    of 1); within a family the caller's order is kept.
 *  - Pacing (section 5): an attempt starts, and the next one starts when
 *    the Connection Attempt Delay has passed without a connection, while
 *    the earlier ones stay pending; an attempt that fails (refused,
 *    unreachable, or a connect call that fails at once) starts the next
 *    one at once instead of waiting the delay out. The delay defaults to
 *    250 ms and may be 100 ms to 2 s, the range the RFC recommends.
 *  - The winner (section 5): the first attempt to connect; every other
 *    socket is closed before the call returns, the failed ones as they
 *    fail.
 *  - The deadline bounds the whole race; without one, the race lasts
 *    until a connection is made or every attempt has had the OS's verdict.
 *  - When every attempt fails, the most telling error is returned:
 *    see race__rank.
 *
 * The pending attempts are watched with a selector of the default
 * backend, opened for the race and closed after it. A single address
 * needs no race and no selector: it is one connect and one xsock_wait. */
#include "internal.h"

#include <string.h>

/* The most addresses one race takes (and xsock_create_connection asks
 * the resolver for). */
#define RACE__MAX XSOCK_CONNECT_ADDRS_MAX

/* The backend of the race's selector: the default, or in the test build
 * the one a test names (tests/selector_connect_addrs.c runs the race on
 * every backend). Plain extern there, so that the drop-in's test reaches
 * it too. */
#ifdef XSOCK_TEST_HOOKS
int xsock__race_backend = XSOCK_BACKEND_DEFAULT;
#define RACE__BACKEND xsock__race_backend
#else
#define RACE__BACKEND XSOCK_BACKEND_DEFAULT
#endif

typedef struct race {
  xsock_selector_t *sel;    /* NULL with one address (xsock_wait then) */
  xsock_t socks[RACE__MAX]; /* the pending attempts, XSOCK_INVALID else */
  int pending;              /* how many of socks are open */
  int err, os;              /* the most telling failure so far, or 0 */
} race_t;

/* How much a failure tells about the address, higher more: a refusal
 * means a host answered and nothing listens on that port, the strongest
 * verdict; an unreachable network or host is what one family of a
 * dual-stack name commonly gets (a dead IPv6 route), and a time-out says
 * only that nobody answered in time. Anything else (no handles left, a
 * permission) is a local fault worth more than the routing ones. */
static int race__rank(int rc) {
  switch (rc) {
  case XSOCK_ECONNREFUSED:
    return 4;
  case XSOCK_ENETUNREACH:
  case XSOCK_EHOSTUNREACH:
  case XSOCK_ENETDOWN:
  case XSOCK_EADDRNOTAVAIL:
  case XSOCK_EAFNOSUPPORT:
    return 2;
  case XSOCK_ETIMEDOUT:
    return 1;
  default:
    return 3;
  }
}

/* Keeps rc (with the OS error recorded for it) when it tells more than
 * what the race has; among equals the earliest stays. */
static void race__failed(race_t *r, int rc, int os) {
  if (r->err == 0 || race__rank(rc) > race__rank(r->err)) {
    r->err = rc;
    r->os = os;
  }
}

/* Closes attempt i, if open. */
static void race__drop(race_t *r, int i) {
  if (r->socks[i] == XSOCK_INVALID)
    return;
  if (r->sel != NULL)
    (void)xsock_selector_remove(r->sel, r->socks[i]);
  (void)xsock_close(r->socks[i]);
  r->socks[i] = XSOCK_INVALID;
  r->pending--;
}

/* Orders addrs into out as section 4 says (see the top of this file). */
static void race__interleave(const xsock_addr_t *addrs, int n,
                             xsock_addr_t *out) {
  int first = xsock_addr_family(&addrs[0]);
  int a = 0, b = 0, k = 0, turn = 0;
  while (k < n) {
    /* a walks the first family, b the others; each takes its turn while
     * it has addresses left. */
    while (a < n && xsock_addr_family(&addrs[a]) != first)
      a++;
    while (b < n && xsock_addr_family(&addrs[b]) == first)
      b++;
    if ((turn == 0 && a < n) || b >= n)
      out[k++] = addrs[a++];
    else
      out[k++] = addrs[b++];
    turn = !turn;
  }
}

/* What race__start did with an attempt (or a negative failure that ends
 * the race: the selector could not be opened or take the socket). */
enum {
  RACE__PENDING = 0, /* connecting: watched until it is done */
  RACE__WON = 1,     /* connected at once: r->socks[i], not pending */
  RACE__FAILED = 2   /* failed at once: recorded in r, nothing open */
};

/* Starts attempt i to addr; returns one of the above. */
static int race__start(race_t *r, int i, const xsock_addr_t *addr, int n) {
  xsock_t s;
  int rc =
      xsock_socket(&s, xsock_addr_family(addr), XSOCK_STREAM, XSOCK_NONBLOCK);
  if (rc < 0) {
    race__failed(r, rc, xsock_last_os_error());
    return RACE__FAILED;
  }
  rc = xsock_connect(s, addr);
  if (rc == 0) {
    r->socks[i] = s;
    return RACE__WON;
  }
  if (rc != XSOCK_EINPROGRESS) {
    race__failed(r, rc, xsock_last_os_error());
    (void)xsock_close(s);
    return RACE__FAILED;
  }
  r->socks[i] = s;
  r->pending++;
  if (n == 1)
    return RACE__PENDING; /* race__wait watches it with xsock_wait */
  if (r->sel == NULL && (rc = xsock_selector_open(&r->sel, RACE__BACKEND)) < 0)
    return rc;
  /* The index rides in the user data: no lookup when an event comes. */
  rc = xsock_selector_add(r->sel, s, XSOCK_WRITE, (void *)(r->socks + i));
  return rc < 0 ? rc : RACE__PENDING;
}

/* Milliseconds from now until at, for a wait: 0 once it passed; -1 when
 * at is -1 (never). */
static int race__until(int64_t at, int64_t now) {
  if (at < 0)
    return -1;
  if (at <= now)
    return 0;
  return at - now > 0x7fffffff ? 0x7fffffff : (int)(at - now);
}

/* Waits at most timeout_ms for the pending attempts and stores the
 * ready ones in evs: the selector's wait, or with one address, which
 * needs no selector, xsock_wait on its socket. */
static int race__wait(race_t *r, xsock_event_t *evs, int timeout_ms) {
  int got;
  if (r->sel != NULL)
    return xsock_selector_wait(r->sel, evs, RACE__MAX, timeout_ms);
  if ((got = xsock_wait(r->socks[0], XSOCK_WRITE, timeout_ms)) <= 0)
    return got;
  evs[0].sock = r->socks[0];
  evs[0].events = (unsigned)got;
  evs[0].udata = r->socks;
  return 1;
}

/* The race itself over the ordered addrs. Returns the index of the
 * winner (its socket in r->socks, no longer counted as pending), or a
 * failure. */
static int race__run(race_t *r, const xsock_addr_t *addrs, int n,
                     int64_t deadline, int delay_ms) {
  xsock_event_t evs[RACE__MAX];
  int64_t now, next_at = 0; /* when the next attempt may start */
  int next = 0, i, k, got, rc;
  for (;;) {
    now = xsock_clock_ms();
    if (deadline >= 0 && now >= deadline) {
      race__failed(r, XSOCK_ETIMEDOUT, 0); /* kept only if nothing better */
      return r->err;
    }
    /* Start the next attempt when its time came, or at once when nothing
     * is pending (the earlier attempts all failed). */
    if (next < n && (r->pending == 0 || now >= next_at)) {
      i = next++;
      rc = race__start(r, i, &addrs[i], n);
      if (rc == RACE__WON)
        return i;
      if (rc < 0)
        return rc;
      /* The next waits the delay after an attempt that is under way, and
       * nothing after one that failed at once. */
      next_at = rc == RACE__PENDING ? now + delay_ms : now;
      continue;
    }
    if (r->pending == 0) /* every address tried, every one failed */
      return r->err != 0 ? r->err : xsock__fail(XSOCK_EUNKNOWN, 0);
    {
      int64_t until = next < n ? next_at : -1;
      if (deadline >= 0 && (until < 0 || deadline < until))
        until = deadline;
      got = race__wait(r, evs, race__until(until, now));
    }
    if (got < 0)
      return got;
    for (k = 0; k < got; k++) {
      i = (int)((xsock_t *)evs[k].udata - r->socks);
      if (r->socks[i] == XSOCK_INVALID)
        continue;
      rc = xsock_connect_result(r->socks[i]);
      if (rc == XSOCK_EINPROGRESS)
        continue; /* not writable yet after all: wait on */
      if (rc == 0) {
        if (r->sel != NULL)
          (void)xsock_selector_remove(r->sel, r->socks[i]);
        r->pending--;
        return i;
      }
      race__failed(r, rc, xsock_last_os_error());
      race__drop(r, i);
      next_at = now; /* a failure starts the next attempt at once */
    }
  }
}

int xsock_connect_addrs(xsock_t *out, const xsock_addr_t *addrs, int n,
                        int timeout_ms, int attempt_delay_ms, int flags) {
  return xsock__connect_addrs(out, addrs, n, timeout_ms, attempt_delay_ms,
                              xsock_clock_ms(), flags);
}

int xsock__connect_addrs(xsock_t *out, const xsock_addr_t *addrs, int n,
                         int timeout_ms, int attempt_delay_ms, int64_t start_ms,
                         int flags) {
  xsock_addr_t ordered[RACE__MAX];
  race_t r;
  int i, rc, win;
  if (out == NULL)
    return xsock__fail(XSOCK_EINVAL, 0);
  *out = XSOCK_INVALID;
  if (addrs == NULL || n < 1 || n > RACE__MAX || timeout_ms == 0 ||
      (flags & ~XSOCK_NONBLOCK) != 0 ||
      (attempt_delay_ms != 0 && (attempt_delay_ms < XSOCK_ATTEMPT_DELAY_MIN ||
                                 attempt_delay_ms > XSOCK_ATTEMPT_DELAY_MAX)))
    return xsock__fail(XSOCK_EINVAL, 0);
  for (i = 0; i < n; i++)
    if ((rc = xsock__sock_check_addr(&addrs[i])) < 0)
      return rc;
  if ((rc = xsock__check_init()) < 0)
    return rc;
  memset(&r, 0, sizeof r);
  for (i = 0; i < RACE__MAX; i++)
    r.socks[i] = XSOCK_INVALID;
  race__interleave(addrs, n, ordered);
  win = race__run(&r, ordered, n, timeout_ms < 0 ? -1 : start_ms + timeout_ms,
                  attempt_delay_ms != 0 ? attempt_delay_ms
                                        : XSOCK_ATTEMPT_DELAY_DEFAULT);
  /* Every attempt but the winner is closed; nothing is left open. */
  for (i = 0; i < n; i++)
    if (i != win)
      race__drop(&r, i);
  if (r.sel != NULL)
    xsock_selector_close(r.sel);
  if (win < 0)
    return xsock__fail(win, win == r.err ? r.os : xsock_last_os_error());
  *out = r.socks[win];
  if (!(flags & XSOCK_NONBLOCK) && (rc = xsock_set_nonblocking(*out, 0)) < 0) {
    int os = xsock_last_os_error();
    (void)xsock_close(*out);
    *out = XSOCK_INVALID;
    return xsock__fail(rc, os);
  }
  return 0;
}
