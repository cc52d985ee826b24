/** The API's answers, as far as the pages read them (the OpenAPI document has them whole). */

export interface JobRowFields {
  priority: number;
  attempt: number;
  worker: string | null;
  error: string | null;
  startedAt: string | null;
  finishedAt: string | null;
  durationMs: number | null;
  createdAt: string;
  updatedAt: string;
}

export interface Run extends JobRowFields {
  id: string;
  name: string;
  status: string;
  definition: Record<string, unknown>;
  scheduleId: string | null;
  suiteId: string | null;
  suiteIndex: number | null;
}

export interface RunStep {
  index: number;
  action: string;
  target: string | null;
  status: string;
  durationMs: number;
  error: string | null;
  screenshot: string | null;
}

export interface Location {
  file: string;
  line: number;
  column: number;
}

export interface TestError {
  message: string;
  snippet?: string;
  location?: Location;
}

export interface TestStep {
  title: string;
  category: string;
  durationMs: number;
  error?: TestError;
  location?: Location;
  steps: TestStep[];
}

export interface RunTest {
  index: number;
  title: string;
  describePath: string[];
  file: string;
  line: number;
  column: number;
  status: string;
  durationMs: number;
  attempts: number;
  steps: TestStep[];
  errors: TestError[];
  stdout: string;
  stderr: string;
  attachments: Array<{ name: string; contentType: string; artifact: string }>;
}

export interface RunArtifact {
  name: string;
  kind: string;
  contentType: string;
  sizeBytes: number;
  url: string;
}

export interface RunDetail extends Run {
  steps: RunStep[];
  tests: RunTest[];
  artifacts: RunArtifact[];
}

export type FinalStatus = 'passed' | 'failed' | 'error' | 'cancelled' | 'timed_out';

export interface RunStats {
  running: number;
  queued: number;
  runningCapacity: number;
  queuedCapacity: number;
  projectRunningLimit: number | null;
  projectQueuedLimit: number | null;
  lastDay: Array<{ hour: string } & Record<FinalStatus, number>>;
  recentFailures: Run[];
}

export interface QueueCounts {
  name: string;
  waiting: number;
  active: number;
  completed: number;
  failed: number;
  delayed: number;
  workers: number;
}

export interface Worker {
  name: string;
  pid?: number;
  [field: string]: unknown;
}

export interface Suite extends JobRowFields {
  id: string;
  name: string;
  status: string;
  concurrency: number | null;
  total: number;
  passed: number;
  failed: number;
  errored: number;
  cancelled: number;
  scheduleId: string | null;
  webhookStatus: string | null;
}

export interface SuiteDetail extends Suite {
  runs: Run[];
}

export interface Scrape extends JobRowFields {
  id: string;
  url: string;
  mode: string;
  status: string;
  pagesDone: number;
  pagesFailed: number;
  pagesQueued: number;
  errors?: Array<{ url: string; error: string }>;
}

export interface ScrapedPage {
  id: string;
  url?: string;
  finalUrl?: string | null;
  depth?: number;
  state?: string;
  statusCode?: number | null;
  title?: string | null;
  markdown?: string | null;
  links?: string[] | null;
  durationMs?: number | null;
  error?: string | null;
}

export interface Schedule {
  id: string;
  name: string;
  cron: string;
  timezone: string;
  run: Record<string, unknown> | null;
  suite: Record<string, unknown> | null;
  lastRunId: string | null;
  lastSuiteId: string | null;
  lastTickAt: string | null;
  runsQueued: number;
  ticksSkipped: number;
  lastSkipReason: string | null;
  nextTickAt?: string | null;
  pausedAt?: string | null;
  createdAt: string;
}

export interface Email {
  id: string;
  to: string[];
  template: string | null;
  subject: string;
  status: string;
  attempts: number;
  lastError: string | null;
  sentAt: string | null;
  createdAt: string;
}

export interface DeadLetter {
  id: string;
  queue: string;
  jobId: string;
  jobName: string;
  error: string;
  attempts: number;
  failedAt: string;
  replayedAt: string | null;
}
