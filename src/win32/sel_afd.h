/* SPDX-License-Identifier: MIT */
/* What the two files of the AFD backend share: sel_afd_nt.c talks to the
 * NT layer (\Device\Afd, IOCTL_AFD_POLL, cancellation), sel_afd.c is the
 * backend itself (selector.h's contract).
 *
 * The technique: every socket of a Winsock base provider is a handle of
 * the AFD driver. A handle of our own to \Device\Afd, associated with an
 * I/O completion port, accepts IOCTL_AFD_POLL requests that name another
 * socket's base handle and complete, through the port, as soon as one of
 * the events asked for holds. So a wait costs one
 * GetQueuedCompletionStatusEx whatever the number of sockets, and each
 * registration keeps one request in flight.
 *
 * None of this is in the Windows SDK's documented headers, so the few
 * types and numbers below are written from the layout the driver expects:
 * an IO_STATUS_BLOCK, and AFD_POLL_INFO (a timeout, a handle count, an
 * exclusive flag, then one {handle, events, status} entry per handle). */
#ifndef XSOCK_WIN32_SEL_AFD_H
#define XSOCK_WIN32_SEL_AFD_H

#include "config.h"
#if XSOCK_HAVE_AFD

#include "selector.h"
#include "os.h"
#include "readiness.h"

/* The NTSTATUS values the backend tells apart (winnt.h and ntstatus.h
 * define some of them under the usual names, and not the same set in
 * every SDK, hence names of our own). */
#define XSOCK__AFD_STATUS_SUCCESS 0L
#define XSOCK__AFD_STATUS_PENDING 0x00000103L
#define XSOCK__AFD_STATUS_CANCELLED ((LONG)0xC0000120UL)

/* IOCTL_AFD_POLL: AFD builds its control codes as (device type 0x12,
 * FILE_DEVICE_NETWORK) << 12 | request << 2 | method, and the poll is
 * request 9 with METHOD_BUFFERED (0). */
#define XSOCK__AFD_IOCTL_POLL ((ULONG)((0x12u << 12) | (9u << 2) | 0u))

/* The events one poll entry asks for and reports. */
#define XSOCK__AFD_RECEIVE 0x0001u      /* data to read */
#define XSOCK__AFD_SEND 0x0004u         /* room to write, connect done */
#define XSOCK__AFD_DISCONNECT 0x0008u   /* the peer's FIN */
#define XSOCK__AFD_ABORT 0x0010u        /* the connection was reset */
#define XSOCK__AFD_LOCAL_CLOSE 0x0020u  /* our own socket was closed */
#define XSOCK__AFD_ACCEPT 0x0080u       /* a connection to accept */
#define XSOCK__AFD_CONNECT_FAIL 0x0100u /* a non-blocking connect failed */

/* IO_STATUS_BLOCK: where the driver writes the request's final status. */
typedef struct xsock__afd_iosb {
  union {
    LONG status;
    void *pointer;
  } u;
  ULONG_PTR information;
} xsock__afd_iosb_t;

/* AFD_POLL_INFO with room for exactly one handle: the input and the
 * output of IOCTL_AFD_POLL (the driver rewrites the count and the entry
 * with what it found). */
typedef struct xsock__afd_poll {
  LARGE_INTEGER timeout;
  ULONG count;
  ULONG exclusive;
  HANDLE handle;
  ULONG events;
  LONG status;
} xsock__afd_poll_t;

/* The layouts the driver reads, checked at compile time for 32- and
 * 64-bit Windows (a 32-bit build cannot run here, so it must not build
 * wrong): IO_STATUS_BLOCK is two words; AFD_POLL_INFO is 32 bytes either
 * way, its 8-byte aligned timeout padding the 32-bit one's end. */
typedef char
    xsock__afd_iosb_size[sizeof(xsock__afd_iosb_t) == 2 * sizeof(void *) ? 1
                                                                         : -1];
typedef char
    xsock__afd_poll_size[sizeof(xsock__afd_poll_t) == 32 &&
                                 offsetof(xsock__afd_poll_t, handle) == 16
                             ? 1
                             : -1];

/* The ntdll entry points, found at run time with GetProcAddress so that
 * no import library for ntdll is needed (MinGW, clang and MSVC alike).
 * Each selector keeps its own copy: the library has no global state. */
typedef LONG(WINAPI *xsock__afd_create_fn)(HANDLE *, ACCESS_MASK, void *,
                                           xsock__afd_iosb_t *, LARGE_INTEGER *,
                                           ULONG, ULONG, ULONG, ULONG, void *,
                                           ULONG);
typedef LONG(WINAPI *xsock__afd_ioctl_fn)(HANDLE, HANDLE, void *, void *,
                                          xsock__afd_iosb_t *, ULONG, void *,
                                          ULONG, void *, ULONG);
typedef LONG(WINAPI *xsock__afd_cancel_fn)(HANDLE, xsock__afd_iosb_t *,
                                           xsock__afd_iosb_t *);
