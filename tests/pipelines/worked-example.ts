// A hand-worked example for issue 11's figures: four people, whose answers the tests work through
// by hand (needs by specialty, two-way breakdowns, mentors). Only pgx_principles is rated.
//
//   person  region    sector     staff group          specialties                pgx imp/conf  willing   mentor access
//   P1      London    hospital   pharmacist           oncology, cardiology       5 / 2         mentor    no
//   P2      London    community  pharmacist           oncology                   4 / 4         both      yes
//   P3      London    hospital   pharmacy technician  cardiology                 3 / 4         no        no
//   P4      Midlands  hospital   pharmacist           oncology                   2 / 1         champion  no
import type { DuckDBConnection } from '@duckdb/node-api';
import { Database } from '../../src/lib/server/db/database';
import { instrument } from '../../src/lib/instrument/survey';
import { snapshot } from '../../pipelines/stages/snapshot';
import { loadSuccessMeasures, WORKFORCE_CSV } from '../../pipelines/core/reference';
import type { PipelineContext } from '../../pipelines/core/context';

export const LONDON = 'E40000003';
export const MIDLANDS = 'E40000011';

import { EXACT } from './fixtures';

const PEOPLE = [
	{
		region: LONDON,
		sector: 'hospital',
		staff: 'pharmacist',
		specialties: ['oncology_haematology', 'cardiology_lipids'],
		imp: 5,
		conf: 2,
		willing: 'mentor',
		access: 'no'
	},
	{
		region: LONDON,
		sector: 'community',
		staff: 'pharmacist',
		specialties: ['oncology_haematology'],
		imp: 4,
		conf: 4,
		willing: 'both',
		access: 'yes'
	},
	{
		region: LONDON,
		sector: 'hospital',
		staff: 'pharmacy_technician',
		specialties: ['cardiology_lipids'],
		imp: 3,
		conf: 4,
		willing: 'no',
		access: 'no'
	},
	{
		region: MIDLANDS,
		sector: 'hospital',
		staff: 'pharmacist',
		specialties: ['oncology_haematology'],
		imp: 2,
		conf: 1,
		willing: 'champion',
		access: 'no'
	}
];

export async function workedExample(): Promise<{ db: Database; c: DuckDBConnection; ctx: PipelineContext }> {
	const db = await Database.open(':memory:', instrument);
	const c = await db.instance.connect();
	await c.run(`INSERT INTO waves (id, label, status) VALUES ('2026-27', '2026/27', 'open')`);
	for (const [i, p] of PEOPLE.entries()) {
		await c.run(
			`INSERT INTO responses (submission_id, receipt, wave_id, instrument_id, instrument_version, answers, answers_hash, submitted_at,
				region, sector, staff_group, specialties, imp_pgx_principles, conf_pgx_principles, champion_willing, mentor_access)
			 VALUES (uuid(), 'R', '2026-27', 'i', '1', '{}', $1, now(), $2, $3, $4, $5::VARCHAR[], $6, $7, $8, $9)`,
			[`w${i}`, p.region, p.sector, p.staff, `[${p.specialties.join(',')}]`, p.imp, p.conf, p.willing, p.access]
		);
	}
	const wave = { id: '2026-27', label: '2026/27' };
	const measures = loadSuccessMeasures();
	await snapshot(c, wave, [wave], measures);
	return { db, c, ctx: { wave, waves: [wave], rule: EXACT, measures, workforceCsv: WORKFORCE_CSV, cube: 'cube' } };
}
