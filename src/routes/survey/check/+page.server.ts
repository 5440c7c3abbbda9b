import { draftAnswers, sentResponse, submissionIdFor, submitAction } from '$lib/server/survey-form';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ cookies }) => {
	const { code, answers } = await draftAnswers(cookies);
	return {
		answers,
		submissionId: code ? submissionIdFor(code) : null,
		sent: !code && (await sentResponse(cookies)) !== null
	};
};

export const actions: Actions = { default: submitAction };
