/**
 * JSON with object keys sorted at every level: equal values give equal text. The raw COPY of
 * bench/ingest.ts writes its records with it; the service stores JSON.stringify text as jsonb, which keeps no key order.
 */
export function canonicalJson(value: unknown): string {
  // Fast path: rebuild with keys inserted in sorted order and let JSON.stringify write it, which is
  // several times quicker than concatenating per key. Valid only where insertion order is output
  // order, i.e. no array-index-like keys ("0", "12"), which V8 always lists first; and no
  // undefined array elements or other values JSON.stringify writes differently.
  const sorted = sortedCopy(value);
  return sorted === UNSAFE ? slowCanonicalJson(value) : JSON.stringify(sorted);
}

const UNSAFE = Symbol('unsafe');
const INDEX_LIKE = /^(?:0|[1-9][0-9]*)$/;

function sortedCopy(value: unknown): unknown {
  if (typeof value !== 'object' || value === null)
    return typeof value === 'function' || typeof value === 'symbol' || typeof value === 'bigint' ? UNSAFE : value;
  if (Array.isArray(value)) {
    const out: unknown[] = new Array(value.length);
    for (let i = 0; i < value.length; i++) {
      const v = value[i];
      if (v === undefined) return UNSAFE;
      const c = sortedCopy(v);
      if (c === UNSAFE) return UNSAFE;
      out[i] = c;
    }
    return out;
  }
  if (typeof (value as { toJSON?: unknown }).toJSON === 'function') return UNSAFE;
  // No prototype: a "__proto__" key (valid in JSON) must become an own property, not a prototype.
  const out: Record<string, unknown> = Object.create(null);
  for (const k of Object.keys(value).sort()) {
    const v = (value as Record<string, unknown>)[k];
    if (v === undefined) continue;
    if (INDEX_LIKE.test(k)) return UNSAFE;
    const c = sortedCopy(v);
    if (c === UNSAFE) return UNSAFE;
    out[k] = c;
  }
  return out;
}

function slowCanonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(slowCanonicalJson).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.keys(value)
      .sort()
      .filter((k) => (value as Record<string, unknown>)[k] !== undefined)
      .map((k) => `${JSON.stringify(k)}:${slowCanonicalJson((value as Record<string, unknown>)[k])}`);
    return `{${entries.join(',')}}`;
  }
  return JSON.stringify(value);
}
