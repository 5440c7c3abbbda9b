import { instrument, learningList } from '$lib/instrument';
import { sentResponse } from '$lib/server/survey-form';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ cookies, url }) => {
	const sent = await sentResponse(cookies);
	return {
		again: url.searchParams.has('again'),
		done: sent && {
			receipt: sent.receipt,
			submittedAt: sent.submittedAt,
			wave: sent.wave.label,
			learning: learningList(instrument, sent.answers)
		}
	};
};
