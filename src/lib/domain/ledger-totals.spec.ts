import { describe, expect, it } from 'vitest';
import type { LedgerEntry, LedgerType } from '$lib/exchanges/types';
import { cumulativeSeries, fundingBySymbol, ledgerTotals } from './ledger-totals';

let n = 0;
function row(type: LedgerType, amount: string, time: number, symbol?: string): LedgerEntry {
	return { id: String(n++), accountId: 'a', time, type, amount, asset: 'USDT', symbol };
}

describe('ledgerTotals', () => {
	it('sums exactly where floats drift (0.1 + 0.2)', () => {
		const { all } = ledgerTotals([
			row('funding', '0.1', 1, 'BTCUSDT'),
			row('funding', '0.2', 2, 'BTCUSDT')
		]);
		expect(0.1 + 0.2).not.toBe(0.3);
		expect(all.funding).toBe('0.3');
	});

	it('splits by type and symbol; net leaves transfers out', () => {
		const { all, bySymbol } = ledgerTotals([
			row('realized-pnl', '12.50000000', 1, 'BTCUSDT'),
			row('fee', '-0.01000000', 1, 'BTCUSDT'),
			row('funding', '-0.375', 2, 'BTCUSDT'),
			row('funding', '0.125', 3, 'ETHUSDT'),
			row('liquidation', '-3', 4, 'ETHUSDT'),
			row('transfer', '1000', 5),
			row('other', '0.00000001', 6)
		]);
		expect(all).toEqual({
			realizedPnl: '12.5',
			funding: '-0.25',
			fees: '-0.01',
			liquidation: '-3',
			transfers: '1000',
			other: '0.00000001',
			net: '9.24000001',
			fundingPaid: '-0.375',
			fundingReceived: '0.125',
			rows: 7
		});
		expect(bySymbol.map((s) => [s.symbol, s.net, s.rows])).toEqual([
			['BTCUSDT', '12.115', 3],
			['ETHUSDT', '-2.875', 2]
		]);
	});

	it('gives zeros, not empty strings, for no rows', () => {
		expect(ledgerTotals([]).all.net).toBe('0');
	});
});

describe('cumulativeSeries', () => {
	it('runs sums in time order, one point per distinct time, without transfers', () => {
		const series = cumulativeSeries([
			row('fee', '-1', 3000, 'X'),
			row('realized-pnl', '5', 1000, 'X'),
			row('transfer', '100', 2000),
			row('funding', '0.5', 3000, 'X')
		]);
		expect(series).toEqual([
			[1, 3],
			[5, 5],
			[0, 0.5],
			[0, -1],
			[5, 4.5]
		]);
	});

	it('ends on the exact totals: net counts liquidations and other rows, not transfers', () => {
		const rows = [
			row('realized-pnl', '0.1', 1, 'X'),
			row('liquidation', '-0.2', 2, 'X'),
			row('other', '0.00000001', 2),
			row('transfer', '50', 3),
			row('funding', '0.2', 4, 'X'),
			row('fee', '-0.3', 4, 'X')
		];
		const [times, realized, funding, fees, net] = cumulativeSeries(rows);
		const { all } = ledgerTotals(rows);
		expect(times).toEqual([0.001, 0.002, 0.004]);
		expect(net.at(-1)).toBe(Number(all.net));
		expect(net).toEqual([0.1, -0.09999999, -0.19999999]);
		expect([realized.at(-1), funding.at(-1), fees.at(-1)]).toEqual([0.1, 0.2, -0.3]);
	});
});

describe('fundingBySymbol', () => {
	it('reports paid as a positive amount beside received', () => {
		expect(
			fundingBySymbol([
				row('funding', '-0.4', 1, 'BTCUSDT'),
				row('funding', '0.1', 2, 'BTCUSDT'),
				row('fee', '-9', 2, 'BTCUSDT'),
				row('fee', '-9', 2, 'ETHUSDT')
			])
		).toEqual([{ symbol: 'BTCUSDT', paid: '0.4', received: '0.1' }]);
	});
});
