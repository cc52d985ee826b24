import type { AppConfig } from '../config/app-config.service';
import { JobMetrics } from './job-metrics';
import { MetricsService } from './metrics.service';

const serviceFor = (role: 'api' | 'worker') => new MetricsService({ role } as AppConfig);

describe('MetricsService', () => {
  it('exports no gauge, histogram or summary named like a counter (_total)', async () => {
    const families = (await serviceFor('api').registry.getMetricsAsJSON()).filter((m) => String(m.type) !== 'counter');
    expect(families.length).toBeGreaterThan(10);
    expect(families.filter((m) => m.name.endsWith('_total')).map((m) => m.name)).toEqual([]);
  });

  it('keeps the per-type gauge the dropped totals summed', async () => {
    const names = (await serviceFor('api').registry.getMetricsAsJSON()).map((m) => m.name);
    expect(names).toContain('stevedore_nodejs_active_handles');
  });

  it('declares job families only where JobMetrics is provided (a worker)', async () => {
    const api = serviceFor('api');
    expect((await api.registry.getMetricsAsJSON()).map((m) => m.name)).not.toContain('stevedore_jobs_finished_total');
    const worker = serviceFor('worker');
    new JobMetrics(worker).jobEnded('emails', 'completed', 0.2);
    expect(await worker.registry.metrics()).toMatch(
      /^stevedore_jobs_finished_total\{queue="emails",outcome="completed",role="worker"\} 1$/m,
    );
  });
});
