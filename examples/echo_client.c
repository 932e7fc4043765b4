/* SPDX-License-Identifier: MIT */
/*
 * echo_client: drives echo_server over many connections and checks every
 * byte that comes back.
 *
 * TCP is a byte stream with no message boundaries (the seed's lesson: one
 * send may arrive as several receives and several sends as one), so each
 * message is framed with a 4-byte big-endian length. The client keeps a few
 * messages in flight per connection, parses the echoed stream back into
 * frames and compares each one with what it sent.
 *
 * usage: echo_client --addr HOST:PORT [--conns M] [--messages N]
 *                    [--size MAX_PAYLOAD] [--backend NAME]
 * Exit status 0 only when every message came back intact.
 */
#include "xsock.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#ifdef _WIN32
#include <windows.h>
static double client_now_ms(void) { return (double)GetTickCount64(); }
#else
#include <time.h>
static double client_now_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}
#endif

#define CLIENT_WINDOW 8 /* messages in flight per connection */
#define CLIENT_MAX_EVENTS 256
#define CLIENT_IDLE_LIMIT 100 /* 100 empty 100 ms waits: the server hangs */

typedef struct conn {
  xsock_t sock;
  int connected;
  long next_send, next_recv, count; /* message numbers, per connection */
  unsigned char *out;               /* the frame being sent */
  size_t out_len, out_off;
  unsigned char hdr[4];
  size_t hdr_got, body_got, body_len;
  unsigned interest;
} conn_t;

static long client_conns = 10, client_messages = 1000, client_size = 100;
static unsigned long long client_bytes;

/* Message k of connection c: its length and byte j. Deterministic, so the
 * echo can be checked without keeping a copy. */
static size_t client_msg_len(long c, long k) {
  return 1 + (size_t)((c * 131 + k * 7919) % client_size);
}
static unsigned char client_msg_byte(long c, long k, size_t j) {
  return (unsigned char)(c * 17 + k * 31 + (long)j);
}

static int client_next_frame(conn_t *c, long id) {
  size_t len = client_msg_len(id, c->next_send), j;
  unsigned char *f = c->out;
  f[0] = (unsigned char)(len >> 24);
  f[1] = (unsigned char)(len >> 16);
  f[2] = (unsigned char)(len >> 8);
  f[3] = (unsigned char)len;
  for (j = 0; j < len; j++)
    f[4 + j] = client_msg_byte(id, c->next_send, j);
  c->out_len = 4 + len;
  c->out_off = 0;
  c->next_send++;
  return 0;
}

/* Sends while the window allows. Returns < 0 on a connection error. */
static int client_pump_out(conn_t *c, long id) {
  for (;;) {
    xsock_ssize_t n;
    if (c->out_off == c->out_len) {
      if (c->next_send == c->count ||
          c->next_send - c->next_recv >= CLIENT_WINDOW)
        return 0;
      client_next_frame(c, id);
    }
    n = xsock_send(c->sock, c->out + c->out_off, c->out_len - c->out_off);
    if (n == XSOCK_EAGAIN)
      return 0;
    if (n < 0)
      return (int)n;
    c->out_off += (size_t)n;
    client_bytes += (unsigned long long)n;
  }
}

/* Reads and verifies echoed frames. Returns < 0 on an error or mismatch. */
static int client_pump_in(conn_t *c, long id) {
  unsigned char buf[16384];
  for (;;) {
    size_t i = 0;
    xsock_ssize_t n = xsock_recv(c->sock, buf, sizeof buf);
    if (n == XSOCK_EAGAIN)
      return 0;
    if (n <= 0) {
      fprintf(stderr, "connection %ld: %s\n", id,
              n == 0 ? "closed by server" : xsock_strerror((int)n));
      return -1;
    }
    while (i < (size_t)n) {
      if (c->hdr_got < 4) {
        c->hdr[c->hdr_got++] = buf[i++];
        if (c->hdr_got == 4) {
          c->body_len = (size_t)c->hdr[0] << 24 | (size_t)c->hdr[1] << 16 |
                        (size_t)c->hdr[2] << 8 | c->hdr[3];
          c->body_got = 0;
          if (c->next_recv >= c->next_send ||
              c->body_len != client_msg_len(id, c->next_recv)) {
            fprintf(stderr, "connection %ld: bad frame header\n", id);
            return -1;
          }
        }
        continue;
      }
      if (buf[i++] != client_msg_byte(id, c->next_recv, c->body_got++)) {
        fprintf(stderr, "connection %ld: message %ld corrupted\n", id,
                c->next_recv);
        return -1;
      }
      if (c->body_got == c->body_len) {
        c->hdr_got = 0;
        c->next_recv++;
      }
    }
  }
}

