import { initTRPC, TRPCError } from '@trpc/server';
import { ZodError } from 'zod';
import { fieldErrorsOf } from '../../instrument/schema';
import type { Context } from './context';
import type { Role } from '../auth/users';
import { overLimit, type Limited } from '../rate-limits';

const t = initTRPC.context<Context>().create({
	errorFormatter({ shape, error, path }) {
		const fieldErrors = error.cause instanceof ZodError ? fieldErrorsOf(error.cause) : null;
		const message = fieldErrors
			? path?.startsWith('survey.')
				? 'Some answers need correcting before they can be saved.'
				: `Some of what was sent needs correcting: ${Object.values(fieldErrors).flat().slice(0, 3).join('; ')}`
			: error.cause instanceof SyntaxError
				? 'The request could not be read: it was not valid JSON.'
				: error.message === 'Batching is not enabled on the server'
					? 'Send one call per request: this server does not accept batched calls.'
					: error.code === 'INTERNAL_SERVER_ERROR'
						? 'Something went wrong on our side and nothing was saved. Please try again in a moment.'
						: shape.message;
		// Never send stack traces to the browser.
		const { stack: _stack, ...data } = shape.data;
		return { ...shape, message, data: { ...data, fieldErrors } };
	}
});

/** Checks the role on the server: no session is UNAUTHORIZED (401), the wrong role FORBIDDEN (403). */
const requireRole = (roles: Role[]) =>
	t.middleware(({ ctx, next }) => {
		if (!ctx.user) throw new TRPCError({ code: 'UNAUTHORIZED', message: 'Sign in to see this.' });
		if (!roles.includes(ctx.user.role)) throw new TRPCError({ code: 'FORBIDDEN', message: 'Your account does not have access to this.' });
		// Nothing signed-in may be cached by a browser or proxy.
		ctx.resHeaders.set('cache-control', 'no-store');
		return next({ ctx: { ...ctx, user: ctx.user } });
	});

/** Counts a call from the client's address against `what`; over the limit, throws 429 with Retry-After. */
export function enforceLimit(
	ctx: Context,
	what: Limited,
	message = (wait: number) =>
		`Too many requests from your network just now. Please wait ${wait} seconds and try again: nothing has been lost.`
) {
	const wait = overLimit(ctx.survey.config, what, ctx.clientAddress, ctx.survey.db);
	if (wait > 0) {
		ctx.resHeaders.set('retry-after', String(wait));
		throw new TRPCError({ code: 'TOO_MANY_REQUESTS', message: message(wait) });
	}
}

/** Answers too many calls from one address with 429 and Retry-After. */
const rateLimited = (what: Limited) =>
	t.middleware(({ ctx, next }) => {
		enforceLimit(ctx, what);
		return next();
	});

export const router = t.router;
/** For calling procedures from server code (the survey's form actions), with the same middlewares. */
export const createCallerFactory = t.createCallerFactory;
export const limitedProcedure = (what: Limited) => t.procedure.use(rateLimited(what));
export const publicProcedure = t.procedure;
export const plannerProcedure = t.procedure.use(requireRole(['national', 'regional', 'admin']));
export const adminProcedure = t.procedure.use(requireRole(['admin']));
