exec(open('/tmp/xcheck-tl/gen2.py').read())
pl = b'<a>' + b'B' * (1024 - 456 - 8) + b'</a>\n'
d = build('SEPEXACT1024.cnf.xml.sgn', pl, T, version=(1, 0), filename='SEP001122334455.cnf.xml.sgn', pad='end')
print('exact', len(d))
# a .sgn signed by the CCM (role CCM only) cert -> signer not TFTP role
build('SEP_signed_by_ccm.cnf.xml.sgn', xml, K['ccm'], version=(1, 0), filename='SEP001122334455.cnf.xml.sgn')
# a .sgn signed by the SAST key (role SAST only in ITL)
build('SEP_signed_by_sast.cnf.xml.sgn', xml, S, version=(1, 0), filename='SEP001122334455.cnf.xml.sgn')
json.dump(MANIFEST, open('/tmp/xcheck-tl/manifest.json', 'w'), indent=1)
big_pl = b'<a>' + b'C' * (530000) + b'</a>\n'
build('SEP_big.cnf.xml.sgn', big_pl, T, version=(1, 0), filename='SEP001122334455.cnf.xml.sgn')
