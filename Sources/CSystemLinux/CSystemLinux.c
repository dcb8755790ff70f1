#define _GNU_SOURCE
#include <stddef.h>
#include <sys/socket.h>
#include "CSystemLinux.h"

int csl_epoll_create(void) { return epoll_create1(EPOLL_CLOEXEC); }

int csl_epoll_ctl(int epfd, int op, int fd, uint32_t events, uint64_t token) {
    struct epoll_event ev;
    ev.events = events;
    ev.data.u64 = token;
    return epoll_ctl(epfd, op, fd, &ev);
}

int csl_epoll_wait(int epfd, uint64_t *tokens, uint32_t *events, int max_events, int timeout_ms) {
    struct epoll_event ready[256];
    if (max_events > 256) max_events = 256;
    int n = epoll_wait(epfd, ready, max_events, timeout_ms);
    for (int i = 0; i < n; i++) {
        tokens[i] = ready[i].data.u64;
        events[i] = ready[i].events;
    }
    return n;
}

int csl_eventfd(void) { return eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC); }

int csl_accept_nonblocking(int fd) { return accept4(fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC); }

int csl_malloc_keep_free(int trim_threshold, int mmap_threshold) {
    return mallopt(M_TRIM_THRESHOLD, trim_threshold) && mallopt(M_MMAP_THRESHOLD, mmap_threshold);
}
