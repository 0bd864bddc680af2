#!/usr/bin/env node
// The review queue of scanned sheets in Debian's Chromium: the queue lists
// the sheets `reservkit scan` drafted into WB_DIR, the first (least certain)
// opens with its field images beside the entry fields and the ticks read
// filled in; the coordinator types only the handwriting and confirms; the
// row is saved through the ordinary review and save pages. axe-core on the
// queue and the review page.
//
// Usage: RESERVKIT_BIN=… WB_CONTENT=… WB_DIR=… WB_CWD=… WB_LOG=… node scanqueue.mjs
// Prints the saved sheet's number on the last line. Exit 0 passed, 1 failed.

import { spawn } from 'node:child_process';
import { appendFileSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { chromium } from 'playwright-core';

const require = createRequire(import.meta.url);
const { RESERVKIT_BIN: BIN, WB_CONTENT: CONTENT, WB_DIR: DIR, WB_CWD: CWD, WB_LOG: LOG } = process.env;
const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
const AXE_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'];
const failures = [];
const check = (ok, message) => {
  if (!ok) {
    failures.push(message);
    console.error(`FEL: ${message}`);
  }
};

function start() {
  return new Promise((resolve, reject) => {
    const child = spawn(BIN, ['workbench', '--port', '0', '--dir', DIR, '--content', CONTENT, '--no-open'], {
      cwd: CWD,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stderr.on('data', (d) => appendFileSync(LOG, d));
    child.stdout.on('data', (d) => {
      appendFileSync(LOG, d);
      out += d;
      const m = out.match(/http:\/\/127\.0\.0\.1:(\d+)\/([0-9a-f]{32})\//);
      if (m) resolve({ child, url: m[0] });
    });
    child.on('exit', (code) => reject(new Error(`the workbench stopped (${code})`)));
    setTimeout(() => reject(new Error('no address within 60 s')), 60000);
  });
}

async function axe(page, name) {
  const r = await page.evaluate(async (values) => {
    // eslint-disable-next-line no-undef
    const res = await axe.run(document, { runOnly: { type: 'tag', values } });
    return res.violations.map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).slice(0, 3).join(', ')})`);
  }, AXE_TAGS);
  for (const v of r) check(false, `axe on ${name}: ${v}`);
}

// A fictional identity number of the kind ticked, with a valid check digit.
function identity(kind) {
  const day = kind === 'samordningsnummer' ? 61 : 1;
  const digits = `9001${day}238`;
  let sum = 0;
  for (let i = 0; i < 9; i++) {
    let d = Number(digits[i]) * (i % 2 === 0 ? 2 : 1);
    sum += d > 9 ? d - 9 : d;
  }
  return `19${digits.slice(0, 6)}-${digits.slice(6)}${(10 - (sum % 10)) % 10}`;
}

async function main() {
  const server = await start();
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  await context.addInitScript({ content: readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8') });
  const page = await context.newPage();
  page.on('pageerror', (e) => check(false, `script error on ${page.url()}: ${e.message}`));

  await page.goto(server.url);
  await Promise.all([page.waitForNavigation(), page.getByRole('link', { name: 'Skannade blad' }).click()]);
  check(/Skannade blad/.test(await page.locator('h1').innerText()), 'the queue opens from the navigation');
  await axe(page, 'kön av skannade blad');
  const first = page.locator('table tbody tr a').first();
  const sheet = (await first.innerText()).trim();
  await Promise.all([page.waitForNavigation(), first.click()]);
  await axe(page, 'det skannade bladet');

  const images = page.locator('img.faltbild');
  check((await images.count()) > 0, 'field images are shown beside the fields');
  const loaded = await images.first().evaluate((img) => img.complete && img.naturalWidth > 0);
  check(loaded, 'the first field image loads');
  const tick = async (name) => page.locator(`#f-${name}`).inputValue();
  const riktning = await tick('riktning');
  const idTyp = await tick('id_typ');
  check(riktning === 'ut' || riktning === 'in', `the direction tick is filled in (${riktning})`);
  check(await page.locator('#f-patient').inputValue() === '', 'the handwriting is left to type');

  const typed = {
    driftstopp_start: '2025-03-03 08:00',
    datum: '2025-03-03',
    klockslag: '10:05',
    motpart: 'Lule',
    motpart_person: 'Karin Kontaktsson',
    patient: 'Astrid Testsson',
    personnummer: identity(idTyp),
    datum_uppgift: '2025-03-10',
    notering: 'Rapport lämnad',
    signatur: 'SJ',
    transkriberad_av: 'Eva Skrivare',
  };
  for (const [name, value] of Object.entries(typed)) {
    const input = page.locator(`#f-${name}`);
    if ((await input.count()) && (await input.inputValue()) === '') await input.fill(value);
  }
  await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: 'Granska raden' }).click()]);
  const save = page.getByRole('button', { name: 'Spara raden' });
  if (!(await save.count())) {
    const said = await page.locator('.fel, .varning').allInnerTexts();
    check(false, `no confirmation page: ${said.join(' | ')}`);
  } else {
    await Promise.all([page.waitForNavigation(), save.click()]);
    check(/sparad/.test(await page.locator('#besked').innerText()), 'the row is saved');
    check(/skanning=1/.test(page.url()), 'the next scanned row follows');
  }
  await browser.close();
  server.child.removeAllListeners('exit');
  server.child.kill('SIGKILL');
  console.log(`scanqueue: ${failures.length} failures`);
  console.log(sheet);
  process.exit(failures.length ? 1 : 0);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
