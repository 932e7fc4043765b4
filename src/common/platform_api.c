/* SPDX-License-Identifier: MIT */
/* The front end of xsock_init and xsock_cleanup, and the check that the
 * calls creating a handle make (their OS halves: platform.c of src/posix
 * and src/win32, which start and stop the OS's socket layer). */
#include "internal.h"

/* Balanced xsock_init() calls; guarded by xsock__os_lock(). */
static unsigned long sock__refs;

int xsock_init(void) {
  int rc = xsock__os_lock();
  if (rc < 0)
    return rc;
  if (sock__refs == 0)
    rc = xsock__os_init();
  if (rc == 0)
    sock__refs++;
  xsock__os_unlock();
  return rc;
}

void xsock_cleanup(void) {
  if (xsock__os_lock() < 0)
    return;
  /* An unbalanced cleanup is ignored, so it can never release an OS
   * start-up reference that xsock did not take. */
  if (sock__refs > 0 && --sock__refs == 0)
    xsock__os_cleanup();
  xsock__os_unlock();
}

int xsock__check_init(void) {
  unsigned long refs;
  int rc = xsock__os_lock();
  if (rc < 0)
    return rc;
  refs = sock__refs;
  xsock__os_unlock();
  return refs > 0 ? 0 : xsock__fail(XSOCK_ENOTINIT, 0);
}
