// npm run bench:snapshot [-- --responses 1000000 --new 1000]
// The dashboard's live cube at a new snapshot: adding only the cube rows of the responses since the last
// snapshot, timed beside building the cube from every response. N synthetic responses (40% in wave 2025-26, 60%
// in 2026-27) in a fresh database file; then `--new` more are submitted and a snapshot is taken.
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { Database } from '../src/lib/server/db/database';
import { SETTLE_MS } from '../src/lib/server/db/store';
import { LiveCube } from '../src/lib/server/analytics/live-cube';
import { instrument } from '../src/lib/instrument/survey';
import { loadSuccessMeasures } from '../pipelines/core/reference';
import { generateResponses } from '../pipelines/sources/synthetic';
import { benchmarkResponses } from './kit/waves';
import { tempDir } from './kit/server';

const { values } = parseArgs({ options: { responses: { type: 'string', default: '1000000' }, new: { type: 'string', default: '1000' } } });
const [n, added] = [Number(values.responses), Number(values.new)];
if (![n, added].every((v) => Number.isInteger(v) && v >= 1)) {
	console.error('Usage: npm run bench:snapshot -- [--responses 1000000] [--new 1000]');
	process.exit(2);
}
const measures = loadSuccessMeasures();
const policy = { everySeconds: 3600, minNewResponses: 1 };
const dir = tempDir('pgw-bench-snapshot-');
try {
	const db = await Database.open(join(dir.path, 'survey.duckdb'), instrument);
	await db.write((c) => benchmarkResponses(c, n));
	const timed = async (cube: LiveCube) => {
		const started = performance.now();
		const rows = await cube.use(measures, async (live) =>
			Number((await live.c.runAndReadAll(`SELECT count(*) FROM ${live.cube}`)).getColumnsJS()[0][0])
		);
		return { ms: performance.now() - started, table: cube.lastBuild!, rows };
	};
	const cube = new LiveCube(db, policy);
	await cube.publishNow();
	const first = await timed(cube);

	// New responses, submitted after that snapshot, as the survey stamps them.
	await db.write(async (c) => {
		await c.run('CREATE OR REPLACE TEMP TABLE known AS SELECT submission_id FROM responses');
		await generateResponses(c, { n: added, seed: 43, waveId: '2026-27' });
		await c.run('UPDATE responses SET submitted_at = now() WHERE submission_id NOT IN (SELECT submission_id FROM known)');
		await c.run('DROP TABLE known');
	});
	await new Promise((ok) => setTimeout(ok, SETTLE_MS + 100));
	await cube.publishNow();
	const folded = await timed(cube);
	// The same snapshot built from every response, as a process that starts now does.
	const rebuilt = await timed(new LiveCube(db, policy));
	await db.close();

	const line = (what: string, r: typeof first) =>
		console.log(
			`${what.padEnd(46)} ${r.table.kind.padEnd(7)} ${String(Math.round(r.table.ms)).padStart(7)} ${String(Math.round(r.ms)).padStart(9)}`
		);
	console.log(`Live cube of ${n.toLocaleString('en-GB')} responses; cube rows after: ${folded.rows.toLocaleString('en-GB')}\n`);
	console.log(`${'snapshot'.padEnd(46)} ${'how'.padEnd(7)} ${'cube ms'.padStart(7)} ${'total ms'.padStart(9)}`);
	line('first snapshot (every response)', first);
	line(`next snapshot, ${added.toLocaleString('en-GB')} new responses added`, folded);
	line('the same snapshot built from every response', rebuilt);
	console.log(`\n"total" adds checking which responses the cube holds; node ${process.version}.`);
} finally {
	dir.remove();
}
