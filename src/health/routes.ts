import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { describeProblems, problem } from '../http/problem.js';
import type { healthRepository } from './repository.js';

const tags = ['health'];
const readyProblems = describeProblems([[['not_ready'], 'the database is unreachable or a migration is pending']]);

export const healthRoutes: FastifyPluginAsyncZod<{
  repo: ReturnType<typeof healthRepository>;
  /** Names of the migrations this build of the service expects to be applied. */
  expectedMigrations: string[];
}> = async (app, { repo, expectedMigrations }) => {
  app.get(
    '/health',
    {
      schema: {
        tags,
        security: [],
        operationId: 'getHealth',
        summary: 'Liveness',
        description: 'Answers 200 while the process is up, whatever the state of the database.',
        response: { 200: z.object({ status: z.literal('ok') }).meta({ example: { status: 'ok' } }) },
      },
    },
    async () => ({ status: 'ok' as const }),
  );

  app.get(
    '/ready',
    {
      schema: {
        tags,
        security: [],
        operationId: 'getReadiness',
        summary: 'Readiness',
        description: `Answers 200 when the database is reachable and every migration of this build is applied. ${readyProblems.text}`,
        response: {
          200: z.object({ status: z.literal('ready'), migrations: z.int() }).meta({ example: { status: 'ready', migrations: 3 } }),
          ...readyProblems.responses,
        },
      },
    },
    async () => {
      let applied: Set<string>;
      try {
        applied = await repo.appliedMigrations();
      } catch {
        throw problem('not_ready', { detail: 'The database is not reachable', headers: { 'retry-after': '1' } });
      }
      const pending = expectedMigrations.filter((m) => !applied.has(m));
      if (pending.length > 0) {
        throw problem('not_ready', { detail: `Pending migrations: ${pending.join(', ')}`, headers: { 'retry-after': '1' } });
      }
      return { status: 'ready' as const, migrations: expectedMigrations.length };
    },
  );
};
