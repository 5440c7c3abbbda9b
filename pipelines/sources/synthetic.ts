// Seeded synthetic responses for tests and benchmarks, generated entirely in SQL (one INSERT … SELECT
// over range(n)) so a million rows take seconds. Every draw is hash(seed, row, draw name): the same
// seed gives the same rows on any machine running the same DuckDB version.
import type { DuckDBConnection } from '@duckdb/node-api';
import { competencies } from '../../src/lib/instrument/reference';
import { instrument } from '../../src/lib/instrument/survey';
import { answerColumns } from '../../src/lib/instrument/storage';
import { ident, literal } from '../core/sql';

export interface SyntheticOptions {
	n: number;
	seed: number;
	waveId: string;
	/** 0 for a baseline wave; later waves add a little awareness, training and confidence. */
	progress?: number;
	/** Offset for row numbers, so two calls for the same wave and seed do not collide. */
	offset?: number;
}

type Weights = Record<string, number>;

// Rough shape of the pharmacy workforce by region and staff group (illustrative, like workforce.csv).
const REGION_WEIGHTS: Weights = { E40000003: 17, E40000005: 16, E40000006: 10, E40000007: 11, E40000010: 13, E40000011: 19, E40000012: 14 };
// Regions differ in how far genomics has reached practice (a latent "engagement" shift).
const REGION_ENGAGEMENT: Weights = {
	E40000003: 0.12,
	E40000005: 0.02,
	E40000006: -0.04,
	E40000007: 0,
	E40000010: 0.08,
	E40000011: -0.02,
	E40000012: -0.06
};
const STAFF_WEIGHTS: Weights = {
	pharmacist: 45,
	pharmacy_technician: 22,
	foundation_trainee_pharmacist: 8,
	trainee_pharmacy_technician: 5,
	support_worker: 13,
	assistant_technical_officer: 4,
	other: 3
};
const STAFF_CONFIDENCE: Weights = {
	pharmacist: 0.5,
	pharmacy_technician: 0.1,
	foundation_trainee_pharmacist: 0.3,
	trainee_pharmacy_technician: -0.2,
	support_worker: -0.4,
	assistant_technical_officer: -0.3,
	other: 0
};
const SECTORS_BY_STAFF: Record<string, Weights> = {
	pharmacist: {
		community: 40,
		hospital: 30,
		general_practice: 15,
		icb: 4,
		mental_health: 3,
		health_justice: 2,
		industry: 2,
		academia: 3,
		other: 1
	},
	pharmacy_technician: { community: 30, hospital: 50, general_practice: 10, mental_health: 4, health_justice: 3, other: 3 },
	foundation_trainee_pharmacist: { community: 50, hospital: 45, general_practice: 5 },
	trainee_pharmacy_technician: { community: 40, hospital: 60 },
	support_worker: { community: 85, hospital: 12, other: 3 },
	assistant_technical_officer: { hospital: 95, other: 5 },
	other: { community: 30, hospital: 30, academia: 20, industry: 10, other: 10 }
};
// Which specialties each sector tends to work in (probability of ticking each).
const SPECIALTY_BY_SECTOR: Record<string, Weights> = {
	hospital: {
		oncology_haematology: 0.35,
		cardiology_lipids: 0.2,
		infectious_diseases_hiv: 0.15,
		paediatrics_neonates: 0.15,
		transplant: 0.08,
		rare_inherited_disease: 0.08,
		aseptic_atmps: 0.15
	},
	mental_health: { mental_health: 0.9 },
	general_practice: { cardiology_lipids: 0.45, mental_health: 0.2 },
	community: { cardiology_lipids: 0.12, mental_health: 0.05 },
	health_justice: { mental_health: 0.4, infectious_diseases_hiv: 0.3 },
	industry: { oncology_haematology: 0.3, rare_inherited_disease: 0.3, aseptic_atmps: 0.2 }
};
// Importance of each competency differs by sector: a base level plus a sector-specific lift.
const IMPORTANCE_LIFT: Record<string, Weights> = {
	hospital: { identify_testing: 1, gene_therapies_atmps: 1.2, pgx_results: 0.6, gene_targeted_treatments: 0.8 },
	community: { pgx_principles: 0.6, counselling_consent: 0.5, finding_guidance: 0.6 },
	general_practice: { fh: 1.2, pgx_results: 0.8, gene_targeted_treatments: 0.6, referral_routes: 0.6 },
	mental_health: { pgx_results: 1, pgx_principles: 0.8 },
	icb: { ethics: 0.6, referral_routes: 0.8 }
};
const ALLIANCE_BY_REGION: Record<string, string> = {
	E40000003: 'north_thames',
	E40000005: 'south_east',
	E40000006: 'south_west',
	E40000007: 'east',
	E40000010: 'north_west',
	E40000011: 'central_south',
	E40000012: 'north_east_yorkshire'
};

/** A uniform draw in [0, 1) for this row and draw name. */
const u = (draw: string) => `((hash(i, ${literal(draw)}) % 1000003) / 1000003.0)`;

