/* pool.c - several inputs: a pool of worker processes (-j N)
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 *
 * libwireshark keeps global state, so inputs run in parallel in separate
 * processes.  The main process starts libwireshark and a dissection
 * session that has not seen any packet (prepare_session()), then forks one
 * worker per input: the worker shares that memory copy-on-write, so it
 * neither starts libwireshark nor runs the per-capture setup (name
 * resolution files read again, every dissector's init routine: ~40 ms on
 * the benchmark machine), audits its input with the session and exits.
 * Nothing of one input can leak into the next, and no worker grows over a
 * long folder walk.
 *
 * The main process hands out input numbers over a socket per worker; a
 * worker answers with the number and a memory file holding the result
 * (counts, stderr lines, formatted fragment).  The main process prints the
 * results in input order: the output is that of a serial run.
 */
#define _GNU_SOURCE 1      /* memfd_create */
#include <wireshark.h>

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include "itl-audit.h"
#include "reader.h"
#include "report.h"

#define WIRE_MAGIC 0x49544c41u          /* "ITLA" */
#define RESULT_WINDOW 64u               /* results waiting to be printed, per job */
#define NO_INPUT G_MAXUINT32

typedef struct {
    guint32 magic;
    guint32 present;
    guint32 error;
    guint32 pad;
    guint64 err_len;
    guint64 out_len;
    totals_t delta;
} wire_hdr;

typedef struct {
    guint32 n;                  /* input number */
    guint32 retire;             /* the worker exits after this message */
} wire_msg;

typedef enum { S_WAIT = 0, S_RUN, S_DONE, S_PRINTED } slot_state;

typedef struct {
    slot_state state;
    input_result res;
} slot_t;

typedef struct {
    pid_t pid;
    int sock;
    guint32 busy;               /* input number, or NO_INPUT */
    gboolean alive;
} worker_t;

static gboolean
write_all(int fd, const void *p, size_t len)
{
    const char *c = p;

    while (len) {
        ssize_t w = write(fd, c, len);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            return FALSE;
        c += w;
        len -= (size_t)w;
    }
    return TRUE;
}

static gboolean
read_all(int fd, void *p, size_t len)
{
    char *c = p;

    while (len) {
        ssize_t r = read(fd, c, len);
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0)
            return FALSE;
        c += r;
        len -= (size_t)r;
    }
    return TRUE;
}

static int
result_file(void)
{
    int fd = memfd_create("itl-audit-result", MFD_CLOEXEC);

    if (fd < 0) {
        FILE *t = tmpfile();
        if (t) {
            fd = dup(fileno(t));
            fclose(t);
        }
    }
    return fd;
}

static gboolean
send_msg(int sock, const wire_msg *m, int fd)
{
    struct msghdr mh;
    struct iovec iov;
    union {
        char buf[CMSG_SPACE(sizeof(int))];
        struct cmsghdr align;
    } u;
    ssize_t w;

    memset(&mh, 0, sizeof mh);
    iov.iov_base = (void *)m;
    iov.iov_len = sizeof *m;
    mh.msg_iov = &iov;
    mh.msg_iovlen = 1;
    if (fd >= 0) {
        struct cmsghdr *c;
        memset(&u, 0, sizeof u);
        mh.msg_control = u.buf;
        mh.msg_controllen = sizeof u.buf;
        c = CMSG_FIRSTHDR(&mh);
        c->cmsg_level = SOL_SOCKET;
        c->cmsg_type = SCM_RIGHTS;
        c->cmsg_len = CMSG_LEN(sizeof(int));
        memcpy(CMSG_DATA(c), &fd, sizeof fd);
    }
    do
        w = sendmsg(sock, &mh, MSG_NOSIGNAL);
    while (w < 0 && errno == EINTR);
    return w == (ssize_t)sizeof *m;
}

/* 1: a message (and *fd, or -1); 0: the other end closed; -1: error. */
static int
recv_msg(int sock, wire_msg *m, int *fd)
{
    struct msghdr mh;
    struct iovec iov;
    union {
        char buf[CMSG_SPACE(sizeof(int))];
        struct cmsghdr align;
    } u;
    struct cmsghdr *c;
    ssize_t r;

    *fd = -1;
    memset(&mh, 0, sizeof mh);
    iov.iov_base = m;
    iov.iov_len = sizeof *m;
    mh.msg_iov = &iov;
    mh.msg_iovlen = 1;
    mh.msg_control = u.buf;
    mh.msg_controllen = sizeof u.buf;
    do
        r = recvmsg(sock, &mh, MSG_CMSG_CLOEXEC);
    while (r < 0 && errno == EINTR);
    if (r == 0)
        return 0;
    if (r != (ssize_t)sizeof *m)
        return -1;
    for (c = CMSG_FIRSTHDR(&mh); c; c = CMSG_NXTHDR(&mh, c))
        if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_RIGHTS)
            memcpy(fd, CMSG_DATA(c), sizeof *fd);
    return 1;
}

