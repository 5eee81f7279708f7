/**
 * Event loops (epoll when the native transport loads, NIO otherwise) and TLS contexts (BoringSSL through
 * netty-tcnative when it loads, the JDK provider otherwise).
 *
 * <p>Threading: factories are thread-safe; contexts are immutable and shared by every call of a run.
 */
package dev.chorus.engine.transport;
