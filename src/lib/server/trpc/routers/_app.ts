import { router } from '../trpc';
import { adminRouter } from './admin';
import { authRouter } from './auth';
import { surveyRouter } from './survey';

export const appRouter = router({
	survey: surveyRouter,
	auth: authRouter,
	admin: adminRouter
});

export type AppRouter = typeof appRouter;
