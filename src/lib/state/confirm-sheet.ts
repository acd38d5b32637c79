import type { PositionSide } from '$lib/exchanges/types';
import type { AccountsManager } from './accounts.svelte';

/** What the open confirm sheet is about; its contents are derived live from the sessions. */
export type PendingAction =
	| {
			kind: 'close';
			accountId: string;
			symbol: string;
			side: PositionSide;
			fraction: number;
			override: boolean;
	  }
	| { kind: 'close-all'; accountIds: string[]; title: string; confirmLabel: string }
	| { kind: 'cancel-all'; accountId: string };

export interface SheetContent {
	title: string;
	sentence: string;
	details: string[];
	confirmLabel: string;
	/** Nothing to confirm (the position is gone, or the close would be refused). */
	blocked: boolean;
	/** Changes whenever what would be sent changes: a hold in progress starts over. */
	version: string;
	/** Sends exactly what this sheet shows (its plan, captured when the sheet was built). */
	run: () => Promise<unknown>;
}

/** What the sheet reads and calls: the accounts facade, or a stand-in in a test. */
export type SheetSource = Pick<
	AccountsManager,
	'previewClose' | 'previewCloseAll' | 'session' | 'closePosition' | 'closeListed' | 'cancelAll'
>;

/** The sheet for this action as the live state stands now. */
export function sheetFor(p: PendingAction, source: SheetSource): SheetContent {
	if (p.kind === 'close') return closeSheet(p, source);
	if (p.kind === 'close-all') return closeAllSheet(p, source);
	return cancelAllSheet(p.accountId, source);
}

function closeSheet(
	p: Extract<PendingAction, { kind: 'close' }>,
	source: SheetSource
): SheetContent {
	const preview = source.previewClose(p.accountId, p.symbol, p.side, p.fraction);
	const title = p.override
		? `Send a new close of ${p.symbol} ${p.side} (earlier close unconfirmed)`
		: `Close ${p.fraction * 100}% of ${p.symbol} ${p.side}`;
	if (!preview.ok) {
		return {
			title,
			sentence: preview.reason,
			details: [],
			confirmLabel: 'Hold to close',
			blocked: true,
			version: preview.reason,
			run: async () => undefined
		};
	}
	const { plan, position, positionSize } = preview;
	const details = [
		`Position now: ${positionSize} ${position.side}, ${position.marginMode}, ${position.positionMode} mode`
	];
	if (p.override) {
		details.push(
			'An earlier close of this position has no confirmed outcome. Send this only if you checked on the exchange that it did not go through.'
		);
	}
	return {
		title,
		sentence: preview.sentence,
		details,
		confirmLabel: p.override ? 'Hold to send a new close' : 'Hold to close',
		blocked: false,
		version: `${plan.side}:${plan.size}:${plan.marginMode}`,
		run: () => source.closePosition(p.accountId, plan, p.fraction, p.override)
	};
}

function closeAllSheet(
	p: Extract<PendingAction, { kind: 'close-all' }>,
	source: SheetSource
): SheetContent {
	const lines = source.previewCloseAll(p.accountIds);
	const orders = lines.filter((l) => l.preview.ok);
	const multi = p.accountIds.length > 1;
	return {
		title: p.title,
		sentence:
			orders.length === 0
				? 'No open position to close.'
				: `Close ${orders.length} position(s) at market, reduce-only${multi ? ` in ${p.accountIds.length} account(s)` : `, account ${lines[0]?.accountLabel ?? ''}`}`,
		details: lines.map((l) =>
			l.preview.ok
				? `${multi ? `${l.accountLabel}: ` : ''}${l.preview.plan.side === 'sell' ? 'Sell' : 'Buy'} ${l.preview.plan.size} ${l.preview.plan.symbol}`
				: `${multi ? `${l.accountLabel}: ` : ''}${l.preview.reason}`
		),
		confirmLabel: p.confirmLabel,
		blocked: orders.length === 0,
		version: lines
			.map((l) => (l.preview.ok ? `${l.key}:${l.preview.plan.side}:${l.preview.plan.size}` : l.key))
			.join('|'),
		run: () => source.closeListed(lines)
	};
}

function cancelAllSheet(accountId: string, source: SheetSource): SheetContent {
	const s = source.session(accountId);
	const label = s?.identity.label ?? '';
	const orders = s?.orders ?? [];
	return {
		title: `Cancel all orders of ${label}`,
		sentence: `Cancel ${orders.length} open order(s), account ${label}`,
		details: orders.map((o) => `${o.side} ${o.size} ${o.symbol} @ ${o.price}`),
		confirmLabel: 'Hold to cancel all',
		blocked: orders.length === 0,
		version: orders.map((o) => o.orderId).join('|'),
		run: () => source.cancelAll(accountId)
	};
}
