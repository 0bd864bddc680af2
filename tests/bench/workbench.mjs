#!/usr/bin/env node
// The workbench with a national outage loaded: a benchmark, not a timed
// test. Starts the given binary on a copy of the generated transcription
// files and measures, over HTTP on 127.0.0.1 (Node's own fetch):
//   - start until the address is printed (loading the national kit);
//   - the overview, first load (every file read and checked) and again;
//   - a sheet page; the field check round trip (POST kontroll);
//   - reviewing and saving a row (flushed and synced), and the overview
//     after a save (only the changed file is read again).
//
//   cargo build --release
//   cargo run --release --example national -- generate DIR --rows 100000
//   node tests/bench/workbench.mjs target/release/reservkit DIR
//
// Prints medians (and the 95th percentile of the field check).

import { spawn } from 'node:child_process';
import { cpSync, mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';

import { resolve } from 'node:path';
const [bin, dir] = process.argv.slice(2).map((a) => resolve(a));
if (!bin || !dir) {
  console.error('usage: node workbench.mjs RESERVKIT_BINARY NATIONAL_DIR');
  process.exit(2);
}
const work = join(dir, 'arbetsbank');
rmSync(work, { recursive: true, force: true });
mkdirSync(work);
for (const f of readdirSync(join(dir, 'logg'))) cpSync(join(dir, 'logg', f), join(work, f));
const files = readdirSync(work).filter((f) => f.endsWith('.csv'));
let rows = 0;
for (const f of files) rows += readFileSync(join(work, f), 'utf8').split('\n').filter((l) => l.trim()).length - 1;

const now = () => Number(process.hrtime.bigint()) / 1e6;
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const p95 = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length * 0.95)];
const ms = (x) => `${x.toFixed(1)} ms`;

const t0 = now();
const child = spawn(bin, ['workbench', '--port', '0', '--no-open', '--dir', work, '--content', join(dir, 'content')], {
  cwd: dir,
  stdio: ['ignore', 'pipe', 'inherit'],
});
const base = await new Promise((resolve, reject) => {
  let out = '';
  child.stdout.on('data', (d) => {
    out += d;
    const m = out.match(/http:\/\/127\.0\.0\.1:\d+\/[0-9a-f]{32}\//);
    if (m) resolve(m[0]);
  });
  child.on('exit', (c) => reject(new Error(`stopped (${c})`)));
});
const started = now() - t0;

async function timed(url, init) {
  if (process.env.VERBOSE) console.error(init?.method ?? 'GET', url.replace(/[0-9a-f]{32}/, 'NYCKEL'));
  const t = now();
  const r = await fetch(url, init);
  const body = await r.text();
  return { ms: now() - t, status: r.status, body };
}

const cold = await timed(base);
const warm = [];
for (let i = 0; i < 10; i++) warm.push((await timed(base)).ms);

// A real line of the outage as the form sends it, on a sheet of its unit.
const first = readFileSync(join(work, files[0]), 'utf8').replace(/^\uFEFF/, '').split(/\r?\n/);
const header = first[0].split(';');
const values = first[1].split(';');
const sheet = values[header.indexOf('blad')];
const form = new URLSearchParams();
header.forEach((name, i) => form.set(name, values[i] ?? ''));
form.set('post', '');
form.set('rattar_rad', '');
form.set('version', '0');
const sheetUrl = `${base}blad/${encodeURIComponent(sheet)}`;
const post = (url, body) =>
  timed(url, { method: 'POST', headers: { 'Content-Type': 'application/x-www-form-urlencoded' }, body: body.toString() });

const page = [];
for (let i = 0; i < 10; i++) page.push((await timed(sheetUrl)).ms);
const checks = [];
for (let i = 0; i < 50; i++) {
  form.set('rad', '1');
  const r = await post(`${sheetUrl}/kontroll`, form);
  if (r.status !== 200) throw new Error(`kontroll: ${r.status}`);
  checks.push(r.ms);
}
try {
const reviews = [];
  const saves = [];
  const after = [];
  for (let row = 1; row <= 5; row++) {
    form.set('rad', String(row));
    reviews.push((await post(`${sheetUrl}/granska`, form)).ms);
    const saved = await post(`${sheetUrl}/spara`, form);
    if (saved.status !== 303) {
      const said = [...saved.body.matchAll(/class="(?:fel|varning)">([^<]*)/g)].map((m) => m[1]);
      throw new Error(`spara: ${saved.status}: ${said.join(' | ')}`);
    }
    saves.push(saved.ms);
    after.push((await timed(base)).ms);
  }
    console.log(`review a row (median of 5): ${ms(median(reviews))}`);
  console.log(`save a row, flushed and synced (median of 5): ${ms(median(saves))}`);
  console.log(`overview after a save (median of 5): ${ms(median(after))}`);
} catch (e) {
  console.log(`saving not measured: ${e.message}`);
}
child.kill('SIGTERM');

console.log(`outage: ${rows} rows in ${files.length} files`);
console.log(`start until the address is printed: ${ms(started)}`);
console.log(`overview, first load (every file read and checked): ${ms(cold.ms)}`);
console.log(`overview again (median of 10): ${ms(median(warm))}`);
console.log(`sheet page (median of 10): ${ms(median(page))}`);
console.log(`field check round trip (median of 50): ${ms(median(checks))}, 95th percentile ${ms(p95(checks))}`);
rmSync(work, { recursive: true, force: true });
