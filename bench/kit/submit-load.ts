// Concurrent keep-alive HTTP clients submitting complete responses, measured after a warm-up: the
// load of bench:submit and bench:postgres. Several URLs are taken in turn, as a load balancer would.
import { randomUUID } from 'node:crypto';
import { Agent, request } from 'node:http';
import { completeAnswers } from './answers';

export interface Result {
	acknowledged: number;
	failed: number;
	perSecond: number;
	p50: number;
	p99: number;
}

// Every benchmark client shares the loopback address, so the per-address submit limit (default 600 a
// minute, for a whole NHS trust behind one address) is lifted for the run; the figures say so.
export const BENCH_LIMIT = '100000000';

export const variants = Array.from({ length: 97 }, (_, i) => completeAnswers(i));

export async function drive(
	urls: string | string[],
	path: string,
	clients: number,
	{ seconds, warmup }: { seconds: number; warmup: number }
): Promise<Result> {
	const targets = (Array.isArray(urls) ? urls : [urls]).map((url) => {
		const { hostname, port } = new URL(url);
		return { hostname, port, agent: new Agent({ keepAlive: true, maxSockets: clients }) };
	});
	const latencies: number[] = [];
	let acknowledged = 0;
	let failed = 0;
	let measuring = false;
	let stop = false;

	const submitOnce = (n: number) =>
		new Promise<boolean>((resolve) => {
			const { hostname, port, agent } = targets[n % targets.length];
			const body = JSON.stringify({ submissionId: randomUUID(), answers: variants[n % variants.length] });
			const started = process.hrtime.bigint();
			const req = request(
				{
					agent,
					hostname,
					port,
					path,
					method: 'POST',
					headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) }
				},
				(res) => {
					res.resume();
					res.on('end', () => {
						if (measuring) latencies.push(Number(process.hrtime.bigint() - started) / 1e6);
						resolve(res.statusCode === 200);
					});
				}
			);
			req.on('error', () => resolve(false));
			req.end(body);
		});

	let n = 0;
	const loops = Array.from({ length: clients }, async () => {
		while (!stop) {
			const ok = await submitOnce(n++);
			if (measuring) ok ? acknowledged++ : failed++;
		}
	});
	await new Promise((r) => setTimeout(r, warmup * 1000));
	measuring = true;
	const started = performance.now();
	await new Promise((r) => setTimeout(r, seconds * 1000));
	measuring = false;
	const elapsed = (performance.now() - started) / 1000;
	stop = true;
	await Promise.all(loops);
	for (const t of targets) t.agent.destroy();
	latencies.sort((a, b) => a - b);
	const at = (q: number) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? NaN;
	return { acknowledged, failed, perSecond: acknowledged / elapsed, p50: at(0.5), p99: at(0.99) };
}

export const formatResult = (r: Result) =>
	`${r.perSecond.toFixed(0).padStart(6)} acknowledged/s   p50 ${r.p50.toFixed(1).padStart(6)} ms   p99 ${r.p99.toFixed(1).padStart(6)} ms   (${r.acknowledged} acknowledged, ${r.failed} failed)`;
