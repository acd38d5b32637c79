/**
 * An account's last-known state (positions, balances, open orders) sealed with the vault's data
 * key, bound to the account id so one account's state cannot be shown as another's.
 */
import type { EncryptedBlob } from '$lib/db/schema';
import type { Balance, Order, Position, PositionMode } from '$lib/exchanges/types';
import { decryptJson, encryptJson } from './crypto';
import { DecryptionError } from './errors';

export interface LastKnownState {
	positions: Position[];
	balances: Balance[];
	orders: Order[];
	positionMode: PositionMode | null;
	/** Device time (Unix ms) when this was last known live. */
	savedAt: number;
}

function context(accountId: string): string {
	return JSON.stringify(['perch-last-known-v1', accountId]);
}

export function sealLastKnown(
	key: CryptoKey,
	accountId: string,
	state: LastKnownState
): Promise<EncryptedBlob> {
	return encryptJson(key, state, context(accountId));
}

/** Undefined when it does not open or is not the expected shape: it is a cache, never an error. */
export async function openLastKnown(
	key: CryptoKey,
	accountId: string,
	blob: EncryptedBlob
): Promise<LastKnownState | undefined> {
	let value: unknown;
	try {
		value = await decryptJson<unknown>(key, blob, context(accountId));
	} catch (error) {
		if (error instanceof DecryptionError) return undefined;
		throw error;
	}
	if (typeof value !== 'object' || value === null) return undefined;
	const v = value as Partial<Record<keyof LastKnownState, unknown>>;
	if (!Array.isArray(v.positions) || !Array.isArray(v.balances) || !Array.isArray(v.orders)) {
		return undefined;
	}
	if (typeof v.savedAt !== 'number' || !Number.isFinite(v.savedAt)) return undefined;
	const mode = v.positionMode === 'hedge' || v.positionMode === 'one-way' ? v.positionMode : null;
	const mine = <T extends { accountId: string }>(rows: unknown[]) =>
		rows.filter(
			(r): r is T =>
				typeof r === 'object' &&
				r !== null &&
				(r as { accountId?: unknown }).accountId === accountId
		);
	return {
		positions: mine<Position>(v.positions).filter(
			(p) => typeof p.symbol === 'string' && typeof p.size === 'string'
		),
		balances: mine<Balance>(v.balances).filter((b) => typeof b.asset === 'string'),
		orders: mine<Order>(v.orders).filter((o) => typeof o.orderId === 'string'),
		positionMode: mode,
		savedAt: v.savedAt
	};
}
