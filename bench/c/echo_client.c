/*
 * The echo load client of the jasyncio benchmark suite: the same client for every server.
 *
 *   echo_client HOST PORT CONNECTIONS MESSAGE_BYTES WARMUP_S MEASURE_S
 *
 * Opens CONNECTIONS TCP connections (TCP_NODELAY); on each, sends one MESSAGE_BYTES message,
 * waits until the whole echo is back, and repeats, for WARMUP_S seconds (not counted) then
 * MEASURE_S seconds (counted). One thread, epoll, non-blocking sockets. Prints one line:
 *
 *   requests N rps R p50_us A p99_us B errors E
 *
 * Latency is per round trip (first byte sent to last byte received), in a histogram of
 * 1 us buckets up to 10 s. Exits non-zero if it cannot connect.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define HIST_US 10000000

struct conn {
    int fd;
    size_t sent;
    size_t received;
    uint64_t start_ns;
    int out_armed; /* EPOLLOUT is registered: the message did not fit in the socket buffer */
};

static uint64_t now_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static uint32_t *hist;
static char *msg;
static char *rbuf;
static size_t msg_size;
static int ep;

static void arm(struct conn *c, uint32_t events) {
    struct epoll_event ev = {.events = events, .data.ptr = c};
    if (epoll_ctl(ep, EPOLL_CTL_MOD, c->fd, &ev) < 0) {
        perror("epoll_ctl");
        exit(1);
    }
}

/* Sends as much of the current message as the socket takes; arms EPOLLOUT if it did not take all. */
static int pump_send(struct conn *c) {
    while (c->sent < msg_size) {
        ssize_t n = send(c->fd, msg + c->sent, msg_size - c->sent, MSG_NOSIGNAL);
        if (n > 0) {
            c->sent += (size_t)n;
        } else if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
            if (!c->out_armed) {
                arm(c, EPOLLIN | EPOLLOUT);
                c->out_armed = 1;
            }
            return 0;
        } else if (n < 0 && errno == EINTR) {
            continue;
        } else {
            return -1;
        }
    }
    if (c->out_armed) {
        arm(c, EPOLLIN);
        c->out_armed = 0;
    }
    return 0;
}

static int start_request(struct conn *c) {
    c->sent = 0;
    c->received = 0;
    c->start_ns = now_ns();
    return pump_send(c);
}

int main(int argc, char **argv) {
    if (argc != 7) {
        fprintf(stderr, "usage: %s HOST PORT CONNECTIONS MESSAGE_BYTES WARMUP_S MEASURE_S\n", argv[0]);
        return 2;
    }
    const char *host = argv[1];
    int port = atoi(argv[2]);
    int nconn = atoi(argv[3]);
    msg_size = (size_t)atol(argv[4]);
    double warmup = atof(argv[5]);
    double measure = atof(argv[6]);
    if (nconn <= 0 || msg_size == 0) {
        fprintf(stderr, "echo_client: CONNECTIONS and MESSAGE_BYTES must be positive\n");
        return 2;
    }
    hist = calloc(HIST_US + 1, sizeof(uint32_t));
    msg = malloc(msg_size);
    rbuf = malloc(msg_size < 65536 ? 65536 : msg_size);
    for (size_t i = 0; i < msg_size; i++) msg[i] = (char)('a' + i % 26);
    struct conn *conns = calloc((size_t)nconn, sizeof(struct conn));
    ep = epoll_create1(0);

    struct sockaddr_in addr = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
    if (inet_pton(AF_INET, host, &addr.sin_addr) != 1) {
        fprintf(stderr, "echo_client: bad address %s\n", host);
        return 2;
    }
    for (int i = 0; i < nconn; i++) {
        int fd = socket(AF_INET, SOCK_STREAM, 0);
        if (fd < 0 || connect(fd, (struct sockaddr *)&addr, sizeof addr) < 0) {
            fprintf(stderr, "echo_client: connection %d to %s:%d failed: %s\n", i, host, port, strerror(errno));
            return 1;
        }
        int one = 1;
        setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
        fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
        conns[i].fd = fd;
        struct epoll_event ev = {.events = EPOLLIN, .data.ptr = &conns[i]};
        epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev);
    }

    uint64_t t0 = now_ns();
    uint64_t measure_from = t0 + (uint64_t)(warmup * 1e9);
    uint64_t end = measure_from + (uint64_t)(measure * 1e9);
    uint64_t requests = 0, errors = 0;
    int measuring = 0;
    for (int i = 0; i < nconn; i++) {
        if (start_request(&conns[i]) < 0) errors++;
    }
    struct epoll_event events[1024];
    for (;;) {
        uint64_t t = now_ns();
        if (t >= end) break;
        if (!measuring && t >= measure_from) measuring = 1;
        int n = epoll_wait(ep, events, 1024, 100);
        for (int k = 0; k < n; k++) {
            struct conn *c = events[k].data.ptr;
            if (c->fd < 0) continue;
            if (events[k].events & (EPOLLERR | EPOLLHUP)) {
                errors++;
                close(c->fd);
                c->fd = -1;
                continue;
            }
            if ((events[k].events & EPOLLOUT) && c->sent < msg_size) {
                if (pump_send(c) < 0) {
                    errors++;
                    close(c->fd);
                    c->fd = -1;
                    continue;
                }
            }
            if (events[k].events & EPOLLIN) {
                for (;;) {
                    ssize_t r = recv(c->fd, rbuf, msg_size - c->received, 0);
                    if (r > 0) {
                        c->received += (size_t)r;
                        if (c->received == msg_size) {
                            uint64_t done = now_ns();
                            if (measuring && done < end) {
                                uint64_t us = (done - c->start_ns) / 1000;
                                hist[us > HIST_US ? HIST_US : us]++;
                                requests++;
                            }
                            if (start_request(c) < 0) {
                                errors++;
                                close(c->fd);
                                c->fd = -1;
                            }
                            break;
                        }
                    } else if (r == 0 || (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)) {
                        errors++;
                        close(c->fd);
                        c->fd = -1;
                        break;
                    } else if (errno != EINTR) {
                        break;
                    }
                }
            }
        }
    }
    double p50 = 0, p99 = 0;
    uint64_t seen = 0;
    int have50 = 0;
    for (uint64_t us = 0; us <= HIST_US; us++) {
        seen += hist[us];
        if (!have50 && seen * 2 >= requests && requests > 0) {
            p50 = (double)us;
            have50 = 1;
        }
        if (seen * 100 >= requests * 99 && requests > 0) {
            p99 = (double)us;
            break;
        }
    }
    printf("requests %llu rps %.1f p50_us %.0f p99_us %.0f errors %llu\n", (unsigned long long)requests,
           requests / measure, p50, p99, (unsigned long long)errors);
    for (int i = 0; i < nconn; i++) {
        if (conns[i].fd >= 0) close(conns[i].fd);
    }
    return 0;
}
