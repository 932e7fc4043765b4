/* SPDX-License-Identifier: MIT */
/* xsock_socketpair() on Windows: a connected TCP pair over 127.0.0.1.
 *
 * Windows has no socketpair(). The emulation listens on 127.0.0.1, port 0,
 * with SO_EXCLUSIVEADDRUSE (every xsock socket has it) and a backlog of 1,
 * connects a client and accepts. Any local program can connect to that
 * listener in the short time it exists, so the accepted socket is checked:
 * its peer address must be the client's own address, and the client's peer
 * must be the listener. A foreign connection accepted instead is closed and
 * accept is called again; ours is already queued (connect returned), so a
 * bounded number of accepts always reaches it. The listener is closed as
 * soon as the pair stands. Failures are returned, never asserted.
 *
 * Only XSOCK_STREAM: a UDP "pair" could receive datagrams from anyone.
 * src/common/socket_api.c has checked the type and that xsock is started.
 * The steps call this tree's own halves of the socket calls, never the
 * public API, whose checks would run again and could overwrite the
 * thread's last OS error: the arguments are known to be good here. */
#include "os.h"

#include <string.h>

#ifdef XSOCK_TEST_HOOKS
/* Only in the test build of the library (never in the shipped one): when
 * set, called with the listener's address after it listens and before
 * our client connects, so that a test can connect a stranger first and
 * make the race happen (tests/test_socketpair_race.c); and the number of
 * strangers accepted and discarded so far. */
void (*xsock__socketpair_before_connect)(const xsock_addr_t *listener);
int xsock__socketpair_strangers;
#endif

/* Connections accepted before ours is found, at most. */
#define SOCKETPAIR__ACCEPTS 16
/* Whole attempts when the connect itself is refused (the backlog of 1 was
 * filled by someone else). */
#define SOCKETPAIR__ATTEMPTS 4

static void socketpair__close(xsock_t *s) {
  if (*s != XSOCK_INVALID) {
    xsock__win_discard((SOCKET)*s);
    *s = XSOCK_INVALID;
  }
}

/* Accepts from l until the connection whose peer is want arrives. */
static int socketpair__accept_ours(xsock_t l, const xsock_addr_t *want,
                                   xsock_t *out) {
  int i;
  for (i = 0; i < SOCKETPAIR__ACCEPTS; i++) {
    xsock_addr_t peer;
    xsock_t a = XSOCK_INVALID;
    int rc;
    memset(&peer, 0, sizeof peer);
    if ((rc = xsock__os_accept(l, &a, &peer, 0)) < 0)
      return rc;
    if (xsock__addr_equal(&peer, want)) {
      *out = a;
      return 0;
    }
    /* Someone else raced our client to the listener. */
    closesocket((SOCKET)a);
#ifdef XSOCK_TEST_HOOKS
    xsock__socketpair_strangers++;
#endif
  }
  return xsock__fail(XSOCK_ECONNABORTED, 0);
}

static int socketpair__try(xsock_t pair[2]) {
  xsock_t l = XSOCK_INVALID, c = XSOCK_INVALID, a = XSOCK_INVALID;
  xsock_addr_t laddr, caddr, cpeer;
  int rc;

  memset(&caddr, 0, sizeof caddr);
  memset(&cpeer, 0, sizeof cpeer);
  rc = xsock__os_socket(&l, XSOCK_AF_INET, XSOCK_STREAM, 0);
  if (rc < 0)
    l = XSOCK_INVALID;
  if (rc == 0)
    rc = xsock__addr_loopback(&laddr, XSOCK_AF_INET, 0);
  if (rc == 0)
    rc = xsock__os_bind(l, &laddr);
  if (rc == 0)
    rc = xsock__os_listen(l, 1);
  if (rc == 0) {
    memset(&laddr, 0, sizeof laddr);
    rc = xsock__os_getsockname(l, &laddr);
  }
#ifdef XSOCK_TEST_HOOKS
  if (rc == 0 && xsock__socketpair_before_connect != NULL)
    xsock__socketpair_before_connect(&laddr);
#endif
  if (rc == 0 &&
      (rc = xsock__os_socket(&c, XSOCK_AF_INET, XSOCK_STREAM, 0)) < 0)
    c = XSOCK_INVALID;
  if (rc == 0)
    rc = xsock__os_connect(c, &laddr);
  if (rc == 0)
    rc = xsock__os_getsockname(c, &caddr);
  if (rc == 0)
    rc = socketpair__accept_ours(l, &caddr, &a);
  socketpair__close(&l);
  if (rc == 0)
    rc = xsock__os_getpeername(c, &cpeer);
  if (rc == 0 && !xsock__addr_equal(&cpeer, &laddr))
    rc = xsock__fail(XSOCK_ECONNABORTED, 0);
  if (rc < 0) {
    socketpair__close(&c);
    socketpair__close(&a);
    return rc;
  }
  pair[0] = c;
  pair[1] = a;
  return 0;
}

int xsock__os_socketpair(int type, xsock_t pair[2]) {
  int rc = 0, i;
  if (type == XSOCK_DGRAM)
    return xsock__fail(XSOCK_ENOTSUP, 0);
  for (i = 0; i < SOCKETPAIR__ATTEMPTS; i++) {
    rc = socketpair__try(pair);
    if (rc != XSOCK_ECONNREFUSED)
      break;
  }
  return rc;
}
