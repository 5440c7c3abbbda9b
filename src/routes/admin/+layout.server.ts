import { error } from '@sveltejs/kit';
import { signedIn } from '$lib/server/auth/guard';
import type { LayoutServerLoad } from './$types';

export const load: LayoutServerLoad = ({ locals, url }) => {
	if (signedIn(locals, url).role !== 'admin') error(403, 'Administration is for survey administrators only');
};
