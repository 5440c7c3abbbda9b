// Benchmark: `npm run bench:pipeline -- --responses N` generates N synthetic responses into a fresh
// database file (40% in wave 2025-26, 60% in 2026-27, so change between waves has two waves to
// compare), then times one run of wave 2026-27 stage by stage with peak memory (RSS, which includes
// DuckDB's native memory). Generation is timed separately and not counted in the run. `--pdf` also
// prints every report to PDF with Chromium, as a scheduled run does.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { Database } from '../src/lib/server/db/database';
import { instrument } from '../src/lib/instrument/survey';
import { generateResponses } from '../pipelines/sources/synthetic';
import { runPipeline } from '../pipelines/batch/run';

const { values } = parseArgs({
	options: {
		responses: { type: 'string', default: '100000' },
		seed: { type: 'string', default: '42' },
		pdf: { type: 'boolean', default: false }
	}
});
const n = Number(values.responses);
if (!Number.isInteger(n) || n < 1 || n > 20_000_000) {
	console.error(`--responses must be a whole number from 1 to 20,000,000, not "${values.responses}"`);
	process.exit(2);
}

const dir = mkdtempSync(join(tmpdir(), 'pgw-bench-'));
try {
	const db = await Database.open(join(dir, 'survey.duckdb'), instrument);
	const c = await db.instance.connect();
	let t = performance.now();
	const earlier = Math.round(n * 0.4);
	if (earlier > 0) await generateResponses(c, { n: earlier, seed: Number(values.seed) + 1, waveId: '2025-26' });
	await generateResponses(c, { n: n - earlier, seed: Number(values.seed), waveId: '2026-27', progress: 1 });
	await c.run('CHECKPOINT');
	console.log(`Generated ${n.toLocaleString('en-GB')} responses in ${((performance.now() - t) / 1000).toFixed(1)} s (not counted)`);
	t = performance.now();
	const result = await runPipeline(c, { out: join(dir, 'reports'), trigger: 'bench', waveId: '2026-27', pdf: values.pdf });
	const total = performance.now() - t;
	console.log('\nstage              ms     rss MB');
	for (const s of result.timings)
		console.log(`${s.stage.padEnd(18)} ${Math.round(s.ms).toString().padStart(6)} ${String(s.rssMb).padStart(8)}`);
	console.log(`${'total'.padEnd(18)} ${Math.round(total).toString().padStart(6)}`);
	console.log(
		`\nPeak RSS ${result.peakRssMb} MB; ${result.files.length} files published${values.pdf ? ', PDFs included' : ''}; node ${process.version}, ${n.toLocaleString('en-GB')} responses over two waves.`
	);
	c.closeSync();
	await db.close();
} finally {
	rmSync(dir, { recursive: true, force: true });
}
