// Site manifest model (the JSON form of contracts' Manifest / ManifestFile) and chunk verification with
// Web Crypto. The chunk size always comes from the manifest; nothing here assumes a value.

import { MAX_CHUNK_BYTES } from './dc-protocol.js';

/** Manifest schema version this agent understands. */
export const MANIFEST_SCHEMA_VERSION = 1;
/** Bounds on what a manifest may declare, so a broken or hostile one cannot make the agent allocate without end. */
export const MANIFEST_LIMITS = Object.freeze({
  maxFiles: 10000,
  maxPathLength: 1024,
  maxFileBytes: 1024 * 1024 * 1024,
});

const HEX = /^[0-9a-f]{64}$/;

/** A manifest that does not satisfy the model; `field` names what is wrong. */
export class ManifestError extends Error {
  constructor(field, message) {
    super(`manifest ${field}: ${message}`);
    this.name = 'ManifestError';
    this.field = field;
  }
}

/** Verified bytes did not match the manifest. */
export class IntegrityError extends Error {
  /** @param {'chunk-hash'|'chunk-length'|'file-hash'|'origin-mismatch'} code */
  constructor(code, message) {
    super(`${code}: ${message}`);
    this.name = 'IntegrityError';
    this.code = code;
  }
}

/**
 * @typedef {Object} ManifestFile
 * @property {string} path absolute URL path, starting with '/'
 * @property {number} size bytes
 * @property {string} contentType
 * @property {string} sha256 whole-file hash, lowercase hex
 * @property {string[]} chunks hash of each chunkSize-byte chunk (the last may be shorter); none for an empty file
 * @property {number} chunkSize copied from the manifest so a file can be handled alone
 */

/**
 * @typedef {Object} Manifest
 * @property {string} manifestId
 * @property {string} siteId
 * @property {number} chunkSize
 * @property {ManifestFile[]} files
 * @property {Map<string, ManifestFile>} byPath
 * @property {Map<string, ManifestFile>} byHash
 */

/** Number of chunks a file of that size has. */
export function chunkCount(size, chunkSize) {
  return size === 0 ? 0 : Math.ceil(size / chunkSize);
}

/** Length of chunk `index` of a file. */
export function chunkLength(file, index) {
  if (!Number.isInteger(index) || index < 0 || index >= file.chunks.length) {
    throw new RangeError(`chunk ${index} out of range 0..${file.chunks.length - 1}`);
  }
  const start = index * file.chunkSize;
  return Math.min(file.chunkSize, file.size - start);
}

/**
 * Validates a parsed manifest (or its JSON text) and indexes it by path and by file hash.
 * @param {unknown} input
 * @returns {Manifest}
 * @throws {ManifestError}
 */
