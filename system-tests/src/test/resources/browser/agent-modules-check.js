// WebDriver async script body: runs the agent's modules in the real browser. Two RTCPeerConnections in this
// page (loopback host candidates) carry c2c-dc.v1 between a visitor and a holder whose chunks sit in Cache
// Storage; the file is verified with the browser's Web Crypto. Argument 0: 'honest' or 'corrupt'.
const [mode, done] = arguments;
(async () => {
  const [{ PeerLink, attachDataChannel }, { ChunkStore, CacheStorageBackend }, { UploadServer, UploadPolicy },
    { fetchFile }, { parseManifest, sha256Hex }, { DC_PROTOCOL, MAX_FRAME_BYTES }] = await Promise.all(
    ['peer-link', 'chunk-store', 'upload', 'scheduler', 'manifest', 'dc-protocol'].map((m) => import(`/c2c/${m}.js`)));
  const size = 600 * 1024 + 123;
  const chunkSize = 256 * 1024;
  const bytes = new Uint8Array(size);
  for (let o = 0; o < size; o += 65536) crypto.getRandomValues(bytes.subarray(o, Math.min(size, o + 65536)));
  const chunks = [];
  for (let o = 0; o < size; o += chunkSize) chunks.push(await sha256Hex(bytes.subarray(o, Math.min(size, o + chunkSize))));
  const sha = await sha256Hex(bytes);
  const manifest = parseManifest({ schemaVersion: 1, manifestId: sha, siteId: 'it', chunkSize, createdAt: 0,
    files: [{ path: '/big.bin', size, contentType: 'application/octet-stream', sha256: sha, chunks }] });
  const file = manifest.files[0];

  const store = new ChunkStore({ maxBytes: 8 * 1024 * 1024, backend: new CacheStorageBackend(caches, `c2c-it-${mode}`) });
  for (let i = 0; i < chunks.length; i++) {
    const chunk = bytes.slice(i * chunkSize, Math.min(size, (i + 1) * chunkSize));
    if (mode === 'corrupt' && i === 1) chunk[10] ^= 0xff;
    await store.put(sha, i, chunks.length, chunk);
  }
  const allow = new UploadPolicy({ p2pEnabled: true, uploadCapBytesPerSecond: 64 * 1024 * 1024 },
    () => ({ saveData: false, gpc: false, optOut: false }));
  const upload = new UploadServer({ store, policy: allow });

  const visitor = new RTCPeerConnection({ iceServers: [] });
  const holder = new RTCPeerConnection({ iceServers: [] });
  visitor.onicecandidate = (e) => e.candidate && holder.addIceCandidate(e.candidate);
  holder.onicecandidate = (e) => e.candidate && visitor.addIceCandidate(e.candidate);
  let largestFrame = 0;
  holder.ondatachannel = (e) => attachDataChannel(e.channel, (channel) => new PeerLink({
    peerId: 'visitor', uploadServer: upload,
    channel: { ...channel, send: (b) => { largestFrame = Math.max(largestFrame, b.length); channel.send(b); } },
  }));
  const dc = visitor.createDataChannel(DC_PROTOCOL, { ordered: true });
  const link = attachDataChannel(dc, (channel) => new PeerLink({ peerId: 'holder', channel }));
  const opened = new Promise((resolve, reject) => {
    dc.addEventListener('open', resolve, { once: true });
    setTimeout(() => reject(new Error(`channel not open: ice=${visitor.iceConnectionState}`)), 15000);
  });
  await visitor.setLocalDescription(await visitor.createOffer());
  await holder.setRemoteDescription(visitor.localDescription);
  await holder.setLocalDescription(await holder.createAnswer());
  await visitor.setRemoteDescription(holder.localDescription);
  await opened;

  const bad = [];
  let originBytes = 0;
  const origin = { fetchRange: async (f, start, end) => { originBytes += end - start; return bytes.slice(start, end); } };
  const { bytes: got, stats } = await fetchFile({ file, peers: [link], origin, events: { onPeerBad: (id, info) => bad.push([id, info.index, info.reason]) } });
  let equal = got.length === bytes.length;
  for (let i = 0; equal && i < got.length; i++) equal = got[i] === bytes[i];

  const report = await visitor.getStats();
  let pairType = null;
  report.forEach((s) => {
    if (s.type === 'transport' && s.selectedCandidatePairId) pairType = report.get(report.get(s.selectedCandidatePairId).localCandidateId).candidateType;
  });
  const cached = (await (await caches.open(`c2c-it-${mode}`)).keys()).length;
  visitor.close();
  holder.close();
  done({ equal, bytesFromPeers: stats.bytesFromPeers, bytesFromOrigin: stats.bytesFromOrigin, originBytes, bad,
    linkClosed: link.isClosed, largestFrame, maxFrame: MAX_FRAME_BYTES, pairType, cached, chunkCount: chunks.length });
})().catch((e) => done(`ERROR ${e && e.stack ? e.stack : e}`));
