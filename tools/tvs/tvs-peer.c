// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * tvs-peer - a small TVS (Cisco CUCM Trust Verification Service) requester
 * and responder, used to produce test captures of real TLS traffic.
 *
 * Message format (see docs formats.md section 6):
 *   header, 10 bytes: 0x57, version 0x01, command, reserved byte,
 *                     request id (4 bytes BE), body length (2 bytes BE)
 *   body: elements, each 1-byte tag + 2-byte BE length + value.
 *
 * Both sides execute the same scenario file; each side runs only the
 * steps addressed to it.  See usage() and tools/tvs/README.md.
 */
#define _POSIX_C_SOURCE 200809L

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <time.h>
#include <unistd.h>

#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>

#define TVS_PROTOCOL_ID 0x57
#define TVS_VERSION     0x01
#define TVS_HDR_LEN     10
#define TVS_MAX_BODY    65535u

#define MAX_STEPS       128
#define MAX_MSGS        32
#define MAX_SPLITS      8
#define MAX_LINE        4096
#define MAX_CERT_FILE   (1024 * 1024)

enum side { SIDE_CLIENT, SIDE_SERVER };

enum step_kind { STEP_MSG, STEP_WRITE, STEP_RECV, STEP_SLEEP };

struct msg {
    unsigned cmd;
    unsigned reserved;
    int echo;            /* id = id of the matching received message */
    uint32_t id;
    uint8_t *body;
    size_t body_len;
    int line;
};

struct step {
    enum side side;
    enum step_kind kind;
    int line;
    size_t msg;                      /* STEP_MSG: index into msgs[] */
    size_t nsplits;                  /* STEP_WRITE: chunk sizes */
    size_t splits[MAX_SPLITS];
    unsigned count;                  /* STEP_RECV: messages; STEP_SLEEP: ms */
};

struct scenario {
    const char *path;
    struct step steps[MAX_STEPS];
    size_t nsteps;
    struct msg msgs[MAX_MSGS];
    size_t nmsgs;
};

struct opts {
    const char *mode;
    const char *host;
    const char *port;
    const char *tls;
    const char *ciphers;
    const char *ciphersuites;
    const char *cert;
    const char *key;
    const char *keylog;
    const char *scenario;
    const char *ready_file;
    const char *out;
    const char *dump_side;
    unsigned timeout;
    int request_cert;
    int no_etm;
    int no_ems;
};

static const char *progname = "tvs-peer";
static FILE *keylog_fp;

/* ------------------------------------------------------------------ */
/* errors                                                              */

_Noreturn static void die(const char *fmt, ...)
{
    va_list ap;

    fprintf(stderr, "%s: error: ", progname);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    exit(1);
}

_Noreturn static void die_ssl(const char *what)
{
    unsigned long e;

    fprintf(stderr, "%s: error: %s\n", progname, what);
    while ((e = ERR_get_error()) != 0) {
        char buf[256];

        ERR_error_string_n(e, buf, sizeof(buf));
        fprintf(stderr, "  %s\n", buf);
    }
    exit(1);
}

static void on_alarm(int sig)
{
    static const char msg[] = "tvs-peer: error: timeout, giving up\n";
    ssize_t r;

    (void)sig;
    r = write(STDERR_FILENO, msg, sizeof(msg) - 1);
    (void)r;
    _exit(3);
}

/* ------------------------------------------------------------------ */
/* small helpers                                                       */

/* Parse an unsigned number: decimal, or hexadecimal with a 0x prefix. */
static int parse_num(const char *s, unsigned long max, unsigned long *out)
{
    char *end;
    unsigned long v;
    int base = 10;

    if (s == NULL || *s == '\0' || *s == '-' || *s == '+')
        return -1;
    if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
        base = 16;
        s += 2;
        if (*s == '\0')
            return -1;
    }
    errno = 0;
    v = strtoul(s, &end, base);
    if (errno != 0 || *end != '\0' || v > max)
        return -1;
    *out = v;
    return 0;
}

static char *next_token(char **p)
{
    char *s = *p, *tok;

    while (*s != '\0' && isspace((unsigned char)*s))
        s++;
    if (*s == '\0') {
        *p = s;
        return NULL;
    }
    tok = s;
    while (*s != '\0' && !isspace((unsigned char)*s))
        s++;
    if (*s != '\0')
        *s++ = '\0';
    *p = s;
    return tok;
}

/* The remainder of the line with surrounding white space removed. */
static char *rest_of_line(char **p)
{
    char *s = *p, *e;

    while (*s != '\0' && isspace((unsigned char)*s))
        s++;
    e = s + strlen(s);
    while (e > s && isspace((unsigned char)e[-1]))
        *--e = '\0';
    *p = e;
    return *s != '\0' ? s : NULL;
}

static void put_be16(uint8_t *p, unsigned v)
{
    p[0] = (uint8_t)(v >> 8);
    p[1] = (uint8_t)v;
}

static void put_be32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)(v >> 24);
    p[1] = (uint8_t)(v >> 16);
    p[2] = (uint8_t)(v >> 8);
    p[3] = (uint8_t)v;
}

static unsigned get_be16(const uint8_t *p)
{
    return ((unsigned)p[0] << 8) | p[1];
}

