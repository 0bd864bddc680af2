#!/usr/bin/env node
// The workbench end to end in Debian's Chromium, as a coordinator meets it:
//   - a request without the secret, for a foreign Host or a form from another
//     origin is refused; every page has a strict CSP and no-store;
//   - a whole sheet typed with the keyboard only (Tab, Enter), a reload in
//     the middle of a row, the server killed between two rows and started
//     again (no confirmed row lost);
//   - two coordinators on one sheet: told, and the second row is not lost;
//   - reconcile from the page, open a discrepancy, correct the row;
//   - tick a worklist item, restart, the tick is still there;
//   - axe-core (WCAG 2.0/2.1 A and AA) on every page at 1280 and 320 px, no
//     horizontal scrolling at 320 px, no script errors (CSP included);
//   - no request leaves 127.0.0.1.
//
// Usage: RESERVKIT_BIN=… WB_CONTENT=… WB_DIR=… WB_CWD=… node workbench.mjs
// Exit codes: 0 all passed, 1 a check failed, 2 setup error.

import { spawn } from 'node:child_process';
import { appendFileSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { connect } from 'node:net';
import { chromium } from 'playwright-core';

const require = createRequire(import.meta.url);
const BIN = process.env.RESERVKIT_BIN;
const CONTENT = process.env.WB_CONTENT;
const DIR = process.env.WB_DIR;
const CWD = process.env.WB_CWD;
const LOG = process.env.WB_LOG;
const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
const AXE_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'];
const failures = [];

function fail(message) {
  failures.push(message);
  console.error(`FEL: ${message}`);
}

function check(condition, message) {
  if (!condition) fail(message);
}

if (!BIN || !CONTENT || !DIR || !CWD || !LOG) {
  console.error('usage: RESERVKIT_BIN, WB_CONTENT, WB_DIR, WB_CWD and WB_LOG must be set');
  process.exit(2);
}

// ---- the server ----------------------------------------------------------

let server = null;

function start() {
  return new Promise((resolve, reject) => {
    const child = spawn(BIN, ['workbench', '--port', '0', '--dir', DIR, '--content', CONTENT, '--no-open'], {
      cwd: CWD,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, DISPLAY: '', WAYLAND_DISPLAY: '' },
    });
    let out = '';
    child.stderr.on('data', (d) => appendFileSync(LOG, d));
    child.stdout.on('data', (d) => {
      appendFileSync(LOG, d);
      out += d;
      const m = out.match(/http:\/\/127\.0\.0\.1:(\d+)\/([0-9a-f]{32})\//);
      if (m) resolve({ child, url: m[0], port: Number(m[1]), token: m[2] });
    });
    child.on('exit', (code) => reject(new Error(`the workbench stopped (${code})`)));
    setTimeout(() => reject(new Error('no address within 60 s')), 60000);
  });
}

function kill(s) {
  return new Promise((resolve) => {
    s.child.removeAllListeners('exit');
    s.child.on('exit', () => resolve());
    s.child.kill('SIGKILL');
  });
}

// A raw request, to send what a browser would not.
function raw(port, text) {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    let answer = '';
    socket.on('data', (d) => (answer += d));
    socket.on('end', () => resolve(answer));
    socket.on('error', reject);
    socket.write(text);
  });
}

async function security(s) {
  const status = (a) => Number(a.split(' ')[1]);
  const noToken = await raw(s.port, `GET / HTTP/1.1\r\nHost: 127.0.0.1:${s.port}\r\nConnection: close\r\n\r\n`);
  check(status(noToken) === 403, `without the secret: ${noToken.split('\r\n')[0]}`);
  const wrongToken = await raw(
    s.port,
    `GET /${'0'.repeat(32)}/ HTTP/1.1\r\nHost: 127.0.0.1:${s.port}\r\nConnection: close\r\n\r\n`,
  );
  check(status(wrongToken) === 403, `a wrong secret: ${wrongToken.split('\r\n')[0]}`);
  const foreign = await raw(
    s.port,
    `GET /${s.token}/ HTTP/1.1\r\nHost: evil.example:${s.port}\r\nConnection: close\r\n\r\n`,
  );
  check(status(foreign) === 400, `a foreign Host: ${foreign.split('\r\n')[0]}`);
  const body = 'nr=x';
  const crossPost = await raw(
    s.port,
    `POST /${s.token}/blad/sunderby-medicin-61-009/kontroll HTTP/1.1\r\nHost: 127.0.0.1:${s.port}\r\n` +
      `Origin: http://evil.example\r\nContent-Type: application/x-www-form-urlencoded\r\n` +
      `Content-Length: ${body.length}\r\nConnection: close\r\n\r\n${body}`,
  );
  check(status(crossPost) === 403, `a form from another origin: ${crossPost.split('\r\n')[0]}`);
  const ok = await raw(s.port, `GET /${s.token}/ HTTP/1.1\r\nHost: 127.0.0.1:${s.port}\r\nConnection: close\r\n\r\n`);
  check(status(ok) === 200, `the overview: ${ok.split('\r\n')[0]}`);
  check(/\r\nCache-Control: no-store\r\n/.test(ok), 'the overview is not no-store');
  check(/\r\nContent-Security-Policy: default-src 'none'; script-src 'self';/.test(ok), 'no strict CSP');
}

