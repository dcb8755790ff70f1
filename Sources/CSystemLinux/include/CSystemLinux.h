#ifndef CSYSTEMLINUX_H
#define CSYSTEMLINUX_H

// Linux calls that Glibc's Swift overlay does not export. `struct epoll_event` is packed on
// x86-64, so it never crosses into Swift: the wrappers take and give plain integers.

#include <stdint.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <malloc.h>

static const uint32_t CSL_EPOLLIN = EPOLLIN;
static const uint32_t CSL_EPOLLOUT = EPOLLOUT;
static const uint32_t CSL_EPOLLERR = EPOLLERR;
static const uint32_t CSL_EPOLLHUP = EPOLLHUP;
static const uint32_t CSL_EPOLLRDHUP = EPOLLRDHUP;
static const uint32_t CSL_EPOLLEXCLUSIVE = EPOLLEXCLUSIVE;

/// mallopt(M_TRIM_THRESHOLD, …) and mallopt(M_MMAP_THRESHOLD, …); the constants are
/// macros Swift cannot see. Returns 1 when both were accepted.
int csl_malloc_keep_free(int trim_threshold, int mmap_threshold);

/// epoll_create1(EPOLL_CLOEXEC).
int csl_epoll_create(void);

/// epoll_ctl with the event's data set to `token`.
int csl_epoll_ctl(int epfd, int op, int fd, uint32_t events, uint64_t token);

/// epoll_wait, writing each ready event's token and flags into the two arrays.
int csl_epoll_wait(int epfd, uint64_t *tokens, uint32_t *events, int max_events, int timeout_ms);

/// accept4(fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC); glibc declares accept4 only with _GNU_SOURCE.
int csl_accept_nonblocking(int fd);

/// eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC).
int csl_eventfd(void);

static const int CSL_EPOLL_CTL_ADD = EPOLL_CTL_ADD;
static const int CSL_EPOLL_CTL_MOD = EPOLL_CTL_MOD;
static const int CSL_EPOLL_CTL_DEL = EPOLL_CTL_DEL;

#endif
