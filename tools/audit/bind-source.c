/* bind-source.c - LD_PRELOAD helper: bind outgoing IPv4 TCP/UDP sockets to
 * a given local address before connect(), so that a program without a
 * "source address" option (tools/tvs/tvs-peer client) talks from that
 * address.  Used by tools/make-audit-captures.sh to give every simulated
 * phone its own loopback address (127.x.y.z) in the captures.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 *
 * Build: cc -shared -fPIC -O2 -o bind-source.so bind-source.c -ldl
 * Use:   BIND_SOURCE_ADDR=127.0.1.1 LD_PRELOAD=./bind-source.so PROGRAM ...
 *
 * Only AF_INET sockets that are not bound yet are touched; the local port
 * stays ephemeral (0).  Without BIND_SOURCE_ADDR the call is passed through
 * unchanged.  A bind() failure makes connect() fail with that errno, so a
 * wrong address is never silently replaced by the default one.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <dlfcn.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

typedef int (*connect_fn)(int, const struct sockaddr *, socklen_t);

int connect(int fd, const struct sockaddr *addr, socklen_t len)
{
    static connect_fn real_connect;
    const char *src = getenv("BIND_SOURCE_ADDR");
    struct sockaddr_in local, cur;
    socklen_t curlen = sizeof(cur);

    if (real_connect == NULL) {
        real_connect = (connect_fn)dlsym(RTLD_NEXT, "connect");
        if (real_connect == NULL) {
            errno = ENOSYS;
            return -1;
        }
    }
    if (src == NULL || *src == '\0' || addr == NULL ||
        addr->sa_family != AF_INET)
        return real_connect(fd, addr, len);

    /* leave sockets alone that the program has bound itself */
    memset(&cur, 0, sizeof(cur));
    if (getsockname(fd, (struct sockaddr *)&cur, &curlen) == 0 &&
        cur.sin_family == AF_INET &&
        (cur.sin_port != 0 || cur.sin_addr.s_addr != htonl(INADDR_ANY)))
        return real_connect(fd, addr, len);

    memset(&local, 0, sizeof(local));
    local.sin_family = AF_INET;
    local.sin_port = 0;
    if (inet_pton(AF_INET, src, &local.sin_addr) != 1) {
        fprintf(stderr, "bind-source: BIND_SOURCE_ADDR '%s' is not an IPv4 "
                "address\n", src);
        errno = EINVAL;
        return -1;
    }
    if (bind(fd, (const struct sockaddr *)&local, sizeof(local)) != 0) {
        int e = errno;

        fprintf(stderr, "bind-source: bind(%s): %s\n", src, strerror(e));
        errno = e;
        return -1;
    }
    return real_connect(fd, addr, len);
}