// ---- the browser ---------------------------------------------------------

const axeSource = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
let browser;
let allowedOrigin = '';

async function newCoordinator() {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  // Generous waits: CI machines have two cores, shared with the other tests.
  context.setDefaultTimeout(60000);
  await context.addInitScript({ content: axeSource });
  await context.route(/^(https?|wss?|ftp):/i, (route) => {
    const url = route.request().url();
    if (url.startsWith('http://127.0.0.1:')) return route.continue();
    fail(`a request left 127.0.0.1: ${url}`);
    return route.abort('blockedbyclient');
  });
  context.on('request', (req) => {
    const url = req.url();
    if (!url.startsWith('http://127.0.0.1:') && !url.startsWith('data:')) fail(`request to ${url}`);
  });
  const page = await context.newPage();
  page.on('pageerror', (e) => fail(`script error on ${page.url()}: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error' && !/Failed to load resource/.test(m.text())) {
      fail(`console error on ${page.url()}: ${m.text()}`);
    }
  });
  return { context, page };
}

async function axe(page, name) {
  for (const viewport of [
    { width: 1280, height: 800 },
    { width: 320, height: 640 },
  ]) {
    await page.setViewportSize(viewport);
    const r = await page.evaluate(async (values) => {
      // eslint-disable-next-line no-undef
      const res = await axe.run(document, { runOnly: { type: 'tag', values } });
      return res.violations.map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).slice(0, 3).join(', ')})`);
    }, AXE_TAGS);
    for (const v of r) fail(`axe on ${name} at ${viewport.width} px: ${v}`);
    if (viewport.width === 320) {
      const wide = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      check(wide <= 1, `${name} scrolls sideways at 320 px (${wide} px)`);
    }
  }
  await page.setViewportSize({ width: 1280, height: 800 });
  axeCount += 1;
}
let axeCount = 0;

const PATIENTS = [
  ['Astrid Testsson', '19900101-2385'],
  ['Bertil Provsson', '19310113-9198'],
  ['Cecilia Exempelsson', '19380102-9202'],
  ['David Fiktivsson', '19570428-9999'],
];

// One paper row as the coordinator reads it, field by field in form order.
function paperRow(n, options = {}) {
  const [patient, pnr] = PATIENTS[n % PATIENTS.length];
  const minutes = 10 * 60 + 5 * n;
  const time = `${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`;
  return [
    ...(options.start ? ['2025-03-03 08:00'] : []),
    '2025-03-03', // datum
    time, // klockslag
    '', // tidszon
    'ut', // riktning
    'Lule', // motpart: completed to lulea
    options.noPerson ? '' : 'Karin Kontaktsson', // motpart_person
    patient,
    '', // id_typ
    pnr,
    '1', // handelse
    '2025-03-10', // datum_uppgift
    '', // lakare_kontakt
    'ja', // nadd
    'Rapport lämnad', // notering
    'SJ', // signatur
    '', // rattar_rad
    options.by ?? 'Eva Skrivare', // transkriberad_av
  ];
}

