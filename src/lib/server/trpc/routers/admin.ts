import { TRPCError } from '@trpc/server';
import { z } from 'zod';
import { pushSettings } from '../../db/shared-settings';
import { audit, auditLog } from '../../auth/audit';
import { createWave, listWaves, setWaveStatus } from '../../db/waves';
import { NHS_DIGITAL_RULE, publishedCount, thresholdSchema } from '$pipelines/disclosure/protect';
import { adminProcedure, router } from '../trpc';
import { accountsRouter } from './accounts';
import { hasControls } from '../../../text';
import { measureSchema } from '$pipelines/core/reference';
import {
	checkWorkforceCsv,
	disclosureThreshold,
	environmentThreshold,
	publicationSettings,
	saveSuccessMeasures,
	saveWorkforceCsv,
	setDisclosureThreshold,
	successMeasures,
	thresholdInForce
} from '$pipelines/settings';

/** Runs a settings change, turning a validation failure into a clear BAD_REQUEST. */
function change<T>(job: () => T): T {
	try {
		return job();
	} catch (error) {
		const message =
			error instanceof z.ZodError ? error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ') : (error as Error).message;
		throw new TRPCError({ code: 'BAD_REQUEST', message });
	}
}

const waveId = z
	.string({ error: 'Enter a wave id' })
	.trim()
	.regex(/^[0-9]{4}-[0-9]{2}$/, { error: 'A wave id is a financial year such as 2027-28' });

const COMMENTS_PER_PAGE = 25;

/** What a threshold below NHS Digital's 8 risks, in words an admin can weigh before confirming. */
export const belowDefaultRisk = (threshold: number) =>
	`A threshold of ${threshold} is below NHS Digital's ${NHS_DIGITAL_RULE.threshold}: groups of ${threshold} to ${NHS_DIGITAL_RULE.threshold - 1} people become visible in the dashboard and the reports, which makes it harder to keep individuals anonymous (a small group's answers can point to one person). Confirm to set it anyway.`;

async function knownWave(db: Parameters<typeof listWaves>[0], id: string) {
	const wave = (await listWaves(db)).find((w) => w.id === id);
	if (!wave) throw new TRPCError({ code: 'NOT_FOUND', message: `There is no wave called ${id}` });
	return wave;
}

