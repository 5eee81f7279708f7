package dev.chorus.engine.transport;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.ServerSocketChannel;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.util.concurrent.DefaultThreadFactory;

import java.util.Locale;

/**
 * The event loop transport: epoll by default when it loads (timerfd gives sub-millisecond wake-ups for 20 ms
 * pacing), NIO otherwise or on request. Immutable and thread-safe.
 *
 * <p>io_uring (Netty 4.2.18's {@code netty-transport-native-io_uring}) was tried as a third choice and measured
 * against epoll with {@code bench/load/run.sh}: it cost more CPU per frame and fell behind earlier
 * ({@code bench/load/README.md}, "io_uring"), so it is not shipped.
 */
public enum Transport {
    EPOLL("epoll"), NIO("nio");

    private final String wireName;

    Transport(String wireName) {
        this.wireName = wireName;
    }

    /** The name in {@code --transport}, reports and the summary line. */
    public String wireName() {
        return wireName;
    }

    /** epoll when available, unless {@code -Dchorus.transport=nio}. */
    public static Transport best() {
        return named(System.getProperty("chorus.transport", "auto"));
    }

    /** Whether {@code name} is one {@link #named} takes (whether it loads here is {@link #named}'s to say). */
    public static boolean known(String name) {
        switch (name.toLowerCase(Locale.ROOT)) {
            case "auto":
            case "epoll":
            case "nio":
                return true;
            default:
                return false;
        }
    }

    /**
     * The transport {@code name} asks for: {@code auto} (epoll when it loads, else NIO), {@code epoll} or
     * {@code nio}.
     *
     * @throws IllegalArgumentException for an unknown name, or a native transport that does not load here, naming
     *                                  the reason and the fix
     */
    public static Transport named(String name) {
        switch (name.toLowerCase(Locale.ROOT)) {
            case "auto":
                return Epoll.isAvailable() ? EPOLL : NIO;
            case "epoll":
                if (!Epoll.isAvailable()) {
                    throw new IllegalArgumentException("--transport epoll: epoll does not load here ("
                            + Epoll.unavailabilityCause() + "); fix: use --transport auto or nio");
                }
                return EPOLL;
            case "nio":
                return NIO;
            default:
                throw new IllegalArgumentException("--transport '" + name + "' is not a transport; use auto, epoll or "
                        + "nio");
        }
    }

    /** Why epoll is not used, or null when it is available. */
    public static String epollUnavailabilityReason() {
        Throwable cause = Epoll.unavailabilityCause();
        return cause == null ? null : cause.toString();
    }

    public IoHandlerFactory ioHandlerFactory() {
        return this == EPOLL ? EpollIoHandler.newFactory() : NioIoHandler.newFactory();
    }

    /** A group of {@code threads} event loops (0 = one per core) whose threads are named {@code prefix-N}. */
    public EventLoopGroup newGroup(int threads, String threadNamePrefix) {
        int n = threads > 0 ? threads : Runtime.getRuntime().availableProcessors();
        return new MultiThreadIoEventLoopGroup(n, new DefaultThreadFactory(threadNamePrefix, true), ioHandlerFactory());
    }

    public Class<? extends SocketChannel> socketChannelClass() {
        return this == EPOLL ? EpollSocketChannel.class : NioSocketChannel.class;
    }

    public Class<? extends ServerSocketChannel> serverChannelClass() {
        return this == EPOLL ? EpollServerSocketChannel.class : NioServerSocketChannel.class;
    }
}
