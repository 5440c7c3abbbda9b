import { router } from '../trpc';
import { adminRouter } from './admin';
import { authRouter } from './auth';
import { runsRouter } from './runs';
import { surveyRouter } from './survey';

export const appRouter = router({
	survey: surveyRouter,
	auth: authRouter,
	admin: adminRouter,
	runs: runsRouter
});

export type AppRouter = typeof appRouter;
