#!/usr/bin/env node
// Opens every page of the built intranet site in Debian's Chromium and fails
// on what a person using it would hit:
//   - accessibility violations found by axe-core (WCAG 2.0/2.1 A and AA),
//     at a desktop width (1280 px) and a phone width (320 px);
//   - horizontal scrolling at 320 px (WCAG 1.4.10 Reflow);
//   - any request that leaves file:// (the site must work without a network);
//   - local files the page asks for that are missing, and script errors.
//
// Usage: node check-site.mjs SITE_DIR [--screenshots DIR] [--verbose]
// Exit codes: 0 all pages pass, 1 a check failed, 2 usage or setup error.
//
// Chromium is Debian's (/usr/bin/chromium, or $CHROMIUM); playwright-core
// never downloads a browser of its own.

import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join, relative, resolve, sep } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';

const require = createRequire(import.meta.url);

const WIDTHS = [
  { width: 1280, height: 800 },
  { width: 320, height: 640 },
];
// A4 at 96 dpi, for the look of the printed page.
const PRINT_VIEWPORT = { width: 794, height: 1123 };
const AXE_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'];
// Schemes a page may load without touching a network.
const LOCAL_SCHEMES = new Set(['file:', 'data:', 'blob:', 'about:']);
const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  // Lets axe-core read the site's stylesheets (its CSSOM preload) over file://.
  '--allow-file-access-from-files',
];

// Set when a signal or a closed stdout ends the run early: exit quietly then.
let stopping = null;

function usage(message) {
  if (message) console.error(`check-site: ${message}`);
  console.error('usage: node check-site.mjs SITE_DIR [--screenshots DIR] [--verbose]');
  process.exit(2);
}

function parseArgs(argv) {
  const opts = { siteDir: null, screenshots: null, verbose: false };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--screenshots') {
      if (i + 1 >= argv.length) usage('--screenshots needs a directory');
      opts.screenshots = resolve(argv[++i]);
    } else if (arg.startsWith('--screenshots=')) {
      opts.screenshots = resolve(arg.slice('--screenshots='.length));
    } else if (arg === '--verbose' || arg === '-v') {
      opts.verbose = true;
    } else if (arg === '--help' || arg === '-h') {
      usage();
    } else if (arg.startsWith('-')) {
      usage(`unknown option ${arg}`);
    } else if (opts.siteDir === null) {
      opts.siteDir = resolve(arg);
    } else {
      usage(`unexpected argument ${arg}`);
    }
  }
  if (opts.siteDir === null) usage('SITE_DIR is missing');
  return opts;
}

function findHtml(dir) {
  const found = [];
  const walk = (d) => {
    for (const entry of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, entry.name);
      if (entry.isDirectory()) walk(p);
      else if (entry.isFile() && entry.name.endsWith('.html')) found.push(p);
    }
  };
  walk(dir);
  return found.sort();
}

// "rutin/index.html" -> "rutin__index", a flat name for screenshot files.
function shotName(rel) {
  return rel.replace(/\.html$/, '').split(sep).join('__');
}

// Runs inside the page: which element makes the page wider than the window?
// Elements inside a container that scrolls or clips horizontally do not make
// the page scroll, so they are left out.
function findWidestOverflow() {
  const limit = window.innerWidth + 1;
  const clipped = (el) => {
    for (let p = el.parentElement; p && p !== document.documentElement; p = p.parentElement) {
      if (p === document.body) break;
      if (getComputedStyle(p).overflowX !== 'visible') return true;
    }
    return false;
  };
  const describe = (el) => {
    const parts = [];
    for (let e = el; e && e.nodeType === 1 && parts.length < 4; e = e.parentElement) {
      let s = e.localName;
      if (e.id) s += `#${e.id}`;
      else if (e.classList.length) s += `.${[...e.classList].join('.')}`;
      parts.unshift(s);
      if (e.id) break;
    }
    return parts.join(' > ');
  };
  const offenders = [];
  for (const el of document.body ? document.body.querySelectorAll('*') : []) {
    const r = el.getBoundingClientRect();
    if (r.width === 0 && r.height === 0) continue;
    if (r.right <= limit) continue;
    if (clipped(el)) continue;
    offenders.push({ selector: describe(el), width: Math.round(r.width), right: Math.round(r.right) });
  }
  offenders.sort((a, b) => b.width - a.width || b.right - a.right);
  return {
    scrollWidth: document.documentElement.scrollWidth,
    innerWidth: window.innerWidth,
    offenders: offenders.slice(0, 3),
  };
}

