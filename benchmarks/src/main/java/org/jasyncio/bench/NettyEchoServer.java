package org.jasyncio.bench;

import java.io.File;

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
import io.netty.handler.ssl.OpenSsl;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;

/**
 * The Netty peer of the echo benchmark: NIO on ONE event-loop thread by default (the same thread
 * accepts and serves, as jasyncio's single loop does), Netty's own echo example handler:
 * write each buffer back on {@code channelRead}, flush on {@code channelReadComplete}.
 * TCP_NODELAY is on (Netty's default). Prints {@code listening PORT} when ready.
 *
 * <pre>NettyEchoServer PORT [--tls --cert CERT_PEM --key KEY_PEM [--provider jdk|openssl]] [--threads N] [--work-us U]</pre>
 *
 * <p>{@code --threads N} (default 1) gives the event-loop group N threads: one of them also
 * accepts, and the connections are spread round robin over all N (Netty's usual setup, the
 * peer of jasyncio's {@code LoopGroup}). {@code --work-us U} spins U microseconds of CPU in
 * every {@code channelRead} before the echo, as {@code echo-server --work-us} does.
 *
 * <p>{@code --tls} puts an {@code SslHandler} first in the pipeline, as Netty's SecureChat
 * example does. The provider is the JDK's {@code SSLEngine} by default (SunJSSE, the provider
 * jasyncio uses); {@code --provider openssl} is netty-tcnative's BoringSSL engine
 * ({@code netty-tcnative-boringssl-static}), refused with a clear error when its native
 * library cannot be loaded. Netty's TLS defaults otherwise.
 */
public final class NettyEchoServer {
    private NettyEchoServer() {}

    @Sharable
    static final class EchoHandler extends ChannelInboundHandlerAdapter {
        private final long workNanos;

        EchoHandler(long workNanos) {
            this.workNanos = workNanos;
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (workNanos > 0) {
                long end = System.nanoTime() + workNanos;
                while (System.nanoTime() < end) {
                    Thread.onSpinWait();
                }
            }
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
        String usage = "usage: NettyEchoServer PORT [--tls --cert CERT_PEM --key KEY_PEM [--provider jdk|openssl]]"
                + " [--threads N] [--work-us U]";
        if (args.length < 1) {
            System.err.println(usage);
            System.exit(2);
        }
        int port = Integer.parseInt(args[0]);
        boolean tls = false;
        String cert = null;
        String key = null;
        String provider = "jdk";
        int threads = 1;
        long workNanos = 0;
        for (int i = 1; i < args.length; i++) {
            switch (args[i]) {
                case "--threads" -> threads = Integer.parseInt(args[++i]);
                case "--work-us" -> workNanos = Long.parseLong(args[++i]) * 1_000L;
                case "--tls" -> tls = true;
                case "--cert" -> cert = args[++i];
                case "--key" -> key = args[++i];
                case "--provider" -> provider = args[++i];
                default -> {
                    System.err.println(usage);
                    System.exit(2);
                }
            }
        }
        SslContext ssl = null;
        if (tls) {
            if (cert == null || key == null || !provider.equals("jdk") && !provider.equals("openssl")) {
                System.err.println(usage);
                System.exit(2);
            }
            SslProvider p = provider.equals("jdk") ? SslProvider.JDK : SslProvider.OPENSSL;
            if (p == SslProvider.OPENSSL && !OpenSsl.isAvailable()) {
                System.err.println("netty-tcnative is not available: " + OpenSsl.unavailabilityCause());
                System.exit(3);
            }
            ssl = SslContextBuilder.forServer(new File(cert), new File(key)).sslProvider(p).build();
            System.out.println("TLS provider " + p + (p == SslProvider.OPENSSL ? " (" + OpenSsl.versionString() + ")" : ""));
        }
        SslContext sslContext = ssl;
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(threads, NioIoHandler.newFactory());
        try {
            EchoHandler handler = new EchoHandler(workNanos);
            ServerBootstrap b = new ServerBootstrap()
                    .group(group)
                    .channel(NioServerSocketChannel.class)
                    .option(ChannelOption.SO_BACKLOG, 4096)
                    .childOption(ChannelOption.TCP_NODELAY, true)
                    .childHandler(new ChannelInitializer<SocketChannel>() {
                        @Override
                        protected void initChannel(SocketChannel ch) {
                            if (sslContext != null) {
                                ch.pipeline().addLast(sslContext.newHandler(ch.alloc()));
                            }
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
