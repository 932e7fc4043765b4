/* SPDX-License-Identifier: MIT */
/* The consumer every way of taking xsock in builds (ci/consumers.sh): it
 * initialises xsock, sends over a socket pair, sees the readiness through
 * a selector, reads the bytes back, and checks that the version it was
 * compiled against is the version it runs with. */
#include <xsock.h>

#include <stdio.h>
#include <string.h>

/* consumer_cxx.cpp: proves a C++ translation unit can include and call
 * xsock (the header's extern "C" block) in the same program. */
int xsock_consumer_cxx_check(void);

#define XSOCK_CONSUMER_STR2(x) #x
#define XSOCK_CONSUMER_STR(x) XSOCK_CONSUMER_STR2(x)

static int fail(const char *what) {
  fprintf(stderr, "consumer: %s failed\n", what);
  return 1;
}

int main(void) {
  xsock_t pair[2];
  xsock_selector_t *sel = NULL;
  xsock_event_t ev[2];
  char buf[4] = {0};
  int n;
  /* The header's macros must spell the same version as its string, and the
   * library must report that version: a header from one release with a
   * library of another is the mismatch this catches. */
  const char *from_parts =
      XSOCK_CONSUMER_STR(XSOCK_VERSION_MAJOR) "." XSOCK_CONSUMER_STR(
          XSOCK_VERSION_MINOR) "." XSOCK_CONSUMER_STR(XSOCK_VERSION_PATCH);

  if (strcmp(from_parts, XSOCK_VERSION_STRING) != 0)
    return fail("XSOCK_VERSION_STRING against the XSOCK_VERSION_* macros");
  if (strcmp(xsock_version(), XSOCK_VERSION_STRING) != 0)
    return fail("xsock_version() against XSOCK_VERSION_STRING");
#ifdef XSOCK_CONSUMER_EXPECT_VERSION
  /* The build system's idea of the version: the CMake package's
   * xsock_VERSION or pkg-config's --modversion. */
  if (strcmp(xsock_version(), XSOCK_CONSUMER_EXPECT_VERSION) != 0)
    return fail("xsock_version() against the package "
                "version " XSOCK_CONSUMER_EXPECT_VERSION);
#endif
  if (xsock_consumer_cxx_check() != 0)
    return fail("the C++ translation unit");

  if (xsock_init() < 0)
    return fail("xsock_init");
  if (xsock_selector_open(&sel, XSOCK_BACKEND_DEFAULT) < 0)
    return fail("xsock_selector_open");
  if (xsock_socketpair(XSOCK_STREAM, pair) < 0)
    return fail("xsock_socketpair");
  if (xsock_selector_add(sel, pair[1], XSOCK_READ, &pair[1]) < 0)
    return fail("xsock_selector_add");
  if (xsock_sendall(pair[0], "abc", 3) != 3)
    return fail("xsock_sendall");
  /* The bytes are sent already, so the wait returns at once; the bound
   * only keeps a broken build from hanging. */
  n = xsock_selector_wait(sel, ev, 2, 30000);
  if (n != 1 || ev[0].udata != &pair[1] || !(ev[0].events & XSOCK_READ))
    return fail("xsock_selector_wait");
  if (xsock_recv_exact(pair[1], buf, 3) != 3 || strcmp(buf, "abc") != 0)
    return fail("the round trip");
  if (xsock_selector_remove(sel, pair[1]) < 0)
    return fail("xsock_selector_remove");
  xsock_close(pair[0]);
  xsock_close(pair[1]);
  printf("consumer: xsock %s works (%s)\n", xsock_version(),
         xsock_selector_backend(sel));
  xsock_selector_close(sel);
  xsock_cleanup();
  return 0;
}