static uint32_t get_be32(const uint8_t *p)
{
    return ((uint32_t)p[0] << 24) | ((uint32_t)p[1] << 16) |
           ((uint32_t)p[2] << 8) | p[3];
}

/* ------------------------------------------------------------------ */
/* scenario parsing                                                    */

struct pctx {
    const char *path;
    int line;
};

_Noreturn static void perr(const struct pctx *pc, const char *fmt, ...)
{
    va_list ap;

    fprintf(stderr, "%s: error: %s:%d: ", progname, pc->path, pc->line);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    exit(1);
}

static void add_element(const struct pctx *pc, struct msg *m, unsigned tag,
                        const uint8_t *val, size_t len)
{
    uint8_t *nb;

    if (len > TVS_MAX_BODY || m->body_len + 3 + len > TVS_MAX_BODY)
        perr(pc, "message body would exceed %u bytes", TVS_MAX_BODY);
    nb = realloc(m->body, m->body_len + 3 + len);
    if (nb == NULL)
        perr(pc, "out of memory");
    m->body = nb;
    nb += m->body_len;
    nb[0] = (uint8_t)tag;
    put_be16(nb + 1, (unsigned)len);
    if (len > 0)
        memcpy(nb + 3, val, len);
    m->body_len += 3 + len;
}

static size_t parse_hex(const struct pctx *pc, char *s, uint8_t *out,
                        size_t max)
{
    size_t n = 0;
    int hi = -1;

    for (; *s != '\0'; s++) {
        int v;

        if (isspace((unsigned char)*s) || *s == ':')
            continue;
        if (!isxdigit((unsigned char)*s))
            perr(pc, "bad hex digit '%c'", *s);
        v = isdigit((unsigned char)*s) ? *s - '0'
                                       : tolower((unsigned char)*s) - 'a' + 10;
        if (hi < 0) {
            hi = v;
        } else {
            if (n >= max)
                perr(pc, "hex value too long");
            out[n++] = (uint8_t)(hi << 4 | v);
            hi = -1;
        }
    }
    if (hi >= 0)
        perr(pc, "odd number of hex digits");
    return n;
}

/* Read a certificate file (PEM or DER) and return its DER encoding. */
static uint8_t *load_cert_der(const struct pctx *pc, const char *file,
                              size_t *len)
{
    FILE *f = fopen(file, "rb");
    uint8_t *buf;
    size_t n;

    if (f == NULL)
        perr(pc, "cannot open certificate '%s': %s", file, strerror(errno));
    buf = malloc(MAX_CERT_FILE);
    if (buf == NULL)
        perr(pc, "out of memory");
    n = fread(buf, 1, MAX_CERT_FILE, f);
    if (ferror(f) || !feof(f))
        perr(pc, "cannot read certificate '%s' (too large or I/O error)",
             file);
    fclose(f);

    if (n >= 10 && memcmp(buf, "-----BEGIN", 10) == 0) {
        BIO *bio = BIO_new_mem_buf(buf, (int)n);
        X509 *x = bio ? PEM_read_bio_X509(bio, NULL, NULL, NULL) : NULL;
        unsigned char *der = NULL;
        int dl;

        if (x == NULL)
            perr(pc, "'%s' is not a PEM certificate", file);
        dl = i2d_X509(x, &der);
        if (dl <= 0)
            perr(pc, "cannot DER-encode '%s'", file);
        if ((size_t)dl > MAX_CERT_FILE)
            perr(pc, "certificate '%s' too large", file);
        memcpy(buf, der, (size_t)dl);
        n = (size_t)dl;
        OPENSSL_free(der);
        X509_free(x);
        BIO_free(bio);
    } else {
        const unsigned char *p = buf;
        X509 *x = d2i_X509(NULL, &p, (long)n);

        if (x == NULL || (size_t)(p - buf) != n)
            perr(pc, "'%s' is not a single DER certificate", file);
        X509_free(x);
    }
    *len = n;
    return buf;
}

static const struct {
    const char *name;
    unsigned code;
} cmd_names[] = {
    { "verify-request", 1 },
    { "verify-response", 2 },
    { "query-request", 3 },
    { "query-response", 4 },
};

static unsigned parse_cmd(const struct pctx *pc, const char *s)
{
    unsigned long v;
    size_t i;

    for (i = 0; i < sizeof(cmd_names) / sizeof(cmd_names[0]); i++)
        if (strcasecmp(s, cmd_names[i].name) == 0)
            return cmd_names[i].code;
    if (parse_num(s, 255, &v) != 0)
        perr(pc, "bad command '%s'", s);
    return (unsigned)v;
}

static const char *cmd_name(unsigned code)
{
    size_t i;

    for (i = 0; i < sizeof(cmd_names) / sizeof(cmd_names[0]); i++)
        if (cmd_names[i].code == code)
            return cmd_names[i].name;
    return "unknown";
}

static unsigned long need_num(const struct pctx *pc, char **p,
                              unsigned long max, const char *what)
{
    char *t = next_token(p);
    unsigned long v;

    if (t == NULL)
        perr(pc, "missing %s", what);
    if (parse_num(t, max, &v) != 0)
        perr(pc, "bad %s '%s' (max %lu)", what, t, max);
    return v;
}

