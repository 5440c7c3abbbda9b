// Headers every response carries: pages and API answers (hooks.server.ts) and the static and
// prerendered files adapter-node serves before SvelteKit's hooks run (scripts/serve.js). Plain
// JavaScript so the serve script can load it without a build step.

const LOOPBACK_HOSTS = ['localhost', '127.0.0.1', '[::1]'];

/** adapter-node calls every request https unless ORIGIN (or PROTOCOL_HEADER) says otherwise, so only
 *  loopback (development, tests) counts as plain http.
 *  @param {URL} url */
export const servedOverHttps = (url) => url.protocol === 'https:' && !LOOPBACK_HOSTS.includes(url.hostname);

/** @param {boolean} https */
export function securityHeaders(https) {
	/** @type {Record<string, string>} */
	const headers = {
		'x-content-type-options': 'nosniff',
		'referrer-policy': 'no-referrer',
		// For browsers that predate CSP's frame-ancestors (which the pages also send).
		'x-frame-options': 'DENY',
		// The survey and dashboard use none of these.
		'permissions-policy': 'accelerometer=(), camera=(), geolocation=(), gyroscope=(), magnetometer=(), microphone=(), payment=(), usb=()'
	};
	// Browsers ignore HSTS over plain http; sent only where the site is really https.
	if (https) headers['strict-transport-security'] = 'max-age=31536000; includeSubDomains';
	return headers;
}
