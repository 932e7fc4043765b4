/* SPDX-License-Identifier: MIT */
/* See spawn.h. The two halves do the same: two pipes, the child's ends
 * given to it as stdin and stdout, the driver's ends kept out of every
 * child (close-on-exec / not inheritable), so that closing the stdin pipe
 * really ends the child's input. */
#include "spawn.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifdef _WIN32
#include <windows.h>

struct xd_child {
  HANDLE process, in, out; /* in: the child's stdin, written by the driver */
  int reaped;              /* it has exited and was waited for */
};

/* The tries a start that fails with ERROR_INTERNAL_ERROR gets. Wine
 * under load has been seen to fail a CreateProcess that way once in
 * hundreds of starts (a full ci/test.sh run starts several hundred), and
 * the same start made again works; no other error is tried again, and
 * every failed try is reported. */
#define XD_START_TRIES 3

static BOOL xd__create_process(char *cmd, STARTUPINFOA *si,
                               PROCESS_INFORMATION *pi) {
  int tries;
  for (tries = 1;; tries++) {
    if (CreateProcessA(NULL, cmd, NULL, NULL, TRUE, 0, NULL, NULL, si, pi))
      return TRUE;
    if (GetLastError() != ERROR_INTERNAL_ERROR || tries == XD_START_TRIES)
      return FALSE;
    fprintf(stderr, "driver: start %d of %s failed (%lu), trying again\n",
            tries, cmd, (unsigned long)GetLastError());
    Sleep(100);
  }
}

xd_child_t *xd_spawn(const char *const *argv) {
  SECURITY_ATTRIBUTES sa;
  STARTUPINFOA si;
  PROCESS_INFORMATION pi;
  HANDLE in_r, in_w, out_r, out_w, err = NULL;
  char cmd[2048];
  size_t used = 0;
  xd_child_t *c;
  int i;
  /* The command line: every argument quoted (none holds a quote). */
  for (i = 0; argv[i] != NULL; i++) {
    int n = snprintf(cmd + used, sizeof cmd - used, "%s\"%s\"", i ? " " : "",
                     argv[i]);
    if (n < 0 || (size_t)n >= sizeof cmd - used) {
      fprintf(stderr, "driver: command line too long\n");
      return NULL;
    }
    used += (size_t)n;
  }
  memset(&sa, 0, sizeof sa);
  sa.nLength = sizeof sa;
  sa.bInheritHandle = TRUE;
  if (!CreatePipe(&in_r, &in_w, &sa, 0) ||
      !CreatePipe(&out_r, &out_w, &sa, 0)) {
    fprintf(stderr, "driver: CreatePipe failed (%lu)\n",
            (unsigned long)GetLastError());
    return NULL;
  }
  SetHandleInformation(in_w, HANDLE_FLAG_INHERIT, 0);
  SetHandleInformation(out_r, HANDLE_FLAG_INHERIT, 0);
  /* The driver's stderr, duplicated as inheritable for the child. */
  DuplicateHandle(GetCurrentProcess(), GetStdHandle(STD_ERROR_HANDLE),
                  GetCurrentProcess(), &err, 0, TRUE, DUPLICATE_SAME_ACCESS);
  memset(&si, 0, sizeof si);
  si.cb = sizeof si;
  si.dwFlags = STARTF_USESTDHANDLES;
  si.hStdInput = in_r;
  si.hStdOutput = out_w;
  si.hStdError = err;
  memset(&pi, 0, sizeof pi);
  if (!xd__create_process(cmd, &si, &pi)) {
    fprintf(stderr, "driver: cannot start %s (%lu)\n", cmd,
            (unsigned long)GetLastError());
    CloseHandle(in_r), CloseHandle(in_w), CloseHandle(out_r),
        CloseHandle(out_w);
    if (err != NULL)
      CloseHandle(err);
    return NULL;
  }
  CloseHandle(pi.hThread);
  CloseHandle(in_r);
  CloseHandle(out_w);
  if (err != NULL)
    CloseHandle(err);
  c = (xd_child_t *)calloc(1, sizeof *c);
  if (c == NULL)
    abort();
  c->process = pi.hProcess;
  c->in = in_w;
  c->out = out_r;
  return c;
}

static int xd__read_byte(xd_child_t *c, char *ch) {
  DWORD got = 0;
  return ReadFile(c->out, ch, 1, &got, NULL) && got == 1 ? 1 : 0;
}

void xd_close_stdin(xd_child_t *c) {
  if (c->in != NULL)
    CloseHandle(c->in);
  c->in = NULL;
}

