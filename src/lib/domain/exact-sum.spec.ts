import { describe, expect, it } from 'vitest';
import { addScaled, parseDecimal, toDecimalString, DecimalFormatError } from './decimal';
import { Amount, ExactSum, readAmount } from './exact-sum';

/** The slow, obviously exact reference: one BigInt add per amount. */
function reference(texts: string[]): string {
	return toDecimalString(texts.reduce((s, t) => addScaled(s, parseDecimal(t)), parseDecimal('0')));
}

function sum(texts: string[]): ExactSum {
	const s = new ExactSum();
	const a = new Amount();
	for (const t of texts) s.add(readAmount(t, a));
	return s;
}

describe('ExactSum', () => {
	it('sums exactly where doubles drift', () => {
		expect(sum(['0.1', '0.2']).toString()).toBe('0.3');
		expect(sum(Array(10).fill('0.1')).toString()).toBe('1');
	});

	it('mixes scales, signs, exponents and "+"', () => {
		const texts = ['12.5', '-0.01000000', '+3', '1e-8', '2.5E3', '.5', '5.', '-0', '-0.00'];
		expect(sum(texts).toString()).toBe(reference(texts));
	});

	it('stays exact past 2^53 units, where a double would round', () => {
		// 9,007,199,254,740,993 units of 1e-8 cannot be held in a double.
		const texts = ['90071992.54740992', '0.00000001', '0.00000001', '-0.00000001'];
		expect(sum(texts).toString()).toBe('90071992.54740993');
		const many = Array(2000).fill('999999999.99999999');
		expect(sum(many).toString()).toBe(reference(many));
	});

	it('reads long amounts through BigInt', () => {
		const texts = ['123456789012345678.123456789', '-0.000000000000000000001', '7'];
		expect(sum(texts).toString()).toBe(reference(texts));
	});

	it('agrees with the BigInt reference on random ledgers', () => {
		let seed = 42;
		const rand = () => ((seed = (seed * 16807) % 2147483647) - 1) / 2147483646;
		for (let run = 0; run < 50; run++) {
			const texts: string[] = [];
			for (let i = 0; i < 400; i++) {
				const scale = Math.floor(rand() * 12);
				const digits = 1 + Math.floor(rand() * 18);
				let d = '';
				for (let k = 0; k < digits; k++) d += Math.floor(rand() * 10);
				const text = scale > 0 && scale < d.length ? `${d.slice(0, -scale)}.${d.slice(-scale)}` : d;
				texts.push(rand() < 0.5 ? `-${text}` : text);
			}
			expect(sum(texts).toString()).toBe(reference(texts));
		}
	});

	it('converts to the nearest double for drawing', () => {
		expect(sum(['0.1', '0.2']).toNumber()).toBe(0.3);
		expect(sum(['-1234.56789']).toNumber()).toBe(-1234.56789);
		expect(sum(['90071992.54740992', '0.00000002']).toNumber()).toBe(90071992.54740994);
	});

	it('rejects what parseDecimal rejects', () => {
		for (const bad of ['', '-', '.', 'abc', '1.2.3', ' 1', 'NaN', '1,5']) {
			expect(() => readAmount(bad, new Amount())).toThrow(DecimalFormatError);
		}
	});

	it('tells the sign, with "-0" not negative', () => {
		const a = new Amount();
		expect(readAmount('-0.5', a).negative).toBe(true);
		expect(readAmount('-0', a).negative).toBe(false);
		expect(readAmount('-1e30', a).negative).toBe(true);
		expect(readAmount('0.25', a).negative).toBe(false);
	});
});
