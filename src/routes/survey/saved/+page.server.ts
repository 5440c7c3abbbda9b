import { draftAnswers } from '$lib/server/survey-form';
import type { PageServerLoad } from './$types';

/** The resume code comes from this browser's own draft cookie: the server keeps only its hash. */
export const load: PageServerLoad = async ({ cookies }) => {
	const { code, expiresAt } = await draftAnswers(cookies);
	return { resumeCode: code, expiresAt };
};
