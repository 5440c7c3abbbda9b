// Plain HTTP requests with what fetch() cannot set: the local address a request comes from (to play
// a proxy and a client on separate loopback addresses) or a Unix socket to connect to.
import { request } from 'node:http';

export interface HttpAnswer {
	status: number;
	headers: Record<string, string | string[] | undefined>;
	text: string;
	json<T = unknown>(): T;
}

export function http(
	url: string,
	options: { method?: string; headers?: Record<string, string>; body?: string; localAddress?: string; socketPath?: string } = {}
): Promise<HttpAnswer> {
	const { hostname, port, pathname, search } = new URL(url);
	return new Promise((ok, fail) => {
		const req = request(
			{
				...(options.socketPath ? { socketPath: options.socketPath } : { hostname, port, localAddress: options.localAddress }),
				path: pathname + search,
				method: options.method ?? 'GET',
				headers: {
					...(options.body ? { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(options.body)) } : {}),
					...options.headers
				}
			},
			(res) => {
				let text = '';
				res.setEncoding('utf8');
				res.on('data', (d) => (text += d));
				res.on('end', () => ok({ status: res.statusCode!, headers: res.headers, text, json: () => JSON.parse(text) }));
				res.on('error', fail);
			}
		);
		req.on('error', fail);
		req.end(options.body);
	});
}
