// See https://svelte.dev/docs/kit/types#app.d.ts
import type { User } from '$lib/server/auth/users';

declare global {
	namespace App {
		interface Locals {
			/** The signed-in planner or admin; survey respondents are never identified. */
			user: User | null;
		}
	}
}
export {};
