import { initTRPC } from '@trpc/server';
import { ZodError } from 'zod';
import { fieldErrorsOf } from '../../instrument/schema';
import type { Context } from './context';

const t = initTRPC.context<Context>().create({
	errorFormatter({ shape, error }) {
		const fieldErrors = error.cause instanceof ZodError ? fieldErrorsOf(error.cause) : null;
		const message = fieldErrors
			? 'Some answers need correcting before they can be saved.'
			: error.cause instanceof SyntaxError
				? 'The request could not be read: it was not valid JSON.'
				: error.code === 'INTERNAL_SERVER_ERROR'
					? 'Something went wrong on our side and nothing was saved. Please try again in a moment.'
					: shape.message;
		// Never send stack traces to the browser.
		const { stack: _stack, ...data } = shape.data;
		return { ...shape, message, data: { ...data, fieldErrors } };
	}
});

export const router = t.router;
export const publicProcedure = t.procedure;
export const createCallerFactory = t.createCallerFactory;
