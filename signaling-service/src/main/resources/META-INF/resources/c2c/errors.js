// Typed errors shared by the peer link, the fetch scheduler and the agent, so callers branch on `code`
// rather than on message text.

/** The peer's data channel closed or broke; everything outstanding at it is lost. */
export class PeerGoneError extends Error {
  constructor(peerId, reason = 'closed') {
    super(`peer ${peerId} gone: ${reason}`);
    this.name = 'PeerGoneError';
    this.code = 'peer-gone';
    this.peerId = peerId;
    this.reason = reason;
  }
}

/** The peer answered a request with an ERROR frame (`codeName` as in dc-protocol's ErrorCode). */
export class PeerRefusedError extends Error {
  constructor(peerId, codeName, reason = '') {
    super(`peer ${peerId} refused: ${codeName}${reason ? ` (${reason})` : ''}`);
    this.name = 'PeerRefusedError';
    this.code = codeName;
    this.peerId = peerId;
  }
}

/** A file could not be delivered at all (the origin failed too). */
export class FetchError extends Error {
  /** @param {'origin-failed'|'origin-mismatch'|'verify-failed'} code */
  constructor(code, message, cause) {
    super(`${code}: ${message}`);
    this.name = 'FetchError';
    this.code = code;
    this.cause = cause;
  }
}
