import { Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import type { Pool } from 'pg';
import { DataSource } from 'typeorm';
import { outageLog } from '../outages/outage-log';

/**
 * PostgreSQL's side of the outage log: an idle connection that breaks (the server stopped)
 * reports the outage, and a new connection made by the pool ends it. Failed queries
 * report it too, where they are caught (the outage filter, the periodic jobs).
 */
@Injectable()
export class DatabaseOutageWatch implements OnApplicationBootstrap {
  private readonly logger = new Logger('Database');

  constructor(private readonly dataSource: DataSource) {}

  onApplicationBootstrap(): void {
    const pool = (this.dataSource.driver as unknown as { master?: Pool }).master;
    pool?.on('error', (err) => outageLog.fault(this.logger, err, 'Database connection error'));
    pool?.on('connect', () => outageLog.back('database'));
  }
}
