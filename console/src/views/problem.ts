import type { Problem } from '../api.js';
import { h } from '../dom.js';

/** A problem as a person reads it: its title and detail, the code for the integrator, field errors if any. */
export function problemView(p: Problem): HTMLElement {
  return h(
    'div',
    { class: 'problem', role: 'alert' },
    h('h3', {}, p.title),
    p.detail ? h('p', {}, p.detail) : null,
    h('p', { class: 'muted' }, `HTTP ${p.status} ・ code: ${p.code}`),
    p.errors?.length ? h('ul', {}, ...p.errors.map((e) => h('li', {}, `${e.field}: ${e.message}`))) : null,
  );
}
