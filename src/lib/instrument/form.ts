// The survey as HTML forms: fields named after question ids, read back into answers, shown as text,
// and errors pointed at the field (on this page) or at the step that holds it.
import type { Answers, AnswerValue, Instrument, Question, Section } from './types';
import { answersSchema } from './schema';
import { questionsOf } from './questions';

/** Reads one step's fields from a posted form (`name` = question id). A field left empty is no answer. */
export function answersFromForm(section: Section, form: { get(name: string): unknown; getAll(name: string): unknown[] }): Answers {
	const out: Answers = {};
	for (const q of section.questions) {
		if (q.type === 'multi') {
			const values = form.getAll(q.id).filter((v): v is string => typeof v === 'string');
			if (values.length) out[q.id] = values;
			continue;
		}
		const value = form.get(q.id);
		if (typeof value !== 'string' || (q.type !== 'text' && value === '')) continue;
		// Ratings are numbers; anything else posted is passed on for the schema to explain.
		out[q.id] = q.type === 'scale' && /^\d{1,3}$/.test(value) ? Number(value) : value;
	}
	return out;
}

/** An answer as the respondent chose it: option labels, or the text they wrote. */
export function answerText(question: Question, value: AnswerValue | undefined): string {
	if (value === undefined) return '';
	const label = (code: string | number) => question.options?.find((o) => o.code === code)?.label ?? String(code);
	return Array.isArray(value) ? value.map(label).join(', ') : question.type === 'text' ? value.toString() : label(value);
}

export const sectionOf = (instrument: Instrument, questionId: string): Section | undefined =>
	instrument.sections.find((s) => s.questions.some((q) => q.id === questionId));

const stepSchemas = new WeakMap<Section, ReturnType<typeof answersSchema>>();

/** The schema that checks one step is complete (built once per step: building a schema costs more
 *  than using it). */
export function stepSchema(instrument: Instrument, section: Section) {
	let schema = stepSchemas.get(section);
	if (!schema) stepSchemas.set(section, (schema = answersSchema(instrument, { complete: true, sections: [section.id] })));
	return schema;
}

/** The first step with a required question still to answer, or null when every step is complete. */
export function firstIncompleteSection(instrument: Instrument, answers: Answers): Section | null {
	return instrument.sections.find((s) => !stepSchema(instrument, s).safeParse(answers).success) ?? null;
}

/** For a question shown only after another answer: which answer, in words. */
export function conditionText(instrument: Instrument, question: Question): string | null {
	if (!question.showIf) return null;
	const parent = questionsOf(instrument).find((q) => q.id === question.showIf!.question);
	if (!parent) return null;
	const answers = question.showIf.in.map((c) => `"${parent.options?.find((o) => o.code === c)?.label ?? c}"`).join(' or ');
	return `Only answer this if you answered ${answers} to "${parent.label}"`;
}

export interface SummaryError {
	href: string;
	message: string;
}

/** Error-summary entries in instrument order: a field on this page links to its first input; a field on
 *  another step links to that step (and back to `returnTo`); anything else links to the form. */
export function errorLinks(
	instrument: Instrument,
	fieldErrors: Record<string, string[]>,
	onPage: string | null,
	returnTo?: string
): SummaryError[] {
	const order = questionsOf(instrument).map((q) => q.id);
	const known = Object.keys(fieldErrors)
		.filter((id) => order.includes(id))
		.sort((a, b) => order.indexOf(a) - order.indexOf(b))
		.flatMap((id) => {
			const step = sectionOf(instrument, id)!;
			const href = step.id === onPage ? `#${id}-1` : `/survey/${step.id}${returnTo ? `?return=${returnTo}` : ''}#${id}-1`;
			return fieldErrors[id].map((message) => ({ href, message }));
		});
	const others = Object.entries(fieldErrors)
		.filter(([id]) => !order.includes(id))
		.flatMap(([, messages]) => messages.map((message) => ({ href: '#survey-form', message })));
	return [...known, ...others];
}