typedef ULONG(WINAPI *xsock__afd_status_fn)(LONG);

typedef struct xsock__afd_nt {
  xsock__afd_create_fn create_file;   /* NtCreateFile */
  xsock__afd_ioctl_fn ioctl;          /* NtDeviceIoControlFile */
  xsock__afd_cancel_fn cancel;        /* NtCancelIoFileEx */
  xsock__afd_status_fn status_to_win; /* RtlNtStatusToDosError */
  HANDLE device;                      /* our handle to \Device\Afd */
} xsock__afd_nt_t;

/* One registration's request: the memory the driver writes into while
 * the request is in flight. It lives in the registration's mem slot, and
 * outlives the registration when a remove (or the selector's close) has
 * to wait for a cancellation to complete. The completion port hands back
 * its address (the request's context), so it never moves. */
typedef struct xsock__afd_req {
  xsock__afd_iosb_t iosb;
  xsock__afd_poll_t poll;
  uint64_t token;           /* the registration's token (selector.h) */
  HANDLE base;              /* the socket's base handle, which the poll names */
  ULONG armed;              /* the events of the request in flight */
  unsigned char busy;       /* a request is in flight */
  unsigned char cancelling; /* and a cancellation was asked for */
  unsigned char orphan;     /* its registration is gone (sel_afd.c) */
  struct xsock__afd_req *prev, *next; /* the orphan list (sel_afd.c) */
} xsock__afd_req_t;

/* Finds the ntdll functions, opens \Device\Afd and associates it with
 * iocp under completion key key. XSOCK_ENOTSUP when ntdll lacks a
 * function or the device cannot be opened (the default order then tries
 * the next backend). */
XSOCK__INTERNAL int xsock__afd_open(xsock__afd_nt_t *nt, HANDLE iocp,
                                    ULONG_PTR key);

/* Closes the device handle, if open. */
XSOCK__INTERNAL void xsock__afd_close(xsock__afd_nt_t *nt);

/* The base provider's handle of socket s: what AFD knows the socket by,
 * when a layered provider sits above it. XSOCK_ENOTSUP when neither
 * SIO_BASE_HANDLE nor SIO_BSP_HANDLE_POLL gives one. */
XSOCK__INTERNAL int xsock__afd_base(SOCKET s, HANDLE *base);

/* Puts req in flight, asking for events on req->base. 0 when the driver
 * took it (its completion will come through the port); otherwise the
 * request is not in flight and an XSOCK_E* code is returned. */
XSOCK__INTERNAL int xsock__afd_submit(xsock__afd_nt_t *nt,
                                      xsock__afd_req_t *req, ULONG events);

/* Asks the driver to cancel req, which is in flight. Its completion comes
 * through the port either way (cancelled, or already completed). */
XSOCK__INTERNAL void xsock__afd_cancel(xsock__afd_nt_t *nt,
                                       xsock__afd_req_t *req);

/* The AFD events a registration asks for. READ needs the end of the
 * stream too (a hangup is a read-side condition); WRITE does not, so that
 * a writer whose peer closed is not woken for a state it never sees.
 * Both need the failures, which every interest reports, and LOCAL_CLOSE,
 * which ends the request when the socket is closed under it. */
static inline ULONG xsock__afd_events(unsigned interest) {
  ULONG ev = 0;
  if (interest & XSOCK_READ)
    ev |= XSOCK__AFD_RECEIVE | XSOCK__AFD_ACCEPT | XSOCK__AFD_DISCONNECT;
  if (interest & XSOCK_WRITE)
    ev |= XSOCK__AFD_SEND;
  if (ev)
    ev |= XSOCK__AFD_ABORT | XSOCK__AFD_CONNECT_FAIL | XSOCK__AFD_LOCAL_CLOSE;
  return ev;
}

/* What AFD reported, in XSOCK_* bits, before xsock__ready_events(). A
 * failed connect is a dead stream connection, which carries HANGUP with
 * its ERROR as on every other backend (readiness.h). */
static inline unsigned xsock__afd_raw(ULONG ev) {
  unsigned raw = 0;
  if (ev & (XSOCK__AFD_RECEIVE | XSOCK__AFD_ACCEPT))
    raw |= XSOCK_READ;
  if (ev & XSOCK__AFD_SEND)
    raw |= XSOCK_WRITE;
  if (ev & XSOCK__AFD_CONNECT_FAIL)
    raw |= XSOCK_WRITE | XSOCK_ERROR | XSOCK_HANGUP;
  if (ev & XSOCK__AFD_DISCONNECT)
    raw |= XSOCK_READ | XSOCK_HANGUP;
  if (ev & XSOCK__AFD_ABORT)
    raw |= XSOCK_READ | XSOCK_ERROR | XSOCK_HANGUP;
  return raw;
}

#endif /* XSOCK_HAVE_AFD */
#endif /* XSOCK_WIN32_SEL_AFD_H */