static void no_more(const struct pctx *pc, char **p)
{
    char *t = next_token(p);

    if (t != NULL)
        perr(pc, "unexpected '%s'", t);
}

static void parse_element(const struct pctx *pc, struct msg *m, char *p)
{
    static uint8_t val[TVS_MAX_BODY];
    char *kw = next_token(&p), *s;
    size_t n;
    unsigned long v;

    if (kw == NULL)
        perr(pc, "empty element line");

    if (strcmp(kw, "device") == 0) {
        /* device MODEL MAC [PREFIX] -> tag 1: PREFIX "CP-MODEL-SEPMAC" */
        char *model = next_token(&p), *mac = next_token(&p), *pfx;
        unsigned long prefix = 0x01;
        size_t i;
        int w;

        if (model == NULL || mac == NULL)
            perr(pc, "usage: device MODEL MAC [PREFIX]");
        pfx = next_token(&p);
        if (pfx != NULL && parse_num(pfx, 255, &prefix) != 0)
            perr(pc, "bad device name prefix '%s'", pfx);
        no_more(pc, &p);
        for (i = 0; model[i] != '\0'; i++)
            if (!isalnum((unsigned char)model[i]))
                perr(pc, "bad model '%s'", model);
        if (strlen(mac) != 12)
            perr(pc, "MAC '%s' must be 12 hex digits", mac);
        for (i = 0; i < 12; i++)
            if (!isxdigit((unsigned char)mac[i]))
                perr(pc, "MAC '%s' must be 12 hex digits", mac);
        val[0] = (uint8_t)prefix;
        w = snprintf((char *)val + 1, sizeof(val) - 1, "CP-%s-SEP%s", model,
                     mac);
        if (w < 0 || (size_t)w >= 64)
            perr(pc, "device name too long");
        add_element(pc, m, 1, val, 1 + (size_t)w);
    } else if (strcmp(kw, "cert") == 0) {
        uint8_t *der;

        s = rest_of_line(&p);
        if (s == NULL)
            perr(pc, "usage: cert FILE");
        der = load_cert_der(pc, s, &n);
        add_element(pc, m, 2, der, n);
        free(der);
    } else if (strcmp(kw, "subject") == 0 || strcmp(kw, "issuer") == 0 ||
               strcmp(kw, "str") == 0) {
        /* NUL-terminated string; subject = tag 3, issuer = tag 4 */
        unsigned long tag = strcmp(kw, "subject") == 0 ? 3 : 4;

        if (strcmp(kw, "str") == 0)
            tag = need_num(pc, &p, 255, "tag");
        s = rest_of_line(&p);
        if (s == NULL)
            perr(pc, "usage: %s%s STRING", kw,
                 strcmp(kw, "str") == 0 ? " TAG" : "");
        n = strlen(s) + 1;
        if (n > TVS_MAX_BODY)
            perr(pc, "string too long");
        add_element(pc, m, (unsigned)tag, (const uint8_t *)s, n);
    } else if (strcmp(kw, "serial") == 0 || strcmp(kw, "hex") == 0) {
        /* raw bytes; serial = tag 5 */
        unsigned long tag = 5;

        if (strcmp(kw, "hex") == 0)
            tag = need_num(pc, &p, 255, "tag");
        s = rest_of_line(&p);
        n = s != NULL ? parse_hex(pc, s, val, sizeof(val)) : 0;
        if (n == 0 && strcmp(kw, "serial") == 0)
            perr(pc, "usage: serial HEX");
        add_element(pc, m, (unsigned)tag, val, n);
    } else if (strcmp(kw, "status") == 0) {
        val[0] = (uint8_t)need_num(pc, &p, 255, "status");
        no_more(pc, &p);
        add_element(pc, m, 7, val, 1);
    } else if (strcmp(kw, "roles") == 0) {
        /* one byte per role code */
        n = 0;
        while ((s = next_token(&p)) != NULL) {
            if (parse_num(s, 255, &v) != 0)
                perr(pc, "bad role '%s'", s);
            val[n++] = (uint8_t)v;
        }
        if (n == 0)
            perr(pc, "usage: roles CODE...");
        add_element(pc, m, 8, val, n);
    } else if (strcmp(kw, "ttl") == 0) {
        put_be32(val, (uint32_t)need_num(pc, &p, 0xffffffffUL, "ttl"));
        no_more(pc, &p);
        add_element(pc, m, 9, val, 4);
    } else if (strcmp(kw, "u8") == 0 || strcmp(kw, "be32") == 0) {
        unsigned long tag = need_num(pc, &p, 255, "tag");

        if (strcmp(kw, "u8") == 0) {
            val[0] = (uint8_t)need_num(pc, &p, 255, "value");
            n = 1;
        } else {
            put_be32(val, (uint32_t)need_num(pc, &p, 0xffffffffUL, "value"));
            n = 4;
        }
        no_more(pc, &p);
        add_element(pc, m, (unsigned)tag, val, n);
    } else {
        perr(pc, "unknown element '%s'", kw);
    }
}

static struct step *new_step(struct scenario *sc, const struct pctx *pc,
                             enum side side, enum step_kind kind)
{
    struct step *st;

