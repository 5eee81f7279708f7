package dev.chorus.engine.schedule;

import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

class ThreadSchedulingTest {
    /** Field 41 of /proc/thread-self/stat: the thread's scheduling policy (0 normal, 1 FIFO, 5 idle). */
    private static int policy() throws Exception {
        String stat = Files.readString(Path.of("/proc/thread-self/stat"));
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return Integer.parseInt(fields[41 - 3]);
    }

    @Test
    void aBackgroundThreadLowersItselfToIdleAndOnlyItself() throws Exception {
        assumeTrue(Files.exists(Path.of("/proc/thread-self")), "Linux only");
        AtomicReference<Object> seen = new AtomicReference<>();
        Thread t = new Thread(() -> {
            try {
                boolean lowered = ThreadScheduling.lowerToIdle();
                seen.set(lowered ? policy() : "chrt missing");
            } catch (Exception e) {
                seen.set(e);
            }
        });
        t.start();
        t.join();
        assumeTrue(!"chrt missing".equals(seen.get()), "chrt not installed");
        assertThat(seen.get()).isEqualTo(5);
        assertThat(policy()).as("the calling test thread is untouched").isZero();
    }

    @Test
    void anEventLoopThreadRaisesItselfToFifoOrSaysWhyNot() throws Exception {
        assumeTrue(Files.exists(Path.of("/proc/thread-self")), "Linux only");
        AtomicReference<Object> seen = new AtomicReference<>();
        Thread t = new Thread(() -> {
            try {
                ThreadScheduling.raiseToRealtime();
                seen.set(policy());
            } catch (Exception e) {
                seen.set(e);
            }
        }, "loop-under-test");
        t.start();
        t.join();
        if (seen.get() instanceof java.io.IOException) {
            // Not root and no CAP_SYS_NICE: the message names the option, the thread and the fix.
            assertThat(((Exception) seen.get()).getMessage()).contains("--realtime-loops", "loop-under-test",
                    "CAP_SYS_NICE", "fix:");
        } else {
            assertThat(seen.get()).isEqualTo(1);
        }
    }
}