// Types a row with the keyboard only: each value, Tab to the next field,
// Enter on the last to review, Enter again to confirm.
async function typeRow(page, values, { review } = {}) {
  for (let i = 0; i < values.length; i++) {
    await page.keyboard.press('Control+A');
    if (values[i]) await page.keyboard.type(values[i]);
    else await page.keyboard.press('Delete');
    if (i < values.length - 1) await page.keyboard.press('Tab');
  }
  await Promise.all([page.waitForNavigation(), page.keyboard.press('Enter')]);
  if (review) await review(page);
  const reviewed = await page.content();
  if (!/\/spara"/.test(reviewed)) {
    const said = await page.locator('.fel, .varning').allInnerTexts();
    fail(`no confirmation page for a row: ${page.url()}: ${said.join(' | ')}`);
  }
  await confirmByEnter(page);
}

// Enter on the review page confirms the row: its button has autofocus,
// which a busy browser applies a moment after the page has loaded, as a
// person sees the page before pressing a key.
async function confirmByEnter(page) {
  await page.waitForFunction(
    () => document.activeElement && document.activeElement.matches('button[type=submit]'),
    null,
    { timeout: 30000 },
  );
  await Promise.all([page.waitForNavigation(), page.keyboard.press('Enter')]);
}

async function savedRows(page) {
  return page.locator('table tbody tr[id^=rad-]').count();
}

