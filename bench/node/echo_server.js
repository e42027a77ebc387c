// The Node echo server of the echo benchmark: node echo_server.js PORT
// Writes every chunk back as it arrives ('data' event -> socket.write), TCP_NODELAY on.
'use strict';
const net = require('net');
const port = Number(process.argv[2]);
if (!Number.isInteger(port)) {
  console.error('usage: node echo_server.js PORT');
  process.exit(2);
}
const server = net.createServer({ noDelay: true }, (socket) => {
  socket.setNoDelay(true);
  socket.on('data', (chunk) => socket.write(chunk));
  socket.on('error', () => socket.destroy());
});
server.listen({ port, host: '127.0.0.1', backlog: 4096 }, () => console.log('listening', port));
