import { router } from '../trpc';
import { surveyRouter } from './survey';

export const appRouter = router({
	survey: surveyRouter
});

export type AppRouter = typeof appRouter;