/* The reader of the first input, started while libwireshark starts, on
 * its way to the worker that audits that input. */
static struct {
    reader *r;
    guint input;
    gboolean resume;
} handed;

static void
reader_forget_handed(void)
{
    if (handed.r)
        reader_forget(handed.r);
    handed.r = NULL;
}

/* A worker: one input with the prepared session, then exit. */
G_GNUC_NORETURN static void
worker_loop(int sock)
{
    opt.progress = FALSE;
    for (;;) {
        input_result res;
        wire_hdr h;
        wire_msg m;
        int fd, in_fd;
        gboolean ok;

        if (recv_msg(sock, &m, &in_fd) != 1 || m.n == NO_INPUT)
            _exit(0);
        if (in_fd >= 0)
            close(in_fd);
        if (handed.r && handed.input == m.n) {
            if (handed.resume)
                reader_resume(handed.r);
            run_input(m.n, handed.r, &res);
        } else {
            reader_forget_handed();
            run_input(m.n, NULL, &res);
        }
        handed.r = NULL;
        fd = result_file();
        if (fd < 0)
            _exit(4);
        memset(&h, 0, sizeof h);
        h.magic = WIRE_MAGIC;
        h.present = res.present;
        h.error = res.error;
        h.err_len = res.err_text ? strlen(res.err_text) : 0;
        h.out_len = res.out_len;
        h.delta = res.delta;
        ok = write_all(fd, &h, sizeof h) && write_all(fd, res.err_text ? res.err_text : "", (size_t)h.err_len) &&
             write_all(fd, res.out ? res.out : "", res.out_len);
        result_clear(&res);
        m.retire = TRUE;        /* the session is used up */
        if (!ok || !send_msg(sock, &m, fd))
            _exit(3);
        close(fd);
        /* No exit handlers, no stdio flushing: the main process owns them. */
        if (m.retire)
            _exit(0);
    }
}

static gboolean
worker_spawn(worker_t *w, worker_t *all, unsigned nall)
{
    int sv[2];
    pid_t pid, parent;
    unsigned i;

    if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) < 0)
        return FALSE;
    fflush(stdout);
    fflush(stderr);
    parent = getpid();
    pid = fork();
    if (pid == 0) {
        /* A worker never outlives the main process (killed, or stopped by
         * a signal sent to it alone): nobody would read its result. */
        if (prctl(PR_SET_PDEATHSIG, SIGKILL) != 0 || getppid() != parent)
            _exit(5);
        close(sv[0]);
        for (i = 0; i < nall; i++)
            if (all[i].alive)
                close(all[i].sock);
        worker_loop(sv[1]);
    }
    close(sv[1]);
    if (pid < 0) {
        close(sv[0]);
        return FALSE;
    }
    w->pid = pid;
    w->sock = sv[0];
    w->busy = NO_INPUT;
    w->alive = TRUE;
    return TRUE;
}

static void
slot_fail(guint n, slot_t *s, const char *fmt, ...) G_GNUC_PRINTF(3, 4);

/* An input whose worker failed: reported as an input that could not be read. */
static void
slot_fail(guint n, slot_t *s, const char *fmt, ...)
{
    const input_item *it = g_ptr_array_index(items, n);
    audit_input *in = audit_input_new(it->path);
    va_list ap;

    va_start(ap, fmt);
    in->error = g_strdup_vprintf(fmt, ap);
    va_end(ap);
    result_clear(&s->res);
    format_result(in, &s->res);
    audit_input_free(in);
    s->state = S_DONE;
}

static gboolean
slot_read(slot_t *s, int fd)
{
    input_result *res = &s->res;
    wire_hdr h;
    gboolean ok;

    if (fd < 0 || lseek(fd, 0, SEEK_SET) != 0 || !read_all(fd, &h, sizeof h) || h.magic != WIRE_MAGIC ||
        h.err_len >= ((guint64)1 << 32) || h.out_len >= ((guint64)1 << 40))
        return FALSE;
    memset(res, 0, sizeof *res);
    res->present = h.present != 0;
    res->error = h.error != 0;
    res->delta = h.delta;
    res->out_len = (size_t)h.out_len;
    res->out = malloc(res->out_len + 1);
    if (h.err_len)
        res->err_text = g_malloc0((gsize)h.err_len + 1);
    ok = res->out && (!h.err_len || read_all(fd, res->err_text, (size_t)h.err_len)) &&
         read_all(fd, res->out, res->out_len);
    if (!ok)
        result_clear(res);
    return ok;
}

