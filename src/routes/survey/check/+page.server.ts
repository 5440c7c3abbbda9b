import { draftAnswers, sentResponse, submissionIdFor, submitAction } from '$lib/server/survey-form';
import { survey } from '$lib/server/survey';
import { openWave } from '$lib/server/db/waves';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ cookies }) => {
	const { code, answers } = await draftAnswers(cookies);
	return {
		open: (await openWave((await survey()).db)) !== null,
		answers,
		submissionId: code ? submissionIdFor(code) : null,
		sent: !code && (await sentResponse(cookies)) !== null
	};
};

export const actions: Actions = { default: submitAction };
