/* SPDX-License-Identifier: MIT */
/* The OS half of xsock_wait: one poll(2) over one descriptor.
 *
 * Notes on poll for a single socket:
 *  - The events asked and the bits reported are mapped exactly as the
 *    poll backend maps them (pollbits.h): POLLRDHUP goes with POLLIN only,
 *    POLLERR/POLLHUP come whatever was asked. The front end then applies
 *    the one readiness rule of every backend.
 *  - POLLNVAL means the descriptor is not open: XSOCK_EBADF, as every
 *    other call gives for a closed handle (a selector instead reports the
 *    registration as ERROR|HANGUP, because the caller must remove it).
 *  - poll has no descriptor limit (select would: FD_SETSIZE), so a wait
 *    works for any descriptor number.
 *  - EINTR goes back to the front end, which resumes with the time left. */
#include "os.h"
#include "pollbits.h"

int xsock__os_wait(xsock_t s, unsigned events, int timeout_ms) {
  struct pollfd pfd;
  int rc;
  pfd.fd = s;
  pfd.events = xsock__poll_events(events);
  pfd.revents = 0;
  rc = XSOCK__OS(poll)(&pfd, 1, timeout_ms < 0 ? -1 : timeout_ms);
  if (rc < 0)
    return errno == EINTR ? XSOCK_EINTR : xsock__errno_fail();
  if (rc == 0)
    return 0;
  if (pfd.revents & POLLNVAL)
    return xsock__fail(XSOCK_EBADF, EBADF);
  return (int)xsock__poll_raw(pfd.revents);
}
