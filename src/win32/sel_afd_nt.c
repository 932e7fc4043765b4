/* SPDX-License-Identifier: MIT */
/* The NT side of the AFD backend (sel_afd.h): finding the ntdll entry
 * points, opening \Device\Afd, finding a socket's base handle, and putting
 * poll requests in flight or cancelling them. */
#include "config.h" /* before the guard: it defines XSOCK_HAVE_* */

#ifdef XSOCK_TEST_HOOKS
/* Only in the test build of the library (never in the shipped one): when
 * nonzero, no socket has a base handle, as under a layered provider that
 * hides it, so that the refusal at add and the default's fallback to the
 * next backend are exercised (tests/selector_requests.c). Outside the
 * guard so that a build without afd still links that test. */
int xsock__afd_hide_base;
#endif

#if XSOCK_HAVE_AFD

#include "sel_afd.h"

#include <mswsock.h>

/* The two ways to ask a Winsock provider for the socket underneath it
 * (older MinGW headers lack them): _WSAIOR(IOC_WS2, 34) and 29. */
#ifndef SIO_BASE_HANDLE
#define SIO_BASE_HANDLE 0x48000022UL
#endif
#ifndef SIO_BSP_HANDLE_POLL
#define SIO_BSP_HANDLE_POLL 0x4800001DUL
#endif

/* NtCreateFile's constants: open an existing object, for synchronize
 * access, shared for reading and writing. */
#define AFDNT__FILE_OPEN 1u
#define AFDNT__OBJ_CASE_INSENSITIVE 0x40u

/* UNICODE_STRING and OBJECT_ATTRIBUTES, as NtCreateFile reads them. */
typedef struct afdnt__ustr {
  USHORT length; /* bytes, without a terminator */
  USHORT max_length;
  WCHAR *buffer;
} afdnt__ustr_t;

typedef struct afdnt__attrs {
  ULONG length;
  HANDLE root;
  afdnt__ustr_t *name;
  ULONG attributes;
  void *security;
  void *qos;
} afdnt__attrs_t;

/* A named ntdll function as a generic function pointer. Going through
 * void (*)(void) keeps the cast from FARPROC to the real type free of
 * -Wcast-function-type warnings. */
typedef void (*afdnt__fn_t)(void);

static afdnt__fn_t afdnt__find(HMODULE ntdll, const char *name) {
  return (afdnt__fn_t)GetProcAddress(ntdll, name);
}

/* Fails with an NTSTATUS, translated to a Win32 error code. */
static int afdnt__fail(const xsock__afd_nt_t *nt, LONG status) {
  return xsock__os_fail((int)nt->status_to_win(status));
}

int xsock__afd_open(xsock__afd_nt_t *nt, HANDLE iocp, ULONG_PTR key) {
  /* Any name under the device opens it; the name only shows in
   * debuggers. */
  static const WCHAR path[] = L"\\Device\\Afd\\Xsock";
  HMODULE ntdll = GetModuleHandleW(L"ntdll.dll");
  afdnt__ustr_t name;
  afdnt__attrs_t attrs;
  xsock__afd_iosb_t iosb;
  LONG status;
  nt->device = NULL;
  if (ntdll == NULL)
    return xsock__fail(XSOCK_ENOTSUP, 0);
  nt->create_file = (xsock__afd_create_fn)afdnt__find(ntdll, "NtCreateFile");
  nt->ioctl = (xsock__afd_ioctl_fn)afdnt__find(ntdll, "NtDeviceIoControlFile");
  nt->cancel = (xsock__afd_cancel_fn)afdnt__find(ntdll, "NtCancelIoFileEx");
  nt->status_to_win =
      (xsock__afd_status_fn)afdnt__find(ntdll, "RtlNtStatusToDosError");
  if (nt->create_file == NULL || nt->ioctl == NULL || nt->cancel == NULL ||
      nt->status_to_win == NULL)
    return xsock__fail(XSOCK_ENOTSUP, 0);
  name.length = (USHORT)(sizeof path - sizeof path[0]);
  name.max_length = (USHORT)sizeof path;
  name.buffer = (WCHAR *)path;
  attrs.length = (ULONG)sizeof attrs;
  attrs.root = NULL;
  attrs.name = &name;
  attrs.attributes = AFDNT__OBJ_CASE_INSENSITIVE;
  attrs.security = NULL;
  attrs.qos = NULL;
  status = nt->create_file(&nt->device, SYNCHRONIZE, &attrs, &iosb, NULL, 0,
                           FILE_SHARE_READ | FILE_SHARE_WRITE, AFDNT__FILE_OPEN,
                           0, NULL, 0);
  if (status != XSOCK__AFD_STATUS_SUCCESS) {
    nt->device = NULL;
    return xsock__fail(XSOCK_ENOTSUP, (int)nt->status_to_win(status));
  }
  if (CreateIoCompletionPort(nt->device, iocp, key, 0) == NULL) {
    int rc = xsock__os_fail((int)GetLastError());
    xsock__afd_close(nt);
    return rc;
  }
  /* Completions go through the port only: no event object to set. */
  if (!SetFileCompletionNotificationModes(nt->device,
                                          FILE_SKIP_SET_EVENT_ON_HANDLE)) {
    int rc = xsock__os_fail((int)GetLastError());
    xsock__afd_close(nt);
    return rc;
  }
  return 0;
}

