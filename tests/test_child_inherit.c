/* SPDX-License-Identifier: MIT */
/* No handle of the library's leaks into a child process, even when the
 * child is started while another thread is creating handles.
 *
 * The parent holds one handle of every kind the library creates (TCP and
 * UDP sockets of both families, a listener, an accepted socket, a socket
 * pair, a selector's own handles) while a second thread creates and
 * closes sockets without pause; meanwhile it starts this same program as
 * a child, many times, with inheritance on:
 *  - POSIX: fork + exec. The child, before it opens anything, looks at
 *    every descriptor above stderr and fails if one is a socket. That
 *    covers the other thread's sockets too, whose numbers the parent
 *    never knows: a library that marked them close-on-exec only after
 *    creating them would lose this race now and then.
 *  - Windows: CreateProcess with bInheritHandles TRUE. The child gets
 *    the parent's handle values on its command line and fails if one of
 *    them is a socket in its own process (it has none of its own; any
 *    other handle there under the same value is not one). */
#include "xtest.h"
#include "xtest_thread.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifdef _WIN32
#include <winsock2.h>
#include <windows.h>
#else
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#endif

#define CI_CHILDREN 40
#define CI_HELD 16

static const char *ci_self; /* argv[0]: this program */

/* The child: exit 0 when nothing was inherited, 1 when something was. */
static int ci_child(int argc, char **argv) {
  int leaked = 0;
#ifdef _WIN32
  WSADATA wsa;
  int i;
  if (WSAStartup(MAKEWORD(2, 2), &wsa) != 0)
    return 2;
  for (i = 2; i < argc; i++) {
    unsigned long long h = strtoull(argv[i], NULL, 10);
    int type = 0, len = (int)sizeof type;
    if (getsockopt((SOCKET)h, SOL_SOCKET, SO_TYPE, (char *)&type, &len) == 0) {
      fprintf(stderr, "child: socket %llu was inherited\n", h);
      leaked = 1;
    }
  }
  WSACleanup();
#else
  int fd;
  (void)argc;
  (void)argv;
  for (fd = 3; fd < 1024; fd++) {
    struct stat st;
    if (fstat(fd, &st) == 0 && S_ISSOCK(st.st_mode)) {
      fprintf(stderr, "child: descriptor %d is an inherited socket\n", fd);
      leaked = 1;
    }
  }
#endif
  return leaked;
}

/* Starts this program as a child with the handles on its command line
 * and returns its exit status. */
static int ci_run_child(const xsock_t *h, int n) {
#ifdef _WIN32
  char cmd[4096];
  size_t len;
  int i;
  STARTUPINFOA si;
  PROCESS_INFORMATION pi;
  DWORD code = 99;
  len = (size_t)snprintf(cmd, sizeof cmd, "\"%s\" --child", ci_self);
  for (i = 0; i < n && len < sizeof cmd - 32; i++)
    len += (size_t)snprintf(cmd + len, sizeof cmd - len, " %llu",
                            (unsigned long long)h[i]);
  memset(&si, 0, sizeof si);
  si.cb = sizeof si;
  assert_true(
      CreateProcessA(NULL, cmd, NULL, NULL, TRUE, 0, NULL, NULL, &si, &pi));
  assert_int_equal(WaitForSingleObject(pi.hProcess, INFINITE), WAIT_OBJECT_0);
  assert_true(GetExitCodeProcess(pi.hProcess, &code));
  CloseHandle(pi.hThread);
  CloseHandle(pi.hProcess);
  return (int)code;
#else
  int status = -1;
  pid_t pid;
  (void)h;
  (void)n;
  pid = fork();
  assert_true(pid >= 0);
  if (pid == 0) {
#ifdef XTEST_EMULATOR
    /* A cross build run under qemu-user: the child needs it too, with
     * its arguments (the sysroot). */
    char *argv[16] = {XTEST_EMULATOR};
    int k = 0;
    while (argv[k] != NULL)
      k++;
    argv[k++] = (char *)ci_self;
    argv[k++] = (char *)"--child";
    argv[k] = NULL;
    execvp(argv[0], argv);
#else
    execl(ci_self, ci_self, "--child", (char *)NULL);
#endif
    _exit(98);
  }
  assert_int_equal(waitpid(pid, &status, 0), pid);
  assert_true(WIFEXITED(status));
  return WEXITSTATUS(status);
#endif
}

