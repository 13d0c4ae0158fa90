exec(open('/tmp/xcheck-tl/gen.py').read())
# --- additional variants
K['expired2'] = mkcert('expired2', rsa_key('expired2', 2048), org('expired-2019'), 0xdead2, days=(-4000, -2500))
K['future'] = mkcert('future', rsa_key('future', 2048), org('not-yet-valid'), 0xf00, days=(2000, 4000))
build('itl_expired_cert2.tlv', rec_certutils(S, 0) + rec_certutils(K['expired2'], 1) + rec_certutils(K['future'], 1), S,
      signer_version=(1, 0), order='465', filename='ITLFile.tlv', expect=dict(expert='cert expired x2'))
build('itl_ec_signerver_1_0.tlv', ec_body, S, signer_version=(1, 0), order='465', filename='ITLFile.tlv', sep=',',
      expect=dict(note='EC records need signer version 1.1 (§3.6)'))
build('itl_ec_no_signerver.tlv', ec_body, S, order='465', filename='ITLFile.tlv', sep=',',
      expect=dict(note='EC records need signer version 1.1 (§3.6)'))
# type detection
build('ctl_content_itl_name.tlv', ctl_body, S1, filename='ITLFile.tlv', expect=dict(type='?'))
build('itl_content_ctl_name.tlv', itlr_body, K['itlrec'], filename='CTLFile.tlv', expect=dict(type='?'))
build('itl_content_no_name.tlv', itlr_body, K['itlrec'], filename=None, expect=dict(type='ITL (TVS present)'))
build('ctl_content_no_name.tlv', ctl_body, S1, filename=None, expect=dict(type='CTL?'))
# containers len 0
build('itl_signerinfo_len_0.tlv', itl_body, S, signer_version=(1, 0), order='465', filename='ITLFile.tlv',
      info_override=lambda kb: bytes([3]) + be16(0) + kb, expect=dict(expert='container length 0 vs 71'))
build('itl_sigalginfo_len_0.tlv', itl_body, S, signer_version=(1, 0), order='465', filename='ITLFile.tlv',
      sigalginfo_override=lambda kb: bytes([9]) + be16(0) + kb, expect=dict(expert='container length 0 vs 8'))
build('itl_siginfo_len_14.tlv', itl_body, S, signer_version=(1, 0), order='465', filename='ITLFile.tlv',
      siginfo_override=lambda kb: bytes([7]) + be16(14) + kb, expect=dict(expert='container crosses'))
# pad byte inside a container / between records
build('itl_pad_in_container.tlv', itl_body, S, signer_version=(1, 0), order='465', filename='ITLFile.tlv',
      info_override=lambda kb: bytes([3]) + be16(len(kb) + 1) + b'\x0d' + kb, pad='none', expect=dict(status='valid'))
build('itl_pad_between_records.tlv', rec_certutils(S, 0) + b'\x0d' + rec_certutils(K['ccm'], 1), S, signer_version=(1, 0),
      order='465', filename='ITLFile.tlv', expect=dict(expert='0x0D between records is not a record'))
# blank detection
build('itl_one_blank_ccm.tlv', rec_certutils(S, 0) + rec_certutils(K['tvs'], 21) + record([(4, be16(1))]), S,
      signer_version=(1, 0), order='465', filename='ITLFile.tlv', expect=dict(note='not a blank ITL: TVS present, CCM blank'))
build('itl_blank_tftp_only.tlv', rec_certutils(S, 0) + rec_certutils(K['tvs'], 21) + rec_blank(3), S,
      signer_version=(1, 0), order='465', filename='ITLFile.tlv', expect=dict(note='TFTP blank, TVS not blank'))
# duplicate signature TLV
build('itl_two_signatures.tlv', itl_body, S, signer_version=(1, 0), order='465', filename='ITLFile.tlv',
      extra_post=tlv(12, b'\x00' * 256), expect=dict(expert='duplicate signature element'))
# duplicate header elements
build('itl_dup_hash_tag.tlv', itl_body, S, signer_version=(1, 0), order='465', filename='ITLFile.tlv', hash_code=1,
      extra_post=tlv(8, b'\x03'), expect=dict(expert='duplicate hash alg / element outside container'))
# header serial empty
build('itl_header_serial_empty.tlv', itl_body, S, signer_version=(1, 0), order='465', filename='ITLFile.tlv', serial=b'',
      expect=dict(status='signer unknown'))
# signer version before version? i.e. tag 28 position after signer info
build('itl_tag28_late.tlv', itl_body, S, order='465', filename='ITLFile.tlv', extra_post=tlv(28, b'\x01\x01'),
      expect=dict(status='valid', signer_version='1.1'))
# Header length tag with length 4 (rsp2k style)
build('itl_rsp2k_hl4.tlv', itl_body, S, signer_version=(1, 0), order='465', filename='ITLFile.tlv',
      data_mutate=lambda d: d, expect=dict())
# huge record (max length 65535)
bigcert = rec_certutils(S, 0) + record([(3, cstr('CN=big')), (4, be16(1)), (13, b'\xaa' * (65535 - 5 - 3 - 7 - 3 - 2 - 3))])
build('itl_record_65535.tlv', bigcert, S, signer_version=(1, 0), order='465', filename='ITLFile.tlv',
      expect=dict(status='valid'))
# .sgn signed with SHA-512 and ENC with SHA-512 code 4
e, ct = enc_elems(plain, hash_code=4)
build('enc_hash4.cnf.xml.enc.sgn', ct, T, version=(2, 0), hash_code=4, filename='SEP001122334499.cnf.xml.enc.sgn', enc=e,
      expect=dict(type='ENC'))
e, ct = enc_elems(plain)
e3 = e.replace(tlv(19, iv), tlv(19, iv[:8]))
e3 = bytes([16]) + be16(int.from_bytes(e3[1:3], 'big') - 8) + bytes([17]) + be16(28 - 8) + e3[6:]
build('enc_iv8.cnf.xml.enc.sgn', ct, T, version=(2, 0), filename='SEP0011223344AA.cnf.xml.enc.sgn', enc=e3,
      expect=dict(expert='IV must be 16'))
json.dump(MANIFEST, open('/tmp/xcheck-tl/manifest.json', 'w'), indent=1)
