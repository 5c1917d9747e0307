// Collect & Connect service worker. It holds no peer connections (workers cannot): for each manifest file
// the site frame requests, it asks the shell page's peer agent over a MessageChannel and answers with the
// verified bytes; everything else passes through untouched. Design: docs/browser.md ("Shell and service worker").
// Registered by shell.html as register('/c2c/sw.js', {scope: '/'}); the response needs `Service-Worker-Allowed: /`.
/* eslint-env serviceworker */
'use strict';

importScripts('/c2c/sw-routing.js');

const SHELL_URL = '/c2c/shell.html';
const STATE_CACHE = 'c2c-sw-state-v1';
const PATHS_KEY = '/c2c/__paths';
const PLATFORM_PREFIXES = ['/c2c/', '/_c2c/'];
/** Longest the worker waits for the agent before letting the request go to the network instead. */
const AGENT_TIMEOUT_MS = 30000;

/** Manifest paths, known from the shell (persisted: the browser may stop and restart this worker at any time). */
let paths = null;
let htmlPaths = null;
const loaded = caches.open(STATE_CACHE)
  .then((cache) => cache.match(PATHS_KEY))
  .then((response) => (response ? response.json() : null))
  .then((state) => { if (state && !paths) remember(state); })
  .catch(() => {});

function remember(state) {
  paths = new Set(state.paths);
  htmlPaths = new Set(state.htmlPaths);
}

self.addEventListener('install', (event) => {
  event.waitUntil(caches.open(STATE_CACHE).then((cache) => cache.add(SHELL_URL)).then(() => self.skipWaiting()));
});

self.addEventListener('activate', (event) => {
  event.waitUntil(self.clients.claim());
});

self.addEventListener('message', (event) => {
  const data = event.data;
  if (!data || data.type !== 'c2c-paths' || !Array.isArray(data.paths) || data.paths.length > 10000) return;
  const state = { paths: data.paths.filter((p) => typeof p === 'string'), htmlPaths: (data.htmlPaths || []).filter((p) => typeof p === 'string') };
  remember(state);
  const ack = event.ports && event.ports[0];
  event.waitUntil(caches.open(STATE_CACHE)
    .then((cache) => cache.put(PATHS_KEY, new Response(JSON.stringify(state))))
    .finally(() => ack && ack.postMessage({ type: 'c2c-paths-ok' })));
});

self.addEventListener('fetch', (event) => {
  const request = event.request;
  const decision = self.C2cRouting.classify({
    method: request.method, url: request.url, mode: request.mode, destination: request.destination,
    range: request.headers.get('range'),
  }, { origin: self.location.origin, paths, htmlPaths, platformPrefixes: PLATFORM_PREFIXES });
  if (decision === 'pass') return; // not calling respondWith: the browser does exactly what it would without us
  if (decision === 'shell') {
    event.respondWith(caches.open(STATE_CACHE).then((c) => c.match(SHELL_URL)).then((r) => r || fetch(SHELL_URL)));
    return;
  }
  event.respondWith(fromAgent(request));
});

/** Asks a shell's agent for the file; on no shell, no answer or refusal, the network answers as usual. */
async function fromAgent(request) {
  await loaded;
  const path = new URL(request.url).pathname;
  const shells = (await self.clients.matchAll({ type: 'window', includeUncontrolled: true })).filter((c) => c.frameType === 'top-level');
  for (const shell of shells) {
    const answer = await ask(shell, path);
    if (answer && answer.ok) {
      return new Response(answer.body, {
        status: 200,
        headers: { 'content-type': answer.contentType, 'content-length': String(answer.body.byteLength), 'x-c2c-source': answer.source },
      });
    }
    if (answer && answer.final) break; // the agent ran and could not deliver: no point asking another shell
  }
  return fetch(request);
}

function ask(client, path) {
  return new Promise((resolve) => {
    const channel = new MessageChannel();
    const timer = setTimeout(() => { channel.port1.close(); resolve(null); }, AGENT_TIMEOUT_MS);
    channel.port1.onmessage = (event) => {
      clearTimeout(timer);
      channel.port1.close();
      resolve(event.data);
    };
    client.postMessage({ type: 'c2c-fetch', path }, [channel.port2]);
  });
}
