// The Node echo server of the echo benchmark:
//   node echo_server.js PORT [--tls --cert CERT_PEM --key KEY_PEM]
// Writes every chunk back as it arrives ('data' event -> socket.write), TCP_NODELAY on.
// --tls: the same over Node's tls module (OpenSSL), TLS defaults otherwise.
'use strict';
const fs = require('fs');
const net = require('net');
const tls = require('tls');
const args = process.argv.slice(2);
const port = Number(args[0]);
const opt = (name) => {
  const i = args.indexOf(name);
  return i > 0 && i + 1 < args.length ? args[i + 1] : null;
};
const useTls = args.includes('--tls');
if (!Number.isInteger(port) || (useTls && (!opt('--cert') || !opt('--key')))) {
  console.error('usage: node echo_server.js PORT [--tls --cert CERT_PEM --key KEY_PEM]');
  process.exit(2);
}
const echo = (socket) => {
  socket.setNoDelay(true);
  socket.on('data', (chunk) => socket.write(chunk));
  socket.on('error', () => socket.destroy());
};
const server = useTls
  ? tls.createServer({ cert: fs.readFileSync(opt('--cert')), key: fs.readFileSync(opt('--key')), noDelay: true }, echo)
  : net.createServer({ noDelay: true }, echo);
if (useTls) {
  server.on('tlsClientError', () => {}); // a client that goes away mid-handshake: nothing to answer
}
server.listen({ port, host: '127.0.0.1', backlog: 4096 }, () => console.log('listening', port));
