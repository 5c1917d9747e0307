// Sessions, the simplest use of the platform: devices join a named room of a site and exchange JSON over
// WebRTC data channels, with signaling-service relaying the negotiation (protocol c2c.v1,
// docs/signaling-protocol.md). Usage:
//
//   import { Session } from '/c2c/session.js';
//   const session = await Session.join({ site: 'demo', room: 'kitchen' });
//   session.addEventListener('message', (e) => console.log(e.detail.from, e.detail.data));
//   session.send({ hello: 'everyone' });
//
// Roles are fixed so that two peers never offer to each other at once: the peer that joins later offers
// to every member already in the room; members wait for offers from newcomers.

import { SignalingClient, SIGNALING_PATH } from './signaling-client.js';

export const SESSION_CHANNEL = 'c2c-session';
/** Largest JSON text sent in one data-channel message (well under every browser's SCTP limit). */
export const MAX_SESSION_MESSAGE_BYTES = 16 * 1024;
/** Most peer connections one session keeps; offers beyond it are declined with `bye`. */
export const MAX_SESSION_PEERS = 32;

/** ws(s)://<this host>/_c2c/signal */
export function defaultSignalingUrl(location = globalThis.location) {
  return `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}${SIGNALING_PATH}`;
}

/**
 * A joined session. Events: `peer-open` and `peer-closed` ({detail: {peerId}}), `message`
 * ({detail: {from, data}}), `closed` ({detail: {code}}).
 */
export class Session extends EventTarget {
  /**
   * @param {Object} options
   * @param {string} options.site site id
   * @param {string} options.room session name (1-64 of [A-Za-z0-9._:-])
   * @param {string} [options.url] signaling URL, default: this page's host
   * @param {RTCConfiguration} [options.rtcConfig] extra RTCPeerConnection settings (ICE servers come from signaling)
   * @returns {Promise<Session>}
   */
  static async join({ site, room, url = defaultSignalingUrl(), rtcConfig = {} }) {
    const session = new Session(room, rtcConfig);
    session.client = new SignalingClient({
      url,
      site,
      onMessage: (message) => session.onSignalingMessage(message),
      onClose: (code) => session.dispatchEvent(new CustomEvent('closed', { detail: { code } })),
    });
    const welcome = await session.client.connect();
    session.peerId = welcome.peerId;
    session.iceServers = Array.isArray(welcome.iceServers) ? welcome.iceServers : [];
    const joined = await session.client.request({ type: 'join', room });
    session.version = joined.version;
    for (const member of joined.members) {
      if (member !== session.peerId) session.connectTo(member);
    }
    return session;
  }

  constructor(room, rtcConfig) {
    super();
    this.room = room;
    this.rtcConfig = rtcConfig;
    /** @type {Map<string, {pc: RTCPeerConnection, channel?: RTCDataChannel, pendingCandidates: RTCIceCandidateInit[]}>} */
    this.links = new Map();
    this.version = 0;
  }

  /** Peer ids with an open data channel. */
  get peers() {
    return [...this.links.entries()].filter(([, link]) => link.channel?.readyState === 'open').map(([id]) => id);
  }

  /** Sends a JSON value to every open peer; returns how many it went to. */
  send(value) {
    const text = encode(value);
    let sent = 0;
    for (const link of this.links.values()) {
      if (link.channel?.readyState === 'open') {
        link.channel.send(text);
        sent++;
      }
    }
    return sent;
  }

  /** Sends a JSON value to one peer; false when there is no open channel to it. */
  sendTo(peerId, value) {
    const channel = this.links.get(peerId)?.channel;
    if (channel?.readyState !== 'open') return false;
    channel.send(encode(value));
    return true;
  }

  /** Leaves the room, closes every channel and the signaling connection. */
  async leave() {
    try {
      await this.client.request({ type: 'leave', room: this.room });
    } catch {
      // leaving is best effort: closing the socket removes the peer anyway
    }
    for (const peerId of [...this.links.keys()]) this.closeLink(peerId, true);
    this.client.close();
  }

