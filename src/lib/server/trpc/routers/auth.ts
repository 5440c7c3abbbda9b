import { TRPCError } from '@trpc/server';
import { z } from 'zod';
import { audit } from '../../auth/audit';
import { verifyPassword } from '../../auth/passwords';
import { RateLimit } from '../../auth/rate-limit';
import { createSession, endSession, sessionCookie } from '../../auth/sessions';
import { findUserByEmail, normaliseEmail } from '../../auth/users';
import { limitedProcedure, publicProcedure, router } from '../trpc';

let loginLimit: RateLimit | undefined;
// Verifying against a real hash when the account does not exist keeps the timing the same.
const DUMMY_HASH = '$argon2id$v=19$m=19456,t=2,p=1$pDN6VBvyhsYtI5n7d5gMmw$nIyZuYc2Aiv5LZxsW4z7hJjaae1c5Wqb5apUCv2a4Wo';

export const authRouter = router({
	login: limitedProcedure('login')
		.input(
			z.strictObject({
				email: z.string({ error: 'Enter your email address' }).trim().min(1, { error: 'Enter your email address' }).max(254, { error: 'That email address is too long' }),
				password: z.string({ error: 'Enter your password' }).min(1, { error: 'Enter your password' }).max(200, { error: 'That password is too long' })
			})
		)
		.mutation(async ({ ctx, input }) => {
			const { db, config } = ctx.survey;
			loginLimit ??= new RateLimit(config.LOGIN_ATTEMPTS, config.LOGIN_WINDOW_SECONDS);
			const email = normaliseEmail(input.email);
			const wait = loginLimit.hit(email);
			if (wait > 0) {
				ctx.resHeaders.set('retry-after', String(wait));
				await audit(db, email, 'login_rate_limited');
				throw new TRPCError({ code: 'TOO_MANY_REQUESTS', message: `Too many sign-in attempts for this account. Try again in ${Math.ceil(wait / 60)} minutes.` });
			}
			const user = await findUserByEmail(db, email);
			const ok = await verifyPassword(user?.passwordHash ?? DUMMY_HASH, input.password);
			if (!user || !ok) {
				await audit(db, email, 'login_failed');
				throw new TRPCError({ code: 'UNAUTHORIZED', message: 'The email address or password is not right.' });
			}
			loginLimit.reset(email);
			const session = await createSession(db, user.id, config.SESSION_TTL_SECONDS);
			ctx.resHeaders.append('set-cookie', sessionCookie(session.token, config.SESSION_TTL_SECONDS, ctx.secure));
			await audit(db, user.email, 'login');
			return { email: user.email, role: user.role, region: user.region };
		}),

	logout: publicProcedure.mutation(async ({ ctx }) => {
		await endSession(ctx.survey.db, ctx.sessionToken);
		ctx.resHeaders.append('set-cookie', sessionCookie('', 0, ctx.secure));
		if (ctx.user) await audit(ctx.survey.db, ctx.user.email, 'logout');
		return { signedOut: true };
	}),

	me: publicProcedure.query(({ ctx }) => {
		ctx.resHeaders.set('cache-control', 'no-store');
		return ctx.user ? { email: ctx.user.email, role: ctx.user.role, region: ctx.user.region } : null;
	})
});
