exec(open('/tmp/xcheck-tl/mkpcap.py').read())
P='/tmp/xcheck-tl/pcap/'
C, S = '10.0.0.100', '10.0.0.1'
p = Pcap()
tftp_get(p, C, 50001, S, 40002, 'ITLSEP001122334455.tlv', rd('ITLSEP001122334455.tlv'))
tftp_get(p, C, 50000, S, 40001, 'CTLSEP001122334455.tlv', rd('CTLFile_blank_records.tlv'))
tftp_get(p, C, 50002, S, 40003, 'SEP001122334455.cnf.xml.sgn', rd('SEP001122334455.cnf.xml.sgn'))
p.write(P + 'itl_then_blankctl_then_sgn.pcap')
# lost middle block, then final block
p = Pcap()
d = rd('itl_certutils_sha1.tlv')
p.udp(C, 50010, S, 69, b'\x00\x01ITLFile.tlv\0octet\0')
for blk in range(1, len(d)//512 + 2):
    if blk == 5: continue
    p.udp(S, 40010, C, 50010, b'\x00\x03' + struct.pack('!H', blk) + d[(blk-1)*512: blk*512])
    p.udp(C, 50010, S, 40010, b'\x00\x04' + struct.pack('!H', blk))
p.write(P + 'lost_block.pcap')
# retransmitted block (duplicate DATA 3, same content) + ignored blksize option (no OACK)
p = Pcap()
p.udp(C, 50011, S, 69, b'\x00\x01ITLFile.tlv\0octet\0blksize\0001428\0')
for blk in range(1, len(d)//512 + 2):
    pkt = b'\x00\x03' + struct.pack('!H', blk) + d[(blk-1)*512: blk*512]
    p.udp(S, 40011, C, 50011, pkt)
    if blk == 3: p.udp(S, 40011, C, 50011, pkt)
    p.udp(C, 50011, S, 40011, b'\x00\x04' + struct.pack('!H', blk))
p.write(P + 'retrans_noOACK.pcap')
# interleaved two clients
p = Pcap()
d1 = rd('ITLSEP001122334455.tlv'); d2 = rd('CTLFile_cucm_style.tlv')
p.udp(C, 50020, S, 69, b'\x00\x01ITLSEP001122334455.tlv\0octet\0')
p.udp('10.0.0.102', 50021, S, 69, b'\x00\x01CTLSEP0011223344AA.tlv\0octet\0', b'\x00\x11\x22\x33\x44\xaa')
n1 = len(d1)//512 + 1; n2 = len(d2)//512 + 1
for blk in range(1, max(n1, n2) + 1):
    if blk <= n1:
        p.udp(S, 40020, C, 50020, b'\x00\x03' + struct.pack('!H', blk) + d1[(blk-1)*512: blk*512])
        p.udp(C, 50020, S, 40020, b'\x00\x04' + struct.pack('!H', blk))
    if blk <= n2:
        p.udp(S, 40021, '10.0.0.102', 50021, b'\x00\x03' + struct.pack('!H', blk) + d2[(blk-1)*512: blk*512])
        p.udp('10.0.0.102', 50021, S, 40021, b'\x00\x04' + struct.pack('!H', blk))
p.write(P + 'interleaved.pcap')
# block number wrap: blksize 8, 530KB
p = Pcap()
tftp_get(p, C, 50001, S, 40002, 'ITLSEP001122334455.tlv', rd('ITLSEP001122334455.tlv'))
tftp_get(p, C, 50030, S, 40030, 'SEP001122334455.cnf.xml.sgn', rd('SEP_big.cnf.xml.sgn'), blksize=8)
p.write(P + 'wrap_blksize8.pcap')
