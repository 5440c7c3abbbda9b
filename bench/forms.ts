// npm run bench:forms [-- --clients 16 --seconds 10 --warmup 2]
// Completed surveys per second through the no-JavaScript path: each client is a browser without
// JavaScript, over keep-alive HTTP: it GETs every step, POSTs each step's form, follows the 303s, GETs
// "Check your answers", POSTs "Send my answers" and GETs the confirmation (17 requests a survey).
// Every acknowledged survey is then counted in the database.
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { completeAnswers } from '../tests/helpers/answers';
import { query } from '../tests/helpers/db';
import { FormClient } from '../tests/helpers/form-client';
import { startServer, tempDir } from '../tests/helpers/server';

const { values } = parseArgs({
	options: { clients: { type: 'string', default: '16' }, seconds: { type: 'string', default: '10' }, warmup: { type: 'string', default: '2' } }
});
const clientCounts = values.clients.split(',').map(Number);
const seconds = Number(values.seconds);
const warmup = Number(values.warmup);
if (clientCounts.some((n) => !Number.isInteger(n) || n < 1) || !(seconds > 0) || !(warmup >= 0)) {
	console.error('Usage: npm run bench:forms -- [--clients 16,64] [--seconds 10] [--warmup 2]');
	process.exit(2);
}

// Every client shares the loopback address: the per-address limits on saving and sending are lifted.
const BENCH_LIMIT = '100000000';
const variants = Array.from({ length: 97 }, (_, i) => completeAnswers(i));

const dir = tempDir('pgwn-bench-forms-');
console.log(`Form-post benchmark (no JavaScript): ${seconds} s per run after ${warmup} s warm-up; 17 requests per completed survey.`);
console.log(`Rate limits: RATE_SUBMIT_PER_MINUTE and RATE_SAVE_DRAFT_PER_MINUTE=${BENCH_LIMIT} (all clients share one loopback address).`);
try {
	for (const clients of clientCounts) {
		const databasePath = join(dir.path, `forms-${clients}.duckdb`);
		const server = await startServer({ databasePath, env: { RATE_SUBMIT_PER_MINUTE: BENCH_LIMIT, RATE_SAVE_DRAFT_PER_MINUTE: BENCH_LIMIT } });
		const latencies: number[] = [];
		let completed = 0;
		let failed = 0;
		let measuring = false;
		let stop = false;
		let n = 0;
		const loops = Array.from({ length: clients }, async () => {
			while (!stop) {
				const started = performance.now();
				const { receipt } = await new FormClient(server.url).complete(variants[n++ % variants.length]).catch(() => ({ receipt: null }));
				if (!measuring) continue;
				if (receipt) {
					completed++;
					latencies.push(performance.now() - started);
				} else failed++;
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
		await server.stop();
		const stored = Number((await query(databasePath, 'SELECT count(*) AS n FROM responses'))[0].n);
		latencies.sort((a, b) => a - b);
		const at = (q: number) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? NaN;
		console.log(`\n${clients} concurrent clients`);
		console.log(
			`  app (form posts, no JavaScript)   ${(completed / elapsed).toFixed(0).padStart(5)} completed surveys/s   ${((completed * 17) / elapsed).toFixed(0)} requests/s   survey p50 ${at(0.5).toFixed(0)} ms   p99 ${at(0.99).toFixed(0)} ms   (${completed} completed, ${failed} failed; ${stored} stored in all, warm-up included)`
		);
	}
} finally {
	dir.remove();
}
