// npm run bench:forms [-- --clients 16,64 --surveys 4]
// Completed surveys per second through the no-JavaScript path: each client is a browser without
// JavaScript, over keep-alive HTTP: it GETs every step, POSTs each step's form, follows the 303s, GETs
// "Check your answers", POSTs "Send my answers" and GETs the confirmation (17 requests a survey).
// Every acknowledged survey is then counted in the database.
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { completeAnswers } from './kit/answers';
import { query } from './kit/db';
import { FormClient } from './kit/form-client';
import { startServer, tempDir } from './kit/server';

const { values } = parseArgs({ options: { clients: { type: 'string', default: '16' }, surveys: { type: 'string', default: '4' } } });
const clientCounts = values.clients.split(',').map(Number);
const perClient = Number(values.surveys);
if (clientCounts.some((n) => !Number.isInteger(n) || n < 1) || !Number.isInteger(perClient) || perClient < 1) {
	console.error('Usage: npm run bench:forms -- [--clients 16,64] [--surveys 4]');
	process.exit(2);
}

// Every client shares the loopback address: the per-address limits on saving and sending are lifted.
const BENCH_LIMIT = '100000000';
const variants = Array.from({ length: 97 }, (_, i) => completeAnswers(i));

const dir = tempDir('pgwn-bench-forms-');
console.log(
	`Form-post benchmark (no JavaScript): each client completes one survey to warm up, then ${perClient} more, timed; 17 requests per survey.`
);
console.log(`Rate limits: RATE_SUBMIT_PER_MINUTE and RATE_SAVE_DRAFT_PER_MINUTE=${BENCH_LIMIT} (all clients share one loopback address).`);
try {
	for (const clients of clientCounts) {
		const databasePath = join(dir.path, `forms-${clients}.duckdb`);
		const server = await startServer({
			databasePath,
			env: { RATE_SUBMIT_PER_MINUTE: BENCH_LIMIT, RATE_SAVE_DRAFT_PER_MINUTE: BENCH_LIMIT }
		});
		let n = 0;
		const survey = async () => {
			const started = performance.now();
			const { receipt } = await new FormClient(server.url).complete(variants[n++ % variants.length]).catch(() => ({ receipt: null }));
			return { receipt, ms: performance.now() - started };
		};
		await Promise.all(Array.from({ length: clients }, survey));
		const started = performance.now();
		const results = (
			await Promise.all(
				Array.from({ length: clients }, async () => {
					const mine = [];
					for (let i = 0; i < perClient; i++) mine.push(await survey());
					return mine;
				})
			)
		).flat();
		const elapsed = (performance.now() - started) / 1000;
		await server.stop();
		const stored = Number((await query(databasePath, 'SELECT count(*) AS n FROM responses'))[0].n);
		const completed = results.filter((r) => r.receipt).length;
		const latencies = results
			.filter((r) => r.receipt)
			.map((r) => r.ms)
			.sort((a, b) => a - b);
		const at = (q: number) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? NaN;
		console.log(`\n${clients} concurrent clients`);
		console.log(
			`  app (form posts, no JavaScript)   ${(completed / elapsed).toFixed(1).padStart(6)} completed surveys/s   ${((completed * 17) / elapsed).toFixed(0)} requests/s   survey p50 ${at(0.5).toFixed(0)} ms   p99 ${at(0.99).toFixed(0)} ms   (${completed} completed in ${elapsed.toFixed(1)} s, ${results.length - completed} failed; ${stored} stored, warm-up included)`
		);
	}
} finally {
	dir.remove();
}
