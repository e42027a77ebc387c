/*
 * The C epoll echo server: the ceiling of the echo benchmark.
 *
 *   echo_server PORT
 *
 * One thread, epoll (level-triggered), non-blocking sockets, TCP_NODELAY. Echoes every byte
 * it reads; bytes the socket does not take at once are kept per connection and written on
 * EPOLLOUT, and reading from that connection pauses meanwhile. Runs until killed.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#define BUF 65536

struct conn {
    int fd;
    char *pending;
    size_t len, off;
};

static int ep;

static void close_conn(struct conn *c) {
    close(c->fd);
    free(c->pending);
    free(c);
}

static void set_events(struct conn *c, uint32_t events) {
    struct epoll_event ev = {.events = events, .data.ptr = c};
    epoll_ctl(ep, EPOLL_CTL_MOD, c->fd, &ev);
}

/* Writes what is pending; returns -1 on error, 0 if some remains, 1 if all was written. */
static int flush_pending(struct conn *c) {
    while (c->off < c->len) {
        ssize_t n = send(c->fd, c->pending + c->off, c->len - c->off, MSG_NOSIGNAL);
        if (n > 0) {
            c->off += (size_t)n;
        } else if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
            return 0;
        } else if (n < 0 && errno == EINTR) {
            continue;
        } else {
            return -1;
        }
    }
    c->len = c->off = 0;
    return 1;
}

int main(int argc, char **argv) {
    if (argc != 2) {
        fprintf(stderr, "usage: %s PORT\n", argv[0]);
        return 2;
    }
    int lfd = socket(AF_INET, SOCK_STREAM, 0);
    int one = 1;
    setsockopt(lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    struct sockaddr_in addr = {.sin_family = AF_INET, .sin_port = htons((uint16_t)atoi(argv[1])),
                               .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    if (bind(lfd, (struct sockaddr *)&addr, sizeof addr) < 0 || listen(lfd, 4096) < 0) {
        perror("echo_server: bind/listen");
        return 1;
    }
    fcntl(lfd, F_SETFL, fcntl(lfd, F_GETFL) | O_NONBLOCK);
    ep = epoll_create1(0);
    struct epoll_event lev = {.events = EPOLLIN, .data.ptr = NULL};
    epoll_ctl(ep, EPOLL_CTL_ADD, lfd, &lev);
    static char buf[BUF];
    struct epoll_event events[1024];
    for (;;) {
        int n = epoll_wait(ep, events, 1024, -1);
        for (int k = 0; k < n; k++) {
            struct conn *c = events[k].data.ptr;
            if (c == NULL) {
                int fd;
                while ((fd = accept4(lfd, NULL, NULL, SOCK_NONBLOCK)) >= 0) {
                    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
                    struct conn *nc = calloc(1, sizeof *nc);
                    nc->fd = fd;
                    struct epoll_event ev = {.events = EPOLLIN, .data.ptr = nc};
                    epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev);
                }
                continue;
            }
            if (events[k].events & EPOLLOUT) {
                int r = flush_pending(c);
                if (r < 0) {
                    close_conn(c);
                    continue;
                }
                if (r > 0) set_events(c, EPOLLIN);
                continue;
            }
            if (events[k].events & (EPOLLIN | EPOLLERR | EPOLLHUP)) {
                ssize_t r = recv(c->fd, buf, BUF, 0);
                if (r == 0 || (r < 0 && errno != EAGAIN && errno != EINTR)) {
                    close_conn(c);
                    continue;
                }
                if (r < 0) continue;
                ssize_t w = send(c->fd, buf, (size_t)r, MSG_NOSIGNAL);
                if (w < 0 && errno != EAGAIN && errno != EWOULDBLOCK) {
                    close_conn(c);
                    continue;
                }
                if (w < 0) w = 0;
                if (w < r) {
                    size_t rest = (size_t)(r - w);
                    c->pending = realloc(c->pending, rest);
                    memcpy(c->pending, buf + w, rest);
                    c->len = rest;
                    c->off = 0;
                    set_events(c, EPOLLOUT);
                }
            }
        }
    }
}
