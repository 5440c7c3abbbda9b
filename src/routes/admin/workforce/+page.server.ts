import { redirect } from '@sveltejs/kit';
import { callerFor } from '$lib/server/trpc/caller';
import { refused } from '$lib/server/form-errors';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async (event) => {
	await event.parent(); // administrators only (the layout's check comes first)
	const rows = event.url.searchParams.get('saved');
	return { saved: rows && /^\d+$/.test(rows) ? Number(rows) : null };
};

export const actions: Actions = {
	/** A multipart form post with the CSV file: works with and without JavaScript. */
	default: async (event) => {
		const file = (await event.request.formData()).get('file');
		// No file chosen arrives as an empty, nameless part: the router then says "Choose a CSV file".
		const csv = file instanceof File && file.name !== '' ? await file.text() : (undefined as unknown as string);
		const { caller } = await callerFor(event);
		let rows: number;
		try {
			({ rows } = await caller.admin.uploadWorkforce({ csv }));
		} catch (problem) {
			return refused(problem, { csv: 'workforce-file' });
		}
		redirect(303, `/admin/workforce?saved=${rows}`);
	}
};
