// Draws the swarm benchmark's figure as a self-contained SVG (no plotting tool needed):
// top, bytes per second from peers and from the origin over time (stacked) with the cumulative share from peers;
// bottom, time to first byte and to full page per wave, p50 and p95, agent vs origin-only.

const W = 900;
const H = 640;
const esc = (s) => String(s).replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' }[c]));
const fmt = (v, d = 1) => (Number.isFinite(v) ? v.toFixed(d) : '–');

function niceMax(v) {
  if (!(v > 0)) return 1;
  const p = 10 ** Math.floor(Math.log10(v));
  return [1, 2, 2.5, 5, 10].map((m) => m * p).find((m) => m >= v);
}

function axes(out, x0, y0, w, h, yMax, yLabel, ticks = 4, right = null) {
  out.push(`<line x1="${x0}" y1="${y0 + h}" x2="${x0 + w}" y2="${y0 + h}" stroke="#444"/>`);
  out.push(`<line x1="${x0}" y1="${y0}" x2="${x0}" y2="${y0 + h}" stroke="#444"/>`);
  for (let i = 0; i <= ticks; i++) {
    const y = y0 + h - (h * i) / ticks;
    out.push(`<line x1="${x0}" y1="${y}" x2="${x0 + w}" y2="${y}" stroke="#ddd" stroke-dasharray="2,3"/>`);
    out.push(`<text x="${x0 - 6}" y="${y + 4}" text-anchor="end" font-size="11">${fmt((yMax * i) / ticks, Number.isInteger((yMax * i) / ticks) ? 0 : 1)}</text>`);
    if (right) out.push(`<text x="${x0 + w + 6}" y="${y + 4}" font-size="11" fill="${right.color}">${(100 * i) / ticks}%</text>`);
  }
  out.push(`<text x="${x0 - 44}" y="${y0 + h / 2}" font-size="12" transform="rotate(-90 ${x0 - 44} ${y0 + h / 2})" text-anchor="middle">${esc(yLabel)}</text>`);
}

/**
 * @param {Object} r the benchmark result (swarm.mjs): timeline [{t, peers, origin, cumShare}], waves [...]
 */
