import { redirect } from '@sveltejs/kit';
import type { PageServerLoad } from './$types';

/** Only same-site paths are followed after sign-in, never another site. */
const safeNext = (next: string | null) => (next && /^\/(?!\/)[\w\-/?=&%.]*$/.test(next) ? next : '/reports');

export const load: PageServerLoad = ({ locals, url }) => {
	const next = safeNext(url.searchParams.get('next'));
	if (locals.user) redirect(303, next);
	return { next };
};
