// The admin's accounts: list, add, reset a password, lift a sign-in wait, disable and enable, change a
// role or region. Every change is audited; the storage rules (the last admin stays) are in auth/users.
import { TRPCError } from '@trpc/server';
import { z } from 'zod';
import { audit } from '../../auth/audit';
import { signInWaits } from '../../auth/sign-in-waits';
import {
	AccountRefused,
	changeRole,
	createUser,
	findAccount,
	generatePassword,
	listAccounts,
	resetPassword,
	ROLES,
	roleProblem,
	setDisabled
} from '../../auth/users';
import { adminProcedure, router } from '../trpc';

/** A refusal from storage as the matching tRPC error, its words kept. */
async function refusing<T>(job: () => Promise<T>): Promise<T> {
	try {
		return await job();
	} catch (error) {
		if (!(error instanceof AccountRefused)) throw error;
		const code = error.kind === 'not_found' ? 'NOT_FOUND' : error.kind === 'conflict' ? 'CONFLICT' : 'BAD_REQUEST';
		throw new TRPCError({ code, message: error.message });
	}
}

const accountId = z.strictObject({
	id: z.string({ error: 'Say which account' }).regex(/^[0-9a-f-]{36}$/i, { error: 'There is no such account' })
});

const roleFields = {
	role: z.enum(ROLES, { error: `Choose a role: ${ROLES.join(', ')}` }),
	// An empty choice (no region) arrives from a form as ""
	region: z
		.string()
		.trim()
		.max(20)
		.transform((r) => r || null)
		.nullish()
};

/** A role and its region, checked together: a regional planner needs a region, no one else has one. */
function checkRole(v: { role: string; region?: string | null }, ctx: z.RefinementCtx) {
	const problem = roleProblem(v.role, v.region);
	if (problem) ctx.addIssue({ code: 'custom', path: ['region'], message: problem });
}

export const roleInput = z.strictObject(roleFields).superRefine(checkRole);

export const newAccountInput = z
	.strictObject({
		email: z
			.string({ error: 'Enter an email address' })
			.trim()
			.toLowerCase()
			.max(254, { error: 'Email addresses are 254 characters or fewer' })
			.regex(/^[^\s@]+@[^\s@]+\.[^\s@]+$/, { error: 'Enter an email address, such as name@nhs.net' }),
		...roleFields
	})
	.superRefine(checkRole);

export const accountsRouter = router({
	/** Every account with its role, region, last sign-in and whether a sign-in wait holds it. */
	list: adminProcedure.query(async ({ ctx }) => {
		const waits = signInWaits(ctx.survey.config, ctx.survey.db);
		return Promise.all(
			(await listAccounts(ctx.survey.db)).map(async (a) => ({ ...a, signInWaitSeconds: await waits.longestWait(a.email) }))
		);
	}),

	get: adminProcedure.input(accountId).query(async ({ ctx, input }) => {
		const account = await refusing(() => findAccount(ctx.survey.db, input.id));
		return { ...account, signInWaitSeconds: await signInWaits(ctx.survey.config, ctx.survey.db).longestWait(account.email) };
	}),

	/** Adds an account with a generated password, returned this once for the admin to pass on. */
	add: adminProcedure.input(newAccountInput).mutation(async ({ ctx, input }) => {
		const password = generatePassword();
		const region = input.region ?? null;
		let account;
		try {
			account = await createUser(ctx.survey.db, input.email, input.role, region, password);
		} catch (error) {
			throw new TRPCError({
				code: /already exists/.test((error as Error).message) ? 'CONFLICT' : 'BAD_REQUEST',
				message: (error as Error).message
			});
		}
		await audit(ctx.survey.db, ctx.user.email, 'user_created', { email: account.email, role: account.role, region });
		return { account, password };
	}),

	/** A new generated password, returned this once; the account's sessions end. */
	resetPassword: adminProcedure.input(accountId).mutation(async ({ ctx, input }) => {
		const { account, password } = await refusing(() => resetPassword(ctx.survey.db, input.id));
		await audit(ctx.survey.db, ctx.user.email, 'password_reset', { email: account.email });
		return { account, password };
	}),

	/** Lets the account try to sign in again at once, from every address. */
	liftSignInWait: adminProcedure.input(accountId).mutation(async ({ ctx, input }) => {
		const account = await refusing(() => findAccount(ctx.survey.db, input.id));
		const waits = signInWaits(ctx.survey.config, ctx.survey.db);
		const seconds = await waits.longestWait(account.email);
		await waits.lift(account.email);
		await audit(ctx.survey.db, ctx.user.email, 'sign_in_wait_lifted', { email: account.email, seconds });
		return { account, seconds };
	}),

	disable: adminProcedure.input(accountId).mutation(async ({ ctx, input }) => {
		const account = await refusing(() => setDisabled(ctx.survey.db, input.id, true));
		await audit(ctx.survey.db, ctx.user.email, 'account_disabled', { email: account.email });
		return account;
	}),

	enable: adminProcedure.input(accountId).mutation(async ({ ctx, input }) => {
		const account = await refusing(() => setDisabled(ctx.survey.db, input.id, false));
		await audit(ctx.survey.db, ctx.user.email, 'account_enabled', { email: account.email });
		return account;
	}),

	changeRole: adminProcedure
		.input(z.strictObject({ ...accountId.shape, ...roleFields }).superRefine(checkRole))
		.mutation(async ({ ctx, input }) => {
			const { before, after } = await refusing(() => changeRole(ctx.survey.db, input.id, input.role, input.region ?? null));
			const detail = {
				email: after.email,
				from: { role: before.role, region: before.region },
				to: { role: after.role, region: after.region }
			};
			await audit(ctx.survey.db, ctx.user.email, 'role_changed', detail);
			return after;
		})
});
