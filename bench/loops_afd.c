/* SPDX-License-Identifier: MIT */
/* The raw `afd` loop (loops_afd.h), written the plain way a user of the
 * technique writes it (bench/SPEC.md 0.1):
 *  - one handle to \Device\Afd, opened with NtCreateFile and associated
 *    with one completion port; ntdll's functions are found with
 *    GetProcAddress, as no import library is needed for them;
 *  - one registration record per socket, allocated on its own, since the
 *    driver writes into it while its request is in flight and a growing
 *    array would move it; the record is also the request's completion
 *    context, so a completion leads straight to its socket;
 *  - add asks for the socket's base handle (SIO_BASE_HANDLE: AFD knows
 *    the socket by the base provider's handle) and puts one
 *    IOCTL_AFD_POLL request in flight at once;
 *  - an iteration is one GetQueuedCompletionStatusEx with room for 1024
 *    entries, then the handler of each completed request, and then,
 *    unless in one-shot mode, the request goes straight back in flight:
 *    after the handler, so that it asks about the socket as the handler
 *    left it (before the handler it would complete again at once for the
 *    data about to be read).
 * None of the NT declarations are in the SDK's documented headers, so
 * the few this needs are spelled out below, from the layout the driver
 * reads. */
#include <winsock2.h>

#include "loops_afd.h"
#include "bench.h"

#include <stdlib.h>

/* The ioctl that returns the base provider's socket under s (older MinGW
 * headers lack its name): _WSAIOR(IOC_WS2, 34). */
#ifndef SIO_BASE_HANDLE
#define SIO_BASE_HANDLE 0x48000022UL
#endif

/* NTSTATUS values this loop tells apart. */
#define AFDB_SUCCESS 0L
#define AFDB_PENDING 0x103L

/* AFD's poll request: device type 0x12 in bits 12 and up, request
 * number 9 in bits 2 and up, buffered transfer (0) in the low bits. */
#define AFDB_IOCTL_POLL ((ULONG)(0x12u << 12 | 9u << 2))

/* The poll events used: READ interest is data, a connection to accept,
 * the peer's FIN or reset; LOCAL_CLOSE ends a request whose socket we
 * closed. */
#define AFDB_RECEIVE 0x1u
#define AFDB_DISCONNECT 0x8u
#define AFDB_ABORT 0x10u
#define AFDB_LOCAL_CLOSE 0x20u
#define AFDB_ACCEPT 0x80u
#define AFDB_READ_EVENTS                                                       \
  (AFDB_RECEIVE | AFDB_DISCONNECT | AFDB_ABORT | AFDB_LOCAL_CLOSE | AFDB_ACCEPT)

/* Completion keys: the device's requests, and W5's wakeup packets. */
#define AFDB_KEY_POLL 1u
#define AFDB_KEY_WAKE 2u

/* Entries reaped per wait, the room epoll_wait gets in loops.c. */
#define AFDB_MAXEVENTS 1024

/* Where the driver leaves a request's final status. */
typedef struct afdb_iosb {
  union {
    LONG status;
    void *unused;
  } u;
  ULONG_PTR info;
} afdb_iosb_t;

/* The poll request's input and output: how long it may wait, how many
 * handles follow, whether it replaces other polls on them, then per
 * handle what to watch and (on output) what happened. One handle here. */
typedef struct afdb_poll {
  LARGE_INTEGER timeout;
  ULONG nhandles;
  ULONG exclusive;
  HANDLE handle;
  ULONG events;
  LONG status;
} afdb_poll_t;

/* NtCreateFile's name and attributes arguments. */
typedef struct afdb_name {
  USHORT bytes, room;
  WCHAR *text;
} afdb_name_t;

typedef struct afdb_attrs {
  ULONG size;
  HANDLE root;
  afdb_name_t *name;
  ULONG flags;
  void *sd, *sqos;
} afdb_attrs_t;

typedef LONG(WINAPI *afdb_create_fn)(HANDLE *, ACCESS_MASK, afdb_attrs_t *,
                                     afdb_iosb_t *, LARGE_INTEGER *, ULONG,
                                     ULONG, ULONG, ULONG, void *, ULONG);
typedef LONG(WINAPI *afdb_ioctl_fn)(HANDLE, HANDLE, void *, void *,
                                    afdb_iosb_t *, ULONG, void *, ULONG, void *,
                                    ULONG);
typedef LONG(WINAPI *afdb_cancel_fn)(HANDLE, afdb_iosb_t *, afdb_iosb_t *);

typedef struct afdb_reg {
  afdb_iosb_t iosb; /* the driver writes these two while in flight */
  afdb_poll_t poll;
  SOCKET sock;
  HANDLE base;
  uintptr_t udata;
  int idx;  /* in regs[]; -1 once unregistered */
  int busy; /* a request is in flight */
} afdb_reg_t;

