/**
 * Result files (CONTRACT §4): {@code report.json}, {@code sessions/<call id>.json}, {@code junit.xml},
 * {@code calls.csv}, the self-contained {@code report.html}, and the terminal summary.
 *
 * <p>Threading: writers are used by the recorder thread only. Nothing here ever writes a secret: reports hold the
 * endpoint without query or user info, and no header values. Text from the run (call ids, error messages, which
 * may come from the agent) is escaped for the format it goes into ({@code Markup}).
 */
package dev.chorus.engine.report;
