// Bounded store of verified chunks a visitor holds and may serve. The bounding and bookkeeping live
// in ChunkStore; where the bytes sit is a backend: memory (tests, fallback) or Cache Storage (browser).
// Whole files are the unit of eviction, because only whole files are announced (`have`).

/**
 * @typedef {Object} ChunkBackend
 * @property {(key: string) => Promise<Uint8Array|undefined>} get
 * @property {(key: string, bytes: Uint8Array) => Promise<void>} put
 * @property {(key: string) => Promise<void>} delete
 */

/** Keeps bytes in a Map; the backend of Node tests and of browsers without Cache Storage. */
export class MemoryBackend {
  constructor() {
    this.map = new Map();
  }

  async get(key) {
    return this.map.get(key);
  }

  async put(key, bytes) {
    this.map.set(key, bytes.slice());
  }

  async delete(key) {
    this.map.delete(key);
  }
}

/** The part of a `Cache` the backend uses, over a Map: where the chunks go when Cache Storage is refused. */
class MemoryCache {
  constructor() {
    this.map = new Map();
  }

  async match(url) {
    return this.map.has(url) ? new Response(this.map.get(url)) : undefined;
  }

  async put(url, response) {
    this.map.set(url, new Uint8Array(await response.arrayBuffer()));
  }

  async delete(url) {
    return this.map.delete(url);
  }
}

/**
 * Keeps bytes in Cache Storage under synthetic same-origin URLs, so they survive reloads.
 * Only exercised in a real browser (see docs/browser.md, "What is tested where").
 */
const PAGE_CACHE_PREFIX = 'c2c-chunks-v1-';

export class CacheStorageBackend {
  /** @param {CacheStorage} caches @param {string} [name] @param {Promise<unknown>} [ready] work to finish first */
  constructor(caches, name = 'c2c-chunks-v1', ready = Promise.resolve()) {
    this.name = name;
    /** 'cache-storage', or 'memory' once Cache Storage refused to open */
    this.kind = 'cache-storage';
    // The store's index lives in memory, so bytes left by an earlier page life would be unaccounted for:
    // start empty rather than let them escape the budget. Firefox refuses Cache Storage (SecurityError) in private
    // windows and on http origins other than localhost: the chunks are then kept in memory for this page life, so
    // the visitor still holds, announces and serves what it fetched.
    this.cache = ready.then(() => caches.delete(name)).then(() => caches.open(name)).catch(() => {
      this.kind = 'memory';
      return new MemoryCache();
    });
  }

  /**
   * A backend of its own for this page life. Cache Storage is shared by every tab of the origin, and each tab's
   * agent is a separate peer with its own in-memory index: a shared cache name would let a new tab wipe (or
   * overwrite) what another tab is serving. Caches of page lives older than `staleMs` (closed or crashed tabs) are
   * deleted; the own cache goes when the page is hidden for good.
   */
  static forPageLife(caches, { now = Date.now(), random = Math.random, staleMs = 24 * 3600 * 1000, onPageHide } = {}) {
    const name = `${PAGE_CACHE_PREFIX}${now}-${Math.floor(random() * 2 ** 32).toString(16)}`;
    const swept = caches.keys().then((names) => Promise.all(names
      .filter((n) => n === 'c2c-chunks-v1' || (n.startsWith(PAGE_CACHE_PREFIX) && !(now - Number(n.slice(PAGE_CACHE_PREFIX.length).split('-')[0]) < staleMs)))
      .map((n) => caches.delete(n)))).catch(() => {});
    const backend = new CacheStorageBackend(caches, name, swept);
    onPageHide?.(() => caches.delete(name).catch(() => false)); // refused storage (see the constructor): nothing to drop
    return backend;
  }

  url(key) {
    return `/_c2c/chunk/${key}`;
  }

  async get(key) {
    const response = await (await this.cache).match(this.url(key));
    return response ? new Uint8Array(await response.arrayBuffer()) : undefined;
  }

  async put(key, bytes) {
    await (await this.cache).put(this.url(key), new Response(bytes, { headers: { 'content-type': 'application/octet-stream' } }));
  }

  async delete(key) {
    await (await this.cache).delete(this.url(key));
  }
}

/** Held chunks, bounded in bytes, least recently used file evicted first. */
export class ChunkStore {
  /**
   * @param {Object} options
   * @param {number} options.maxBytes budget for all held chunks
   * @param {ChunkBackend} [options.backend]
   * @param {(fileHash: string) => void} [options.onEvict] a complete file was evicted (announce `drop`)
   * @param {(fileHash: string) => void} [options.onComplete] a file became complete (announce `have`)
   */
  constructor({ maxBytes, backend = new MemoryBackend(), onEvict, onComplete }) {
    if (!Number.isSafeInteger(maxBytes) || maxBytes < 0) throw new RangeError('maxBytes must be a non-negative integer');
    this.maxBytes = maxBytes;
    this.backend = backend;
    this.onEvict = onEvict;
    this.onComplete = onComplete;
    /** fileHash → { chunkCount, held: Map<index, length>, bytes } in least-recently-used order */
    this.files = new Map();
    this.usedBytes = 0;
  }

  key(fileHash, index) {
    return `${fileHash}/${index}`;
  }

  touch(fileHash) {
    const entry = this.files.get(fileHash);
    if (entry) {
      this.files.delete(fileHash);
      this.files.set(fileHash, entry);
    }
    return entry;
  }

  /**
   * Stores a chunk that the caller has verified against the manifest. A file larger than the whole budget
   * is never stored; otherwise older files are evicted until it fits.
   * @returns {Promise<boolean>} whether it was stored
   */
  async put(fileHash, index, chunkCount, bytes) {
    let entry = this.touch(fileHash);
    if (!entry) {
      entry = { chunkCount, held: new Map(), bytes: 0 };
      this.files.set(fileHash, entry);
    }
    if (entry.held.has(index)) return true;
    if (entry.bytes + bytes.length > this.maxBytes) {
      await this.evict(fileHash);
      return false;
    }
    while (this.usedBytes + bytes.length > this.maxBytes) {
      const oldest = this.files.keys().next().value;
      if (oldest === fileHash) break; // cannot happen given the check above; guards the loop
      await this.evict(oldest);
    }
    await this.backend.put(this.key(fileHash, index), bytes);
    entry.held.set(index, bytes.length);
    entry.bytes += bytes.length;
    this.usedBytes += bytes.length;
    if (entry.held.size === entry.chunkCount) this.onComplete?.(fileHash);
    return true;
  }

  /** @returns {Promise<Uint8Array|undefined>} */
  async get(fileHash, index) {
    const entry = this.touch(fileHash);
    if (!entry || !entry.held.has(index)) return undefined;
    return this.backend.get(this.key(fileHash, index));
  }

  has(fileHash, index) {
    return this.files.get(fileHash)?.held.has(index) ?? false;
  }

  isComplete(fileHash) {
    const entry = this.files.get(fileHash);
    return !!entry && entry.held.size === entry.chunkCount;
  }

  /** Hashes of the files held whole, the only ones announced. */
  completeFiles() {
    return [...this.files.entries()].filter(([, e]) => e.held.size === e.chunkCount).map(([hash]) => hash);
  }

  async evict(fileHash) {
    const entry = this.files.get(fileHash);
    if (!entry) return;
    const wasComplete = entry.held.size === entry.chunkCount && entry.chunkCount > 0;
    this.files.delete(fileHash);
    for (const index of entry.held.keys()) await this.backend.delete(this.key(fileHash, index));
    this.usedBytes -= entry.bytes;
    if (wasComplete) this.onEvict?.(fileHash);
  }
}
