/*
 * The echo load client of the jasyncio benchmark suite: the same client for every server.
 *
 *   echo_client [--tls CA_PEM] HOST PORT CONNECTIONS MESSAGE_BYTES WARMUP_S MEASURE_S
 *
 * Opens CONNECTIONS TCP connections (TCP_NODELAY); on each, sends one MESSAGE_BYTES message,
 * waits until the whole echo is back, and repeats, for WARMUP_S seconds (not counted) then
 * MEASURE_S seconds (counted). One thread, epoll, non-blocking sockets. Prints two lines:
 *
 *   connected N [tls VERSION CIPHER GROUP]      when every connection is up (and handshaken)
 *   requests N rps R p50_us A p99_us B errors E at the end
 *
 * The harness reads the server's CPU time when the first line appears, so connection set-up
 * (TLS handshakes included) is not billed to the requests.
 *
 * --tls (built with -DECHO_TLS, linked with -lssl -lcrypto): TLS 1.3 only, one cipher suite
 * (TLS_AES_128_GCM_SHA256, the suite every TLS 1.3 stack must implement, RFC 8446 9.1) and one
 * key-exchange group (X25519), so every server negotiates the same thing; the server's
 * certificate chain is verified against CA_PEM (the run's self-signed certificate), the same
 * cost for every server; no host name check, no session resumption. All connections do their
 * handshakes concurrently (non-blocking) before the clock starts; then the request loop runs
 * over SSL_write/SSL_read, handling WANT_READ/WANT_WRITE with epoll.
 *
 * Latency is per round trip (first byte sent to last byte received), in a histogram of
 * 1 us buckets up to 10 s. Exits non-zero if it cannot connect (or handshake).
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>
#ifdef ECHO_TLS
#include <openssl/err.h>
#include <openssl/ssl.h>
#endif

#define HIST_US 10000000

/* What io_send/io_recv return besides a byte count. */
#define IO_EOF 0
#define IO_WANT_READ (-1)
#define IO_WANT_WRITE (-2)
#define IO_ERROR (-3)

