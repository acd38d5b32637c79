import { DEMO_ACCOUNT, DEMO_SEEDS } from '../../lib/exchanges/demo/account';
import { SimExchange } from '../core/sim-exchange';

/** The Demo venue's simulator: started, with the Demo account and its positions at today's mids. */
export function startDemoSim(seed: number): SimExchange {
	const sim = new SimExchange({ seed });
	sim.start();
	const account = sim.addAccount({
		apiKey: DEMO_ACCOUNT.apiKey,
		secret: DEMO_ACCOUNT.secret,
		memo: DEMO_ACCOUNT.fields.memo,
		positionMode: 'hedge'
	});
	account.setBalance('USDT', '25000');
	for (const s of DEMO_SEEDS) {
		const view = sim.book(s.symbol, 5);
		const mid = (Number(view.bids[0][0]) + Number(view.asks[0][0])) / 2;
		account.seedPosition({
			symbol: s.symbol,
			side: s.side,
			size: s.size,
			entryPrice: (mid * (1 + s.offset)).toPrecision(6),
			leverage: s.leverage,
			marginMode: s.mode
		});
	}
	return sim;
}