export function renderSvg(r) {
  const out = [`<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="sans-serif">`,
    `<rect width="${W}" height="${H}" fill="#fff"/>`,
    `<text x="${W / 2}" y="22" text-anchor="middle" font-size="15" font-weight="bold">${esc(r.title)}</text>`];

  // --- top: throughput by source over time ---
  const x0 = 80; const y0 = 50; const w = W - 160; const h = 240;
  const bins = r.timeline;
  const mb = (b) => b / 1048576;
  const yMax = niceMax(Math.max(...bins.map((b) => mb(b.peers + b.origin)), 0.1));
  axes(out, x0, y0, w, h, yMax, 'MiB/s received by visitors', 4, { color: '#1f5fbf' });
  const bw = w / Math.max(bins.length, 1);
  bins.forEach((b, i) => {
    const x = x0 + i * bw;
    const hp = (h * mb(b.peers)) / yMax;
    const ho = (h * mb(b.origin)) / yMax;
    out.push(`<rect x="${x + 0.5}" y="${y0 + h - hp}" width="${Math.max(bw - 1, 0.5)}" height="${hp}" fill="#3a9d5d"/>`);
    out.push(`<rect x="${x + 0.5}" y="${y0 + h - hp - ho}" width="${Math.max(bw - 1, 0.5)}" height="${ho}" fill="#c9a227"/>`);
  });
  const line = bins.filter((b) => b.cumShare !== null)
    .map((b) => `${fmt(x0 + (bins.indexOf(b) + 0.5) * bw, 1)},${fmt(y0 + h - h * b.cumShare, 1)}`).join(' ');
  if (line) out.push(`<polyline points="${line}" fill="none" stroke="#1f5fbf" stroke-width="2"/>`);
  const step = Math.max(1, Math.ceil(bins.length / 12));
  bins.forEach((b, i) => {
    if (i % step === 0) out.push(`<text x="${x0 + i * bw}" y="${y0 + h + 15}" font-size="11" text-anchor="middle">${b.t}</text>`);
  });
  (r.waveMarks ?? []).forEach((m) => {
    const x = x0 + (m.t / (r.binMs / 1000)) * bw;
    out.push(`<line x1="${x}" y1="${y0}" x2="${x}" y2="${y0 + h}" stroke="#888" stroke-dasharray="4,3"/>`);
    out.push(`<text x="${x + 3}" y="${y0 + 11}" font-size="10" fill="#555">${esc(m.label)}</text>`);
  });
  out.push(`<text x="${x0 + w / 2}" y="${y0 + h + 32}" font-size="12" text-anchor="middle">seconds since the first seed arrived</text>`);
  const legend = [['#3a9d5d', 'from peers (WebRTC data channels)'], ['#c9a227', 'from the origin (proxy)'], ['#1f5fbf', 'cumulative share from peers (right axis)']];
  legend.forEach(([c, t], i) => {
    out.push(`<rect x="${x0 + 10 + i * 250}" y="${y0 + h + 42}" width="12" height="12" fill="${c}"/>`);
    out.push(`<text x="${x0 + 27 + i * 250}" y="${y0 + h + 53}" font-size="12">${esc(t)}</text>`);
  });

  // --- bottom: latency per wave, agent vs origin-only ---
  const by0 = 390; const bh = 190;
  const waves = r.waves.filter((wv) => wv.p2p && wv.origin);
  const series = [
    ['ttfb p50', (wv) => wv.p2p.ttfb.p50, (wv) => wv.origin.ttfb.p50],
    ['ttfb p95', (wv) => wv.p2p.ttfb.p95, (wv) => wv.origin.ttfb.p95],
    ['full p50', (wv) => wv.p2p.full.p50, (wv) => wv.origin.full.p50],
    ['full p95', (wv) => wv.p2p.full.p95, (wv) => wv.origin.full.p95],
  ];
  const lMax = niceMax(Math.max(...waves.flatMap((wv) => series.flatMap(([, a, b]) => [a(wv), b(wv)])), 0.1) / 1000);
  axes(out, x0, by0, w, bh, lMax, 'seconds', 4);
  const gw = w / Math.max(waves.length, 1);
  waves.forEach((wv, i) => {
    const gx = x0 + i * gw;
    const barW = (gw - 20) / (series.length * 2);
    series.forEach(([, a, b], j) => {
      [[a(wv), '#3a9d5d'], [b(wv), '#c9a227']].forEach(([v, c], k) => {
        const bhv = (bh * (v / 1000)) / lMax;
        const x = gx + 10 + (j * 2 + k) * barW;
        out.push(`<rect x="${fmt(x, 1)}" y="${fmt(by0 + bh - bhv, 1)}" width="${fmt(barW - 1, 1)}" height="${fmt(bhv, 1)}" fill="${c}" opacity="${j % 2 ? 0.6 : 1}"/>`);
      });
      out.push(`<text x="${fmt(gx + 10 + (j * 2 + 1) * barW, 1)}" y="${by0 + bh + 13}" font-size="9" text-anchor="middle">${series[j][0]}</text>`);
    });
    out.push(`<text x="${gx + gw / 2}" y="${by0 + bh + 28}" font-size="12" text-anchor="middle">${esc(wv.label)} (${wv.p2p.count} visitors, ${fmt(100 * wv.p2p.share, 0)}% from peers)</text>`);
  });
  out.push(`<text x="${x0}" y="${by0 - 8}" font-size="12">time to first file and to full page per wave: agent (green) vs origin-only (amber); lighter bars are p95</text>`);
  out.push(`<text x="${W / 2}" y="${H - 8}" text-anchor="middle" font-size="11" fill="#555">${esc(r.subtitle)}</text>`);
  out.push('</svg>');
  return out.join('\n');
}