export function parseManifest(input) {
  let json = input;
  if (typeof input === 'string') {
    try {
      json = JSON.parse(input);
    } catch (e) {
      throw new ManifestError('json', 'not JSON');
    }
  }
  if (json === null || typeof json !== 'object' || Array.isArray(json)) throw new ManifestError('json', 'not an object');
  if (json.schemaVersion !== MANIFEST_SCHEMA_VERSION) {
    throw new ManifestError('schemaVersion', `unsupported ${JSON.stringify(json.schemaVersion)}`);
  }
  if (typeof json.manifestId !== 'string' || !HEX.test(json.manifestId)) throw new ManifestError('manifestId', 'must be 64 lowercase hex digits');
  if (typeof json.siteId !== 'string' || json.siteId.length < 1 || json.siteId.length > 128) throw new ManifestError('siteId', 'must be 1..128 characters');
  const chunkSize = json.chunkSize;
  if (!Number.isInteger(chunkSize) || chunkSize < 1 || chunkSize > MAX_CHUNK_BYTES) {
    throw new ManifestError('chunkSize', `must be an integer 1..${MAX_CHUNK_BYTES}`);
  }
  if (!Array.isArray(json.files) || json.files.length > MANIFEST_LIMITS.maxFiles) {
    throw new ManifestError('files', `must be an array of at most ${MANIFEST_LIMITS.maxFiles}`);
  }
  const byPath = new Map();
  const byHash = new Map();
  const files = json.files.map((f, i) => {
    const where = `files[${i}]`;
    if (f === null || typeof f !== 'object') throw new ManifestError(where, 'not an object');
    if (typeof f.path !== 'string' || !f.path.startsWith('/') || f.path.length > MANIFEST_LIMITS.maxPathLength
        || f.path.includes('?') || f.path.includes('#')) {
      throw new ManifestError(`${where}.path`, 'must start with / and have no query or fragment');
    }
    if (!Number.isSafeInteger(f.size) || f.size < 0 || f.size > MANIFEST_LIMITS.maxFileBytes) {
      throw new ManifestError(`${where}.size`, `must be an integer 0..${MANIFEST_LIMITS.maxFileBytes}`);
    }
    if (typeof f.sha256 !== 'string' || !HEX.test(f.sha256)) throw new ManifestError(`${where}.sha256`, 'must be 64 lowercase hex digits');
    const chunks = f.chunks ?? [];
    if (!Array.isArray(chunks) || chunks.length !== chunkCount(f.size, chunkSize)) {
      throw new ManifestError(`${where}.chunks`, `a file of ${f.size} bytes has ${chunkCount(f.size, chunkSize)} chunks of ${chunkSize}`);
    }
    chunks.forEach((c, j) => {
      if (typeof c !== 'string' || !HEX.test(c)) throw new ManifestError(`${where}.chunks[${j}]`, 'must be 64 lowercase hex digits');
    });
    const contentType = typeof f.contentType === 'string' && f.contentType.trim() ? f.contentType : 'application/octet-stream';
    const file = Object.freeze({ path: f.path, size: f.size, contentType, sha256: f.sha256, chunks: Object.freeze([...chunks]), chunkSize });
    if (byPath.has(file.path)) throw new ManifestError(`${where}.path`, `duplicate ${file.path}`);
    byPath.set(file.path, file);
    if (!byHash.has(file.sha256)) byHash.set(file.sha256, file);
    return file;
  });
  return Object.freeze({ manifestId: json.manifestId, siteId: json.siteId, chunkSize, files, byPath, byHash });
}

/** Lowercase hex SHA-256 of bytes with Web Crypto (browsers, and Node 20's globalThis.crypto). */
export async function sha256Hex(bytes) {
  const digest = new Uint8Array(await globalThis.crypto.subtle.digest('SHA-256', bytes));
  let out = '';
  for (const b of digest) out += b.toString(16).padStart(2, '0');
  return out;
}

/**
 * Checks one chunk against the manifest: its length first (cheap), then its SHA-256.
 * @param {ManifestFile} file
 * @param {number} index
 * @param {Uint8Array} bytes
 * @param {(bytes: Uint8Array) => Promise<string>} [digest]
 * @throws {IntegrityError}
 */
export async function verifyChunk(file, index, bytes, digest = sha256Hex) {
  const expected = chunkLength(file, index);
  if (!(bytes instanceof Uint8Array) || bytes.length !== expected) {
    throw new IntegrityError('chunk-length', `chunk ${index} of ${file.path} is ${expected} bytes, got ${bytes?.length}`);
  }
  const actual = await digest(bytes);
  if (actual !== file.chunks[index]) {
    throw new IntegrityError('chunk-hash', `chunk ${index} of ${file.path} does not match the manifest`);
  }
}

/** Checks a whole assembled file against its manifest hash. */
export async function verifyFile(file, bytes, digest = sha256Hex) {
  if (bytes.length !== file.size || (await digest(bytes)) !== file.sha256) {
    throw new IntegrityError('file-hash', `${file.path} does not match the manifest`);
  }
}
