/**
 * The backup file: the vault exactly as stored (still encrypted under the backup's passphrase),
 * as versioned JSON with binary fields in base64. Parsing checks every field before anything is
 * written, so a bad file cannot damage the vault it would replace.
 */
import type { AccountRecord, EncryptedBlob, VaultMeta } from '$lib/db/schema';
import { checkAccountEndpoints } from '$lib/exchanges/endpoints';
import { isVenueId } from '$lib/exchanges/registry';
import type { Endpoints, VenueId } from '$lib/exchanges/types';
import { base64ToBytes, bytesToBase64 } from './base64';
import { IV_BYTES } from './crypto';
import { BackupFormatError } from './errors';
import { SALT_BYTES, checkIterations } from './kdf';

export const BACKUP_FORMAT = 'perch-backup';
/**
 * 3: the vault's data key, wrapped under the passphrase key, is in the file, and the accounts
 * are sealed under it (a passkey's wrap is not: the passkey belongs to one device).
 * 2: accounts may name their endpoint preset, and their keys are sealed in the venue-neutral
 * format (see account-secret.ts). Versions 1 and 2 (accounts sealed under the passphrase key)
 * still import, as does a version 2 file written by a vault that could not yet move to the
 * data-key layout.
 */
export const BACKUP_VERSION = 3;
const READABLE_VERSIONS: readonly unknown[] = [1, 2, 3];
/** Far above any real vault; refuses to parse something that is clearly not one. */
const MAX_BACKUP_CHARS = 5_000_000;
/** AES-GCM appends a 16-byte tag: anything shorter was cut. */
const MIN_CIPHERTEXT_BYTES = 16;

interface BlobJson {
	iv: string;
	ciphertext: string;
}

export interface BackupFile {
	format: typeof BACKUP_FORMAT;
	version: 2 | 3;
	exportedAt: number;
	kdf: { algorithm: 'PBKDF2-SHA256'; iterations: number; salt: string };
	verifier: BlobJson;
	/** Version 3: the data key, wrapped under the passphrase key. */
	dataKey?: BlobJson;
	accounts: {
		id: string;
		label: string;
		venue: VenueId;
		presetId?: string;
		endpoints: Endpoints;
		createdAt: number;
		secret: BlobJson;
	}[];
}

export function serializeBackup(
	meta: VaultMeta,
	accounts: AccountRecord[],
	exportedAt: number
): string {
	const file: BackupFile = {
		format: BACKUP_FORMAT,
		version: meta.version === 2 ? BACKUP_VERSION : 2,
		exportedAt,
		kdf: {
			algorithm: meta.kdf.algorithm,
			iterations: meta.kdf.iterations,
			salt: bytesToBase64(meta.kdf.salt)
		},
		verifier: blobToJson(meta.verifier),
		...(meta.version === 2 ? { dataKey: blobToJson(meta.dataKey) } : {}),
		accounts: accounts.map((a) => ({
			id: a.id,
			label: a.label,
			venue: a.venue,
			...(a.presetId === undefined ? {} : { presetId: a.presetId }),
			endpoints: { ...a.endpoints },
			createdAt: a.createdAt,
			secret: blobToJson(a.secret)
		}))
	};
	return JSON.stringify(file, null, '\t');
}

export interface ParsedBackup {
	meta: VaultMeta;
	accounts: AccountRecord[];
}

