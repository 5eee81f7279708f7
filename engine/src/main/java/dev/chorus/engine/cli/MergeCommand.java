package dev.chorus.engine.cli;

import dev.chorus.engine.RunReport;
import dev.chorus.engine.metrics.Threshold;
import dev.chorus.engine.report.ShardException;
import dev.chorus.engine.report.ShardMerger;
import dev.chorus.engine.report.Summary;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/** {@code chorus merge}: one result folder from the result folders of a sharded run (see {@link ShardMerger}). */
@Command(name = "merge", mixinStandardHelpOptions = true,
        description = "Merge the result folders of several shards (chorus run --out on each) into one: histograms "
                + "added exactly, counts summed, session files linked, thresholds evaluated on the merged figures.")
public final class MergeCommand implements Callable<Integer> {
    @Option(names = "--out", required = true, paramLabel = "DIR", description = "Merged results folder.")
    Path outDir;

    @Option(names = "--threshold", paramLabel = "EXPR",
            description = "Pass/fail condition on the merged figures, repeatable, as for chorus run. "
                    + "Exit code 1 when one fails.")
    List<String> thresholds = new ArrayList<>();

    @Parameters(paramLabel = "SHARD_DIR", arity = "1..*", description = "Result folders of the shards.")
    List<Path> shards;

    @Override
    public Integer call() {
        List<Threshold> parsed = new ArrayList<>();
        try {
            for (String t : thresholds) {
                parsed.add(Threshold.parse(t));
            }
        } catch (IllegalArgumentException e) {
            System.err.println("error: " + e.getMessage());
            return Main.EXIT_BAD_INPUT;
        }
        RunReport report;
        try {
            report = ShardMerger.merge(shards, outDir, parsed);
        } catch (ShardException e) {
            System.err.println("error: " + e.getMessage());
            return Main.EXIT_BAD_INPUT;
        } catch (IOException e) {
            System.err.println("error: cannot write the merged results to " + outDir + " (" + e + "); fix: choose a "
                    + "writable --out folder");
            return Main.EXIT_BAD_INPUT;
        }
        System.out.print(Summary.of(report));
        System.out.flush();
        return report.succeeded() ? 0 : Main.EXIT_FAILED;
    }
}
