// The site owner's status page: reads GET /api/v1/sites/{id}/stats with the owner's API key (kept in this tab's
// sessionStorage only) and draws the figures. Served on the platform's API host, so the API calls are same-origin.

const KEY = 'c2c.owner.apiKey';

/** Human-readable bytes: 1536 → "1.5 KB". */
export function formatBytes(n) {
  const units = ['B', 'KB', 'MB', 'GB', 'TB'];
  let value = Number(n) || 0;
  let unit = 0;
  while (value >= 1000 && unit < units.length - 1) {
    value /= 1000;
    unit++;
  }
  return `${unit === 0 ? value : value.toFixed(value < 10 ? 1 : 0)} ${units[unit]}`;
}

/**
 * Stacked bars for the per-minute series in a width × height box: for each minute a peers bar on top of an origin
 * bar, scaled to the busiest minute. Returns plain rectangles so the drawing is testable without a DOM.
 */
export function chartBars(series, width, height) {
  const max = Math.max(1, ...series.map((m) => m.peerBytes + m.originBytes));
  const step = width / Math.max(1, series.length);
  const bars = [];
  series.forEach((m, i) => {
    const x = i * step;
    const w = Math.max(1, step * 0.8);
    const origin = (m.originBytes / max) * height;
    const peers = (m.peerBytes / max) * height;
    if (origin > 0) bars.push({ kind: 'origin', x, y: height - origin, width: w, height: origin });
    if (peers > 0) bars.push({ kind: 'peers', x, y: height - origin - peers, width: w, height: peers });
  });
  return bars;
}

async function api(path) {
  const response = await fetch(path, { headers: { Authorization: `Bearer ${sessionStorage.getItem(KEY)}` } });
  if (!response.ok) {
    const problem = await response.json().catch(() => ({}));
    throw new Error(problem.detail || problem.title || `HTTP ${response.status}`);
  }
  return response.json();
}

function rows(tbody, entries) {
  tbody.replaceChildren(...(entries.length ? entries : [['none', '']]).map(([name, value]) => {
    const tr = document.createElement('tr');
    for (const text of [name, value]) {
      const td = document.createElement('td');
      td.textContent = String(text);
      tr.append(td);
    }
    return tr;
  }));
}

function draw(stats) {
  const $ = (id) => document.getElementById(id);
  const t = stats.totals;
  $('online').textContent = stats.peersOnline;
  $('share').textContent = t.peerBytes + t.originBytes ? `${Math.round(t.peerShare * 100)} %` : '–';
  $('peerBytes').textContent = formatBytes(t.peerBytes);
  $('originBytes').textContent = formatBytes(t.originBytes);
  $('uploaded').textContent = formatBytes(t.uploadedBytes);
  const svg = $('chart');
  svg.replaceChildren(...chartBars(stats.series, 600, 200).map((bar) => {
    const rect = document.createElementNS('http://www.w3.org/2000/svg', 'rect');
    for (const attr of ['x', 'y', 'width', 'height']) rect.setAttribute(attr, bar[attr].toFixed(2));
    rect.setAttribute('class', bar.kind);
    return rect;
  }));
  const connections = Object.entries(t.connectionsByType);
  const total = connections.reduce((sum, [, n]) => sum + n, 0);
  rows($('connections'), connections.map(([type, n]) => [type, `${n} (${Math.round((n / total) * 100)} %)`]));
  rows($('failures'), Object.entries(t.failuresByReason).sort((a, b) => b[1] - a[1]));
}

/** Wires the page: API key form, site list, a refresh every 10 s. */
export function startStatusPage() {
  const $ = (id) => document.getElementById(id);
  const error = (e) => { $('error').textContent = e ? String(e.message ?? e) : ''; };
  const refresh = async () => {
    if (!$('site').value) return;
    try {
      draw(await api(`/api/v1/sites/${encodeURIComponent($('site').value)}/stats?minutes=${$('minutes').value}`));
      error(null);
    } catch (e) {
      error(e);
    }
  };
  const loadSites = async () => {
    try {
      const { sites } = await api('/api/v1/sites');
      $('site').replaceChildren(...sites.map((s) => new Option(`${s.domains.map((d) => d.name).join(', ')} (${s.siteId})`, s.siteId)));
      error(sites.length ? null : 'no sites yet');
      await refresh();
    } catch (e) {
      error(e);
    }
  };
  $('login').addEventListener('submit', (event) => {
    event.preventDefault();
    sessionStorage.setItem(KEY, $('key').value.trim());
    loadSites();
  });
  $('site').addEventListener('change', refresh);
  $('minutes').addEventListener('change', refresh);
  if (sessionStorage.getItem(KEY)) loadSites();
  setInterval(refresh, 10_000);
}
