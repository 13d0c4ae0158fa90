/* sbd-compat.h - every difference between the Wireshark versions this
 * project builds against (4.0, 4.4, 4.6), in one place.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 *
 * The rest of the code calls the sbd_* / SBD_* names below and never tests
 * a Wireshark version itself.  Where a version number is not enough, CMake
 * (CMakeLists.txt, "Wireshark API checks") compiles a probe against the
 * installed headers and defines an SBD_* macro:
 *   SBD_HAVE_TVB_GET_UINT8       tvb_get_uint8() exists (4.4 deprecates tvb_get_guint8)
 *   SBD_PREFS_BOOL_IS_GBOOLEAN   prefs_register_bool_preference() takes gboolean*
 *   SBD_WTAP_REC_HAS_DATA        wtap_rec carries the record's bytes (4.6):
 *                                wtap_read()/wtap_seek_read() take no Buffer,
 *                                epan_dissect_run_with_taps() takes no tvb
 *   SBD_VAL_TO_STR_HAS_SCOPE     val_to_str() takes a wmem scope first (4.6)
 *   SBD_HAVE_TLSINFO             TLS hands its heuristics a struct tlsinfo (4.4)
 * Everything else follows from WIRESHARK_VERSION_* (ws_version.h).
 */
#ifndef SBD_COMPAT_H
#define SBD_COMPAT_H

#include <wireshark.h>
#include <epan/packet.h>
#include <epan/proto.h>

#define SBD_WS_AT_LEAST(maj, min) \
    (WIRESHARK_VERSION_MAJOR > (maj) || (WIRESHARK_VERSION_MAJOR == (maj) && WIRESHARK_VERSION_MINOR >= (min)))

/* ---- dissector API ------------------------------------------------------ */

/* heur_dissector_t returns gboolean in 4.0 and bool in 4.4: take whatever
 * the installed headers say. */
typedef __typeof__(((heur_dissector_t)0)(NULL, NULL, NULL, NULL)) sbd_heur_ret_t;

/* tvb_get_guint8() became tvb_get_uint8() (4.4 marks the old name
 * deprecated); CMake tells whether the installed headers have the new one. */
#ifndef SBD_HAVE_TVB_GET_UINT8
#define tvb_get_uint8 tvb_get_guint8
#endif

/* prefs_register_bool_preference() takes gboolean* in 4.0 and bool* later. */
#ifdef SBD_PREFS_BOOL_IS_GBOOLEAN
typedef gboolean sbd_pref_bool_t;
#else
typedef bool sbd_pref_bool_t;
#endif

/* The name of VAL in VS, or FMT (with VAL) for an unknown value, allocated
 * in SCOPE.  4.0 and 4.4: val_to_str_wmem(); 4.6 renamed it val_to_str()
 * (the old packet-scope val_to_str() is gone, and so is wmem_packet_scope()). */
#ifdef SBD_VAL_TO_STR_HAS_SCOPE
#define sbd_val_to_str(scope, val, vs, fmt) val_to_str((scope), (val), (vs), (fmt))
#else
#define sbd_val_to_str(scope, val, vs, fmt) val_to_str_wmem((scope), (val), (vs), (fmt))
#endif

/* A heuristic dissector on TLS's "tls" list that takes the rest of the
 * session sets the session's application handle through its data argument,
 * so that TLS calls that handle for the later records (and for the
 * reassembly of a message split over records) instead of the heuristics
 * again.  4.0 passes the handle's address itself; 4.4 passes a struct
 * tlsinfo whose app_handle member points at it (CMake: SBD_HAVE_TLSINFO;
 * writing a handle over a struct tlsinfo corrupted its first fields and
 * left the later records undecoded). */
