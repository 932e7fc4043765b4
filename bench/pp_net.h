/* SPDX-License-Identifier: MIT */
/* The socket calls of W2 (pingpong.c), per OS. On POSIX they are the raw
 * calls the SPEC measures (read, write, accept4, ...), and the 2proc echo
 * server is a fork. On Windows a socket is not a file, so they go through
 * xsock (its recv/send are one Winsock call each), and the 2proc server is
 * this same program started again as "--serve PORTFILE IMPL CONNS": it
 * listens, writes its port into PORTFILE, and serves (Windows sockets are
 * not inherited, so the parent cannot hand it a listener). */
#ifndef XSOCK_BENCH_PP_NET_H
#define XSOCK_BENCH_PP_NET_H

#include "bench.h"

#include <xsock.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* pp_read's results besides a byte count (0 is the end of the stream). */
#define PP_AGAIN (-1)
#define PP_RESET (-2)
#define PP_ERROR (-3)

#ifdef _WIN32
#include <windows.h>

typedef xsock_addr_t pp_addr_t;
typedef struct pp_child {
  HANDLE process;
} pp_child_t;

static inline int pp_errno(void) { return xsock_last_os_error(); }

static inline long pp_read(xsock_t s, void *buf, size_t len) {
  xsock_ssize_t n = xsock_recv(s, buf, len);
  if (n >= 0)
    return (long)n;
  return n == XSOCK_EAGAIN       ? PP_AGAIN
         : n == XSOCK_ECONNRESET ? PP_RESET
                                 : PP_ERROR;
}

static inline long pp_write(xsock_t s, const void *buf, size_t len) {
  return (long)xsock_send(s, buf, len);
}

static inline void pp_close(xsock_t s) { xsock_close(s); }

static inline void pp_close_reset(xsock_t s) {
  xsock_set_option(s, XSOCK_OPT_LINGER, 0);
  xsock_close(s);
}

/* TCP_NODELAY and non-blocking, as every connected socket gets. */
static inline void pp_prepare(xsock_t s) {
  if (xsock_set_option(s, XSOCK_OPT_NODELAY, 1) != 0 ||
      xsock_set_nonblocking(s, 1) != 0)
    bench_die("TCP_NODELAY / non-blocking", pp_errno());
}

static inline xsock_t pp_accept(xsock_t l) {
  xsock_t s;
  if (xsock_accept(l, &s, NULL, 0) != 0)
    bench_die("accept", pp_errno());
  pp_prepare(s);
  return s;
}

static inline xsock_t pp_listen(pp_addr_t *sa, int backlog) {
  xsock_t l;
  if (xsock_socket(&l, XSOCK_AF_INET, XSOCK_STREAM, 0) != 0 ||
      xsock_addr_loopback(sa, XSOCK_AF_INET, 0) != 0 ||
      xsock_bind(l, sa) != 0 || xsock_listen(l, backlog) != 0 ||
      xsock_getsockname(l, sa) != 0)
    bench_die("listening socket", pp_errno());
  return l;
}

static inline xsock_t pp_connect(const pp_addr_t *sa) {
  xsock_t s;
  if (xsock_socket(&s, XSOCK_AF_INET, XSOCK_STREAM, 0) != 0 ||
      xsock_connect(s, sa) != 0)
    bench_die("connect", pp_errno());
  pp_prepare(s);
  return s;
}

/* The --serve side: the port goes to a temporary file renamed into
 * place, so the parent never reads half of it. */
static inline void pp_publish_port(const char *file, const pp_addr_t *sa) {
  char tmp[MAX_PATH + 8];
  FILE *f;
  snprintf(tmp, sizeof tmp, "%s.tmp", file);
  f = fopen(tmp, "w");
  if (f == NULL || fprintf(f, "%d\n", xsock_addr_port(sa)) < 0 ||
      fclose(f) != 0 || !MoveFileExA(tmp, file, MOVEFILE_REPLACE_EXISTING))
    bench_die("cannot write the port file", (int)GetLastError());
}

static inline void pp_server_exit(void) { exit(0); }

/* Starts the echo server process and fills sa with its address. Returns
 * XSOCK_INVALID: the parent holds no listener on Windows. */
