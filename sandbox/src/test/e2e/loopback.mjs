// Preload (node --import ./loopback.mjs ...): server-everything listens on every interface; bind it
// to loopback instead, as every server in these tests is.
import net from 'node:net';

const host = process.env.BIND_HOST ?? '127.0.0.1';
const listen = net.Server.prototype.listen;
net.Server.prototype.listen = function (...args) {
  const port = args[0];
  if ((typeof port === 'number' || (typeof port === 'string' && /^\d+$/.test(port))) && typeof args[1] !== 'string') {
    args.splice(1, 0, host);
  }
  return listen.apply(this, args);
};
