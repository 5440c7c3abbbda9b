// npm run bench:postgres [-- --clients 64 --seconds 10 --responses 1000000]
// 1. Acknowledged submits per second at N clients: one embedded instance (DuckDB file), then one and
//    three instances on one PostgreSQL (a durable throwaway cluster, fsync on), the clients taken in
//    turn over the instances as a load balancer would.
// 2. A dashboard snapshot's copy of the responses from PostgreSQL into the analytics' DuckDB mirror:
//    the first at --responses, then an incremental one after 1,000 new responses.
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { instrument } from '../src/lib/instrument/survey';
import { Database } from '../src/lib/server/db/database';
import { PostgresStore } from '../src/lib/server/db/postgres';
import { ResponseStore } from '../src/lib/server/db/responses';
import { setWaveStatus } from '../src/lib/server/db/waves';
import { SETTLE_MS } from '../src/lib/server/db/store';
import { generateResponses } from '../pipelines/sources/synthetic';
import { bulkCopyResponses, startPostgres } from './kit/postgres';
import { BENCH_LIMIT, drive, formatResult } from './kit/submit-load';
import { completeAnswers } from './kit/answers';
import { startServer, tempDir, type RunningServer } from './kit/server';

const { values } = parseArgs({
	options: {
		clients: { type: 'string', default: '64' },
		seconds: { type: 'string', default: '10' },
		warmup: { type: 'string', default: '2' },
		responses: { type: 'string', default: '1000000' },
		skip: { type: 'string', default: '' }
	}
});
const clients = Number(values.clients);
const seconds = Number(values.seconds);
const warmup = Number(values.warmup);
const responses = Number(values.responses);
const skip = new Set(values.skip.split(',').filter(Boolean));
if (!Number.isInteger(clients) || clients < 1 || !(seconds > 0) || !(warmup >= 0) || !Number.isInteger(responses) || responses < 1) {
	console.error(
		'Usage: npm run bench:postgres -- [--clients 64] [--seconds 10] [--warmup 2] [--responses 1000000] [--skip submit,snapshot]'
	);
	process.exit(2);
}

const dir = tempDir('pgwn-bench-');
const cluster = await startPostgres({ durable: true });
const seconds2 = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
try {
	if (!skip.has('submit')) {
		console.log(`Submits: ${clients} keep-alive clients, ${seconds} s after ${warmup} s warm-up, RATE_SUBMIT_PER_MINUTE=${BENCH_LIMIT}.`);
		const env = { RATE_SUBMIT_PER_MINUTE: BENCH_LIMIT, PIPELINE_OUT: join(dir.path, 'reports') };
		const measure = async (label: string, servers: RunningServer[]) => {
			const result = await drive(
				servers.map((s) => s.url),
				'/api/trpc/survey.submit',
				clients,
				{ seconds, warmup }
			);
			await Promise.all(servers.map((s) => s.stop()));
			console.log(`  ${label.padEnd(34)} ${formatResult(result)}`);
		};
		await measure('embedded DuckDB, 1 instance', [await startServer({ databasePath: join(dir.path, 'embedded.duckdb'), env })]);
		for (const instances of [1, 3]) {
			const url = await cluster.createDatabase(`submit_${instances}`);
			const servers = await Promise.all(
				Array.from({ length: instances }, (_, i) =>
					startServer({
						databasePath: join(dir.path, `unused-${i}.duckdb`),
						env: { ...env, DATABASE_URL: url, SETTINGS_DIR: join(dir.path, `settings-${instances}-${i}`) }
					})
				)
			);
			await measure(`PostgreSQL, ${instances} instance${instances > 1 ? 's' : ''}`, servers);
		}
	}

	if (!skip.has('snapshot')) {
		console.log(`\nSnapshot from PostgreSQL at ${responses.toLocaleString('en-GB')} responses (copied into the analytics' DuckDB):`);
		const file = join(dir.path, 'synthetic.duckdb');
		const db = await Database.open(file, instrument);
		await db.write(async (c) => {
			await generateResponses(c, { n: Math.round(responses * 0.4), seed: 43, waveId: '2025-26' });
			await generateResponses(c, { n: responses - Math.round(responses * 0.4), seed: 42, waveId: '2026-27', progress: 1 });
		});
		await db.close();
		const url = await cluster.createDatabase('snapshot');
		await (await PostgresStore.open(url, instrument)).close();
		let t = performance.now();
		const loaded = await bulkCopyResponses(file, url);
		console.log(
			`  loaded ${loaded.toLocaleString('en-GB')} responses into PostgreSQL with COPY in ${seconds2(performance.now() - t)} (not counted)`
		);

		const store = await PostgresStore.open(url, instrument);
		const analytics = await store.analytics();
		const rss = () => Math.round(process.memoryUsage().rss / 1024 / 1024);
		t = performance.now();
		await analytics.catchUp(new Date(Date.parse(await store.now()) - SETTLE_MS).toISOString());
		const first = performance.now() - t;
		console.log(`  first snapshot (all ${loaded.toLocaleString('en-GB')})     ${seconds2(first)}   rss ${rss()} MB`);

		// The synthetic waves are closed: open the latest, so new responses can arrive.
		await setWaveStatus(store, '2026-27', 'open');
		const submissions = new ResponseStore(store, instrument);
		await Promise.all(Array.from({ length: 1000 }, (_, i) => submissions.submit(crypto.randomUUID(), completeAnswers(i))));
		await new Promise((ok) => setTimeout(ok, SETTLE_MS + 100));
		t = performance.now();
		await analytics.catchUp(new Date(Date.parse(await store.now()) - SETTLE_MS).toISOString());
		const incremental = performance.now() - t;
		const c = await analytics.instance.connect();
		const [{ n }] = (await c.runAndReadAll('SELECT count(*)::INTEGER AS n FROM responses')).getRowObjectsJson();
		c.closeSync();
		console.log(`  incremental (1,000 new on top)       ${seconds2(incremental)}   mirror now holds ${Number(n).toLocaleString('en-GB')}`);
		await store.close();
	}
	console.log(`\nnode ${process.version}; PostgreSQL from ${cluster.bin}, fsync on; all on this machine.`);
} finally {
	await cluster.stop();
	dir.remove();
}
