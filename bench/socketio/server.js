// Baseline (b) of the Switchboard benchmark: Socket.IO 4 with rooms, WebSocket transport only,
// listening on 127.0.0.1 only.  PORT (default 3000).
//   client -> server  42["join",room]          joins the room; answered 42["joined",room]
//   client -> server  42["msg",room,data]      io.to(room).emit("msg", data)  (to every member, sender included if a member)
'use strict';
const http = require('http');
const { Server } = require('socket.io');

const port = Number(process.env.PORT || 3000);
const httpServer = http.createServer();
const io = new Server(httpServer, {
  serveClient: false,
  transports: ['websocket'],
  perMessageDeflate: false,
  httpCompression: false,
  cors: undefined,
});

io.on('connection', (socket) => {
  socket.on('join', (room) => {
    socket.join(room);
    socket.emit('joined', room);
  });
  socket.on('msg', (room, data) => {
    io.to(room).emit('msg', data);
  });
});

httpServer.listen(port, '127.0.0.1', 1024, () => {
  console.log(`socket.io ${require('socket.io/package.json').version} listening on 127.0.0.1:${port} (pid ${process.pid})`);
});

for (const sig of ['SIGINT', 'SIGTERM']) {
  process.on(sig, () => { io.close(); process.exit(0); });
}
