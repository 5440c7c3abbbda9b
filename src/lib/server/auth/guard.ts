import { redirect } from '@sveltejs/kit';
import type { User } from './users';

/** The signed-in planner or admin; anyone else goes to sign in, and comes back here afterwards. */
export function signedIn(locals: App.Locals, url: URL): User {
	if (!locals.user) redirect(303, `/login?next=${encodeURIComponent(url.pathname + url.search)}`);
	return locals.user;
}
