import { error } from '@sveltejs/kit';
import { instrument } from '$lib/instrument';
import type { PageLoad } from './$types';

export const load: PageLoad = ({ params }) => {
	const index = instrument.sections.findIndex((s) => s.id === params.step);
	if (index < 0) error(404, 'There is no such step in the survey');
	return { index };
};