    if (sc->nsteps >= MAX_STEPS)
        perr(pc, "too many steps (max %d)", MAX_STEPS);
    st = &sc->steps[sc->nsteps++];
    memset(st, 0, sizeof(*st));
    st->side = side;
    st->kind = kind;
    st->line = pc->line;
    return st;
}

static void parse_scenario(struct scenario *sc, const char *path)
{
    char line[MAX_LINE];
    struct pctx pc = { path, 0 };
    struct msg *cur = NULL;
    FILE *f = fopen(path, "r");

    memset(sc, 0, sizeof(*sc));
    sc->path = path;
    if (f == NULL)
        die("cannot open scenario '%s': %s", path, strerror(errno));

    while (fgets(line, sizeof(line), f) != NULL) {
        char *p = line, *w;
        enum side side;
        struct step *st;

        pc.line++;
        if (strchr(line, '\n') == NULL && !feof(f))
            perr(&pc, "line too long");
        w = next_token(&p);
        if (w == NULL || w[0] == '#')
            continue;

        if (strcmp(w, "+") == 0) {
            if (cur == NULL)
                perr(&pc, "element line before any 'msg'");
            parse_element(&pc, cur, p);
            continue;
        }
        if (strcmp(w, "client") == 0)
            side = SIDE_CLIENT;
        else if (strcmp(w, "server") == 0)
            side = SIDE_SERVER;
        else
            perr(&pc, "line must start with 'client', 'server', '+' or '#'");

        w = next_token(&p);
        if (w == NULL)
            perr(&pc, "missing action");
        if (strcmp(w, "msg") == 0) {
            /* msg CMD ID|echo [RESERVED] */
            char *t;
            unsigned long v;

            if (sc->nmsgs >= MAX_MSGS)
                perr(&pc, "too many messages (max %d)", MAX_MSGS);
            cur = &sc->msgs[sc->nmsgs];
            memset(cur, 0, sizeof(*cur));
            cur->line = pc.line;
            t = next_token(&p);
            if (t == NULL)
                perr(&pc, "usage: msg CMD ID|echo [RESERVED]");
            cur->cmd = parse_cmd(&pc, t);
            t = next_token(&p);
            if (t == NULL)
                perr(&pc, "usage: msg CMD ID|echo [RESERVED]");
            if (strcmp(t, "echo") == 0)
                cur->echo = 1;
            else if (parse_num(t, 0xffffffffUL, &v) == 0)
                cur->id = (uint32_t)v;
            else
                perr(&pc, "bad request id '%s'", t);
            t = next_token(&p);
            if (t != NULL) {
                if (parse_num(t, 255, &v) != 0)
                    perr(&pc, "bad reserved byte '%s'", t);
                cur->reserved = (unsigned)v;
            }
            no_more(&pc, &p);
            st = new_step(sc, &pc, side, STEP_MSG);
            st->msg = sc->nmsgs++;
        } else if (strcmp(w, "write") == 0) {
            /* write [N...]: SSL_write N bytes each, then the rest */
            char *t;

            st = new_step(sc, &pc, side, STEP_WRITE);
            while ((t = next_token(&p)) != NULL) {
                unsigned long v;

                if (st->nsplits >= MAX_SPLITS)
                    perr(&pc, "too many split points (max %d)", MAX_SPLITS);
                if (parse_num(t, 16384, &v) != 0 || v == 0)
                    perr(&pc, "bad chunk size '%s' (1..16384)", t);
                st->splits[st->nsplits++] = v;
            }
            cur = NULL;
        } else if (strcmp(w, "recv") == 0) {
            st = new_step(sc, &pc, side, STEP_RECV);
            st->count = (unsigned)need_num(&pc, &p, MAX_MSGS, "count");
            if (st->count == 0)
                perr(&pc, "recv count must be at least 1");
            no_more(&pc, &p);
            cur = NULL;
        } else if (strcmp(w, "sleep") == 0) {
            st = new_step(sc, &pc, side, STEP_SLEEP);
            st->count = (unsigned)need_num(&pc, &p, 10000, "milliseconds");
            no_more(&pc, &p);
            cur = NULL;
        } else {
            perr(&pc, "unknown action '%s'", w);
        }
    }
    if (ferror(f))
        die("error reading '%s'", path);
    fclose(f);
    if (sc->nsteps == 0)
        die("%s: empty scenario", path);
}

/* ------------------------------------------------------------------ */
/* message building and printing                                       */

struct buf {
    uint8_t *data;
    size_t len;
};

static void buf_append(struct buf *b, const uint8_t *p, size_t n)
{
    uint8_t *nd = realloc(b->data, b->len + n);

    if (nd == NULL)
        die("out of memory");
    b->data = nd;
    memcpy(b->data + b->len, p, n);
    b->len += n;
}

