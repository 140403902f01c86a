/* nfq_delay: holds every packet of one NFQUEUE queue for a fixed time, then accepts it — added latency
 * for bench/realnet where the kernel has no netem. Packets keep their order (the delay is the same for
 * all). Meant to run inside the private network namespace the bench creates, on the packets its
 * nftables rules queue (replies from the live lab hosts).
 *
 * usage: nfq_delay QUEUE_NUM DELAY_MS
 * Runs until SIGINT/SIGTERM; then releases what it holds and exits 0. Prints "ready" on stdout once the
 * queue is bound. Libraries: libnetfilter-queue (Debian libnetfilter-queue-dev). */
#include <arpa/inet.h> /* before the netfilter headers: glibc's in.h and the kernel's must not both define */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <time.h>

#include <libnetfilter_queue/libnetfilter_queue.h>
#ifndef NF_ACCEPT
#define NF_ACCEPT 1
#endif

#define CAPACITY (1u << 20) /* packets held at once; the queue itself is capped below this */

struct held {
  uint32_t id;
  int64_t due_ns;
};

static struct held ring[CAPACITY];
static uint32_t head, tail; /* ring[head..tail) are held, oldest first */
static int64_t delay_ns;
static volatile sig_atomic_t stopping;

static int64_t now_ns(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static void on_signal(int sig) {
  (void)sig;
  stopping = 1;
}

static int on_packet(struct nfq_q_handle *qh, struct nfgenmsg *msg, struct nfq_data *nfa, void *data) {
  (void)msg;
  (void)data;
  struct nfqnl_msg_packet_hdr *ph = nfq_get_msg_packet_hdr(nfa);
  if (!ph) return 0;
  const uint32_t id = ntohl(ph->packet_id);
  if (tail - head >= CAPACITY) return nfq_set_verdict(qh, id, NF_ACCEPT, 0, NULL); /* full: no delay */
  ring[tail % CAPACITY] = (struct held){id, now_ns() + delay_ns};
  tail++;
  return 0;
}

/* Accepts every held packet that is due (all of them when `all`); returns ms until the next is due. */
static int release(struct nfq_q_handle *qh, int all) {
  const int64_t now = now_ns();
  while (head != tail && (all || ring[head % CAPACITY].due_ns <= now)) {
    nfq_set_verdict(qh, ring[head % CAPACITY].id, NF_ACCEPT, 0, NULL);
    head++;
  }
  if (head == tail) return 100;
  const int64_t wait = ring[head % CAPACITY].due_ns - now;
  return wait <= 0 ? 0 : (int)((wait + 999999) / 1000000);
}

int main(int argc, char **argv) {
  if (argc != 3) {
    fprintf(stderr, "usage: nfq_delay QUEUE_NUM DELAY_MS\n");
    return 2;
  }
  const int queue = atoi(argv[1]);
  delay_ns = (int64_t)atoi(argv[2]) * 1000000;
  struct nfq_handle *h = nfq_open();
  if (!h) {
    perror("nfq_open");
    return 1;
  }
  nfq_unbind_pf(h, AF_INET);
  if (nfq_bind_pf(h, AF_INET) < 0) {
    perror("nfq_bind_pf");
    return 1;
  }
  struct nfq_q_handle *qh = nfq_create_queue(h, (uint16_t)queue, &on_packet, NULL);
  if (!qh) {
    perror("nfq_create_queue");
    return 1;
  }
  nfq_set_mode(qh, NFQNL_COPY_META, 0);
  nfq_set_queue_maxlen(qh, 200000);
  nfnl_rcvbufsiz(nfq_nfnlh(h), 64u << 20);
  const int fd = nfq_fd(h);
  signal(SIGINT, on_signal);
  signal(SIGTERM, on_signal);
  printf("ready\n");
  fflush(stdout);
  static char buf[65536];
  int wait_ms = 100;
  while (!stopping) {
    struct pollfd pfd = {fd, POLLIN, 0};
    const int r = poll(&pfd, 1, wait_ms);
    if (r > 0) {
      for (;;) {
        const ssize_t n = recv(fd, buf, sizeof buf, MSG_DONTWAIT);
        if (n <= 0) {
          if (n < 0 && errno == ENOBUFS) fprintf(stderr, "nfq_delay: netlink buffer overrun (packets lost)\n");
          break;
        }
        nfq_handle_packet(h, buf, (int)n);
      }
    }
    wait_ms = release(qh, 0);
  }
  release(qh, 1);
  nfq_destroy_queue(qh);
  nfq_close(h);
  return 0;
}
