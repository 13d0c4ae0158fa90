exec(open('/tmp/xcheck-tl/gen.py').read().split('# ================================================================ variants')[0])
S = K['sast2048']
itl_body = rec_certutils(S, 0) + rec_certutils(K['tftp'], 3)
for v in [(1, 9), (2, 5), (3, 0), (255, 255), (1, 3)]:
    build(f'itl_ver_{v[0]}_{v[1]}.tlv', itl_body, S, version=v, signer_version=(1, 0), order='465', filename='ITLFile.tlv')