static void print_message(const char *dir, const uint8_t *m, size_t len)
{
    size_t off = TVS_HDR_LEN;

    printf("%s: cmd=%u (%s) reserved=0x%02x id=%lu body=%u total=%zu\n", dir,
           m[2], cmd_name(m[2]), m[3], (unsigned long)get_be32(m + 4),
           get_be16(m + 8), len);
    while (off + 3 <= len) {
        unsigned tag = m[off], el = get_be16(m + off + 1);
        size_t i, show;

        if (off + 3 + el > len) {
            printf("    tag %u: length %u overruns the message\n", tag, el);
            break;
        }
        printf("    tag %u len %u:", tag, el);
        show = el > 24 ? 24 : el;
        for (i = 0; i < show; i++)
            printf(" %02x", m[off + 3 + i]);
        printf("%s\n", el > show ? " ..." : "");
        off += 3 + el;
    }
    if (off != len)
        printf("    %zu trailing byte(s)\n", len - off);
}

static void build_message(const struct msg *m, uint32_t id, struct buf *out)
{
    uint8_t hdr[TVS_HDR_LEN];

    hdr[0] = TVS_PROTOCOL_ID;
    hdr[1] = TVS_VERSION;
    hdr[2] = (uint8_t)m->cmd;
    hdr[3] = (uint8_t)m->reserved;
    put_be32(hdr + 4, id);
    put_be16(hdr + 8, (unsigned)m->body_len);
    buf_append(out, hdr, sizeof(hdr));
    if (m->body_len > 0)
        buf_append(out, m->body, m->body_len);
    print_message("compose", out->data + out->len - TVS_HDR_LEN - m->body_len,
                  TVS_HDR_LEN + m->body_len);
}

/* ------------------------------------------------------------------ */
/* TLS                                                                 */

static void keylog_cb(const SSL *ssl, const char *line)
{
    (void)ssl;
    if (keylog_fp != NULL) {
        fprintf(keylog_fp, "%s\n", line);
        fflush(keylog_fp);
    }
}

static int accept_any_cert(int ok, X509_STORE_CTX *ctx)
{
    (void)ok;
    (void)ctx;
    return 1;       /* we only want the peer to send its certificate */
}

static SSL_CTX *make_ctx(const struct opts *o, int server)
{
    SSL_CTX *ctx = SSL_CTX_new(server ? TLS_server_method()
                                      : TLS_client_method());
    int ver;

    if (ctx == NULL)
        die_ssl("SSL_CTX_new failed");
    if (strcmp(o->tls, "1.2") == 0)
        ver = TLS1_2_VERSION;
    else if (strcmp(o->tls, "1.3") == 0)
        ver = TLS1_3_VERSION;
    else
        die("--tls must be 1.2 or 1.3");
    if (!SSL_CTX_set_min_proto_version(ctx, ver) ||
        !SSL_CTX_set_max_proto_version(ctx, ver))
        die_ssl("cannot set the TLS version");
    if (o->ciphers != NULL && !SSL_CTX_set_cipher_list(ctx, o->ciphers))
        die_ssl("bad --ciphers list");
    if (o->ciphersuites != NULL &&
        !SSL_CTX_set_ciphersuites(ctx, o->ciphersuites))
        die_ssl("bad --ciphersuites list");
    if (o->no_etm)
        SSL_CTX_set_options(ctx, SSL_OP_NO_ENCRYPT_THEN_MAC);
    if (o->no_ems)
        SSL_CTX_set_options(ctx, SSL_OP_NO_EXTENDED_MASTER_SECRET);
    if (o->keylog != NULL)
        SSL_CTX_set_keylog_callback(ctx, keylog_cb);

    if (o->cert != NULL) {
        if (SSL_CTX_use_certificate_chain_file(ctx, o->cert) != 1)
            die_ssl("cannot load --cert");
        if (SSL_CTX_use_PrivateKey_file(ctx, o->key ? o->key : o->cert,
                                        SSL_FILETYPE_PEM) != 1)
            die_ssl("cannot load --key");
        if (SSL_CTX_check_private_key(ctx) != 1)
            die_ssl("--key does not match --cert");
    } else if (server) {
        die("server mode needs --cert and --key");
    }

    if (server) {
        /* no session tickets: fewer records, steadier captures */
        SSL_CTX_set_num_tickets(ctx, 0);
        SSL_CTX_set_options(ctx, SSL_OP_NO_TICKET);
        SSL_CTX_set_session_cache_mode(ctx, SSL_SESS_CACHE_OFF);
        if (o->request_cert)
            SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, accept_any_cert);
    } else {
        /* test tool: the server certificate is not checked */
        SSL_CTX_set_verify(ctx, SSL_VERIFY_NONE, NULL);
    }
    return ctx;
}

_Noreturn static void ssl_fail(SSL *ssl, int ret, const char *what)
{
    int err = SSL_get_error(ssl, ret);

    if (err == SSL_ERROR_ZERO_RETURN)
        die("%s: peer closed the TLS connection", what);
    if (err == SSL_ERROR_SYSCALL && ERR_peek_error() == 0)
        die("%s: connection closed or reset (%s)", what,
            errno ? strerror(errno) : "EOF");
    die_ssl(what);
}

static void read_exact(SSL *ssl, uint8_t *p, size_t n)
{
    while (n > 0) {
        int chunk = n > INT_MAX ? INT_MAX : (int)n;
        int r = SSL_read(ssl, p, chunk);

        if (r <= 0)
            ssl_fail(ssl, r, "SSL_read");
        p += r;
        n -= (size_t)r;
    }
}

