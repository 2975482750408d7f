import fp from 'fastify-plugin';
import { registerSandboxRoutes } from '../../http/auth.js';
import { documentOperationNote } from '../../http/openapi.js';
import { sandboxLoader } from '../loader.js';
import { loadSeedFile, readSeedFile } from '../seed-file/load.js';
import { seedTestCards } from '../test-cards-seed.js';
import { resetTouchesTestCards, testCardsDescription } from '../test-cards.js';
import { sandboxScenarioRoutes } from './routes.js';
import { scenariosService } from './service.js';

declare module 'fastify' {
  interface FastifyInstance {
    /** Loads the well-known test cards (src/sandbox/test-cards.ts) and keeps them through every reset from then on. */
    seedTestCards(): Promise<{ cards: number; institution: string }>;
    /** Reads, validates and loads a seed file (SANDBOX_SEED_FILE); throws SeedFileError naming the place and rule. */
    loadSeedFile(file: string): Promise<Awaited<ReturnType<typeof loadSeedFile>>>;
  }
}

documentOperationNote('createEligibilityCheck', testCardsDescription());

/**
 * Test data through the same services as the APIs: the well-known test cards (seeded by the server at
 * start, kept through resets) and POST /sandbox/v1/scenarios/{name}.
 */
export const scenariosFeature = fp(
  async (app) => {
    const loader = sandboxLoader({
      credentials: app.credentials,
      certificateTypes: app.certificateTypes,
      registrations: app.registrations,
      institutions: app.institutions,
      cards: app.cards,
      eligibility: app.eligibility,
      copayments: app.copayments,
    });
    let testCardsSeeded = false;
    app.decorate('seedTestCards', async () => {
      testCardsSeeded = true;
      return seedTestCards(loader);
    });
    app.onSandboxReset(async (what) => {
      if (testCardsSeeded && resetTouchesTestCards(what)) await seedTestCards(loader);
    });
    app.decorate('loadSeedFile', async (file: string) => loadSeedFile(file, await readSeedFile(file), loader, () => app.clock.now()));
    const service = scenariosService({ loader, now: () => app.clock.now(), maxRecordsPerTask: app.config.MAX_RECORDS_PER_TASK });
    await registerSandboxRoutes(app, (sandbox) => sandbox.register(sandboxScenarioRoutes, { service }));
  },
  {
    name: 'scenarios',
    dependencies: ['sandbox-tooling', 'credentials', 'certificate-types', 'registrations', 'institutions', 'cards', 'eligibility', 'copayments'],
  },
);