function pick(draw: string, weights: Weights): string {
	const total = Object.values(weights).reduce((a, b) => a + b, 0);
	let cumulative = 0;
	const arms = Object.entries(weights).map(([code, w]) => {
		cumulative += w / total;
		return `WHEN ${u(draw)} < ${cumulative.toFixed(6)} THEN ${literal(code)}`;
	});
	return `CASE ${arms.join(' ')} ELSE ${literal(Object.keys(weights).at(-1)!)} END`;
}

const caseOf = (column: string, values: Record<string, string | number>, otherwise: string | number) =>
	`CASE ${column} ${Object.entries(values)
		.map(([k, v]) => `WHEN ${literal(k)} THEN ${v}`)
		.join(' ')} ELSE ${otherwise} END`;

/** A multi answer: each option ticked with its probability; `fallback` (the exclusive option) when none is. */
const ticks = (draw: string, options: Array<[string, string]>, fallback: string) =>
	`coalesce(nullif(list_filter([${options.map(([code, p]) => `CASE WHEN ${u(`${draw}:${code}`)} < ${p} THEN ${literal(code)} END`).join(', ')}], x -> x IS NOT NULL), []), [${literal(fallback)}])`;

const clampScale = (expr: string) => `greatest(1, least(5, round(${expr})))::UTINYINT`;

