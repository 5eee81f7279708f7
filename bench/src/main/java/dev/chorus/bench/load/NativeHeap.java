package dev.chorus.bench.load;

import java.lang.management.ManagementFactory;
import java.util.Optional;

import javax.management.JMException;
import javax.management.ObjectName;

/**
 * Gives the C heap's free pages back to the system: the JVM's {@code System.trim_native_heap} diagnostic command
 * ({@code malloc_trim(0)} on glibc), through the platform's {@code DiagnosticCommand} MBean ({@code run.sh} uses
 * {@code jcmd} for the same command on the generators).
 *
 * <p>Why the benchmarks trim before they read RSS: TLS handshakes and JIT compilations malloc and free a great deal,
 * and glibc keeps freed pages resident in its arenas. After a ramp of 1,000 handshakes a Chorus generator held
 * ~15 MB it no longer used, which an RSS-per-session figure charged to each call as ~15 KB
 * ({@code bench/load/README.md}, "Native memory per session"). Trimmed, RSS counts what the connections hold.
 *
 * <p>glibc only; elsewhere the command is not there and this is a no-op.
 */
final class NativeHeap {
    private NativeHeap() {
    }

    /**
     * Trims now. Returns the JVM's one-line account ({@code "Trim native heap: RSS+Swap: 2162M->2147M (-15592K)"}),
     * or empty when the command or the MBean is not there (another JVM, another C library).
     */
    static Optional<String> trim() {
        try {
            Object reply = ManagementFactory.getPlatformMBeanServer().invoke(
                    new ObjectName("com.sun.management:type=DiagnosticCommand"), "systemTrimNativeHeap",
                    new Object[] {null}, new String[] {String[].class.getName()});
            String text = reply == null ? "" : reply.toString().trim();
            return text.startsWith("Trim native heap:") ? Optional.of(text) : Optional.empty();
        } catch (JMException | RuntimeException e) {
            return Optional.empty();
        }
    }
}
