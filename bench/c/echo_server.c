/*
 * The C epoll echo server: the ceiling of the echo benchmark.
 *
 *   echo_server PORT [--tls --cert CERT_PEM --key KEY_PEM]
 *
 * One thread, epoll (level-triggered), non-blocking sockets, TCP_NODELAY. Echoes every byte
 * it reads; bytes the socket does not take at once are kept per connection and written on
 * EPOLLOUT, and reading from that connection pauses meanwhile. Runs until killed.
 *
 * --tls (built with -DECHO_TLS, linked with -lssl -lcrypto): the same shape over OpenSSL.
 * The handshake runs inside SSL_read (the connection is in accept state); each readiness
 * event reads records until OpenSSL wants more bytes (read-ahead on: one recv per burst of
 * records), writing each decrypted chunk straight back with SSL_write. A write that does not
 * complete is kept and retried, unchanged, when OpenSSL's wish (WANT_WRITE: EPOLLOUT, or
 * WANT_READ) is met; reading pauses meanwhile. OpenSSL's defaults otherwise (TLS 1.2 and 1.3,
 * its cipher order, two session tickets); the load client pins the version, suite and group.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>
#ifdef ECHO_TLS
#include <openssl/err.h>
#include <openssl/ssl.h>
#endif

#define BUF 65536

struct conn {
    int fd;
    char *pending;
    size_t len, off;
#ifdef ECHO_TLS
    SSL *ssl;
    uint32_t armed;
    int write_wants_read; /* the pending SSL_write asked for readability */
#endif
};

static int ep;

static void close_conn(struct conn *c) {
#ifdef ECHO_TLS
    if (c->ssl) SSL_free(c->ssl);
#endif
    close(c->fd);
    free(c->pending);
    free(c);
}

static void set_events(struct conn *c, uint32_t events) {
    struct epoll_event ev = {.events = events, .data.ptr = c};
    epoll_ctl(ep, EPOLL_CTL_MOD, c->fd, &ev);
}

