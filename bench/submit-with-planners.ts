// npm run bench:submit-with-planners [-- --responses 1000000 --clients 16 --planners 8 --seconds 20]
// Respondents come first: survey submit latency at 16 clients alone, then while 8 planners change the
// dashboard's filters without pause. The server holds N synthetic responses (as bench:dashboard).
// Planners' requests are all worked out (DASHBOARD_CACHE_ENTRIES=0: no figure cache), so each one is
// the heaviest a filter change can be. Target: submit p99 with planners at most 1.5 × p99 alone.
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { Database } from '../src/lib/server/db/database';
import { createUser } from '../src/lib/server/auth/users';
import { instrument } from '../src/lib/instrument/survey';
import { regions } from '../src/lib/instrument/reference';
import { benchmarkResponses } from './kit/waves';
import { startServer, tempDir } from './kit/server';
import { signIn } from './kit/trpc';
import { BENCH_LIMIT, drive, formatResult } from './kit/submit-load';
import { filterChanges } from './kit/dashboard-filters';

const { values } = parseArgs({
	options: {
		responses: { type: 'string', default: '1000000' },
		clients: { type: 'string', default: '16' },
		planners: { type: 'string', default: '8' },
		seconds: { type: 'string', default: '20' },
		warmup: { type: 'string', default: '3' }
	}
});
const [n, clients, planners, seconds, warmup] = [values.responses, values.clients, values.planners, values.seconds, values.warmup].map(
	Number
);
if (![n, clients, planners].every((v) => Number.isInteger(v) && v >= 1) || !(seconds > 0) || !(warmup >= 0)) {
	console.error(
		'Usage: npm run bench:submit-with-planners -- [--responses 1000000] [--clients 16] [--planners 8] [--seconds 20] [--warmup 3]'
	);
	process.exit(2);
}
const PASSWORD = 'benchmark password, long enough';
const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];

const dir = tempDir('pgw-bench-planners-');
try {
	const databasePath = join(dir.path, 'survey.duckdb');
	const db = await Database.open(databasePath, instrument);
	await db.write(async (c) => {
		await benchmarkResponses(c, n);
		// Submissions go to the open wave, the one the dashboard shows first.
		await c.run(`UPDATE waves SET status = 'open', closed_at = NULL WHERE id = '2026-27'`);
	});
	// Half the planners national, half regional (each their own region), as a working day might have.
	const accounts = Array.from({ length: planners }, (_, i) => ({
		email: `planner${i}@bench.invalid`,
		region: i % 2 === 0 ? null : regions[i % regions.length].code
	}));
	for (const a of accounts) await createUser(db, a.email, a.region ? 'regional' : 'national', a.region, PASSWORD);
	await db.close();

	const server = await startServer({
		databasePath,
		env: {
			SETTINGS_DIR: join(dir.path, 'settings'),
			PIPELINE_OUT: join(dir.path, 'reports'),
			RATE_SUBMIT_PER_MINUTE: BENCH_LIMIT,
			RATE_QUERY_PER_MINUTE: BENCH_LIMIT,
			DASHBOARD_CACHE_ENTRIES: '0'
		}
	});
	try {
		const sessions = await Promise.all(accounts.map(async (a) => ({ ...a, cookie: (await signIn(server.url, a.email, PASSWORD)).cookie })));
		const view = async (cookie: string, filter: Record<string, string>) => {
			const started = performance.now();
			const response = await fetch(`${server.url}/api/trpc/reports.dashboard?input=${encodeURIComponent(JSON.stringify(filter))}`, {
				headers: { cookie }
			});
			await response.arrayBuffer();
			if (!response.ok) throw new Error(`${JSON.stringify(filter)}: HTTP ${response.status}`);
			return performance.now() - started;
		};
		// The live cube is built by the first request: not part of either run.
		await view(sessions[0].cookie, {});

		const alone = await drive(server.url, '/api/trpc/survey.submit', clients, { seconds, warmup });

		const filters = filterChanges();
		const planned: number[] = [];
		let browsing = true;
		const browsers = sessions.map(async (s, i) => {
			for (let k = i; browsing; k++) {
				const { region, ...f } = filters[k % filters.length];
				planned.push(await view(s.cookie, s.region ? { ...f, region: s.region } : { ...f, ...(region ? { region } : {}) }));
			}
		});
		const busy = await drive(server.url, '/api/trpc/survey.submit', clients, { seconds, warmup });
		browsing = false;
		await Promise.all(browsers);
		planned.sort((a, b) => a - b);

		console.log(
			`Survey submit at ${clients} clients, ${seconds} s after ${warmup} s warm-up, ${n.toLocaleString('en-GB')} responses held:`
		);
		console.log(`  alone                    ${formatResult(alone)}`);
		console.log(`  with ${planners} planners browsing ${formatResult(busy)}`);
		console.log(
			`\nPlanners' filter changes meanwhile: ${planned.length}, p50 ${percentile(planned, 50).toFixed(0)} ms, p95 ${percentile(planned, 95).toFixed(0)} ms (figure cache off).`
		);
		console.log(`p99 with planners ÷ p99 alone: ${(busy.p99 / alone.p99).toFixed(2)} (target at most 1.5); node ${process.version}.`);
	} finally {
		await server.stop();
	}
} finally {
	dir.remove();
}
