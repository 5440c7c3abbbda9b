// Zod schemas derived from the instrument: the same rules for the form, the tRPC procedures and storage.
import { z } from 'zod';
import type { Answers, Instrument, Question } from './types';
import { isVisible, questionsOf } from './questions';

const shown = (input: unknown) => {
	const text = typeof input === 'string' ? input : (JSON.stringify(input) ?? String(input));
	return text.length > 40 ? `${text.slice(0, 40)}…` : text;
};

export function requiredMessage(q: Question): string {
	if (q.error) return q.error;
	switch (q.type) {
		case 'multi':
			return `Select at least one answer to: ${q.label}`;
		case 'scale':
			return q.rating === 'confidence'
				? `Select how confident you are: ${q.label}`
				: `Select how important this is to your role: ${q.label}`;
		case 'text':
			return `Enter an answer to: ${q.label}`;
		default:
			return `Select an answer to: ${q.label}`;
	}
}

function fieldSchema(q: Question): z.ZodType<unknown> {
	const codes = (q.options ?? []).map((o) => o.code);
	switch (q.type) {
		case 'single':
			return z.string({ error: `The answer to "${q.label}" must be one of its options` }).refine((v) => codes.includes(v), {
				error: (iss) => `"${shown(iss.input)}" is not one of the answers to: ${q.label}`
			});
		case 'scale': {
			const range = `Select a rating from ${q.min} to ${q.max} for: ${q.label}`;
			return z
				.number({ error: range })
				.int({ error: range })
				.min(q.min ?? 1, { error: range })
				.max(q.max ?? 5, { error: range });
		}
		case 'multi':
			return z
				.array(z.string({ error: `Each answer to "${q.label}" must be one of its options` }), {
					error: `The answer to "${q.label}" must be a list of its options`
				})
				.max(codes.length, { error: `Too many answers to: ${q.label}` })
				.superRefine((values, ctx) => {
					for (const v of values) {
						if (!codes.includes(v)) ctx.addIssue({ code: 'custom', message: `"${shown(v)}" is not one of the answers to: ${q.label}` });
					}
					const exclusive = (q.options ?? []).find((o) => o.exclusive && values.includes(o.code as string));
					if (exclusive && new Set(values).size > 1) {
						ctx.addIssue({ code: 'custom', message: `"${exclusive.label}" cannot be combined with other answers to: ${q.label}` });
					}
				});
		case 'text': {
			const max = q.maxLength ?? 2000;
			return z.string({ error: `The answer to "${q.label}" must be text` }).max(max, {
				error: (iss) => `Your answer to "${q.label}" must be ${max} characters or fewer (it has ${(iss.input as string).length})`
			});
		}
	}
}

const isEmpty = (v: unknown) => v === undefined || (Array.isArray(v) && v.length === 0) || (typeof v === 'string' && v.trim() === '');

export interface AnswersSchemaOptions {
	/** Require every visible required question (a submission); otherwise only check what is there (a draft). */
	complete: boolean;
	/** Limit the required check to these sections (one step of the form). */
	sections?: string[];
}

/** The schema for a set of answers: known questions only, valid codes and ranges, skip logic obeyed. */
export function answersSchema(instrument: Instrument, options: AnswersSchemaOptions) {
	const questions = questionsOf(instrument);
	const byId = new Map(questions.map((q) => [q.id, q]));
	const required = new Set(
		instrument.sections
			.filter((s) => !options.sections || options.sections.includes(s.id))
			.flatMap((s) => s.questions.filter((q) => q.required).map((q) => q.id))
	);
	const shape = Object.fromEntries(questions.map((q) => [q.id, fieldSchema(q).optional()]));
	return z
		.strictObject(shape, {
			error: (iss) =>
				iss.code === 'unrecognized_keys'
					? `${iss.keys.map((k) => `"${shown(k)}"`).join(', ')} ${iss.keys.length === 1 ? 'is not a question' : 'are not questions'} in this survey`
					: iss.code === 'invalid_type'
						? 'The answers must be an object of question ids and answers'
						: undefined
		})
		.superRefine((answers, ctx) => {
			const a = answers as Answers;
			for (const q of questions) {
				const value = a[q.id];
				const visible = isVisible(q, a);
				if (!visible && value !== undefined) {
					const parent = byId.get(q.showIf!.question)!;
					ctx.addIssue({
						code: 'custom',
						path: [q.id],
						message: `Remove your answer to "${q.label}": it only applies when the answer to "${parent.label}" is ${q
							.showIf!.in.map((c) => `"${parent.options?.find((o) => o.code === c)?.label ?? c}"`)
							.join(' or ')}`
					});
				} else if (options.complete && visible && required.has(q.id) && isEmpty(value)) {
					ctx.addIssue({ code: 'custom', path: [q.id], message: requiredMessage(q) });
				}
			}
		}) as unknown as z.ZodType<Answers>;
}

/** One message list per field, keyed by question id (or input name), for the form's error summary. */
export function fieldErrorsOf(error: z.ZodError): Record<string, string[]> {
	// A Map, not an object: keys come from the request and may be "__proto__" or "valueOf".
	const out = new Map<string, string[]>();
	const add = (key: string, message: string) => {
		const messages = out.get(key) ?? [];
		if (!messages.includes(message)) out.set(key, [...messages, message]);
	};
	for (const issue of error.issues) {
		const path = issue.path[0] === 'answers' ? issue.path.slice(1) : issue.path;
		if (issue.code === 'unrecognized_keys') {
			for (const key of issue.keys) add(path.length ? `${path.join('.')}.${key}` : key, `"${shown(key)}" is not a question in this survey`);
			continue;
		}
		add(path.length ? String(path[0]) : issue.path.length ? String(issue.path[0]) : '_', issue.message);
	}
	return Object.fromEntries(out);
}
