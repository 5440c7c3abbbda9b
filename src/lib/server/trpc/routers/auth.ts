import { TRPCError } from '@trpc/server';
import { z } from 'zod';
import { audit } from '../../auth/audit';
import { verifyPassword } from '../../auth/passwords';
import { signInWaits } from '../../auth/sign-in-waits';
import { createSession, endSession, sessionCookie } from '../../auth/sessions';
import { findUserByEmail, normaliseEmail, recordSignIn } from '../../auth/users';
import { limitedProcedure, router } from '../trpc';

// Failed sign-ins are counted per account and address (auth/sign-in-waits.ts). The audit log records
// the first failure and the start of throttling per account and address and window, not every try,
// so it cannot be flooded.
const ACCOUNT_SLOW_DOWN_MS = 1000;
// Verifying against a real hash when the account does not exist keeps the timing the same.
const DUMMY_HASH = '$argon2id$v=19$m=19456,t=2,p=1$pDN6VBvyhsYtI5n7d5gMmw$nIyZuYc2Aiv5LZxsW4z7hJjaae1c5Wqb5apUCv2a4Wo';

export const authRouter = router({
	login: limitedProcedure('login')
		.input(
			z.strictObject({
				email: z
					.string({ error: 'Enter your email address' })
					.trim()
					.min(1, { error: 'Enter your email address' })
					.max(254, { error: 'That email address is too long' }),
				password: z
					.string({ error: 'Enter your password' })
					.min(1, { error: 'Enter your password' })
					.max(200, { error: 'That password is too long' })
			})
		)
		.mutation(async ({ ctx, input }) => {
			const { db, config } = ctx.survey;
			const waits = signInWaits(config, db);
			const email = normaliseEmail(input.email);
			const address = ctx.clientAddress;
			if ((await waits.failures(email, address)) >= config.LOGIN_ATTEMPTS) {
				const wait = await waits.secondsLeft(email, address);
				ctx.resHeaders.set('retry-after', String(wait));
				throw new TRPCError({
					code: 'TOO_MANY_REQUESTS',
					message: `Too many failed sign-in attempts for this account from your network. Try again in ${Math.ceil(wait / 60)} minutes, or ask an administrator to reset your password.`
				});
			}
			// Many failures from many addresses: slow every try for this account down, but let it through.
			if ((await waits.accountFailures(email)) >= config.LOGIN_ATTEMPTS * 4) await new Promise((r) => setTimeout(r, ACCOUNT_SLOW_DOWN_MS));
			const user = await findUserByEmail(db, email);
			const ok = await verifyPassword(user?.passwordHash ?? DUMMY_HASH, input.password);
			if (!user || !ok) {
				await waits.fail(email, address);
				const n = await waits.failures(email, address);
				if (n === 1) await audit(db, email, 'login_failed');
				else if (n === config.LOGIN_ATTEMPTS)
					await audit(db, email, 'login_throttled', { failures: n, windowSeconds: config.LOGIN_WINDOW_SECONDS });
				throw new TRPCError({ code: 'UNAUTHORIZED', message: 'The email address or password is not right.' });
			}
			// Only someone who knows the password learns that the account is disabled.
			if (user.disabled) {
				await audit(db, user.email, 'login_disabled');
				throw new TRPCError({ code: 'FORBIDDEN', message: 'This account is disabled. Ask an administrator to enable it again.' });
			}
			await waits.succeed(email, address);
			await recordSignIn(db, user.id);
			const session = await createSession(db, user.id, config.SESSION_TTL_SECONDS);
			ctx.resHeaders.append('set-cookie', sessionCookie(session.token, config.SESSION_TTL_SECONDS, ctx.secure));
			await audit(db, user.email, 'login');
			return { email: user.email, role: user.role, region: user.region };
		}),

	logout: limitedProcedure('query').mutation(async ({ ctx }) => {
		await endSession(ctx.survey.db, ctx.sessionToken);
		ctx.resHeaders.append('set-cookie', sessionCookie('', 0, ctx.secure));
		if (ctx.user) await audit(ctx.survey.db, ctx.user.email, 'logout');
		return { signedOut: true };
	}),

	me: limitedProcedure('query').query(({ ctx }) => {
		ctx.resHeaders.set('cache-control', 'no-store');
		return ctx.user ? { email: ctx.user.email, role: ctx.user.role, region: ctx.user.region } : null;
	})
});
