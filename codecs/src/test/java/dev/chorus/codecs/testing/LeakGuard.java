package dev.chorus.codecs.testing;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.util.ResourceLeakDetector;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.util.ArrayList;
import java.util.List;

/**
 * Fails a test class when Netty's leak detector reports a leaked {@link ByteBuf}.
 *
 * <p>Registered for every test class by JUnit's extension auto-detection (see
 * {@code META-INF/services/org.junit.jupiter.api.extension.Extension}); surefire runs with
 * {@code -Dio.netty.leakDetection.level=paranoid}. A leak is only reported once the buffer has been garbage
 * collected and another buffer is allocated, so after each class this collects, allocates a few buffers of
 * every kind, and fails if anything was reported. A leak that surfaces late still fails the class that sees it,
 * so the run as a whole can never pass with a leak.
 *
 * <p>Thread-safe: the listener is called from whichever thread allocates.
 */
public final class LeakGuard implements BeforeAllCallback, AfterAllCallback {
    private static final List<String> LEAKS = new ArrayList<>();
    private static volatile boolean installed;

    private static synchronized void install() {
        if (installed) {
            return;
        }
        if (ResourceLeakDetector.getLevel() != ResourceLeakDetector.Level.PARANOID) {
            ResourceLeakDetector.setLevel(ResourceLeakDetector.Level.PARANOID);
        }
        ByteBufUtil.setLeakListener((resourceType, records) -> {
            synchronized (LEAKS) {
                LEAKS.add(resourceType + " leaked:\n" + records);
            }
        });
        installed = true;
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        install();
    }

    @Override
    public void afterAll(ExtensionContext context) throws InterruptedException {
        for (int round = 0; round < 3; round++) {
            System.gc();
            Thread.sleep(20);
            touch(PooledByteBufAllocator.DEFAULT);
            touch(UnpooledByteBufAllocator.DEFAULT);
            touch(ByteBufAllocator.DEFAULT);
        }
        List<String> found;
        synchronized (LEAKS) {
            found = new ArrayList<>(LEAKS);
            LEAKS.clear();
        }
        if (!found.isEmpty()) {
            throw new AssertionError("Netty reported " + found.size() + " ByteBuf leak(s) by the end of "
                    + context.getDisplayName() + ":\n" + String.join("\n----\n", found));
        }
    }

    private static void touch(ByteBufAllocator allocator) {
        for (int i = 0; i < 8; i++) {
            allocator.directBuffer(16).release();
            allocator.heapBuffer(16).release();
        }
    }
}
