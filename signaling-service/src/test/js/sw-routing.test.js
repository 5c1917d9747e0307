import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import vm from 'node:vm';

// sw-routing.js is a classic script for the service worker: load it the way importScripts would.
const source = readFileSync(new URL('../../main/resources/META-INF/resources/c2c/sw-routing.js', import.meta.url), 'utf8');
const context = { self: {}, URL };
vm.runInNewContext(source, context);
const { classify } = context.self.C2cRouting;

const ctx = {
  origin: 'https://www.example.com',
  paths: new Set(['/', '/about.html', '/app.js', '/logo.png']),
  htmlPaths: new Set(['/', '/about.html']),
  platformPrefixes: ['/c2c/', '/_c2c/'],
};
const req = (over) => ({ method: 'GET', url: 'https://www.example.com/app.js', mode: 'no-cors', destination: 'script', range: null, ...over });

test('the service worker claims only manifest GETs and top-level navigations to manifest pages', () => {
  const cases = [
    ['manifest script', req({}), 'agent'],
    ['manifest image', req({ url: 'https://www.example.com/logo.png', destination: 'image' }), 'agent'],
    ['page inside the site frame', req({ url: 'https://www.example.com/about.html', mode: 'navigate', destination: 'iframe' }), 'agent'],
    ['top-level navigation to a page', req({ url: 'https://www.example.com/about.html', mode: 'navigate', destination: 'document' }), 'shell'],
    ['top-level navigation to the root', req({ url: 'https://www.example.com/', mode: 'navigate', destination: 'document' }), 'shell'],
    ['top-level navigation to a manifest non-page', req({ url: 'https://www.example.com/logo.png', mode: 'navigate', destination: 'document' }), 'pass'],
    ['top-level navigation off the manifest', req({ url: 'https://www.example.com/login', mode: 'navigate', destination: 'document' }), 'pass'],
    ['POST', req({ method: 'POST' }), 'pass'],
    ['HEAD', req({ method: 'HEAD' }), 'pass'],
    ['range request', req({ range: 'bytes=0-99' }), 'pass'],
    ['other origin', req({ url: 'https://cdn.example.net/app.js' }), 'pass'],
    ['other scheme/port', req({ url: 'http://www.example.com/app.js' }), 'pass'],
    ['query string', req({ url: 'https://www.example.com/app.js?v=2' }), 'pass'],
    ['not in the manifest', req({ url: 'https://www.example.com/api/data.json', destination: '' }), 'pass'],
    ['platform path', req({ url: 'https://www.example.com/_c2c/origin/app.js' }), 'pass'],
    ['platform asset', req({ url: 'https://www.example.com/c2c/agent.js' }), 'pass'],
    ['malformed url', req({ url: 'not a url' }), 'pass'],
  ];
  for (const [name, request, expected] of cases) assert.equal(classify(request, ctx), expected, name);
});

test('before the worker knows the manifest, everything passes through', () => {
  const unknown = { ...ctx, paths: null, htmlPaths: null };
  assert.equal(classify(req({}), unknown), 'pass');
  assert.equal(classify(req({ url: 'https://www.example.com/about.html', mode: 'navigate', destination: 'document' }), unknown), 'pass');
});
