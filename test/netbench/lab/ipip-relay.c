/*
 * IP-in-IP (IP protocol 4) in user space, for kernels built without the ipip module (such as the
 * one the project's tests run on). It carries packets between an existing TUN device and a raw
 * IPPROTO_IPIP socket: the kernel builds each outer IPv4 header, with Don't Fragment set, so a
 * packet that does not fit the underlying link is refused (EMSGSIZE) instead of fragmented --
 * which is what the MTU test relies on.
 *
 * usage: ipip-relay <tun-device> <local-address> <remote-address>
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/if.h>
#include <linux/if_tun.h>
#include <netinet/in.h>
#include <netinet/ip.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#define BUFFER 65536

static int open_tun(const char *name) {
  int fd = open("/dev/net/tun", O_RDWR);
  if (fd < 0) return -1;
  struct ifreq ifr;
  memset(&ifr, 0, sizeof ifr);
  ifr.ifr_flags = IFF_TUN | IFF_NO_PI;
  strncpy(ifr.ifr_name, name, IFNAMSIZ - 1);
  if (ioctl(fd, TUNSETIFF, &ifr) < 0) return -1;
  return fd;
}

int main(int argc, char **argv) {
  if (argc != 4) {
    fprintf(stderr, "usage: %s <tun-device> <local-address> <remote-address>\n", argv[0]);
    return 2;
  }
  struct sockaddr_in local = {.sin_family = AF_INET}, remote = {.sin_family = AF_INET};
  if (inet_pton(AF_INET, argv[2], &local.sin_addr) != 1 ||
      inet_pton(AF_INET, argv[3], &remote.sin_addr) != 1) {
    fprintf(stderr, "ipip-relay: bad address\n");
    return 2;
  }
  int tun = open_tun(argv[1]);
  int raw = socket(AF_INET, SOCK_RAW, IPPROTO_IPIP);
  int dont_fragment = IP_PMTUDISC_DO;
  /* Room for a burst of a few TCP windows, so the relay's own queue is not the bottleneck. */
  int room = 8 << 20;
  if (tun < 0 || raw < 0 ||
      setsockopt(raw, IPPROTO_IP, IP_MTU_DISCOVER, &dont_fragment, sizeof dont_fragment) < 0 ||
      setsockopt(raw, SOL_SOCKET, SO_RCVBUFFORCE, &room, sizeof room) < 0 ||
      setsockopt(raw, SOL_SOCKET, SO_SNDBUFFORCE, &room, sizeof room) < 0 ||
      bind(raw, (struct sockaddr *)&local, sizeof local) < 0) {
    perror("ipip-relay");
    return 1;
  }
  /* Tells the test the relay is attached. */
  printf("ready\n");
  fflush(stdout);

  static unsigned char buffer[BUFFER];
  struct pollfd fds[2] = {{.fd = tun, .events = POLLIN}, {.fd = raw, .events = POLLIN}};
  for (;;) {
    if (poll(fds, 2, -1) < 0) {
      if (errno == EINTR) continue;
      perror("ipip-relay: poll");
      return 1;
    }
    if (fds[0].revents & POLLIN) {
      ssize_t n = read(tun, buffer, sizeof buffer);
      /* EMSGSIZE: too big for the link with DF set, so dropped, as by a tunnel with a wrong MTU. */
      if (n > 0 && sendto(raw, buffer, n, 0, (struct sockaddr *)&remote, sizeof remote) < 0 &&
          errno != EMSGSIZE)
        perror("ipip-relay: sendto");
    }
    if (fds[1].revents & POLLIN) {
      struct sockaddr_in from;
      socklen_t length = sizeof from;
      ssize_t n = recvfrom(raw, buffer, sizeof buffer, 0, (struct sockaddr *)&from, &length);
      /* A raw socket sees every protocol-4 packet with its outer header: keep the peer's, unwrap. */
      if (n > (ssize_t)sizeof(struct iphdr) && from.sin_addr.s_addr == remote.sin_addr.s_addr) {
        size_t outer = ((struct iphdr *)buffer)->ihl * 4;
        if ((size_t)n > outer && write(tun, buffer + outer, n - outer) < 0) perror("ipip-relay: write");
      }
    }
  }
}
