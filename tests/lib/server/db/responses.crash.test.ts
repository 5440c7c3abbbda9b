// Kill the built server with SIGKILL at five different points under load from another process,
// restart it each time, and check every submission that got a receipt is present exactly once and
// every one that did not can be sent again.
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { afterAll, describe, expect, it } from 'vitest';
import { completeAnswers } from '../../../../bench/kit/answers';
import { query } from '../../../../bench/kit/db';
import { ROOT, startServer, tempDir } from '../../../../bench/kit/server';
import { clientFor } from '../../../../bench/kit/trpc';

const dir = tempDir();
afterAll(() => dir.remove());

// Receipts to wait for before each kill: at the very start, early, mid-batch, after a checkpoint-sized
// burst, and with 64 clients in flight.
const KILL_POINTS = [
	{ after: 1, clients: 8 },
	{ after: 25, clients: 16 },
	{ after: 150, clients: 32 },
	{ after: 700, clients: 16 },
	{ after: 300, clients: 64 }
];

describe('acknowledged submissions survive SIGKILL at five points under load', () => {
	it('keeps every receipted submission exactly once; the rest can be resubmitted', async () => {
		const databasePath = join(dir.path, 'survey.duckdb');
		const acknowledged = new Map<string, { seed: number; receipt: string }>();
		const unacknowledged = new Map<string, number>();
		let seedBase = 0;

		for (const [i, point] of KILL_POINTS.entries()) {
			const server = await startServer({ databasePath, env: { RATE_SUBMIT_PER_MINUTE: '100000000' } });
			const driver = spawn(
				process.execPath,
				['--import', 'tsx', 'tests/helpers/submit-driver.ts', server.url, String(point.clients), String(seedBase)],
				{ cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] }
			);
			seedBase += 1_000_000;
			let acksThisRound = 0;
			const lines = createInterface({ input: driver.stdout! });
			const finished = new Promise<void>((resolve) => driver.once('exit', () => resolve()));
			for await (const line of lines) {
				const outcome = JSON.parse(line) as { ack?: string; fail?: string; seed: number; receipt?: string };
				if (outcome.ack) {
					acknowledged.set(outcome.ack, { seed: outcome.seed, receipt: outcome.receipt! });
					if (++acksThisRound === point.after) server.process.kill('SIGKILL');
				} else if (outcome.fail) {
					unacknowledged.set(outcome.fail, outcome.seed);
				}
			}
			await finished;
			await server.stop();
			expect(server.process.signalCode, `kill ${i + 1}`).toBe('SIGKILL');
		}

		// Restarted once more: receipted submissions answer with their receipt; the rest are accepted.
		const server = await startServer({ databasePath, env: { RATE_SUBMIT_PER_MINUTE: '100000000' } });
		const client = clientFor(server.url);
		for (const [id, { seed, receipt }] of [...acknowledged].filter((_, i) => i % 50 === 0)) {
			expect((await client.survey.submit.mutate({ submissionId: id, answers: completeAnswers(seed) })).receipt).toBe(receipt);
		}
		for (const [id, seed] of unacknowledged) await client.survey.submit.mutate({ submissionId: id, answers: completeAnswers(seed) });
		await server.stop();

		const rows = await query(
			databasePath,
			`SELECT submission_id::VARCHAR AS id, receipt, count(*) OVER (PARTITION BY submission_id)::INTEGER AS copies FROM responses`
		);
		const stored = new Map(rows.map((r) => [String(r.id), r]));
		for (const [id, { receipt }] of acknowledged) expect(stored.get(id), id).toMatchObject({ receipt, copies: 1 });
		for (const id of unacknowledged.keys()) expect(stored.get(id)?.copies, id).toBe(1);
		expect(rows.length).toBe(acknowledged.size + unacknowledged.size);
		expect(acknowledged.size).toBeGreaterThanOrEqual(KILL_POINTS.reduce((n, p) => n + p.after, 0));
		// Five (or four) server or CLI starts under load: on a busy shared 2-core machine this outlasts the default 60 s.
	}, 240_000);
});
