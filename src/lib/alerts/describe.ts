/** Alert texts, made when shown: with privacy on, sizes never reach the screen or a notification. */
import { maskValue } from '$lib/privacy/mask';
import type { FiredAlert } from './evaluate';

export interface AlertText {
	title: string;
	body: string;
	/** Risk alerts are urgent; news (a fill) is not. */
	urgent: boolean;
}

const pct = (v: number, places = 1) => `${v.toFixed(places)} %`;

export function describeAlert(alert: FiredAlert, hidden: boolean): AlertText {
	const e = alert.event;
	const acct = `account ${alert.accountLabel}`;
	switch (e.kind) {
		case 'liquidation':
			return {
				title: `${e.symbol} ${e.side}: ${pct(e.distance)} from liquidation`,
				body: `The mark is within ${pct(e.threshold, 0)} of the liquidation price (${acct}).`,
				urgent: true
			};
		case 'margin':
			return {
				title: `Margin ratio ${pct(e.ratio)} (${acct})`,
				body: `Position margin is above ${pct(e.threshold, 0)} of equity.`,
				urgent: true
			};
		case 'funding':
			return {
				title: `${e.symbol} funding ${pct(e.rate * 100, 4)} in ${e.minutes} min`,
				body: `Your ${e.side} ${e.pays ? 'pays' : 'receives'} at the next settlement (${acct}).`,
				urgent: false
			};
		case 'fill':
			return {
				title: `Fill on ${e.symbol}`,
				body: `${e.detail}: size now ${maskValue(e.size, hidden)} (${acct}).`,
				urgent: false
			};
		case 'position':
			return {
				title: `${e.symbol} ${e.side} ${e.opened ? 'opened' : 'closed'}`,
				body: `${e.opened ? 'Size' : 'Last size'} ${maskValue(e.size, hidden)} contracts (${acct}).`,
				urgent: false
			};
		case 'stream':
			return {
				title: `Private stream down for ${e.seconds} s`,
				body: `Positions of ${acct} are not live; closing is paused until it reconnects.`,
				urgent: true
			};
	}
}
