import { log } from './log.ts';

/** One pruning job: deletes what has outlived its retention and says how many rows went. */
export type MaintenanceJob = { name: string; run: () => Promise<number> };

/**
 * The one maintenance loop: runs every job now and then every `everyMs` (MAINTENANCE_INTERVAL_MS), one
 * round at a time. Each domain owns what it prunes (the outbox, idempotency keys, the guessing
 * throttles); main.ts hands them in, so this loop depends on none of them. A failed job is logged and
 * retried next round, never fatal, and does not stop the others. Returns a stop function.
 */
export function startMaintenance(jobs: MaintenanceJob[], everyMs: number): () => void {
  let running = false;
  const tick = async () => {
    if (running) return;
    running = true;
    try {
      const done: string[] = [];
      for (const job of jobs) {
        try {
          const n = await job.run();
          if (n) done.push(`${n} ${job.name}`);
        } catch (err) {
          log.error(`maintenance: ${job.name} failed (will retry): ${String(err)}`);
        }
      }
      if (done.length) log.info(`pruned ${done.join(', ')}`);
    } finally {
      running = false;
    }
  };
  void tick();
  const timer = setInterval(tick, everyMs);
  return () => clearInterval(timer);
}
