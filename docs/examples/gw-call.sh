#!/usr/bin/env bash
# A signed GET through the govshare service gateway with curl and openssl (OpenSSL 3 has SM3).
#   GW_BASE=https://share.example.gov.cn GW_KEY=gw… GW_SECRET=… ./gw-call.sh /gw/361100/000123/persons 'page=1&size=20'
# The query must already be in its sorted, percent-encoded (RFC 3986) form to sign it as sent.
set -euo pipefail
path="$1"
query="${2:-}"
timestamp=$(date +%s)
nonce=$(openssl rand -hex 16)
body_sm3=$(printf '' | openssl dgst -sm3 -r | cut -d' ' -f1)
string_to_sign=$(printf 'GET\n%s\n%s\n%s\n%s\n%s' "$path" "$query" "$timestamp" "$nonce" "$body_sm3")
signature=$(printf '%s' "$string_to_sign" | openssl dgst -sm3 -hmac "$GW_SECRET" -r | cut -d' ' -f1)
curl -sS --fail-with-body "$GW_BASE$path${query:+?$query}" \
  -H "X-Gw-Key: $GW_KEY" -H "X-Gw-Timestamp: $timestamp" -H "X-Gw-Nonce: $nonce" -H "X-Gw-Signature: $signature"
