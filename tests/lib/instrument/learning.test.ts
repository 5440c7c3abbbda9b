import { describe, expect, it } from 'vitest';
import { instrument } from '../../../src/lib/instrument/survey';
import { learningList } from '../../../src/lib/instrument/learning';
import { competencies } from '../../../src/lib/instrument/reference';
import { completeAnswers } from '../../../bench/kit/answers';

const flat = (importance: number, confidence: number) =>
	Object.fromEntries(
		competencies.flatMap((c) => [
			[`imp_${c.code}`, importance],
			[`conf_${c.code}`, confidence]
		])
	);

describe('learning list', () => {
	it('lists the competencies with the largest importance − confidence gap first, with resources', () => {
		const answers = completeAnswers(0, {
			...flat(3, 3),
			imp_fh: 5,
			conf_fh: 1,
			imp_ethics: 4,
			conf_ethics: 2,
			imp_referral_routes: 5,
			conf_referral_routes: 3
		});
		const list = learningList(instrument, answers);
		expect(list.map((i) => [i.competency.code, i.gap])).toEqual([
			['fh', 4],
			['referral_routes', 2],
			['ethics', 2]
		]);
		for (const item of list) expect(item.resources.length).toBeGreaterThan(0);
	});

	it('leaves out competencies where confidence meets importance', () => {
		expect(learningList(instrument, completeAnswers(0, flat(2, 4)))).toEqual([]);
	});

	it('has at least one resource for every competency in the catalogue', () => {
		const answers = completeAnswers(0, flat(5, 1));
		const list = learningList(instrument, answers, competencies.length);
		expect(list).toHaveLength(competencies.length);
		for (const item of list) expect(item.resources.length, item.competency.code).toBeGreaterThan(0);
	});
});
