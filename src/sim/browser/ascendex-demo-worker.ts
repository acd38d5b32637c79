/**
 * The in-page Demo's AscendEX simulator, in a Web Worker like the BitMart one (demo-worker.ts):
 * the AscendEX demo account, its positions at today's prices and a month of funding and balance
 * history. The page reaches it through port-transport.ts.
 */
import {
	ASCENDEX_DEMO_ACCOUNT,
	ASCENDEX_DEMO_SEEDS
} from '../../lib/exchanges/ascendex/demo-account';
import { AscendexSim } from '../ascendex/exchange';
import { seedAscendexHistory } from '../ascendex/history';
import { ascendexBackend } from './ascendex-transport';
import { serveBackend, type Port } from './port-transport';

const sim = new AscendexSim({ seed: Date.now() % 100000 });
sim.start();
const account = sim.addAccount({
	apiKey: ASCENDEX_DEMO_ACCOUNT.apiKey,
	secret: ASCENDEX_DEMO_ACCOUNT.secret,
	accountGroup: ASCENDEX_DEMO_ACCOUNT.accountGroup,
	expireTime: -1,
	usdt: '25000'
});
seedAscendexHistory(account.account, sim.engine, {
	days: 30,
	fillsPerDay: 12,
	now: Date.now() - 1000
});
for (const s of ASCENDEX_DEMO_SEEDS) {
	const m = sim.engine.get(s.symbol)!;
	account.seedPosition({
		symbol: s.symbol,
		position: s.position,
		avgOpenPrice: (m.priceOf(m.mark) * (1 + s.offset)).toFixed(m.decimals),
		leverage: s.leverage,
		marginType: s.mode
	});
}
serveBackend(ascendexBackend(sim), globalThis as unknown as Port);
