/* packet-cucmlog.h - CUCM TVS traces and phone console logs as records
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef PACKET_CUCMLOG_H
#define PACKET_CUCMLOG_H

void proto_register_cucmlog(void);
void proto_reg_handoff_cucmlog(void);

/* Forget the state of the trace read so far (the fuzz harness, between
 * inputs of one session); Wireshark does it at each new file. */
void cucmlog_reset(void);

#endif