#ifdef SBD_HAVE_TLSINFO
#include <epan/dissectors/packet-tls.h>
#endif
static inline void
sbd_tls_heur_set_app_handle(void *data, dissector_handle_t handle)
{
    if (!data)
        return;
#ifdef SBD_HAVE_TLSINFO
    if (((struct tlsinfo *)data)->app_handle)
        *((struct tlsinfo *)data)->app_handle = handle;
#else
    *(dissector_handle_t *)data = handle;
#endif
}

/* format_text() takes a const guchar * in 4.0 and a const char * in 4.4 and
 * 4.6: a void pointer converts to either without a warning. */
#define sbd_format_text(scope, str, len) format_text((scope), (const void *)(str), (len))

/* The packet pool of a (non-NULL) protocol tree, for helpers that get a
 * tree but no packet_info. */
#define sbd_tree_pool(tree) (PTREE_DATA(tree)->pinfo->pool)

/* proto_item_fill_label() has a third parameter in 4.6 (where the value
 * starts in the label; may be NULL). */
#if SBD_WS_AT_LEAST(4, 6)
#define sbd_item_fill_label(fi, label) proto_item_fill_label((fi), (label), NULL)
#else
#define sbd_item_fill_label(fi, label) proto_item_fill_label((fi), (label))
#endif

#endif /* SBD_COMPAT_H */

/* ---- programs that drive epan themselves (itl-audit, the fuzz harnesses):
 * #define SBD_COMPAT_PROGRAM before including this header. */
#if defined(SBD_COMPAT_PROGRAM) && !defined(SBD_COMPAT_PROGRAM_H)
#define SBD_COMPAT_PROGRAM_H
#include <epan/epan.h>
#include <epan/epan_dissect.h>
#include <epan/frame_data.h>
#include <wiretap/wtap.h>
#include <wsutil/buffer.h>
#include <wsutil/filesystem.h>
#include <wsutil/report_message.h>
#include <wsutil/wslog.h>

/* ws_log_init() lost its program name in 4.6 (which takes it from
 * g_get_prgname(): set it first). */
static inline void
sbd_log_init(const char *progname, void (*vcmdarg_err)(const char *, va_list ap))
{
#if SBD_WS_AT_LEAST(4, 6)
    g_set_prgname(progname);
    ws_log_init(vcmdarg_err);
#else
    ws_log_init(progname, vcmdarg_err);
#endif
}

/* configuration_init() lost its namespace argument in 4.6 (NULL, i.e.
 * "Wireshark", was the only one used here). */
#if SBD_WS_AT_LEAST(4, 6)
#define sbd_configuration_init(arg0) configuration_init(arg0)
#else
#define sbd_configuration_init(arg0) configuration_init((arg0), NULL)
#endif

/* report_message_routines: two parameter types changed in 4.4
 * (gboolean -> bool, guint32 -> uint64_t); 4.6 adds report_rename_failure,
 * which SBD_RM_RENAME_FAILURE(fn) fills where it exists (use designated
 * initialisers for the others). */
#if SBD_WS_AT_LEAST(4, 4)
typedef bool sbd_rm_bool_t;
typedef uint64_t sbd_rm_framenum_t;
#else
typedef gboolean sbd_rm_bool_t;
typedef guint32 sbd_rm_framenum_t;
#endif
#if SBD_WS_AT_LEAST(4, 6)
#define SBD_RM_RENAME_FAILURE(fn) .report_rename_failure = (fn),
#else
#define SBD_RM_RENAME_FAILURE(fn)
#endif

/* The type of a preference (epan/prefs-int.h): up to 4.4 one bit of a
 * mask (PREF_STRING is a #define); 4.6 numbers them (an enum), so a mask
 * test matches the wrong types there. */
#include <epan/prefs-int.h>
#ifdef PREF_STRING
#define sbd_pref_is(p, type) ((prefs_get_type(p) & (int)(type)) != 0)
#else
#define sbd_pref_is(p, type) (prefs_get_type(p) == (int)(type))
#endif

