// npm run bench:submit [-- --clients 64 --seconds 10]
// Drives concurrent clients submitting complete responses over HTTP to the built server, then to a
// bare node:http floor doing the same validation and insert, and prints acknowledged submissions per
// second with p50/p99 latency for each.
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { BENCH_LIMIT, drive, formatResult as fmt, variants } from './kit/submit-load';
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
		const appResult = await drive(app.url, '/api/trpc/survey.submit', clients, { seconds, warmup });
		await app.stop();
		const floor = await startFloor(join(dir.path, `floor-${clients}.duckdb`));
		const floorResult = await drive(floor.url, '/', clients, { seconds, warmup });
		await floor.stop();
		console.log(`\n${clients} concurrent clients`);
		console.log(`  app (SvelteKit + tRPC)   ${fmt(appResult)}`);
		console.log(`  floor (bare node:http)   ${fmt(floorResult)}`);
	}
} finally {
	dir.remove();
}
