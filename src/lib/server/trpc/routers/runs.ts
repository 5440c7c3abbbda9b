import { TRPCError } from '@trpc/server';
import { audit } from '../../auth/audit';
import { runProgress, startRun } from '../../pipeline';
import { adminProcedure, plannerProcedure, router } from '../trpc';

export interface RunSummary {
	runId: string;
	wave: string | null;
	trigger: string;
	status: 'running' | 'succeeded' | 'failed';
	startedAt: string;
	seconds: number | null;
	respondents: number | null;
	error: string | null;
}

export const runsRouter = router({
	/** Batch pipeline runs, newest first. Failure details are for admins only. */
	list: plannerProcedure.query(async ({ ctx }): Promise<RunSummary[]> => {
		const rows = await ctx.survey.db.query(
			`SELECT run_id, wave_id, trigger, status, started_at, respondents, error,
				extract(epoch FROM (finished_at - started_at))::DOUBLE PRECISION AS seconds
			 FROM pipeline_runs ORDER BY started_at DESC LIMIT 100`
		);
		return rows.map((r) => ({
			runId: String(r.run_id),
			wave: (r.wave_id as string | null) ?? null,
			trigger: String(r.trigger),
			status: r.status as RunSummary['status'],
			startedAt: new Date(String(r.started_at)).toISOString(),
			seconds: r.seconds === null ? null : Number(r.seconds),
			// England's count is an England figure: not for regional planners (pipelines/disclosure/planner-view.ts).
			respondents: r.respondents === null || ctx.user.role === 'regional' ? null : Number(r.respondents),
			error: ctx.user.role === 'admin' ? ((r.error as string | null) ?? null) : null
		}));
	}),

	progress: adminProcedure.query(({ ctx }) => runProgress(ctx.survey)),

	/** Starts a run in the server now; the page follows it with `progress`. */
	start: adminProcedure.mutation(async ({ ctx }) => {
		let progress;
		try {
			// Returns once the run has begun (or another instance's run is found); the run goes on in the
			// background, its outcome recorded in pipeline_runs and `progress`.
			progress = await startRun(ctx.survey);
		} catch (error) {
			throw new TRPCError({ code: 'CONFLICT', message: (error as Error).message });
		}
		await audit(ctx.survey.db, ctx.user.email, 'pipeline_run_started');
		return progress;
	})
});