/* A record and the bytes read with it.  Up to 4.4 wiretap reads the bytes
 * into a Buffer of the caller's; in 4.6 they are in the record itself
 * (wtap_rec.data) and the Buffer argument is unused (SBD_WTAP_REC_HAS_DATA). */
static inline void
sbd_rec_init(wtap_rec *rec, Buffer *buf, gsize space)
{
#ifdef SBD_WTAP_REC_HAS_DATA
    (void)buf;
    wtap_rec_init(rec, space);
#else
    wtap_rec_init(rec);
    ws_buffer_init(buf, space);
#endif
}

static inline void
sbd_rec_cleanup(wtap_rec *rec, Buffer *buf)
{
    wtap_rec_cleanup(rec);
#ifdef SBD_WTAP_REC_HAS_DATA
    (void)buf;
#else
    ws_buffer_free(buf);
#endif
}

#ifdef SBD_WTAP_REC_HAS_DATA
#define sbd_rec_buffer(rec, buf) (&(rec)->data)
#else
#define sbd_rec_buffer(rec, buf) (buf)
#endif
/* The bytes of the record, and how many there are. */
#define sbd_rec_data(rec, buf) ws_buffer_start_ptr(sbd_rec_buffer(rec, buf))
#define sbd_rec_data_len(rec, buf) ws_buffer_length(sbd_rec_buffer(rec, buf))

static inline gboolean
sbd_wtap_read(wtap *wth, wtap_rec *rec, Buffer *buf, int *err, gchar **err_info, gint64 *offset)
{
#ifdef SBD_WTAP_REC_HAS_DATA
    (void)buf;
    return wtap_read(wth, rec, err, err_info, offset);
#else
    return wtap_read(wth, rec, buf, err, err_info, offset);
#endif
}

static inline gboolean
sbd_wtap_seek_read(wtap *wth, gint64 offset, wtap_rec *rec, Buffer *buf, int *err, gchar **err_info)
{
#ifdef SBD_WTAP_REC_HAS_DATA
    (void)buf;
    return wtap_seek_read(wth, offset, rec, err, err_info);
#else
    return wtap_seek_read(wth, offset, rec, buf, err, err_info);
#endif
}

/* Dissect (with taps) the record REC whose bytes are DATA, FD->cap_len of
 * them.  Up to 4.4 the caller makes the frame's tvb, with FD's lengths; 4.6
 * makes it from rec->data, where DATA is copied unless it is there already. */
static inline void
sbd_dissect_record(epan_dissect_t *edt, int file_type_subtype, wtap_rec *rec, const guint8 *data,
                   frame_data *fd, column_info *cinfo)
{
#ifdef SBD_WTAP_REC_HAS_DATA
    if (data != ws_buffer_start_ptr(&rec->data)) {
        ws_buffer_clean(&rec->data);
        ws_buffer_append(&rec->data, data, fd->cap_len);
    }
    epan_dissect_run_with_taps(edt, file_type_subtype, rec, fd, cinfo);
#else
    gint cap = (gint)MIN(fd->cap_len, (guint32)G_MAXINT);
    gint rep = (gint)MIN(MAX(fd->pkt_len, fd->cap_len), (guint32)G_MAXINT);

    epan_dissect_run_with_taps(edt, file_type_subtype, rec, tvb_new_real_data(data, cap, rep), fd, cinfo);
#endif
}

/* What frame_data_init() counts for a pcapng custom block: up to 4.4 the
 * Netflix (BBLog) blocks count 4 bytes less; 4.6 has no PEN_NFLX and takes
 * every custom block's length as it is. */
static inline guint32
sbd_custom_block_len(const wtap_rec *rec)
{
#ifdef PEN_NFLX
    if (rec->rec_header.custom_block_header.pen == PEN_NFLX)
        return rec->rec_header.custom_block_header.length - 4;
#endif
    return rec->rec_header.custom_block_header.length;
}
#endif /* SBD_COMPAT_PROGRAM */
