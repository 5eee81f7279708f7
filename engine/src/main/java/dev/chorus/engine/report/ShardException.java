package dev.chorus.engine.report;

import java.io.IOException;
import java.nio.file.Path;

/**
 * A shard folder given to {@link ShardMerger} that is missing, unreadable or not written by {@code chorus run}. The
 * message names the folder, what is wrong and the fix.
 */
public final class ShardException extends IOException {
    private final transient Path shard;

    public ShardException(Path shard, String problem, Throwable cause) {
        super("shard=" + shard + ": " + problem, cause);
        this.shard = shard;
    }

    /** The shard folder at fault. */
    public Path shard() {
        return shard;
    }
}
