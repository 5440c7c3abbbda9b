import { redirect } from '@sveltejs/kit';
import { TRPCError } from '@trpc/server';
import { callerFor } from '$lib/server/trpc/caller';
import { refused } from '$lib/server/form-errors';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async (event) => {
	await event.parent(); // administrators only (the layout's check comes first)
	const { caller } = await callerFor(event);
	const [waves, settings] = await Promise.all([caller.admin.waves.list(), caller.admin.settings()]);
	// What was just done, from the address the action sent the browser to; only known changes are named.
	const params = event.url.searchParams;
	const wave = waves.find((w) => w.id === (params.get('planned') ?? params.get('opened') ?? params.get('closed')));
	const done = wave
		? `Wave ${wave.label} is ${params.has('planned') ? 'planned' : params.has('opened') ? 'open' : 'closed'}.`
		: params.has('threshold')
			? settings.setByEnvironment
				? `The smallest published count is saved as ${settings.saved}; PIPELINE_THRESHOLD keeps ${settings.threshold} in force on this server.`
				: `The smallest published count is now ${settings.threshold}.`
			: null;
	const { threshold, saved, setByEnvironment } = settings;
	return {
		waves: waves.map((w) => ({ id: w.id, label: w.label, status: w.status, responses: w.responses })),
		threshold,
		saved,
		setByEnvironment,
		done
	};
};

export const actions: Actions = {
	plan: async (event) => {
		const form = await event.request.formData();
		const values = { id: String(form.get('id') ?? ''), label: String(form.get('label') ?? '') };
		const { caller } = await callerFor(event);
		let id: string;
		try {
			({ id } = await caller.admin.waves.create(values));
		} catch (error) {
			return refused(error, { id: 'wave-id', label: 'wave-label' }, values);
		}
		redirect(303, `/admin?planned=${id}`);
	},
	threshold: async (event) => {
		const form = await event.request.formData();
		const raw = String(form.get('threshold') ?? '').trim();
		const threshold = /^\d+$/.test(raw) ? Number(raw) : (undefined as unknown as number);
		const { caller } = await callerFor(event);
		try {
			await caller.admin.setThreshold({ threshold, ...(form.get('confirm') === 'yes' ? { belowDefaultConfirmed: true as const } : {}) });
		} catch (error) {
			// Below the default: say what it risks and ask before saving.
			if (error instanceof TRPCError && error.code === 'PRECONDITION_FAILED')
				return { values: { threshold: raw }, belowDefault: { threshold, risk: error.message } };
			return refused(error, { threshold: 'threshold' }, { threshold: raw });
		}
		redirect(303, '/admin?threshold=saved');
	}
};
