import { describe, expect, it } from 'vitest';
import { BITGET_CONTRACTS, formatSize, parseSize, type BitgetContract } from './contracts';

const contract = (symbol: string): BitgetContract =>
	BITGET_CONTRACTS.find((c) => c.symbol === symbol)!;

describe('order size against volumePlace / sizeMultiplier / minTradeNum', () => {
	it('accepts sizes on the step and counts engine units of sizeMultiplier', () => {
		expect(parseSize(contract('BTCUSDT'), '0.005')).toEqual({ ok: true, units: 5 });
		expect(parseSize(contract('BTCUSDT'), '1.25')).toEqual({ ok: true, units: 1250 });
		expect(parseSize(contract('DOGEUSDT'), '150')).toEqual({ ok: true, units: 15 });
	});

	it('refuses more decimals than volumePlace', () => {
		expect(parseSize(contract('BTCUSDT'), '0.0005')).toEqual({ ok: false, reason: 'scale' });
		expect(parseSize(contract('XRPUSDT'), '10.5')).toEqual({ ok: false, reason: 'scale' });
	});

	it('refuses sizes that are not a multiple of sizeMultiplier', () => {
		expect(parseSize(contract('DOGEUSDT'), '105')).toEqual({ ok: false, reason: 'multiple' });
	});

	it('refuses sizes under minTradeNum even when on the step', () => {
		expect(parseSize(contract('XRPUSDT'), '9')).toEqual({ ok: false, reason: 'minimum' });
		expect(parseSize(contract('DOGEUSDT'), '90')).toEqual({ ok: false, reason: 'minimum' });
		expect(parseSize(contract('BTCUSDT'), '0')).toEqual({ ok: false, reason: 'minimum' });
	});

	it('refuses what is not a plain decimal', () => {
		expect(parseSize(contract('BTCUSDT'), '1e-3')).toEqual({ ok: false, reason: 'format' });
		expect(parseSize(contract('BTCUSDT'), '-0.001')).toEqual({ ok: false, reason: 'format' });
	});

	it('writes sizes back without padding zeros', () => {
		expect(formatSize(contract('BTCUSDT'), 500)).toBe('0.5');
		expect(formatSize(contract('DOGEUSDT'), 15)).toBe('150');
	});
});
