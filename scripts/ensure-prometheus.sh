#!/usr/bin/env bash
# Before `npm test`: the rollout e2e test runs a real Prometheus on loopback. Installs Debian's
# `prometheus` package when it is missing and apt-get can (root, or sudo without a password);
# otherwise says what to install, and the test that needs it fails with the same advice.
set -euo pipefail
if [ -x /usr/bin/prometheus ] || command -v prometheus >/dev/null 2>&1; then exit 0; fi
if command -v apt-get >/dev/null 2>&1; then
  as_root=()
  if [ "$(id -u)" -ne 0 ]; then
    if sudo -n true 2>/dev/null; then as_root=(sudo -n); else as_root=(); fi
  fi
  if [ "$(id -u)" -eq 0 ] || [ "${#as_root[@]}" -gt 0 ]; then
    echo "promptgate: installing Debian's prometheus package for the rollout e2e test" >&2
    "${as_root[@]}" apt-get update -qq
    "${as_root[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends prometheus >/dev/null
    exit 0
  fi
fi
echo "promptgate: the rollout e2e test needs a prometheus binary (Debian: apt-get install prometheus; macOS: brew install prometheus) at /usr/bin/prometheus or on PATH" >&2
