#!/bin/bash
# Stops the test Postfix and Dovecot started by setup-servers.sh.
postfix stop 2>/dev/null || true
doveadm stop 2>/dev/null || true
