import type { Instrument, Option, Question } from './types';
import { alliances, competencies, regions, sectors, specialties, staffGroups } from './reference';

const coded = (list: { code: string; name: string; exclusive?: boolean }[]): Option[] =>
	list.map(({ code, name, exclusive }) => (exclusive ? { code, label: name, exclusive } : { code, label: name }));

const IMPORTANCE: Option[] = [
	{ code: 1, label: 'Not important' },
	{ code: 2, label: 'Slightly important' },
	{ code: 3, label: 'Moderately important' },
	{ code: 4, label: 'Very important' },
	{ code: 5, label: 'Essential' }
];

const CONFIDENCE: Option[] = [
	{ code: 1, label: 'Not at all confident' },
	{ code: 2, label: 'Slightly confident' },
	{ code: 3, label: 'Moderately confident' },
	{ code: 4, label: 'Very confident' },
	{ code: 5, label: 'Fully confident' }
];

const yesNo: Option[] = [
	{ code: 'yes', label: 'Yes' },
	{ code: 'no', label: 'No' }
];

function ratings(rating: 'importance' | 'confidence'): Question[] {
	return competencies.map((c) => ({
		id: `${rating === 'importance' ? 'imp' : 'conf'}_${c.code}`,
		type: 'scale',
		label: c.statement,
		required: true,
		min: 1,
		max: 5,
		options: rating === 'importance' ? IMPORTANCE : CONFIDENCE,
		error: `Select how ${rating === 'importance' ? 'important' : 'confident you are in'} ${c.name[0].toLowerCase()}${c.name.slice(1)}${rating === 'importance' ? ' is to your role' : ''}`,
		competency: c.code,
		rating,
		aim: 3
	}));
}

/** The pharmacy genomics workforce needs survey. Bump `version` whenever a question, option or
 *  rule changes: responses keep the version they were given under. */
