// The calibration target: a bare Fastify route, measured in the same run as
// the scenario so results are ratios on this machine, not absolute claims.
import Fastify from 'fastify';

const app = Fastify({ logger: false });
app.get('/hello', () => ({ hello: 'world' }));
const address = await app.listen({ host: '127.0.0.1', port: 0 });
process.stdout.write(`listening ${address}\n`);
process.once('SIGTERM', () => void app.close().then(() => process.exit(0)));
