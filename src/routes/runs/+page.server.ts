import { signedIn } from '$lib/server/auth/guard';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = ({ locals, url }) => {
	const user = signedIn(locals, url);
	return { role: user.role, region: user.region };
};