struct afd_loop {
  afdb_ioctl_fn ioctl;
  afdb_cancel_fn cancel;
  HANDLE device, port;
  int oneshot, woken;
  loop_handler_fn fn;
  void *ctx;
  afdb_reg_t **regs;
  int nregs, cap;
  afdb_reg_t *cur; /* the registration whose handler runs */
  ULONG inflight;  /* requests the driver holds */
  OVERLAPPED_ENTRY ents[AFDB_MAXEVENTS];
};

/* GetProcAddress's result through void (*)(void), the one function type
 * that casts to any other without a -Wcast-function-type warning. */
typedef void (*afdb_any_fn)(void);

static afdb_any_fn afdb_find(const char *name) {
  HMODULE ntdll = GetModuleHandleW(L"ntdll.dll");
  afdb_any_fn f = ntdll ? (afdb_any_fn)GetProcAddress(ntdll, name) : NULL;
  if (f == NULL)
    bench_die(name, 0);
  return f;
}

afd_loop_t *afd_loop_open(int oneshot, loop_handler_fn fn, void *ctx) {
  /* Any name below the device opens it. */
  static WCHAR path[] = L"\\Device\\Afd\\XsockBench";
  afd_loop_t *a = (afd_loop_t *)calloc(1, sizeof *a);
  afdb_create_fn create;
  afdb_name_t name;
  afdb_attrs_t attrs;
  afdb_iosb_t iosb;
  LONG st;
  if (a == NULL)
    bench_die("out of memory", 0);
  a->oneshot = oneshot;
  a->fn = fn;
  a->ctx = ctx;
  create = (afdb_create_fn)afdb_find("NtCreateFile");
  a->ioctl = (afdb_ioctl_fn)afdb_find("NtDeviceIoControlFile");
  a->cancel = (afdb_cancel_fn)afdb_find("NtCancelIoFileEx");
  name.bytes = (USHORT)(sizeof path - sizeof path[0]);
  name.room = (USHORT)sizeof path;
  name.text = path;
  attrs.size = (ULONG)sizeof attrs;
  attrs.root = NULL;
  attrs.name = &name;
  attrs.flags = 0x40u; /* case-insensitive */
  attrs.sd = attrs.sqos = NULL;
  /* Synchronize access, shared, open the existing device (1). */
  st = create(&a->device, SYNCHRONIZE, &attrs, &iosb, NULL, 0,
              FILE_SHARE_READ | FILE_SHARE_WRITE, 1u, 0, NULL, 0);
  if (st != AFDB_SUCCESS)
    bench_die("NtCreateFile(\\Device\\Afd) failed", (int)st);
  a->port = CreateIoCompletionPort(INVALID_HANDLE_VALUE, NULL, 0, 1);
  if (a->port == NULL ||
      CreateIoCompletionPort(a->device, a->port, AFDB_KEY_POLL, 0) == NULL)
    bench_die("CreateIoCompletionPort", (int)GetLastError());
  /* Completions are read from the port only: the device's own event need
   * not be signalled on each. */
  if (!SetFileCompletionNotificationModes(a->device,
                                          FILE_SKIP_SET_EVENT_ON_HANDLE))
    bench_die("SetFileCompletionNotificationModes", (int)GetLastError());
  return a;
}

/* Puts r's request in flight. The record is the request's context: the
 * port hands its address back as the entry's lpOverlapped. */
static void afdb_submit(afd_loop_t *a, afdb_reg_t *r) {
  LONG st;
  r->poll.timeout.QuadPart = INT64_MAX; /* only an event ends it */
  r->poll.nhandles = 1;
  r->poll.exclusive = 0;
  r->poll.handle = r->base;
  r->poll.events = AFDB_READ_EVENTS;
  r->poll.status = 0;
  r->iosb.u.status = AFDB_PENDING;
  st = a->ioctl(a->device, NULL, NULL, r, &r->iosb, AFDB_IOCTL_POLL, &r->poll,
                (ULONG)sizeof r->poll, &r->poll, (ULONG)sizeof r->poll);
  /* A poll satisfied at once also completes through the port. */
  if (st != AFDB_PENDING && st != AFDB_SUCCESS)
    bench_die("IOCTL_AFD_POLL refused", (int)st);
  r->busy = 1;
  a->inflight++;
}

