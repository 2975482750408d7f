import { createPool } from '../src/db/pool.js';
import { offlineJobQueue } from '../src/jobs/queue.js';
import { buildApp } from '../src/app.js';
import { configSchema } from '../src/config.js';
import { readMigrations } from '../src/db/migrate.js';
import { createPrisma } from '../src/db/prisma.js';
import { startBareServer } from './lib/bare.js';
import { Cleanup } from './lib/cleanup.js';
import { LOOPBACK, loopbackOrigin } from './lib/net.js';
import { startBenchDatabase } from './lib/postgres.js';
import { compareTargets, environment } from './lib/targets.js';
import type { Benchmark, BenchmarkReport } from './lib/types.js';

const CONNECTIONS = 10;
const DURATION_SECONDS = 10;
const WARMUP_SECONDS = 2;

/**
 * The public catalogue read paths of the real app (real PostgreSQL, migrated and
 * seeded) against plain Fastify on the same machine, in the same run.
 */
export const catalogueBenchmark: Benchmark = {
  name: 'catalogue',
  async run(): Promise<BenchmarkReport> {
    const startedAt = new Date().toISOString();
    const cleanup = new Cleanup();
    try {
      const log = (line: string) => process.stderr.write(`${line}\n`);
      log('  starting PostgreSQL, migrating, seeding…');
      const database = await startBenchDatabase();
      cleanup.add('database', () => database.close());
      log(`  ${database.description}`);

      const bare = await startBareServer();
      cleanup.add('bare Fastify server', () => bare.close());

      const db = createPrisma(database.url);
      cleanup.add('Prisma', () => db.$disconnect());
      const config = configSchema.parse({ LOG_LEVEL: 'silent' });
      const pool = createPool(database.url);
      cleanup.add('pool', () => pool.end());
      const app = await buildApp({ config, db, pool, jobs: offlineJobQueue, expectedMigrations: (await readMigrations()).map((m) => m.name) });
      cleanup.add('app', () => app.close());
      await app.listen({ host: LOOPBACK, port: 0 });
      const origin = loopbackOrigin(app.server.address());

      const compared = await compareTargets({
        targets: [
          { name: 'bare', url: bare.url },
          { name: 'insurer number', url: `${origin}/catalogue/v1/insurer-numbers/81136244` },
          { name: 'municipality search', url: `${origin}/catalogue/v1/municipalities?q=${encodeURIComponent('八王子')}` },
          { name: 'program', url: `${origin}/catalogue/v1/programs/54` },
        ],
        connections: CONNECTIONS,
        durationSeconds: DURATION_SECONDS,
        warmupSeconds: WARMUP_SECONDS,
        log,
      });

      return {
        benchmark: this.name,
        startedAt,
        finishedAt: new Date().toISOString(),
        environment: {
          ...environment(),
          database: { kind: database.kind, description: database.description, serverVersion: database.serverVersion },
        },
        ...compared,
      };
    } finally {
      await cleanup.run();
    }
  },
};
