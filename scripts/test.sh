#!/usr/bin/env bash
# The README's second command: the whole suite (unit and e2e) against real PostgreSQL,
# Redis, Chromium and an in-process SMTP server.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/setup.sh"
ensure_node
ensure_chromium
ensure_promtool
ensure_dependencies
ensure_video_encoder
ensure_services
cd "$ROOT"
# Types and lint first: the dev start and the tests run through SWC, which does not type-check.
pnpm lint
exec pnpm test "$@"
