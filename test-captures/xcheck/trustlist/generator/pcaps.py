exec(open('/tmp/xcheck-tl/mkpcap.py').read())
P='/tmp/xcheck-tl/pcap/'
C, S = '10.0.0.100', '10.0.0.1'
# 1: ITL then good sgn, bad sgn, enc.sgn with blksize 1428, CTL with blksize 1024
p = Pcap()
tftp_get(p, C, 50000, S, 40001, 'CTLSEP001122334455.tlv', rd('CTLFile_cucm_style.tlv'), blksize=1024)
tftp_get(p, C, 50001, S, 40002, 'ITLSEP001122334455.tlv', rd('ITLSEP001122334455.tlv'))
tftp_get(p, C, 50002, S, 40003, 'SEP001122334455.cnf.xml.sgn', rd('SEP001122334455.cnf.xml.sgn'))
tftp_get(p, C, 50003, S, 40004, 'SEP001122334455.cnf.xml.sgn', rd('SEP001122334455_badsig.cnf.xml.sgn'))
tftp_get(p, C, 50004, S, 40005, 'SEP001122334455.cnf.xml.enc.sgn', rd('SEP001122334455.cnf.xml.enc.sgn'), blksize=1428)
tftp_get(p, C, 50005, S, 40006, 'SEP001122334455.cnf.xml.sgn', rd('SEPEXACT1024.cnf.xml.sgn'))
tftp_get(p, C, 50006, S, 40007, 'SEP001122334455.cnf.xml.sgn', rd('SEP_signed_by_ccm.cnf.xml.sgn'))
tftp_get(p, C, 50007, S, 40008, 'SEP001122334455.cnf.xml.sgn', rd('SEP_signed_by_sast.cnf.xml.sgn'))
tftp_get(p, C, 50008, S, 40009, 'Desktops/320x196x4/List.xml.sgn', rd('List.xml.sgn'), blksize=8)
p.write(P + 'tftp_main.pcap')
# 2: a second client: files rejected by the file reader, expired cert, truncated transfer, 64k
p = Pcap()
C2 = '10.0.0.101'; m2 = b'\x00\x11\x22\x33\x44\x66'
tftp_get(p, C2, 51000, S, 41001, 'ITLFile.tlv', rd('itl_version_3_7.tlv'), smac=m2)
tftp_get(p, C2, 51001, S, 41002, 'ITLFile.tlv', rd('itl_version_len3.tlv'), smac=m2)
tftp_get(p, C2, 51002, S, 41003, 'ITLFile.tlv', rd('itl_hl_first.tlv'), smac=m2)
tftp_get(p, C2, 51003, S, 41004, 'ITLSEP001122334466.tlv', rd('itl_expired_cert2.tlv'), smac=m2)
tftp_get(p, C2, 51004, S, 41005, 'ITLSEP001122334466.tlv', rd('itl_certutils_sha1.tlv'), stop_after=3, smac=m2)
tftp_get(p, C2, 51005, S, 41006, 'ITLFile.tlv', rd('itl_near_64k.tlv'), smac=m2)
tftp_get(p, C2, 51006, S, 41007, 'SEP001122334466.cnf.xml.enc.sgn', rd('enc_pad17.cnf.xml.enc.sgn'), smac=m2, blksize=1468)
p.write(P + 'tftp_second.pcap')