async function runAxe(page, tags) {
  return page.evaluate(async (values) => {
    // eslint-disable-next-line no-undef
    const r = await axe.run(document, {
      runOnly: { type: 'tag', values },
      resultTypes: ['violations', 'incomplete'],
    });
    const slim = (list) =>
      list.map((v) => ({
        id: v.id,
        impact: v.impact,
        help: v.help,
        helpUrl: v.helpUrl,
        nodes: v.nodes.map((n) => ({
          target: n.target.map((t) => (Array.isArray(t) ? t.join(' ') : t)).join(' '),
          html: n.html,
          summary: n.failureSummary || '',
        })),
      }));
    return { violations: slim(r.violations), incomplete: slim(r.incomplete) };
  }, tags);
}

function oneLine(s, max = 160) {
  const flat = s.replace(/\s+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}

// The directory filter, as a nurse types into it: every word must match, in
// any order, ignoring case and diacritics; digits match the numbers' digits.
// For each query: at least one entry is shown, every entry shown holds every
// word, and every entry hidden lacks at least one (checked here with an
// independent reading of the entries, not the page's own script).
const FILTER_QUERIES = [
  { q: 'Sunderby 61', hits: true },
  { q: 'medicin 61', hits: true },
  { q: 'hemsjukvård kiruna', hits: true },
  { q: 'KIRUNA Hemsjukvard', hits: true },
  { q: 'lulea', hits: true },
  { q: 'Älvsbyn', hits: true },
  { q: 'alvsbyn biståndshandläggare', hits: true },
  { q: '0920 28', hits: true },
  { q: '+46 920 28 40 00', hits: true },
  { q: 'sjukhus', hits: true },
  { q: 'xyzzy kiruna', hits: false },
];

async function checkFilter(page, url, fail) {
  await page.setViewportSize({ width: 375, height: 740 });
  await page.goto(url, { waitUntil: 'load', timeout: 30_000 });
  if (await page.locator('#filter-text').count() === 0) {
    fail('kontakter.html', 'no filter box');
    return 0;
  }
  let checked = 0;
  for (const { q, hits } of FILTER_QUERIES) {
    await page.fill('#filter-text', q);
    const r = await page.evaluate((query) => {
      const fold = (s) => s.normalize('NFD').replace(/[\u0300-\u036f]/g, '').toLowerCase();
      const words = fold(query).split(/[^a-z0-9+]+/).filter(Boolean).map((w) => w.replace(/^\+/, ''));
      const qd = query.replace(/\D/g, '').replace(/^46/, '0');
      const numeric = /^[\d\s+-]+$/.test(query.trim());
      const holds = (el) => {
        const raw = el.getAttribute('data-sok') || '';
        const text = fold(raw);
        const chunks = raw.split(/[^\d\s+-]+/).map((c) => c.replace(/\D/g, '')).filter(Boolean);
        if (numeric && chunks.some((c) => c.includes(qd))) return true;
        return words.every((w) => text.includes(w) || (/^\d+$/.test(w) && chunks.some((c) => c.includes(w))));
      };
      const all = [...document.querySelectorAll('[data-sok]')];
      const shown = all.filter((el) => !el.hidden && el.offsetParent !== null);
      return {
        shown: shown.length,
        wrongShown: shown.filter((el) => !holds(el)).map((el) => el.getAttribute('data-sok')),
        wrongHidden: all.filter((el) => el.hidden && holds(el)).map((el) => el.getAttribute('data-sok')),
        status: document.getElementById('filter-status').textContent,
      };
    }, q);
    checked++;
    if (hits && r.shown === 0) fail('kontakter.html', `filter «${q}» finds nothing`);
    if (!hits && r.shown !== 0) fail('kontakter.html', `filter «${q}» should find nothing, shows ${r.shown}`);
    for (const s of r.wrongShown.slice(0, 3)) fail('kontakter.html', `filter «${q}» shows an entry without every word: ${oneLine(s, 80)}`);
    for (const s of r.wrongHidden.slice(0, 3)) fail('kontakter.html', `filter «${q}» hides a matching entry: ${oneLine(s, 80)}`);
    const want = r.shown === 1 ? '1 träff' : `${r.shown} träffar`;
    if (r.status !== want) fail('kontakter.html', `filter «${q}» says «${r.status}», expected «${want}»`);
  }
  await page.fill('#filter-text', '');
  return checked;
}

async function main() {
  const opts = parseArgs(process.argv.slice(2));
  if (!existsSync(opts.siteDir) || !statSync(opts.siteDir).isDirectory()) {
    usage(`${opts.siteDir} is not a directory`);
  }
  const executablePath = process.env.CHROMIUM || '/usr/bin/chromium';
  if (!existsSync(executablePath)) {
    console.error(`check-site: no Chromium at ${executablePath}; install it with ` +
      '`apt-get install chromium` (bash .ci/run does)');
    process.exit(2);
  }
  const pages = findHtml(opts.siteDir);
  if (pages.length === 0) {
    console.error(`check-site: FAIL no *.html pages under ${opts.siteDir}`);
    process.exit(1);
  }
  if (opts.screenshots) mkdirSync(opts.screenshots, { recursive: true });

  const axeSource = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
  const profile = mkdtempSync(join(tmpdir(), 'reservkit-chromium-'));
  let context;
  let launching = null;
  // The browser and its profile go away however the run ends (Ctrl-C, a closed pipe).
  const removeProfile = () => {
    try {
      rmSync(profile, { recursive: true, force: true, maxRetries: 5 });
    } catch {
      // Best effort: a browser still shutting down may hold the directory.
    }
  };
  process.on('exit', removeProfile);
  const stop = (code) => {
    stopping = code;
    setTimeout(() => process.exit(code), 5_000).unref();
    // A browser still starting is waited for, so that it is closed too.
    (launching ?? Promise.resolve(null))
      .then((c) => c?.close())
      .catch(() => {})
      .finally(() => process.exit(code));
  };
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(signal, () => stop(130));
  process.stdout.on('error', () => stop(1));
  const failures = [];
  let violationCount = 0;
  let incompleteCount = 0;
  const fail = (rel, what) => {
    const line = `${rel}: ${what}`;
    if (failures.includes(line)) return;
    failures.push(line);
    console.log(`FAIL ${line}`);
  };

  try {
    launching = chromium.launchPersistentContext(profile, {
      executablePath,
      headless: true,
      args: CHROMIUM_ARGS,
      viewport: WIDTHS[0],
      offline: true,
      // Our own handlers close the browser first, then remove its profile.
      handleSIGINT: false,
      handleSIGTERM: false,
      handleSIGHUP: false,
    });
    context = await launching;
    // Nothing is allowed to leave the machine: abort every network request
    // (after the 'request' listener below has recorded it as a failure).
    await context.route(/^(https?|wss?|ftp):/i, (route) => route.abort('blockedbyclient'));
    await context.addInitScript({ content: axeSource });

    const page = context.pages()[0] ?? (await context.newPage());
    let current = '';
    page.on('request', (req) => {
      const url = req.url();
      let scheme;
      try {
        scheme = new URL(url).protocol;
      } catch {
        scheme = '?';
      }
      if (!LOCAL_SCHEMES.has(scheme)) fail(current, `external resource ${url} (${req.resourceType()})`);
    });
    page.on('websocket', (ws) => fail(current, `external resource ${ws.url()} (websocket)`));
    page.on('requestfailed', (req) => {
      const url = req.url();
      if (url.startsWith('file:')) {
        fail(current, `missing local file ${decodeURI(url)} (${req.failure()?.errorText ?? 'failed'})`);
      }
    });
    page.on('pageerror', (err) => fail(current, `script error: ${oneLine(String(err))}`));

    for (const file of pages) {
      const rel = relative(opts.siteDir, file);
      current = rel;
      const url = pathToFileURL(file).href;
      // The same violation at both widths is reported once, naming both.
      const found = new Map();
      for (const viewport of WIDTHS) {
        await page.setViewportSize(viewport);
        await page.goto(url, { waitUntil: 'load', timeout: 30_000 });
        const { violations, incomplete } = await runAxe(page, AXE_TAGS);
        for (const v of violations) {
          const key = `${v.id}|${v.nodes.map((n) => n.target).join(',')}`;
          if (found.has(key)) found.get(key).widths.push(viewport.width);
          else found.set(key, { ...v, widths: [viewport.width] });
        }
        incompleteCount += incomplete.length;
        if (opts.verbose) {
          for (const v of incomplete) {
            console.log(`note ${rel}: [${viewport.width}px] axe needs review ${v.id}: ${v.help}` +
              ` (${v.nodes.map((n) => n.target).slice(0, 3).join(', ')})`);
          }
        }
        if (viewport.width <= 320) {
          const o = await page.evaluate(findWidestOverflow);
          if (o.scrollWidth > o.innerWidth + 1) {
            const widest = o.offenders[0];
            const who = widest
              ? `widest element ${widest.selector} is ${widest.width}px wide, reaching x=${widest.right}`
              : 'no single element found; check body/html widths and margins';
            fail(rel, `scrolls horizontally at ${o.innerWidth}px (scrollWidth ${o.scrollWidth}px): ${who}`);
            for (const other of o.offenders.slice(1)) {
              console.log(`    also ${other.selector}: ${other.width}px wide, reaching x=${other.right}`);
            }
          }
        }
        if (opts.screenshots) {
          const path = join(opts.screenshots, `${shotName(rel)}-${viewport.width}.png`);
          await page.screenshot({ path, fullPage: true });
        }
      }
      for (const v of found.values()) {
        violationCount++;
        fail(rel, `axe ${v.id} (${v.impact}) at ${v.widths.join(' and ')} px: ${v.help}`);
        for (const n of v.nodes.slice(0, 5)) {
          console.log(`    at ${n.target}`);
          console.log(`       ${oneLine(n.html)}`);
          for (const line of n.summary.split('\n').filter(Boolean).slice(0, 3)) {
            console.log(`       ${oneLine(line)}`);
          }
        }
        if (v.nodes.length > 5) console.log(`    … and ${v.nodes.length - 5} more`);
        console.log(`    see ${v.helpUrl}`);
      }
      if (opts.screenshots) {
        await page.setViewportSize(PRINT_VIEWPORT);
        await page.emulateMedia({ media: 'print' });
        await page.goto(url, { waitUntil: 'load', timeout: 30_000 });
        await page.screenshot({ path: join(opts.screenshots, `${shotName(rel)}-print.png`), fullPage: true });
        await page.emulateMedia({ media: null });
      }
    }
    const contacts = pages.find((f) => relative(opts.siteDir, f) === 'kontakter.html');
    if (contacts) {
      current = 'kontakter.html';
      const n = await checkFilter(page, pathToFileURL(contacts).href, fail);
      console.log(`filter: ${n} queries typed into kontakter.html at 375 px`);
    }
  } finally {
    if (context) await context.close().catch(() => {});
    removeProfile();
  }

  const pageWord = pages.length === 1 ? 'page' : 'pages';
  console.log(`axe: ${pages.length} ${pageWord} × ${WIDTHS.length} widths, ${violationCount} violations` +
    (incompleteCount ? ` (${incompleteCount} results need review; --verbose lists them)` : ''));
  if (opts.screenshots) console.log(`screenshots: ${opts.screenshots}`);
  if (failures.length) {
    console.log(`check-site: ${failures.length} failures`);
    process.exit(1);
  }
  console.log('check-site: all pages pass');
}

main().catch((err) => {
  if (stopping !== null) process.exit(stopping);
  console.error(`check-site: ${err && err.stack ? err.stack : err}`);
  process.exit(2);
});