static int client_arg(int argc, char **argv, const char **addr, int *backend) {
  int i, id;
  for (i = 1; i + 1 < argc; i += 2) {
    const char *k = argv[i], *v = argv[i + 1];
    if (strcmp(k, "--addr") == 0) {
      *addr = v;
    } else if (strcmp(k, "--conns") == 0) {
      client_conns = strtol(v, NULL, 10);
    } else if (strcmp(k, "--messages") == 0) {
      client_messages = strtol(v, NULL, 10);
    } else if (strcmp(k, "--size") == 0) {
      client_size = strtol(v, NULL, 10);
    } else if (strcmp(k, "--backend") == 0) {
      for (id = 1; xsock_backend_name(id) != NULL; id++)
        if (strcmp(xsock_backend_name(id), v) == 0)
          break;
      if (xsock_backend_name(id) == NULL)
        return -1;
      *backend = id;
    } else {
      return -1;
    }
  }
  if (i != argc || *addr == NULL || client_conns < 1 || client_conns > 10000 ||
      client_messages < 0 || client_size < 1 || client_size > (1 << 20))
    return -1;
  return 0;
}

int main(int argc, char **argv) {
  const char *addr_text = NULL;
  int backend = XSOCK_BACKEND_DEFAULT, rc = 0, idle = 0;
  long i, done = 0;
  xsock_addr_t addr;
  xsock_selector_t *sel = NULL;
  xsock_event_t evs[CLIENT_MAX_EVENTS];
  conn_t *conns;
  double t0;

  if (client_arg(argc, argv, &addr_text, &backend) < 0) {
    fprintf(stderr,
            "usage: %s --addr HOST:PORT [--conns M] [--messages N] "
            "[--size MAX_PAYLOAD] [--backend NAME]\n",
            argv[0]);
    return 2;
  }
  conns = calloc((size_t)client_conns, sizeof *conns);
  if (conns == NULL || (rc = xsock_init()) < 0 ||
      (rc = xsock_addr_parse(&addr, addr_text)) < 0 ||
      (rc = xsock_selector_open(&sel, backend)) < 0) {
    fprintf(stderr, "echo_client: %s\n",
            conns ? xsock_strerror(rc) : "out of memory");
    return 1;
  }
  t0 = client_now_ms();
  for (i = 0; i < client_conns; i++) {
    conn_t *c = &conns[i];
    c->sock = XSOCK_INVALID;
    c->count =
        client_messages / client_conns + (i < client_messages % client_conns);
    c->out = malloc(4 + (size_t)client_size);
    if (c->out == NULL)
      rc = XSOCK_ENOMEM;
    else if ((rc = xsock_socket(&c->sock, xsock_addr_family(&addr),
                                XSOCK_STREAM, XSOCK_NONBLOCK)) >= 0) {
      rc = xsock_connect(c->sock, &addr);
      if (rc == XSOCK_EINPROGRESS || rc == 0) {
        c->interest = XSOCK_READ | XSOCK_WRITE;
        rc = xsock_selector_add(sel, c->sock, c->interest, c);
      }
    }
    if (rc < 0) {
      fprintf(stderr, "echo_client: connection %ld: %s\n", i,
              xsock_strerror(rc));
      return 1;
    }
    if (c->count == 0)
      done++;
  }

  while (done < client_conns && rc >= 0) {
    int k, n = xsock_selector_wait(sel, evs, CLIENT_MAX_EVENTS, 100);
    if (n < 0) {
      rc = n;
      break;
    }
    if (n == 0 && ++idle > CLIENT_IDLE_LIMIT) {
      fprintf(stderr, "echo_client: no progress for 10 s, giving up\n");
      rc = XSOCK_ETIMEDOUT;
      break;
    }
    for (k = 0; k < n && rc >= 0; k++) {
      conn_t *c = evs[k].udata;
      long id = (long)(c - conns);
      unsigned want;
      int was_done = c->next_recv == c->count;
      idle = 0;
      if (!c->connected) {
        if ((rc = xsock_connect_result(c->sock)) == XSOCK_EINPROGRESS) {
          rc = 0;
          continue;
        }
        if (rc < 0) {
          fprintf(stderr, "connection %ld: connect: %s\n", id,
                  xsock_strerror(rc));
          break;
        }
        c->connected = 1;
      }
      if ((evs[k].events & XSOCK_READ) && (rc = client_pump_in(c, id)) < 0)
        break;
      if ((rc = client_pump_out(c, id)) < 0)
        break;
      if (!was_done && c->next_recv == c->count)
        done++;
      want = c->next_recv < c->count ? XSOCK_READ : 0;
      if (c->out_off < c->out_len)
        want |= XSOCK_WRITE;
      if (want != c->interest) {
        c->interest = want;
        rc = xsock_selector_modify(sel, c->sock, want, c);
      }
    }
  }

  for (i = 0; i < client_conns; i++) {
    if (conns[i].sock != XSOCK_INVALID) {
      xsock_selector_remove(sel, conns[i].sock);
      xsock_close(conns[i].sock);
    }
    free(conns[i].out);
  }
  free(conns);
  if (rc >= 0)
    printf("echo_client: backend %s, %ld connections, %ld messages, %llu bytes "
           "each way, %.1f ms, every echo verified\n",
           xsock_selector_backend(sel), client_conns, client_messages,
           client_bytes, client_now_ms() - t0);
  else
    fprintf(stderr, "echo_client: FAILED: %s\n", xsock_strerror(rc));
  xsock_selector_close(sel);
  xsock_cleanup();
  return rc >= 0 ? 0 : 1;
}
