#!/usr/bin/env bash
# Brings a machine to what Stevedore needs, installing only what is missing:
# Node >= 22 (Node 24 from the npm registry into a local prefix when the system's is
# older), pnpm 12, the locked dependencies, PostgreSQL and Redis answering, and the
# database. Sourced by scripts/dev.sh and scripts/test.sh; `--chromium` also installs
# Debian's chromium for the browser tests.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
TOOLS="${STEVEDORE_TOOLS:-$HOME/.cache/stevedore/tools}"
export PATH="$TOOLS/bin:$PATH"
# The machine's npm config may point node-gyp at the system Node's headers.
unset npm_config_nodedir NPM_CONFIG_NODEDIR || true

say() { printf '\033[1m[setup]\033[0m %s\n' "$*"; }

node_major() { node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0; }

ensure_node() {
  if [ "$(node_major)" -lt 22 ]; then
    say "Node $(node -v 2>/dev/null || echo none) is too old: installing Node 24 into $TOOLS"
    npm install --global --prefix "$TOOLS" --no-audit --no-fund node@24 >/dev/null
    hash -r
  fi
  if ! command -v pnpm >/dev/null 2>&1 || [ "$(pnpm -v | cut -d. -f1)" -lt 12 ]; then
    say "installing pnpm 12 into $TOOLS"
    npm install --global --prefix "$TOOLS" --no-audit --no-fund pnpm@12 >/dev/null
    hash -r
  fi
  say "node $(node -v), pnpm $(pnpm -v)"
}

ensure_dependencies() {
  cd "$ROOT"
  say "installing dependencies (frozen lockfile)"
  pnpm install --frozen-lockfile --reporter=silent
}