static void keep(struct conn *c, const char *p, size_t rest) {
    c->pending = realloc(c->pending, rest);
    memcpy(c->pending, p, rest);
    c->len = rest;
    c->off = 0;
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

static void plain_event(struct conn *c, uint32_t events) {
    static char buf[BUF];
    if (events & EPOLLOUT) {
        int r = flush_pending(c);
        if (r < 0) {
            close_conn(c);
            return;
        }
        if (r > 0) set_events(c, EPOLLIN);
        return;
    }
    if (events & (EPOLLIN | EPOLLERR | EPOLLHUP)) {
        ssize_t r = recv(c->fd, buf, BUF, 0);
        if (r == 0 || (r < 0 && errno != EAGAIN && errno != EINTR)) {
            close_conn(c);
            return;
        }
        if (r < 0) return;
        ssize_t w = send(c->fd, buf, (size_t)r, MSG_NOSIGNAL);
        if (w < 0 && errno != EAGAIN && errno != EWOULDBLOCK) {
            close_conn(c);
            return;
        }
        if (w < 0) w = 0;
        if (w < r) {
            keep(c, buf + w, (size_t)(r - w));
            set_events(c, EPOLLOUT);
        }
    }
}

#ifdef ECHO_TLS
static SSL_CTX *tls_ctx;

static void tls_arm(struct conn *c, uint32_t events) {
    if (c->armed != events) {
        set_events(c, events);
        c->armed = events;
    }
}

/* SSL_write of what is pending (unchanged on a retry, as OpenSSL requires); -1 error, 0 waiting, 1 done. */
static int tls_flush(struct conn *c) {
    while (c->off < c->len) {
        ERR_clear_error();
        int n = SSL_write(c->ssl, c->pending + c->off, (int)(c->len - c->off));
        if (n > 0) {
            c->off += (size_t)n;
            continue;
        }
        int e = SSL_get_error(c->ssl, n);
        if (e == SSL_ERROR_WANT_WRITE || e == SSL_ERROR_WANT_READ) {
            c->write_wants_read = e == SSL_ERROR_WANT_READ;
            tls_arm(c, e == SSL_ERROR_WANT_WRITE ? EPOLLOUT : EPOLLIN);
            return 0;
        }
        return -1;
    }
    c->len = c->off = 0;
    c->write_wants_read = 0;
    tls_arm(c, EPOLLIN);
    return 1;
}

static void tls_event(struct conn *c, uint32_t events) {
    static char buf[BUF];
    (void)events;
    if (c->len > 0) { /* a write is waiting: only it may proceed */
        int r = tls_flush(c);
        if (r < 0) {
            close_conn(c);
            return;
        }
        if (r == 0) return;
    }
    for (;;) {
        ERR_clear_error();
        int r = SSL_read(c->ssl, buf, BUF);
        if (r <= 0) {
            int e = SSL_get_error(c->ssl, r);
            if (e == SSL_ERROR_WANT_READ) {
                tls_arm(c, EPOLLIN);
                return;
            }
            if (e == SSL_ERROR_WANT_WRITE) { /* the handshake's flight did not fit */
                tls_arm(c, EPOLLIN | EPOLLOUT);
                return;
            }
            close_conn(c); /* close_notify, EOF or error */
            return;
        }
        ERR_clear_error();
        int w = SSL_write(c->ssl, buf, r);
        if (w == r) continue;
        if (w <= 0) {
            int e = SSL_get_error(c->ssl, w);
            if (e != SSL_ERROR_WANT_WRITE && e != SSL_ERROR_WANT_READ) {
                close_conn(c);
                return;
            }
            w = 0;
        }
        keep(c, buf + w, (size_t)(r - w));
        int f = tls_flush(c); /* arms what a retry waits for */
        if (f < 0) {
            close_conn(c);
            return;
        }
        if (f == 0) return; /* reading pauses until the write completes */
    }
}

static void tls_init(const char *cert, const char *key) {
    tls_ctx = SSL_CTX_new(TLS_server_method());
    if (!tls_ctx || SSL_CTX_use_certificate_chain_file(tls_ctx, cert) != 1 ||
        SSL_CTX_use_PrivateKey_file(tls_ctx, key, SSL_FILETYPE_PEM) != 1 || SSL_CTX_check_private_key(tls_ctx) != 1) {
        fprintf(stderr, "echo_server: cannot load %s / %s:\n", cert, key);
        ERR_print_errors_fp(stderr);
        exit(1);
    }
    SSL_CTX_set_mode(tls_ctx, SSL_MODE_ENABLE_PARTIAL_WRITE | SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER);
    SSL_CTX_set_read_ahead(tls_ctx, 1);
}
#endif

int main(int argc, char **argv) {
    const char *cert = NULL, *key = NULL;
    int tls = 0;
    for (int i = 2; i < argc; i++) {
        if (strcmp(argv[i], "--tls") == 0) {
            tls = 1;
        } else if (strcmp(argv[i], "--cert") == 0 && i + 1 < argc) {
            cert = argv[++i];
        } else if (strcmp(argv[i], "--key") == 0 && i + 1 < argc) {
            key = argv[++i];
        } else {
            argc = 0;
        }
    }
    if (argc < 2 || (tls && (!cert || !key)) || (!tls && (cert || key))) {
        fprintf(stderr, "usage: echo_server PORT [--tls --cert CERT_PEM --key KEY_PEM]\n");
        return 2;
    }
#ifdef ECHO_TLS
    if (tls) tls_init(cert, key);
#else
    if (tls) {
        fprintf(stderr, "echo_server: built without TLS (compile with -DECHO_TLS -lssl -lcrypto)\n");
        return 2;
    }
#endif
    signal(SIGPIPE, SIG_IGN); /* OpenSSL writes with write(2), not send(MSG_NOSIGNAL) */
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
#ifdef ECHO_TLS
                    if (tls) {
                        nc->ssl = SSL_new(tls_ctx);
                        SSL_set_fd(nc->ssl, fd);
                        SSL_set_accept_state(nc->ssl);
                        nc->armed = EPOLLIN;
                    }
#endif
                    struct epoll_event ev = {.events = EPOLLIN, .data.ptr = nc};
                    epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev);
                }
                continue;
            }
#ifdef ECHO_TLS
            if (c->ssl) {
                tls_event(c, events[k].events);
                continue;
            }
#endif
            plain_event(c, events[k].events);
        }
    }
}
