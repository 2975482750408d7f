import { createHash } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';

/**
 * Who a request acts for, resolved once per request from its bearer token (an app-level onRequest
 * hook): auth hooks of a route prefix, fault matching and the request journal all read
 * `request.principal`. Each kind of credential (municipality, medical institution, sandbox admin)
 * registers a resolver here; http/ never imports a feature.
 */
export interface Principal<S = unknown> {
  /** The kind of credential, e.g. `municipality` */
  kind: string;
  /** How faults and the journal name the caller, e.g. `municipality:131016`, `anonymous` */
  actor: string;
  /** What the credential's feature knows of the caller (e.g. the municipality), for its routes */
  subject: S;
}

/** A kind of credential; `S` is the subject its resolver returns (typed for requirePrincipal). */
export interface PrincipalKind<S> {
  name: string;
  /** The realm of this kind's 401 answers (WWW-Authenticate) */
  realm: string;
  /** What to send, for the 401 detail: e.g. "the municipality token" */
  token: string;
  /** Detail of the 401 for a token that is not one of this kind, if any */
  invalidDetail?: string;
  /** Types the subject only. */
  readonly _subject?: S;
}

const KINDS = new Map<string, PrincipalKind<unknown>>();

/** Declares a kind of credential; the kinds are known by name so a wrong-kind answer can say what was sent. */
export const principalKind = <S>(kind: Omit<PrincipalKind<S>, '_subject'>): PrincipalKind<S> => {
  KINDS.set(kind.name, kind);
  return kind;
};

/** The declared kind of this name (a principal's `kind`), if any. */
export const kindNamed = (name: string): PrincipalKind<unknown> | undefined => KINDS.get(name);

/** Makes the principal a resolver returns for a token of `kind`. */
export const principalOf = <S>(kind: PrincipalKind<S>, actor: string, subject: S): Principal<S> => ({ kind: kind.name, actor, subject });

/** Resolves a token (by its SHA-256) to a principal, or null when not this resolver's kind. */
export type IdentityResolver = (tokenHash: string) => Promise<Principal | null>;

/** A request without a bearer token. */
export const ANONYMOUS: Principal<null> = Object.freeze({ kind: 'anonymous', actor: 'anonymous', subject: null });
/** A request whose bearer token nobody issued (or was revoked, or reset away). */
export const UNKNOWN: Principal<null> = Object.freeze({ kind: 'unknown', actor: 'unknown', subject: null });

export const bearerToken = (authorization: string | undefined) => /^Bearer\s+(\S+)\s*$/i.exec(authorization ?? '')?.[1];

const recentHashes = new Map<string, string>();
const RECENT_HASHES = 1000;

/**
 * SHA-256 (hex) of a bearer token, as stored. A client sends the same token with every request: the
 * hashes of the last tokens seen are kept in memory, which holds the tokens anyway.
 */
export const hashToken = (token: string): string => {
  let hash = recentHashes.get(token);
  if (hash === undefined) {
    hash = createHash('sha256').update(token, 'utf8').digest('hex');
    if (recentHashes.size >= RECENT_HASHES) recentHashes.clear();
    recentHashes.set(token, hash);
  }
  return hash;
};

/**
 * Lookups are cached by token hash for a few seconds: a token is presented on every call (the
 * eligibility hot path, bench/eligibility.ts) and tokens are never revoked through the API; a sandbox
 * reset that removes credentials clears the cache (forget) at once.
 */
const CACHE_MS = 5_000;
const CACHE_SIZE = 10_000;

export function identityDirectory(now: () => number = () => performance.now()) {
  const resolvers: IdentityResolver[] = [];
  const cache = new Map<string, { principal: Principal; until: number }>();

  async function lookUp(hash: string): Promise<Principal> {
    for (const resolve of resolvers) {
      const found = await resolve(hash);
      if (found) return found;
    }
    return UNKNOWN;
  }

  return {
    register(resolver: IdentityResolver) {
      resolvers.push(resolver);
    },

    /** The principal when it is known without a lookup (no token, or a token seen lately); undefined otherwise. */
    peek(authorization: string | undefined): Principal | undefined {
      const token = bearerToken(authorization);
      if (!token) return ANONYMOUS;
      const hit = cache.get(hashToken(token));
      return hit && hit.until > now() ? hit.principal : undefined;
    },

    async resolve(authorization: string | undefined): Promise<Principal> {
      const known = this.peek(authorization);
      if (known) return known;
      const hash = hashToken(bearerToken(authorization)!);
      const principal = await lookUp(hash);
      if (cache.size >= CACHE_SIZE) cache.clear();
      cache.set(hash, { principal, until: now() + CACHE_MS });
      return principal;
    },

    /** Drops every cached lookup: after a reset deleted credentials, their tokens stop working at once. */
    forget() {
      cache.clear();
    },
  };
}

export type IdentityDirectory = ReturnType<typeof identityDirectory>;

declare module 'fastify' {
  interface FastifyInstance {
    /** Resolvers of bearer tokens; features register theirs (http/identity.ts). */
    identity: IdentityDirectory;
  }
  interface FastifyRequest {
    /** Who the request acts for: resolved once, before any route hook (http/identity.ts). */
    principal: Principal;
    /** Set when the principal could not be resolved (the database failed); protected routes answer with it. */
    identityError: unknown;
  }
}

/**
 * The identity infrastructure: `app.identity` and an app-level onRequest hook that resolves every
 * request's principal once. A failed lookup leaves the principal UNKNOWN with `identityError` set, so
 * public routes still answer and protected ones fail with the error (requirePrincipal).
 */
export const identityPlugin = fp(
  async (app: FastifyInstance, opts: { identity?: IdentityDirectory }) => {
    const identity = opts.identity ?? identityDirectory();
    app.decorate('identity', identity);
    app.decorateRequest('principal', null as unknown as Principal);
    app.decorateRequest('identityError', null);
    // A callback hook: a request with no token or a token seen lately needs no promise.
    app.addHook('onRequest', (request, _reply, done) => {
      const known = identity.peek(request.headers.authorization);
      if (known) {
        request.principal = known;
        return done();
      }
      identity.resolve(request.headers.authorization).then(
        (p) => {
          request.principal = p;
          done();
        },
        (err: unknown) => {
          request.principal = UNKNOWN;
          request.identityError = err;
          done();
        },
      );
    });
  },
  { name: 'identity' },
);
