import { describe, expect, it } from 'vitest';
import { instrument } from '../../../src/lib/instrument/survey';
import { questionsOf } from '../../../src/lib/instrument/questions';
import { competencies, regions } from '../../../src/lib/instrument/reference';
import { RESPONSE_COLUMNS } from '../../../src/lib/instrument/storage';
import { requiredMessage } from '../../../src/lib/instrument/schema';

const questions = questionsOf(instrument);
const byId = new Map(questions.map((q) => [q.id, q]));

describe('the instrument', () => {
	it('has an id, a version and stable snake_case question ids, each used once', () => {
		expect(instrument.id).toMatch(/^[a-z0-9-]+$/);
		expect(instrument.version).toMatch(/^\d+\.\d+\.\d+$/);
		for (const q of questions) expect(q.id).toMatch(/^[a-z][a-z0-9_]*$/);
		expect(new Set(questions.map((q) => q.id)).size).toBe(questions.length);
		for (const q of questions) expect(RESPONSE_COLUMNS as readonly string[]).not.toContain(q.id);
	});

	it('asks the about-you questions by their agreed ids, with ONS codes for regions', () => {
		for (const id of ['staff_group', 'sector', 'specialties', 'region', 'alliance', 'experience', 'prescriber'])
			expect(byId.has(id)).toBe(true);
		expect(byId.get('region')!.options!.map((o) => o.code)).toEqual(regions.map((r) => r.code));
		expect(byId.get('region')!.options!.every((o) => /^E400000\d\d$/.test(String(o.code)))).toBe(true);
		expect(byId.get('specialties')!.type).toBe('multi');
	});

	it('rates at least 10 competencies for both importance and confidence on labelled 1–5 scales', () => {
		expect(competencies.length).toBeGreaterThanOrEqual(10);
		for (const c of competencies) {
			for (const rating of ['importance', 'confidence'] as const) {
				const q = questions.find((x) => x.competency === c.code && x.rating === rating);
				expect(q, `${c.code} ${rating}`).toBeDefined();
				expect(q!.type).toBe('scale');
				expect([q!.min, q!.max]).toEqual([1, 5]);
				expect(q!.options!.map((o) => o.code)).toEqual([1, 2, 3, 4, 5]);
			}
		}
	});

	it('only makes questions depend on earlier questions that have the options named', () => {
		const seen = new Set<string>();
		for (const q of questions) {
			if (q.showIf) {
				expect(seen.has(q.showIf.question), q.id).toBe(true);
				const codes = byId.get(q.showIf.question)!.options!.map((o) => o.code);
				for (const c of q.showIf.in) expect(codes).toContain(c);
			}
			seen.add(q.id);
		}
	});

	it('has exactly one free-text question, and it is optional', () => {
		const text = questions.filter((q) => q.type === 'text');
		expect(text.map((q) => [q.id, q.required])).toEqual([['comments', false]]);
	});

	it('tells a respondent what to do in the NHS style when a required answer is missing ("Select your staff group")', () => {
		// NHS service manual: start with "Select" for options, "Enter" for text; no "Please", no full stop.
		for (const q of questions.filter((q) => q.required)) {
			expect(q.error, q.id).toMatch(/^Select /);
			expect(q.error, q.id).not.toMatch(/please|\.$|must|invalid|required/i);
		}
		expect(byId.get('staff_group')!.error).toBe('Select your staff group');
		expect(requiredMessage({ id: 'x', type: 'scale', rating: 'confidence', label: 'Explaining results', required: true })).toMatch(
			/^Select /
		);
	});
});
