import type { Answers } from '../../src/lib/instrument/types';
import { instrument } from '../../src/lib/instrument/survey';
import { questionsOf } from '../../src/lib/instrument/questions';

/** A complete, valid set of answers; `seed` varies the ratings so different seeds give different answers. */
export function completeAnswers(seed = 0, overrides: Answers = {}): Answers {
	const answers: Answers = {
		staff_group: 'pharmacist',
		sector: 'hospital',
		specialties: ['oncology_haematology', 'cardiology_lipids'],
		region: 'E40000003',
		alliance: 'north_thames',
		experience: '6to10',
		prescriber: 'no',
		aware_framework: 'aware',
		aware_resources: 'used',
		genomic_results_frequency: 'monthly',
		training_done: ['gep_elearning'],
		learning_formats: ['elearning', 'case_studies'],
		barriers: ['time', 'backfill'],
		network_member: 'no',
		mentor_access: 'no',
		champion_willing: 'maybe'
	};
	questionsOf(instrument).forEach((q, i) => {
		if (q.type === 'scale') answers[q.id] = ((seed + i) % 5) + 1;
	});
	return { ...answers, ...overrides };
}
