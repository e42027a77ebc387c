package org.jasyncio.bench;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;

/**
 * The Netty peer of the echo benchmark: NIO on ONE event-loop thread (the same thread
 * accepts and serves, as jasyncio's single loop does), Netty's own echo example handler:
 * write each buffer back on {@code channelRead}, flush on {@code channelReadComplete}.
 * TCP_NODELAY is on (Netty's default). Prints {@code listening PORT} when ready.
 *
 * <pre>NettyEchoServer PORT</pre>
 */
public final class NettyEchoServer {
    private NettyEchoServer() {}

    @Sharable
    static final class EchoHandler extends ChannelInboundHandlerAdapter {
        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ctx.write(msg);
        }

        @Override
        public void channelReadComplete(ChannelHandlerContext ctx) {
            ctx.flush();
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close();
        }
    }

    public static void main(String[] args) throws Exception {
        int port = Integer.parseInt(args[0]);
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        try {
            EchoHandler handler = new EchoHandler();
            ServerBootstrap b = new ServerBootstrap()
                    .group(group)
                    .channel(NioServerSocketChannel.class)
                    .option(ChannelOption.SO_BACKLOG, 4096)
                    .childOption(ChannelOption.TCP_NODELAY, true)
                    .childHandler(new ChannelInitializer<SocketChannel>() {
                        @Override
                        protected void initChannel(SocketChannel ch) {
                            ch.pipeline().addLast(handler);
                        }
                    });
            var ch = b.bind("127.0.0.1", port).sync().channel();
            System.out.println("listening " + port);
            System.out.flush();
            ch.closeFuture().sync();
        } finally {
            group.shutdownGracefully();
        }
    }
}
