import type { FastifyInstance, FastifyRequest } from 'fastify';
import { kindNamed, principalKind, type PrincipalKind } from './identity.js';
import { problem } from './problem.js';

/**
 * onRequest hook for a whole route prefix: every call must carry a token of `kind`. Reads the principal
 * resolved once by http/identity.ts; `onSubject` hands the feature its typed subject (e.g. sets
 * `request.municipality`).
 */
export function requirePrincipal<S>(app: FastifyInstance, kind: PrincipalKind<S>, onSubject?: (request: FastifyRequest, subject: S) => void) {
  app.addHook('onRequest', (request, _reply, done) => {
    const { principal } = request;
    if (principal.kind === kind.name) {
      onSubject?.(request, principal.subject as S);
      return done();
    }
    if (request.identityError) return done(request.identityError as Error);
    if (principal.kind === 'anonymous') {
      return done(
        problem('unauthenticated', {
          detail: `Send ${kind.token} as \`Authorization: Bearer <token>\``,
          headers: { 'www-authenticate': `Bearer realm="${kind.realm}"` },
        }),
      );
    }
    const sent = kindNamed(principal.kind);
    if (sent) {
      // A valid token of another kind (a municipality token on /clinic/v1): say which, not "unknown or revoked".
      return done(
        problem('wrong_token_kind', {
          detail: `This is ${sent.token} (${sent.name}); this API needs ${kind.token} (${kind.name})`,
          headers: {
            'www-authenticate': `Bearer realm="${kind.realm}", error="invalid_token", error_description="${sent.name} token, ${kind.name} token needed"`,
          },
        }),
      );
    }
    done(
      problem('invalid_token', {
        detail: kind.invalidDetail,
        headers: { 'www-authenticate': `Bearer realm="${kind.realm}", error="invalid_token"` },
      }),
    );
  });
}

/** The sandbox admin: SANDBOX_ADMIN_TOKEN or the token generated at the first start (sandbox/admin). */
export const ADMIN = principalKind<null>({
  name: 'sandbox-admin',
  realm: 'pmh-sandbox-admin',
  token: 'the sandbox admin token',
  invalidDetail: 'Not the sandbox admin token',
});

/** Every sandbox-only operation lives under this prefix, behind the admin token. */
export const SANDBOX_PREFIX = '/sandbox/v1';

/**
 * Registers `routes` under `prefix` in a context of their own whose one onRequest hook requires a token
 * of `kind`; with `decorate`, the request gets the principal's subject under that name (e.g.
 * `request.municipality`). Each kind of API scope (municipal, clinic, sandbox) is one call of this.
 */
export async function registerPrincipalRoutes<S>(
  app: FastifyInstance,
  scope: { prefix: string; kind: PrincipalKind<S>; decorate?: keyof FastifyRequest },
  routes: (scoped: FastifyInstance) => PromiseLike<unknown>,
) {
  const { decorate } = scope;
  await app.register(
    async (scoped) => {
      if (decorate) scoped.decorateRequest(decorate, null);
      requirePrincipal(
        scoped,
        scope.kind,
        decorate
          ? (request, subject) => {
              (request as unknown as Record<string, unknown>)[decorate] = subject;
            }
          : undefined,
      );
      await routes(scoped);
    },
    { prefix: scope.prefix },
  );
}

/** Registers `routes` under /sandbox/v1, behind the admin token; any feature adds its sandbox-only routes this way. */
export const registerSandboxRoutes = (app: FastifyInstance, routes: (sandbox: FastifyInstance) => PromiseLike<unknown>) =>
  registerPrincipalRoutes(app, { prefix: SANDBOX_PREFIX, kind: ADMIN }, routes);

/** OpenAPI security requirement of municipal routes. */
export const municipalSecurity = [{ municipalToken: [] }];
/** OpenAPI security requirement of clinic routes. */
export const institutionSecurity = [{ institutionToken: [] }];
/** OpenAPI security requirement of sandbox admin routes. */
export const adminSecurity = [{ adminToken: [] }];
