import { router } from '../trpc';
import { authRouter } from './auth';
import { surveyRouter } from './survey';

export const appRouter = router({
	survey: surveyRouter,
	auth: authRouter
});

export type AppRouter = typeof appRouter;
