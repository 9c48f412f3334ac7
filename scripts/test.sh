#!/usr/bin/env bash
# The test command (`npm test`): installs what the suite needs where it is
# missing, builds, and runs every test with Node's test runner.
set -euo pipefail
cd "$(dirname "$0")/.."

missing=()
command -v shellcheck >/dev/null 2>&1 || missing+=(shellcheck)
command -v age >/dev/null 2>&1 || missing+=(age)
command -v openssl >/dev/null 2>&1 || missing+=(openssl)
command -v ssh-keygen >/dev/null 2>&1 || missing+=(openssh-client)
command -v nginx >/dev/null 2>&1 || missing+=(nginx)
[ -e /usr/lib/nginx/modules/ngx_stream_module.so ] || missing+=(libnginx-mod-stream)
command -v ansible-playbook >/dev/null 2>&1 || missing+=(ansible)
command -v netplan >/dev/null 2>&1 || missing+=(netplan.io)
command -v restic >/dev/null 2>&1 || missing+=(restic)
[ -x /usr/bin/chromium ] || missing+=(chromium)
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "test: installing ${missing[*]} with apt-get"
    apt-get update -qq >/dev/null
    # Install only: no package may start a daemon (nginx would take port 80).
    policy_added=
    if [ ! -e /usr/sbin/policy-rc.d ]; then
      printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d && chmod +x /usr/sbin/policy-rc.d && policy_added=1
    fi
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
    [ -n "$policy_added" ] && rm -f /usr/sbin/policy-rc.d
  else
    echo "test: missing ${missing[*]}; run: sudo apt-get install -y ${missing[*]}" >&2
    exit 1
  fi
fi
[ -x /usr/bin/kubectl ] || { echo "test: /usr/bin/kubectl is missing (it comes with the machine image; install kubectl 1.32+)" >&2; exit 1; }
[ -x /usr/lib/postgresql/15/bin/initdb ] || { echo "test: PostgreSQL 15 is missing (/usr/lib/postgresql/15/bin/initdb comes with the machine image; the backup drill runs it)" >&2; exit 1; }
command -v terraform >/dev/null 2>&1 || { echo "test: terraform is missing (it comes with the machine image at /usr/local/bin/terraform; the suite runs terraform fmt -check)" >&2; exit 1; }

if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --no-audit --no-fund
fi
npm run --silent build
node --test --test-concurrency=2 dist/test/
