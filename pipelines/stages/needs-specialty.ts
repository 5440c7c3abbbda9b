// Stage: needs by clinical specialty — Borich needs scores (MWDS) per competency for each specialty.
// Specialties are multiple choice: a respondent counts in each specialty they ticked, so the
// specialties overlap and do not add up to England. The scores come from the needs stage's own SQL
// and disclosure control (protectNeeds, rankNeeds) over the cube unnested by specialty.
import type { DuckDBConnection } from '@duckdb/node-api';
import { ENGLAND } from '../core/reference';
import { published, waveSqlOf, specialtiesOf, type PipelineContext, type PublishedTable } from '../core/context';
import { NEEDS_COLUMNS, needsStatistics, protectNeeds, rankNeeds } from './needs';
import { relabelledCube } from './breakdowns';

export const SPECIALTY_NOTE = 'A respondent counts in each clinical specialty they ticked, so specialties overlap.';

export async function needsBySpecialty(c: DuckDBConnection, ctx: PipelineContext): Promise<PublishedTable[]> {
	const wave = ctx.wave.id;
	const waveSql = waveSqlOf(ctx);
	const stats = await needsStatistics(c, waveSql, relabelledCube(specialtiesOf(ctx), waveSql, ['specialty']), { regionsOnly: true });
	// The England row of the unnested cube counts people once per specialty: not a figure to publish.
	const data = stats
		.filter((s) => s.dimension === 'region' && s.group_code !== ENGLAND.code)
		.map((s) => ({ wave, specialty: s.group_code, ...s }));
	const safe = rankNeeds(protectNeeds(data, ctx.rule), (r) => String(r.specialty));
	return [
		published(
			'needs_by_competency_specialty',
			`Needs scores (MWDS) by competency and clinical specialty. ${SPECIALTY_NOTE}`,
			{ wave: 'VARCHAR', specialty: 'VARCHAR', ...NEEDS_COLUMNS },
			safe
		)
	];
}
