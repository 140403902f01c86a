/* bare_connect: the kernel's floor for a TCP connect sweep, for bench/sweep.
 *
 * usage: bare_connect FIRST_IPV4 COUNT PORTS CONCURRENCY TIMEOUT_MS [OPEN_LIST_FILE]
 *   sweeps COUNT consecutive IPv4 addresses from FIRST_IPV4 on the comma-separated PORTS, host-major,
 *   with CONCURRENCY non-blocking connect()s in flight (epoll), no retries, and prints
 *   "open=N refused=N timeout=N seconds=S". With OPEN_LIST_FILE, writes "address port" per open port.
 * Only socket/connect/epoll/close: no permutation, no per-host cap, no pacing. Loopback only: it
 * refuses a FIRST_IPV4 outside 127.0.0.0/8.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

typedef struct {
  int fd;
  uint32_t addr;
  uint16_t port;
  double deadline;
} Conn;

static double now_s(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec + ts.tv_nsec / 1e9;
}

int main(int argc, char** argv) {
  if (argc < 6) {
    fprintf(stderr, "usage: %s FIRST_IPV4 COUNT PORTS CONCURRENCY TIMEOUT_MS [OPEN_LIST_FILE]\n", argv[0]);
    return 1;
  }
  struct in_addr first;
  if (inet_pton(AF_INET, argv[1], &first) != 1 || (ntohl(first.s_addr) >> 24) != 127) {
    fprintf(stderr, "bare_connect: FIRST_IPV4 must be a 127.0.0.0/8 address\n");
    return 1;
  }
  const uint32_t base = ntohl(first.s_addr);
  const uint64_t count = strtoull(argv[2], NULL, 10);
  uint16_t ports[256];
  int nports = 0;
  for (char* tok = strtok(argv[3], ","); tok && nports < 256; tok = strtok(NULL, ",")) ports[nports++] = (uint16_t)atoi(tok);
  const int conc = atoi(argv[4]);
  const double timeout = atoi(argv[5]) / 1000.0;
  FILE* open_list = argc > 6 ? fopen(argv[6], "w") : NULL;

  struct rlimit lim;
  getrlimit(RLIMIT_NOFILE, &lim);
  lim.rlim_cur = lim.rlim_max;
  setrlimit(RLIMIT_NOFILE, &lim);

  Conn* conns = calloc((size_t)conc, sizeof(Conn));
  int* free_slots = malloc(sizeof(int) * (size_t)conc);
  int nfree = conc;
  for (int i = 0; i < conc; ++i) free_slots[i] = conc - 1 - i;
  const int ep = epoll_create1(0);
  struct epoll_event events[1024];

  const uint64_t total = count * (uint64_t)nports;
  uint64_t next = 0, done = 0, open = 0, refused = 0, timeouts = 0;
  const double t0 = now_s();
  while (done < total) {
    while (nfree > 0 && next < total) {
      const uint32_t addr = base + (uint32_t)(next / (uint64_t)nports);
      const uint16_t port = ports[next % (uint64_t)nports];
      ++next;
      struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = htons(port), .sin_addr = {htonl(addr)}};
      const int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
      if (fd < 0) { perror("socket"); return 2; }
      if (connect(fd, (struct sockaddr*)&sa, sizeof sa) == 0) {
        ++open; ++done;
        if (open_list) fprintf(open_list, "%s %u\n", inet_ntoa(sa.sin_addr), port);
        close(fd);
        continue;
      }
      if (errno != EINPROGRESS) { ++refused; ++done; close(fd); continue; }
      const int slot = free_slots[--nfree];
      conns[slot] = (Conn){fd, addr, port, now_s() + timeout};
      struct epoll_event ev = {.events = EPOLLOUT, .data = {.u32 = (uint32_t)slot}};
      epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev);
    }
    const int n = epoll_wait(ep, events, 1024, 10);
    for (int i = 0; i < n; ++i) {
      Conn* c = &conns[events[i].data.u32];
      int err = 0;
      socklen_t len = sizeof err;
      getsockopt(c->fd, SOL_SOCKET, SO_ERROR, &err, &len);
      if (err == 0) {
        ++open;
        if (open_list) {
          struct in_addr a = {htonl(c->addr)};
          fprintf(open_list, "%s %u\n", inet_ntoa(a), c->port);
        }
      } else {
        ++refused;
      }
      close(c->fd);
      c->fd = -1;
      free_slots[nfree++] = (int)events[i].data.u32;
      ++done;
    }
    if (n == 0 || (done & 1023) == 0) {  /* expire stragglers */
      const double t = now_s();
      for (int s = 0; s < conc; ++s)
        if (conns[s].fd > 0 && conns[s].deadline < t) {
          close(conns[s].fd);
          conns[s].fd = -1;
          free_slots[nfree++] = s;
          ++timeouts; ++done;
        }
    }
  }
  printf("open=%llu refused=%llu timeout=%llu seconds=%.3f\n", (unsigned long long)open,
         (unsigned long long)refused, (unsigned long long)timeouts, now_s() - t0);
  if (open_list) fclose(open_list);
  return 0;
}
