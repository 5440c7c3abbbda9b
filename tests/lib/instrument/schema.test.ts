import { describe, expect, it } from 'vitest';
import { instrument } from '../../../src/lib/instrument/survey';
import { answersSchema, fieldErrorsOf } from '../../../src/lib/instrument/schema';
import { canonicalAnswers, isVisible, pruneHidden, questionsOf } from '../../../src/lib/instrument/questions';
import { completeAnswers } from '../../../bench/kit/answers';

const submission = answersSchema(instrument, { complete: true });
const draft = answersSchema(instrument, { complete: false });
const errorsOf = (schema: typeof submission, value: unknown) => {
	const result = schema.safeParse(value);
	return result.success ? {} : fieldErrorsOf(result.error);
};

describe('schemas derived from the instrument', () => {
	it('accepts a complete response', () => {
		expect(submission.safeParse(completeAnswers()).success).toBe(true);
	});

	it('names every missing required answer, in words', () => {
		const errors = errorsOf(submission, {});
		const required = questionsOf(instrument)
			.filter((q) => q.required && !q.showIf)
			.map((q) => q.id);
		expect(Object.keys(errors).sort()).toEqual(required.sort());
		// In NHS.UK style, from the instrument (each question's `error`).
		expect(errors.staff_group).toEqual(['Select your staff group']);
		expect(errors.imp_fh).toEqual(['Select how important familial hypercholesterolaemia is to your role']);
		expect(errors.conf_fh).toEqual(['Select how confident you are in familial hypercholesterolaemia']);
		for (const id of required) expect(errors[id][0], id).toMatch(/^Select /);
	});

	it('rejects wrong types, unknown codes, out-of-range scales and unknown keys, each against its field', () => {
		const errors = errorsOf(
			submission,
			completeAnswers(0, { staff_group: 7 as never, sector: 'moon', imp_fh: 6, conf_fh: 2.5, specialties: ['nope'], extra_field: 'x' })
		);
		expect(errors.staff_group[0]).toMatch(/must be one of its options/);
		expect(errors.sector[0]).toBe('"moon" is not one of the answers to: Which sector do you mainly work in?');
		expect(errors.imp_fh[0]).toMatch(/^Select a rating from 1 to 5/);
		expect(errors.conf_fh[0]).toMatch(/^Select a rating from 1 to 5/);
		expect(errors.specialties[0]).toMatch(/"nope" is not one of the answers/);
		expect(errors.extra_field).toEqual(['"extra_field" is not a question in this survey']);
	});

	it('reports unknown keys named like Object.prototype members as plain field errors', () => {
		const body = JSON.parse('{"__proto__": "x", "valueOf": "", "constructor": 1}');
		const errors = errorsOf(submission, { ...completeAnswers(), ...body });
		expect(Object.getPrototypeOf(errors)).toBe(Object.prototype);
		expect(errors.valueOf).toEqual(['"valueOf" is not a question in this survey']);
		expect(Object.getOwnPropertyDescriptor(errors, '__proto__')?.value).toEqual(['"__proto__" is not a question in this survey']);
	});

	it('refuses an exclusive option combined with others', () => {
		const errors = errorsOf(submission, completeAnswers(0, { barriers: ['none', 'time'] }));
		expect(errors.barriers[0]).toMatch(/"Nothing stops me" cannot be combined/);
	});

	it('limits free text to its maximum length but keeps HTML and formulas verbatim', () => {
		expect(errorsOf(submission, completeAnswers(0, { comments: 'x'.repeat(2001) })).comments[0]).toMatch(
			/2000 characters or fewer \(it has 2001\)/
		);
		const hostile = '<script>alert(1)</script> =HYPERLINK("x")';
		const parsed = submission.parse(completeAnswers(0, { comments: hostile }));
		expect(parsed.comments).toBe(hostile);
	});

	it('applies skip logic: prescribing questions only for prescribers', () => {
		const question = questionsOf(instrument).find((q) => q.id === 'prescribing_genomic_change')!;
		expect(isVisible(question, { prescriber: 'no' })).toBe(false);
		expect(isVisible(question, { prescriber: 'yes' })).toBe(true);
		expect(errorsOf(submission, completeAnswers(0, { prescriber: 'yes' })).prescribing_genomic_change).toBeDefined();
		expect(submission.safeParse(completeAnswers(0, { prescriber: 'yes', prescribing_genomic_change: 'yes' })).success).toBe(true);
		const hidden = errorsOf(submission, completeAnswers(0, { prescriber: 'no', prescribing_genomic_change: 'yes' }));
		expect(hidden.prescribing_genomic_change[0]).toMatch(
			/^Remove your answer .* only applies when the answer to "Are you an independent prescriber\?" is "Yes"/
		);
		expect(pruneHidden(instrument, { prescriber: 'no', prescribing_genomic_change: 'yes' })).toEqual({ prescriber: 'no' });
	});

	it('checks a draft for valid answers without requiring the rest', () => {
		expect(draft.safeParse({ staff_group: 'pharmacist' }).success).toBe(true);
		expect(errorsOf(draft, { staff_group: 'wizard' }).staff_group).toBeDefined();
	});

	it('checks one step: required answers of that section only', () => {
		const step = answersSchema(instrument, { complete: true, sections: ['awareness'] });
		expect(Object.keys(errorsOf(step, { staff_group: 'pharmacist' })).sort()).toEqual([
			'aware_framework',
			'aware_resources',
			'genomic_results_frequency'
		]);
	});

	it('canonicalises multi answers into option order and drops empty optional text', () => {
		const a = canonicalAnswers(instrument, { barriers: ['funding', 'time', 'funding'], comments: '   ' });
		expect(a).toEqual({ barriers: ['time', 'funding'] });
	});
});
