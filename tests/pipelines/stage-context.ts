// A stage's context over the synthetic two-wave database (tests/pipelines/helpers.ts), its cube built.
import type { DuckDBConnection } from '@duckdb/node-api';
import { snapshot, wavesUpTo } from '../../pipelines/snapshot';
import { NHS_DIGITAL_RULE, type DisclosureRule } from '../../pipelines/disclosure';
import { loadSuccessMeasures, WORKFORCE_CSV } from '../../pipelines/reference';
import type { PipelineContext } from '../../pipelines/context';

/** Every figure published exactly (threshold 1, no rounding, no noise): for checking arithmetic
 *  against a second implementation, never for publishing. */
export const EXACT: DisclosureRule = { threshold: 1, rounding: 1, perturbation: null, meanDecimals: 12, noiseScale: 1, answerNoiseScale: 1.5 };

export async function stageContext(c: DuckDBConnection, rule: DisclosureRule = NHS_DIGITAL_RULE, workforceCsv = WORKFORCE_CSV): Promise<PipelineContext> {
	const { wave, waves } = await wavesUpTo(c);
	const measures = loadSuccessMeasures();
	await snapshot(c, wave, waves, measures);
	return { wave, waves, rule, measures, workforceCsv, cube: 'cube' };
}