static void
worker_gone(worker_t *w, slot_t *slots)
{
    int wstatus = 0;

    close(w->sock);
    w->alive = FALSE;
    while (waitpid(w->pid, &wstatus, 0) < 0 && errno == EINTR)
        ;
    if (w->busy != NO_INPUT) {
        if (WIFSIGNALED(wstatus))
            slot_fail(w->busy, &slots[w->busy],
                      "internal error: the worker process auditing this input was killed by signal %d",
                      WTERMSIG(wstatus));
        else
            slot_fail(w->busy, &slots[w->busy], "internal error: the worker process auditing this input failed");
        w->busy = NO_INPUT;
    }
}

/* FALSE when stdout went away. */
gboolean
run_pool(unsigned jobs, reader *r0, guint first)
{
    guint count = items->len, n, next_start = 0, next_print = 0;
    slot_t *slots = g_new0(slot_t, count);
    worker_t *workers = g_new0(worker_t, jobs);
    struct pollfd *pfd = g_new0(struct pollfd, jobs);
    gboolean out_ok = TRUE;
    unsigned i;

    prepare_session();
    if (r0) {
        /* No thread may run while the workers are forked. */
        handed.r = r0;
        handed.input = first;
        handed.resume = reader_handover(r0);
    }
    for (;;) {
        unsigned nbusy = 0, npoll = 0;

        while (next_print < count && slots[next_print].state == S_DONE) {
            if (out_ok)
                out_ok = emit_result(&slots[next_print].res);
            result_clear(&slots[next_print].res);
            slots[next_print].state = S_PRINTED;
            next_print++;
        }
        if (next_print >= count || !out_ok)
            break;
        /* Hand out inputs; those that need no reading are done here. */
        for (i = 0; i < jobs; i++) {
            worker_t *w = &workers[i];
            while (next_start < count && next_start < next_print + RESULT_WINDOW * jobs &&
                   (!w->alive || w->busy == NO_INPUT)) {
                wire_msg m;
                n = next_start;
                if (!item_readable(g_ptr_array_index(items, n))) {
                    run_input(n, NULL, &slots[n].res);
                    slots[n].state = S_DONE;
                    next_start++;
                    continue;
                }
                if (!w->alive && !worker_spawn(w, workers, jobs)) {
                    int e = errno;
                    reader_forget_handed();
                    slot_fail(n, &slots[n], "cannot start a worker process: %s", g_strerror(e));
                    next_start++;
                    continue;
                }
                /* The worker has the reader now (or it was not its turn). */
                if (handed.r && handed.input <= n)
                    reader_forget_handed();
                m.n = n;
                m.retire = 0;
                if (!send_msg(w->sock, &m, -1)) {
                    worker_gone(w, slots);
                    continue;
                }
                w->busy = n;
                slots[n].state = S_RUN;
                next_start++;
                progress(((const input_item *)g_ptr_array_index(items, n))->path, n + 1, count, 0, FALSE);
            }
            if (w->alive && w->busy != NO_INPUT) {
                pfd[npoll].fd = w->sock;
                pfd[npoll].events = POLLIN;
                pfd[npoll].revents = 0;
                npoll++;
                nbusy++;
            }
        }
        if (!nbusy)
            continue;           /* what is done is printed next; nothing can stall here */
        if (poll(pfd, npoll, -1) < 0) {
            if (errno == EINTR)
                continue;
            break;
        }
        for (i = 0; i < jobs; i++) {
            worker_t *w = &workers[i];
            unsigned k;
            wire_msg m;
            int fd, rc;

            if (!w->alive || w->busy == NO_INPUT)
                continue;
            for (k = 0; k < npoll && pfd[k].fd != w->sock; k++)
                ;
            if (k == npoll || !pfd[k].revents)
                continue;
            rc = recv_msg(w->sock, &m, &fd);
            if (rc != 1 || m.n != w->busy) {
                if (fd >= 0)
                    close(fd);
                worker_gone(w, slots);
                continue;
            }
            if (!slot_read(&slots[m.n], fd))
                slot_fail(m.n, &slots[m.n], "internal error: unreadable result from the worker process");
            slots[m.n].state = S_DONE;
            close(fd);
            w->busy = NO_INPUT;
            if (m.retire)
                worker_gone(w, slots);
        }
    }
    /* Done, or stdout went away: let the workers go. */
    for (i = 0; i < jobs; i++) {
        if (!workers[i].alive)
            continue;
        if (workers[i].busy != NO_INPUT)
            kill(workers[i].pid, SIGTERM);
        workers[i].busy = NO_INPUT;
        worker_gone(&workers[i], slots);
    }
    for (n = 0; n < count; n++)
        result_clear(&slots[n].res);
    reader_forget_handed();
    drop_prepared_session();
    progress("", count, count, 0, TRUE);
    g_free(pfd);
    g_free(workers);
    g_free(slots);
    return out_ok;
}
