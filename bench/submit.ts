// npm run bench:submit [-- --clients 64 --seconds 10]
// Drives concurrent clients submitting complete responses over HTTP to the built server, then to a
// bare node:http floor doing the same validation and insert, and prints acknowledged submissions per
// second with p50/p99 latency for each.
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { Agent, request } from 'node:http';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { completeAnswers } from './kit/answers';
import { freePort, ROOT, SERVER_NODE_FLAGS, startServer, tempDir, type RunningServer } from './kit/server';

const { values } = parseArgs({
	options: {
		clients: { type: 'string', default: '64' },
		seconds: { type: 'string', default: '10' },
		warmup: { type: 'string', default: '2' }
	}
});
const clientCounts = values.clients.split(',').map(Number);
const seconds = Number(values.seconds);
const warmup = Number(values.warmup);
if (clientCounts.some((n) => !Number.isInteger(n) || n < 1) || !(seconds > 0) || !(warmup >= 0)) {
	console.error('Usage: npm run bench:submit -- [--clients 16,64,256] [--seconds 10] [--warmup 2]');
	process.exit(2);
}

interface Result {
	acknowledged: number;
	failed: number;
	perSecond: number;
	p50: number;
	p99: number;
}

// Every benchmark client shares the loopback address, so the per-address submit limit (default 600 a
// minute, for a whole NHS trust behind one address) is lifted for the run; the figures say so.
const BENCH_LIMIT = '100000000';

const variants = Array.from({ length: 97 }, (_, i) => completeAnswers(i));

async function drive(url: string, path: string, clients: number): Promise<Result> {
	const agent = new Agent({ keepAlive: true, maxSockets: clients });
	const { hostname, port } = new URL(url);
	const latencies: number[] = [];
	let acknowledged = 0;
	let failed = 0;
	let measuring = false;
	let stop = false;

	const submitOnce = (n: number) =>
		new Promise<boolean>((resolve) => {
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
	agent.destroy();
	latencies.sort((a, b) => a - b);
	const at = (q: number) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? NaN;
	return { acknowledged, failed, perSecond: acknowledged / elapsed, p50: at(0.5), p99: at(0.99) };
}

async function startFloor(databasePath: string): Promise<RunningServer> {
	const port = await freePort();
	// The same V8 flags as the app, so the floor differs only in what it leaves out.
	const child = spawn(process.execPath, [...SERVER_NODE_FLAGS, '--import', 'tsx', 'bench/floor-server.ts'], {
		cwd: ROOT,
		env: { ...process.env, PORT: String(port), DATABASE_PATH: databasePath },
		stdio: ['ignore', 'pipe', 'inherit']
	});
	await new Promise<void>((ok, fail) => {
		child.stdout!.on('data', (d) => String(d).includes('Listening on') && ok());
		child.on('exit', (code) => fail(new Error(`floor server exited with ${code}`)));
	});
	const exited = new Promise<void>((ok) => child.once('exit', () => ok()));
	return { url: `http://127.0.0.1:${port}`, port, process: child, output: () => '', stop: async () => (child.kill('SIGTERM'), exited) };
}

const fmt = (r: Result) =>
	`${r.perSecond.toFixed(0).padStart(6)} acknowledged/s   p50 ${r.p50.toFixed(1).padStart(6)} ms   p99 ${r.p99.toFixed(1).padStart(6)} ms   (${r.acknowledged} acknowledged, ${r.failed} failed)`;

const dir = tempDir('pgwn-bench-');
console.log(
	`Submit benchmark: ${seconds} s per run after ${warmup} s warm-up; complete responses (${Object.keys(variants[0]).length} answers).`
);
console.log(
	`Rate limits: RATE_SUBMIT_PER_MINUTE=${BENCH_LIMIT} for the app (all clients share one loopback address; the default is 600 per address per minute); the floor has none.`
);
try {
	for (const clients of clientCounts) {
		const app = await startServer({ databasePath: join(dir.path, `app-${clients}.duckdb`), env: { RATE_SUBMIT_PER_MINUTE: BENCH_LIMIT } });
		const appResult = await drive(app.url, '/api/trpc/survey.submit', clients);
		await app.stop();
		const floor = await startFloor(join(dir.path, `floor-${clients}.duckdb`));
		const floorResult = await drive(floor.url, '/', clients);
		await floor.stop();
		console.log(`\n${clients} concurrent clients`);
		console.log(`  app (SvelteKit + tRPC)   ${fmt(appResult)}`);
		console.log(`  floor (bare node:http)   ${fmt(floorResult)}`);
	}
} finally {
	dir.remove();
}