struct conn {
    int fd;
    size_t sent;
    size_t received;
    uint64_t start_ns;
    uint32_t armed;       /* the epoll events registered: EPOLLIN, plus EPOLLOUT while a send or TLS read waits */
    int send_want;        /* 0, or what the unfinished send waits for: IO_WANT_WRITE, or (TLS) IO_WANT_READ */
    int recv_wants_write; /* TLS: the last SSL_read asked for writability */
#ifdef ECHO_TLS
    SSL *ssl;
#endif
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

/* Registers EPOLLIN, plus EPOLLOUT while something waits for writability; no syscall if unchanged. */
static void rearm(struct conn *c) {
    uint32_t events = EPOLLIN | (c->send_want == IO_WANT_WRITE || c->recv_wants_write ? EPOLLOUT : 0);
    if (c->armed == events) return;
    struct epoll_event ev = {.events = events, .data.ptr = c};
    if (epoll_ctl(ep, EPOLL_CTL_MOD, c->fd, &ev) < 0) {
        perror("epoll_ctl");
        exit(1);
    }
    c->armed = events;
}

#ifdef ECHO_TLS
static int tls_result(SSL *ssl, int n) {
    switch (SSL_get_error(ssl, n)) {
        case SSL_ERROR_WANT_READ: return IO_WANT_READ;
        case SSL_ERROR_WANT_WRITE: return IO_WANT_WRITE;
        case SSL_ERROR_ZERO_RETURN: return IO_EOF;
        case SSL_ERROR_SYSCALL:
            if (errno == EAGAIN || errno == EWOULDBLOCK) return IO_WANT_READ;
            return IO_ERROR;
        default: return IO_ERROR;
    }
}
#endif

/* One send: bytes written (> 0), IO_WANT_READ, IO_WANT_WRITE or IO_ERROR. */
static ssize_t io_send(struct conn *c, const char *p, size_t n) {
#ifdef ECHO_TLS
    if (c->ssl) {
        ERR_clear_error();
        int w = SSL_write(c->ssl, p, (int)n);
        return w > 0 ? w : tls_result(c->ssl, w);
    }
#endif
    for (;;) {
        ssize_t w = send(c->fd, p, n, MSG_NOSIGNAL);
        if (w > 0) return w;
        if (w < 0 && errno == EINTR) continue;
        return w < 0 && (errno == EAGAIN || errno == EWOULDBLOCK) ? IO_WANT_WRITE : IO_ERROR;
    }
}

/* One receive: bytes read (> 0), IO_EOF, IO_WANT_READ, IO_WANT_WRITE or IO_ERROR. */
static ssize_t io_recv(struct conn *c, char *p, size_t n) {
#ifdef ECHO_TLS
    if (c->ssl) {
        ERR_clear_error();
        int r = SSL_read(c->ssl, p, (int)n);
        return r > 0 ? r : tls_result(c->ssl, r);
    }
#endif
    for (;;) {
        ssize_t r = recv(c->fd, p, n, 0);
        if (r >= 0) return r;
        if (errno == EINTR) continue;
        return errno == EAGAIN || errno == EWOULDBLOCK ? IO_WANT_READ : IO_ERROR;
    }
}

/* Sends as much of the current message as the connection takes; notes what it waits for if not all. */
static int pump_send(struct conn *c) {
    c->send_want = 0;
    while (c->sent < msg_size) {
        ssize_t n = io_send(c, msg + c->sent, msg_size - c->sent);
        if (n > 0) {
            c->sent += (size_t)n;
        } else if (n == IO_WANT_WRITE || n == IO_WANT_READ) {
            c->send_want = (int)n;
            return 0;
        } else {
            return -1;
        }
    }
    return 0;
}

static int start_request(struct conn *c) {
    c->sent = 0;
    c->received = 0;
    c->start_ns = now_ns();
    return pump_send(c);
}

static void drop(struct conn *c) {
#ifdef ECHO_TLS
    if (c->ssl) {
        SSL_free(c->ssl);
        c->ssl = NULL;
    }
#endif
    close(c->fd);
    c->fd = -1;
}

#ifdef ECHO_TLS
static SSL_CTX *tls_client_context(const char *ca_pem) {
    SSL_CTX *ctx = SSL_CTX_new(TLS_client_method());
    if (!ctx || !SSL_CTX_set_min_proto_version(ctx, TLS1_3_VERSION) ||
        !SSL_CTX_set_max_proto_version(ctx, TLS1_3_VERSION) ||
        !SSL_CTX_set_ciphersuites(ctx, "TLS_AES_128_GCM_SHA256") || !SSL_CTX_set1_groups_list(ctx, "X25519") ||
        SSL_CTX_load_verify_locations(ctx, ca_pem, NULL) != 1) {
        fprintf(stderr, "echo_client: cannot set up TLS with CA %s:\n", ca_pem);
        ERR_print_errors_fp(stderr);
        exit(1);
    }
    SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, NULL);
    SSL_CTX_set_session_cache_mode(ctx, SSL_SESS_CACHE_OFF);
    SSL_CTX_set_mode(ctx, SSL_MODE_ENABLE_PARTIAL_WRITE | SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER);
    SSL_CTX_set_read_ahead(ctx, 1); /* one recv per burst of records, not two per record */
    return ctx;
}

/* Runs every connection's handshake at once; exits on a failure. */
static void handshake_all(struct conn *conns, int nconn, SSL_CTX *ctx) {
    int pending = nconn;
    for (int i = 0; i < nconn; i++) {
        conns[i].ssl = SSL_new(ctx);
        SSL_set_fd(conns[i].ssl, conns[i].fd);
        SSL_set_connect_state(conns[i].ssl);
    }
    struct epoll_event events[1024];
    int first = 1;
    while (pending > 0) {
        int n = 0;
        if (!first) {
            n = epoll_wait(ep, events, 1024, 10000);
            if (n == 0) {
                fprintf(stderr, "echo_client: %d TLS handshakes did not finish in 10 s\n", pending);
                exit(1);
            }
        }
        for (int k = 0; k < (first ? nconn : n); k++) {
            struct conn *c = first ? &conns[k] : events[k].data.ptr;
            if (SSL_is_init_finished(c->ssl)) continue;
            ERR_clear_error();
            int r = SSL_do_handshake(c->ssl);
            if (r == 1) {
                pending--;
                c->recv_wants_write = 0;
                rearm(c);
                continue;
            }
            int e = tls_result(c->ssl, r);
            if (e == IO_WANT_READ || e == IO_WANT_WRITE) {
                c->recv_wants_write = e == IO_WANT_WRITE;
                rearm(c);
            } else {
                fprintf(stderr, "echo_client: TLS handshake %d failed (%s):\n", (int)(c - conns),
                        X509_verify_cert_error_string(SSL_get_verify_result(c->ssl)));
                ERR_print_errors_fp(stderr);
                exit(1);
            }
        }
        first = 0;
    }
}
#endif