int afd_loop_add(afd_loop_t *a, SOCKET s, uintptr_t udata) {
  afdb_reg_t *r = (afdb_reg_t *)calloc(1, sizeof *r);
  DWORD bytes = 0;
  if (r == NULL)
    bench_die("out of memory", 0);
  if (WSAIoctl(s, SIO_BASE_HANDLE, NULL, 0, &r->base, (DWORD)sizeof r->base,
               &bytes, NULL, NULL) == SOCKET_ERROR)
    bench_die("SIO_BASE_HANDLE", WSAGetLastError());
  if (a->nregs == a->cap) {
    int cap = a->cap ? a->cap * 2 : 256;
    a->regs = (afdb_reg_t **)realloc(a->regs, (size_t)cap * sizeof *a->regs);
    if (a->regs == NULL)
      bench_die("out of memory", 0);
    a->cap = cap;
  }
  r->sock = s;
  r->udata = udata;
  r->idx = a->nregs;
  a->regs[a->nregs++] = r;
  afdb_submit(a, r);
  return 0;
}

/* The record of s: the one being dispatched (a handler's re-arm or
 * delete), else a scan (teardown; the rearm of a handler that is not
 * its own socket's). */
static afdb_reg_t *afdb_lookup(const afd_loop_t *a, SOCKET s) {
  int i;
  if (a->cur != NULL && a->cur->sock == s)
    return a->cur;
  for (i = 0; i < a->nregs; i++)
    if (a->regs[i]->sock == s)
      return a->regs[i];
  bench_die("not registered", 0);
  return NULL;
}

void afd_loop_del(afd_loop_t *a, SOCKET s) {
  afdb_reg_t *r = afdb_lookup(a, s);
  a->nregs--;
  a->regs[r->idx] = a->regs[a->nregs];
  a->regs[r->idx]->idx = r->idx;
  r->idx = -1;
  /* The driver may still write into a record in flight: it is freed when
   * its (cancelled) completion is reaped; the one being dispatched, when
   * its handler returns. */
  if (r->busy) {
    afdb_iosb_t iosb;
    (void)a->cancel(a->device, &r->iosb, &iosb);
  } else if (r != a->cur) {
    free(r);
  }
}

void afd_loop_rearm(afd_loop_t *a, SOCKET s) {
  afdb_reg_t *r = afdb_lookup(a, s);
  if (!r->busy)
    afdb_submit(a, r);
}

int afd_loop_iter(afd_loop_t *a, DWORD timeout_ms) {
  ULONG n = 0, i;
  int calls = 0;
  if (!GetQueuedCompletionStatusEx(a->port, a->ents, AFDB_MAXEVENTS, &n,
                                   timeout_ms, FALSE)) {
    if (GetLastError() == WAIT_TIMEOUT)
      return 0;
    bench_die("GetQueuedCompletionStatusEx", (int)GetLastError());
  }
  for (i = 0; i < n; i++) {
    afdb_reg_t *r = (afdb_reg_t *)a->ents[i].lpOverlapped;
    if (a->ents[i].lpCompletionKey == AFDB_KEY_WAKE) {
      a->woken = 1;
      continue;
    }
    r->busy = 0;
    a->inflight--;
    if (r->idx < 0) { /* unregistered while in flight */
      free(r);
      continue;
    }
    if (r->iosb.u.status != AFDB_SUCCESS)
      bench_die("AFD poll failed", (int)r->iosb.u.status);
    /* Our own socket was closed under the request: nothing to report,
     * and nothing to poll any more. */
    if (r->poll.nhandles == 0 || (r->poll.events & AFDB_LOCAL_CLOSE))
      continue;
    a->cur = r;
    a->fn(a->ctx, r->udata);
    a->cur = NULL;
    calls++;
    if (r->idx < 0)
      free(r); /* the handler unregistered it */
    else if (!a->oneshot)
      afdb_submit(a, r);
  }
  return calls;
}

void afd_loop_wake(afd_loop_t *a) {
  if (!PostQueuedCompletionStatus(a->port, 0, AFDB_KEY_WAKE, NULL))
    bench_die("PostQueuedCompletionStatus", (int)GetLastError());
}

int afd_loop_iter_wake(afd_loop_t *a, DWORD timeout_ms) {
  a->woken = 0;
  (void)afd_loop_iter(a, timeout_ms);
  return a->woken;
}

void afd_loop_close(afd_loop_t *a) {
  int i;
  for (i = 0; i < a->nregs; i++) {
    afdb_reg_t *r = a->regs[i];
    r->idx = -1;
    if (r->busy) {
      afdb_iosb_t iosb;
      (void)a->cancel(a->device, &r->iosb, &iosb);
    } else {
      free(r);
    }
  }
  a->nregs = 0;
  /* Every cancelled request completes (at once) through the port; their
   * records are freed as they come back. */
  for (i = 0; a->inflight > 0; i++) {
    ULONG before = a->inflight;
    (void)afd_loop_iter(a, 1000);
    if (a->inflight == before && i >= 5)
      bench_die("cancelled AFD polls did not come back", 0);
  }
  CloseHandle(a->device);
  CloseHandle(a->port);
  free(a->regs);
  free(a);
}
