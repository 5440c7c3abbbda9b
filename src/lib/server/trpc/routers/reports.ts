// Planner analytics: disclosure-controlled aggregates for the dashboard (/reports) and a summary per
// region or England. Figures come from the batch pipeline's own stages over the live cube
// (src/lib/server/analytics), so the dashboard and the published reports cannot disagree in method.
//
// Regional isolation: a regional planner's scope is their own region, and nothing else. Asking for
// another region, or for England, is FORBIDDEN. England totals are refused too: the report browser
// gives regional planners only their region's report, and England figures beside filtered regional
// ones would let "the rest of England" be worked out; the dashboard's filters then always narrow
// rows that are all in their region.
import { TRPCError } from '@trpc/server';
import { z } from 'zod';
import { ENGLAND, regions, sectors, specialties, staffGroups } from '../../../instrument/reference';
import { regionName } from '$pipelines/core/reference';
import { BREAKDOWN_DIMENSIONS, DIMENSION_NAMES } from '$pipelines/stages/breakdowns';
import { COMPARISON_TABLES, figuresVersion, wavesOf, type Dashboard, type DashboardFilter } from '../../analytics/dashboard';
import { liveCubeOf, type SnapshotInfo } from '../../analytics/live-cube';
import { FigureCache } from '../../analytics/figure-cache';
import { rowsOf } from '$pipelines/core/context';
import type { Store } from '../../db/store';
import { dashboardQueueOf, QueueRefusal } from '../../analytics/fair-queue';
import { dashboardEngine } from '../../analytics/engine-client';
import { publicationSettings } from '$pipelines/settings';
import { plannerProcedure, router } from '../trpc';
import type { Context } from '../context';

/** One of a reference list's codes, or a message naming what was wrong in words. */
const codeOf = (what: string, list: Array<{ code: string }>) =>
	z.enum(list.map((x) => x.code) as [string, ...string[]], {
		error: (issue) => `"${String(issue.input)}" is not ${what}. Use one of: ${list.map((x) => x.code).join(', ')}`
	});

const wave = z.string().regex(/^[0-9]{4}-[0-9]{2}$/, { error: 'A wave is written like 2026-27' });
const region = codeOf('England (E92000001) or an NHS England region code', [ENGLAND, ...regions]);

const summaryInput = z.strictObject({ wave: wave.optional(), region: region.optional() });
const dashboardInput = summaryInput.extend({
	sector: codeOf('a sector', sectors).optional(),
	staffGroup: codeOf('a staff group', staffGroups).optional(),
	specialty: codeOf('a clinical specialty', specialties).optional(),
	breakdown: z
		.array(
			z.enum(BREAKDOWN_DIMENSIONS, {
				error: (issue) =>
					`"${String(issue.input)}" is not a characteristic to break the figures down by. Use two of: ${BREAKDOWN_DIMENSIONS.join(', ')}`
			}),
			{ error: 'A breakdown is a list of two characteristics, for example ["region", "staff_group"]' }
		)
		.length(2, { error: `Choose two characteristics to break the figures down by, from: ${BREAKDOWN_DIMENSIONS.join(', ')}` })
		.refine(([a, b]) => a !== b, { error: 'Choose two different characteristics to break the figures down by' })
		.transform(([a, b]) => [a, b] as [(typeof BREAKDOWN_DIMENSIONS)[number], (typeof BREAKDOWN_DIMENSIONS)[number]])
		.optional()
});

type User = NonNullable<Context['user']>;

/** The region (or England) a planner's request may cover; FORBIDDEN for anything else. */
function scopeOf(user: User, asked: string | undefined): string {
	if (user.role !== 'regional') return asked ?? ENGLAND.code;
	if (!user.region)
		throw new TRPCError({ code: 'FORBIDDEN', message: 'Your regional account has no region set. Ask an administrator to set it.' });
	if (asked && asked !== user.region) {
		throw new TRPCError({
			code: 'FORBIDDEN',
			message: `Your account shows figures for ${regionName(user.region)} only, not ${regionName(asked)}.`
		});
	}
	return user.region;
}

/** The figures a request asks for: its filters, with the region it names as the scope. England asked
 *  by its code and England by default (or a regional planner's own region, named or not) are then one
 *  view, kept once in the figure cache, not two worked out apart. */
export function filterOf(user: User, { region, ...filters }: z.infer<typeof dashboardInput>): DashboardFilter {
	return { ...filters, scope: scopeOf(user, region) };
}

/** Says no more than the planner's wave list does: planned waves are not named, nor told apart. */
const noSuchWave = (id: string) =>
	new TRPCError({
		code: 'NOT_FOUND',
		message: `There are no figures for a wave called "${id}". Choose one of the waves the dashboard offers.`
	});

