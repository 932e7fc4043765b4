/* SPDX-License-Identifier: MIT */
/* The lifecycle hooks of src/common/platform_api.c (WSAStartup/WSACleanup and
 * the lock of the xsock_init() count) and the small platform hooks of
 * src/common/internal.h on Windows.
 *
 * Notes on Windows:
 *  - Winsock must be started (WSAStartup) before any socket call. The
 *    front end counts xsock_init() calls itself and refuses to create a
 *    handle before one, with XSOCK_ENOTINIT on every OS, so forgetting it
 *    shows up on POSIX too, not only here.
 *  - WSAStartup is itself reference-counted, but the front end's own count
 *    makes sure that xsock_cleanup() without a matching successful
 *    xsock_init() can never release a reference the application took with
 *    its own WSAStartup.
 *  - The lock is created once through InitOnceExecuteOnce (Vista and
 *    later), so two threads calling xsock_init() at the same time are safe
 *    without a static initialiser for CRITICAL_SECTION. */
#include "os.h"

#include <iphlpapi.h>
#include <netioapi.h>

static INIT_ONCE platform__once = INIT_ONCE_STATIC_INIT;
static CRITICAL_SECTION platform__lock;

static BOOL CALLBACK platform__init_lock(PINIT_ONCE once, PVOID param,
                                         PVOID *context) {
  (void)once;
  (void)param;
  (void)context;
  InitializeCriticalSection(&platform__lock);
  return TRUE;
}

int xsock__os_lock(void) {
  if (!InitOnceExecuteOnce(&platform__once, platform__init_lock, NULL, NULL))
    return xsock__os_fail((int)GetLastError());
  EnterCriticalSection(&platform__lock);
  return 0;
}

void xsock__os_unlock(void) { LeaveCriticalSection(&platform__lock); }

int xsock__os_init(void) {
  WSADATA data;
  int err = WSAStartup(MAKEWORD(2, 2), &data);
  if (err != 0)
    return xsock__os_fail(err);
  if (LOBYTE(data.wVersion) != 2 || HIBYTE(data.wVersion) != 2) {
    /* Only Winsock 2.2 has everything xsock uses. */
    WSACleanup();
    return xsock__fail(XSOCK_ENOTSUP, WSAVERNOTSUPPORTED);
  }
  return 0;
}

void xsock__os_cleanup(void) { WSACleanup(); }

uint64_t xsock__now_ns(void) {
  /* The performance counter is monotonic and its frequency fixed at boot.
   * The split into whole seconds and a remainder keeps the multiplication
   * from overflowing for any realistic uptime. The cached frequency is
   * read and published with InterlockedCompareExchange64 (also on 32-bit
   * x86): selectors of several threads may ask for the first time at
   * once, and a plain shared LONGLONG is a data race (a torn read on
   * 32-bit x86). Racing threads store the same value. */
  static volatile LONGLONG freq_cache;
  LARGE_INTEGER now;
  uint64_t f, c;
  LONGLONG fq = InterlockedCompareExchange64(&freq_cache, 0, 0);
  if (fq == 0) {
    LARGE_INTEGER q;
    QueryPerformanceFrequency(&q);
    fq = q.QuadPart;
    (void)InterlockedCompareExchange64(&freq_cache, fq, 0);
  }
  QueryPerformanceCounter(&now);
  f = (uint64_t)fq;
  c = (uint64_t)now.QuadPart;
  return (c / f) * 1000000000u + (c % f) * 1000000000u / f;
}

uint32_t xsock__if_index(const char *name) {
  /* if_nametoindex (iphlpapi) knows the interface names Windows shows for
   * IPv6 zones, e.g. "ethernet_0" or "loopback_0". */
  return (uint32_t)if_nametoindex(name);
}
