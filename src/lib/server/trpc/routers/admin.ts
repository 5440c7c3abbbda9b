import { TRPCError } from '@trpc/server';
import { z } from 'zod';
import { audit, auditLog } from '../../auth/audit';
import { createWave, listWaves, setWaveStatus } from '../../db/waves';
import { adminProcedure, router } from '../trpc';

const waveId = z
	.string({ error: 'Enter a wave id' })
	.trim()
	.regex(/^[0-9]{4}-[0-9]{2}$/, { error: 'A wave id is a financial year such as 2027-28' });

async function knownWave(db: Parameters<typeof listWaves>[0], id: string) {
	const wave = (await listWaves(db)).find((w) => w.id === id);
	if (!wave) throw new TRPCError({ code: 'NOT_FOUND', message: `There is no wave called ${id}` });
	return wave;
}

export const adminRouter = router({
	waves: router({
		list: adminProcedure.query(({ ctx }) => listWaves(ctx.survey.db)),

		create: adminProcedure
			.input(z.strictObject({ id: waveId, label: z.string({ error: 'Enter a label' }).trim().min(1, { error: 'Enter a label, such as 2027/28' }).max(80, { error: 'Labels must be 80 characters or fewer' }) }))
			.mutation(async ({ ctx, input }) => {
				try {
					await createWave(ctx.survey.db, input.id, input.label);
				} catch (error) {
					throw new TRPCError({ code: 'CONFLICT', message: (error as Error).message });
				}
				await audit(ctx.survey.db, ctx.user.email, 'wave_created', input);
				return knownWave(ctx.survey.db, input.id);
			}),

		/** Opens a wave for responses; any other open wave closes, so exactly one is open. */
		open: adminProcedure.input(z.strictObject({ id: waveId })).mutation(async ({ ctx, input }) => {
			const before = await knownWave(ctx.survey.db, input.id);
			await setWaveStatus(ctx.survey.db, input.id, 'open');
			await audit(ctx.survey.db, ctx.user.email, 'wave_opened', { id: input.id, was: before.status });
			return knownWave(ctx.survey.db, input.id);
		}),

		close: adminProcedure.input(z.strictObject({ id: waveId })).mutation(async ({ ctx, input }) => {
			const before = await knownWave(ctx.survey.db, input.id);
			if (before.status !== 'open') throw new TRPCError({ code: 'BAD_REQUEST', message: `Wave ${input.id} is not open` });
			await setWaveStatus(ctx.survey.db, input.id, 'closed');
			await audit(ctx.survey.db, ctx.user.email, 'wave_closed', { id: input.id });
			return knownWave(ctx.survey.db, input.id);
		})
	}),

	auditLog: adminProcedure
		.input(z.strictObject({ limit: z.number().int().min(1).max(1000).default(200) }).default({ limit: 200 }))
		.query(({ ctx, input }) => auditLog(ctx.survey.db, input.limit)),

	/** Free-text answers are read by admins only, never published; every read is audited as an export. */
	comments: adminProcedure.input(z.strictObject({ wave: waveId.optional() }).default({})).query(async ({ ctx, input }) => {
		const rows = await ctx.survey.db.query(
			`SELECT wave_id AS wave, comments FROM responses WHERE comments IS NOT NULL AND ($1::VARCHAR IS NULL OR wave_id = $1) ORDER BY wave_id, submitted_at`,
			[input.wave ?? null]
		);
		await audit(ctx.survey.db, ctx.user.email, 'comments_exported', { wave: input.wave ?? 'all', count: rows.length });
		return rows as Array<{ wave: string; comments: string }>;
	})
});
