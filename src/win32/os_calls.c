/* SPDX-License-Identifier: MIT */
/* The table of OS calls of the test build (os_calls.h): each entry starts
 * as a wrapper of the real call. The shipped library compiles none of
 * this. */
#include "os.h"

#ifdef XSOCK_TEST_HOOKS

static SOCKET oscalls__WSASocketW(int af, int type, int protocol,
                                  WSAPROTOCOL_INFOW *info, GROUP g,
                                  DWORD flags) {
  return WSASocketW(af, type, protocol, info, g, flags);
}

static SOCKET oscalls__accept(SOCKET s, struct sockaddr *sa, int *len) {
  return accept(s, sa, len);
}

static int oscalls__connect(SOCKET s, const struct sockaddr *sa, int len) {
  return connect(s, sa, len);
}

static int oscalls__send(SOCKET s, const char *buf, int len, int flags) {
  return send(s, buf, len, flags);
}

static int oscalls__recv(SOCKET s, char *buf, int len, int flags) {
  return recv(s, buf, len, flags);
}

static int oscalls__sendto(SOCKET s, const char *buf, int len, int flags,
                           const struct sockaddr *sa, int salen) {
  return sendto(s, buf, len, flags, sa, salen);
}

static int oscalls__recvfrom(SOCKET s, char *buf, int len, int flags,
                             struct sockaddr *sa, int *salen) {
  return recvfrom(s, buf, len, flags, sa, salen);
}

static int oscalls__WSASend(SOCKET s, WSABUF *bufs, DWORD count, DWORD *sent,
                            DWORD flags, WSAOVERLAPPED *ov,
                            LPWSAOVERLAPPED_COMPLETION_ROUTINE done) {
  return WSASend(s, bufs, count, sent, flags, ov, done);
}

static int oscalls__WSARecv(SOCKET s, WSABUF *bufs, DWORD count, DWORD *got,
                            DWORD *flags, WSAOVERLAPPED *ov,
                            LPWSAOVERLAPPED_COMPLETION_ROUTINE done) {
  return WSARecv(s, bufs, count, got, flags, ov, done);
}

static int oscalls__WSAPoll(WSAPOLLFD *fds, ULONG n, INT timeout_ms) {
  return WSAPoll(fds, n, timeout_ms);
}

static int oscalls__select(int nfds, fd_set *r, fd_set *w, fd_set *e,
                           struct timeval *tv) {
  return select(nfds, r, w, e, tv);
}

static BOOL oscalls__GetQueuedCompletionStatusEx(HANDLE port,
                                                 OVERLAPPED_ENTRY *ents,
                                                 ULONG max, ULONG *n,
                                                 DWORD timeout_ms,
                                                 BOOL alertable) {
  return GetQueuedCompletionStatusEx(port, ents, max, n, timeout_ms, alertable);
}

#define OSCALLS__TABLE                                                         \
  {                                                                            \
    oscalls__WSASocketW, oscalls__accept, oscalls__connect, oscalls__send,     \
        oscalls__recv, oscalls__sendto, oscalls__recvfrom, oscalls__WSASend,   \
        oscalls__WSARecv, oscalls__WSAPoll, oscalls__select,                   \
        oscalls__GetQueuedCompletionStatusEx, xsock__real_calloc,              \
        xsock__real_realloc                                                    \
  }

const xsock__os_calls_t xsock__os_calls_real = OSCALLS__TABLE;
xsock__os_calls_t xsock__os_calls = OSCALLS__TABLE;

#else
/* ISO C wants a declaration in every translation unit. */
typedef int xsock__os_calls_unused;
#endif /* XSOCK_TEST_HOOKS */