void xd_free(xd_child_t *c) {
  xd_close_stdin(c);
  CloseHandle(c->out);
  CloseHandle(c->process);
  free(c);
}

int xd_wait(xd_child_t *c, int limit_ms) {
  DWORD code = 0;
  int rc = -1;
  if (WaitForSingleObject(c->process, (DWORD)limit_ms) == WAIT_OBJECT_0 &&
      GetExitCodeProcess(c->process, &code))
    rc = (int)code;
  else
    TerminateProcess(c->process, 255),
        WaitForSingleObject(c->process, INFINITE);
  c->reaped = 1;
  return rc;
}

void xd_kill(xd_child_t *c) {
  if (c->reaped)
    return;
  TerminateProcess(c->process, 255);
  WaitForSingleObject(c->process, INFINITE);
  c->reaped = 1;
}

#else /* POSIX */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

struct xd_child {
  pid_t pid;
  int in, out; /* in: the child's stdin, written by the driver */
  int reaped;  /* it has exited and was waited for */
};

static int xd__pipe(int fds[2]) {
  if (pipe(fds) != 0)
    return -1;
  fcntl(fds[0], F_SETFD, FD_CLOEXEC);
  fcntl(fds[1], F_SETFD, FD_CLOEXEC);
  return 0;
}

xd_child_t *xd_spawn(const char *const *argv) {
  posix_spawn_file_actions_t fa;
  int in[2], out[2], rc, i;
  char path[1024];
  char *args[32];
  xd_child_t *c;
  pid_t pid;
  snprintf(path, sizeof path, "./%s", argv[0]);
  for (i = 0; argv[i] != NULL && i < 31; i++)
    args[i] = (char *)argv[i];
  args[i] = NULL;
  if (xd__pipe(in) != 0 || xd__pipe(out) != 0) {
    perror("driver: pipe");
    return NULL;
  }
  /* dup2 onto 0 and 1 clears close-on-exec on the child's copies. */
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_adddup2(&fa, in[0], 0);
  posix_spawn_file_actions_adddup2(&fa, out[1], 1);
  rc = posix_spawn(&pid, path, &fa, NULL, args, environ);
  posix_spawn_file_actions_destroy(&fa);
  close(in[0]);
  close(out[1]);
  if (rc != 0) {
    fprintf(stderr, "driver: cannot start %s: %s\n", path, strerror(rc));
    close(in[1]);
    close(out[0]);
    return NULL;
  }
  c = (xd_child_t *)calloc(1, sizeof *c);
  if (c == NULL)
    abort();
  c->pid = pid;
  c->in = in[1];
  c->out = out[0];
  return c;
}

static int xd__read_byte(xd_child_t *c, char *ch) {
  ssize_t n;
  do {
    n = read(c->out, ch, 1);
  } while (n == -1 && errno == EINTR);
  return n == 1 ? 1 : 0;
}

void xd_close_stdin(xd_child_t *c) {
  if (c->in >= 0)
    close(c->in);
  c->in = -1;
}

void xd_free(xd_child_t *c) {
  xd_close_stdin(c);
  close(c->out);
  free(c);
}

int xd_wait(xd_child_t *c, int limit_ms) {
  struct timespec tick = {0, 10 * 1000 * 1000};
  int status = 0, waited = 0, rc = -1;
  pid_t done;
  while ((done = waitpid(c->pid, &status, WNOHANG)) == 0 && waited < limit_ms) {
    nanosleep(&tick, NULL);
    waited += 10;
  }
  if (done == c->pid && WIFEXITED(status)) {
    rc = WEXITSTATUS(status);
  } else if (done == 0) {
    kill(c->pid, SIGKILL);
    waitpid(c->pid, &status, 0);
  }
  c->reaped = 1;
  return rc;
}

void xd_kill(xd_child_t *c) {
  int status;
  if (c->reaped)
    return;
  kill(c->pid, SIGKILL);
  waitpid(c->pid, &status, 0);
  c->reaped = 1;
}
#endif

int xd_read_line(xd_child_t *c, char *buf, size_t len) {
  size_t n = 0;
  char ch;
  int any = 0;
  while (xd__read_byte(c, &ch)) {
    any = 1;
    if (ch == '\n')
      break;
    if (n + 1 < len)
      buf[n++] = ch;
  }
  if (n > 0 && buf[n - 1] == '\r')
    n--;
  if (len > 0)
    buf[n] = '\0';
  return any ? (int)n : -1;
}
