/* packet-cucmlog.h - CUCM TVS traces and phone console logs as records
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef PACKET_CUCMLOG_H
#define PACKET_CUCMLOG_H

void proto_register_cucmlog(void);
void proto_reg_handoff_cucmlog(void);

#endif