export const instrument: Instrument = {
	id: 'pharmacy-genomics-needs',
	version: '1.0.0',
	title: 'Pharmacy genomics workforce needs survey',
	sections: [
		{
			id: 'about_you',
			title: 'About you and your role',
			intro: 'We ask these so that needs can be compared across the country. We do not ask for your name or where you work.',
			questions: [
				{
					id: 'staff_group',
					type: 'single',
					label: 'What is your staff group?',
					required: true,
					error: 'Select your staff group',
					options: coded(staffGroups)
				},
				{
					id: 'sector',
					type: 'single',
					label: 'Which sector do you mainly work in?',
					required: true,
					error: 'Select the sector you mainly work in',
					options: coded(sectors)
				},
				{
					id: 'specialties',
					type: 'multi',
					label: 'Which clinical specialties do you work in?',
					hint: 'Select all that apply.',
					required: true,
					error: 'Select the clinical specialties you work in',
					options: coded(specialties)
				},
				{
					id: 'region',
					type: 'single',
					label: 'Which NHS England region do you mainly work in?',
					required: true,
					error: 'Select the NHS England region you mainly work in',
					options: regions.map((r) => ({ code: r.code, label: r.name }))
				},
				{
					id: 'alliance',
					type: 'single',
					label: 'Which NHS Genomic Medicine Service Alliance covers your workplace?',
					hint: 'Alliance areas do not match NHS regions exactly.',
					required: true,
					error: 'Select the Genomic Medicine Service Alliance that covers your workplace, or "I do not know"',
					options: [...coded(alliances), { code: 'not_sure', label: 'I do not know' }]
				},
				{
					id: 'experience',
					type: 'single',
					label: 'How many years have you worked in pharmacy?',
					required: true,
					error: 'Select how many years you have worked in pharmacy',
					options: [
						{ code: 'lt2', label: 'Less than 2 years' },
						{ code: '2to5', label: '2 to 5 years' },
						{ code: '6to10', label: '6 to 10 years' },
						{ code: '11to20', label: '11 to 20 years' },
						{ code: 'gt20', label: 'More than 20 years' }
					]
				},
				{
					id: 'prescriber',
					type: 'single',
					label: 'Are you an independent prescriber?',
					required: true,
					error: 'Select yes if you are an independent prescriber',
					options: yesNo
				},
				{
					id: 'prescribing_genomic_change',
					type: 'single',
					label: 'As a prescriber, have you changed or stopped a prescription because of a genomic test result?',
					required: true,
					error: 'Select yes if you have changed or stopped a prescription because of a genomic test result',
					options: [...yesNo, { code: 'not_sure', label: 'I am not sure' }],
					showIf: { question: 'prescriber', in: ['yes'] },
					aim: 1
				}
			]
		},
		{
			id: 'awareness',
			title: 'Genomics in your practice',
			questions: [
				{
					id: 'aware_framework',
					type: 'single',
					label: "Are you aware of NHS England's pharmacy genomics workforce, education and training strategic framework?",
					required: true,
					error: 'Select whether you are aware of the strategic framework',
					options: [
						{ code: 'read', label: 'Yes, and I have read it' },
						{ code: 'aware', label: 'Yes, but I have not read it' },
						{ code: 'no', label: 'No' }
					],
					aim: 1
				},
				{
					id: 'aware_resources',
					type: 'single',
					label: 'Do you know about the NHS England Genomics Education Programme learning resources?',
					required: true,
					error: 'Select whether you know about the Genomics Education Programme learning resources',
					options: [
						{ code: 'used', label: 'Yes, and I have used them' },
						{ code: 'aware', label: 'Yes, but I have not used them' },
						{ code: 'no', label: 'No' }
					],
					aim: 1
				},
				{
					id: 'genomic_results_frequency',
					type: 'single',
					label: 'How often do genomic test results come up in your practice?',
					required: true,
					error: 'Select how often genomic test results come up in your practice',
					options: [
						{ code: 'never', label: 'Never' },
						{ code: 'yearly', label: 'A few times a year' },
						{ code: 'monthly', label: 'Every month' },
						{ code: 'weekly', label: 'Every week' },
						{ code: 'daily', label: 'Every day' },
						{ code: 'not_sure', label: 'I am not sure' }
					],
					aim: 1
				}
			]
		},
		{
			id: 'importance',
			title: 'How important is each of these to your role?',
			intro: 'Think about your role as it is now, not as it might be.',
			questions: ratings('importance')
		},
		{
			id: 'confidence',
			title: 'How confident are you in each of these?',
			intro: 'There are no right answers: this tells us where training is needed.',
			questions: ratings('confidence')
		},
		{
			id: 'training',
			title: 'Training and learning',
			questions: [
				{
					id: 'training_done',
					type: 'multi',
					label: 'Which genomics training have you already done?',
					hint: 'Select all that apply.',
					required: true,
					error: 'Select the genomics training you have done, or "None yet"',
					options: [
						{ code: 'gep_elearning', label: 'Genomics Education Programme e-learning' },
						{ code: 'cppe', label: 'CPPE genomics learning' },
						{ code: 'postgraduate', label: 'A postgraduate module or course in genomic medicine' },
						{ code: 'employer', label: 'Training from my employer' },
						{ code: 'event', label: 'A conference, webinar or study day' },
						{ code: 'other', label: 'Other training' },
						{ code: 'none', label: 'None yet', exclusive: true }
					],
					aim: 4
				},
				{
					id: 'learning_formats',
					type: 'multi',
					label: 'How would you prefer to learn about genomics?',
					hint: 'Select all that apply.',
					required: true,
					error: 'Select how you would prefer to learn about genomics',
					options: [
						{ code: 'elearning', label: 'Short e-learning modules' },
						{ code: 'webinar', label: 'Live webinars' },
						{ code: 'face_to_face', label: 'Face-to-face teaching' },
						{ code: 'case_studies', label: 'Case studies from practice' },
						{ code: 'shadowing', label: 'Shadowing or placements' },
						{ code: 'mentoring', label: 'Mentoring' },
						{ code: 'podcasts', label: 'Podcasts or videos' },
						{ code: 'accredited_course', label: 'An accredited course' }
					],
					aim: 4
				},
				{
					id: 'barriers',
					type: 'multi',
					label: 'What stops you learning more about genomics?',
					hint: 'Select all that apply.',
					required: true,
					error: 'Select what stops you learning more about genomics, or "Nothing stops me"',
					options: [
						{ code: 'time', label: 'No protected learning time' },
						{ code: 'backfill', label: 'No backfill for my role' },
						{ code: 'funding', label: 'No funding' },
						{ code: 'relevance', label: 'It does not seem relevant to my role yet' },
						{ code: 'mentors', label: 'No trained genomics mentor' },
						{ code: 'case_studies', label: 'Too few case studies I can relate to' },
						{ code: 'other', label: 'Something else' },
						{ code: 'none', label: 'Nothing stops me', exclusive: true }
					],
					aim: 4
				}
			]
		},
		{
			id: 'networks',
			title: 'Networks and mentoring',
			questions: [
				{
					id: 'network_member',
					type: 'single',
					label: 'Are you part of a genomics network or community of practice?',
					required: true,
					error: 'Select yes if you are part of a genomics network or community of practice',
					options: [...yesNo, { code: 'not_sure', label: 'I am not sure' }],
					aim: 2
				},
				{
					id: 'networks',
					type: 'multi',
					label: 'Which networks are you part of?',
					hint: 'Select all that apply.',
					required: true,
					error: 'Select the networks you are part of',
					options: [
						{ code: 'gmsa_pharmacy', label: 'My Genomic Medicine Service Alliance pharmacy network' },
						{ code: 'regional_pharmacy', label: 'A regional pharmacy network' },
						{ code: 'specialty', label: 'A specialty or professional group' },
						{ code: 'online', label: 'An online community' },
						{ code: 'other', label: 'Another network' }
					],
					showIf: { question: 'network_member', in: ['yes'] },
					aim: 2
				},
				{
					id: 'mentor_access',
					type: 'single',
					label: 'Do you have access to a genomics mentor?',
					required: true,
					error: 'Select yes if you have access to a genomics mentor',
					options: yesNo,
					aim: 2
				},
				{
					id: 'champion_willing',
					type: 'single',
					label: 'Would you be willing to be a genomics champion or mentor for colleagues?',
					required: true,
					error: 'Select whether you would be willing to be a genomics champion or mentor',
					options: [
						{ code: 'champion', label: 'Yes, a champion' },
						{ code: 'mentor', label: 'Yes, a mentor' },
						{ code: 'both', label: 'Yes, both' },
						{ code: 'maybe', label: 'Maybe, with training' },
						{ code: 'no', label: 'No' }
					],
					aim: 2
				}
			]
		},
		{
			id: 'comments',
			title: 'Anything else',
			questions: [
				{
					id: 'comments',
					type: 'text',
					label: 'Is there anything else you would like to tell us about genomics training for pharmacy staff?',
					hint: 'Optional. Do not include names or anything that could identify you or a patient.',
					required: false,
					maxLength: 2000
				}
			]
		}
	]
};