export const adminRouter = router({
	accounts: accountsRouter,

	waves: router({
		// Administrators are signed-in users too: they see each wave's count as published, never exact.
		list: adminProcedure.query(async ({ ctx }) => {
			const rule = publicationSettings().rule;
			return (await listWaves(ctx.survey.db)).map(({ responses_key, ...w }) => ({
				...w,
				responses: publishedCount(w.responses, responses_key, rule)
			}));
		}),

		create: adminProcedure
			.input(
				z.strictObject({
					id: waveId,
					label: z
						.string({ error: 'Enter a label' })
						.trim()
						.min(1, { error: 'Enter a label, such as 2027/28' })
						.max(80, { error: 'Labels must be 80 characters or fewer' })
						.refine((l) => !hasControls(l), { error: 'Labels cannot contain invisible control characters' })
				})
			)
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

	// The threshold in force; `saved` is the admin's, which PIPELINE_THRESHOLD overrides when set.
	settings: adminProcedure.query(() => ({
		threshold: thresholdInForce(),
		saved: disclosureThreshold(),
		setByEnvironment: environmentThreshold() !== undefined,
		measures: successMeasures()
	})),

	/** The smallest count published (NHS Digital's rule: 8; some bodies use 10). Below the default, the
	 *  caller must say it has shown the risk and the admin confirmed: a slip of one key should not make
	 *  groups of 3 visible. */
	setThreshold: adminProcedure
		.input(
			z.strictObject({
				threshold: thresholdSchema,
				belowDefaultConfirmed: z.literal(true, { error: 'Confirm with true, or leave it out' }).optional()
			})
		)
		.mutation(async ({ ctx, input }) => {
			const before = disclosureThreshold();
			if (input.threshold < NHS_DIGITAL_RULE.threshold && !input.belowDefaultConfirmed) {
				throw new TRPCError({ code: 'PRECONDITION_FAILED', message: belowDefaultRisk(input.threshold) });
			}
			change(() => setDisclosureThreshold(input.threshold));
			await pushSettings(ctx.survey.db);
			await audit(ctx.survey.db, ctx.user.email, 'threshold_changed', { from: before, to: input.threshold });
			return { threshold: disclosureThreshold() };
		}),

	/** Edits one measure's targets per wave and its amber band. */
	updateMeasure: adminProcedure
		.input(
			z.strictObject({
				id: z.string().min(1).max(60),
				targets: z.record(waveId, z.number({ error: 'Each target must be a number' }).min(0, { error: 'Targets cannot be negative' })),
				amberWithin: z.number({ error: 'Enter the amber band as a number' }).min(0, { error: 'The amber band cannot be negative' })
			})
		)
		.mutation(async ({ ctx, input }) => {
			const measures = successMeasures();
			const measure = measures.find((m) => m.id === input.id);
			if (!measure) throw new TRPCError({ code: 'NOT_FOUND', message: `There is no success measure called ${input.id}` });
			const before = { targets: measure.targets, amberWithin: measure.amberWithin };
			change(() =>
				saveSuccessMeasures(measures.map((m) => (m.id === input.id ? { ...m, targets: input.targets, amberWithin: input.amberWithin } : m)))
			);
			await pushSettings(ctx.survey.db);
			await audit(ctx.survey.db, ctx.user.email, 'measure_updated', {
				id: input.id,
				before,
				after: { targets: input.targets, amberWithin: input.amberWithin }
			});
			return successMeasures().find((m) => m.id === input.id)!;
		}),

	/** Adds a measure of one of the supported kinds (share, mean, mwds, coverage). */
	addMeasure: adminProcedure
		.input(
			measureSchema.superRefine((m, ctx) => {
				for (const field of ['name', 'definition', 'unit'] as const) {
					if (hasControls(m[field]))
						ctx.addIssue({ code: 'custom', path: [field], message: 'Cannot contain invisible control characters' });
				}
			})
		)
		.mutation(async ({ ctx, input }) => {
			const measures = successMeasures();
			if (measures.some((m) => m.id === input.id))
				throw new TRPCError({ code: 'CONFLICT', message: `A measure called ${input.id} already exists` });
			change(() => saveSuccessMeasures([...measures, input]));
			await pushSettings(ctx.survey.db);
			await audit(ctx.survey.db, ctx.user.email, 'measure_added', { id: input.id, kind: input.kind });
			return input;
		}),

	/** Replaces the workforce denominators from a CSV; nothing changes if any row is bad. */
	uploadWorkforce: adminProcedure
		.input(
			z.strictObject({
				csv: z
					.string({ error: 'Choose a CSV file' })
					.min(1, { error: 'The file is empty' })
					.max(60_000, { error: 'The file is too large for a table of denominators' })
			})
		)
		.mutation(async ({ ctx, input }) => {
			const { rows, problems } = checkWorkforceCsv(input.csv);
			if (problems.length > 0) {
				const lines = new Set(problems.map((p) => p.line)).size;
				throw new TRPCError({
					code: 'BAD_REQUEST',
					message: `The file was not used: ${lines} ${lines === 1 ? 'row has a problem' : 'rows have problems'}. ${problems
						.slice(0, 20)
						.map((p) => `Line ${p.line}: ${p.problem}.`)
						.join(' ')}`
				});
			}
			saveWorkforceCsv(input.csv);
			await pushSettings(ctx.survey.db);
			await audit(ctx.survey.db, ctx.user.email, 'workforce_uploaded', { rows });
			return { rows };
		}),

	auditLog: adminProcedure
		.input(z.strictObject({ limit: z.number().int().min(1).max(1000).default(200) }).default({ limit: 200 }))
		.query(({ ctx, input }) => auditLog(ctx.survey.db, input.limit)),

	/** One page of free-text answers to read on screen, optionally one wave's. Reading is not an export,
	 *  so it is not logged as one; the download (`comments`) is. */
	commentsPage: adminProcedure
		.input(
			z
				.strictObject({
					wave: waveId.optional(),
					page: z
						.number({ error: 'Enter a page number' })
						.int({ error: 'Enter a whole page number' })
						.min(1, { error: 'Pages start at 1' })
						.max(100_000, { error: 'There are not that many pages' })
						.default(1)
				})
				.default({ page: 1 })
		)
		.query(async ({ ctx, input }) => {
			const filter = `comments IS NOT NULL AND ($1::VARCHAR IS NULL OR wave_id = $1)`;
			const total = Number(
				(await ctx.survey.db.query(`SELECT count(*)::INTEGER AS n FROM responses WHERE ${filter}`, [input.wave ?? null]))[0].n
			);
			const pages = Math.max(1, Math.ceil(total / COMMENTS_PER_PAGE));
			const page = Math.min(input.page, pages);
			const rows = await ctx.survey.db.query(
				// Newest first, as an admin reads them; the day only (London time), not the minute, which
				// would help tie an anonymous comment to a person.
				`SELECT wave_id AS wave, CAST(timezone('Europe/London', submitted_at) AS DATE)::VARCHAR AS day, comments FROM responses
				 WHERE ${filter} ORDER BY submitted_at DESC, submission_id LIMIT ${COMMENTS_PER_PAGE} OFFSET $2`,
				[input.wave ?? null, (page - 1) * COMMENTS_PER_PAGE]
			);
			return { rows: rows as Array<{ wave: string; day: string; comments: string }>, total, page, pages, perPage: COMMENTS_PER_PAGE };
		}),

	/** Every free-text answer (optionally one wave's), for download: never published, and every
	 *  download is audited as an export. */
	comments: adminProcedure.input(z.strictObject({ wave: waveId.optional() }).default({})).query(async ({ ctx, input }) => {
		const rows = await ctx.survey.db.query(
			`SELECT wave_id AS wave, comments FROM responses WHERE comments IS NOT NULL AND ($1::VARCHAR IS NULL OR wave_id = $1) ORDER BY wave_id, submitted_at`,
			[input.wave ?? null]
		);
		await audit(ctx.survey.db, ctx.user.email, 'comments_exported', { wave: input.wave ?? 'all', count: rows.length });
		return rows as Array<{ wave: string; comments: string }>;
	})
});