static uint32_t recv_message(SSL *ssl)
{
    static uint8_t m[TVS_HDR_LEN + TVS_MAX_BODY];
    unsigned blen;

    read_exact(ssl, m, TVS_HDR_LEN);
    if (m[0] != TVS_PROTOCOL_ID || m[1] != TVS_VERSION)
        die("received header %02x %02x is not TVS (57 01)", m[0], m[1]);
    blen = get_be16(m + 8);
    read_exact(ssl, m + TVS_HDR_LEN, blen);
    print_message("recv", m, TVS_HDR_LEN + blen);
    return get_be32(m + 4);
}

static void write_chunks(SSL *ssl, const struct step *st, struct buf *q)
{
    size_t off = 0, i;

    if (q->len == 0)
        die("line %d: write with no composed message", st->line);
    for (i = 0; i <= st->nsplits && off < q->len; i++) {
        size_t n = i < st->nsplits ? st->splits[i] : q->len - off;
        int r;

        if (n > q->len - off)
            die("line %d: chunk size %zu exceeds the %zu bytes left", st->line,
                n, q->len - off);
        if (n > 16384)
            die("line %d: a chunk of %zu bytes would not fit one TLS record",
                st->line, n);
        r = SSL_write(ssl, q->data + off, (int)n);
        if (r <= 0)
            ssl_fail(ssl, r, "SSL_write");
        printf("write: %zu bytes (offset %zu) in one SSL_write\n", n, off);
        off += n;
    }
    if (off != q->len)
        die("line %d: split sizes leave nothing for the last chunk",
            st->line);
    q->len = 0;
}

static void sleep_ms(unsigned ms)
{
    struct timespec ts = { (time_t)(ms / 1000), (long)(ms % 1000) * 1000000L };

    while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
        ;
}

/* Execute this side's steps on an established TLS connection. */
static void run_steps(const struct scenario *sc, enum side side, SSL *ssl)
{
    uint32_t recv_ids[MAX_MSGS];
    size_t nrecv = 0, ncomposed = 0, i;
    struct buf q = { NULL, 0 };

    for (i = 0; i < sc->nsteps; i++) {
        const struct step *st = &sc->steps[i];
        unsigned k;

        if (st->side != side)
            continue;
        switch (st->kind) {
        case STEP_MSG: {
            const struct msg *m = &sc->msgs[st->msg];
            uint32_t id = m->id;

            if (m->echo) {
                if (ncomposed >= nrecv)
                    die("%s:%d: 'echo' but message %zu was not received yet",
                        sc->path, st->line, ncomposed + 1);
                id = recv_ids[ncomposed];
            }
            build_message(m, id, &q);
            ncomposed++;
            break;
        }
        case STEP_WRITE:
            write_chunks(ssl, st, &q);
            break;
        case STEP_RECV:
            for (k = 0; k < st->count; k++) {
                if (nrecv >= MAX_MSGS)
                    die("too many received messages");
                recv_ids[nrecv++] = recv_message(ssl);
            }
            break;
        case STEP_SLEEP:
            sleep_ms(st->count);
            break;
        }
        fflush(stdout);
    }
    if (q.len != 0)
        die("%s: composed messages were never written (missing 'write')",
            sc->path);
    free(q.data);
}

/* Orderly close: both close_notify alerts are exchanged. */
static void finish(SSL *ssl, int server)
{
    uint8_t b;
    int r;

    if (server) {
        /* wait for the client's close_notify, then answer it */
        r = SSL_read(ssl, &b, 1);
        if (r > 0)
            die("unexpected data from the client after the scenario");
        if (SSL_get_error(ssl, r) != SSL_ERROR_ZERO_RETURN)
            ssl_fail(ssl, r, "waiting for close_notify");
        if (SSL_shutdown(ssl) != 1)
            die_ssl("SSL_shutdown");
    } else {
        r = SSL_shutdown(ssl);
        if (r == 0)
            r = SSL_shutdown(ssl);
        if (r != 1)
            die_ssl("SSL_shutdown (no close_notify from the server)");
    }
}

static void set_nodelay(int fd)
{
    int one = 1;

    if (setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one)) != 0)
        die("setsockopt(TCP_NODELAY): %s", strerror(errno));
}

static int open_socket(const struct opts *o, int server)
{
    struct addrinfo hints, *res, *ai;
    int fd = -1, rc;

    memset(&hints, 0, sizeof(hints));
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_flags = server ? AI_PASSIVE : 0;
    rc = getaddrinfo(o->host, o->port, &hints, &res);
    if (rc != 0)
        die("%s:%s: %s", o->host, o->port, gai_strerror(rc));
    for (ai = res; ai != NULL; ai = ai->ai_next) {
        fd = socket(ai->ai_family, ai->ai_socktype, ai->ai_protocol);
        if (fd < 0)
            continue;
        if (server) {
            int one = 1;

            if (setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one,
                           sizeof(one)) == 0 &&
                bind(fd, ai->ai_addr, ai->ai_addrlen) == 0 &&
                listen(fd, 1) == 0)
                break;
        } else if (connect(fd, ai->ai_addr, ai->ai_addrlen) == 0) {
            break;
        }
        rc = errno;
        close(fd);
        fd = -1;
        errno = rc;
    }
    freeaddrinfo(res);
    if (fd < 0)
        die("cannot %s %s port %s: %s", server ? "listen on" : "connect to",
            o->host, o->port, strerror(errno));
    return fd;
}

