/* SPDX-License-Identifier: MIT */
#include "xtest.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifdef _WIN32
#include <windows.h>
#else
#include <time.h>
#endif

long long xt__ok(long long value, const char *expr, const char *file,
                 int line) {
  if (value < 0) {
    char os[160];
    int oserr = xsock_last_os_error();
    xsock_os_strerror(oserr, os, sizeof os);
    print_error("%s failed: %s (%s), OS error %d (%s)\n", expr,
                xsock_err_name((int)value), xsock_strerror((int)value), oserr,
                os);
    _fail(file, line);
  }
  return value;
}

void xt__err(long long value, int err, const char *expr, const char *file,
             int line) {
  if (value != err) {
    print_error("%s returned %lld (%s), expected %s\n", expr, value,
                value < 0 ? xsock_err_name((int)value) : "success",
                xsock_err_name(err));
    _fail(file, line);
  }
}

void xt_listener(xsock_t *listener, xsock_addr_t *addr, int family) {
  xsock_addr_t any;
  xt_ok(xsock_socket(listener, family, XSOCK_STREAM, 0));
  xt_ok(xsock_addr_loopback(&any, family, 0));
  xt_ok(xsock_bind(*listener, &any));
  xt_ok(xsock_listen(*listener, 64));
  xt_ok(xsock_getsockname(*listener, addr));
}

void xt_tcp_pair(xsock_t *client, xsock_t *server) {
  xsock_t l;
  xsock_addr_t addr;
  xt_listener(&l, &addr, XSOCK_AF_INET);
  xt_ok(xsock_socket(client, XSOCK_AF_INET, XSOCK_STREAM, 0));
  xt_ok(xsock_connect(*client, &addr));
  xt_ok(xsock_accept(l, server, NULL, 0));
  xt_ok(xsock_close(l));
}

void xt_close(xsock_t *s) {
  if (*s != XSOCK_INVALID) {
    xsock_close(*s);
    *s = XSOCK_INVALID;
  }
}

int xt_is_wine(void) {
#ifdef _WIN32
  /* Wine's ntdll exports wine_get_version; Windows' does not. */
  HMODULE ntdll = GetModuleHandleA("ntdll.dll");
  return ntdll != NULL && GetProcAddress(ntdll, "wine_get_version") != NULL;
#else
  return 0;
#endif
}

void xt_sleep_ms(int ms) {
#ifdef _WIN32
  Sleep((DWORD)ms);
#else
  struct timespec ts;
  ts.tv_sec = ms / 1000;
  ts.tv_nsec = (long)(ms % 1000) * 1000000L;
  while (nanosleep(&ts, &ts) != 0) {
  }
#endif
}