/** Throws BackupFormatError naming the first problem found. */
export function parseBackup(json: string, minIterations: number): ParsedBackup {
	if (typeof json !== 'string' || json.length > MAX_BACKUP_CHARS) fail('the file is too large');
	let file: unknown;
	try {
		file = JSON.parse(json);
	} catch {
		fail('the file is not JSON');
	}
	if (!isObject(file) || file.format !== BACKUP_FORMAT) fail('the format is not perch-backup');
	if (!READABLE_VERSIONS.includes(file.version)) {
		fail(`version ${String(file.version)} is not supported (expected ${BACKUP_VERSION} or older)`);
	}
	const kdf = file.kdf;
	if (!isObject(kdf) || kdf.algorithm !== 'PBKDF2-SHA256') fail('unknown key derivation');
	const iterations = kdf.iterations;
	const kdfProblem = checkIterations(iterations, minIterations);
	if (kdfProblem || typeof iterations !== 'number') fail(kdfProblem ?? 'no iteration count');
	const salt = decode(kdf.salt, 'kdf.salt');
	if (salt.length < SALT_BYTES) fail(`the salt is shorter than ${SALT_BYTES} bytes`);
	const kdfParams = { algorithm: 'PBKDF2-SHA256' as const, iterations, salt };
	const verifier = parseBlob(file.verifier, 'verifier');
	const createdAt = typeof file.exportedAt === 'number' ? file.exportedAt : 0;
	const meta: VaultMeta =
		file.version === 3
			? {
					version: 2,
					kdf: kdfParams,
					verifier,
					dataKey: parseBlob(file.dataKey, 'dataKey'),
					createdAt
				}
			: { version: 1, kdf: kdfParams, verifier, createdAt };
	if (!Array.isArray(file.accounts)) fail('accounts is missing');
	const accounts = file.accounts.map((entry: unknown, i: number) => parseAccount(entry, i));
	if (new Set(accounts.map((a) => a.id)).size !== accounts.length) fail('duplicate account ids');
	return { meta, accounts };
}

function parseAccount(entry: unknown, index: number): AccountRecord {
	const where = `accounts[${index}]`;
	if (!isObject(entry)) fail(`${where} is not an object`);
	const { id, label, venue, presetId, endpoints, createdAt } = entry;
	if (typeof id !== 'string' || id === '') fail(`${where}.id is missing`);
	if (typeof label !== 'string') fail(`${where}.label is missing`);
	if (!isVenueId(venue)) fail(`${where}.venue is unknown`);
	if (presetId !== undefined && typeof presetId !== 'string') {
		fail(`${where}.presetId is not a name`);
	}
	if (
		!isObject(endpoints) ||
		typeof endpoints.rest !== 'string' ||
		typeof endpoints.publicWs !== 'string' ||
		typeof endpoints.privateWs !== 'string'
	) {
		fail(`${where}.endpoints is incomplete`);
	}
	const endpointProblems = checkAccountEndpoints(venue, {
		rest: endpoints.rest,
		publicWs: endpoints.publicWs,
		privateWs: endpoints.privateWs
	});
	for (const [field, problem] of Object.entries(endpointProblems)) {
		fail(`${where}.endpoints.${field}: ${problem}`);
	}
	if (typeof createdAt !== 'number' || !Number.isFinite(createdAt)) {
		fail(`${where}.createdAt is not a time`);
	}
	return {
		id,
		label,
		venue,
		...(presetId === undefined ? {} : { presetId }),
		endpoints: {
			rest: endpoints.rest,
			publicWs: endpoints.publicWs,
			privateWs: endpoints.privateWs
		},
		createdAt,
		secret: parseBlob(entry.secret, `${where}.secret`)
	};
}

function parseBlob(value: unknown, where: string): EncryptedBlob {
	if (!isObject(value)) fail(`${where} is missing`);
	const iv = decode(value.iv, `${where}.iv`);
	if (iv.length !== IV_BYTES) fail(`${where}.iv is not ${IV_BYTES} bytes`);
	const ciphertext = decode(value.ciphertext, `${where}.ciphertext`);
	if (ciphertext.length < MIN_CIPHERTEXT_BYTES) fail(`${where}.ciphertext is truncated`);
	return { iv, ciphertext: ciphertext.buffer };
}

function blobToJson(blob: EncryptedBlob): BlobJson {
	return { iv: bytesToBase64(blob.iv), ciphertext: bytesToBase64(new Uint8Array(blob.ciphertext)) };
}

function decode(value: unknown, where: string): Uint8Array<ArrayBuffer> {
	if (typeof value !== 'string') fail(`${where} is missing`);
	try {
		return base64ToBytes(value);
	} catch {
		fail(`${where} is not base64`);
	}
}

function isObject(value: unknown): value is Record<string, unknown> {
	return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function fail(reason: string): never {
	throw new BackupFormatError(reason);
}
