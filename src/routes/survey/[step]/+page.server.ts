import { error } from '@sveltejs/kit';
import { instrument } from '$lib/instrument';
import { draftAnswers, stepAction } from '$lib/server/survey-form';
import { survey } from '$lib/server/survey';
import { openWave } from '$lib/server/db/waves';
import type { Actions, PageServerLoad } from './$types';

const sectionFor = (step: string) => {
	const section = instrument.sections.find((s) => s.id === step);
	if (!section) error(404, 'There is no such step in the survey');
	return section;
};

export const load: PageServerLoad = async ({ params, cookies, url }) => {
	const section = sectionFor(params.step);
	// No open wave: the page says so instead of asking questions that could not be sent.
	const open = (await openWave((await survey()).db)) !== null;
	const { answers } = await draftAnswers(cookies);
	return {
		open,
		index: instrument.sections.indexOf(section),
		answers,
		returnTo: url.searchParams.get('return') === 'check' ? 'check' : null
	};
};

export const actions: Actions = {
	next: (event) => stepAction(event, sectionFor(event.params.step), 'next'),
	save: (event) => stepAction(event, sectionFor(event.params.step), 'save')
};
