import { error } from '@sveltejs/kit';
import { instrument, learningList, learningListText } from '$lib/instrument';
import { sentResponse } from '$lib/server/survey-form';
import type { RequestHandler } from './$types';

/** The learning list as a file: saved or printed without JavaScript. */
export const GET: RequestHandler = async ({ cookies }) => {
	const sent = await sentResponse(cookies);
	if (!sent) error(404, 'There is no learning list in this browser: it is kept for a day after you send your answers.');
	return new Response(learningListText(learningList(instrument, sent.answers), sent.receipt), {
		headers: {
			'content-type': 'text/plain; charset=utf-8',
			'content-disposition': `attachment; filename="genomics-learning-list-${sent.receipt}.txt"`,
			'cache-control': 'no-store'
		}
	});
};
