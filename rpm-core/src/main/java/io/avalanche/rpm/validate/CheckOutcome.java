package io.avalanche.rpm.validate;

import java.time.Duration;

/** Outcome of one check on one package; {@code output} holds tool output for the report (may be empty). */
public record CheckOutcome(String packageName, String check, Status status, String message, String output,
                          Duration time) {
    /**
     * Passed, failed, not run because an earlier check failed, or could not run because the environment is
     * unusable (no container engine, missing image): an error says nothing about the release.
     */
    public enum Status { PASSED, FAILED, SKIPPED, ERROR }

    public CheckOutcome {
        output = output == null ? "" : output;
        time = time == null ? Duration.ZERO : time;
    }

    public static CheckOutcome passed(String pkg, String check, String message, String output, Duration t) {
        return new CheckOutcome(pkg, check, Status.PASSED, message, output, t);
    }

    public static CheckOutcome failed(String pkg, String check, String message, String output, Duration t) {
        return new CheckOutcome(pkg, check, Status.FAILED, message, output, t);
    }

    public static CheckOutcome skipped(String pkg, String check, String message) {
        return new CheckOutcome(pkg, check, Status.SKIPPED, message, "", Duration.ZERO);
    }

    /** An environment error: the check could not run. */
    public static CheckOutcome error(String pkg, String check, String message, Duration t) {
        return new CheckOutcome(pkg, check, Status.ERROR, message, "", t);
    }

    /** True when the check failed or could not run (either way the run did not pass). */
    public boolean failed() {
        return status == Status.FAILED || status == Status.ERROR;
    }
}
