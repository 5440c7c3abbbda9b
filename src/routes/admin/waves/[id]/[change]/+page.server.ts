import { error, fail, redirect } from '@sveltejs/kit';
import { TRPCError } from '@trpc/server';
import { refusalStatus } from '$lib/server/trpc/status';
import { callerFor } from '$lib/server/trpc/caller';
import type { Actions, PageServerLoad } from './$types';

const changeOf = (change: string) => {
	if (change !== 'open' && change !== 'close') error(404, 'Waves can be opened or closed');
	return change;
};

/** "Are you sure?" before a wave opens or closes: the survey starts or stops taking responses at once. */
export const load: PageServerLoad = async (event) => {
	await event.parent(); // administrators only (the layout's check comes first)
	const change = changeOf(event.params.change);
	const { caller } = await callerFor(event);
	const waves = await caller.admin.waves.list();
	const wave = waves.find((w) => w.id === event.params.id);
	if (!wave) error(404, `There is no wave called ${event.params.id}`);
	const open = waves.find((w) => w.status === 'open' && w.id !== wave.id);
	return {
		change,
		wave: { id: wave.id, label: wave.label, status: wave.status },
		alsoCloses: change === 'open' && open ? open.label : null
	};
};

export const actions: Actions = {
	default: async (event) => {
		const change = changeOf(event.params.change);
		const { caller } = await callerFor(event);
		try {
			if (change === 'open') await caller.admin.waves.open({ id: event.params.id });
			else await caller.admin.waves.close({ id: event.params.id });
		} catch (problem) {
			const status = refusalStatus(problem);
			if (status) return fail(status, { problem: (problem as TRPCError).message });
			throw problem;
		}
		redirect(303, `/admin?${change === 'open' ? 'opened' : 'closed'}=${event.params.id}`);
	}
};