void xsock__afd_close(xsock__afd_nt_t *nt) {
  if (nt->device != NULL)
    CloseHandle(nt->device);
  nt->device = NULL;
}

/* One WSAIoctl that returns a handle. */
static int afdnt__ioctl_handle(SOCKET s, DWORD code, HANDLE *out) {
  SOCKET base = INVALID_SOCKET;
  DWORD bytes = 0;
  if (WSAIoctl(s, code, NULL, 0, &base, (DWORD)sizeof base, &bytes, NULL,
               NULL) == SOCKET_ERROR ||
      base == INVALID_SOCKET)
    return -1;
  *out = (HANDLE)base;
  return 0;
}

int xsock__afd_base(SOCKET s, HANDLE *base) {
#ifdef XSOCK_TEST_HOOKS
  if (xsock__afd_hide_base)
    return xsock__fail(XSOCK_ENOTSUP, WSAEOPNOTSUPP);
#endif
  /* SIO_BASE_HANDLE goes straight to the base provider, but a layered
   * provider may refuse it; SIO_BSP_HANDLE_POLL is the one such providers
   * are asked to pass on for exactly this use (polling). */
  if (afdnt__ioctl_handle(s, SIO_BASE_HANDLE, base) == 0 ||
      afdnt__ioctl_handle(s, SIO_BSP_HANDLE_POLL, base) == 0)
    return 0;
  return xsock__fail(XSOCK_ENOTSUP, WSAGetLastError());
}

int xsock__afd_submit(xsock__afd_nt_t *nt, xsock__afd_req_t *req,
                      ULONG events) {
  LONG status;
  /* Never time out: the request ends by an event or a cancellation. */
  req->poll.timeout.QuadPart = INT64_MAX;
  req->poll.count = 1;
  req->poll.exclusive = FALSE;
  req->poll.handle = req->base;
  req->poll.events = events;
  req->poll.status = 0;
  req->iosb.u.status = XSOCK__AFD_STATUS_PENDING;
  req->iosb.information = 0;
  /* The request is its own completion context: the port hands its address
   * back, whatever happened to the registration meanwhile. */
  status = nt->ioctl(nt->device, NULL, NULL, req, &req->iosb,
                     XSOCK__AFD_IOCTL_POLL, &req->poll, (ULONG)sizeof req->poll,
                     &req->poll, (ULONG)sizeof req->poll);
  /* Success too is reported through the port (the device does not skip
   * the port on synchronous success), so both mean "in flight". */
  if (status != XSOCK__AFD_STATUS_PENDING &&
      status != XSOCK__AFD_STATUS_SUCCESS)
    return afdnt__fail(nt, status);
  req->armed = events;
  req->busy = 1;
  req->cancelling = 0;
  return 0;
}

void xsock__afd_cancel(xsock__afd_nt_t *nt, xsock__afd_req_t *req) {
  xsock__afd_iosb_t iosb;
  /* STATUS_NOT_FOUND means the request completed already and its packet
   * waits in the port; either way exactly one packet comes. */
  (void)nt->cancel(nt->device, &req->iosb, &iosb);
  req->cancelling = 1;
}

#endif /* XSOCK_HAVE_AFD */