/** `cancelled`: the client's request signal (tRPC's `signal`), so figures nobody waits for leave the queue. */
async function figures(ctx: Context & { user: User }, filter: DashboardFilter, cancelled?: AbortSignal) {
	const settings = publicationSettings();
	const { config, db } = ctx.survey;
	if (filter.wave && (await db.query(`SELECT 1 FROM waves WHERE id = $1 AND status <> 'planned'`, [filter.wave])).length === 0)
		throw noSuchWave(filter.wave);
	// Started at the first planner request, not with the server (a server that only takes the survey
	// never pays for it), while the live cube is built; a failure to start is said by figures().
	void dashboardEngine()
		.start()
		.catch(() => undefined);
	try {
		// Planners take turns (fair-queue.ts): one planner's many requests cannot hold up the others.
		const queue = dashboardQueueOf({
			perUser: config.DASHBOARD_QUEUE_PER_USER,
			waitMs: config.DASHBOARD_WAIT_SECONDS * 1000,
			jobMs: config.DASHBOARD_JOB_SECONDS * 1000
		});
		const policy = {
			everySeconds: config.DASHBOARD_SNAPSHOT_SECONDS,
			minNewResponses: config.DASHBOARD_SNAPSHOT_MIN_RESPONSES,
			settleMs: config.DASHBOARD_SNAPSHOT_SETTLE_MS
		};
		const cache = figureCacheOf(db, config.DASHBOARD_CACHE_ENTRIES);
		return await queue.run(
			ctx.user.id,
			(signal) =>
				liveCubeOf(db, policy).use(settings.measures, async (live, snapshot) => {
					const waves = await wavesOf(live.c);
					const version = figuresVersion(settings, waves);
					const key = [
						snapshot.takenAt,
						version,
						Object.entries(filter)
							.filter(([, v]) => v !== undefined)
							.sort()
					];
					// Worked out by the dashboard engine, a process of lower priority: respondents first.
					return cache.get(key, async () => ({
						...(await dashboardEngine().figures({ cube: await live.copy(), waves, filter, settings, version }, signal)),
						snapshot
					}));
				}),
			cancelled
		);
	} catch (error) {
		if (error instanceof QueueRefusal) {
			ctx.resHeaders.set('retry-after', String(error.retryAfter));
			throw new TRPCError({ code: error.code, message: error.message });
		}
		if (error instanceof Error && /^There is no wave/.test(error.message)) throw noSuchWave(filter.wave ?? '');
		if (error instanceof Error && /^There are no waves/.test(error.message))
			throw new TRPCError({ code: 'NOT_FOUND', message: error.message });
		throw error;
	}
}

type Figures = Dashboard & { snapshot: SnapshotInfo };
const caches = new WeakMap<Store, FigureCache<Figures>>();
/** One cache of dashboard figures per database in this process. */
const figureCacheOf = (db: Store, entries: number) =>
	caches.get(db) ?? (caches.set(db, new FigureCache<Figures>(entries)), caches.get(db)!);

export const reportsRouter = router({
	/** What the dashboard's filters may offer this planner: reportable waves and the regions they may see. */
	options: plannerProcedure.query(async ({ ctx }) => {
		const waves = await ctx.survey.db.query(`SELECT id, label FROM waves WHERE status <> 'planned' ORDER BY id DESC`);
		const allowed = ctx.user.role === 'regional' ? regions.filter((r) => r.code === ctx.user.region) : [ENGLAND, ...regions];
		return {
			waves: waves.map((w) => ({ id: String(w.id), label: String(w.label) })),
			regions: allowed.map((r) => ({ code: r.code, name: r.name })),
			sectors: sectors.map((s) => ({ code: s.code, name: s.name })),
			staffGroups: staffGroups.map((s) => ({ code: s.code, name: s.name })),
			specialties: specialties.map((s) => ({ code: s.code, name: s.name })),
			breakdowns: BREAKDOWN_DIMENSIONS.map((code) => ({ code, name: DIMENSION_NAMES[code] }))
		};
	}),

	/** Respondents, needs ranking and success measures for one region or England, one wave. */
	summary: plannerProcedure.input(summaryInput.default({})).query(async ({ ctx, input, signal }) => {
		const d = await figures(ctx, filterOf(ctx.user, input), signal);
		return {
			wave: d.wave,
			region: d.scope,
			respondents: d.respondents,
			threshold: d.threshold,
			snapshot: d.snapshot,
			needs: rowsOf(d.tables, 'needs_by_competency_region'),
			successMeasures: rowsOf(d.tables, 'success_measures').filter((r) => r.wave === d.wave.id)
		};
	}),

	/** Every dashboard chart (Vega-Lite spec with its protected rows, and its data table) for a scope and filters. */
	dashboard: plannerProcedure.input(dashboardInput.default({})).query(async ({ ctx, input, signal }) => {
		const d = await figures(ctx, filterOf(ctx.user, input), signal);
		return {
			wave: d.wave,
			waves: d.waves,
			region: d.scope,
			respondents: d.respondents,
			threshold: d.threshold,
			coverageNote: d.coverageNote,
			snapshot: d.snapshot,
			charts: d.charts,
			// Change between waves, region against England and weighted figures, each with its flag or note in words.
			comparisons: Object.fromEntries(COMPARISON_TABLES.map((name) => [name, rowsOf(d.tables, name)]))
		};
	})
});
