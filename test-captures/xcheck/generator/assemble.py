#!/usr/bin/env python3
import subprocess, os, sys
from lib import *
import tls_scen
T = ['/work/main/tests/tshark.sh', '/tmp/xcheck-tvs/b']
os.makedirs('tmp', exist_ok=True)
for sc in tls_scen.SCEN:
    ip = sc['phone']
    part = 'tmp/%s_tls.pcapng' % sc['name']
    subprocess.run(['tshark', '-r', 'tls_all.pcapng', '-Y', 'ip.addr==%s' % ip, '-w', part], check=True)
    ts = subprocess.run(['tshark', '-r', part, '-T', 'fields', '-e', 'frame.time_epoch'], capture_output=True, text=True).stdout.split()
    out = 'files/%s.pcapng' % sc['name']
    if sc['itl'] is None:
        subprocess.run(['cp', part, out]); continue
    t0 = float(ts[-1]) + 1.0 if sc.get('itl_after') else float(ts[0]) - 2.0
    pc = Pcap(t0)
    # server 127.0.0.1 answers TFTP from another port (per formats/README)
    pc.tftp(ip, '127.0.0.1', 'ITLSEP%s.tlv' % sc['mac'], sc['itl'], cport=51000 + sc['n'], sport=61000 + sc['n'])
    tp = 'tmp/%s_tftp.pcap' % sc['name']
    pc.write(tp)
    open('files/%s.ITLSEP%s.tlv.bin' % (sc['name'], sc['mac']), 'wb').write(sc['itl'])
    subprocess.run(['mergecap', '-F', 'pcapng', '-w', out, tp, part], check=True)
    print(out)
