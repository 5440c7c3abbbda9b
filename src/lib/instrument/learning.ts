import type { Answers, Instrument } from './types';
import { questionsOf } from './questions';
import { competencies, resources, type Competency, type Resource } from './reference';

export interface LearningItem {
	competency: Competency;
	importance: number;
	confidence: number;
	gap: number;
	resources: Resource[];
}

/** The respondent's personal learning list: competencies with the largest importance − confidence gap
 *  (ties broken by importance, then instrument order), each with resources from the catalogue. */
export function learningList(instrument: Instrument, answers: Answers, size = 3): LearningItem[] {
	const ratings = new Map<string, { importance?: number; confidence?: number }>();
	for (const q of questionsOf(instrument)) {
		if (!q.competency || !q.rating || typeof answers[q.id] !== 'number') continue;
		const entry = ratings.get(q.competency) ?? {};
		entry[q.rating] = answers[q.id] as number;
		ratings.set(q.competency, entry);
	}
	return competencies
		.map((competency, order) => ({ competency, order, ...ratings.get(competency.code) }))
		.filter((r): r is typeof r & { importance: number; confidence: number } => r.importance !== undefined && r.confidence !== undefined)
		.map((r) => ({ ...r, gap: r.importance - r.confidence }))
		.filter((r) => r.gap > 0)
		.sort((a, b) => b.gap - a.gap || b.importance - a.importance || a.order - b.order)
		.slice(0, size)
		.map(({ competency, importance, confidence, gap }) => ({
			competency,
			importance,
			confidence,
			gap,
			resources: resources.filter((r) => r.competency === competency.code)
		}));
}

/** The learning list as plain text, to save or print without a browser script. */
export function learningListText(items: LearningItem[], receipt: string): string {
	const lines = ['Your genomics learning list', `Pharmacy genomics workforce needs survey, receipt ${receipt}`, ''];
	if (items.length === 0)
		lines.push(
			'Your confidence matches how important each area is to your role.',
			'Genomics Education Programme: https://www.genomicseducation.hee.nhs.uk/'
		);
	items.forEach((item, i) => {
		lines.push(
			`${i + 1}. ${item.competency.name}`,
			`   ${item.competency.statement}.`,
			`   Importance ${item.importance} out of 5, confidence ${item.confidence} out of 5.`
		);
		for (const r of item.resources) lines.push(`   - ${r.title} (${r.provider}, ${r.format}): ${r.url}`);
		lines.push('');
	});
	return `${lines.join('\r\n')}\r\n`;
}