/* The other thread: sockets created and closed without pause, until told
 * to stop. */
typedef struct ci_churn {
  int stop; /* atomic */
  int made;
} ci_churn_t;

#if defined(_MSC_VER) && !defined(__clang__)
#define CI_LOAD(p) (*(volatile int *)(p))
#define CI_STORE(p, v) (*(volatile int *)(p) = (v))
#else
#define CI_LOAD(p) __atomic_load_n((p), __ATOMIC_SEQ_CST)
#define CI_STORE(p, v) __atomic_store_n((p), (v), __ATOMIC_SEQ_CST)
#endif

static void ci_churner(void *arg) {
  ci_churn_t *c = (ci_churn_t *)arg;
  while (!CI_LOAD(&c->stop)) {
    xsock_t s, p[2];
    if (xsock_socket(&s, XSOCK_AF_INET, XSOCK_STREAM, 0) == 0) {
      xsock_close(s);
      c->made++;
    }
    if (xsock_socketpair(XSOCK_STREAM, p) == 0) {
      xsock_close(p[0]);
      xsock_close(p[1]);
      c->made += 2;
    }
  }
}

static void test_no_handle_reaches_a_child(void **state) {
  xsock_t h[CI_HELD], l, c, a, pair[2];
  xsock_selector_t *sel;
  xsock_addr_t addr;
  ci_churn_t churn;
  xt_thread_t *t;
  int n = 0, i;
  (void)state;
  xt_ok(xsock_socket(&h[n++], XSOCK_AF_INET, XSOCK_STREAM, 0));
  xt_ok(xsock_socket(&h[n++], XSOCK_AF_INET6, XSOCK_STREAM, XSOCK_NONBLOCK));
  xt_ok(xsock_socket(&h[n++], XSOCK_AF_INET, XSOCK_DGRAM, 0));
  xt_ok(xsock_socket(&h[n++], XSOCK_AF_INET6, XSOCK_DGRAM, 0));
  xt_listener(&l, &addr, XSOCK_AF_INET);
  xt_ok(xsock_socket(&c, XSOCK_AF_INET, XSOCK_STREAM, 0));
  xt_ok(xsock_connect(c, &addr));
  xt_ok(xsock_accept(l, &a, NULL, 0));
  xt_ok(xsock_socketpair(XSOCK_STREAM, pair));
  h[n++] = l;
  h[n++] = c;
  h[n++] = a;
  h[n++] = pair[0];
  h[n++] = pair[1];
  sel = xt_selector(); /* its own handles are checked on POSIX by the scan */
  memset(&churn, 0, sizeof churn);
  t = xt_thread_start(ci_churner, &churn);
  for (i = 0; i < CI_CHILDREN; i++)
    assert_int_equal(ci_run_child(h, n), 0);
  CI_STORE(&churn.stop, 1);
  xt_thread_join(t);
  print_message("%d children started while %d sockets were created\n",
                CI_CHILDREN, churn.made);
  xsock_selector_close(sel);
  for (i = 0; i < n; i++)
    xt_close(&h[i]);
}

int main(int argc, char **argv) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_no_handle_reaches_a_child),
  };
  if (argc >= 2 && strcmp(argv[1], "--child") == 0)
    return ci_child(argc, argv);
  ci_self = argv[0];
  xt_ok(xsock_init());
  return cmocka_run_group_tests(tests, NULL, NULL);
}
