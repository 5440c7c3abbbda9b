// The schedule never runs two pipeline runs at once: croner's protect skips ticks while one is
// going, and the output lock refuses a second run on the same folder from anywhere.
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { schedulePipeline } from '../../../pipelines/batch/schedule';
import { lockOutput } from '../../../pipelines/batch/publish';
import { tempDir } from '../../../bench/kit/server';

it('skips scheduled ticks while a run is in progress', async () => {
	let running = 0;
	let most = 0;
	let runs = 0;
	const skipped: string[] = [];
	let finish!: () => void;
	const finished = new Promise<void>((resolve) => (finish = resolve));
	// Every second; each run holds on until two ticks have been skipped, whatever the machine's speed.
	const job = schedulePipeline(
		'* * * * * *',
		'Europe/London',
		async () => {
			running++;
			runs++;
			most = Math.max(most, running);
			await new Promise<void>((resolve) => {
				const check = setInterval(() => {
					if (skipped.length >= 2) {
						clearInterval(check);
						resolve();
					}
				}, 50);
			});
			running--;
			finish();
		},
		(line) => skipped.push(line)
	);
	await finished;
	job.stop();
	expect(most).toBe(1);
	expect(runs).toBe(1);
	expect(skipped.length).toBeGreaterThanOrEqual(2);
	expect(skipped[0]).toMatch(/still in progress/);
});

it('refuses a second run on the same output folder while one holds it', () => {
	const dir = tempDir();
	try {
		const release = lockOutput(join(dir.path, 'reports'));
		expect(() => lockOutput(join(dir.path, 'reports'))).toThrow(/already writing/);
		release();
		lockOutput(join(dir.path, 'reports'))();
	} finally {
		dir.remove();
	}
});
