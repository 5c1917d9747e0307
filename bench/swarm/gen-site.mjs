// Writes the benchmark's site: 20 files, ~3.3 MB, deterministic bytes (same seed → same site, so runs compare),
// a few of them several 256 KiB chunks long, and a sitemap.xml listing them for the collector.
//
//   node gen-site.mjs DIR

import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

const KIB = 1024;

/** [path, size in bytes, kind]: sizes shaped like a small marketing site with a few heavy images and a bundle. */
export const SITE_FILES = [
  ['/index.html', 14 * KIB, 'html'],
  ['/about.html', 9 * KIB, 'html'],
  ['/css/site.css', 38 * KIB, 'text'],
  ['/css/print.css', 6 * KIB, 'text'],
  ['/js/app.js', 180 * KIB, 'text'],
  ['/js/vendor.js', 620 * KIB, 'text'], // 3 chunks
  ['/js/analytics.js', 22 * KIB, 'text'],
  ['/js/search-index.json', 140 * KIB, 'text'],
  ['/img/logo.svg', 4 * KIB, 'text'],
  ['/img/hero.jpg', 900 * KIB, 'binary'], // 4 chunks
  ['/img/team.jpg', 410 * KIB, 'binary'], // 2 chunks
  ['/img/product-1.webp', 160 * KIB, 'binary'],
  ['/img/product-2.webp', 150 * KIB, 'binary'],
  ['/img/product-3.webp', 170 * KIB, 'binary'],
  ['/img/icon-1.png', 3 * KIB, 'binary'],
  ['/img/icon-2.png', 5 * KIB, 'binary'],
  ['/img/icon-3.png', 2 * KIB, 'binary'],
  ['/fonts/body.woff2', 48 * KIB, 'binary'],
  ['/fonts/heading.woff2', 36 * KIB, 'binary'],
  ['/docs/brochure.pdf', 480 * KIB, 'binary'], // 2 chunks
];

/** xorshift32: fast, seeded, good enough to make incompressible bytes. */
function generator(seed) {
  let x = seed >>> 0 || 1;
  return () => {
    x ^= x << 13; x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5; x >>>= 0;
    return x;
  };
}

function content(path, size, kind, seed) {
  const next = generator(seed);
  const bytes = new Uint8Array(size);
  if (kind === 'binary') {
    for (let i = 0; i < size; i += 4) {
      const v = next();
      bytes[i] = v; if (i + 1 < size) bytes[i + 1] = v >>> 8; if (i + 2 < size) bytes[i + 2] = v >>> 16; if (i + 3 < size) bytes[i + 3] = v >>> 24;
    }
    return bytes;
  }
  // text: printable lines, so HTML/CSS/JS look like text to anybody who opens them
  const head = kind === 'html'
    ? `<!doctype html><html><head><title>Swarm bench ${path}</title><link rel="stylesheet" href="/css/site.css"></head><body>\n`
      + SITE_FILES.map(([p]) => `<a href="${p}">${p}</a>`).join('\n') + '\n<pre>\n'
    : `/* ${path} */\n`;
  const tail = kind === 'html' ? '\n</pre></body></html>\n' : '\n';
  const text = new TextEncoder().encode(head);
  bytes.set(text.subarray(0, size));
  const alphabet = 'abcdefghijklmnopqrstuvwxyz0123456789 ;{}()=';
  for (let i = text.length; i < size; i++) bytes[i] = (i % 80 === 79) ? 10 : alphabet.charCodeAt(next() % alphabet.length);
  const end = new TextEncoder().encode(tail);
  if (size > text.length + end.length) bytes.set(end, size - end.length);
  return bytes;
}

export function writeSite(dir) {
  let total = 0;
  SITE_FILES.forEach(([path, size, kind], i) => {
    const file = join(dir, path.slice(1));
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, content(path, size, kind, 0x9e3779b9 + i));
    total += size;
  });
  const sitemap = '<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n'
    + SITE_FILES.map(([p]) => `  <url><loc>${p}</loc></url>`).join('\n') + '\n</urlset>\n';
  writeFileSync(join(dir, 'sitemap.xml'), sitemap);
  return { files: SITE_FILES.length, bytes: total };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const dir = process.argv[2];
  if (!dir) {
    console.error('usage: node gen-site.mjs DIR');
    process.exit(2);
  }
  const { files, bytes } = writeSite(dir);
  console.log(`site: ${files} files, ${(bytes / 1048576).toFixed(2)} MiB in ${dir}`);
}
