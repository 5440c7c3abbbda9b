import { fail } from '@sveltejs/kit';
import { TRPCError } from '@trpc/server';
import { ZodError } from 'zod';
import { refusalStatus } from './trpc/status';

/** A refused change as error-summary entries pointing at the field to blame (`fields` maps a
 *  procedure's input name to the page's element id; the first is blamed when none fits).
 *  Anything but a refusal in words is a fault and is thrown on. */
export function refused<V extends Record<string, unknown>>(error: unknown, fields: Fields, values: V = {} as V) {
	const first = typeof fields === 'function' ? fields([]) : (Object.values(fields)[0] ?? 'maincontent');
	if (error instanceof TRPCError && error.cause instanceof ZodError)
		return fail(400, {
			values,
			errors: error.cause.issues.map((i) => ({ href: `#${fieldOf(fields, i.path, first)}`, message: i.message }))
		});
	const status = refusalStatus(error);
	if (status) return fail(status, { values, errors: [{ href: `#${first}`, message: (error as TRPCError).message }] });
	throw error;
}

/** Input names to element ids, or a function from an issue's path (for nested input) to an id. */
type Fields = Record<string, string> | ((path: PropertyKey[]) => string);
const fieldOf = (fields: Fields, path: PropertyKey[], first: string) =>
	typeof fields === 'function' ? fields(path) : (fields[String(path[0])] ?? first);

/** The same for a form's own check before it asks for confirmation. */
export function invalid<V extends Record<string, unknown>>(error: ZodError, fields: Record<string, string>, values: V) {
	const first = Object.values(fields)[0];
	return fail(400, { values, errors: error.issues.map((i) => ({ href: `#${fields[String(i.path[0])] ?? first}`, message: i.message })) });
}