# Debian's chromium for runs, ffmpeg for their videos, bubblewrap for script runs' sandbox.
ensure_chromium() {
  local missing=()
  command -v bwrap >/dev/null 2>&1 || missing+=(bubblewrap)
  if ! { [ -n "${CHROMIUM_PATH:-}" ] && [ -x "$CHROMIUM_PATH" ]; } && ! command -v chromium >/dev/null 2>&1; then missing+=(chromium fonts-liberation); fi
  command -v ffmpeg >/dev/null 2>&1 || missing+=(ffmpeg)
  [ ${#missing[@]} -eq 0 ] && return
  say "installing Debian's ${missing[*]}"
  if [ "$(id -u)" = 0 ]; then SUDO=""; else SUDO="sudo"; fi
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

# promtool, which the metrics test runs on both processes' /metrics. Debian ships it only
# inside the prometheus package; the server it also installs is not started here.
ensure_promtool() {
  command -v promtool >/dev/null 2>&1 && return
  say "installing Debian's prometheus (for promtool)"
  if [ "$(id -u)" = 0 ]; then SUDO=""; else SUDO="sudo"; fi
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends prometheus >/dev/null
}

# Playwright records video with an ffmpeg it would download; nothing downloads here, so
# point the path it looks in at Debian's ffmpeg. Needs the dependencies installed.
ensure_video_encoder() {
  command -v ffmpeg >/dev/null 2>&1 || return 0
  local target
  target=$(cd "$ROOT" && node -e '
    const rev = JSON.parse(require("fs").readFileSync("node_modules/playwright-core/browsers.json", "utf8")).browsers.find((b) => b.name === "ffmpeg").revision;
    const base = process.env.PLAYWRIGHT_BROWSERS_PATH || require("path").join(require("os").homedir(), ".cache", "ms-playwright");
    process.stdout.write(require("path").join(base, `ffmpeg-${rev}`, "ffmpeg-linux"));')
  [ -e "$target" ] && return 0
  say "linking Debian's ffmpeg for Playwright's video at $target"
  mkdir -p "$(dirname "$target")"
  ln -sf "$(command -v ffmpeg)" "$target"
}

redis_up() { node -e '
  const s = require("net").connect(+process.argv[2], process.argv[1]);
  s.on("connect", () => s.write("PING\r\n"));
  s.on("data", (d) => process.exit(String(d).startsWith("+PONG") ? 0 : 1));
  s.on("error", () => process.exit(1)); setTimeout(() => process.exit(1), 2000);' "$1" "$2"; }

# Exits 0 when PostgreSQL answers at the URL; otherwise prints why not (one line).
postgres_up() { (cd "$ROOT" && node -e '
  const { Client } = require("pg"); const c = new Client({ connectionString: process.argv[1], connectionTimeoutMillis: 2000 });
  c.connect().then(() => c.end()).then(() => process.exit(0), (e) => { process.stdout.write(e.message || e.code || String(e)); process.exit(1); });' "$1"); }

# A URL as it may be shown: the password masked.
shown_url() { node -p 'const u = new URL(process.argv[1]); if (u.password) u.password = "***"; u.toString()' "$1"; }
is_local_host() { case "$1" in 127.0.0.1|localhost|::1|\[::1\]) return 0 ;; *) return 1 ;; esac; }

wait_for() { local what=$1; shift; for _ in $(seq 1 30); do "$@" >/dev/null && return 0; sleep 1; done; say "$what did not come up"; return 1; }

# Starts a service only when it is the machine's own (a local host, and for PostgreSQL a
# local cluster on that port); otherwise names the URL that did not answer and what to do.
ensure_services() {
  local redis_url="${REDIS_URL:-redis://127.0.0.1:6379}" db_url="${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/stevedore}"
  local rhost rport admin_url
  rhost=$(node -p 'new URL(process.argv[1]).hostname' "$redis_url")
  rport=$(node -p 'new URL(process.argv[1]).port || 6379' "$redis_url")
  if ! redis_up "$rhost" "$rport"; then
    if ! is_local_host "$rhost"; then
      say "Redis is not answering at $(shown_url "$redis_url"): it is not on this machine, so start it there or set REDIS_URL (in .env)"
      return 1
    fi
    say "Redis is not answering at $(shown_url "$redis_url"): starting a local redis-server on port $rport"
    mkdir -p /var/lib/redis /var/log/redis 2>/dev/null || true
    redis-server --daemonize yes --bind 127.0.0.1 -::1 --port "$rport" --save "" --appendonly no \
      --dir /var/lib/redis --logfile /var/log/redis/ci.log
    wait_for Redis redis_up "$rhost" "$rport"
  fi
  admin_url=$(node -p 'const u = new URL(process.argv[1]); u.pathname = "/postgres"; u.toString()' "$db_url")
  local why
  if ! why=$(postgres_up "$admin_url"); then
    local phost pport cluster
    phost=$(node -p 'new URL(process.argv[1]).hostname' "$db_url")
    pport=$(node -p 'new URL(process.argv[1]).port || 5432' "$db_url")
    # "<version> <name>" of the local cluster configured for that port, if any.
    cluster=$(pg_lsclusters --no-header 2>/dev/null | awk -v port="$pport" '$3 == port { print $1, $2; exit }')
    if ! is_local_host "$phost" || [ -z "$cluster" ]; then
      say "PostgreSQL is not answering at $(shown_url "$db_url") ($why)."
      local ports
      ports=$(pg_lsclusters --no-header 2>/dev/null | awk '{ print $3 }' | sort -u | paste -sd, -)
      if [ -n "$ports" ]; then
        say "This machine's PostgreSQL listens on port(s) $ports: point DATABASE_URL (in .env) there, or start the server that should answer at $phost:$pport."
      else
        say "No PostgreSQL cluster is set up on this machine: start the server that should answer at $phost:$pport, or set DATABASE_URL (in .env)."
      fi
      return 1
    fi
    say "PostgreSQL is not answering at $(shown_url "$db_url") ($why): starting the local cluster $cluster"
    # shellcheck disable=SC2086 # "<version> <name>" is two arguments
    if ! pg_ctlcluster --skip-systemctl-redirect $cluster start; then
      say "pg_ctlcluster $cluster start failed: see /var/log/postgresql/ for why"
      return 1
    fi
    wait_for PostgreSQL postgres_up "$admin_url"
  fi
}

# Creates the database named in a URL if it does not exist yet.
ensure_database() { [ -n "$1" ] || set -- postgres://postgres@127.0.0.1:5432/stevedore; (cd "$ROOT" && node -e '
  const { Client } = require("pg"); const url = new URL(process.argv[1]); const name = url.pathname.slice(1);
  url.pathname = "/postgres"; const c = new Client({ connectionString: url.toString() });
  (async () => { await c.connect();
    const r = await c.query("SELECT 1 FROM pg_database WHERE datname = $1", [name]);
    if (!r.rowCount) { await c.query(`CREATE DATABASE "${name.replace(/"/g, "\"\"")}"`); console.log(`[setup] created database ${name}`); }
    await c.end(); })().catch((e) => { console.error(`[setup] cannot create database ${name}: ${e.message}`); process.exit(1); });' "$1"); }

ensure_env_file() {
  if [ ! -f "$ROOT/.env" ]; then
    say "no .env: copying .env.example (local development values; runs may reach 127.0.0.1 for the demo site)"
    sed 's/^ALLOWED_PRIVATE_HOSTS=$/ALLOWED_PRIVATE_HOSTS=127.0.0.1/' "$ROOT/.env.example" >"$ROOT/.env"
  fi
}
