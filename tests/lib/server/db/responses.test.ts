// Durability of acknowledged submissions: kill the built server with SIGKILL under load, restart it,
// and every submission that got a receipt is there exactly once; the rest can be sent again.
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { completeAnswers } from '../../../helpers/answers';
import { query } from '../../../helpers/db';
import { startServer, tempDir } from '../../../helpers/server';
import { clientFor } from '../../../helpers/trpc';

const dir = tempDir();
afterAll(() => dir.remove());

describe('acknowledged submissions survive SIGKILL', () => {
	it('keeps every receipted submission exactly once across a kill and restart', async () => {
		const databasePath = join(dir.path, 'survey.duckdb');
		const server = await startServer({ databasePath });
		const client = clientFor(server.url);
		const acknowledged = new Map<string, { seed: number; receipt: string }>();
		const unacknowledged = new Map<string, number>();
		let nextSeed = 0;
		let killed = false;

		// 32 clients submit as fast as they can; the server is killed once 400 receipts are in.
		await Promise.all(
			Array.from({ length: 32 }, async () => {
				while (!killed) {
					const id = randomUUID();
					const seed = nextSeed++;
					try {
						const { receipt } = await client.survey.submit.mutate({ submissionId: id, answers: completeAnswers(seed) });
						acknowledged.set(id, { seed, receipt });
						if (acknowledged.size >= 400 && !killed) {
							killed = true;
							server.process.kill('SIGKILL');
						}
					} catch {
						unacknowledged.set(id, seed);
					}
				}
			})
		);
		await server.stop();
		expect(server.process.signalCode).toBe('SIGKILL');

		// After restart: receipted ones get their receipt again; the others can be sent and are stored.
		const restarted = await startServer({ databasePath });
		const again = clientFor(restarted.url);
		for (const [id, { seed, receipt }] of [...acknowledged].slice(-20)) {
			expect((await again.survey.submit.mutate({ submissionId: id, answers: completeAnswers(seed) })).receipt).toBe(receipt);
		}
		for (const [id, seed] of unacknowledged) await again.survey.submit.mutate({ submissionId: id, answers: completeAnswers(seed) });
		await restarted.stop();

		const rows = await query(databasePath, `SELECT submission_id::VARCHAR AS id, receipt, count(*) OVER (PARTITION BY submission_id)::INTEGER AS copies FROM responses`);
		const stored = new Map(rows.map((r) => [String(r.id), r]));
		for (const [id, { receipt }] of acknowledged) expect(stored.get(id), id).toMatchObject({ receipt, copies: 1 });
		for (const id of unacknowledged.keys()) expect(stored.get(id)?.copies, id).toBe(1);
		expect(rows.length).toBe(acknowledged.size + unacknowledged.size);
	});
});
