// bittorrent-tracker's HTTP tracker (announce + peer list), the nearest public peer of discovery's
// "who holds X" path; started by bench/discovery/compare-tracker.sh on 127.0.0.1:<port>.
import Server from 'bittorrent-tracker/server'

const port = Number(process.argv[2])
const server = new Server({ udp: false, ws: false, http: true, stats: false, trustProxy: false })
server.on('error', (e) => console.error('tracker error', e.message))
server.listen(port, '127.0.0.1', () => console.log(`tracker listening on 127.0.0.1:${port}`))
process.on('SIGTERM', () => server.close(() => process.exit(0)))