static int run_peer(const struct opts *o, int server)
{
    struct scenario *sc = malloc(sizeof(*sc));
    SSL_CTX *ctx;
    SSL *ssl;
    int fd, r;

    if (sc == NULL)
        die("out of memory");
    parse_scenario(sc, o->scenario);
    if (o->keylog != NULL) {
        keylog_fp = fopen(o->keylog, "w");
        if (keylog_fp == NULL)
            die("cannot create key log '%s': %s", o->keylog, strerror(errno));
    }
    ctx = make_ctx(o, server);

    signal(SIGALRM, on_alarm);
    alarm(o->timeout);

    fd = open_socket(o, server);
    if (server) {
        int lfd = fd;

        if (o->ready_file != NULL) {
            FILE *rf = fopen(o->ready_file, "w");

            if (rf == NULL || fclose(rf) != 0)
                die("cannot create ready file '%s'", o->ready_file);
        }
        printf("listening on %s port %s\n", o->host, o->port);
        fflush(stdout);
        fd = accept(lfd, NULL, NULL);
        if (fd < 0)
            die("accept: %s", strerror(errno));
        close(lfd);
    }
    set_nodelay(fd);

    ssl = SSL_new(ctx);
    if (ssl == NULL || SSL_set_fd(ssl, fd) != 1)
        die_ssl("SSL_new/SSL_set_fd failed");
    r = server ? SSL_accept(ssl) : SSL_connect(ssl);
    if (r != 1)
        ssl_fail(ssl, r, "TLS handshake");
    printf("handshake done: %s %s\n", SSL_get_version(ssl),
           SSL_get_cipher_name(ssl));
    fflush(stdout);

    run_steps(sc, server ? SIDE_SERVER : SIDE_CLIENT, ssl);
    finish(ssl, server);
    printf("closed cleanly\n");

    SSL_free(ssl);
    close(fd);
    SSL_CTX_free(ctx);
    if (keylog_fp != NULL && fclose(keylog_fp) != 0)
        die("error writing the key log");
    for (r = 0; (size_t)r < sc->nmsgs; r++)
        free(sc->msgs[r].body);
    free(sc);
    return 0;
}

/* dump: write one side's messages to a file without any network I/O.
 * 'echo' takes the id of the other side's message with the same index. */
static int run_dump(const struct opts *o)
{
    struct scenario *sc = malloc(sizeof(*sc));
    enum side side, other;
    const struct msg *theirs[MAX_MSGS];
    size_t ntheirs = 0, nmine = 0, i;
    struct buf out = { NULL, 0 };
    FILE *f;

    if (sc == NULL)
        die("out of memory");
    if (o->dump_side == NULL || o->out == NULL)
        die("dump needs --side client|server and --out FILE");
    if (strcmp(o->dump_side, "client") == 0)
        side = SIDE_CLIENT;
    else if (strcmp(o->dump_side, "server") == 0)
        side = SIDE_SERVER;
    else
        die("--side must be client or server");
    other = side == SIDE_CLIENT ? SIDE_SERVER : SIDE_CLIENT;
    parse_scenario(sc, o->scenario);

    for (i = 0; i < sc->nsteps; i++)
        if (sc->steps[i].kind == STEP_MSG && sc->steps[i].side == other)
            theirs[ntheirs++] = &sc->msgs[sc->steps[i].msg];
    for (i = 0; i < sc->nsteps; i++) {
        const struct step *st = &sc->steps[i];
        const struct msg *m;
        uint32_t id;

        if (st->kind != STEP_MSG || st->side != side)
            continue;
        m = &sc->msgs[st->msg];
        id = m->id;
        if (m->echo) {
            if (nmine >= ntheirs || theirs[nmine]->echo)
                die("%s:%d: cannot resolve 'echo' without the peer's id",
                    sc->path, m->line);
            id = theirs[nmine]->id;
        }
        build_message(m, id, &out);
        nmine++;
    }
    f = fopen(o->out, "wb");
    if (f == NULL)
        die("cannot create '%s': %s", o->out, strerror(errno));
    if ((out.len > 0 && fwrite(out.data, 1, out.len, f) != out.len) ||
        fclose(f) != 0)
        die("error writing '%s'", o->out);
    printf("wrote %zu bytes (%zu messages) to %s\n", out.len, nmine, o->out);
    free(out.data);
    for (i = 0; i < sc->nmsgs; i++)
        free(sc->msgs[i].body);
    free(sc);
    return 0;
}

/* ------------------------------------------------------------------ */
/* command line                                                        */

