#!/usr/bin/env python3
# publish_calldata.py SELECTOR NAME REPO CARDHEX LICENSE_HEX TAGS_HEX(comma) PRIVATE PRICE DURATION PAYEES(comma) SHARES(comma)
# Strings given as hex so that any bytes (newline, ESC, NUL, invalid UTF-8) can be written.
import sys
def u(n): return n.to_bytes(32,'big')
def dyn_bytes(b): return u(len(b)) + b + b'\0'*((32-len(b)%32)%32)
def enc_tuple(items):  # items: list of (is_dynamic, encoded)
    head=b''; tail=b''; size=32*len(items)
    for dynamic, e in items:
        if dynamic: head+=u(size+len(tail)); tail+=e
        else: head+=e
    return head+tail
def arr_static(vals): return u(len(vals))+b''.join(vals)
def arr_dyn(vals): return u(len(vals))+enc_tuple([(True,v) for v in vals])
sel,name,repo,card,lic,tags,priv,price,dur,payees,shares=sys.argv[1:]
h=lambda x: bytes.fromhex(x[2:] if x.startswith('0x') else x)
tags=[h(t) for t in tags.split(',') if t]
terms=enc_tuple([(True,dyn_bytes(h(card))),(True,dyn_bytes(h(lic))),(True,arr_dyn([dyn_bytes(t) for t in tags])),
  (False,u(int(priv))),(False,u(int(price))),(False,u(int(dur))),
  (True,arr_static([u(int(a,16)) for a in payees.split(',')])),(True,arr_static([u(int(s)) for s in shares.split(',')]))])
data=enc_tuple([(True,dyn_bytes(name.encode())),(True,dyn_bytes(repo.encode())),(True,terms)])
print(sel+data.hex())
