#!/bin/bash
# SMTP captures: real Postfix (setup-servers.sh) and real clients (swaks, openssl s_client,
# scripted python clients), captured on lo with tcpdump. Run from anywhere; needs root.
source "$(dirname "$0")/lib.sh"
cd /tmp
SW=(swaks "${SWAKS_COMMON[@]}")
AUTH_ALICE=(--auth-user "$ALICE" --auth-password "$ALICE_PW")

# 1. clean STARTTLS: a message on 25, then AUTH PLAIN + message on 587, both inside TLS
cap_start smtp-starttls-clean 'tcp port 25 or tcp port 587'
"${SW[@]}" --server 127.0.0.1:25 --tls
"${SW[@]}" --server 127.0.0.1:587 --tls --auth PLAIN "${AUTH_ALICE[@]}"
cap_stop

# 2. AUTH PLAIN in the clear on 587 with one message
cap_start smtp-auth-plain-cleartext 'tcp port 587'
"${SW[@]}" --server 127.0.0.1:587 --auth PLAIN "${AUTH_ALICE[@]}"
cap_stop

# 3. AUTH LOGIN in the clear, no message
cap_start smtp-auth-login-cleartext 'tcp port 587'
"${SW[@]}" --server 127.0.0.1:587 --auth LOGIN "${AUTH_ALICE[@]}" --quit-after AUTH
cap_stop

# 4. AUTH CRAM-MD5 in the clear, no message
cap_start smtp-auth-cram-md5 'tcp port 587'
"${SW[@]}" --server 127.0.0.1:587 --auth CRAM-MD5 "${AUTH_ALICE[@]}" --quit-after AUTH
cap_stop

# 5. AUTH DIGEST-MD5 in the clear, no message (swaks via Authen::SASL)
cap_start smtp-auth-digest-md5 'tcp port 587'
"${SW[@]}" --server 127.0.0.1:587 --auth DIGEST-MD5 "${AUTH_ALICE[@]}" --quit-after AUTH || true
cap_stop

# 6. STARTTLS removed by a proxy on the server's own port, as an interception box answers:
#    client -> 127.0.0.2:25 (strip) -> postfix 127.0.0.1:25, both legs (same banner, same port).
#    swaks --tls-optional is an opportunistic client: no STARTTLS offered, so AUTH + message go in the clear.
proxy_start smtp strip 127.0.0.2:25 127.0.0.1:25
cap_start smtp-strip-removed 'tcp port 25'
"${SW[@]}" --server 127.0.0.2:25 --tls-optional --auth PLAIN "${AUTH_ALICE[@]}"
cap_stop
proxy_stop

# 7. STARTTLS overwritten with XXXXXXXA (Cisco-style), both legs; message in the clear, no AUTH
proxy_start smtp mangle 127.0.0.1:10025 127.0.0.1:25
cap_start smtp-strip-mangled 'tcp port 10025 or tcp port 25'
"${SW[@]}" --server 127.0.0.1:10025 --tls-optional
cap_stop
proxy_stop

# 8. the proxy answers STARTTLS with 454 itself; the opportunistic client carries on in the clear
proxy_start smtp reject 127.0.0.1:10025 127.0.0.1:25
cap_start smtp-strip-rejected 'tcp port 10025 or tcp port 25'
"${SW[@]}" --server 127.0.0.1:10025 --tls-optional --auth PLAIN "${AUTH_ALICE[@]}" || true
cap_stop
proxy_stop

# 9. the proxy answers STARTTLS with 220 and then closes after the ClientHello
proxy_start smtp accept-no-tls 127.0.0.1:10025 127.0.0.1:25
cap_start smtp-starttls-not-completed 'tcp port 10025 or tcp port 25'
"${SW[@]}" --server 127.0.0.1:10025 --tls || true
cap_stop
proxy_stop

# 10. CVE-2011-0411 probe: "STARTTLS\r\nRSET\r\n" in one write, then TLS, EHLO, QUIT
cap_start smtp-starttls-injected 'tcp port 25'
"$PY" "$TOOLS/smtp_client.py" inject 127.0.0.1 25
cap_stop

# 11. three pipelined messages (RFC 2920), one ~1 MB, no TLS, no AUTH
cap_start smtp-pipelining-large 'tcp port 25'
"$PY" "$TOOLS/smtp_client.py" pipeline 127.0.0.1 25 2>&1 | grep -v '^-> The quick' | head -60
cap_stop

# 12. IPv6: AUTH LOGIN in the clear to [::1]:587 with a message
cap_start smtp-ipv6 'tcp port 587'
"${SW[@]}" --server ::1 --port 587 -6 --auth LOGIN "${AUTH_ALICE[@]}"
cap_stop

# 13. non-standard port 2600: AUTH PLAIN in the clear with a message
cap_start smtp-nonstandard-port 'tcp port 2600'
"${SW[@]}" --server 127.0.0.1:2600 --auth PLAIN "${AUTH_ALICE[@]}"
cap_stop

# 14. TLS 1.0 after STARTTLS (postfix listener 2625 allows only TLSv1 at SECLEVEL=0)
cap_start smtp-tls-weak 'tcp port 2625'
(sleep 1; printf 'EHLO client.example.test\r\n'; sleep 0.5; printf 'QUIT\r\n'; sleep 0.5) | \
  openssl s_client -connect 127.0.0.1:2625 -starttls smtp -name client.example.test -tls1 -cipher 'DEFAULT@SECLEVEL=0' -crlf -ign_eof 2>&1 \
  | grep -E '^(New|    Protocol|    Cipher|[0-9]{3}[ -])' || true
cap_stop

# 15. CHUNKING: one message in two BDAT chunks (BDAT n, BDAT m LAST), no TLS, no AUTH, port 25
cap_start smtp-bdat-chunking 'tcp port 25'
"$PY" "$TOOLS/smtp_client.py" bdat 127.0.0.1 25
cap_stop