static inline xsock_t pp_start_server(pp_child_t *c, const char *self,
                                      const char *impl, long conns,
                                      pp_addr_t *sa) {
  char dir[MAX_PATH], file[MAX_PATH + 64], cmd[3 * MAX_PATH];
  STARTUPINFOA si;
  PROCESS_INFORMATION pi;
  int port = 0, tries;
  if (GetTempPathA(sizeof dir, dir) == 0)
    bench_die("GetTempPath", (int)GetLastError());
  snprintf(file, sizeof file, "%sxsock-pingpong-%lu.port", dir,
           (unsigned long)GetCurrentProcessId());
  DeleteFileA(file);
  snprintf(cmd, sizeof cmd, "\"%s\" --serve \"%s\" %s %ld", self, file, impl,
           conns);
  memset(&si, 0, sizeof si);
  si.cb = sizeof si;
  if (!CreateProcessA(NULL, cmd, NULL, NULL, FALSE, 0, NULL, NULL, &si, &pi))
    bench_die("cannot start the echo server", (int)GetLastError());
  CloseHandle(pi.hThread);
  c->process = pi.hProcess;
  for (tries = 0; tries < 3000 && port == 0; tries++) {
    FILE *f = fopen(file, "r");
    if (f == NULL || fscanf(f, "%d", &port) != 1)
      port = 0;
    if (f != NULL)
      fclose(f);
    if (port == 0)
      Sleep(10);
  }
  DeleteFileA(file);
  if (port == 0 || xsock_addr_loopback(sa, XSOCK_AF_INET, port) != 0)
    bench_die("the echo server did not tell its port", 0);
  return XSOCK_INVALID;
}

static inline int pp_is_server(const pp_child_t *c) {
  (void)c;
  return 0;
}

static inline int pp_wait_server(pp_child_t *c) {
  DWORD code = 1;
  int ok = WaitForSingleObject(c->process, 60000) == WAIT_OBJECT_0 &&
           GetExitCodeProcess(c->process, &code) && code == 0;
  CloseHandle(c->process);
  return ok;
}

#else /* POSIX */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

typedef struct sockaddr_in pp_addr_t;
typedef struct pp_child {
  pid_t pid;
} pp_child_t;

static inline int pp_errno(void) { return errno; }

static inline long pp_read(xsock_t s, void *buf, size_t len) {
  ssize_t n = read(s, buf, len);
  if (n >= 0)
    return (long)n;
  if (errno == EAGAIN || errno == EWOULDBLOCK)
    return PP_AGAIN;
  return errno == ECONNRESET ? PP_RESET : PP_ERROR;
}

static inline long pp_write(xsock_t s, const void *buf, size_t len) {
  return (long)write(s, buf, len);
}

static inline void pp_close(xsock_t s) { close(s); }

static inline void pp_close_reset(xsock_t s) {
  struct linger lg;
  lg.l_onoff = 1;
  lg.l_linger = 0;
  setsockopt(s, SOL_SOCKET, SO_LINGER, &lg, sizeof lg);
  close(s);
}

/* TCP_NODELAY and O_NONBLOCK, as every connected socket gets. */
static inline void pp_prepare(int fd) {
  int one = 1, fl = fcntl(fd, F_GETFL);
  if (setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one) != 0)
    bench_die("setsockopt(TCP_NODELAY)", errno);
  if (fl < 0 || fcntl(fd, F_SETFL, fl | O_NONBLOCK) != 0)
    bench_die("fcntl(O_NONBLOCK)", errno);
}

static inline xsock_t pp_accept(xsock_t lfd) {
  int fd = accept4(lfd, NULL, NULL, SOCK_CLOEXEC);
  if (fd < 0)
    bench_die("accept", errno);
  pp_prepare(fd);
  return fd;
}

static inline xsock_t pp_listen(pp_addr_t *sa, int backlog) {
  socklen_t salen = sizeof *sa;
  int lfd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  memset(sa, 0, sizeof *sa);
  sa->sin_family = AF_INET;
  sa->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (lfd < 0 || bind(lfd, (struct sockaddr *)sa, sizeof *sa) != 0 ||
      listen(lfd, backlog) != 0 ||
      getsockname(lfd, (struct sockaddr *)sa, &salen) != 0)
    bench_die("listening socket", errno);
  return lfd;
}

static inline xsock_t pp_connect(const pp_addr_t *sa) {
  int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0 || connect(fd, (const struct sockaddr *)sa, sizeof *sa) != 0)
    bench_die("connect", errno);
  pp_prepare(fd);
  return fd;
}

static inline void pp_publish_port(const char *file, const pp_addr_t *sa) {
  (void)file;
  (void)sa;
  bench_die("--serve is Windows' 2proc server", 0);
}

static inline void pp_server_exit(void) { _exit(0); }

/* Listens, then forks: the child serves on the listener (pp_is_server),
 * the parent connects to sa. */
static inline xsock_t pp_start_server(pp_child_t *c, const char *self,
                                      const char *impl, long conns,
                                      pp_addr_t *sa) {
  xsock_t lfd = pp_listen(sa, (int)conns + 16);
  (void)self;
  (void)impl;
  c->pid = fork();
  if (c->pid < 0)
    bench_die("fork", errno);
  return lfd;
}

static inline int pp_is_server(const pp_child_t *c) { return c->pid == 0; }

static inline int pp_wait_server(pp_child_t *c) {
  int status;
  return waitpid(c->pid, &status, 0) == c->pid && WIFEXITED(status) &&
         WEXITSTATUS(status) == 0;
}
#endif

#endif /* XSOCK_BENCH_PP_NET_H */
