import { Database } from '../../src/lib/server/db/database';
import { PostgresStore } from '../../src/lib/server/db/postgres';
import { createUser, type Role } from '../../src/lib/server/auth/users';
import { instrument } from '../../src/lib/instrument/survey';

export const PASSWORD = 'a long enough test password';

export const ACCOUNTS: Array<{ email: string; role: Role; region: string | null }> = [
	{ email: 'national@example.org', role: 'national', region: null },
	{ email: 'london@example.org', role: 'regional', region: 'E40000003' },
	{ email: 'midlands@example.org', role: 'regional', region: 'E40000011' },
	{ email: 'admin@example.org', role: 'admin', region: null }
];

/** Creates the test accounts in a database file (or a postgres:// database) before a server opens it. */
export async function createAccounts(path: string): Promise<void> {
	const db = /^postgres(ql)?:\/\//.test(path) ? await PostgresStore.open(path, instrument) : await Database.open(path, instrument);
	try {
		for (const a of ACCOUNTS) await createUser(db, a.email, a.role, a.region, PASSWORD);
	} finally {
		await db.close();
	}
}
