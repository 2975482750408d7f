import { globMatches } from '../faults/match.js';

export interface JournalEntry {
  /** Increasing sequence number, as a string (also the cursor). */
  id: string;
  /** When the request arrived (real time). */
  at: Date;
  method: string;
  /** Path without the query string, digit runs (個人番号) and percent-encoded text masked. */
  path: string;
  /** The route template that handled it, e.g. /municipal/v1/registration-tasks/:taskId; null when no route matched. */
  route: string | null;
  status: number;
  actor: string;
  durationMs: number;
  problemCode: string | null;
  requestId: string;
}

export interface JournalQuery {
  actor?: string;
  path?: string;
  since?: Date;
  limit: number;
  /** Only entries older than this id. */
  before?: number;
}

/**
 * The request journal: the last `capacity` requests in memory (a ring buffer), newest first. No bodies,
 * no query strings, no headers are kept. Lost on restart — it is a debugging aid, not an audit log.
 */
export class RequestJournal {
  private readonly ring: (JournalEntry | undefined)[];
  private next = 0;
  private seq = 0;

  constructor(readonly capacity: number) {
    this.ring = new Array<JournalEntry | undefined>(capacity);
  }

  add(entry: Omit<JournalEntry, 'id'>) {
    if (this.capacity === 0) return;
    this.seq += 1;
    // The hook's fresh object, completed in place: in the CPU profile of bench/eligibility.ts a copy per
    // request cost as much as any line outside the check's own.
    const stored = entry as JournalEntry;
    stored.id = String(this.seq);
    this.ring[this.next] = stored;
    this.next = (this.next + 1) % this.capacity;
  }

  clear() {
    this.ring.fill(undefined);
  }

  /** Newest first; `more` tells whether older matching entries remain. */
  list(q: JournalQuery): { items: JournalEntry[]; more: boolean } {
    const items: JournalEntry[] = [];
    for (let i = 1; i <= this.capacity; i++) {
      const e = this.ring[(this.next - i + this.capacity * 2) % this.capacity];
      if (!e) break;
      const seq = Number(e.id);
      if (q.before !== undefined && seq >= q.before) continue;
      if (q.since && e.at.getTime() < q.since.getTime()) continue;
      if (q.actor && !globMatches(q.actor, e.actor)) continue;
      if (q.path && !globMatches(q.path, e.path)) continue;
      if (items.length === q.limit) return { items, more: true };
      items.push(e);
    }
    return { items, more: false };
  }
}
