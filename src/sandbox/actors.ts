import { hashToken } from '../credentials/service.js';
import { bearerToken } from './admin/service.js';

/** Who a bearer token belongs to, as `<kind>:<code>` (e.g. `municipality:131016`), or null when not this resolver's token. */
export type ActorResolver = (tokenHash: string) => Promise<string | null>;

/** The actor of a request without a bearer token. */
export const ANONYMOUS = 'anonymous';
/** The actor of a request whose bearer token nobody issued (or was revoked, or reset away). */
export const UNKNOWN = 'unknown';

const CACHE_SIZE = 10_000;

/**
 * Names the caller of a request for fault matching and the request journal. Each kind of credential
 * registers a resolver (municipality, medical institution, the sandbox admin); answers are cached by
 * token hash, so a token costs one lookup until the cache is cleared (on reset).
 */
export function actorDirectory() {
  const resolvers: ActorResolver[] = [];
  const cache = new Map<string, string>();
  return {
    register(resolver: ActorResolver) {
      resolvers.push(resolver);
    },

    /** The actor when it is known without a lookup (no token, or a token seen before); undefined otherwise. */
    knownActorOf(authorization: string | undefined): string | undefined {
      const token = bearerToken(authorization);
      return token ? cache.get(hashToken(token)) : ANONYMOUS;
    },

    async actorOf(authorization: string | undefined): Promise<string> {
      const token = bearerToken(authorization);
      if (!token) return ANONYMOUS;
      const hash = hashToken(token);
      const cached = cache.get(hash);
      if (cached) return cached;
      let actor = UNKNOWN;
      for (const resolve of resolvers) {
        const found = await resolve(hash);
        if (found) {
          actor = found;
          break;
        }
      }
      if (cache.size >= CACHE_SIZE) cache.delete(cache.keys().next().value!);
      cache.set(hash, actor);
      return actor;
    },

    clearCache() {
      cache.clear();
    },
  };
}

export type ActorDirectory = ReturnType<typeof actorDirectory>;
