// Which requests the service worker touches. A classic script (no exports) because Firefox did not long
// support module service workers: sw.js loads it with importScripts, Node tests with node:vm.
// Anything not explicitly claimed passes through untouched: the browser handles it as if no worker existed.
(function (global) {
  'use strict';

  /**
   * @param {{method: string, url: string, mode: string, destination: string, range: string|null}} request
   * @param {{origin: string, paths: Set<string>|null, htmlPaths: Set<string>|null, platformPrefixes: string[]}} ctx
   *   paths/htmlPaths null while the worker does not know the manifest yet
   * @returns {'shell'|'agent'|'pass'} shell: answer with the shell page; agent: ask the shell's peer agent
   */
  function classify(request, ctx) {
    if (request.method !== 'GET') return 'pass';
    let url;
    try {
      url = new URL(request.url);
    } catch (e) {
      return 'pass';
    }
    if (url.origin !== ctx.origin) return 'pass';
    if (ctx.platformPrefixes.some((prefix) => url.pathname.startsWith(prefix))) return 'pass';
    if (request.range) return 'pass'; // media seeking and resumable downloads keep their HTTP semantics
    if (url.search) return 'pass'; // manifest paths carry no query; the origin may vary on it
    if (!ctx.paths) return 'pass';
    if (request.mode === 'navigate' && request.destination === 'document') {
      // A top-level navigation gets the shell, which renders the same URL in its frame.
      return ctx.htmlPaths && ctx.htmlPaths.has(url.pathname) ? 'shell' : 'pass';
    }
    return ctx.paths.has(url.pathname) ? 'agent' : 'pass';
  }

  global.C2cRouting = Object.freeze({ classify: classify });
})(typeof self !== 'undefined' ? self : globalThis);
