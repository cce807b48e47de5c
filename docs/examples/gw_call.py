"""A signed call through the govshare service gateway, with Python's standard library only
(hashlib/hmac have SM3 where Python is built with OpenSSL 3).

    GW_BASE=https://share.example.gov.cn GW_KEY=gw… GW_SECRET=… python3 gw_call.py /gw/361100/000123/persons page=1
"""
import hashlib
import hmac
import os
import secrets
import sys
import time
import urllib.parse
import urllib.request


def rfc3986(s: str) -> str:
    return urllib.parse.quote(s, safe="-_.~")


def call(method: str, path: str, query: dict, body: bytes = b"") -> bytes:
    timestamp = str(int(time.time()))
    nonce = secrets.token_hex(16)
    canonical = "&".join(f"{k}={v}" for k, v in sorted((rfc3986(k), rfc3986(v)) for k, v in query.items()))
    to_sign = "\n".join([method, path, canonical, timestamp, nonce, hashlib.new("sm3", body).hexdigest()])
    signature = hmac.new(os.environ["GW_SECRET"].encode(), to_sign.encode(), "sm3").hexdigest()
    url = os.environ["GW_BASE"] + path + ("?" + canonical if canonical else "")
    req = urllib.request.Request(url, data=body or None, method=method)
    for name, value in {"X-Gw-Key": os.environ["GW_KEY"], "X-Gw-Timestamp": timestamp,
                        "X-Gw-Nonce": nonce, "X-Gw-Signature": signature}.items():
        req.add_header(name, value)
    with urllib.request.urlopen(req) as res:
        return res.read()


if __name__ == "__main__":
    params = dict(p.split("=", 1) for p in sys.argv[2:])
    sys.stdout.write(call("GET", sys.argv[1], params).decode("utf-8"))
