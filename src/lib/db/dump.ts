/**
 * Every record of every store as plain JSON, binary fields as hex. Tests use it to prove a failed
 * operation changed nothing and that no plaintext secret reached storage.
 */
import type { PerchDatabase } from './open';
import { ALL_STORES, type PerchStoreName } from './schema';

export type DatabaseDump = Record<PerchStoreName, { key: unknown; value: unknown }[]>;

export async function dumpDatabase(db: PerchDatabase): Promise<DatabaseDump> {
	const tx = db.transaction(ALL_STORES);
	const dump = {} as DatabaseDump;
	for (const name of ALL_STORES) {
		const store = tx.objectStore(name);
		const keys = await store.getAllKeys();
		const values = await store.getAll();
		dump[name] = keys.map((key, i) => ({ key, value: toPlain(values[i]) }));
	}
	await tx.done;
	return dump;
}

/** Every binary field in the database, for byte-level searches. */
export function collectBinary(value: unknown, out: Uint8Array[] = []): Uint8Array[] {
	if (value instanceof ArrayBuffer) out.push(new Uint8Array(value));
	else if (ArrayBuffer.isView(value)) {
		out.push(new Uint8Array(value.buffer, value.byteOffset, value.byteLength));
	} else if (Array.isArray(value)) value.forEach((v) => collectBinary(v, out));
	else if (value && typeof value === 'object') {
		Object.values(value).forEach((v) => collectBinary(v, out));
	}
	return out;
}

export async function dumpBinary(db: PerchDatabase): Promise<Uint8Array[]> {
	const tx = db.transaction(ALL_STORES);
	const out: Uint8Array[] = [];
	for (const name of ALL_STORES) collectBinary(await tx.objectStore(name).getAll(), out);
	await tx.done;
	return out;
}

function toPlain(value: unknown): unknown {
	if (value instanceof ArrayBuffer) return { arrayBuffer: hex(new Uint8Array(value)) };
	if (ArrayBuffer.isView(value)) {
		const bytes = new Uint8Array(value.buffer, value.byteOffset, value.byteLength);
		return { [value.constructor.name]: hex(bytes) };
	}
	if (Array.isArray(value)) return value.map(toPlain);
	if (value && typeof value === 'object') {
		return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, toPlain(v)]));
	}
	return value;
}

function hex(bytes: Uint8Array): string {
	return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}
