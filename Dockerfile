# syntax=docker/dockerfile:1

# ---- build: full install, compile, then keep only prod dependencies ----
FROM node:24-slim AS build
WORKDIR /app
RUN npm i -g pnpm@12
# Manifests first so the dependency layer is cached until the lockfile changes.
COPY package.json pnpm-lock.yaml pnpm-workspace.yaml ./
RUN pnpm install --frozen-lockfile
COPY . .
# `pnpm prune` is unsupported once pnpm-workspace.yaml exists, so reinstall
# prod-only deps instead (served from the store filled by the first install).
RUN pnpm build \
 && rm -rf node_modules \
 && pnpm install --prod --frozen-lockfile --prefer-offline

# ---- runtime: Chromium for browser jobs, no build tooling ----
FROM node:24-slim AS runtime
# bubblewrap: the sandbox of script runs (README: Security). In a container it also needs
# the rights docker-compose.prod.yml's worker comments on; without them script runs are refused.
RUN apt-get update \
 && apt-get install -y --no-install-recommends chromium fonts-liberation ca-certificates ffmpeg bubblewrap \
 && rm -rf /var/lib/apt/lists/*
ENV NODE_ENV=production \
    CHROMIUM_PATH=/usr/bin/chromium
WORKDIR /app
# App files stay root-owned so the unprivileged process cannot rewrite its own code.
COPY --from=build /app/package.json ./package.json
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
# Playwright records video with the ffmpeg it would download; point it at Debian's.
ENV PLAYWRIGHT_BROWSERS_PATH=/opt/playwright
RUN node -e 'const r=JSON.parse(require("fs").readFileSync("node_modules/playwright-core/browsers.json", "utf8")).browsers.find(b=>b.name==="ffmpeg").revision;process.stdout.write("/opt/playwright/ffmpeg-"+r)' > /tmp/ffdir \
 && mkdir -p "$(cat /tmp/ffdir)" && ln -s /usr/bin/ffmpeg "$(cat /tmp/ffdir)/ffmpeg-linux" && rm /tmp/ffdir
# Pre-create the artifacts mount point owned by `node`: an empty named volume
# inherits this ownership, otherwise it would be root-owned and unwritable.
RUN mkdir -p /data/artifacts && chown node:node /data/artifacts
USER node
# 3000 = API (APP_PORT), 3001 = worker health/metrics (APP_WORKER_PORT).
EXPOSE 3000 3001
# One image serves both roles, so the probe picks the port from IS_WORKER at run time.
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
  CMD node -e "const e=process.env;const p=e.IS_WORKER==='true'?(e.APP_WORKER_PORT||3001):(e.APP_PORT||3000);fetch('http://127.0.0.1:'+p+'/api/health').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"
# The app drains in-flight jobs on SIGTERM (SHUTDOWN_TIMEOUT_MS).
STOPSIGNAL SIGTERM
# node as PID 1 directly (no npm/pnpm wrapper) so SIGTERM reaches the app. This is the API's
# command; a worker gives its own (compose's and Kubernetes' worker command: a smaller young
# generation, see the README's "Worker memory").
CMD ["node", "--max-semi-space-size=16", "dist/main.js"]