async function main() {
  server = await start();
  allowedOrigin = `http://127.0.0.1:${server.port}`;
  await security(server);

  // launch() gives Chromium a fresh profile folder of its own.
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  const eva = await newCoordinator();
  const page = eva.page;

  // The overview and the sheet chooser, by keyboard.
  await page.goto(server.url);
  await axe(page, 'översikten (tom)');
  await page.goto(`${server.url}blad`);
  await axe(page, 'välj blad');
  await page.keyboard.type('sunderby-medicin-61-1');
  await Promise.all([page.waitForNavigation(), page.keyboard.press('Enter')]);
  check(page.url().endsWith('/blad/sunderby-medicin-61-001'), `the sheet number did not open the sheet: ${page.url()}`);
  await axe(page, 'bladet (tomt)');

  // A field is checked as it is left, by the server: a wrong check digit.
  await page.keyboard.type('2025-03-03 08:00');
  await page.focus('#f-personnummer');
  await page.keyboard.type('19900101-2384');
  await page.keyboard.press('Tab');
  await page.locator('#m-personnummer .fel').waitFor({ timeout: 30000 });
  const message = await page.locator('#m-personnummer').innerText();
  check(/kontrollsiffra/.test(message), `the check digit message: ${message}`);
  await page.goto(page.url());

  // Rows 1 and 2, then a reload in the middle of row 3.
  await typeRow(page, paperRow(0, { start: true }), {
    review: async (p) => axe(p, 'granska raden'),
  });
  check((await page.locator('#besked').innerText()).includes('Rad 1 är sparad'), 'no saved notice for row 1');
  await typeRow(page, paperRow(1));
  await page.keyboard.type('2025-03-03');
  await page.keyboard.press('Tab');
  await page.keyboard.type('10:10');
  await page.reload();
  check((await savedRows(page)) === 2, `after the reload ${await savedRows(page)} rows, expected 2`);
  check((await page.locator('#rubrik-rad').innerText()) === 'Rad 3', 'after the reload the form is not row 3');
  await axe(page, 'bladet (två rader)');
  // Row 3 without the person reached: a warning, saved, a discrepancy later.
  await typeRow(page, paperRow(2, { noPerson: true }));
  await typeRow(page, paperRow(3));

  // The server is killed between two rows and started again.
  await kill(server);
  server = await start();
  await page.goto(`${server.url}blad/sunderby-medicin-61-001`);
  check((await savedRows(page)) === 4, `after the restart ${await savedRows(page)} rows, expected 4`);
  for (let n = 4; n < 8; n++) await typeRow(page, paperRow(n));
  check((await savedRows(page)) === 8, `the whole sheet: ${await savedRows(page)} rows, expected 8`);
  check((await page.content()).includes('Bladet är fullt'), 'the full sheet is not said to be full');

  // Two coordinators on one sheet.
  const olle = await newCoordinator();
  const sheet2 = `${server.url}blad/sunderby-medicin-61-002`;
  await page.goto(sheet2);
  await olle.page.goto(sheet2);
  check(
    (await olle.page.locator('#besked').innerText()).includes('Eva Skrivare'),
    'the second coordinator is not told who else has the sheet open',
  );
  await typeRow(page, paperRow(0, { start: true }));
  await olle.page.locator('#besked .varning', { hasText: 'sparades' }).waitFor({ timeout: 30000 });
  await olle.page.focus('#f-driftstopp_start');
  await typeRow(olle.page, paperRow(1, { start: true, by: 'Olle Skrivare' }), {
    review: async (p) => {
      const text = await p.content();
      check(text.includes('Rad 1 sparades under tiden'), 'the second coordinator is not told row 1 was taken');
      check(text.includes('Spara rad 2'), 'the second row is not offered as row 2');
    },
  });
  await page.goto(sheet2);
  check((await savedRows(page)) === 2, `two coordinators: ${await savedRows(page)} rows, expected 2`);
  await olle.context.close();

  // The overview counts what was typed.
  await page.goto(server.url);
  const overview = await page.locator('main').innerText();
  check(/Eva Skrivare: 9 rader/.test(overview), `who typed what: ${overview.slice(0, 400)}`);
  check(/Olle Skrivare: 1 rad/.test(overview), 'Olle is not counted');
  await axe(page, 'översikten');

  // Reconcile from the page, then open the discrepancy and correct the row.
  await page.goto(`${server.url}avstamning`);
  await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: 'Kör avstämningen' }).click()]);
  check((await page.locator('main').innerText()).includes('Senaste körningen'), 'the run is not reported');
  await axe(page, 'avstämningen');
  for (const part of ['fall', 'betalning']) {
    await page.goto(`${server.url}avstamning/${part}`);
    await axe(page, part);
  }
  await page.goto(`${server.url}avstamning/avvikelser`);
  await axe(page, 'avvikelser');
  const row = page.locator('tr', { hasText: 'nådd utan namngiven person' });
  check((await row.count()) === 1, `discrepancies for the unnamed person: ${await row.count()}`);
  await Promise.all([page.waitForNavigation(), row.locator('a').first().click()]);
  check(page.url().includes('ratta=3'), `the discrepancy did not open row 3: ${page.url()}`);
  check((await page.locator('#rubrik-rad').innerText()) === 'Rätta rad 3', 'the correction form is not for row 3');
  await page.focus('#f-motpart_person');
  await page.keyboard.type('Karin Kontaktsson');
  await Promise.all([page.waitForNavigation(), page.keyboard.press('Enter')]);
  await confirmByEnter(page);
  check((await page.locator('#besked').innerText()).includes('Rad 3'), 'the correction is not confirmed');
  await page.goto(`${server.url}avstamning`);
  await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: 'Kör avstämningen' }).click()]);
  await page.goto(`${server.url}avstamning/avvikelser`);
  check(
    (await page.locator('tr', { hasText: 'nådd utan namngiven person' }).count()) === 0,
    'the corrected discrepancy is still there',
  );

  // Tick a worklist item, restart, and find it ticked.
  await page.goto(`${server.url}avstamning/arbetslista/sunderby-medicin-61`);
  await axe(page, 'arbetslistan');
  const first = page.locator('ol.arbetslista > li').first();
  await first.locator('input[name=av]').fill('Eva Skrivare');
  await Promise.all([page.waitForNavigation(), first.getByRole('button').click()]);
  check((await first.locator('.status').innerText()).startsWith('Klar (Eva Skrivare'), 'the tick is not shown');
  const pdf = await page.request.get(`${server.url}avstamning/pdf/arbetslista-sunderby-medicin-61.pdf`);
  check(pdf.ok() && (await pdf.body()).subarray(0, 5).toString() === '%PDF-', 'the worklist PDF is not served');
  await kill(server);
  server = await start();
  await page.goto(`${server.url}avstamning/arbetslista/sunderby-medicin-61`);
  check(
    (await page.locator('ol.arbetslista > li').first().locator('.status').innerText()).startsWith('Klar (Eva Skrivare'),
    'the tick did not survive the restart',
  );

  await eva.context.close();
  await browser.close();
}

try {
  await main();
} catch (e) {
  fail(`stopped: ${e.stack || e}`);
} finally {
  if (browser) await browser.close().catch(() => {});
  if (server) await kill(server).catch(() => {});
}
console.log(`workbench: axe on ${axeCount} pages × 2 widths; ${failures.length} failures`);
process.exit(failures.length ? 1 : 0);
