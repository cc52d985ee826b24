import { Inject, Injectable } from '@nestjs/common';
import { hostname } from 'node:os';
import { Env } from './env.schema';

export const ENV = Symbol('ENV');

/** Typed, validated configuration: the one place the app reads settings from. */
@Injectable()
export class AppConfig {
  constructor(@Inject(ENV) readonly env: Env) {}

  get isWorker(): boolean {
    return this.env.IS_WORKER;
  }
  get isProduction(): boolean {
    return this.env.NODE_ENV === 'production';
  }
  get role(): 'api' | 'worker' {
    return this.env.IS_WORKER ? 'worker' : 'api';
  }
  /** The port this process listens on: the API port, or the worker's health port plus its pm2 instance. */
  get httpPort(): number {
    return this.env.IS_WORKER ? this.env.APP_WORKER_PORT + this.env.NODE_APP_INSTANCE : this.env.APP_PORT;
  }
  /** A stable, readable name for logs, health and Bull Board's worker list. */
  get workerName(): string {
    return this.env.WORKER_NAME || `${hostname()}-${this.role}-${this.env.NODE_APP_INSTANCE}-${process.pid}`;
  }
}
