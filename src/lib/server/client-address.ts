// The address rate limits key on. Directly reached, that is the connection's peer. Behind a reverse
// proxy every connection comes from the proxy, so the address the proxy forwards is used instead, but
// only when the connection really comes from a trusted proxy (TRUSTED_PROXIES: loopback and Unix
// socket peers by default): a client reaching Node directly cannot choose its own address by sending
// the header. Only for limits, in memory; never stored.
import type { IncomingMessage } from 'node:http';
import type { Config } from './env';

const LOOPBACK = (address: string) => address === '::1' || address.startsWith('127.') || address.startsWith('::ffff:127.');

function trusted(config: Config, peer: string | undefined): boolean {
	const list = config.TRUSTED_PROXIES.split(',').map((s) => s.trim().toLowerCase());
	if (list.includes('none')) return false;
	// A Unix socket peer has no address: only a process on this machine with the socket's permissions.
	if (peer === undefined) return true;
	const bare = peer.replace(/^::ffff:/, '');
	return (list.includes('loopback') && LOOPBACK(peer)) || list.includes(peer) || list.includes(bare);
}

/** The forwarded address, read as adapter-node reads ADDRESS_HEADER and XFF_DEPTH; null when absent. */
function forwarded(config: Config, req: IncomingMessage): string | null {
	const header = config.ADDRESS_HEADER || 'x-forwarded-for';
	const raw = req.headers[header];
	const value = (Array.isArray(raw) ? raw.join(',') : raw)?.trim();
	if (!value) return null;
	if (header !== 'x-forwarded-for') return value;
	const addresses = value.split(',').map((a) => a.trim());
	return addresses.length >= config.XFF_DEPTH ? addresses[addresses.length - config.XFF_DEPTH] || null : null;
}

export function clientAddress(config: Config, event: { platform?: Readonly<App.Platform>; getClientAddress(): string }): string {
	const req = event.platform?.req;
	// Not under adapter-node (vite dev): SvelteKit's own answer.
	if (!req) return event.getClientAddress();
	const peer = req.socket.remoteAddress;
	if (trusted(config, peer)) return forwarded(config, req) ?? peer ?? 'unix-socket';
	return peer ?? 'unknown';
}
