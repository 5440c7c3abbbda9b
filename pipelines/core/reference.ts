// Reference data the pipeline reads from data/reference: success measures and workforce denominators.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { z } from 'zod';
import { instrument } from '../../src/lib/instrument/survey';
import { questionsOf } from '../../src/lib/instrument/questions';
import { competencies, regions, sectors, specialties, staffGroups, ENGLAND } from '../../src/lib/instrument/reference';

export { competencies, regions, sectors, staffGroups, ENGLAND, instrument };

// From the working directory (the project root for npm scripts and the server): once bundled into
// the server, import.meta.url no longer points into pipelines/.
export const REFERENCE_DIR = `${resolve('data/reference')}/`;
export const WORKFORCE_CSV = `${REFERENCE_DIR}workforce.csv`;

const base = {
	id: z.string().regex(/^[a-z0-9_]+$/),
	aim: z.union([z.literal(1), z.literal(2), z.literal(3), z.literal(4)]),
	alignment: z.string(),
	name: z.string().min(1),
	definition: z.string().min(1),
	unit: z.string(),
	direction: z.enum(['higher', 'lower']),
	targets: z.record(z.string(), z.number()),
	amberWithin: z.number().nonnegative()
};

export const measureSchema = z.discriminatedUnion('kind', [
	z.object({ ...base, kind: z.literal('share'), question: z.string(), codes: z.array(z.string()).min(1) }),
	z.object({ ...base, kind: z.literal('mean'), rating: z.enum(['importance', 'confidence']) }),
	z.object({ ...base, kind: z.literal('mwds') }),
	z.object({ ...base, kind: z.literal('coverage') })
]);

export type SuccessMeasure = z.infer<typeof measureSchema>;

/** Checks measures (as read from a measures file) against the schema and the instrument, so a typo
 *  fails the run, or an admin's edit, rather than publishing nonsense. */
export function parseSuccessMeasures(content: unknown): SuccessMeasure[] {
	const parsed = z.object({ measures: z.array(measureSchema) }).parse(content);
	const questions = new Map(questionsOf(instrument).map((q) => [q.id, q]));
	for (const m of parsed.measures) {
		if (m.kind !== 'share') continue;
		const q = questions.get(m.question);
		if (!q || (q.type !== 'single' && q.type !== 'multi'))
			throw new Error(`Success measure ${m.id}: "${m.question}" is not a single or multi question`);
		const codes = new Set((q.options ?? []).map((o) => String(o.code)));
		const unknown = m.codes.filter((c) => !codes.has(c));
		if (unknown.length) throw new Error(`Success measure ${m.id}: ${unknown.join(', ')} not options of ${m.question}`);
	}
	return parsed.measures;
}

export const loadSuccessMeasures = (path = `${REFERENCE_DIR}success-measures.json`): SuccessMeasure[] =>
	parseSuccessMeasures(JSON.parse(readFileSync(path, 'utf8')));

export { waveLabel } from '../../src/lib/text';
export const regionName = (code: string) => (code === ENGLAND.code ? ENGLAND.name : (regions.find((r) => r.code === code)?.name ?? code));
export const competencyName = (code: string) => competencies.find((c) => c.code === code)?.name ?? code;
export const sectorName = (code: string) => sectors.find((c) => c.code === code)?.name ?? code;
export const staffGroupName = (code: string) => staffGroups.find((c) => c.code === code)?.name ?? code;
export const specialtyName = (code: string) => specialties.find((c) => c.code === code)?.name ?? code;

/** A group's name in words, whatever characteristic it is a group of (region, sector, staff group, specialty). */
export function groupName(dimension: string, code: string): string {
	const names: Record<string, (code: string) => string> = {
		region: regionName,
		sector: sectorName,
		staff_group: staffGroupName,
		specialty: specialtyName
	};
	return (names[dimension] ?? String)(code);
}

/** Option label of a question, for chart axes and report tables. */
export function optionLabel(questionId: string, code: string): string {
	const q = questionsOf(instrument).find((x) => x.id === questionId);
	return q?.options?.find((o) => String(o.code) === code)?.label ?? code;
}

/** A competency's rating question, found by the `competency` and `rating` the instrument gives it. */
function ratingQuestion(competency: string, rating: 'importance' | 'confidence') {
	const q = questionsOf(instrument).find((x) => x.competency === competency && x.rating === rating);
	if (!q) throw new Error(`The instrument has no ${rating} question for competency ${competency}`);
	return q;
}

/** Each competency's importance and confidence question ids (their typed response columns). */
export const ratingColumns = () =>
	competencies.map((c) => ({
		competency: c.code,
		importance: ratingQuestion(c.code, 'importance').id,
		confidence: ratingQuestion(c.code, 'confidence').id
	}));

/** A rating's scale points with their labels, as respondents saw them (one scale per rating). */
export const ratingScale = (rating: 'importance' | 'confidence') =>
	(ratingQuestion(competencies[0].code, rating).options ?? []).map((o) => ({ level: Number(o.code), label: o.label }));
