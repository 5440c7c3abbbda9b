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

interface Target {
	hostname: string;
	port: string;
	path: string;
	agent: Agent;
}

const targetsOf = (urls: string | string[], path: string, clients: number): Target[] =>
	(Array.isArray(urls) ? urls : [urls]).map((url) => {
		const { hostname, port } = new URL(url);
		return { hostname, port, path, agent: new Agent({ keepAlive: true, maxSockets: clients }) };
	});

/** Submits the `n`th complete response (a new submission id) to one of the targets, in turn: whether
 *  it was acknowledged, and how long it took. */
const submitOnce = (targets: Target[], n: number) =>
	new Promise<{ ok: boolean; ms: number }>((resolve) => {
		const { hostname, port, path, agent } = targets[n % targets.length];
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
				res.on('end', () => resolve({ ok: res.statusCode === 200, ms: Number(process.hrtime.bigint() - started) / 1e6 }));
			}
		);
		req.on('error', () => resolve({ ok: false, ms: Number(process.hrtime.bigint() - started) / 1e6 }));
		req.end(body);
	});

export async function drive(
	urls: string | string[],
	path: string,
	clients: number,
	{ seconds, warmup }: { seconds: number; warmup: number }
): Promise<Result> {
	const targets = targetsOf(urls, path, clients);
	const latencies: number[] = [];
	let acknowledged = 0;
	let failed = 0;
	let measuring = false;
	let stop = false;

	let n = 0;
	const loops = Array.from({ length: clients }, async () => {
		while (!stop) {
			const { ok, ms } = await submitOnce(targets, n++);
			if (!measuring) continue;
			latencies.push(ms);
			if (ok) acknowledged++;
			else failed++;
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

/** Submits `total` complete responses from `clients` at a time; throws if any is not acknowledged. */
export async function submitAll(url: string, path: string, total: number, clients: number): Promise<void> {
	const targets = targetsOf(url, path, clients);
	let next = 0;
	let failed = 0;
	await Promise.all(
		Array.from({ length: clients }, async () => {
			while (next < total) if (!(await submitOnce(targets, next++)).ok) failed++;
		})
	);
	for (const t of targets) t.agent.destroy();
	if (failed) throw new Error(`${failed} of ${total} submissions were not acknowledged`);
}

export const formatResult = (r: Result) =>
	`${r.perSecond.toFixed(0).padStart(6)} acknowledged/s   p50 ${r.p50.toFixed(1).padStart(6)} ms   p99 ${r.p99.toFixed(1).padStart(6)} ms   (${r.acknowledged} acknowledged, ${r.failed} failed)`;
