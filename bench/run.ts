/* eslint-disable no-console */
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Client } from 'pg';
import { API_NODE_ARGS } from '../test/helpers/app-process';
import { baseEnv } from '../test/helpers/test-env';
import { alertsBenchmark } from './alerts.bench';
import { artifactsBenchmark } from './artifacts.bench';
import { dashboardBenchmark } from './dashboard.bench';
import { emailBenchmark } from './email.bench';
import { enqueueBenchmark } from './enqueue.bench';
import { eventsBenchmark } from './events.bench';
import { fairnessBenchmark } from './fairness.bench';
import { pipelineBenchmark } from './pipeline.bench';
import { runsBenchmark } from './runs.bench';
import { scaleBenchmark } from './scale.bench';
import { scrapesBenchmark } from './scrapes.bench';
import { scriptsBenchmark } from './scripts.bench';
import { suitesBenchmark } from './suites.bench';
import { Figure, machine, table } from './harness';

const ROOT = join(__dirname, '..');
const DATABASE_URL = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/stevedore_bench';
const REPS = Number(process.env.BENCH_REPS ?? 3);
/**
 * Each role runs with its production Node flags; BENCH_NODE_ARGS gives both roles of the
 * enqueue and pipeline scenarios other flags instead (e.g. "" for V8's defaults).
 */
const APP_NODE_ARGS =
  process.env.BENCH_NODE_ARGS === undefined ? undefined : process.env.BENCH_NODE_ARGS.split(' ').filter(Boolean);

async function prepareDatabase(): Promise<void> {
  const url = new URL(DATABASE_URL);
  const name = url.pathname.slice(1);
  const admin = new Client({ connectionString: Object.assign(new URL(url), { pathname: '/postgres' }).toString() });
  await admin.connect();
  const { rowCount } = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
  if (!rowCount) await admin.query(`CREATE DATABASE "${name}"`);
  await admin.end();
  execFileSync(
    process.execPath,
    [join(ROOT, 'node_modules/typeorm/cli.js'), 'migration:run', '-d', join(ROOT, 'dist/database/data-source.js')],
    {
      env: { ...process.env, DATABASE_URL, NODE_ENV: 'test' },
      stdio: 'ignore',
    },
  );
}

/** `pnpm bench`: every scenario beside its bare counterpart; medians of BENCH_REPS runs. */
async function main(): Promise<void> {
  await prepareDatabase();
  const env = baseEnv({ DATABASE_URL, NODE_ENV: 'production', LOG_LEVEL: 'warn' });
  // BENCH_CPU_PROF_DIR: every app process writes a V8 CPU profile there when it stops
  // (read them with bench/cpu-profile-summary.ts): how the "where the time goes" notes were made.
  if (process.env.BENCH_CPU_PROF_DIR) env.NODE_OPTIONS = `--cpu-prof --cpu-prof-dir=${process.env.BENCH_CPU_PROF_DIR}`;
  // `pnpm bench <enqueue|pipeline|runs|scripts|suites|email|events|scrapes|fairness|dashboard|alerts|scale|artifacts>` runs one scenario.
  const only = process.argv[2];
  const figures: Figure[] = [];
  if (!only || only === 'enqueue')
    figures.push(...(await enqueueBenchmark(env, REPS, DATABASE_URL, APP_NODE_ARGS ?? API_NODE_ARGS)));
  if (!only || only === 'pipeline') figures.push(...(await pipelineBenchmark(env, REPS, DATABASE_URL, APP_NODE_ARGS)));
  if (!only || only === 'runs') figures.push(...(await runsBenchmark(env, REPS, DATABASE_URL)));
  if (!only || only === 'scripts') figures.push(...(await scriptsBenchmark(env, REPS, DATABASE_URL)));
  if (!only || only === 'suites') figures.push(...(await suitesBenchmark(env, REPS, DATABASE_URL)));
  if (!only || only === 'email') figures.push(...(await emailBenchmark(env, REPS)));
  if (!only || only === 'events') figures.push(...(await eventsBenchmark(env, REPS)));
  if (!only || only === 'scrapes') figures.push(...(await scrapesBenchmark(env, REPS, DATABASE_URL)));
  if (!only || only === 'fairness') figures.push(...(await fairnessBenchmark(env, DATABASE_URL)));
  if (!only || only === 'dashboard') figures.push(...(await dashboardBenchmark(env, DATABASE_URL)));
  if (!only || only === 'alerts') figures.push(...(await alertsBenchmark(env, DATABASE_URL)));
  if (!only || only === 'scale') figures.push(...(await scaleBenchmark(env, REPS, DATABASE_URL)));
  if (!only || only === 'artifacts') figures.push(...(await artifactsBenchmark(env, DATABASE_URL)));

  const result = { date: new Date().toISOString(), machine: machine(), reps: REPS, figures };
  const dir = join(ROOT, 'bench', 'results');
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `bench-${result.date.replace(/[:.]/g, '-')}.json`);
  writeFileSync(file, JSON.stringify(result, null, 2));
  console.log(
    `\n${table(figures)}\n\nmachine: ${JSON.stringify(result.machine)}; medians of ${REPS} runs\nwritten to ${file}`,
  );
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