int main(int argc, char **argv) {
    const char *ca_pem = NULL;
    if (argc > 2 && strcmp(argv[1], "--tls") == 0) {
        ca_pem = argv[2];
        argv += 2;
        argc -= 2;
    }
    if (argc != 7) {
        fprintf(stderr, "usage: echo_client [--tls CA_PEM] HOST PORT CONNECTIONS MESSAGE_BYTES WARMUP_S MEASURE_S\n");
        return 2;
    }
#ifndef ECHO_TLS
    if (ca_pem) {
        fprintf(stderr, "echo_client: built without TLS (compile with -DECHO_TLS -lssl -lcrypto)\n");
        return 2;
    }
#endif
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
    signal(SIGPIPE, SIG_IGN); /* OpenSSL writes with write(2), not send(MSG_NOSIGNAL) */
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
        conns[i].armed = EPOLLIN;
        struct epoll_event ev = {.events = EPOLLIN, .data.ptr = &conns[i]};
        epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev);
    }
#ifdef ECHO_TLS
    SSL_CTX *tls = NULL;
    if (ca_pem) {
        tls = tls_client_context(ca_pem);
        handshake_all(conns, nconn, tls);
        SSL *s = conns[0].ssl;
        int group = SSL_get_negotiated_group(s);
        printf("connected %d tls %s %s %s\n", nconn, SSL_get_version(s), SSL_get_cipher_name(s),
               group ? OBJ_nid2sn(group & ~TLSEXT_nid_unknown) : "unknown");
    } else
#endif
    {
        printf("connected %d\n", nconn);
    }
    fflush(stdout);

    uint64_t t0 = now_ns();
    uint64_t measure_from = t0 + (uint64_t)(warmup * 1e9);
    uint64_t end = measure_from + (uint64_t)(measure * 1e9);
    uint64_t requests = 0, errors = 0;
    int measuring = 0;
    for (int i = 0; i < nconn; i++) {
        if (start_request(&conns[i]) < 0) {
            errors++;
            drop(&conns[i]);
        } else {
            rearm(&conns[i]);
        }
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
            if ((events[k].events & (EPOLLERR | EPOLLHUP)) && !(events[k].events & EPOLLIN)) {
                errors++;
                drop(c);
                continue;
            }
            uint32_t ev = events[k].events;
            /* An unfinished send waits for writability, or (TLS) for readability. */
            if (c->sent < msg_size && ((c->send_want == IO_WANT_WRITE && (ev & EPOLLOUT)) ||
                                       (c->send_want == IO_WANT_READ && (ev & EPOLLIN)))) {
                if (pump_send(c) < 0) {
                    errors++;
                    drop(c);
                    continue;
                }
            }
            /* Read while sending too: a 64 KiB echo comes back while the message is still going out. */
            if ((ev & EPOLLIN) || (c->recv_wants_write && (ev & EPOLLOUT))) {
                c->recv_wants_write = 0;
                for (;;) {
                    ssize_t r = io_recv(c, rbuf, msg_size - c->received);
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
                                drop(c);
                            }
                            break;
                        }
                    } else if (r == IO_WANT_READ) {
                        break;
                    } else if (r == IO_WANT_WRITE) {
                        c->recv_wants_write = 1;
                        break;
                    } else {
                        errors++;
                        drop(c);
                        break;
                    }
                }
                if (c->fd < 0) continue;
            }
            rearm(c);
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
        if (conns[i].fd < 0) continue;
#ifdef ECHO_TLS
        if (conns[i].ssl) SSL_shutdown(conns[i].ssl); /* close_notify, so servers see a clean close */
#endif
        drop(&conns[i]);
    }
    return 0;
}