  link(peerId) {
    let link = this.links.get(peerId);
    if (!link) {
      const pc = new RTCPeerConnection({ ...this.rtcConfig, iceServers: this.rtcConfig.iceServers ?? this.iceServers });
      link = { pc, pendingCandidates: [] };
      this.links.set(peerId, link);
      pc.onicecandidate = (event) => {
        if (event.candidate) this.client.signal(peerId, 'candidate', event.candidate.toJSON());
      };
      pc.ondatachannel = (event) => this.attach(peerId, event.channel);
      pc.onconnectionstatechange = () => {
        if (pc.connectionState === 'failed' || pc.connectionState === 'closed') this.closeLink(peerId, false);
      };
    }
    return link;
  }

  async connectTo(peerId) {
    const link = this.link(peerId);
    this.attach(peerId, link.pc.createDataChannel(SESSION_CHANNEL, { ordered: true }));
    await link.pc.setLocalDescription(await link.pc.createOffer());
    this.client.signal(peerId, 'offer', { type: 'offer', sdp: link.pc.localDescription.sdp });
  }

  attach(peerId, channel) {
    const link = this.links.get(peerId);
    if (!link || channel.label !== SESSION_CHANNEL) return;
    link.channel = channel;
    channel.onopen = () => this.dispatchEvent(new CustomEvent('peer-open', { detail: { peerId } }));
    channel.onclose = () => this.closeLink(peerId, false);
    channel.onmessage = (event) => {
      if (typeof event.data !== 'string' || event.data.length > MAX_SESSION_MESSAGE_BYTES) return;
      let data;
      try {
        data = JSON.parse(event.data);
      } catch {
        return; // a peer sending garbage is ignored, not trusted
      }
      this.dispatchEvent(new CustomEvent('message', { detail: { from: peerId, data } }));
    };
  }

  async onSignalingMessage(message) {
    if (message.type === 'member-left' && message.room === this.room && message.version > this.version) {
      this.closeLink(message.peerId, false);
      return;
    }
    if (message.type !== 'signal' || typeof message.from !== 'string') return;
    const { from, kind, payload } = message;
    try {
      if (kind === 'offer') {
        if (!this.links.has(from) && this.links.size >= MAX_SESSION_PEERS) {
          this.client.signal(from, 'bye');
          return;
        }
        const link = this.link(from);
        await link.pc.setRemoteDescription(payload);
        await this.flushCandidates(link);
        await link.pc.setLocalDescription(await link.pc.createAnswer());
        this.client.signal(from, 'answer', { type: 'answer', sdp: link.pc.localDescription.sdp });
      } else if (kind === 'answer') {
        const link = this.links.get(from);
        if (!link) return;
        await link.pc.setRemoteDescription(payload);
        await this.flushCandidates(link);
      } else if (kind === 'candidate') {
        // Candidates only for a connection that exists: a stray sender must not make us open one.
        const link = this.links.get(from);
        if (!link) return;
        if (link.pc.remoteDescription) await link.pc.addIceCandidate(payload);
        else if (link.pendingCandidates.length < 64) link.pendingCandidates.push(payload);
      } else if (kind === 'bye') {
        this.closeLink(from, false);
      }
    } catch (err) {
      console.warn(`c2c session: negotiation with ${from} failed`, err);
      this.closeLink(from, true);
    }
  }

  async flushCandidates(link) {
    for (const candidate of link.pendingCandidates.splice(0)) await link.pc.addIceCandidate(candidate);
  }

  closeLink(peerId, sayBye) {
    const link = this.links.get(peerId);
    if (!link) return;
    this.links.delete(peerId);
    if (sayBye) this.client.signal(peerId, 'bye');
    link.channel?.close();
    link.pc.close();
    this.dispatchEvent(new CustomEvent('peer-closed', { detail: { peerId } }));
  }
}

function encode(value) {
  const text = JSON.stringify(value);
  if (text === undefined) throw new TypeError('session messages are JSON values');
  if (text.length > MAX_SESSION_MESSAGE_BYTES) throw new RangeError(`session message above ${MAX_SESSION_MESSAGE_BYTES} bytes`);
  return text;
}
