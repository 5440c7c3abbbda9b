import { router } from '../trpc';
import { adminRouter } from './admin';
import { authRouter } from './auth';
import { reportsRouter } from './reports';
import { runsRouter } from './runs';
import { surveyRouter } from './survey';

export const appRouter = router({
	survey: surveyRouter,
	auth: authRouter,
	admin: adminRouter,
	runs: runsRouter,
	reports: reportsRouter
});

export type AppRouter = typeof appRouter;