function generatorSql(o: Required<SyntheticOptions>): string {
	const people = `
		SELECT i, ${pick('region', REGION_WEIGHTS)} AS region, ${pick('staff', STAFF_WEIGHTS)} AS staff_group
		FROM (SELECT range + ${o.offset} AS i FROM range(${o.n}))`;
	const sectorCase = `CASE staff_group ${Object.entries(SECTORS_BY_STAFF)
		.map(([g, w]) => `WHEN ${literal(g)} THEN ${pick('sector', w)}`)
		.join(' ')} END`;
	const withSector = `SELECT *, ${sectorCase} AS sector FROM (${people})`;
	// Engagement: a latent 0–1 score shifting awareness, training, networks and confidence.
	const engaged = `SELECT *, least(1, greatest(0, ${u('engagement')} * 0.8 + ${caseOf('region', REGION_ENGAGEMENT, 0)} + ${caseOf('staff_group', STAFF_CONFIDENCE, 0)} * 0.2 + ${o.progress} * 0.15)) AS e FROM (${withSector})`;
	const specialtyCase = `CASE sector ${Object.entries(SPECIALTY_BY_SECTOR)
		.map(
			([s, w]) =>
				`WHEN ${literal(s)} THEN ${ticks(
					'specialty',
					Object.entries(w).map(([c, p]) => [c, String(p)]),
					'general'
				)}`
		)
		.join(' ')} ELSE ['general'] END`;
	const ratings = competencies.flatMap((c, k) => {
		const lift = caseOf('sector', Object.fromEntries(Object.entries(IMPORTANCE_LIFT).map(([s, l]) => [s, l[c.code] ?? 0])), 0);
		const importance = clampScale(`2.6 + ${lift} + ${(k % 3) * 0.2} + (${u(`imp:${c.code}`)} - 0.5) * 2.4`);
		const confidence = clampScale(
			`1.4 + e * 2.2 + ${caseOf('staff_group', STAFF_CONFIDENCE, 0)} - ${(k % 4) * 0.15} + (${u(`conf:${c.code}`)} - 0.5) * 2`
		);
		return [`${importance} AS ${ident(`imp_${c.code}`)}`, `${confidence} AS ${ident(`conf_${c.code}`)}`];
	});
	const prescriberP = caseOf('staff_group', { pharmacist: `CASE WHEN sector = 'general_practice' THEN 0.7 ELSE 0.3 END` }, 0);
	const answers = `
		SELECT *,
			${specialtyCase} AS specialties,
			CASE WHEN ${u('alliance')} < 0.15 THEN 'not_sure' WHEN ${u('alliance2')} < 0.85 THEN ${caseOf('region', Object.fromEntries(Object.entries(ALLIANCE_BY_REGION).map(([r, a]) => [r, literal(a)])), "'central_south'")} ELSE 'central_south' END AS alliance,
			CASE WHEN staff_group IN ('foundation_trainee_pharmacist', 'trainee_pharmacy_technician') THEN 'lt2' ELSE ${pick('experience', { lt2: 10, '2to5': 25, '6to10': 25, '11to20': 25, gt20: 15 })} END AS experience,
			CASE WHEN ${u('prescriber')} < ${prescriberP} THEN 'yes' ELSE 'no' END AS prescriber,
			CASE WHEN ${u('framework')} < 0.1 + e * 0.6 THEN (CASE WHEN ${u('framework_read')} < 0.4 THEN 'read' ELSE 'aware' END) ELSE 'no' END AS aware_framework,
			CASE WHEN ${u('resources')} < 0.05 + e * 0.5 THEN 'used' WHEN ${u('resources2')} < 0.5 THEN 'aware' ELSE 'no' END AS aware_resources,
			${pick('frequency', { never: 30, yearly: 30, monthly: 20, weekly: 10, daily: 3, not_sure: 7 })} AS genomic_results_frequency,
			${ticks(
				'training',
				[
					['gep_elearning', '0.1 + e * 0.5'],
					['cppe', '0.05 + e * 0.35'],
					['postgraduate', 'e * 0.08'],
					['employer', '0.05 + e * 0.2'],
					['event', 'e * 0.25'],
					['other', '0.03']
				],
				'none'
			)} AS training_done,
			${ticks(
				'formats',
				[
					['elearning', '0.65'],
					['webinar', '0.4'],
					['face_to_face', '0.3'],
					['case_studies', '0.45'],
					['shadowing', '0.12'],
					['mentoring', '0.18'],
					['podcasts', '0.2'],
					['accredited_course', '0.1 + e * 0.1']
				],
				'elearning'
			)} AS learning_formats,
			${ticks(
				'barriers',
				[
					['time', '0.6'],
					['backfill', "CASE WHEN sector = 'community' THEN 0.5 ELSE 0.25 END"],
					['funding', '0.3'],
					['relevance', "CASE WHEN staff_group = 'support_worker' THEN 0.45 ELSE 0.15 END"],
					['mentors', '0.35 - e * 0.2'],
					['case_studies', '0.25'],
					['other', '0.04']
				],
				'none'
			)} AS barriers,
			CASE WHEN ${u('network')} < 0.05 + e * 0.35 THEN 'yes' WHEN ${u('network2')} < 0.15 THEN 'not_sure' ELSE 'no' END AS network_member,
			CASE WHEN ${u('mentor')} < 0.05 + e * 0.3 THEN 'yes' ELSE 'no' END AS mentor_access,
			${pick('champion', { champion: 6, mentor: 3, both: 4, maybe: 35, no: 52 })} AS champion_willing,
			-- A few free-text comments, some hostile to spreadsheets: they must never be published.
			CASE WHEN ${u('comment')} < 0.02 THEN '=HYPERLINK("http://example.invalid","synthetic comment ' || i || '")' END AS comments,
			${ratings.join(',\n\t\t\t')}
		FROM (${engaged})`;
	const finished = `
		SELECT *,
			CASE WHEN prescriber = 'yes' THEN ${pick('change', { yes: 15, no: 70, not_sure: 15 })} END AS prescribing_genomic_change,
			CASE WHEN network_member = 'yes' THEN ${ticks(
				'networks',
				[
					['gmsa_pharmacy', '0.4'],
					['regional_pharmacy', '0.4'],
					['specialty', '0.3'],
					['online', '0.3'],
					['other', '0.05']
				],
				'regional_pharmacy'
			)} END AS networks
		FROM (${answers})`;
	const columns = answerColumns(instrument).map((c) => c.name);
	// json_merge_patch onto {} drops null members, so unanswered (hidden) questions are absent, as in real submissions.
	const answersJson = `json_merge_patch('{}', json_object(${columns.map((c) => `${literal(c)}, ${ident(c)}`).join(', ')}))`;
	return `
		INSERT INTO responses (submission_id, receipt, wave_id, instrument_id, instrument_version, answers, answers_hash, submitted_at, record_key, ${columns.map(ident).join(', ')})
		SELECT md5(${literal(`${o.seed}:${o.waveId}:`)} || i)::UUID, 'SYN-' || upper(substr(md5('r' || ${o.seed} || i), 1, 8)),
			${literal(o.waveId)}, ${literal(instrument.id)}, ${literal(instrument.version)}, answers, sha256(answers::VARCHAR),
			TIMESTAMPTZ '${o.waveId.slice(0, 4)}-06-01 09:00:00+00' + to_seconds((hash(i, 'when') % 7776000)::BIGINT),
			-- Seeded record keys, so synthetic runs (and golden files) are reproducible.
			(hash(i, 'record_key') % 256)::UTINYINT,
			${columns.map(ident).join(', ')}
		FROM (SELECT *, ${answersJson} AS answers FROM (${finished}))`;
}

/** Writes `n` synthetic responses for a wave (creating the wave as closed if it is new); returns n. */
export async function generateResponses(c: DuckDBConnection, options: SyntheticOptions): Promise<number> {
	const o = { progress: 0, offset: 0, ...options };
	if (!/^[0-9]{4}-[0-9]{2}$/.test(o.waveId)) throw new Error(`Synthetic waves need an id like 2026-27, not ${o.waveId}`);
	// Seeds enter the hashes through the draw names, so rows differ per seed without a random state.
	const sql = generatorSql(o).replaceAll('hash(i, ', `hash(i, ${Math.trunc(o.seed)}, `);
	await c.run(
		`INSERT INTO waves (id, label, status, opened_at, closed_at) SELECT $1, $2, 'closed', $3::TIMESTAMPTZ, $4::TIMESTAMPTZ
		 WHERE NOT EXISTS (SELECT 1 FROM waves WHERE id = $1)`,
		[o.waveId, o.waveId.replace('-', '/'), `${o.waveId.slice(0, 4)}-06-01T00:00:00Z`, `${o.waveId.slice(0, 4)}-09-01T00:00:00Z`]
	);
	await c.run(sql);
	return o.n;
}
