import { fail } from '@sveltejs/kit';
import { TRPCError } from '@trpc/server';
import { ZodError } from 'zod';

/** A refused change as error-summary entries pointing at the field to blame (`fields` maps a
 *  procedure's input name to the page's element id; the first is blamed when none fits).
 *  Anything but a refusal in words is a fault and is thrown on. */
export function refused<V extends Record<string, unknown>>(error: unknown, fields: Record<string, string>, values: V = {} as V) {
	const first = Object.values(fields)[0] ?? 'maincontent';
	if (error instanceof TRPCError && error.cause instanceof ZodError)
		return fail(400, { values, errors: error.cause.issues.map((i) => ({ href: `#${fields[String(i.path[0])] ?? first}`, message: i.message })) });
	if (error instanceof TRPCError && error.code !== 'INTERNAL_SERVER_ERROR')
		return fail(error.code === 'CONFLICT' ? 409 : error.code === 'NOT_FOUND' ? 404 : 400, { values, errors: [{ href: `#${first}`, message: error.message }] });
	throw error;
}

/** The same for a form's own check before it asks for confirmation. */
export function invalid<V extends Record<string, unknown>>(error: ZodError, fields: Record<string, string>, values: V) {
	const first = Object.values(fields)[0];
	return fail(400, { values, errors: error.issues.map((i) => ({ href: `#${fields[String(i.path[0])] ?? first}`, message: i.message })) });
}
