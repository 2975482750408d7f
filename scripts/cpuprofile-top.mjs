#!/usr/bin/env node
// Top self-time frames of a V8 .cpuprofile (e.g. from BENCH_SERVICE_NODE_ARGS="--cpu-prof --cpu-prof-dir=…"),
// summed by function + file:line and by package, within the profile's last busy stretch (1-second buckets
// less than 60 % idle: under `npm run bench -- eligibility`, the check's warm-up and measurement).
//   node scripts/cpuprofile-top.mjs <file.cpuprofile> [top=40] [--all] [--callers=writev,writeString]
// The profiler samples wall time: on a busy machine a syscall (writev) also collects the time the thread
// waited for a CPU, so compare frames with the per-thread CPU the bench reports, not as CPU themselves.
import fs from 'node:fs';

const args = process.argv.slice(2);
const file = args.find((a) => !a.startsWith('--') && !/^\d+$/.test(a));
if (!file) {
  console.error('usage: node scripts/cpuprofile-top.mjs <file.cpuprofile> [top] [--all] [--callers=a,b]');
  process.exit(2);
}
const top = Number(args.find((a) => /^\d+$/.test(a)) ?? 40);
const whole = args.includes('--all');
const callersOf = (args.find((a) => a.startsWith('--callers='))?.slice(10) ?? '').split(',').filter(Boolean);

const p = JSON.parse(fs.readFileSync(file, 'utf8'));
const byId = new Map(p.nodes.map((n) => [n.id, n]));
const parent = new Map();
for (const n of p.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
const second = [];
let t = p.startTime;
for (let i = 0; i < p.samples.length; i++) {
  t += p.timeDeltas[i] ?? 0;
  second.push(Math.floor((t - p.startTime) / 1e6));
}
const isIdle = (id) => byId.get(id).callFrame.functionName === '(idle)';

// The last run of consecutive busy seconds.
let window = null;
if (!whole) {
  const total = new Map();
  const idle = new Map();
  for (let i = 0; i < p.samples.length; i++) {
    const d = p.timeDeltas[i] ?? 0;
    total.set(second[i], (total.get(second[i]) ?? 0) + d);
    if (isIdle(p.samples[i])) idle.set(second[i], (idle.get(second[i]) ?? 0) + d);
  }
  const busy = [...total]
    .filter(([s, d]) => (idle.get(s) ?? 0) / d < 0.6)
    .map(([s]) => s)
    .sort((a, b) => a - b);
  let run = [];
  for (const s of busy) {
    if (run.length > 0 && s !== run.at(-1) + 1) run = [];
    run.push(s);
  }
  window = new Set(run);
  console.log(`busy stretch: seconds ${run[0]}–${run.at(-1)} of the profile`);
}

const short = (url) => url.replace(/^file:\/\/.*?node_modules\//, '').replace(/^file:\/\/.*?\/(dist|src)\//, '$1/');
const label = (id) => {
  const cf = byId.get(id).callFrame;
  return `${cf.functionName || '(anonymous)'} ${short(cf.url || '')}${cf.url ? `:${cf.lineNumber + 1}` : ''}`.trim();
};
const packageOf = (id) => {
  const cf = byId.get(id).callFrame;
  const m = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(cf.url);
  return m ? m[1] : cf.url ? short(cf.url) : `(native) ${cf.functionName}`;
};

let sum = 0;
const byFrame = new Map();
const byPackage = new Map();
const chains = new Map();
const add = (map, key, d) => map.set(key, (map.get(key) ?? 0) + d);
for (let i = 0; i < p.samples.length; i++) {
  if (window && !window.has(second[i])) continue;
  const id = p.samples[i];
  const d = p.timeDeltas[i] ?? 0;
  sum += d;
  add(byFrame, label(id), d);
  add(byPackage, packageOf(id), d);
  if (callersOf.includes(byId.get(id).callFrame.functionName)) {
    const chain = [];
    for (let c = parent.get(id); c !== undefined && chain.length < 12; c = parent.get(c)) chain.push(label(c));
    add(chains, `${byId.get(id).callFrame.functionName}\n      <- ${chain.join('\n      <- ')}`, d);
  }
}
const print = (title, map, n) => {
  console.log(`\n== ${title} (of ${(sum / 1e6).toFixed(2)} s sampled)`);
  for (const [k, d] of [...map].sort((a, b) => b[1] - a[1]).slice(0, n)) {
    console.log(`${((100 * d) / sum).toFixed(1).padStart(5)} %  ${(d / 1000).toFixed(0).padStart(6)} ms  ${k}`);
  }
};
print('self time by frame', byFrame, top);
print('self time by package or file', byPackage, Math.min(top, 25));
if (callersOf.length > 0) print('callers', chains, 10);
