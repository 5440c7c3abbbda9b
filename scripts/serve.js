// `npm run serve`: adapter-node's own server (build/index.js: HOST/PORT or SOCKET_PATH, graceful
// shutdown) with the security headers added to every response. adapter-node serves static and
// prerendered files before SvelteKit's hooks run, so the headers are set here, on the HTTP server
// itself, ahead of its request handler.
import { chmodSync } from 'node:fs';
import { securityHeaders, servedOverHttps } from '../src/lib/server/security-headers.js';

// Form posts are checked against the server's own address, which adapter-node takes from ORIGIN and
// otherwise assumes is https: on a fresh clone (`npm start`, plain http) it is http://localhost:PORT.
if (!process.env.ORIGIN && !process.env.SOCKET_PATH) process.env.ORIGIN = `http://localhost:${process.env.PORT ?? 3000}`;
const origin = process.env.ORIGIN;
const protocolHeader = (process.env.PROTOCOL_HEADER ?? '').toLowerCase();

/** @param {import('node:http').IncomingMessage} req */
function https(req) {
	try {
		if (origin) return servedOverHttps(new URL(origin));
		const protocol = (protocolHeader && String(req.headers[protocolHeader] ?? '')) || 'https';
		return servedOverHttps(new URL(`${protocol}://${req.headers.host ?? 'localhost'}`));
	} catch {
		return false;
	}
}

const { server } = await import('../build/index.js');
server.server.prependListener('request', (req, res) => {
	for (const [name, value] of Object.entries(securityHeaders(https(req)))) res.setHeader(name, value);
});

// The server narrows its umask so its data files are private (src/lib/server/db/database.ts); a proxy
// running as another user in the server's group still needs to connect to SOCKET_PATH.
const socketPath = process.env.SOCKET_PATH;
if (socketPath) {
	const share = () => chmodSync(socketPath, 0o660);
	if (server.server.listening) share();
	else server.server.once('listening', share);
}
