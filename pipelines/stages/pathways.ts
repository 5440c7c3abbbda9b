// Stage: clinical pathway readiness — for each clinical pathway in data/reference/pathways.json
// (steps mapped to competencies, after the Genomics Education Programme's Clinical Pathway
// Initiative) and for England and each region: the mean confidence and the needs score over the
// pathway's competencies. Combined from the published (protected) per-competency figures of
// needs_by_competency_region: the unweighted mean over the pathway's distinct competencies, each
// competency counting once however many steps use it. A pathway with any of its competencies
// suppressed or unscored in a region is suppressed there (a mean of the rest would be a different
// pathway).
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { competencies, specialties } from '../../src/lib/instrument/reference';
import { REFERENCE_DIR } from '../core/reference';
import { published, type PublishedTable } from '../core/context';

const codes = (list: Array<{ code: string }>) => list.map((x) => x.code);

const pathwaySchema = z.strictObject({
	id: z.string().regex(/^[a-z0-9_]+$/, { error: 'A pathway id uses only lower-case letters, digits and _' }),
	name: z.string().min(1, { error: 'Every pathway needs a name' }),
	specialty: z.string(),
	sources: z
		.array(z.strictObject({ body: z.string().min(1), citation: z.string().min(1), says: z.string().min(1) }))
		.min(1, { error: 'Every pathway needs at least one source' }),
	steps: z
		.array(
			z.strictObject({
				step: z.string().min(1),
				competencies: z.array(z.string()).min(1, { error: 'Every step maps to at least one competency' })
			})
		)
		.min(1, { error: 'Every pathway has at least one step' })
});

export type Pathway = z.infer<typeof pathwaySchema>;

/** Checks a pathways file's content; errors name the pathway, step and code that are wrong. */
export function parsePathways(content: unknown): Pathway[] {
	const parsed = z.object({ pathways: z.array(pathwaySchema) }).safeParse(content);
	if (!parsed.success) {
		const issue = parsed.error.issues[0];
		throw new Error(`The pathways file is not valid at ${issue.path.join('.') || 'the top level'}: ${issue.message}`);
	}
	const known = new Set(codes(competencies));
	const ids = new Set<string>();
	for (const p of parsed.data.pathways) {
		if (ids.has(p.id)) throw new Error(`Pathway ${p.id} is listed twice`);
		ids.add(p.id);
		if (!codes(specialties).includes(p.specialty))
			throw new Error(`Pathway ${p.id}: "${p.specialty}" is not a clinical specialty code. Use one of: ${codes(specialties).join(', ')}`);
		p.steps.forEach((s, i) => {
			for (const code of s.competencies) {
				if (!known.has(code))
					throw new Error(
						`Pathway ${p.id}, step ${i + 1} ("${s.step}"): "${code}" is not a competency code. Use one of: ${[...known].join(', ')}`
					);
			}
		});
	}
	return parsed.data.pathways;
}

const PATHWAYS_FILE = `${REFERENCE_DIR}pathways.json`;

export function loadPathways(path = PATHWAYS_FILE): Pathway[] {
	let content: unknown;
	try {
		content = JSON.parse(readFileSync(path, 'utf8'));
	} catch (error) {
		throw new Error(`The pathways file ${path} could not be read as JSON: ${(error as Error).message}`, { cause: error });
	}
	return parsePathways(content);
}

/** The distinct competencies of a pathway, in step order. */
export const pathwayCompetencies = (p: Pathway) => [...new Set(p.steps.flatMap((s) => s.competencies))];

const round = (v: number) => Math.round(v * 100) / 100;

/** pathway_readiness from the published needs_by_competency_region table (England and regions). */
export function pathwayReadinessTable(tables: PublishedTable[], pathways: Pathway[]): PublishedTable {
	const needs = tables.find((t) => t.name === 'needs_by_competency_region')?.rows ?? [];
	const byRegion = new Map<string, Map<string, Record<string, unknown>>>();
	for (const r of needs)
		(byRegion.get(String(r.region_code)) ?? byRegion.set(String(r.region_code), new Map()).get(String(r.region_code))!).set(
			String(r.competency),
			r
		);
	const data = pathways.flatMap((p) =>
		[...byRegion].map(([region, rows]) => {
			const wanted = pathwayCompetencies(p).map((c) => rows.get(c));
			const complete = wanted.every((r) => r && !r.suppressed && r.mean_confidence !== null && r.mwds !== null);
			const mean = (column: string) => (complete ? round(wanted.reduce((s, r) => s + Number(r![column]), 0) / wanted.length) : null);
			return {
				wave: wanted.find(Boolean)?.wave ?? null,
				pathway_id: p.id,
				pathway: p.name,
				region_code: region,
				competencies: wanted.length,
				mean_confidence: mean('mean_confidence'),
				needs_score: mean('mwds'),
				suppressed: !complete
			};
		})
	);
	return published(
		'pathway_readiness',
		"Clinical pathway readiness: mean confidence and needs score (MWDS) over each pathway's competencies, England and regions",
		{
			wave: 'VARCHAR',
			pathway_id: 'VARCHAR',
			pathway: 'VARCHAR',
			region_code: 'VARCHAR',
			competencies: 'INTEGER',
			mean_confidence: 'DOUBLE',
			needs_score: 'DOUBLE',
			suppressed: 'BOOLEAN'
		},
		data
	);
}
