import type { Answers, Instrument, Question } from './types';

const listed = new WeakMap<Instrument, readonly Question[]>();

/** Every question of the instrument, in order: listed once per instrument (the analytics look
 *  questions up by the thousand on every dashboard view). */
export const questionsOf = (instrument: Instrument): readonly Question[] =>
	listed.get(instrument) ??
	(listed.set(instrument, Object.freeze(instrument.sections.flatMap((s) => s.questions))), listed.get(instrument)!);

/** Skip logic: a question is shown when it has no condition or its condition's answer matches. */
export function isVisible(question: Question, answers: Answers): boolean {
	if (!question.showIf) return true;
	const value = answers[question.showIf.question];
	if (value === undefined) return false;
	const values = Array.isArray(value) ? value : [value];
	return values.some((v) => question.showIf!.in.includes(v));
}

/** Drops answers to questions the skip logic now hides (for example after "prescriber" changes to "no"). */
export function pruneHidden(instrument: Instrument, answers: Answers): Answers {
	const out: Answers = {};
	for (const q of questionsOf(instrument)) {
		if (answers[q.id] !== undefined && isVisible(q, answers)) out[q.id] = answers[q.id];
	}
	return out;
}

/** Puts multi answers in option order so the same answers always hash the same. */
export function canonicalAnswers(instrument: Instrument, answers: Answers): Answers {
	const out: Answers = {};
	for (const q of questionsOf(instrument)) {
		const value = answers[q.id];
		if (value === undefined) continue;
		if (q.type === 'multi' && Array.isArray(value)) {
			const order = (q.options ?? []).map((o) => o.code);
			out[q.id] = [...new Set(value)].sort((a, b) => order.indexOf(a) - order.indexOf(b));
		} else if (q.type === 'text' && typeof value === 'string') {
			// An empty optional text box is no answer; anything else is kept verbatim.
			if (value.trim() !== '') out[q.id] = value;
		} else out[q.id] = value;
	}
	return out;
}