static void usage(FILE *f)
{
    fprintf(f,
"usage: %s server|client|dump [options]\n"
"  --scenario FILE     scenario to execute (required)\n"
"  --host ADDR         server: address to listen on; client: to connect to\n"
"                      (default 127.0.0.1)\n"
"  --port N            TCP port (default 2445)\n"
"  --tls 1.2|1.3       TLS version, exactly (default 1.2)\n"
"  --ciphers LIST      OpenSSL cipher list for TLS 1.2, e.g.\n"
"                      'AES256-SHA' or 'AES256-SHA:@SECLEVEL=0'\n"
"  --ciphersuites LIST TLS 1.3 cipher suites\n"
"  --cert FILE         certificate (chain) PEM; server: required;\n"
"                      client: optional client certificate\n"
"  --key FILE          private key PEM (default: same file as --cert)\n"
"  --keylog FILE       write the NSS key log (SSLKEYLOGFILE format)\n"
"  --request-cert      server: ask the client for a certificate\n"
"  --no-etm            disable encrypt-then-MAC (TLS 1.2 CBC suites)\n"
"  --no-ems            disable the extended master secret\n"
"  --ready-file FILE   server: create FILE once listening\n"
"  --timeout SEC       give up after SEC seconds (default 30)\n"
"  --side client|server, --out FILE\n"
"                      dump: write that side's messages to FILE\n"
"\n"
"Scenario lines ('#' starts a comment):\n"
"  client|server msg CMD ID|echo [RESERVED]  compose a message\n"
"    + device MODEL MAC [PREFIX]  tag 1: PREFIX (0x01) 'CP-MODEL-SEPMAC'\n"
"    + cert FILE                  tag 2: DER certificate (PEM or DER file)\n"
"    + subject STRING             tag 3: STRING plus NUL\n"
"    + issuer STRING              tag 4: STRING plus NUL\n"
"    + serial HEX                 tag 5: raw bytes\n"
"    + status N | roles N... | ttl N    tags 7, 8 (1 byte each), 9 (BE32)\n"
"    + str TAG STRING | hex TAG HEX | u8 TAG N | be32 TAG N\n"
"  client|server write [N...]  SSL_write the composed messages: N bytes per\n"
"                              call, then the rest in one more call\n"
"  client|server recv N        read N messages\n"
"  client|server sleep MS\n"
"CMD is a number or verify-request, verify-response, query-request,\n"
"query-response.  'echo' uses the id of the received message with the\n"
"same index as this side's message.\n"
"Exit status: 0 success, 1 error, 2 usage error, 3 timeout.\n",
            progname);
}

int main(int argc, char **argv)
{
    struct opts o;
    unsigned long v;
    int i;

    memset(&o, 0, sizeof(o));
    o.host = "127.0.0.1";
    o.port = "2445";
    o.tls = "1.2";
    o.timeout = 30;

    if (argc < 2) {
        usage(stderr);
        return 2;
    }
    if (strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0) {
        usage(stdout);
        return 0;
    }
    o.mode = argv[1];
    for (i = 2; i < argc; i++) {
        const char *a = argv[i];
        const char **dst = NULL;

        if (strcmp(a, "--request-cert") == 0) {
            o.request_cert = 1;
            continue;
        }
        if (strcmp(a, "--no-etm") == 0) {
            o.no_etm = 1;
            continue;
        }
        if (strcmp(a, "--no-ems") == 0) {
            o.no_ems = 1;
            continue;
        }
        if (i + 1 >= argc) {
            fprintf(stderr, "%s: error: unknown option or missing value: %s\n",
                    progname, a);
            return 2;
        }
        if (strcmp(a, "--scenario") == 0)
            dst = &o.scenario;
        else if (strcmp(a, "--host") == 0)
            dst = &o.host;
        else if (strcmp(a, "--port") == 0)
            dst = &o.port;
        else if (strcmp(a, "--tls") == 0)
            dst = &o.tls;
        else if (strcmp(a, "--ciphers") == 0)
            dst = &o.ciphers;
        else if (strcmp(a, "--ciphersuites") == 0)
            dst = &o.ciphersuites;
        else if (strcmp(a, "--cert") == 0)
            dst = &o.cert;
        else if (strcmp(a, "--key") == 0)
            dst = &o.key;
        else if (strcmp(a, "--keylog") == 0)
            dst = &o.keylog;
        else if (strcmp(a, "--ready-file") == 0)
            dst = &o.ready_file;
        else if (strcmp(a, "--out") == 0)
            dst = &o.out;
        else if (strcmp(a, "--side") == 0)
            dst = &o.dump_side;
        else if (strcmp(a, "--timeout") == 0) {
            if (parse_num(argv[i + 1], 3600, &v) != 0 || v == 0) {
                fprintf(stderr, "%s: error: bad --timeout\n", progname);
                return 2;
            }
            o.timeout = (unsigned)v;
            i++;
            continue;
        } else {
            fprintf(stderr, "%s: error: unknown option %s\n", progname, a);
            return 2;
        }
        *dst = argv[++i];
    }
    if (o.scenario == NULL) {
        fprintf(stderr, "%s: error: --scenario is required\n", progname);
        return 2;
    }
    if (parse_num(o.port, 65535, &v) != 0 || v == 0) {
        fprintf(stderr, "%s: error: bad --port\n", progname);
        return 2;
    }

    if (strcmp(o.mode, "server") == 0)
        return run_peer(&o, 1);
    if (strcmp(o.mode, "client") == 0)
        return run_peer(&o, 0);
    if (strcmp(o.mode, "dump") == 0)
        return run_dump(&o);
    fprintf(stderr, "%s: error: mode must be server, client or dump\n",
            progname);
    return 2;
}
