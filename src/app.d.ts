// See https://svelte.dev/docs/kit/types#app.d.ts
import type { User } from '$lib/server/auth/users';

declare global {
	namespace App {
		interface Locals {
			/** The signed-in planner or admin; survey respondents are never identified. */
			user: User | null;
			/** The session cookie's token, if any (only its hash is stored). */
			sessionToken: string | undefined;
		}
		interface Platform {
			/** adapter-node's request, for the connection's own address (see client-address.ts). */
			req?: import('node:http').IncomingMessage;
		}
	}
}
export {};
