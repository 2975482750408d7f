import type { FastifyInstance, FastifyPluginAsync } from 'fastify';
import type { SandboxAdminAuth } from './admin/service.js';

/** Every sandbox-only operation lives under this prefix, behind the admin token. */
export const SANDBOX_PREFIX = '/sandbox/v1';

/** OpenAPI security requirement of sandbox admin routes. */
export const adminSecurity = [{ adminToken: [] }];

/**
 * The encapsulated context of /sandbox/v1: an onRequest hook requires the admin token on every route
 * registered inside it, whichever feature adds the route. Register with `{ prefix: SANDBOX_PREFIX }`:
 *
 *   await app.register(sandboxScope(adminAuth, async (sandbox) => {
 *     await sandbox.register(credentialRoutes, { service });
 *     await sandbox.register(myFeatureSandboxRoutes, { … }); // its routes: '/cards', … (no prefix)
 *   }), { prefix: SANDBOX_PREFIX });
 */
export function sandboxScope(auth: SandboxAdminAuth, register: (sandbox: FastifyInstance) => Promise<void>): FastifyPluginAsync {
  return async (sandbox) => {
    sandbox.addHook('onRequest', async (request) => {
      await auth.authenticate(request.headers.authorization);
    });
    await register(sandbox);
  };
}
