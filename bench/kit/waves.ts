// The benchmarks' responses: N synthetic responses over two waves, 40% in 2025-26 and 60% in 2026-27,
// with the same seeds in every benchmark that reads them (dashboard, snapshot, first views, submit with
// planners).
import type { DuckDBConnection } from '@duckdb/node-api';
import { generateResponses } from '../../pipelines/sources/synthetic';

/** Writes the benchmark's `n` responses on `c` (inside Database.write). `laterProgress` is the 2026-27
 *  wave's progress (SyntheticOptions.progress; the dashboard benchmark's is 1, the others' 0). */
export async function benchmarkResponses(c: DuckDBConnection, n: number, laterProgress = 0): Promise<void> {
	const earlier = Math.round(n * 0.4);
	await generateResponses(c, { n: earlier, seed: 41, waveId: '2025-26' });
	await generateResponses(c, { n: n - earlier, seed: 42, waveId: '2026-27', progress: laterProgress });
}
